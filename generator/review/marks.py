"""Findings marked where they sit in an article: markdown in, sanitised HTML with <mark> tags out.

A finding says where its text is: [line:column, end_line:end_column) in the article as checked
(the checker's structured data; nothing here reads a message). The copy on the desk has the
low-information tables taken out, so lines are mapped back through the sidecar's `tables_dropped`
(`LineMap`), and each removed table is shown where it was.

Private-use characters stand in for marks while markdown and nh3 run: each finding gets its own
opening and closing character, each dropped table a placeholder. Everything from the article is
rendered from markdown and sanitised with nh3 before the marker characters become tags, so the
marks are the only markup written around article text.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from generator.models import Finding, TableDrop
from generator.site.pages import markdown_html, sanitise

_OPEN, _CLOSE, _DROP, _LIMIT = 0xF0000, 0xF4000, 0xF8000, 0x4000
MARKERS = re.compile("[\U000f0000-\U000fbfff]")
_MARKER_SPLIT = re.compile("([\U000f0000-\U000fbfff])")
_BLOCK_PREFIX = re.compile(r"^\s{0,3}(?:(?:#{1,6}|[-*+]|\d{1,9}[.)]|>)\s+)*")


@dataclass(frozen=True)
class Mark:
    """How one finding's mark looks: its CSS classes, its tooltip and the id the findings list links to."""

    css: str
    tooltip: str
    anchor: str


@dataclass(frozen=True)
class Span:
    """A finding's text in the published copy: 0-based line indexes, 0-based columns, end exclusive."""

    line: int
    start: int
    end_line: int
    end: int


def body_start(lines: Sequence[str]) -> int:
    """Index of the first body line: after the front matter's closing `---`, if there is one."""
    if lines and lines[0].removeprefix("\ufeff").rstrip() == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                return index + 1
    return 0


class LineMap:
    """Lines of the article as checked -> lines of the copy on the desk (dropped tables taken out).

    Where a removed table sat between two non-blank lines, the checker left one empty line in its
    place; that line is recognised in the published text so later lines map exactly.
    """

    def __init__(self, drops: Sequence[TableDrop], published: list[str]) -> None:
        self._drops = list(drops)
        self._starts = [d.line_start for d in self._drops]
        self._shifts: list[int] = []  # lines removed up to and including each drop
        self._positions: list[int] = []  # 0-based published index where each table was
        removed = 0
        for drop in self._drops:
            at = drop.line_start - 1 - removed
            self._positions.append(at)
            kept_blank = (
                0 < at < len(published) - 1
                and not published[at].strip()
                and bool(published[at - 1].strip())
                and bool(published[at + 1].strip())
            )
            removed += drop.line_end - drop.line_start + 1 - kept_blank
            self._shifts.append(removed)

    def drop_of(self, line: int) -> int | None:
        """Which dropped table (index) a checked line was in, if any."""
        index = bisect.bisect_right(self._starts, line) - 1
        if index >= 0 and line <= self._drops[index].line_end:
            return index
        return None

    def published(self, line: int) -> int:
        index = bisect.bisect_right(self._starts, line) - 1
        return line - (self._shifts[index] if index >= 0 else 0)

    def position(self, drop_index: int) -> int:
        return self._positions[drop_index]


def locate(lines: list[str], mapping: LineMap, finding: Finding, first_body_line: int) -> Span | None:
    """Where a finding's text is in the published lines, from its recorded span; None if not there.

    A span starting in a line's markdown prefix ("## ", "- ") starts after it, so the mark never
    turns a heading or a list item into a paragraph. A finding without a recorded end (a sidecar
    from an older newsdesk) is marked over its excerpt, or to the end of its line.
    """
    line = mapping.published(finding.line) - 1
    if not first_body_line <= line < len(lines) or not lines[line].strip():
        return None
    text = lines[line]
    start = min(max(finding.column - 1, 0), len(text))
    start = max(start, _BLOCK_PREFIX.match(text).end())
    if finding.end_line is not None and finding.end_column is not None:
        end_line = mapping.published(finding.end_line) - 1
        if not line <= end_line < len(lines):
            end_line, end = line, len(text.rstrip())
        else:
            end = min(finding.end_column - 1, len(lines[end_line]))
    else:
        excerpt = finding.excerpt.rstrip("…").strip()
        at = text.find(excerpt, start) if excerpt else -1
        end_line, end = line, (at + len(excerpt) if at >= 0 else len(text.rstrip()))
        start = at if at >= 0 else start
    while start < len(text) and text[start].isspace():
        start += 1
    if end_line == line and end <= start:
        return None
    return Span(line, start, end_line, end)


def insert_marks(lines: list[str], spans: Iterable[tuple[Span, int]]) -> None:
    """Put each finding's opening and closing marker characters around its span, in place."""
    events: dict[int, list[tuple[int, int, int, str]]] = {}
    for span, number in spans:
        if number >= _LIMIT:
            continue
        length = (span.end_line - span.line) * 10_000 + span.end - span.start
        # At one position: closings before openings; the longer of two spans opens first (outermost).
        events.setdefault(span.end_line, []).append((span.end, 0, length, chr(_CLOSE + number)))
        events.setdefault(span.line, []).append((span.start, 1, -length, chr(_OPEN + number)))
    for line, items in events.items():
        text = lines[line]
        pieces, previous = [], 0
        for position, _, _, marker in sorted(items):
            pieces.append(text[previous:position])
            pieces.append(marker)
            previous = position
        pieces.append(text[previous:])
        lines[line] = "".join(pieces)


def drop_marker(index: int) -> str:
    """The placeholder character that stands where dropped table `index` was."""
    return chr(_DROP + index)


def render_marked(markdown_text: str, marks: dict[int, Mark]) -> str:
    """Markdown holding marker characters -> sanitised HTML with well-nested <mark> tags."""
    converted = markdown_html(markdown_text)
    rendered = sanitise(converted, images=False)  # the page must load nothing, not even a pixel
    writer = _MarkWriter(marks)
    writer.feed(rendered)
    writer.close()
    return writer.result()


def render_plain(markdown_text: str) -> str:
    """Markdown (a removed table, say) -> sanitised HTML, any marker characters taken out first."""
    converted = markdown_html(MARKERS.sub("", markdown_text), footnotes=False)
    return sanitise(converted, images=False)


def mark_open(mark: Mark, *, with_anchor: bool = True) -> str:
    id_attribute = f' id="{html.escape(mark.anchor)}"' if with_anchor else ""
    return f'<mark class="{html.escape(mark.css)}" title="{html.escape(mark.tooltip)}"{id_attribute}>'


class _MarkWriter(HTMLParser):
    """Re-serialise sanitised HTML, turning marker characters in text into well-nested <mark> tags.

    A mark never spans a tag: it is closed before any tag and opened again at the next text, so a
    finding that crosses an emphasis or a link stays valid HTML. Markers in attributes are dropped.
    """

    def __init__(self, marks: dict[int, Mark]) -> None:
        super().__init__(convert_charrefs=True)
        self._marks = marks
        self._out: list[str] = []
        self._active: list[int] = []  # finding numbers whose mark is open in the text
        self._emitted = 0  # how many of them are open in the output right now
        self._placed: set[int] = set()

    def result(self) -> str:
        self._close_emitted()
        return "".join(self._out)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_emitted()
        self._out.append(f"<{tag}{_attributes(attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_emitted()
        self._out.append(f"<{tag}{_attributes(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        self._close_emitted()
        self._out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        for piece in _MARKER_SPLIT.split(data):
            if not piece:
                continue
            code = ord(piece) if len(piece) == 1 else 0
            if _OPEN <= code < _CLOSE:
                if code - _OPEN in self._marks:
                    self._active.append(code - _OPEN)
            elif _CLOSE <= code < _DROP:
                if code - _CLOSE in self._active:
                    self._close_emitted()
                    self._active.remove(code - _CLOSE)
            elif _DROP <= code < _DROP + _LIMIT:
                self._close_emitted()
                self._out.append(piece)  # replaced by the dropped-table box afterwards
            else:
                if piece.strip():
                    self._open_pending()
                self._out.append(html.escape(piece, quote=False))

    def _open_pending(self) -> None:
        for number in self._active[self._emitted :]:
            self._out.append(mark_open(self._marks[number], with_anchor=number not in self._placed))
            self._placed.add(number)
        self._emitted = len(self._active)

    def _close_emitted(self) -> None:
        self._out.append("</mark>" * self._emitted)
        self._emitted = 0


def _attributes(attrs: list[tuple[str, str | None]]) -> str:
    return "".join(
        f" {name}" if value is None else f' {name}="{html.escape(MARKERS.sub("", value))}"'
        for name, value in attrs
    )
