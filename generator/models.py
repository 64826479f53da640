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
from typing import Any, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

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


class Measure(StrEnum):
    """What a figure is, so the words around it can be checked: "closed at" needs a closing price.

    A fact's unit says how its number is scaled; its measure says what the number means.
    """

    CLOSE = "close"  # a closing price
    INTRADAY_HIGH = "intraday_high"  # the highest price traded during sessions in the window
    INTRADAY_LOW = "intraday_low"  # the lowest price traded during sessions in the window
    CLOSING_HIGH = "closing_high"  # the highest close in the window
    CLOSING_LOW = "closing_low"  # the lowest close in the window
    RETURN = "return"  # one stock's or series' price change over the window, in percent
    AVERAGE = "average"  # a group's average of its members' returns, in percent
    DIFFERENCE = "difference"  # one return minus another, in percentage points
    CONTRIBUTION = "contribution"  # a sub-group's share of its parent's average return, in points
    DISTANCE = "distance"  # a price against a reference price (e.g. below the 52-week high), percent
    RATE = "rate"  # a percentage that is not a price change: a yield, margin, growth, volatility
    RATIO = "ratio"  # a multiple or quotient: P/E, sales to price, volume against its average
    VALUE = "value"  # an amount of money that is not a share price (market value)
    VOLUME = "volume"  # shares traded
    COUNT = "count"  # how many of something
    SCORE = "score"  # an Alpha Score or signal score, 0-100
    PERCENTILE = "percentile"  # a percentile rank among peers
    THRESHOLD = "threshold"  # a setting in the rules (e.g. the split-detection tolerance)
    STREAK = "streak"  # consecutive sessions, to the last, that closed higher (or lower) than the one before
    VOLATILITY_MULTIPLE = "volatility_multiple"  # a session's move in multiples of the stock's typical move
    MOVING_AVERAGE = "moving_average"  # the mean close over a trailing number of sessions
    PREVIOUS_OCCURRENCE = "previous_occurrence"  # the last earlier date something held (a move as big)
    SCORE_CHANGE = "score_change"  # a score minus the same score in an earlier run, in points


PriceBasis = Literal["none", "splits", "splits_and_dividends"]

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
    """One figure an article may state: its exact display text, its origin and what it means.

    The meaning fields let the checker verify the words around a figure, not only its value: what
    is measured, on which price basis, over which dates, from inputs of which date, over which
    members. They are optional so that sidecars written by people (or older versions) still load.
    """

    id: str
    value: float
    unit: Unit
    display: str
    as_of: dt.date  # the article's data date
    provenance: Provenance
    flags: tuple[str, ...] = ()  # "corporate_action", "unexplained_fall": the checker holds its story
    subject: str | None = None  # a ticker, or a group id such as "sector:energy" or "universe"
    measure: Measure | None = None
    basis: PriceBasis | None = None  # for figures computed from prices: how those prices are adjusted
    start: dt.date | None = None  # first date of the window (for a point figure, its date)
    end: dt.date | None = None  # last date of the window
    inputs_as_of: dt.date | None = None  # date of the oldest input (fundamentals may be months old)
    members: tuple[str, ...] = ()  # for group figures: the tickers it averages or counts
    left_out: tuple[str, ...] = ()  # group members the figure leaves out, each named in the story


@dataclasses.dataclass(frozen=True, slots=True)
class Claim:
    """What one sentence says about a figure: who, what, which facts — so it can be verified.

    `predicate` is a direction (rose, fell, unchanged, outperformed, underperformed, matched), a
    ranking (ranks_first, ranks_last: `among` lists the facts compared, `left_out` the facts of
    members the comparison leaves out), or `states` for a figure stated without either.
    """

    subject: str
    predicate: str
    facts: tuple[str, ...]
    text: str  # the words as printed, e.g. "rose 3.2%"
    sentence: str = ""  # the sentence it sits in, as a reader reads it
    among: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()


CHART_FILE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\.svg$"  # a file beside its article, nothing else


class ChartPoint(BaseModel):
    """One plotted value: a bar, or a line's point on a date; `fact` names the fact it shows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str  # the bar's label, or the point's ISO date
    value: float
    fact: str | None = None


class ChartSeries(BaseModel):
    """One plotted series and where it comes from.

    A line's points are computed like its closing fact (`fact`), which its last point equals; a bar
    chart's series is its bars, each naming its own fact.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    subject: str | None = None
    measure: Measure | None = None
    fact: str | None = None
    provenance: Provenance | None = None
    members: tuple[str, ...] = ()  # for a group's line: the tickers it averages
    points: list[ChartPoint]


class Chart(BaseModel):
    """An SVG chart beside its article (`file`), the series it plots and the alt text it carries.

    `digest` is chart_digest(series): the drawn file carries it, so a checker can tell the file's data
    is the sidecar's without reading the drawing.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(pattern=CHART_FILE_PATTERN)
    kind: Literal["line", "bar"]
    title: str
    alt: str
    unit: Unit
    series: list[ChartSeries]
    digest: str


CHART_DIGEST_MARK = "newsdesk-chart sha256="  # how a drawn chart file carries its data's digest


def chart_digest(series: list[ChartSeries]) -> str:
    """SHA-256 of the plotted data (series ids, labels and values to six decimals), canonically."""
    import hashlib

    data = [[s.id, [[p.label, round(p.value, 6)] for p in s.points]] for s in series]
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode("utf-8")).hexdigest()


class SnapshotInfo(BaseModel):
    """What the article's data is: enough for the checker to know what the data can and cannot say."""

    model_config = ConfigDict(frozen=True, extra="allow")

    name: str
    as_of: dt.date
    prices_adjusted: PriceBasis | None = None
    fundamentals_as_of: dt.date | None = None
    data: list[str] = Field(default_factory=list)  # the feeds it holds: prices, fundamentals, news, sources


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
    # The site's copy of the text, as an absolute URL: right under any site generator's URL scheme,
    # where `path` (relative to the article file) is not, e.g. under Hugo's /<date>/<slug>/ pages.
    text_url: str | None = None


class FrontMatter(BaseModel):
    """Contract 2: the YAML header of every article, generated or written by a person."""

    model_config = ConfigDict(extra="allow")

    title: str
    slug: str = Field(pattern=SLUG_PATTERN, max_length=MAX_SLUG_CHARS)
    date: dt.date
    kind: str
    tickers: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    embargo_until: AwareDatetime | None = None  # not in the site or any feed before this moment


class Finding(_Record):
    """One rule violation, located in the article file (1-based line and column)."""

    rule: str  # family.name, e.g. "quotes.mismatch"
    severity: Severity
    line: int
    column: int
    message: str
    excerpt: str = ""
    # Structured data beside the message, so review pages mark findings from data, never by
    # parsing messages. A phrase or figure finding's `excerpt` is the text as written, spanning
    # [line:column, end_line:end_column) in the file.
    source: str | None = None  # quotes.*: id of the listed source (the closest passage's, the speaker's)
    similarity: int | None = None  # quotes.mismatch: 0-100, how like `passage` the quoted words are
    quoted: str | None = None  # quotes.mismatch: the quoted words compared with `passage` (a part, if split)
    quoted_changes: tuple[tuple[int, int], ...] = ()  # [start, end) of words in `quoted` not in `passage`
    passage_changes: tuple[tuple[int, int], ...] = ()  # [start, end) of words in `passage` not in `quoted`
    facts: tuple[str, ...] = ()  # numbers/claims/risk: ids of the sidecar facts the figure is about
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


class Rejection(_Record):
    """An editor's decision not to publish a held or blocked article; tied to the content rejected."""

    by: str
    at: dt.datetime
    reason: str
    content_hash: str


EditorActionKind = Literal["edit", "recheck", "approve", "reject"]


class EditorAction(_Record):
    """One thing an editor did to an article: who, when, what, and the verdict it left."""

    action: EditorActionKind
    by: str
    at: dt.datetime
    note: str | None = None  # an approval's note or a rejection's reason
    content_hash: str  # the content acted on (after an edit: the edited content)
    previous_hash: str | None = None  # an edit: the content it replaced
    verdict: Verdict  # the article's verdict after the action


class Subject(_Record):
    """What an article is about, for wires and search engines: a ticker or a sector."""

    kind: Literal["ticker", "sector"]
    code: str  # the ticker symbol, or the sector's name
    name: str  # the company's name as stories write it (AP style), or the sector's name
    short: str | None = None  # a company's name on later references ("Alphabet")


class Release(_Record):
    """When the article's content version was made and when it was made public.

    Stamps come from the data date and the content, never from the clock of a rerun, so reruns on
    the same snapshot write the same bytes (see generator/release.py).
    """

    version: int = Field(
        default=1, ge=1, description="1, then one more each time a rerun changes the content"
    )
    created: dt.datetime = Field(description="when this version was made")
    first_created: dt.datetime = Field(description="when version 1 was made")
    published: dt.datetime | None = Field(
        default=None, description="when it first went public; null in the desk"
    )


class Correction(_Record):
    """A figure a published version stated that the data no longer supports."""

    fact: str = Field(description="id of the fact, as this version states it")
    wrong: Fact = Field(description="the figure as the published version stated it")
    published: dt.date = Field(description="when that version went public")


class Revision(_Record):
    """What changed in this version of an article against the one before, as its text says.

    `block` is the exact text the article carries for it (an update note, then any corrections),
    so a later version can tell its own wording from the article's and carry the corrections on.
    """

    version: int = Field(ge=2, description="the version this revision made")
    updated: dt.date = Field(description="the date of the run that made it (its `now`)")
    changed: list[str] = Field(default_factory=list, description="ids of the facts whose figure changed")
    corrections: list[Correction] = Field(
        default_factory=list, description="figures a published version stated that changed since"
    )
    block: str = Field(description="the revision's text in the article, between the body and the disclosure")


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
    claims: list[Claim] = Field(default_factory=list)
    snapshot: SnapshotInfo | None = None
    scores: list[AlphaScore] = Field(default_factory=list)
    verdict: Verdict | None = None
    findings: list[Finding] = Field(default_factory=list)
    tables_dropped: list[TableDrop] = Field(default_factory=list)
    content_hash: str | None = None
    generator_version: str | None = None
    approval: Approval | None = None
    subjects: list[Subject] = Field(default_factory=list)
    release: Release | None = None
    rejection: Rejection | None = None
    actions: list[EditorAction] = Field(default_factory=list)  # what editors did to it, oldest first
    triggers: list[str] = Field(
        default_factory=list, description="why the story is news (rules/triggers.yaml), first one leading"
    )
    newsworthiness: float | None = Field(default=None, description="0-100: the fired triggers' weights")
    angle: str | None = Field(
        default=None, description="the structure a brief took: its first trigger or a routine angle"
    )
    routine: bool = Field(
        default=False, description="a brief no trigger fired for: kept out of the feeds by default"
    )
    charts: list[Chart] = Field(default_factory=list, description="SVG charts beside the article")
    revision: Revision | None = Field(
        default=None, description="what this version changed, when it is not the first"
    )


class Article(BaseModel):
    """A rendered article before checking: contract 2 front matter, markdown body, what it used."""

    front_matter: FrontMatter
    body: str
    facts: list[Fact] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    scores: list[AlphaScore] = Field(default_factory=list)
    charts: list[Chart] = Field(default_factory=list)

    def to_markdown(self) -> str:
        """Front matter + body, byte-stable: the title as a plain YAML string where YAML allows one.

        Sources are indented four spaces so that Python-Markdown's meta extension (Pelican's reader)
        reads them as continuation lines of `sources` instead of printing them into the body.
        """
        fm = self.front_matter
        lines = [
            "---",
            f"title: {yaml_string(fm.title)}",
            f"slug: {fm.slug}",
            f"date: {fm.date.isoformat()}",
            f"kind: {fm.kind}",
            f"tickers: [{', '.join(_quoted(t) for t in fm.tickers)}]",
        ]
        if fm.embargo_until is not None:
            lines.append(f"embargo_until: {utc_stamp(fm.embargo_until)}")
        if fm.sources:
            lines.append("sources:")
            for source in fm.sources:
                (_, first), *rest = _source_fields(source)
                lines.append(f"    - id: {_quoted(first)}")
                lines.extend(f"      {key}: {_quoted(value)}" for key, value in rest)
        else:
            lines.append("sources: []")
        lines.append("---")
        return "\n".join(lines) + "\n" + self.body

    def front_matter_as_read(self) -> dict[str, Any] | None:
        """What a YAML reader gets from `to_markdown`'s front matter, without reading it; None
        where only reading tells (an embargo's timestamp; a slug or kind YAML might read as
        another type than a string).

        The run hands it to the checker with the text it wrote: reading the header back cost a
        twentieth of an article's time. The title reads back as itself (`yaml_string`), tickers
        and sources are quoted strings; tests hold this equal to reading the text.
        """
        fm = self.front_matter
        if fm.embargo_until is not None or not (_PLAIN_WORD.match(fm.slug) and _PLAIN_WORD.match(fm.kind)):
            return None
        return {
            "title": fm.title,
            "slug": fm.slug,
            "date": fm.date,
            "kind": fm.kind,
            "tickers": list(fm.tickers),
            "sources": [dict(_source_fields(source)) for source in fm.sources],
        }


def _source_fields(source: SourceRef) -> list[tuple[str, str]]:
    """A front-matter source's keys and values in the order they are written, id first."""
    fields = (
        ("title", source.title),
        ("url", source.url),
        ("path", source.path),
        ("text_url", source.text_url),
    )
    return [("id", source.id), *((key, value) for key, value in fields if value is not None)]


# A letter, then letters, digits, hyphens and underscores with at least one of the last two: no
# YAML 1.1 boolean, null, number or date is spelled like that, so it is read as this string.
_PLAIN_WORD = re.compile(r"[a-z][a-z0-9]*[-_][a-z0-9_-]*\Z")


# What YAML does not allow in a document (outside its printable set) or reads as a line break.
_YAML_ESCAPE = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_PLAIN_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


# A headline that starts with a letter, has a space (so no boolean, null, number or date reading
# applies to the whole of it) and only ordinary punctuation is a plain YAML string as it stands.
_PLAIN_HEADLINE = re.compile(r"^[^\W\d_][\w ,.;!?'’‘“”%$€£&()/+\-–—]* [\w ,.;!?'’‘“”%$€£&()/+\-–—]*(?<![:])$")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _quoted(text: str) -> str:
    """A JSON string (a YAML double-quoted scalar), with YAML's unprintable characters escaped."""
    return _YAML_ESCAPE.sub(
        lambda match: f"\\u{ord(match.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def yaml_string(text: str) -> str:
    """`text` as a plain YAML scalar when every YAML reader gets the same string back, else JSON-quoted.

    Plain is what site generators show as is (Pelican's reader keeps quote marks literally); a
    title that YAML would read as something else (a number, a boolean, a comment, a mapping) or
    that holds control characters is double-quoted, which is valid YAML and still byte-stable.
    """
    if not text or text != text.strip() or _PLAIN_UNSAFE.search(text) or text[0] in "\"'":
        return _quoted(text)
    if _PLAIN_HEADLINE.match(text) and ": " not in text and " #" not in text:
        return text  # words and spaces: no YAML type or indicator can match it
    try:
        parsed = yaml.load(f"key: {text}\n", Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return _quoted(text)
    return text if parsed == {"key": text} else _quoted(text)


def utc_stamp(moment: dt.datetime) -> str:
    """An aware datetime as RFC 3339 in UTC with a Z, to the second: how every output states time."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
