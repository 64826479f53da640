"""The review page in a real headless browser: opened from the file system, held stories and marks visible.

Drives Debian's chromium (`apt-get install chromium`; .ci/run installs it) through playwright's Python
API without downloading a browser. Skipped cleanly where either is missing. The screenshot is kept
under the test's tmp_path and copied to $NEWSDESK_TEST_ARTIFACTS when that is set (CI sets it).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.catalog import read_index
from generator.changeset import output_lock
from generator.config import load_settings
from generator.layout import Layout
from generator.models import Verdict
from generator.pipeline import build
from generator.review import write_review_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def review_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "out"
    result = build(load_settings(out=out, jobs=1, quiet=True))
    with output_lock(out):
        path, _ = write_review_page(out)
    titles = {e.slug: e.title for e in read_index(Layout(out))}
    held = [(a, titles[a.slug]) for a in result.articles if a.verdict is not Verdict.PUBLISH]
    return path, held


def test_review_page_shows_held_articles_and_their_marked_findings(browser_context, review_page, tmp_path):
    path, held = review_page
    assert held, "the bundled sample holds stories for an editor"
    page = browser_context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())

    assert page.locator("header.summary").is_visible()
    assert page.locator("ul.counts li.held strong").inner_text() == str(len(held))
    for article, title in held:
        card = page.locator(f'article[data-slug="{article.slug}"]')
        card.scroll_into_view_if_needed()
        assert card.is_visible()
        heading = card.locator(":scope > header > h2")
        assert heading.is_visible() and heading.inner_text() == title
        mark = card.locator("mark.finding").first
        mark.scroll_into_view_if_needed()
        assert mark.is_visible(), f"{article.slug}: no visible marked finding"
        for rule in article.reasons:
            css = "rule-" + rule.replace(".", "-").replace("_", "-")
            assert card.locator(f"mark.finding.{css}").count() >= 1, f"{article.slug}: {rule} not marked"
    legal = page.locator("article[data-slug='thinkloom-alpha-score-2026-11-20'] mark.rule-risk-legal")
    assert legal.inner_text() == "lawsuit"
    assert legal.evaluate("m => getComputedStyle(m).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )

    page.locator("nav a").first.click()  # the contents link to each article, in the page
    assert page.url.endswith("#a1")

    shot = tmp_path / "review-page.png"
    page.goto(path.as_uri())
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    artifacts = os.environ.get("NEWSDESK_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, Path(artifacts) / shot.name)
    assert all(url.startswith("file://") for url in requests), requests  # self-contained: no server
    page.close()
