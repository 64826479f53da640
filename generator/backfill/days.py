"""Which dates a backfill runs: the snapshot's trading days in the range, less the finished ones."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from generator.backfill import BackfillError
from generator.config import Settings
from generator.history import RunHistory
from generator.history.journal import journal_path
from generator.layout import RUNS_DIR, Layout


def trading_days(settings: Settings, start: dt.date, end: dt.date) -> tuple[list[dt.date], str]:
    """The snapshot's sessions (days with a benchmark close, as `--as-of` takes them) from `start`
    to `end`, and the universe its runs are recorded under; none in the range is an error."""
    from generator.pipeline import load_run_snapshot, universe_of
    from generator.writing.editorial import load_editorial

    snapshot = load_run_snapshot(settings.snapshot, load_editorial(settings.editorial_dir))
    sessions = pd.DatetimeIndex(snapshot.benchmark["date"].unique()).sort_values()
    days = [stamp.date() for stamp in sessions if start <= stamp.date() <= end]
    if not days:
        first, last = sessions[0].date(), sessions[-1].date()
        raise BackfillError(
            f"{settings.snapshot}: no trading day from {start} to {end} "
            f"(the snapshot's sessions run from {first} to {last})"
        )
    return days, universe_of(snapshot)


def finished_days(layout: Layout, history: RunHistory, universe: str, days: list[dt.date]) -> set[dt.date]:
    """Days committed to the output (their journal is there) and recorded in the history for
    `universe`: a backfill does not run them again."""
    recorded = history.dates(universe)
    runs = layout.desk / RUNS_DIR
    return {day for day in days if day in recorded and journal_path(runs, day).is_file()}
