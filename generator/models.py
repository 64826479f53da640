"""The typed records that cross stage boundaries.

Facts and scores flow from the market stages into writing; articles flow into checking; check
results flow into publishing. Each model is also a file contract (the sidecar JSON, the check
report), so their field names are public: add fields, do not rename them.

This module must stay importable without pandas: `newsdesk check` uses it on its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_SLUG_CHARS = 120
_SLUG = re.compile(SLUG_PATTERN)
SIGNALS: tuple[str, ...] = ("momentum", "value", "quality", "sentiment")
SignalName = Literal["momentum", "value", "quality", "sentiment"]


def is_slug(text: str) -> bool:
    """A slug is a file name, so [a-z0-9-] only and bounded: nothing a path could be built from."""
    return len(text) <= MAX_SLUG_CHARS and _SLUG.fullmatch(text) is not None


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Unit(StrEnum):
    """How a fact's value is scaled; the display text is derived from value and unit."""

    PERCENT = "percent"  # 3.2 means 3.2%
    POINTS = "percentage_points"  # a difference of two percentages
    USD = "usd"  # dollars (per share or total)
    RATIO = "ratio"  # a plain multiple such as a P/E of 16.8
    SCORE = "score"  # an Alpha Score or signal score, 0-100
    PERCENTILE = "percentile"  # a rank, 0-100
    COUNT = "count"  # how many of something
    SHARES = "shares"  # trading volume
    DATE = "date"  # an ISO date, value is the ordinal day


# Fact and Provenance are slotted stdlib dataclasses rather than pydantic models: a run creates
# hundreds of thousands of them (about 1.5 µs each instead of 7 µs). Inside pydantic models such as
# Sidecar they are still validated from JSON, serialised and described in the JSON Schema.


@dataclasses.dataclass(frozen=True, slots=True)
class Provenance:
    """Where a figure came from: enough for an editor to recompute it by hand."""

    series: str  # e.g. "prices.close[HLXM]" or "fundamentals.pe[HLXM]"
    window: str  # e.g. "1M: 2026-10-20 to 2026-11-20" or "fundamentals snapshot"
    formula: str  # e.g. "close 2026-11-20 (12.5) / close 2026-10-20 (11.2) - 1"


@dataclasses.dataclass(frozen=True, slots=True)
class Fact:
    """One figure an article may state, with its exact display text and origin."""

    id: str
    value: float
    unit: Unit
    display: str
    as_of: dt.date
    provenance: Provenance
    flags: tuple[str, ...] = ()  # e.g. ("corporate_action",): the checker holds stories stating it


class Severity(StrEnum):
    """error blocks publication, review holds for an editor, info only reports."""

    ERROR = "error"
    REVIEW = "review"
    INFO = "info"


class Verdict(StrEnum):
    PUBLISH = "publish"
    REVIEW = "review"
    BLOCK = "block"


# Like Fact, a dataclass: a universe's scores hold tens of thousands of these.
@dataclasses.dataclass(frozen=True, slots=True)
class MetricScore:
    """One input to a signal: its raw value and its percentile rank among peers."""

    name: str  # e.g. "earnings_yield"
    label: str  # e.g. "earnings yield"
    value: float
    display: str  # e.g. "2.1%"
    rank: float  # percentile, 0-100
    peer_group: str  # e.g. "Information Technology" or "all stocks"


@dataclasses.dataclass(frozen=True, slots=True)
class SignalScore:
    """One of the four signals: its 0-100 score, band, and metrics (most influential first)."""

    score: int  # 0-100
    label: str  # band: poor / weak / moderate / strong
    metrics: tuple[MetricScore, ...]


class AlphaScore(_Record):
    """A ticker's composite score; `score` is None when too few signals are available."""

    ticker: str
    score: int | None
    profile: str | None  # band of the composite
    signals: dict[str, SignalScore | None]  # every name in SIGNALS, None when missing
    coverage: str  # e.g. "3/4"
    capped: bool
    summary: str  # the published sentence


class SourceRef(BaseModel):
    """A document an article may quote; `path` is relative to the article file."""

    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    url: str | None = None
    path: str | None = None


class FrontMatter(BaseModel):
    """Contract 2: the YAML header of every article, generated or written by a person."""

    model_config = ConfigDict(extra="allow")

    title: str
    slug: str = Field(pattern=SLUG_PATTERN, max_length=MAX_SLUG_CHARS)
    date: dt.date
    kind: str
    tickers: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)


class Finding(_Record):
    """One rule violation, located in the article file (1-based line and column)."""

    rule: str  # family.name, e.g. "quotes.mismatch"
    severity: Severity
    line: int
    column: int
    message: str
    excerpt: str = ""
    passage: str | None = None  # quotes.mismatch: the closest source passage, for side-by-side review
    end_line: int | None = None  # where the flagged text ends (end_column is just past its last character)
    end_column: int | None = None


class TableDrop(_Record):
    """A low-information table removed from the published copy (1-based, inclusive lines)."""

    line_start: int
    line_end: int
    reason: str
    text: str | None = None  # the removed lines, so an editor can see what was dropped


class ArticleReport(_Record):
    """Contract 3: the check result for one article."""

    path: str
    verdict: Verdict
    findings: tuple[Finding, ...] = ()
    tables_dropped: tuple[TableDrop, ...] = ()


class ReportSummary(_Record):
    articles: int
    publish: int
    review: int
    block: int


class CheckReport(_Record):
    """Contract 3: what `newsdesk check --format json` prints."""

    version: Literal[1] = 1
    summary: ReportSummary
    articles: tuple[ArticleReport, ...]


class Approval(_Record):
    """An editor's release of a held article; tied to the content it approved."""

    by: str
    at: dt.datetime
    note: str | None = None
    content_hash: str


class Sidecar(BaseModel):
    """`<slug>.json` beside `<slug>.md`: what the article used and what the checker decided.

    The checker reads `facts` (when present) to trace every figure in the body.
    """

    model_config = ConfigDict(extra="allow")

    version: Literal[1] = 1
    slug: str
    title: str
    date: dt.date
    kind: str
    tickers: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    scores: list[AlphaScore] = Field(default_factory=list)
    verdict: Verdict | None = None
    findings: list[Finding] = Field(default_factory=list)
    tables_dropped: list[TableDrop] = Field(default_factory=list)
    content_hash: str | None = None
    generator_version: str | None = None
    approval: Approval | None = None


class Article(BaseModel):
    """A rendered article before checking: contract 2 front matter, markdown body, what it used."""

    front_matter: FrontMatter
    body: str
    facts: list[Fact] = Field(default_factory=list)
    scores: list[AlphaScore] = Field(default_factory=list)

    def to_markdown(self) -> str:
        """Front matter + body. Strings are JSON-quoted (valid YAML) so output is byte-stable."""
        fm = self.front_matter
        lines = [
            "---",
            f"title: {_quoted(fm.title)}",
            f"slug: {fm.slug}",
            f"date: {fm.date.isoformat()}",
            f"kind: {fm.kind}",
            f"tickers: [{', '.join(_quoted(t) for t in fm.tickers)}]",
        ]
        if fm.sources:
            lines.append("sources:")
            for source in fm.sources:
                lines.append(f"  - id: {_quoted(source.id)}")
                lines.extend(
                    f"    {key}: {_quoted(value)}"
                    for key, value in (("title", source.title), ("url", source.url), ("path", source.path))
                    if value is not None
                )
        else:
            lines.append("sources: []")
        lines.append("---")
        return "\n".join(lines) + "\n" + self.body


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
