"""The site's pages in a real headless browser, checked by axe-core for accessibility problems.

axe-core comes bundled with the axe-playwright-python package (a dev dependency); the pages are
opened from the file system, as they are written. Skipped cleanly without chromium or axe.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

DAY = "2026-11-20"
PAGES = [
    "site/index.html",
    f"site/{DAY}/index.html",
    f"site/{DAY}/cohort-performance-2026-11-20.html",  # tables
    f"site/{DAY}/helix-microdevices-alpha-score-2026-11-20.html",  # a quote, sources with links
    f"desk/{DAY}/thinkloom-alpha-score-2026-11-20.html",  # a held draft
]


@pytest.fixture(scope="module")
def axe():
    if importlib.util.find_spec("axe_playwright_python") is None:
        pytest.skip("axe-core is not installed (pip install axe-playwright-python)")
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("relative", PAGES)
def test_pages_have_no_accessibility_violations(browser_context, axe, sample_run, relative, tmp_path):
    path = sample_run.out_dir / relative
    page = browser_context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    results = axe.run(page)
    violations = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]]
    assert violations == [], violations
    assert page.locator("h1").count() == 1 and page.locator("h1").is_visible()
    assert all(url.startswith("file://") for url in requests), requests  # nothing loaded from elsewhere
    if relative.endswith("cohort-performance-2026-11-20.html"):
        assert page.locator("main table").count() >= 1
        shot = tmp_path / "article-page.png"
        page.screenshot(path=str(shot), full_page=True)
        artifacts = os.environ.get("NEWSDESK_TEST_ARTIFACTS")
        if artifacts:
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            shutil.copy2(shot, Path(artifacts) / shot.name)
    page.close()
