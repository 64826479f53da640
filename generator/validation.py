"""Does the Alpha Score say anything about future returns? Point-in-time rank IC and quintile spreads.

At each rebalance date (every `step` trading days) the score is recomputed exactly as a run would
have computed it then, from closes up to that date only; it is then compared with each stock's
forward return over each horizon:
- rank IC: the Spearman correlation across stocks between score and forward return, per date;
- quintile spread: mean forward return of the top fifth by score minus the bottom fifth.

Honest limits, reported with the figures: fundamentals in a snapshot are one dated snapshot, so value
and quality are only evaluated from `fundamentals_as_of` on (before it they would use future data);
headlines exist only for recent days, so sentiment mostly goes unevaluated; monthly dates with a
3-month horizon overlap, so their t-statistics overstate confidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.errors import SnapshotError
from generator.facts import MarketFacts, PricePanel
from generator.market.snapshot import Snapshot
from generator.models import SIGNALS
from generator.scoring import (
    MONEY_COLUMNS,
    Lexicon,
    ScoringRules,
    fundamental_metrics,
    momentum_metrics,
    score_table,
    sentiment_metrics,
)

HORIZONS = {"1M": 21, "3M": 63}
MIN_HISTORY = 200  # sessions before the first date scored: momentum needs a year of closes
MIN_STOCKS_PER_DATE = 20
QUINTILES = 5


@dataclass(frozen=True)
class Measure:
    """One row of the validation table: a signal against one forward horizon."""

    signal: str  # "score" or a signal name
    horizon: str
    dates: int
    mean_ic: float
    ic_t_stat: float
    hit_rate: float  # share of dates with a positive IC
    quintile_spread: float  # mean top-minus-bottom forward return, in percentage points


@dataclass(frozen=True)
class ValidationReport:
    first_date: dt.date
    last_date: dt.date
    measures: tuple[Measure, ...]
    notes: tuple[str, ...]


def validate(
    snapshot: Snapshot,
    panel: PricePanel,
    facts: MarketFacts,
    rules: ScoringRules,
    lexicon: Lexicon,
    *,
    fundamentals_as_of: dt.date | None = None,
    step: int = 21,
) -> ValidationReport:
    """Score every `step` trading days, point in time, and measure against forward returns."""
    dates, filled = panel.dates, panel.filled
    sectors = facts.stocks["sector"].reindex(panel.tickers)
    units = {column: snapshot.manifest.unit(column) for column in MONEY_COLUMNS}
    stocks = facts.stocks.reindex(panel.tickers)
    year_ago = dates.searchsorted(dates[0] + pd.DateOffset(years=1))
    first = max(int(year_ago), MIN_HISTORY)
    last = len(dates) - 1 - min(HORIZONS.values())
    rows = list(range(first, last + 1, step))
    if not rows:
        shortest = min(HORIZONS, key=HORIZONS.__getitem__)
        raise SnapshotError(
            f"{snapshot.path or snapshot.manifest.name}: {len(dates)} trading days of prices "
            f"({dates[0].date()} to {dates[-1].date()}) leave no date to validate: it needs a year "
            f"and {MIN_HISTORY} sessions of history to score from, then {HORIZONS[shortest]} more for "
            f"{shortest} forward returns"
        )
    records: list[dict[str, object]] = []
    for row in rows:
        at = dates[row].date()
        metrics = [momentum_metrics(panel, row)]
        if fundamentals_as_of is not None and at >= fundamentals_as_of:
            close = pd.Series(filled[row], index=panel.tickers)  # value ratios at that date's close
            metrics.append(fundamental_metrics(stocks, close, units, dated=at > fundamentals_as_of))
        metrics.append(
            sentiment_metrics(snapshot.news, panel.tickers, at, rules.sentiment_lookback_days, lexicon)
        )
        table = score_table(pd.concat(metrics, axis=1), sectors, rules)
        scored = {"score": table.composite, **{name: table.signals[name] for name in SIGNALS}}
        for horizon, days in HORIZONS.items():
            if row + days >= len(dates):
                continue
            forward = pd.Series(filled[row + days] / filled[row] - 1, index=panel.tickers)
            for name, values in scored.items():
                ic, spread = _ic_and_spread(values, forward)
                if ic is not None:
                    records.append({"signal": name, "horizon": horizon, "ic": ic, "spread": spread})
    notes = _notes(snapshot, fundamentals_as_of, step)
    if not records:
        raise SnapshotError(
            f"{snapshot.path or snapshot.manifest.name}: on no date from {dates[rows[0]].date()} to "
            f"{dates[rows[-1]].date()} did {MIN_STOCKS_PER_DATE} stocks have both a score and a forward "
            f"return; validation ranks stocks, so it needs a universe of at least {MIN_STOCKS_PER_DATE}"
        )
    grouped = pd.DataFrame(records).groupby(["signal", "horizon"], sort=False)
    order = {name: i for i, name in enumerate(("score", *SIGNALS))}
    measures = sorted(
        (_measure(name, horizon, group) for (name, horizon), group in grouped),
        key=lambda m: (order[m.signal], m.horizon),
    )
    return ValidationReport(dates[rows[0]].date(), dates[rows[-1]].date(), tuple(measures), notes)


def _ic_and_spread(values: pd.Series, forward: pd.Series) -> tuple[float | None, float]:
    both = pd.DataFrame({"value": values, "forward": forward}).dropna()
    if len(both) < MIN_STOCKS_PER_DATE or both["value"].nunique() < QUINTILES:
        return None, float("nan")
    ranks = both.rank()
    ic = ranks["value"].corr(ranks["forward"])  # Spearman: Pearson correlation of the ranks
    bucket = pd.qcut(both["value"].rank(method="first"), QUINTILES, labels=False)
    means = both["forward"].groupby(bucket).mean()
    return float(ic), float(means.iloc[-1] - means.iloc[0]) * 100


def _measure(name: str, horizon: str, group: pd.DataFrame) -> Measure:
    ics = group["ic"].to_numpy()
    spread = np.nanmean(group["spread"].to_numpy())
    deviation = ics.std(ddof=1) if len(ics) > 1 else float("nan")
    t_stat = ics.mean() / deviation * np.sqrt(len(ics)) if deviation and deviation > 0 else float("nan")
    hit_rate = float((ics > 0).mean())
    return Measure(name, horizon, len(ics), float(ics.mean()), float(t_stat), hit_rate, float(spread))


def _notes(snapshot: Snapshot, fundamentals_as_of: dt.date | None, step: int) -> tuple[str, ...]:
    notes = [
        f"scores recomputed every {step} trading days from closes up to each date only",
        "3M horizons overlap between monthly dates, so their t-statistics overstate confidence",
    ]
    if fundamentals_as_of is None:
        notes.append(
            "value and quality not evaluated: the snapshot's fundamentals carry no date, and using them "
            "at earlier dates would leak future data (pass --fundamentals-as-of to evaluate from that date)"
        )
    else:
        notes.append(f"value and quality evaluated only from {fundamentals_as_of}, the fundamentals' date")
    if snapshot.news.empty:
        notes.append("sentiment not evaluated: the snapshot has no headlines")
    return tuple(notes)
