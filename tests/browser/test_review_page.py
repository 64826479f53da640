"""The review page in a real headless browser: opened from the file system, held stories and marks visible.

Drives Debian's chromium (`apt-get install chromium`; .ci/run installs it) through playwright's Python
API without downloading a browser. Skipped cleanly where either is missing. The screenshot is kept
under the test's tmp_path and copied to $NEWSDESK_TEST_ARTIFACTS when that is set (CI sets it).
"""

from __future__ import annotations

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


def test_review_page_shows_held_articles_and_their_marked_findings(browser_context, review_page, screenshot):
    path, held = review_page
    assert held, "the bundled sample holds stories for an editor"
    page = browser_context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())

    assert page.locator("header.top h1").is_visible()
    assert page.locator("ul.counts li.held strong").inner_text() == str(len(held))
    for article, title in held:
        card = page.locator(f'details[data-slug="{article.slug}"]')
        heading = card.locator(":scope > summary h2")
        heading.scroll_into_view_if_needed()
        assert heading.is_visible() and heading.inner_text() == title
        assert page.get_by_text(title, exact=True).count() == 1, f"{article.slug}: headline shown twice"
        mark = card.locator("mark.finding").first
        assert not mark.is_visible()  # closed until the editor opens it
        heading.click()
        mark.scroll_into_view_if_needed()
        assert mark.is_visible(), f"{article.slug}: no visible marked finding"
        for rule in article.reasons:
            css = "rule-" + rule.replace(".", "-").replace("_", "-")
            assert card.locator(f"mark.finding.{css}").count() >= 1, f"{article.slug}: {rule} not marked"
    legal = page.locator("details[data-slug='thinkloom-alpha-score-2026-11-20'] mark.rule-risk-legal")
    assert legal.inner_text() == "lawsuit"
    assert legal.evaluate("m => getComputedStyle(m).backgroundColor") not in (
        "rgba(0, 0, 0, 0)",
        "transparent",
    )

    assert screenshot(page, "review-page").stat().st_size > 10_000
    assert all(url.startswith("file://") for url in requests), requests  # self-contained: no server
    page.close()


def test_review_page_fits_a_phone(browser_context, review_page, screenshot):
    """At 375 pixels wide, with every article open, nothing is wider than the screen."""
    path, _ = review_page
    page = browser_context.new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(path.as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} pixels wide at a 375-pixel viewport"
    table = page.locator("table.by-rule")
    box = table.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375  # the rules table is whole
    screenshot(page, "review-page-phone", full_page=False)
    page.close()
