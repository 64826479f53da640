"""Where the direct quotes are, with quote marks as newsrooms set them (AP style).

- Prose: a span inside “…” or "...". A paragraph that opens a quote and does not close it, followed
  by a paragraph that opens with a quote mark, is one quotation continued across paragraphs (AP's
  multi-paragraph quote); it is checked as one passage.
- Headings and the title: AP sets quotations in headlines in single marks, so ‘…’ and '...' spans
  count there too. A mark counts as opening only after a space or punctuation and before a word,
  and as closing only after a word and before a space or punctuation, so apostrophes (don't,
  Helix's, investors' money) are never taken for quote marks.
- Blockquotes: every paragraph is a quote, except a last paragraph (or last line) that starts with
  a dash and a name ("— Dana Whitfield, chief executive"): that is the attribution.

A mark that opens and never closes (or closes what never opened) leaves its text unchecked; it is
returned as Unbalanced so that quotes.unbalanced can say so instead of skipping it silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.checks.base import Article
from generator.checks.document import Block, Document

_DOUBLE = re.compile(r"[“”\"]")
_SINGLE_OPEN = re.compile(r"(?<![^\s(\[{—–:“\"-])[‘'](?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,;:!?…])[’'](?=$|[\s.,;:!?…)\]}—–”\"-])")
_POSSESSIVE = re.compile(r"(?<=s)[’'](?= [a-z])")  # investors’ money: a plural possessive, not a close
_ATTRIBUTION = re.compile(r"\s*(?:—|―|–|-{2,3})\s*(?=[^\W\d_])")


@dataclass(frozen=True, slots=True)
class Piece:
    """One paragraph's part of a quote: offsets in block.text, marks included (end is exclusive)."""

    block: Block
    start: int
    end: int
    inner_start: int  # the quoted words, without the marks
    inner_end: int

    @property
    def inner(self) -> str:
        return self.block.text[self.inner_start : self.inner_end]


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate direct quote: one piece, or several for a quote continued across paragraphs."""

    pieces: tuple[Piece, ...]
    attribution: str | None = None  # a blockquote's attribution line, without its dash

    @property
    def text(self) -> str:
        return "\n".join(piece.inner for piece in self.pieces)


@dataclass(frozen=True, slots=True)
class Unbalanced:
    """A quote mark whose partner is missing, and the text it leaves unchecked."""

    block: Block
    offset: int  # of the mark in block.text
    opening: bool  # True: opens and never closes; False: closes what never opened
    unchecked: str


_Stray = tuple[int, bool, str]  # (offset, opening, unchecked) before its block is known


@dataclass(frozen=True, slots=True)
class QuoteScan:
    spans: list[Span]
    unbalanced: list[Unbalanced]


def scan_quotes(article: Article) -> QuoteScan:
    """Every candidate quote and every unbalanced mark in the article (title included)."""
    return scan_document(article.document)


def scan_document(doc: Document) -> QuoteScan:
    spans: list[Span] = []
    unbalanced: list[Unbalanced] = []
    if doc.title is not None:  # the headline, unless the body repeats it as its first heading
        _scan_headline(doc.title, spans, unbalanced)
    pending: list[Piece] = []  # a quote whose paragraph ended open, waiting for the next paragraph
    blocks = doc.blocks
    for index, block in enumerate(blocks):
        if block.in_blockquote and block.kind == "paragraph":
            _close_pending(pending, unbalanced)
            last = index + 1 == len(blocks) or blocks[index + 1].blockquote != block.blockquote
            span = _blockquote_span(block, last=last)
            if span is not None:
                spans.append(span)
            continue
        text = block.text
        if not pending and '"' not in text and "“" not in text and "”" not in text:
            if block.kind == "heading":  # most blocks hold no quote mark at all: skip them fast
                _scan_single(block, spans, unbalanced)
            continue
        closed, open_at, strays = _double_marks(text)
        if pending:
            reopen = _reopening(block, closed, open_at)
            if reopen is None:
                _close_pending(pending, unbalanced)
            elif reopen == "continues":
                pending.append(_piece(block, open_at or 0, len(block.text)))
                continue
            else:
                start, end = closed.pop(0)
                pending.append(_piece(block, start, end, closing=True))
                spans.append(Span(tuple(pending)))
                pending.clear()
        spans.extend(Span((_piece(block, start, end, closing=True),)) for start, end in closed)
        unbalanced.extend(Unbalanced(block, *stray) for stray in strays)
        if open_at is not None:
            if block.kind == "paragraph":
                pending.append(_piece(block, open_at, len(block.text)))
            else:
                unbalanced.append(Unbalanced(block, open_at, True, block.text[open_at + 1 :]))
        if block.kind == "heading":
            _scan_single(block, spans, unbalanced)
    _close_pending(pending, unbalanced)
    return QuoteScan(spans, unbalanced)


def _double_marks(text: str) -> tuple[list[tuple[int, int]], int | None, list[_Stray]]:
    """(closed spans, the offset of a mark still open at the end, marks without a partner).

    A straight mark opens when nothing is open and closes otherwise; a curly one says which it is,
    so “ while a quote is open abandons that quote, and ” with nothing open closes nothing.
    """
    closed: list[tuple[int, int]] = []
    strays: list[_Stray] = []
    open_at: int | None = None
    boundary = 0  # where text not yet inside a closed quote starts
    for match in _DOUBLE.finditer(text):
        mark, at = match.group(), match.start()
        if open_at is None:
            if mark == "”":
                strays.append((at, False, text[boundary:at]))
                boundary = at + 1
            else:
                open_at = at
        elif mark == "“":
            strays.append((open_at, True, text[open_at + 1 : at]))
            open_at = at
        else:
            closed.append((open_at, at + 1))
            open_at = None
            boundary = at + 1
    return closed, open_at, strays


def _reopening(block: Block, closed: list[tuple[int, int]], open_at: int | None) -> str | None:
    """How a paragraph after an open quote goes on: None (it does not reopen: the quote was never
    closed), "continues" (it reopens and stays open), or "closes" (it reopens and closes)."""
    if block.kind != "paragraph" or block.in_blockquote:
        return None
    first = len(block.text) - len(block.text.lstrip())
    if first >= len(block.text) or block.text[first] not in '“"':
        return None
    if closed and closed[0][0] == first:
        return "closes"
    if open_at == first and not closed:
        return "continues"
    return None


def _piece(block: Block, start: int, end: int, *, closing: bool = False) -> Piece:
    """A piece from its opening mark at `start` to `end` (past the closing mark when `closing`)."""
    return Piece(block, start, end, start + 1, end - 1 if closing else end)


def _close_pending(pending: list[Piece], unbalanced: list[Unbalanced]) -> None:
    """An open quote that no paragraph continued: its mark is unbalanced."""
    if pending:
        first = pending[0]
        unchecked = "\n".join(piece.inner for piece in pending)
        unbalanced.append(Unbalanced(first.block, first.start, True, unchecked))
        pending.clear()


def _blockquote_span(block: Block, *, last: bool) -> Span | None:
    """A blockquote paragraph as a quote, its attribution (in the last paragraph) left out."""
    text = block.text
    start = len(text) - len(text.lstrip())
    if last and _is_attribution(text):
        return None
    end = len(text.rstrip())
    attribution = None
    line_start = text.rfind("\n", 0, end) + 1
    if last and line_start > start and _is_attribution(text[line_start:]):
        attribution = _ATTRIBUTION.sub("", text[line_start:end], count=1)
        end = len(text[:line_start].rstrip())
    return Span((Piece(block, start, end, start, end),), attribution)


def _is_attribution(line: str) -> bool:
    match = _ATTRIBUTION.match(line)
    return match is not None and line[match.end()].isupper()


def _scan_headline(block: Block, spans: list[Span], unbalanced: list[Unbalanced]) -> None:
    closed, open_at, strays = _double_marks(block.text)
    spans.extend(Span((_piece(block, start, end, closing=True),)) for start, end in closed)
    unbalanced.extend(Unbalanced(block, *stray) for stray in strays)
    if open_at is not None:
        unbalanced.append(Unbalanced(block, open_at, True, block.text[open_at + 1 :]))
    _scan_single(block, spans, unbalanced)


def _scan_single(block: Block, spans: list[Span], unbalanced: list[Unbalanced]) -> None:
    """Single-mark quotes in a headline: each opening mark pairs with the first closing mark after
    it (skipping plural possessives); one with none is unbalanced."""
    text = block.text
    if "'" not in text and "‘" not in text:
        return
    candidates = [match.start() for match in _SINGLE_CLOSE.finditer(text)]
    closes = [at for at in candidates if not _POSSESSIVE.match(text, at)]
    position = 0
    for opening in _SINGLE_OPEN.finditer(text):
        start = opening.start()
        if start < position:
            continue
        end = next((at for at in closes if at > start), None)
        if end is None:  # "... in our genes’ says CEO": a possessive-looking mark may close after all
            end = next((at for at in candidates if at > start), None)
        if end is None:
            unbalanced.append(Unbalanced(block, start, True, text[start + 1 :]))
            break
        spans.append(Span((Piece(block, start, end + 1, start + 1, end),)))
        position = end + 1
