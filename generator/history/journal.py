"""A run's journal: every row the run records, as one JSON file staged with its output.

Rows are lists (not objects) in a fixed column order, which keeps a 5,000-ticker journal near a
megabyte and quick to write and read.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from pathlib import Path

from pydantic import BaseModel, ConfigDict

JOURNAL_SUFFIX = ".history.json"


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One ticker's Alpha Score and signals in a run (None: no score, or a missing signal)."""

    ticker: str
    score: int | None
    momentum: int | None
    value: int | None
    quality: int | None
    sentiment: int | None
    available: int  # signals with data
    capped: bool


@dataclass(frozen=True, slots=True)
class StockRow:
    """The key facts of one ticker in a run, what `newsdesk history` and comparisons read."""

    ticker: str
    close: float | None
    return_1d: float | None  # percent
    volume_ratio: float | None
    up_streak: int | None
    down_streak: int | None
    closing_high_52w: bool  # the close was a new 52-week closing high
    closing_low_52w: bool
    ma_cross: int  # +1 first close above the long moving average, -1 below, 0 neither


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One article a run wrote: its version, content hash, verdict, place and approval."""

    slug: str
    date: str
    kind: str
    tickers: str  # comma-separated
    version: int
    content_hash: str
    verdict: str
    place: str  # site | desk
    approved_by: str | None
    approved_at: str | None
    newsworthiness: float
    triggers: str  # comma-separated trigger ids ("" for a routine story)


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One thing an editor did to an article, as its sidecar's `actions` records it."""

    slug: str
    date: str
    at: str  # RFC 3339, UTC
    action: str
    by: str
    note: str | None
    content_hash: str
    previous_hash: str | None
    verdict: str


class RunJournal(BaseModel):
    """`desk/runs/<date>.history.json`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    token: str  # unique per run: what the database keys a recorded run by
    as_of: dt.date
    universe: str  # the universe stories name ("S&P 500"): history compares within one
    snapshot: str
    generator_version: str
    started_at: dt.datetime
    scores: list[list]  # ScoreRow fields, in order
    stocks: list[list]  # StockRow fields, in order
    articles: list[list]  # ArticleRow fields, in order
    # ActionRow fields: the editors' actions the run's articles carry (an action recorded only in a
    # sidecar, by an editor's command killed before it reached the database, arrives with them)
    actions: list[list] = []

    @classmethod
    def build(
        cls,
        *,
        scores: list[ScoreRow],
        stocks: list[StockRow],
        articles: list[ArticleRow],
        actions: Sequence[ActionRow] = (),
        **run: object,
    ) -> RunJournal:
        return cls(
            scores=_values(scores),
            stocks=_values(stocks),
            articles=_values(articles),
            actions=_values(actions),
            **run,
        )

    def rows(self, kind: type) -> list[dict]:
        """The journal's rows of a kind as dictionaries keyed by column name."""
        names = [f.name for f in fields(kind)]
        source = {
            ScoreRow: self.scores,
            StockRow: self.stocks,
            ArticleRow: self.articles,
            ActionRow: self.actions,
        }[kind]
        return [dict(zip(names, row, strict=True)) for row in source]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), separators=(",", ":")) + "\n"


_TOKEN = re.compile(rb'^\{"version":\d+,"token":"([0-9a-f]{1,64})"')


def token_of(data: bytes) -> str | None:
    """A journal's token, read off its first bytes (`to_json` writes it second) without parsing
    the megabyte behind it; None when the file does not start as a journal does."""
    match = _TOKEN.match(data[:120])
    return match.group(1).decode("ascii") if match else None


def journal_path(runs_dir: Path, as_of: dt.date) -> Path:
    return runs_dir / f"{as_of.isoformat()}{JOURNAL_SUFFIX}"


def _values(rows: Sequence[object]) -> list[list]:
    """Each row's field values in order (rows of one flat dataclass; astuple would deep-copy
    every value, a second at 5,000 tickers)."""
    if not rows:
        return []
    values = attrgetter(*(f.name for f in fields(type(rows[0]))))  # type: ignore[arg-type]
    return [list(values(row)) for row in rows]
