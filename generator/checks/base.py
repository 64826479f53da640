"""What a rule is and what it sees.

A rule is a class with an id (`family.name`) and a docstring that is its documentation (first line:
what it checks; then why, a bad example and a good one). Its severity and its family's settings come
from rules/*.yaml. `check` yields `Hit`s; the engine turns them into findings, applies inline
suppressions and decides the verdict, so rules never see each other.

Work several rules need (quote verification, figure tracing) is done once per article through
`Article.analysis`, which memoises a function of the article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from generator.checks.document import Document
from generator.models import Severity, Sidecar, SourceRef, TableDrop

if TYPE_CHECKING:
    from generator.checks.sources import LoadedSource

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Hit:
    """One problem a rule found; `drop` marks a table to remove from the published copy."""

    line: int
    column: int
    message: str
    excerpt: str = ""
    drop: TableDrop | None = None
    closest: Closest | None = None  # quotes.mismatch: the source passage most like the quote
    facts: tuple[str, ...] = ()  # ids of the sidecar facts a figure finding is about
    source: str | None = None  # id of the listed source the finding is about
    passage: str | None = None  # quotes.mismatch: the closest source passage
    end: tuple[int, int] | None = None  # (line, column just past the end); default: the excerpt's end


@dataclass(frozen=True, slots=True)
class Closest:
    """The source passage most like a misquote, and which words differ (for side-by-side review)."""

    source: str  # the listed source's id
    passage: str  # as the source writes it
    similarity: int  # 0-100
    quoted: str  # the quoted words compared: the whole quote, or the part of it that fails
    quoted_changes: tuple[tuple[int, int], ...] = ()  # [start, end) in `quoted` of differing words
    passage_changes: tuple[tuple[int, int], ...] = ()  # [start, end) in `passage` of differing words


@dataclass(frozen=True, slots=True)
class ListedSource:
    """A source from the front matter and the file line that lists it."""

    ref: SourceRef
    line: int


class Article:
    """One article as every rule sees it: the parsed document plus what came with it."""

    def __init__(
        self,
        document: Document,
        *,
        path: str,
        sidecar: Sidecar | None,
        sidecar_problem: str | None,
        settings: Mapping[str, BaseModel],
        load_source: Callable[[SourceRef], LoadedSource],
        read_file: Callable[[str], str | None] | None = None,
    ) -> None:
        self.document = document
        self.path = path
        self.sidecar = sidecar
        self.sidecar_problem = sidecar_problem
        self.settings = settings  # family -> its settings from rules/<family>.yaml
        self.unused_suppressions: list[Hit] = []  # filled by the engine before `after_suppression` rules
        self._load_source = load_source
        self._read_file = read_file
        self._memo: dict[Callable[..., Any], Any] = {}

    def read_file(self, name: str) -> str | None:
        """A file beside the article (a chart), by plain name: None when absent or unreadable.

        Names with a folder, a dot-file or a parent reference never leave the article's folder.
        """
        if not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        if self._read_file is not None:
            return self._read_file(name)
        from pathlib import Path

        from generator.files import read_regular_bytes

        try:  # a regular file only: a named pipe in its place must not hang the checker
            return read_regular_bytes(Path(self.path).parent / name).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def analysis(self, compute: Callable[[Article], T]) -> T:
        """`compute(self)`, computed once per article however many rules ask."""
        if compute not in self._memo:
            self._memo[compute] = compute(self)
        return self._memo[compute]

    @property
    def kind(self) -> str | None:
        kind = self.document.meta.get("kind")
        return kind if isinstance(kind, str) else None

    @property
    def tickers(self) -> list[str]:
        tickers = self.document.meta.get("tickers")
        if isinstance(tickers, list):
            return [str(ticker) for ticker in tickers]
        return list(self.sidecar.tickers) if self.sidecar else []

    @cached_property
    def listed_sources(self) -> list[ListedSource]:
        """The well-formed entries of `sources:` (malformed ones are structure.front_matter's)."""
        entries = self.document.meta.get("sources")
        if not isinstance(entries, list):
            return []
        doc = self.document
        start = doc.key_lines.get("sources", 1)
        listed = []
        for entry in entries:
            try:
                ref = SourceRef.model_validate(entry)
            except ValidationError:
                continue
            line = doc.find_line(ref.path or ref.id, start, doc.meta_end) or start
            listed.append(ListedSource(ref, line))
        return listed

    @cached_property
    def sources(self) -> list[LoadedSource]:
        """Every listed source, read and indexed (through the process-wide cache)."""
        return [self._load_source(listed.ref) for listed in self.listed_sources]


class NoSettings(BaseModel):
    """For families whose rules need nothing but a severity."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule:
    """Base class: subclasses set `id` and implement `check`."""

    id: ClassVar[str]
    after_suppression: ClassVar[bool] = False  # runs once inline suppressions have been applied

    def __init__(self, severity: Severity, settings: BaseModel) -> None:
        self.severity = severity
        self.settings = settings

    @classmethod
    def family(cls) -> str:
        return cls.id.split(".", 1)[0]

    @classmethod
    def summary(cls) -> str:
        """The first line of the docstring: what `newsdesk rules` prints."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    def check(self, article: Article) -> Iterable[Hit]:
        raise NotImplementedError
