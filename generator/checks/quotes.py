"""quotes.* and sources.*: every direct quote must match, word for word, a source the article lists.

Direct quotes are found as newsrooms write them (see quote_spans.py): spans inside “…” or "..." in
any prose block, AP multi-paragraph quotes, single-marked quotes in headlines and the title, and
blockquote paragraphs (their attribution line left out). Spans shorter than `min_words` are terms or
scare quotes and are left alone. After normalisation (see sources.py) the quote must appear in one
listed source, case-sensitively except for its first letter, ignoring punctuation just inside the
closing mark. An ellipsis splits it into parts that must appear in order in the same source; a
[bracketed insertion] stands for up to `max_insertion_words` source words, or none. A quote mark
without its partner, which would leave text unchecked, is reported instead of skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import cast

from pydantic import BaseModel, ConfigDict, Field

from generator.checks.base import Article, Closest, Hit, Rule
from generator.checks.document import Block
from generator.checks.quote_diff import changed_ranges
from generator.checks.quote_spans import Piece, scan_quotes
from generator.checks.sources import SourceIndex, normalize_text

_ELLIPSIS = re.compile(r"\s*\.(?:\s?\.){2,}\s*")
_BRACKET = re.compile(r"\[[^\[\]]*\]")
_WRITTEN_ELLIPSIS = re.compile(r"\s*(?:…|\.(?:\s?\.){2,})\s*")  # before NFKC turns … into ...
_MAX_WORD = 100  # characters of one source word a bracketed gap may span (URLs included)
_WORDS = re.compile(r"[^\W_]\S*")  # one match per whitespace-separated token holding a letter or digit
_EXCERPT_CHARS = 160


class AttributionSettings(BaseModel):
    """quotes.attribution: the words that name a kind of document, and what means "the company says"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind_words: dict[str, list[str]] = Field(min_length=1)
    own_statement_words: list[str]
    company_headings: list[str]

    @cached_property
    def words_to_kind(self) -> list[tuple[str, str]]:
        pairs = [(word.lower(), kind) for kind, words in self.kind_words.items() for word in words]
        return sorted(pairs, key=lambda pair: -len(pair[0]))


class QuotesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_words: int = Field(ge=1)
    max_insertion_words: int = Field(ge=0)
    closing_punctuation: str
    attribution: AttributionSettings


@dataclass(slots=True)
class Quote:
    """A checkable direct quote and what checking it found."""

    block: Block  # where it starts (a quote continued over paragraphs goes on in `continued`)
    start: int  # offsets of the span in block.text, quote marks included
    end: int
    text: str  # the quoted words as written
    line: int
    column: int
    status: str  # "verified" | "mismatch" | "no_source"
    message: str = ""
    passage: str | None = None  # for a mismatch: the closest passage in the listed sources
    continued: tuple[Piece, ...] = ()  # the later paragraphs of an AP multi-paragraph quote
    end_at: tuple[int, int] | None = None  # (file line, column just past the closing mark)
    attribution: str | None = None  # a blockquote's attribution line ("Dana Whitfield, chief executive")
    closest: Closest | None = None  # ... with its source, similarity and the words that differ

    @property
    def excerpt(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= _EXCERPT_CHARS else text[: _EXCERPT_CHARS - 1] + "…"

    @property
    def pieces(self) -> tuple[tuple[Block, int, int], ...]:
        """(block, start, end) of every paragraph the quote covers."""
        return ((self.block, self.start, self.end), *((p.block, p.start, p.end) for p in self.continued))


def word_count(text: str) -> int:
    """Words as a reader counts them: whitespace-separated runs holding a letter or digit."""
    return len(_WORDS.findall(text))


def verify_quotes(article: Article) -> list[Quote]:
    """Find every checkable quote in the article and check it against the listed sources."""
    settings = cast(QuotesSettings, article.settings["quotes"])
    doc = article.document
    quotes: list[Quote] = []
    for span in article.analysis(scan_quotes).spans:
        if word_count(span.text) < settings.min_words:
            continue
        first, last = span.pieces[0], span.pieces[-1]
        line, column = doc.locate(
            first.block, first.inner_start if first.block.in_blockquote else first.start
        )
        end_line, end_column = doc.locate(last.block, max(last.end - 1, last.start), 1)
        quotes.append(
            Quote(
                first.block,
                first.start,
                first.end,
                span.text,
                line,
                column,
                status="no_source",
                continued=span.pieces[1:],
                end_at=(end_line, end_column + 1),
                attribution=span.attribution,
            )
        )
    if not quotes:
        return quotes
    readable = [(source.ref.id, source.index) for source in article.sources if source.index is not None]
    if not readable:
        return quotes
    for quote in quotes:
        parts = compile_quote(quote.text, settings)
        if any(index.contains_in_order(parts) for _, index in readable):
            quote.status = "verified"
        else:
            quote.status = "mismatch"
            quote.message, quote.closest = _explain(quote.text, parts, readable)
            quote.passage = quote.closest.passage if quote.closest else None
    return quotes


class Part:
    """One ellipsis-separated part of a quote, found in normalised source text.

    A part without [insertions] is a plain substring search (with its first letter either case and
    word boundaries at both ends); only a part with insertions needs a regex, compiled on demand.
    """

    __slots__ = ("_ends_word", "_pattern", "_starts_word", "_variants", "literal")

    def __init__(self, part: str, max_words: int) -> None:
        pieces = _BRACKET.split(part)
        self.literal = " ".join(piece.strip() for piece in pieces if piece.strip())
        self._pattern = _gap_pattern(pieces, max_words) if len(pieces) > 1 else None
        first, rest = self.literal[0], self.literal[1:]
        self._variants = {first.lower() + rest, first.upper() + rest}
        self._starts_word = _is_word(self.literal[0])
        self._ends_word = _is_word(self.literal[-1])

    def find(self, text: str, pos: int = 0) -> int | None:
        """End offset of the first occurrence at or after `pos`, or None."""
        if self._pattern is not None:
            match = self._pattern.search(text, pos)
            return match.end() if match else None
        best: tuple[int, int] | None = None
        for variant in self._variants:
            start = text.find(variant, pos)
            while start >= 0 and (best is None or start < best[0]):
                end = start + len(variant)
                if not (self._starts_word and start and _is_word(text[start - 1])) and not (
                    self._ends_word and end < len(text) and _is_word(text[end])
                ):
                    best = (start, end)
                    break
                start = text.find(variant, start + 1)
        return None if best is None else best[1]


def compile_quote(text: str, settings: QuotesSettings) -> list[Part]:
    """The parts of a quote, in order, split at each ellipsis."""
    strip = settings.closing_punctuation + " "
    parts = []
    for raw in _ELLIPSIS.split(normalize_text(text)):
        part = raw.strip(strip)
        if _BRACKET.sub("", part).strip():
            parts.append(Part(part, settings.max_insertion_words))
    return parts


def _gap_pattern(pieces: list[str], max_words: int) -> re.Pattern[str]:
    """A regex for a part with [insertions]: literal pieces joined by gaps where brackets stood.

    A gap allows up to `max_words` source words per bracket (whole words separated by single
    spaces) plus a partial word where the bracket touches a piece, as in "[T]he" or "[Acme]'s".
    Brackets at either end of the part constrain nothing. Every repetition is bounded (a word is
    at most _MAX_WORD characters), so each place the search tries costs a constant: the search is
    linear in the source, where an unbounded lazy gap was quadratic on a source without spaces.
    """
    regex: list[str] = []
    brackets = 0
    touching_after = False
    last = ""
    for i, piece in enumerate(pieces):
        literal = piece.strip()
        if i > 0:
            brackets += 1
        if not literal:
            continue
        if not regex:
            touching_before = i > 0 and not piece[:1].isspace()
            if not touching_before and _is_word(literal[0]):
                regex.append(r"(?<!\w)")
            regex.append(_first_letter_free(literal))
        else:
            regex.append(rf"\S{{0,{_MAX_WORD}}}?(?: \S{{1,{_MAX_WORD}}}){{0,{max_words * brackets}}}? ?")
            regex.append(re.escape(literal))
        brackets = 0
        touching_after = i < len(pieces) - 1 and not piece[-1:].isspace()
        last = literal
    if not touching_after and _is_word(last[-1]):
        regex.append(r"(?!\w)")
    return re.compile("".join(regex))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _first_letter_free(literal: str) -> str:
    first, rest = literal[0], re.escape(literal[1:])
    lower, upper = first.lower(), first.upper()
    if lower != upper and len(lower) == 1 and len(upper) == 1:
        return f"[{re.escape(lower)}{re.escape(upper)}]{rest}"
    return re.escape(first) + rest


def _explain(
    text: str, parts: list[Part], indexes: list[tuple[str, SourceIndex]]
) -> tuple[str, Closest | None]:
    """One line that lets an editor fix the quote, and the closest passage (for side-by-side review)."""
    found = [any(part.find(index.text) is not None for _, index in indexes) for part in parts]
    if all(found):
        return "every part of this quote is in the listed sources, but not in this order in one source", None
    missing = found.index(False)
    what = f"part {missing + 1} of {len(parts)} of this quote" if len(parts) > 1 else "this quote"
    literal = parts[missing].literal
    best: tuple[int, str, str] | None = None
    for source_id, index in indexes:
        closest = index.closest(literal)
        if closest is not None and (best is None or closest[0] > best[0]):
            best = (closest[0], closest[1], source_id)
    if best is None:
        return f"{what} is not in the listed sources, and no passage there resembles it", None
    similarity, passage, source_id = best
    message = (
        f"{what} does not match the listed sources; closest passage in {source_id} "
        f'({similarity}% similar): "{passage}"'
    )
    written = [p for p in _WRITTEN_ELLIPSIS.split(text) if _BRACKET.sub("", p).strip()]
    quoted = written[missing] if len(written) == len(parts) else literal
    quoted = " ".join(quoted.split())
    return message, Closest(source_id, passage, similarity, quoted, *changed_ranges(quoted, passage))


class QuoteMismatch(Rule):
    """A direct quote does not match the text of any source the article lists.

    Why: a misquote is the fastest way to lose a reader's trust, and the source is at hand. The
    message gives the closest passage and its similarity so the fix takes one look.

    Bad (the source says "revenue rose sharply in the quarter")::

        “Revenue rose strongly in the quarter,” the company said.

    Good::

        “Revenue rose sharply in the quarter,” the company said.
    """

    id = "quotes.mismatch"

    def check(self, article: Article) -> Iterable[Hit]:
        for quote in article.analysis(verify_quotes):
            if quote.status == "mismatch":
                yield Hit(
                    quote.line,
                    quote.column,
                    quote.message,
                    quote.excerpt,
                    closest=quote.closest,
                    end=quote.end_at,
                )


class QuoteNoSource(Rule):
    """A direct quote appears in an article that lists no readable source.

    Why: a quote nobody can check cannot be published as a quote; list the document it comes from
    under `sources:` in the front matter, or paraphrase.

    Bad (front matter lists no sources)::

        “We expect margins to recover next year,” the chief executive said.

    Good (the same quote, with `sources:` listing the earnings-call transcript it comes from)::

        “We expect margins to recover next year,” the chief executive said.
    """

    id = "quotes.no_source"

    def check(self, article: Article) -> Iterable[Hit]:
        for quote in article.analysis(verify_quotes):
            if quote.status == "no_source":
                yield Hit(
                    quote.line,
                    quote.column,
                    "this quote cannot be checked: the article lists no readable source",
                    quote.excerpt,
                    end=quote.end_at,
                )


class QuoteUnbalanced(Rule):
    """A quote mark has no partner, so the text it should enclose is not checked.

    Why: an opening mark that never closes (or a closing mark that never opened) hides a quote
    from every other check; the editor closes it, or, for a quote that runs on into the next
    paragraph, opens that paragraph with a quote mark as AP style does. Only marks that leave at
    least `min_words` words unchecked are reported.

    Bad (the quote is never closed, and the next paragraph does not reopen it)::

        “Revenue fell sharply in the quarter, the company said.

        Analysts had expected a smaller decline.

    Good::

        “Revenue fell sharply in the quarter,” the company said.

        Analysts had expected a smaller decline.
    """

    id = "quotes.unbalanced"
    settings: QuotesSettings

    def check(self, article: Article) -> Iterable[Hit]:
        doc = article.document
        for mark in article.analysis(scan_quotes).unbalanced:
            if word_count(mark.unchecked) < self.settings.min_words:
                continue
            line, column = doc.locate(mark.block, mark.offset, 1)
            if mark.opening:
                message = (
                    "this quote is never closed, so it is not checked: close it, or open the next "
                    "paragraph with a quote mark if the quote continues there"
                )
            else:
                message = "this closing quote mark has no opening one, so the quote it ends is not checked"
            yield Hit(line, column, message, " ".join(mark.unchecked.split())[:_EXCERPT_CHARS])


class SourcesMissing(Rule):
    """A source listed in the front matter is missing or unreadable.

    Why: quotes are checked against the listed files; a missing file means nothing can be checked,
    and usually a wrong path. A `path` is read relative to the article, and only when it resolves
    (symlinks included) inside the project root — the folder of the configuration file, else the
    git repository, else the article's folder — or a `sources-root` of the `[check]` table: an
    article from anyone must not make the checker read, and quote back, a file elsewhere on the
    machine. Sources may be `.txt`, `.md`, `.html` or `.pdf`.

    Bad::

        sources:
          - id: q3-release
            title: "Q3 results"
            path: sources/q3-relase.txt   # typo: no such file

    Good::

        sources:
          - id: q3-release
            title: "Q3 results"
            path: sources/q3-release.txt
    """

    id = "sources.missing"

    def check(self, article: Article) -> Iterable[Hit]:
        for listed, loaded in zip(article.listed_sources, article.sources, strict=True):
            if loaded.problem is not None:
                where = listed.ref.path or listed.ref.id
                column = article.document.column(listed.line, where)
                yield Hit(
                    listed.line,
                    column,
                    f"source {listed.ref.id} ({where}) cannot be read: {loaded.problem}",
                )
