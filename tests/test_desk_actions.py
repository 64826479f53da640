"""The editor's actions — recheck, approve, reject — and what they leave in the output folder.

Each test works on a private copy of one sample run. Expected values come from the articles' text
and the rules (a changed word in a quote blocks; "strong buy" holds), not from the code under test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from command_line import run_cli

from generator.catalog import read_index
from generator.config import load_settings
from generator.errors import PublishError
from generator.layout import Layout
from generator.models import Sidecar, Verdict
from generator.review import QueueFilter, approve, load_queue, recheck, reject, versions

DAY = "2026-11-20"
QUOTED = "fibrenne-optical-alpha-score-2026-11-20"  # published; quotes its chief executive
QUOTE = "only as fast as the links"
LEGAL = "thinkloom-alpha-score-2026-11-20"  # held: "lawsuit" in a quoted headline
OTHER = "brookmere-financial-alpha-score-2026-11-20"  # held too


@pytest.fixture
def out(sample_run, tmp_path) -> Path:
    return Path(shutil.copytree(sample_run.out_dir, tmp_path / "out", symlinks=True))


def entry_of(out: Path, slug: str):
    return next(e for e in read_index(Layout(out)) if e.slug == slug)


def sidecar_of(out: Path, slug: str) -> Sidecar:
    return Sidecar.model_validate_json((out / entry_of(out, slug).path).with_suffix(".json").read_text())


def feed_ids(out: Path) -> list[str]:
    return [item["id"] for item in json.loads((out / "site" / "feed.json").read_text())["items"]]


def listed_on_site(out: Path, slug: str) -> bool:
    """The day's page lists every published story (a routine brief, as QUOTED is, is in no feed)."""
    page = out / "site" / DAY / "index.html"
    return page.is_file() and f'href="{slug}.html"' in page.read_text()


def test_recheck_of_a_misquote_by_path_pulls_a_story_from_the_site_and_a_fix_puts_it_back(
    out, monkeypatch, capsys
):
    site_md = out / "site" / DAY / f"{QUOTED}.md"
    site_md.write_text(site_md.read_text().replace(QUOTE, QUOTE.replace("fast", "quick")))
    # No --out: the output folder is the one the path is in.
    code, stdout, _ = run_cli(monkeypatch, capsys, "recheck", str(site_md), "--by", "kim")
    assert code == 0 and f"rechecked {QUOTED}: edited; verdict publish -> block" in stdout
    assert "quotes.mismatch [error]" in stdout
    desk_md = out / "desk" / DAY / f"{QUOTED}.md"
    assert desk_md.is_file() and not site_md.exists()
    assert not (out / "site" / DAY / f"{QUOTED}.ninjs.json").exists()
    assert not listed_on_site(out, QUOTED)
    assert "draft: true" in desk_md.read_text() and "verdict: block" in desk_md.read_text()
    assert (out / "desk" / DAY / "sources" / "fbrn-raises-outlook.txt").is_file()  # its source came along
    sidecar = sidecar_of(out, QUOTED)
    (finding,) = [f for f in sidecar.findings if f.rule == "quotes.mismatch"]
    assert finding.source == "fbrn-raises-outlook"
    assert "AI clusters are only as fast as the links" in finding.passage
    assert [finding.quoted[a:b] for a, b in finding.quoted_changes] == ["quick"]
    assert [finding.passage[a:b] for a, b in finding.passage_changes] == ["fast"]
    (action,) = sidecar.actions
    assert (action.action, action.by, action.verdict) == ("edit", "kim", Verdict.BLOCK)

    desk_md.write_text(desk_md.read_text().replace("only as quick as", "only as fast as"))
    code, stdout, _ = run_cli(monkeypatch, capsys, "recheck", QUOTED, "--out", str(out), "--by", "kim")
    assert code == 0 and "verdict block -> publish" in stdout and "published in" in stdout
    assert site_md.is_file() and not desk_md.exists()
    assert listed_on_site(out, QUOTED)
    sidecar = sidecar_of(out, QUOTED)
    assert sidecar.verdict is Verdict.PUBLISH and sidecar.findings == []
    assert [a.action for a in sidecar.actions] == ["edit", "edit"]
    # Two changes of content, two new versions (as two reruns would make); first published as before.
    assert sidecar.release.version == 3
    assert sidecar.release.published == sidecar.release.first_created


def test_recheck_of_unchanged_text_records_a_recheck_and_changes_no_release(out):
    before = sidecar_of(out, LEGAL)
    result = recheck(load_settings(out=out), LEGAL, by="kim", note="rules updated")
    assert result.action.action == "recheck" and result.action.previous_hash is None
    after = sidecar_of(out, LEGAL)
    assert after.release == before.release and after.content_hash == before.content_hash
    assert after.verdict is Verdict.REVIEW and after.actions[0].note == "rules updated"
    assert not (out / "desk" / "versions").exists()  # nothing changed: no version to keep


def test_an_edit_keeps_both_versions_for_a_diff(out):
    settings = load_settings(out=out)
    md = out / entry_of(out, LEGAL).path
    original = md.read_text()
    edited = original.replace("Bellwether Markets reported", "Bellwether Markets, a trade outlet, reported")
    result = recheck(settings, LEGAL, by="kim", text=edited)
    assert result.action.action == "edit" and result.sidecar.release.version == 2
    entry = entry_of(out, LEGAL)
    sidecar = sidecar_of(out, LEGAL)
    found = versions(out, entry, sidecar, load_queue(out).find(LEGAL).markdown)
    assert [v.label.split(" by ")[0] for v in found] == ["before the first edit", "edited"]
    assert "a trade outlet" not in found[0].text and "a trade outlet" in found[1].text


def test_an_approval_goes_to_the_site_and_is_recorded_and_reported(out):
    calls = []

    class Recorder:
        def record(self, out_dir, entry, action):
            calls.append((out_dir, entry.slug, action.action, action.by, action.note))

    result = approve(
        load_settings(out=out), LEGAL, by="kim", note="reported, not alleged", recorder=Recorder()
    )
    assert result.entry.public and (out / "site" / DAY / f"{LEGAL}.md").is_file()
    assert calls == [(out, LEGAL, "approve", "kim", "reported, not alleged")]
    assert [a.action for a in sidecar_of(out, LEGAL).actions] == ["approve"]


def test_an_edit_after_an_approval_holds_the_story_again(out):
    settings = load_settings(out=out)
    approve(settings, LEGAL, by="kim")
    site_md = out / "site" / DAY / f"{LEGAL}.md"
    result = recheck(settings, LEGAL, by="kim", text=site_md.read_text().replace("reported", "wrote"))
    assert result.sidecar.approval is None and not result.entry.public
    assert (out / "desk" / DAY / f"{LEGAL}.md").is_file() and not site_md.exists()
    assert not any(i.endswith(f"/{LEGAL}.html") for i in feed_ids(out))


def test_a_rejection_leaves_the_queue_survives_a_rerun_and_an_edit_brings_it_back(out):
    from generator.pipeline import build

    settings = load_settings(out=out)
    reject(settings, LEGAL, by="kim", reason="the lawsuit was withdrawn")
    queue = load_queue(out)
    assert queue.find(LEGAL) is None and queue.counts()["rejected"] == 1
    md = out / "desk" / DAY / f"{LEGAL}.md"
    assert "rejected: true" in md.read_text() and "draft: true" in md.read_text()
    with pytest.raises(PublishError, match="rejected by kim"):
        approve(settings, LEGAL, by="kim")

    build(load_settings(out=out, jobs=1, quiet=True))  # the same text again: the rejection holds
    assert sidecar_of(out, LEGAL).rejection.reason == "the lawsuit was withdrawn"
    assert load_queue(out).find(LEGAL) is None

    recheck(settings, LEGAL, by="kim", text=md.read_text().replace("reported", "wrote"))
    assert sidecar_of(out, LEGAL).rejection is None and load_queue(out).find(LEGAL) is not None


@pytest.mark.parametrize(
    ("slug", "reason", "message"),
    [
        (QUOTED, "no", "already published"),
        (LEGAL, "  ", "a rejection needs a reason"),
        ("no-such-story", "no", "no article 'no-such-story'"),
        ("../../etc", "no", "not an article slug"),
    ],
)
def test_reject_refuses_with_one_line_and_exit_2(out, monkeypatch, capsys, slug, reason, message):
    code, _, err = run_cli(
        monkeypatch, capsys, "reject", slug, "--reason", reason, "--out", str(out), "--by", "k"
    )
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace(f"slug: {LEGAL}", "slug: another-slug"), "must keep the slug"),
        (lambda t: t.replace("date: 2026-11-20", "date: 2026-11-21"), "must keep the date"),
        (lambda t: t.replace("title: ", "title: [", 1), "front matter is not valid YAML"),
        (lambda t: t.split("---\n", 2)[2], "has no front matter"),
    ],
)
def test_recheck_refuses_an_edit_that_breaks_the_article_and_changes_nothing(out, change, message):
    md = out / entry_of(out, LEGAL).path
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p != md}
    with pytest.raises(PublishError, match=message):
        recheck(load_settings(out=out), LEGAL, by="kim", text=change(md.read_text()))
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p != md} == before


def test_recheck_refuses_a_path_outside_the_output(out, monkeypatch, capsys, tmp_path):
    stray = tmp_path / "stray.md"
    stray.write_text("---\ntitle: x\n---\n")
    code, _, err = run_cli(monkeypatch, capsys, "recheck", str(stray), "--out", str(out))
    assert code == 2 and "not an article of" in err and len(err.strip().splitlines()) == 1


def test_the_queue_filters_and_puts_the_most_newsworthy_first(out):
    index = Layout(out).index
    data = json.loads(index.read_text())
    for article in data["articles"]:
        if article["slug"] == OTHER:
            article["newsworthiness"] = 99.5  # above every other held story's
        elif article["slug"] == LEGAL:
            article["newsworthiness"] = 99.0
    index.write_text(json.dumps(data))
    queue = load_queue(out)
    slugs = [item.entry.slug for item in queue.items]
    assert slugs[:2] == [OTHER, LEGAL]  # rated stories first, the most newsworthy on top
    legal = queue.filtered(QueueFilter(rule="risk.legal"))
    assert legal and all("risk.legal" in item.rules for item in legal)
    assert queue.filtered(QueueFilter(rule="risk.low_coverage", verdict="block")) == []
    assert {item.entry.kind for item in queue.filtered(QueueFilter(kind="alpha_brief"))} == {"alpha_brief"}
