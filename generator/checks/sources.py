"""Source documents: the one normalisation quotes and sources share, an index per source, a cache.

A quote matches its source "after normalisation": Unicode NFKC; curly and straight quotes and
apostrophes alike, double quote marks dropped; every dash alike; any run of whitespace alike. Each
source is read and indexed once per process (the CLI caches by resolved path, the pipeline by text),
so checking N articles against M sources costs N quote searches, not N x M re-reads.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from generator.attribution import Attributed, attributed_quotes, document_headers
from generator.checks.source_files import SourceRefused, SourceRoots, locate, read_regular_file
from generator.checks.source_formats import UnreadableSource, source_text
from generator.models import SourceRef

_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    }
)
# An apostrophe inside a word (don't, Acme's, [Acme]'s) is kept; one used as a quote mark is dropped.
_LOOSE_APOSTROPHE = re.compile(r"(?<![\w\]])'|'(?![\w\[])")
_DASHES = re.compile(r"-{2,}")  # a typed "--" is the same dash as "—"
_CANDIDATES = 3  # best-voted start positions tried when looking for the closest passage
_SLACK = 2  # words a candidate window may shift or grow/shrink by


class Findable(Protocol):
    def find(self, text: str, pos: int = 0) -> int | None:
        """End offset of the first occurrence at or after `pos`, or None."""


def normalize_word(word: str) -> str:
    """Normalise one whitespace-free token (after NFKC); '' when nothing comparable is left."""
    word = _LOOSE_APOSTROPHE.sub("", word.translate(_TRANSLATE).replace('"', ""))
    return _DASHES.sub("-", word) if "--" in word else word


def normalize_text(text: str) -> str:
    """Normalise a passage: NFKC, quotes, apostrophes and dashes unified, whitespace collapsed."""
    words = (normalize_word(word) for word in unicodedata.normalize("NFKC", text).split())
    return " ".join(word for word in words if word)


class SourceIndex:
    """A source normalised once: `text` for exact search, word postings for the closest passage.

    `raw` keeps the text as written, for reading who a quotation is attributed to.
    """

    __slots__ = ("_attributions", "_display", "_norm", "_postings", "raw", "text")

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._attributions: list[tuple[str, Attributed]] | None = None
        self._display: list[str] = []
        self._norm: list[str] = []
        for word in unicodedata.normalize("NFKC", raw).split():
            norm = normalize_word(word)
            if norm:
                self._display.append(word)
                self._norm.append(norm)
        self.text = " ".join(self._norm)
        self._postings: dict[tuple[str, ...], list[int]] | None = None

    def contains_in_order(self, parts: Iterable[Findable]) -> bool:
        """True when every part is found, each after the end of the one before."""
        pos: int | None = 0
        for part in parts:
            pos = part.find(self.text, pos)
            if pos is None:
                return False
        return True

    def closest(self, query: str) -> tuple[int, str] | None:
        """(similarity 0-100, passage) of the window most like `query`, found through word postings.

        Each shared word pair (or, failing that, word) votes for where the query would start; only
        windows near the best few starts are scored, so the cost depends on the query, not on the
        source's length.
        """
        words = query.split()
        if not words or not self._norm:
            return None
        postings = self._index()
        folded = [word.casefold() for word in words]
        votes: Counter[int] = Counter()
        for size in (2, 1):
            for i in range(len(folded) - size + 1):
                for pos in postings.get(tuple(folded[i : i + size]), ()):
                    votes[pos - i] += 1
            if votes:
                break
        if not votes:
            return None
        from rapidfuzz import fuzz, process  # only failed quotes pay for it

        size = len(self._norm)
        windows: dict[str, tuple[int, int]] = {}
        for voted, _ in votes.most_common(_CANDIDATES):
            start = min(max(voted, 0), size - 1)  # a vote may point before the start or past the end
            for first in range(max(0, start - _SLACK), min(size, start + _SLACK + 1)):
                for length in range(max(1, len(words) - _SLACK), len(words) + _SLACK + 1):
                    last = min(size, first + length)
                    windows.setdefault(" ".join(self._norm[first:last]), (first, last))
        text, similarity, _ = process.extractOne(query, list(windows), scorer=fuzz.ratio)
        first, last = windows[text]
        return round(similarity), " ".join(self._display[first:last])

    def attributions(self) -> list[tuple[str, Attributed]]:
        """Each attributed quotation in the source with its normalised text (computed once)."""
        if self._attributions is None:
            self._attributions = [(normalize_text(a.text), a) for a in attributed_quotes(self.raw)]
        return self._attributions

    def headers(self) -> dict[str, str]:
        """The document's header lines (organisation, speaker, role, kind...), contract 1."""
        return document_headers(self.raw)[1]

    def _index(self) -> dict[tuple[str, ...], list[int]]:
        if self._postings is None:
            postings: dict[tuple[str, ...], list[int]] = {}
            folded = [word.casefold() for word in self._norm]
            for i, word in enumerate(folded):
                postings.setdefault((word,), []).append(i)
                if i + 1 < len(folded):
                    postings.setdefault((word, folded[i + 1]), []).append(i)
            self._postings = postings
        return self._postings


@dataclass(frozen=True, slots=True)
class LoadedSource:
    """A source the article lists: its index when readable, otherwise why not."""

    ref: SourceRef
    index: SourceIndex | None
    problem: str | None = None


ReadSource = Callable[[SourceRef], "str | None"]


class SourceCache:
    """Reads and indexes each distinct source once per process."""

    def __init__(self) -> None:
        self._by_path: dict[Path, SourceIndex | str] = {}
        self._by_text: dict[str, SourceIndex] = {}
        self._located: dict[tuple[str, str, SourceRoots], Path | str] = {}
        self._article_roots: dict[str, SourceRoots] = {}

    def from_text(self, text: str) -> SourceIndex:
        index = self._by_text.get(text)
        if index is None:
            index = self._by_text[text] = SourceIndex(text)
        return index

    def from_file(self, path: Path) -> SourceIndex | str:
        """The index of a located (resolved, allowed) source file, or a one-line reason it has none."""
        cached = self._by_path.get(path)
        if cached is None:
            try:
                cached = SourceIndex(source_text(path, read_regular_file(path)))
            except (SourceRefused, UnreadableSource) as exc:
                cached = str(exc)
            except OSError as exc:
                cached = exc.strerror or "cannot be read"
            self._by_path[path] = cached
        return cached

    def load(
        self,
        ref: SourceRef,
        *,
        article_path: str,
        read_source: ReadSource | None,
        roots: SourceRoots | None = None,
    ) -> LoadedSource:
        """Resolve one listed source: through `read_source` when given, else from the disk, relative
        to the article and only inside `roots` (default: the article's folder)."""
        if read_source is not None:
            text = read_source(ref)
            if text is None:
                return LoadedSource(ref, None, "unreadable")
            return LoadedSource(ref, self.from_text(text))
        if not ref.path:
            return LoadedSource(ref, None)  # a URL-only source: nothing to read, nothing to report
        article_dir = str(Path(article_path).parent)
        if roots is None:
            roots = self._article_roots.get(article_dir)
            if roots is None:
                roots = self._article_roots[article_dir] = SourceRoots.of(Path(article_dir))
        key = (article_dir, ref.path, roots)
        located = self._located.get(key)
        if located is None:
            try:
                located = locate(ref.path, Path(article_dir), roots)
            except SourceRefused as exc:
                located = str(exc)
            except OSError as exc:
                located = exc.strerror or "cannot be read"
            self._located[key] = located
        if isinstance(located, str):
            return LoadedSource(ref, None, located)
        found = self.from_file(located)
        if isinstance(found, str):
            return LoadedSource(ref, None, found)
        return LoadedSource(ref, found)
