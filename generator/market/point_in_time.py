"""A snapshot as it stood at the close of an earlier day: what a run on that day could have known.

`newsdesk run --as-of DATE` and `newsdesk score --as-of DATE` work on this view, so a week of stories
can be backfilled from one snapshot, or a story tested on a past date, without data from after DATE:

- prices, benchmark closes and corporate actions dated on or before DATE;
- news items published before the end of DATE (UTC, the rule `newsdesk fetch` applies to headlines);
- source documents whose `published:` date is on or before DATE. A source without a date is kept only
  when DATE is the snapshot's own as-of date: the snapshot vouches for it as of then, but nothing shows
  it existed any earlier;
- fundamentals only when the date they describe (`manifest.fundamentals_as_of`, else the snapshot's
  as-of date) is on or before DATE; otherwise their figures are blanked (names and sectors stay), so
  the value and quality signals are missing rather than taken from the future.

DATE must be a trading day of the snapshot, i.e. a day with a benchmark close: a weekend, a holiday or
a day outside the history is refused with one line naming the sessions around it, never silently moved.
DATE equal to the snapshot's own as-of date gives the snapshot unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from generator.errors import SnapshotError
from generator.market.snapshot import IDENTITY_COLUMNS, Snapshot, SourceDocument


def snapshot_as_of(snapshot: Snapshot, day: dt.date) -> Snapshot:
    """The view of `snapshot` at the close of `day`, with `manifest.as_of` set to `day`.

    Call it after the manifest is complete (editorial metadata such as `fundamentals_as_of` filled
    in): the fundamentals' date decides whether they may be used.
    """
    manifest = snapshot.manifest
    _check_session(snapshot, day)
    if day == manifest.as_of:  # the snapshot as it is: a run with --as-of its own date is a plain run
        return snapshot
    cutoff = pd.Timestamp(day)
    prices = snapshot.prices[snapshot.prices["date"] <= cutoff].reset_index(drop=True)
    prices["ticker"] = prices["ticker"].cat.remove_unused_categories()
    benchmark = snapshot.benchmark[snapshot.benchmark["date"] <= cutoff].reset_index(drop=True)
    actions = snapshot.actions[pd.to_datetime(snapshot.actions["date"]) <= cutoff].reset_index(drop=True)
    end_of_day = pd.Timestamp(day + dt.timedelta(days=1), tz="UTC")
    news = snapshot.news[snapshot.news["published"] < end_of_day].reset_index(drop=True)
    sources = tuple(doc for doc in snapshot.sources if _published_by(doc, day, snapshot))
    fundamentals = snapshot.fundamentals
    described_on = manifest.fundamentals_as_of or manifest.as_of
    if described_on > day:
        numeric = [c for c in fundamentals.columns if c not in IDENTITY_COLUMNS]
        fundamentals = fundamentals.assign(**{c: float("nan") for c in numeric})
    priced = set(prices["ticker"].cat.categories)
    unpriced = [t for t in fundamentals.index if t not in priced and t not in manifest.missing_tickers]
    view = manifest.model_copy(
        update={
            "as_of": day,
            "missing_tickers": [*manifest.missing_tickers, *unpriced],
            "point_in_time": {
                "snapshot_as_of": manifest.as_of.isoformat(),
                "fundamentals": f"dated {described_on}, "
                + ("used" if described_on <= day else f"after {day}, so left blank"),
            },
        }
    )
    return dataclasses.replace(
        snapshot,
        manifest=view,
        prices=prices,
        benchmark=benchmark,
        actions=actions,
        news=news,
        sources=sources,
        fundamentals=fundamentals,
    )


def _check_session(snapshot: Snapshot, day: dt.date) -> None:
    """Refuse a day that is not one of the snapshot's sessions, naming the sessions around it."""
    sessions = pd.DatetimeIndex(snapshot.benchmark["date"].unique()).sort_values()
    name, first, last = snapshot.manifest.name, sessions[0].date(), sessions[-1].date()
    if day > last:
        raise SnapshotError(f"--as-of {day}: after the last session of {name} ({last})")
    if day < first:
        raise SnapshotError(f"--as-of {day}: before the history of {name} begins ({first})")
    stamp = pd.Timestamp(day)
    if stamp not in sessions:
        before = sessions[sessions.searchsorted(stamp) - 1].date()
        after = sessions[sessions.searchsorted(stamp)].date()
        raise SnapshotError(
            f"--as-of {day}: not a trading day in {name} (a {day:%A} without a benchmark close); "
            f"the sessions around it are {before} and {after}"
        )


def _published_by(document: SourceDocument, day: dt.date, snapshot: Snapshot) -> bool:
    if not document.published:
        return day >= snapshot.manifest.as_of
    try:
        published = dt.date.fromisoformat(document.published[:10])
    except ValueError:
        raise SnapshotError(
            f"{_where(document, snapshot)}: published {document.published!r} is not a date (YYYY-MM-DD), "
            "so it cannot be placed in time"
        ) from None
    return published <= day


def _where(document: SourceDocument, snapshot: Snapshot) -> str:
    return str(snapshot.path / "sources" / document.filename) if snapshot.path else document.filename
