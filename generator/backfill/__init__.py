"""`newsdesk backfill`: one point-in-time run per trading day between two dates, here or on Dask.

Each trading day of the snapshot from `--from` to `--to` (the sessions `--as-of` accepts: days with
a benchmark close) gets the run `newsdesk run --as-of DAY` would make, in date order, into one
output folder and its history. The result is the same files and database rows as those runs made
one by one (run timestamps and durations aside).

What a date's run needs from earlier dates
------------------------------------------
- The run history: its stories compare with the latest recorded run of an earlier date in the same
  universe (`RunHistory.previous`: that run's id, date, scores and key facts per stock) — score
  changes, the triggers they fire, the `score_changes` story, "rose to 72 from 58 a session
  earlier". Nothing else of the history is read.
- The output folder: the index and feeds span every date, embargoes of earlier dates end, and a
  date's previous copies (a rerun) are revised as living stories and keep editors' decisions.

What is independent of earlier dates, and what is not
------------------------------------------------------
The earlier run a date compares with is itself a pure function of the snapshot: its scores and key
facts are computed from the snapshot as of the date before (`tasks.market_rows`), and its run id is
the next id the one writer's history hands out. So with `--executor dask` every date is produced in
parallel — facts, scores, every article rendered, checked and placed (`tasks.produce_date`) —
comparing with a *predicted* previous run: the history's own for the first date, the rows of the
date before (computed by a separate small task, so no date waits for another's articles) for the
rest. What must stay sequential is the commit: the client, the one writer, takes results in date
order, writes the files into staging, builds the index and feeds over every date, switches them in
atomically and records the run (`pipeline.commit_session`). Before committing a date it reads the
previous run from the history as the one-by-one run would, and if that differs from the prediction
(a run recorded meanwhile by someone sharing the database, an id sequence with gaps) or the output
already holds the date (its articles would be revisions), the date is run again here, as `newsdesk
run --as-of` runs it. The price of the split is computing each date's facts and scores twice (once
for its own articles, once for the next date's comparison): a fraction of a date's work, which is
mostly the articles.

Tasks write nothing; what they return is picklable: for each article its index record and files
(markdown, page, sidecar, ninjs, chart), with the date's cited sources and history rows — about as
much as the date's files. Workers need the same newsdesk installed and the snapshot, rules,
templates and editorial folders at the same paths; the output folder and the database are only
the client's. With `--executor dask` the embargo clock (`--now`) is fixed at the backfill's start
for every date.

Resuming: a date is finished when its run is committed to the output (its journal is there) and
recorded in the history for the snapshot's universe; a rerun of a killed backfill skips finished
dates and starts with the first unfinished one. `--executor local` makes the same runs in this
process, one after another (with `--jobs` worker processes for each date's articles).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import Settings
from generator.errors import NewsdeskError

EXECUTORS = ("local", "dask")


class BackfillError(NewsdeskError):
    """The range names no trading day, or dates that cannot be run (named in the message)."""


@dataclass
class BackfillResult:
    """What a backfill did: for the summary line and for tests."""

    out_dir: Path
    days: list[dt.date]  # every trading day in the range
    skipped: list[dt.date] = field(default_factory=list)  # finished before this backfill
    done: list[dt.date] = field(default_factory=list)  # committed by this backfill, in order
    articles: int = 0
    rerun_here: list[dt.date] = field(default_factory=list)  # dask: produced again by the client
    seconds: float = 0.0


Echo = Callable[[str], None]


def run_backfill(
    settings: Settings,
    start: dt.date,
    end: dt.date,
    *,
    executor: str = "local",
    scheduler: str | None = None,
    connect_timeout: float = 10.0,
    echo: Echo | None = None,
) -> BackfillResult:
    """Run every unfinished trading day from `start` to `end` (inclusive) in date order."""
    from generator.backfill.days import trading_days

    began = time.perf_counter()
    if executor not in EXECUTORS:
        raise BackfillError(f"--executor {executor}: unknown (choose {' or '.join(EXECUTORS)})")
    if scheduler is not None and executor != "dask":
        raise BackfillError(f"--scheduler {scheduler}: only used with --executor dask")
    if start > end:
        raise BackfillError(f"--from {start} is after --to {end}")
    if executor == "dask":
        from generator.backfill.cluster import reach, require_dask

        require_dask()  # before reading the snapshot: a missing extra is the first thing to say
        if scheduler is not None:
            reach(scheduler, connect_timeout)  # before taking the output: a wrong address changes nothing
    days, universe = trading_days(settings, start, end)
    result = BackfillResult(out_dir=settings.out, days=days)
    say = echo or (lambda _line: None)
    _backfill(settings, universe, result, say, executor, scheduler, connect_timeout)
    result.seconds = time.perf_counter() - began
    return result


def _backfill(
    settings: Settings,
    universe: str,
    result: BackfillResult,
    say: Echo,
    executor: str,
    scheduler: str | None,
    connect_timeout: float,
) -> None:
    """Under the output's lock, with the history open and recovered: skip finished dates, run the
    rest here or on the cluster (started, or connected to, only when there is a date to run)."""
    from generator import pipeline
    from generator.backfill.days import finished_days
    from generator.layout import Layout

    with pipeline.writing_output(settings) as history:
        finished = finished_days(Layout(settings.out), history, universe, result.days)
        result.skipped = [day for day in result.days if day in finished]
        todo = [day for day in result.days if day not in finished]
        if result.skipped:
            say(f"{len(result.skipped)} of {len(result.days)} dates already done, skipped")
        if executor == "local":
            _run_locally(settings, history, todo, result, say)
        elif todo:
            from generator.backfill.cluster import dask_client
            from generator.backfill.on_dask import run_on_dask

            with dask_client(scheduler, workers=settings.jobs, timeout=connect_timeout) as client:
                run_on_dask(client, settings, history, universe, todo, result, say)


def _run_locally(settings: Settings, history, todo: list[dt.date], result: BackfillResult, say: Echo) -> None:
    from generator import pipeline

    for day in todo:
        run = pipeline.run_session(settings, history, day)
        note_done(result, run, say)


def note_done(result: BackfillResult, run, say: Echo) -> None:
    """Count a committed date and say so, one line."""
    from generator.models import Verdict

    result.done.append(run.as_of)
    result.articles += len(run.articles)
    counts = ", ".join(f"{run.count(verdict)} {verdict.value}" for verdict in Verdict)
    say(f"{run.as_of}: {len(run.articles)} articles ({counts}) in {run.seconds:.1f} s")
