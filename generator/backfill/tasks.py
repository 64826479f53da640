"""What a backfill's worker computes for one date: pure work that reads the snapshot and writes
nothing, returning small picklable records for the one writer to commit (generator/backfill).

Two kinds of task:

- `market_rows(settings, day)`: the scores and key facts a run on `day` records in the history —
  what the next date's stories compare with. It depends on no earlier run.
- `produce_date(settings, day, now, ...)`: a date's whole run up to its commit: facts, scores,
  every article rendered, checked and placed (page, ninjs) as `newsdesk run --as-of` would place it
  in an output that does not hold the date yet. Given the run its stories compare with, either as
  read from the history or as predicted from `market_rows` of the date before.

Workers may be other machines: they need the same newsdesk installed, and the snapshot, rules,
templates and editorial folders readable at the paths the client's settings name.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from dataclasses import dataclass

from generator import pipeline
from generator.config import Settings
from generator.history import PreviousRun, ScoreRow, StockRow
from generator.pipeline import Session, Written
from generator.publish import Placement


@dataclass(frozen=True)
class MarketRows:
    """The history rows a run on `as_of` records about the market (not its articles)."""

    as_of: dt.date
    universe: str
    scores: list[ScoreRow]
    stocks: list[StockRow]

    def as_previous(self, run_id: int) -> PreviousRun:
        """The run the next date compares with, as the history will return it once recorded as `run_id`."""
        return PreviousRun(
            run_id=run_id,
            as_of=self.as_of,
            scores={row.ticker: row for row in self.scores},
            stocks={row.ticker: row for row in self.stocks},
        )


@dataclass(frozen=True)
class Produced:
    """A date's run, ready to commit: each article's index record and files, and the session."""

    session: Session
    newsworthiness: dict[str, float]  # slug -> newsworthiness, every planned article
    written: list[Written]
    files: list[dict[str, str]]  # per written article: suffix -> text, as Placement.place gave them
    previous: PreviousRun | None  # the run its stories compared with
    started_at: dt.datetime
    seconds: float


def market_rows(settings: Settings, day: dt.date) -> MarketRows:
    market = pipeline.market_of(settings, day)
    scores, stocks = pipeline.session_rows(market.facts, market.scores)
    return MarketRows(market.snapshot.as_of, market.universe, scores, stocks)


def produce_date(
    settings: Settings,
    day: dt.date,
    now: dt.datetime,
    previous: PreviousRun | None = None,
    rows: MarketRows | None = None,
    run_id: int | None = None,
) -> Produced:
    """Produce `day`'s articles comparing with `previous`, or with `rows` recorded as `run_id`."""
    started, started_at = time.perf_counter(), dt.datetime.now(dt.UTC)
    if rows is not None:
        assert run_id is not None
        previous = rows.as_previous(run_id)
    desk = pipeline.prepare(settings, day, previous=previous)
    gc.collect()
    gc.freeze()  # as pipeline.run_session does: long-lived data out of the cyclic GC's scans
    try:
        plans = desk.newsroom.plan()
        newsworthiness = {plan.slug: plan.newsworthiness for plan in plans}
        placement = Placement(
            desk.as_of,
            newsworthiness,
            config=desk.site,
            now=now,
            release_time=settings.release_time,
            newsworthiness=newsworthiness,
        )
        written, files = [], []
        for plan in plans:
            article = desk.produce(plan)
            entry, placed = placement.place(article)
            written.append(Written(entry, pipeline.reasons_of(article), article.cited))
            files.append(placed)
        session = pipeline.session_of(desk, written, sources_staged=False)  # the committer stages them
    finally:
        gc.unfreeze()
    return Produced(
        session, newsworthiness, written, files, previous, started_at, time.perf_counter() - started
    )
