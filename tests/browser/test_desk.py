"""An editor's morning at `newsdesk serve`, in Debian's chromium driven by playwright.

Open the queue, filter it by rule, open a held article, fix a misquote in the editor, re-check it
(the finding goes), approve it with a note (it is then in the site and the feeds), reject another;
every step is photographed. The server is the real command, in a child process, on a free port,
over a copy of a sample run. Skipped cleanly without chromium.
"""

from __future__ import annotations

import json
import re

import pytest

from generator.catalog import read_index
from generator.layout import Layout
from generator.models import Sidecar, Verdict

pytestmark = pytest.mark.browser


def sidecar_of(out, slug) -> Sidecar:
    entry = next(e for e in read_index(Layout(out)) if e.slug == slug)
    return Sidecar.model_validate_json((out / entry.path).with_suffix(".json").read_text())


def test_an_editor_fixes_approves_and_rejects_in_the_browser(
    browser_context, desk_out, start_desk, desk_case, screenshot, sample_run
):
    desk = start_desk(desk_out)
    page = browser_context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    # The queue: blocked and held articles, with counts.
    page.goto(desk.url)
    assert page.locator("h1").inner_text() == "The desk"
    # the run's held articles are queued; desk_template blocked two of them by editing
    held = sample_run.count(Verdict.REVIEW) + sample_run.count(Verdict.BLOCK)
    assert page.locator("ul.counts li.blocked strong").inner_text() == "2"
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == held
    assert page.locator("ul.counts li.held strong").inner_text() == str(held - 2)
    assert rows.first.get_attribute("data-slug") in (desk_case.misquoted, desk_case.evil)  # blocked first
    screenshot(page, "desk-1-queue")

    # Filter by rule: only the misquoted articles are left.
    page.select_option("select[name=rule]", "quotes.mismatch")
    page.click("form.filters button[type=submit]")
    assert "rule=quotes.mismatch" in page.url
    slugs = set(page.locator("table.queue tbody tr").evaluate_all("rows => rows.map(r => r.dataset.slug)"))
    assert slugs == {desk_case.misquoted, desk_case.evil}
    screenshot(page, "desk-2-filtered")

    # Open the misquoted article: the quote is marked and set beside its source, the changed word marked.
    page.click(f"tr[data-slug='{desk_case.misquoted}'] a")
    assert page.url.endswith(f"/articles/{desk_case.misquoted}")
    assert page.locator("h1").count() == 1
    mismatch = page.locator("mark.rule-quotes-mismatch")
    assert mismatch.count() >= 1 and "fights" in mismatch.first.inner_text()
    assert page.locator(".quote-diff del").inner_text() == "fights"
    assert page.locator(".quote-diff ins").inner_text() == "faces"
    assert page.locator("button.approve").count() == 0  # blocked: it cannot be approved as it is
    screenshot(page, "desk-3-misquote")

    # Edit the quote to match its source, save and re-check: the finding is gone, the article is held.
    text = page.locator("textarea[name=text]").input_value()
    assert desk_case.headline.replace("faces", "fights") in text
    page.fill("textarea[name=text]", text.replace("fights shareholder", "faces shareholder"))
    page.fill("form[action$='/edit'] input[name=note]", "quote matched to the headline")
    page.click("form[action$='/edit'] button[type=submit]")
    assert page.url.endswith("?done=edited"), page.locator("main").inner_text()[:600]
    assert page.locator("p.notice[role=status]").inner_text() == "Saved and re-checked."
    assert page.locator("mark.rule-quotes-mismatch").count() == 0
    assert page.locator(".quote-diff").count() == 0
    assert page.locator("mark.rule-risk-legal").inner_text() == "lawsuit"  # still held for the legal term
    assert page.locator("section.history li").first.inner_text().startswith("edit by desk-test")
    screenshot(page, "desk-4-rechecked")

    # What changed: the diff between the run's text and the edit.
    page.click("text=what changed")
    assert page.locator("table.diff tr.del del").inner_text().count("fights shareholder") == 1
    assert "faces shareholder" in page.locator("table.diff tr.ins ins").inner_text()
    screenshot(page, "desk-5-diff")
    page.go_back()

    # Approve with a note: it leaves the queue for the site and the feeds.
    page.fill("form[action$='/approve'] input[name=note]", "lawsuit is reported, not alleged by us")
    page.click("button.approve")
    assert re.search(r"/\?done=approved&slug=", page.url)
    assert "it is in the site and the feeds" in page.locator("p.notice").inner_text()
    assert page.locator(f"tr[data-slug='{desk_case.misquoted}']").count() == 0
    site_copy = desk_out / "site" / desk_case.day / f"{desk_case.misquoted}.md"
    assert (
        site_copy.is_file() and not (desk_out / "desk" / desk_case.day / f"{desk_case.misquoted}.md").exists()
    )
    feed = json.loads((desk_out / "site" / "feed.json").read_text())
    assert any(item["id"].endswith(f"/{desk_case.misquoted}.html") for item in feed["items"])
    assert f"/{desk_case.misquoted}.html" in (desk_out / "site" / "atom.xml").read_text()
    approval = sidecar_of(desk_out, desk_case.misquoted).approval
    assert approval.by == "desk-test" and approval.note == "lawsuit is reported, not alleged by us"
    screenshot(page, "desk-6-approved")

    # Reject another, with a reason: it leaves the queue and stays off the site.
    page.click(f"tr[data-slug='{desk_case.to_reject}'] a")
    page.fill("form[action$='/reject'] input[name=reason]", "the lawsuit was withdrawn")
    page.click("button.reject")
    assert "done=rejected" in page.url
    assert page.locator(f"tr[data-slug='{desk_case.to_reject}']").count() == 0
    assert page.locator("ul.counts li.rejected strong").inner_text() == "1"
    rejected = sidecar_of(desk_out, desk_case.to_reject)
    assert rejected.rejection.reason == "the lawsuit was withdrawn" and rejected.rejection.by == "desk-test"
    assert [a.action for a in rejected.actions] == ["reject"]
    assert not (desk_out / "site" / desk_case.day / f"{desk_case.to_reject}.md").exists()
    screenshot(page, "desk-7-rejected")

    assert dialogs == []
    assert all(url.startswith(desk.url) for url in requests), requests  # nothing loaded from elsewhere
    page.close()


def test_a_quoted_script_in_a_source_never_runs(browser_context, desk_out, start_desk, desk_case, screenshot):
    desk = start_desk(desk_out)
    page = browser_context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{desk.url}articles/{desk_case.evil}")
    passage = page.locator(".quote-diff blockquote.passage")
    assert desk_case.script in passage.inner_text()  # shown as text, where an editor can see it
    assert page.locator("script").count() == 0
    page.wait_for_timeout(300)
    screenshot(page, "desk-script-as-text")
    assert dialogs == [], dialogs
    page.close()


def test_the_desk_fits_a_phone(browser_context, desk_out, start_desk, desk_case, screenshot):
    desk = start_desk(desk_out)
    page = browser_context.new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("", f"articles/{desk_case.misquoted}"):
        page.goto(desk.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"/{path} is {width} pixels wide at a 375-pixel viewport"
    screenshot(page, "desk-phone-article", full_page=False)
    page.close()
