"""Editors: the review queue in the terminal and as one static page, and approving a held story."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from command_line import run_cli
from output_tree import readable

from generator import cli
from generator.catalog import IndexEntry, read_index
from generator.changeset import output_lock
from generator.config import load_settings
from generator.errors import PublishError
from generator.layout import Layout
from generator.models import Finding, Severity, Sidecar, TableDrop, Verdict
from generator.pipeline import build
from generator.review import Queue, QueueItem, approve, load_queue, render_review_page, write_review_page
from generator.review.commands import run_approve, run_review

DAY = "2026-11-20"
LEGAL = "thinkloom-alpha-score-2026-11-20"  # held: "lawsuit" in a quoted headline
SPLIT = "skyhollow-aerospace-alpha-score-2026-11-20"  # held: its 4-for-1 split, suspected in as-traded prices
QUOTED = "fibrenne-optical-alpha-score-2026-11-20"  # published; quotes its chief executive
PUBLISHED = "omnivale-technologies-alpha-score-2026-11-20"
QUOTE = "only as fast as the links"
TABLE = "| Item | Value |\n|---|---|\n| N/A | N/A |\n| - | - |\n"


def review_page(out: Path) -> Path:
    return out / "desk" / "review.html"


def json_feed(out: Path) -> Path:
    return out / "site" / "feed.json"


def atom_feed(out: Path) -> Path:
    return out / "site" / "atom.xml"


def article_path(out: Path, slug: str, suffix: str = ".md") -> Path:
    """Where the index says the article is now: site/<date>/ or desk/<date>/."""
    entry = next(e for e in read_index(Layout(out)) if e.slug == slug)
    return (out / entry.path).with_suffix(suffix)


def recheck(out: Path, slug: str, text: str) -> Sidecar:
    """An editor's fix: write the edited article where it is, then `newsdesk recheck` it."""
    article_path(out, slug).write_text(text)
    code = cli_run("recheck", slug, "--out", str(out), "--by", "kim")
    assert code == 0
    return Sidecar.model_validate_json(article_path(out, slug, ".json").read_text())


def cli_run(*args: str) -> int:
    """The CLI as a user runs it, in this process (no capture fixtures needed)."""
    old = sys.argv
    sys.argv = ["newsdesk", *args]
    try:
        cli.main()
    except SystemExit as exit_info:
        return int(exit_info.code or 0)
    finally:
        sys.argv = old
    return 0


def misquote(out: Path) -> Sidecar:
    """Block QUOTED: a changed word in its quote, a placeholder table above it, advice below it."""
    text = article_path(out, QUOTED).read_text()
    assert QUOTE in text
    text = text.replace(QUOTE, QUOTE.replace("fast", "quick"))
    text = text.replace("## From the company\n", f"## From the company\n\n{TABLE}\n")
    disclosure = "\nAI-drafted from named sources"
    text = text.replace(disclosure, f"\nAnalysts call it a strong buy.\n{disclosure}")
    return recheck(out, QUOTED, text)


@pytest.fixture(scope="module")
def queue_run(sample_dir, tmp_path_factory):
    """The sample run without its actions.csv (so SKHA's split is only suspected and its brief held),
    with one published article misquoted and blocked, and review.html written: (output, run result)."""
    root = tmp_path_factory.mktemp("review")
    snapshot = shutil.copytree(sample_dir, root / "snapshot")
    (snapshot / "actions.csv").unlink()
    out = root / "out"
    result = build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True))
    misquote(out)
    with output_lock(out):
        write_review_page(out)
    return out, result


@pytest.fixture(scope="module")
def queue_out(queue_run) -> Path:
    return queue_run[0]


def expected_counts(result) -> dict[str, int]:
    """What the queue must show, from the run's verdicts and the one article the fixture blocked."""
    held = result.count(Verdict.REVIEW)
    published = result.count(Verdict.PUBLISH)
    assert held and published and not result.count(Verdict.BLOCK)  # the sample holds stories, blocks none
    return {
        "held": held,
        "blocked": 1,
        "approved": 0,
        "published": published - 1,
        "articles": len(result.articles),
    }


def findings_on_the_desk(out: Path, rule: str) -> int:
    """How many findings of `rule` the held and blocked articles' sidecars carry."""
    return sum(
        finding.rule == rule
        for entry in read_index(Layout(out))
        if entry.verdict is not Verdict.PUBLISH or entry.slug == QUOTED
        for finding in Sidecar.model_validate_json(
            (out / entry.path).with_suffix(".json").read_text()
        ).findings
    )


@pytest.fixture
def out(queue_out, tmp_path) -> Path:
    """A private copy of `queue_out` for tests that approve."""
    copy = tmp_path / "out"
    shutil.copytree(queue_out, copy, symlinks=True)
    return copy


def article_html(page: str, slug: str) -> str:
    start = page.index(f'data-slug="{slug}"')
    return page[start : page.index("</details>", start)]


def marks(fragment: str, rule: str) -> list[str]:
    """Text inside each <mark> of one rule; a finding's mark is split in pieces around other tags."""
    pattern = rf'<mark class="finding rule-{rule} [^"]*"[^>]*>(.*?)</mark>'
    return [re.sub(r"<[^>]+>", "", text) for text in re.findall(pattern, fragment, re.S)]


# ------------------------------------------------------------------------------------------ the table


def test_review_lists_held_and_blocked_articles_with_reasons(queue_run, capsys):
    queue_out, result = queue_run
    run_review(queue_out, as_html=False)
    text = capsys.readouterr().out
    for slug in (LEGAL, SPLIT, QUOTED):
        assert slug in text
    assert "risk.corporate_action" in text and "legal term: 'lawsuit'" in text
    assert "quotes.mismatch" in text and "block" in text
    assert PUBLISHED not in text
    n = expected_counts(result)
    summary = f"{n['held']} held for review, 1 blocked, 0 approved, {n['published']} published"
    assert f"{summary}; {n['articles']} articles" in text


@pytest.mark.parametrize("setup", ["missing", "no-index"])
def test_review_without_output_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, setup):
    folder = tmp_path / "out"
    if setup == "no-index":
        folder.mkdir()
    for extra in ((), ("--html",)):
        code, _, err = run_cli(monkeypatch, capsys, "review", str(folder), *extra)
        assert code == 2 and len(err.strip().splitlines()) == 1
        assert str(folder) in err and "newsdesk run" in err
    assert not review_page(folder).exists()


# ------------------------------------------------------------------------------------------- the page


def test_page_summarises_the_queue(queue_run):
    queue_out, result = queue_run
    page = review_page(queue_out).read_text()
    n = expected_counts(result)
    for state in ("published", "approved", "held", "blocked"):
        assert f'<li class="{state}">{state}: <strong>{n[state]}</strong></li>' in page
    rows = dict(re.findall(r"<tr><td><code>([a-z_.]+)</code></td><td>\w+</td><td>(\d+)</td>", page))
    # one suspected split (SKHA), and the misquote, placeholder table and advice misquote() planted
    assert rows["risk.corporate_action"] == "1"
    assert rows["quotes.mismatch"] == "1" and rows["tables.low_information"] == "1"
    assert rows["risk.legal"] == str(findings_on_the_desk(queue_out, "risk.legal")) != "0"
    articles = re.findall(r'<details class="queued verdict-(\w+)" id="a\d+" data-slug="([a-z0-9-]+)"', page)
    assert articles[0] == ("block", QUOTED)  # blocked first
    assert len(articles) == n["held"] + n["blocked"] and PUBLISHED not in page
    assert render_review_page(load_queue(queue_out)) == page  # no timestamps: the same queue, the same page


def test_page_marks_flagged_phrases_and_figures_in_place(queue_out):
    page = review_page(queue_out).read_text()
    assert marks(article_html(page, LEGAL), "risk-legal") == ["lawsuit"]
    figures = marks(article_html(page, SPLIT), "risk-corporate-action")
    assert figures == ["74.7%"]  # the split day's move; returns spanning it are not stated at all
    coverage = article_html(page, "cairnmoor-mining-alpha-score-2026-11-20")
    # Located on the body's first line, which (the headline being in the front matter) is the lede.
    (mark,) = marks(coverage, "risk-low-coverage")
    assert mark.startswith("Cairnmoor Mining (CRNM)") and "has no Alpha Score" in mark
    # The findings list links to each mark.
    anchor = re.search(r'<mark class="finding rule-risk-legal[^"]*" title="[^"]*" id="([\w-]+)"', page)
    assert f'href="#{anchor.group(1)}"' in page


def test_page_sets_a_misquote_beside_its_source_passage(queue_out):
    article = article_html(review_page(queue_out).read_text(), QUOTED)
    diff = re.search(r'<section class="quote-diff".*?</section>', article, re.S).group(0)
    assert "<del>quick</del>" in diff and "<ins>fast</ins>" in diff
    assert diff.count("<del>") == 1 and diff.count("<ins>") == 1  # only the changed word
    assert "fbrn-raises-outlook" in diff
    quoted = marks(article, "quotes-mismatch")
    # The whole quote, from its opening mark to its closing one (the recorded span, not the excerpt).
    assert len(quoted) == 1 and quoted[0].startswith("“AI clusters are only as quick as the links")
    assert quoted[0].endswith("faster than anyone forecast a year ago,”")


def test_page_shows_dropped_tables_where_they_were_and_maps_later_lines(queue_out):
    article = article_html(review_page(queue_out).read_text(), QUOTED)
    sidecar = Sidecar.model_validate_json(article_path(queue_out, QUOTED, ".json").read_text())
    (drop,) = sidecar.tables_dropped
    box = re.search(r'<aside class="dropped" id="([\w-]+)">(.*?)</aside>', article, re.S)
    assert f"lines {drop.line_start}-{drop.line_end}" in box.group(2) and drop.reason in box.group(2)
    # In place: after the section heading it sat under, before the quote that followed it.
    body = article[article.index('<section class="article-body">') :]
    box_at = body.index('<aside class="dropped"')
    assert body.index("From the company</h2>") < box_at < body.index("only as quick as")
    assert f'href="#{box.group(1)}"' in article  # the tables finding links to it
    # "strong buy" sits below the removed table: its line is mapped back to the published copy.
    assert marks(article, "risk-advice") == ["strong buy"]


def test_dropped_table_text_is_struck_through():
    body = "# T\n\nBefore.\n\nAfter.\n"
    drop = TableDrop(line_start=5, line_end=8, reason="no column varies", text=TABLE)
    page = render_one(body, findings=[], drops=[drop], front_lines=0)
    struck = re.search(r'<del class="dropped-table">(.*?)</del>', page, re.S).group(1)
    assert "<table>" in struck and "<td>N/A</td>" in struck


def render_one(body: str, *, findings: list[Finding], drops=(), front_lines: int = 4) -> str:
    """The review page for one held article with the given body and findings."""
    front = "---\ntitle: T\nslug: t\n---\n" if front_lines else ""
    sidecar = Sidecar(
        slug="t",
        title="T",
        date=dt.date(2026, 11, 20),
        kind="k",
        verdict=Verdict.REVIEW,
        findings=findings,
        tables_dropped=list(drops),
    )
    entry = IndexEntry("t", DAY, "k", "T", "review", False, f"desk/{DAY}/t.md", "", ())
    return render_review_page(Queue(Path("out"), [entry], [QueueItem(entry, sidecar, front + body)]))


def finding(rule: str, line: int, column: int, excerpt: str = "") -> Finding:
    return Finding(
        rule=rule, severity=Severity.REVIEW, line=line, column=column, message="m", excerpt=excerpt
    )


class _Nesting(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element."""

    VOID = frozenset({"br", "hr", "img", "meta", "input", "link", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()


def test_marks_stay_well_nested_across_inline_markup_and_overlaps():
    line = "- **Value: 3, poor.** Earnings yield fell, a *strong buy* signal."
    at = line.index("strong buy") + 1
    page = render_one(
        f"# T\n\n{line}\n",
        findings=[
            finding("risk.low_coverage", 7, 5),  # no excerpt: from its column on, across </strong>
            finding("risk.advice", 7, at, "strong buy"),  # inside <em> and inside the mark above
            finding("numbers.untraced", 7, at, "strong"),  # overlapping the advice mark
        ],
    )
    body = page[page.index('<section class="article-body">') :]
    body = body[: body.index("</section>") + len("</section>")]
    checker = _Nesting()
    checker.feed(body)
    assert checker.stack == []
    assert "".join(marks(body, "risk-advice")) == "strong buy"
    assert "".join(marks(body, "numbers-untraced")) == "strong"
    assert (
        "".join(marks(body, "risk-low-coverage"))
        == "Value: 3, poor. Earnings yield fell, a strong buy signal."
    )
    assert body.count(' id="a1-f1"') == 1  # a split mark keeps one anchor


def test_page_escapes_what_it_inserts_and_needs_nothing_external():
    line = 'A [link](javascript:alert(1)) and <b onclick="x()">bold</b> <img src="https://t.invalid/p.gif">.'
    body = f"# T\n\n{line}\n"
    evil = finding("risk.legal", 7, line.index("link") + 1, "link")
    evil = evil.model_copy(update={"message": '<script>alert("m")</script>'})
    page = render_one(body, findings=[evil])
    assert marks(page, "risk-legal") == ["link"]
    assert "<script" not in page and "onclick" not in page and "javascript:" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page) and "<link" not in page and "<img" not in page


def test_marks_come_from_the_recorded_span_whatever_the_message_says():
    line = "Shares of the maker of quick links rose on the news."
    at = line.index("quick links")
    spanned = Finding(
        rule="risk.legal",
        severity=Severity.REVIEW,
        line=7,
        column=at + 1,
        end_line=7,
        end_column=at + 1 + len("quick links"),
        message="reworded: nothing here to parse",
        excerpt="something else entirely",
    )
    page = render_one(f"# T\n\n{line}\n", findings=[spanned])
    assert marks(page, "risk-legal") == ["quick links"]


def test_a_misquote_is_diffed_from_the_finding_data_not_its_message():
    quote = "“Links are as quick as chips,” she said."
    finding = Finding(
        rule="quotes.mismatch",
        severity=Severity.ERROR,
        line=7,
        column=1,
        end_line=7,
        end_column=quote.index(",”") + 3,
        message="reworded: no passage, no similarity, no source in these words",
        excerpt="Links are as quick as chips,",
        source="release",
        similarity=88,
        quoted="Links are as quick as chips,",
        quoted_changes=((13, 18),),
        passage="Links are as fast as chips.",
        passage_changes=((13, 17),),
    )
    page = render_one(f"# T\n\n{quote}\n", findings=[finding])
    diff = re.search(r'<section class="quote-diff".*?</section>', page, re.S).group(0)
    assert "<del>quick</del>" in diff and "<ins>fast</ins>" in diff and diff.count("<del>") == 1
    assert "Closest passage in release (88% similar)" in diff
    assert marks(page, "quotes-mismatch") == ["“Links are as quick as chips,”"]


def test_a_long_span_across_lines_and_emphasis_stays_well_nested():
    body = "# T\n\nThe first *line of\nthe paragraph* ends here.\n"
    finding = Finding(
        rule="risk.advice", severity=Severity.REVIEW, line=7, column=5, end_line=8, end_column=14,
        message="m", excerpt="first",
    )  # fmt: skip
    page = render_one(body, findings=[finding])
    section = page[page.index('<section class="article-body">') :]
    checker = _Nesting()
    checker.feed(section[: section.index("</section>") + len("</section>")])
    assert checker.stack == []
    assert " ".join("".join(marks(section, "risk-advice")).split()) == "first line of the paragraph"


# --------------------------------------------------------------------------------------------- approve


def test_approve_releases_a_held_article_into_the_feeds(out, monkeypatch, capsys):
    before = json.loads(json_feed(out).read_text())["items"]
    code, stdout, _ = run_cli(
        monkeypatch,
        capsys,
        "approve",
        LEGAL,
        "--out",
        str(out),
        "--note",
        "lawsuit is the news",
        "--by",
        "kim",
    )
    assert code == 0 and f"approved {LEGAL}" in stdout
    sidecar = Sidecar.model_validate_json((out / "site" / DAY / f"{LEGAL}.json").read_text())
    approval = sidecar.approval
    assert approval.by == "kim" and approval.note == "lawsuit is the news"
    assert approval.content_hash == sidecar.content_hash
    assert approval.at.tzinfo is not None and abs(dt.datetime.now(dt.UTC) - approval.at).total_seconds() < 60
    assert next(e for e in read_index(Layout(out)) if e.slug == LEGAL).approved
    assert not (out / "desk" / DAY / f"{LEGAL}.md").exists()  # moved, not copied
    items = json.loads(json_feed(out).read_text())["items"]
    assert len(items) == len(before) + 1 and any(i["id"].endswith(f"/{LEGAL}.html") for i in items)
    assert f"/{LEGAL}.html</id>" in atom_feed(out).read_text()
    page = review_page(out).read_text()  # the page existed, so it was brought up to date
    assert f'data-slug="{LEGAL}"' not in page
    assert '<li class="approved">approved: <strong>1</strong></li>' in page


def test_review_html_writes_the_page_and_says_where(out, monkeypatch, capsys):
    review_page(out).unlink()
    code, stdout, _ = run_cli(monkeypatch, capsys, "review", str(out), "--html")
    assert code == 0 and f"wrote {review_page(out)}" in stdout and "1 blocked" in stdout
    assert review_page(out).read_text().startswith("<!DOCTYPE html>")


def test_approve_defaults_to_the_current_user(out, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "night-editor")
    run_approve(SPLIT, note=None, out=out, editor=None)
    assert (
        Sidecar.model_validate_json(article_path(out, SPLIT, ".json").read_text()).approval.by
        == "night-editor"
    )


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        (QUOTED, "blocked: fix and re-check first"),
        (PUBLISHED, "already published"),
        ("no-such-story", "no article 'no-such-story'"),
        ("../../etc", "not an article slug"),
    ],
)
def test_approve_refuses_with_one_line_and_exit_2(out, monkeypatch, capsys, slug, message):
    feeds = json_feed(out).read_bytes(), atom_feed(out).read_bytes()
    code, _, err = run_cli(monkeypatch, capsys, "approve", slug, "--out", str(out), "--by", "kim")
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err
    assert (json_feed(out).read_bytes(), atom_feed(out).read_bytes()) == feeds


def test_an_approval_that_fails_while_staging_changes_nothing_and_can_be_retried(out, monkeypatch):
    from generator import changeset

    def snapshot() -> dict[str, bytes]:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(readable(out)) if p.is_file()}

    before = snapshot()
    real = changeset.temporary

    def disk_full_at_the_feed(path: Path, text: str) -> Path:
        if path.name == "feed.json":
            raise OSError(28, "No space left on device (injected)")
        return real(path, text)

    monkeypatch.setattr(changeset, "temporary", disk_full_at_the_feed)
    with pytest.raises(OSError, match="injected"):
        approve(load_settings(out=out), LEGAL, by="kim")
    monkeypatch.undo()
    assert snapshot() == before  # sidecar, index, article and feeds as they were
    approve(load_settings(out=out), LEGAL, by="kim")  # and a retry goes through
    assert (out / "site" / DAY / f"{LEGAL}.md").is_file()


def test_approve_twice_is_refused(out):
    settings = load_settings(out=out)
    approve(settings, LEGAL, by="kim")
    with pytest.raises(PublishError, match=r"already approved by kim at \d{4}-\d\d-\d\d \d\d:\d\d UTC"):
        approve(settings, LEGAL, by="kim")


def test_an_article_edited_after_its_check_cannot_be_approved(out):
    md = article_path(out, LEGAL)
    md.write_text(md.read_text() + "\nA late edit.\n")
    with pytest.raises(PublishError, match="changed since it was checked"):
        approve(load_settings(out=out), LEGAL, by="kim")


def test_a_blocked_article_can_be_approved_once_fixed_and_rechecked(out):
    md = article_path(out, QUOTED)
    fixed = recheck(out, QUOTED, md.read_text().replace("only as quick as", "only as fast as"))
    assert fixed.verdict is Verdict.REVIEW  # the quote is fixed; the advice phrase still needs an editor
    approval = approve(load_settings(out=out), QUOTED, by="kim").sidecar.approval
    assert approval.content_hash == fixed.content_hash


def test_an_approval_survives_a_rerun_of_unchanged_content(sample_run, tmp_path):
    from generator.pipeline import build

    out = tmp_path / "out"
    shutil.copytree(sample_run.out_dir, out, symlinks=True)
    approve(load_settings(out=out), LEGAL, by="kim", note="ok")
    build(load_settings(out=out, jobs=1, quiet=True))
    sidecar = Sidecar.model_validate_json((out / "site" / DAY / f"{LEGAL}.json").read_text())
    assert sidecar.approval is not None and sidecar.approval.note == "ok"
    assert any(i["id"].endswith(f"/{LEGAL}.html") for i in json.loads(json_feed(out).read_text())["items"])
    assert load_queue(out).counts()["approved"] == 1
