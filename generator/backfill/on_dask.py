"""Running a backfill's dates as Dask tasks and committing them here, one writer, in date order.

See generator/backfill/__init__.py for why the split is what it is. In short: every date is one
`produce_date` task; a date whose previous run is another date of this backfill also gets a
`market_rows` task for that date, from which its comparison is predicted; the client commits each
date's result in order, after checking the prediction against the history it has just written.
At most `window` dates are in flight, so a long backfill holds a few dates' results, not a year's.
"""

from __future__ import annotations

import datetime as dt
import time

from generator import pipeline
from generator.backfill import BackfillResult, Echo, note_done
from generator.backfill.tasks import Produced, market_rows, produce_date
from generator.config import Settings
from generator.history import RunHistory

IN_FLIGHT_PER_WORKER = 2  # dates submitted ahead per worker thread: enough to keep it busy


def run_on_dask(
    client,
    settings: Settings,
    history: RunHistory,
    universe: str,
    todo: list[dt.date],
    result: BackfillResult,
    say: Echo,
) -> None:
    now = settings.now or dt.datetime.now(dt.UTC)
    settings = settings.model_copy(update={"now": now})  # one embargo clock for every date
    remote = _for_workers(settings)
    first_id = history.last_run_id() + 1  # the id the first date's run will be recorded under
    window = max(2, IN_FLIGHT_PER_WORKER * sum(client.nthreads().values()))  # dates in flight
    futures: dict[int, object] = {}

    def submit(k: int) -> None:
        day = todo[k]
        recorded = history.previous(universe, day)  # the history's best before this backfill's runs
        before = todo[k - 1] if k > 0 else None
        key = f"newsdesk-{universe}-{day}-{time.time_ns()}"  # unique: a rerun never reuses a result
        if before is not None and (recorded is None or recorded.as_of < before):
            rows = client.submit(market_rows, remote, before, key=f"rows-{key}", priority=-k)
            futures[k] = client.submit(
                produce_date, remote, day, now, rows=rows, run_id=first_id + k - 1, key=key, priority=-k
            )
        else:
            futures[k] = client.submit(
                produce_date, remote, day, now, previous=recorded, key=key, priority=-k
            )

    for k in range(min(window, len(todo))):
        submit(k)
    for k, day in enumerate(todo):
        future = futures.pop(k)
        produced: Produced = future.result()
        future.release()
        if k + window < len(todo):
            submit(k + window)
        run = _commit(settings, history, universe, day, produced, now)
        if run is None:  # the prediction did not hold, or the date has articles already: run it here
            result.rerun_here.append(day)
            run = pipeline.run_session(settings, history, day)
        note_done(result, run, say)


def _for_workers(settings: Settings) -> Settings:
    """The settings with every folder a worker reads made absolute: a worker's working directory is
    not the client's (the client keeps its own settings, so its run records name paths as given)."""
    folders = ("snapshot", "rules_dir", "templates_dir", "editorial_dir")
    return settings.model_copy(update={name: getattr(settings, name).absolute() for name in folders})


def _commit(
    settings: Settings,
    history: RunHistory,
    universe: str,
    day: dt.date,
    produced: Produced,
    now: dt.datetime,
) -> pipeline.RunResult | None:
    """Commit a worker's date as `run_session` would have; None when its result cannot stand:
    the history's previous run is not the one it compared with, or the output holds the date."""
    if history.previous(universe, day) != produced.previous:
        return None
    writer = pipeline.run_writer(settings, day, produced.newsworthiness, now)
    if writer.replaces:
        writer.abort()
        return None
    started = time.perf_counter() - produced.seconds  # the run took the worker's time and the commit's
    try:
        for written, files in zip(produced.written, produced.files, strict=True):
            writer.store(written.entry, files)
    except BaseException:
        writer.abort()
        raise
    return pipeline.commit_session(
        settings,
        history,
        writer,
        produced.session,
        produced.written,
        started=started,
        started_at=produced.started_at,
        now=now,
    )
