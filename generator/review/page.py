"""What the desk shows of a queued article, and the static review page built from it.

`article_view` turns an article and its findings into what the templates need: the title, the body
with every finding marked in place (generator.review.marks), each misquote beside the closest
source passage with the differing words marked, each removed table where it was. Both the static
`desk/review.html` and the pages of `newsdesk serve` render these views with the same templates
(generator/review/templates), in one Jinja environment with autoescaping on: everything from an
article, a source or a finding is escaped there, or rendered from markdown and sanitised with nh3.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.catalog import IndexEntry
from generator.files import atomic_write
from generator.layout import Layout
from generator.models import Finding, TableDrop
from generator.publish import without_title_heading

from . import marks as m
from .queue import Queue, QueueItem, load_queue

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES / "desk.css"


@dataclass(frozen=True)
class QuoteDiff:
    """A misquote beside the closest source passage, as runs of (text, changed?)."""

    anchor: str
    source: str
    similarity: int | None
    quote: list[tuple[str, bool]]
    passage: list[tuple[str, bool]]


@dataclass(frozen=True)
class DropView:
    """A table removed from the published copy: where it was, why, and its text when recorded."""

    anchor: str
    drop: TableDrop
    table_html: Markup | None


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    anchor: str | None  # id of its mark (or dropped-table box) on the page; None when not placed
    where: str


@dataclass
class ArticleView:
    """Everything a page shows for one queued article."""

    item: QueueItem
    anchor: str
    title_html: Markup
    body_html: Markup
    findings: list[FindingView] = field(default_factory=list)
    quotes: list[QuoteDiff] = field(default_factory=list)
    drops: list[DropView] = field(default_factory=list)

    @property
    def entry(self) -> IndexEntry:
        return self.item.entry


# ------------------------------------------------------------------------------------ the templates


@cache
def environment() -> jinja2.Environment:
    """The desk's templates: autoescaped, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_id"] = css_id
    return env


def css_id(rule: str) -> str:
    """A rule id as a CSS class name part: quotes.mismatch -> quotes-mismatch."""
    return re.sub(r"[^a-z0-9]+", "-", rule.lower())


def stylesheet() -> str:
    return STYLESHEET.read_text("utf-8")


# ---------------------------------------------------------------------------------- the static page


def write_review_page(out_dir: Path) -> tuple[Path, Queue]:
    """Write `<out>/desk/review.html` atomically; call under `output_lock`."""
    queue = load_queue(out_dir)
    path = Layout(out_dir).review_page
    atomic_write(path, render_review_page(queue))
    return path, queue


def render_review_page(queue: Queue) -> str:
    """One self-contained page (inline style, no script): the counts, then each queued article."""
    return (
        environment()
        .get_template("review_page.html.j2")
        .render(
            out_dir=str(queue.out_dir),
            counts=queue.counts(),
            total=len(queue.entries),
            rules=queue.rule_counts(),
            articles=[article_view(item, f"a{number}") for number, item in enumerate(queue.items, 1)],
            css=Markup(stylesheet()),
        )
    )


# ------------------------------------------------------------------------------------- the article


def article_view(item: QueueItem, anchor: str) -> ArticleView:
    """The article with its findings marked, its misquotes diffed and its removed tables shown."""
    title = item.sidecar.title if item.sidecar else item.entry.title
    view = ArticleView(item, anchor, Markup(html.escape(title)), Markup(""))
    if item.markdown is None:
        return view
    lines = m.MARKERS.sub("", item.markdown).split("\n")
    first = m.body_start(lines)
    drops = sorted(item.sidecar.tables_dropped, key=lambda d: d.line_start) if item.sidecar else []
    mapping = m.LineMap(drops, lines)
    spans: list[tuple[m.Span, int]] = []
    marks: dict[int, m.Mark] = {}
    title_mark: tuple[int, int, m.Mark] | None = None
    for number, finding in enumerate(item.findings, 1):
        mark = m.Mark(
            f"finding rule-{css_id(finding.rule)} sev-{finding.severity.value}",
            f"{finding.rule}: {finding.message}",
            f"{anchor}-f{number}",
        )
        if finding.rule == "quotes.mismatch":
            diff = quote_diff(finding, f"{mark.anchor}-diff")
            if diff is not None:
                view.quotes.append(diff)
        dropped = mapping.drop_of(finding.line)
        if dropped is not None:
            where = f"in the table removed at lines {drops[dropped].line_start}-{drops[dropped].line_end}"
            view.findings.append(FindingView(finding, f"{anchor}-t{dropped + 1}", where))
            continue
        location = f"line {finding.line}, column {finding.column}"
        if mapping.published(finding.line) - 1 < first:
            at = title.find(finding.excerpt) if finding.excerpt else -1
            if at >= 0 and title_mark is None:
                title_mark = (at, at + len(finding.excerpt), mark)
                view.findings.append(FindingView(finding, mark.anchor, f"{location} (the headline)"))
            else:
                view.findings.append(FindingView(finding, None, f"{location} (front matter)"))
            continue
        span = m.locate(lines, mapping, finding, first)
        if span is None:
            view.findings.append(FindingView(finding, None, location))
            continue
        spans.append((span, number))
        marks[number] = mark
        view.findings.append(FindingView(finding, mark.anchor, location))
    if title_mark is not None:
        start, end, mark = title_mark
        view.title_html = Markup(
            f"{html.escape(title[:start])}{m.mark_open(mark)}{html.escape(title[start:end])}</mark>"
            f"{html.escape(title[end:])}"
        )
    for number, drop in enumerate(drops, 1):
        table = Markup(m.render_plain(drop.text)) if drop.text else None
        view.drops.append(DropView(f"{anchor}-t{number}", drop, table))
    m.insert_marks(lines, spans)
    placeholders = {}
    for position, index in sorted(((mapping.position(i), i) for i in range(len(drops))), reverse=True):
        marker = m.drop_marker(index)
        placeholders[marker] = view.drops[index]
        at = max(position, first)
        lines[at:at] = ["", marker, ""]
    body = without_title_heading("\n".join(lines[first:]).lstrip("\n"))  # the headline is shown once
    view.body_html = Markup(_place_drops(m.render_marked(body, marks), placeholders))
    return view


def quote_diff(finding: Finding, anchor: str) -> QuoteDiff | None:
    """The misquote and the closest passage as the checker recorded them, changed words marked."""
    if not finding.passage or not finding.quoted:
        return None
    return QuoteDiff(
        anchor,
        finding.source or "the listed sources",
        finding.similarity,
        runs(finding.quoted, finding.quoted_changes),
        runs(finding.passage, finding.passage_changes),
    )


def runs(text: str, changes: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, changed?) at the recorded [start, end) ranges of changed words."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in sorted(changes):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def _place_drops(rendered: str, placeholders: dict[str, DropView]) -> str:
    """Swap each dropped-table placeholder for its box (it sits alone in a paragraph)."""
    for marker, drop in placeholders.items():
        box = _drop_box(drop)
        if f"<p>{marker}</p>" in rendered:
            rendered = rendered.replace(f"<p>{marker}</p>", box)
        elif marker in rendered:
            rendered = rendered.replace(marker, box)
        else:
            rendered += box
    return rendered


def _drop_box(view: DropView) -> str:
    drop = view.drop
    table = f'<del class="dropped-table">{view.table_html}</del>' if view.table_html is not None else ""
    return (
        f'<aside class="dropped" id="{html.escape(view.anchor)}"><p><strong>Table removed from the '
        f"published copy</strong> (lines {drop.line_start}-{drop.line_end} of the checked article): "
        f"{html.escape(drop.reason)}</p>{table}</aside>"
    )
