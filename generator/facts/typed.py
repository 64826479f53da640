"""Typed facts: each figure a story may state, as a `Fact` that knows what it means.

A `Fact` carries its display text and provenance (enough to recompute it by hand) and its meaning:
the measure (a close, an intraday low, a return, a difference in percentage points...), the price
basis, the window's start and end dates, the date of its oldest input and the members a group
figure averages. Words are chosen from that meaning, and the checker verifies them against it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from generator import apstyle
from generator.facts import columns as col
from generator.facts.panel import Split
from generator.facts.rules import MarketClose
from generator.facts.store import FactStore
from generator.facts.tables import UNIVERSE
from generator.facts.windows import Window
from generator.models import Fact, Measure, Provenance, Unit

CORPORATE_ACTION = "corporate_action"
UNEXPLAINED_FALL = "unexplained_fall"  # the window holds a fall no split or action explains


def unflagged(fact: Fact | None) -> Fact | None:
    """The fact, unless a suspected split distorts it: such figures are not stated, the split is.
    A figure over an unexplained fall is stated; the checker holds the story for an editor."""
    return fact if fact is not None and CORPORATE_ACTION not in fact.flags else None


def unflagged_context(fact: Fact | None) -> Fact | None:
    """A figure a story only adds as context (a mover's month), left out when any flag would hold
    the story for it: the day's market story does not wait on an editor for a side figure."""
    return fact if fact is not None and not fact.flags else None


@dataclass(frozen=True)
class _FigureSpec:
    unit: Unit
    measure: Measure
    series: str
    window: str
    formula: str
    scale: float = 1.0
    year: bool = False  # the window is the 52 weeks to the last close
    fundamentals: bool = False  # an input comes from the fundamentals (dated separately)
    start_cell: str | None = None  # the stock's cell holding the window's first date, if not `end`
    end_cell: str | None = None  # the stock's cell holding the window's last date, if not the last close


_STOCK_FIGURES: dict[str, _FigureSpec] = {
    "close": _FigureSpec(Unit.USD, Measure.CLOSE, "prices.close[{ticker}]", "{end}", "last close"),
    "high_52w": _FigureSpec(
        Unit.USD,
        Measure.INTRADAY_HIGH,
        "prices.high[{ticker}]",
        "52 weeks to {end}",
        "highest intraday high, set {high_52w_date}",
        year=True,
    ),
    "low_52w": _FigureSpec(
        Unit.USD,
        Measure.INTRADAY_LOW,
        "prices.low[{ticker}]",
        "52 weeks to {end}",
        "lowest intraday low, set {low_52w_date}",
        year=True,
    ),
    "closing_high_52w": _FigureSpec(
        Unit.USD,
        Measure.CLOSING_HIGH,
        "prices.close[{ticker}]",
        "52 weeks to {end}",
        "highest close, set {closing_high_52w_date}",
        year=True,
    ),
    "closing_low_52w": _FigureSpec(
        Unit.USD,
        Measure.CLOSING_LOW,
        "prices.close[{ticker}]",
        "52 weeks to {end}",
        "lowest close, set {closing_low_52w_date}",
        year=True,
    ),
    "pct_from_high": _FigureSpec(
        Unit.PERCENT,
        Measure.DISTANCE,
        "prices.close/high[{ticker}]",
        "52 weeks to {end}",
        "last close / 52-week intraday high - 1",
        100,
        year=True,
    ),
    "drawdown": _FigureSpec(
        Unit.PERCENT,
        Measure.DISTANCE,
        "prices.close[{ticker}]",
        "{first_date} to {end}",
        "last close / peak close ({peak_date}) - 1",
        100,
    ),
    "volatility": _FigureSpec(
        Unit.PERCENT,
        Measure.RATE,
        "prices.close[{ticker}]",
        "{volatility_days} trading days to {end}",
        "stdev of daily log returns x sqrt(252)",
        100,
    ),
    "volume": _FigureSpec(Unit.SHARES, Measure.VOLUME, "prices.volume[{ticker}]", "{end}", "shares traded"),
    "avg_volume": _FigureSpec(
        Unit.SHARES,
        Measure.VOLUME,
        "prices.volume[{ticker}]",
        "{volume_days} trading days to {end}",
        "mean daily volume",
    ),
    "volume_ratio": _FigureSpec(
        Unit.RATIO,
        Measure.RATIO,
        "prices.volume[{ticker}]",
        "{end} vs the prior {volume_days} trading days",
        "volume / mean daily volume",
    ),
    "up_streak": _FigureSpec(
        Unit.COUNT,
        Measure.STREAK,
        "prices.close[{ticker}]",
        "{streak_start_date} to {end}",
        "consecutive sessions, to the last, that closed above the close before",
        start_cell="streak_start_date",
    ),
    "down_streak": _FigureSpec(
        Unit.COUNT,
        Measure.STREAK,
        "prices.close[{ticker}]",
        "{streak_start_date} to {end}",
        "consecutive sessions, to the last, that closed below the close before",
        start_cell="streak_start_date",
    ),
    "streak_return": _FigureSpec(
        Unit.PERCENT,
        Measure.RETURN,
        "prices.close[{ticker}]",
        "{streak_start_date} to {end}",
        "last close / close of {streak_start_date} - 1: the move over the streak",
        100,
        start_cell="streak_start_date",
    ),
    "week_top_move": _FigureSpec(
        Unit.PERCENT,
        Measure.RETURN,
        "prices.close[{ticker}]",
        "{week_top_move_before_date} to {week_top_move_date}",
        "close {week_top_move_date} / close {week_top_move_before_date} - 1: the week's biggest "
        "one-session move before the last session",
        100,
        start_cell="week_top_move_before_date",
        end_cell="week_top_move_date",
    ),
    "move_multiple": _FigureSpec(
        Unit.RATIO,
        Measure.VOLATILITY_MULTIPLE,
        "prices.close[{ticker}]",
        "{end} against the {volatility_days} sessions before",
        "|last session's return| / standard deviation (n-1) of the daily returns of the sessions before",
    ),
    "biggest_move_since_date": _FigureSpec(
        Unit.DATE,
        Measure.PREVIOUS_OCCURRENCE,
        "prices.close[{ticker}]",
        "{first_date} to {end}",
        "last earlier session whose one-day return was at least as large in the same direction",
        start_cell="biggest_move_since_date",
    ),
    "ma_long": _FigureSpec(
        Unit.USD,
        Measure.MOVING_AVERAGE,
        "prices.close[{ticker}]",
        "{moving_average_days} sessions to {end}",
        "mean close",
    ),
    "ma_since_date": _FigureSpec(
        Unit.DATE,
        Measure.PREVIOUS_OCCURRENCE,
        "prices.close[{ticker}]",
        "{first_date} to {end}",
        "last earlier close on the side of its {moving_average_days}-session average the last close is on",
        start_cell="ma_since_date",
    ),
    "market_cap_usd": _FigureSpec(
        Unit.USD,
        Measure.VALUE,
        "fundamentals.market_cap[{ticker}], prices.close[{ticker}]",
        "{end}",
        "shares (market_cap / fundamentals price) x last close",
        fundamentals=True,
    ),
}
_COUNT_WORDS = {
    "size": "members",
    col.ROSE: "members that rose",
    col.FELL: "members that fell",
    col.COUNTED: "members with prices",
}


class MarketFacts(FactStore):
    """The store's figures as `Fact` records, built when a story asks for them.

    `whole_number_measures` display without a trailing ".0" when whole (rules/writing.yaml).
    """

    def __init__(
        self,
        *,
        market_close: MarketClose,
        whole_number_measures: Collection[Measure] = (),
        news_sessions: dict[tuple[str, dt.date], tuple[float, dt.date]] | None = None,
        paths: dict[tuple[str, str], tuple[tuple[dt.date, float], ...]] | None = None,
        **store: Any,
    ) -> None:
        super().__init__(**store)
        self.whole_number_measures = frozenset(whole_number_measures)
        self.news_sessions = news_sessions or {}  # (ticker, session) -> (return, session before)
        self.market_close = market_close  # which session a headline can first move
        self._news_days: dict[str, list[dt.date]] | None = None
        self.paths = paths or {}  # (group id or "benchmark:<ticker>", window) -> (date, percent)...

    @cached_property
    def _last_close_and_year_start(self) -> tuple[dt.date, dt.date]:
        """The last session, and the first day of the 52 weeks that end on it."""
        end = self.windows["1D"].end if "1D" in self.windows else self.as_of
        return end, (pd.Timestamp(end) - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date()

    # ------------------------------------------------------------------ one stock

    def fell_in_year(self, ticker: str) -> bool:
        """Whether the stock had an unexplained fall in the 52 weeks to the last close."""
        end, year_start = self._last_close_and_year_start
        return self.falls_within(ticker, year_start - dt.timedelta(days=1), end)

    def stock_return(self, ticker: str, window: str) -> Fact | None:
        value = self.value(ticker, col.windowed(col.RETURN, window))
        if pd.isna(value):
            return None
        w = self.windows[window]
        end_close = _num(self.value(ticker, "close"))
        start_close = _num(self.value(ticker, col.windowed(col.BASE, window)))
        return self._fact(
            f"stock:{ticker}:return:{window}",
            value * 100,
            Unit.PERCENT,
            Measure.RETURN,
            subject=ticker,
            series=f"prices.close[{ticker}]",
            window=w,
            formula=f"close {w.end} ({end_close}) / close {w.start} ({start_close}) - 1",
            flagged=bool(self.value(ticker, col.windowed(col.SUSPECT, window))),
        )

    def news_session(self, ticker: str, day: dt.date) -> dt.date | None:
        """The first session on or after `day` that a news item of the ticker's is measured on."""
        if self._news_days is None:
            days: dict[str, list[dt.date]] = {}
            for key in sorted(self.news_sessions):
                days.setdefault(key[0], []).append(key[1])
            self._news_days = days
        found = self._news_days.get(ticker, [])
        at = bisect.bisect_left(found, day)
        return found[at] if at < len(found) else None

    def session_return(self, ticker: str, day: dt.date) -> Fact | None:
        """The stock's return on the session a news item ran (see tables.news_sessions)."""
        found = self.news_sessions.get((ticker, day))
        if found is None:
            return None
        value, before = found
        flagged = any(split.suspected and split.date == day for split in self.splits_of(ticker))
        return self._fact(
            f"stock:{ticker}:return:session:{day}",
            value * 100,
            Unit.PERCENT,
            Measure.RETURN,
            subject=ticker,
            series=f"prices.close[{ticker}]",
            window=f"{before} to {day}",
            formula=f"close {day} / close {before} - 1",
            flagged=flagged,
            start=before,
            end=day,
        )

    def stock_relative(self, ticker: str, window: str) -> Fact | None:
        """The stock's return minus the benchmark's, in percentage points."""
        mine = self.value(ticker, col.windowed(col.RETURN, window))
        bench = self.benchmark_value(window)
        if pd.isna(mine) or pd.isna(bench):
            return None
        return self._fact(
            f"stock:{ticker}:relative:{self.benchmark_ticker}:{window}",
            (mine - bench) * 100,
            Unit.POINTS,
            Measure.DIFFERENCE,
            subject=ticker,
            series=f"prices.close[{ticker}], benchmark.close[{self.benchmark_ticker}]",
            window=self.windows[window],
            formula="stock return - benchmark return, in percentage points",
            flagged=bool(self.value(ticker, col.windowed(col.SUSPECT, window))),
        )

    def stock_figure(self, ticker: str, column: str) -> Fact | None:
        """A non-window figure: close, 52-week highs and lows, distance from the high, volume..."""
        spec = _STOCK_FIGURES[column]
        value = self.value(ticker, column)
        if value is None or pd.isna(value):
            return None
        if spec.unit is Unit.DATE:
            value = value.toordinal()
        end, year_start = self._last_close_and_year_start
        dates = _Cells(
            self,
            ticker,
            end=end,
            volatility_days=self.volatility_days,
            volume_days=self.volume_days,
            moving_average_days=self.moving_average_days,
        )
        start = end
        if spec.year:
            start = year_start
        elif column == "drawdown":
            start = dates["first_date"]
        elif spec.start_cell:
            start = dates[spec.start_cell]
        if spec.end_cell:
            end = dates[spec.end_cell]
        return self._fact(
            f"stock:{ticker}:{column}",
            float(value) * spec.scale,
            spec.unit,
            spec.measure,
            subject=ticker,
            series=spec.series.format(ticker=ticker),
            window=spec.window.format_map(dates),
            formula=spec.formula.format_map(dates),
            start=start,
            end=end,
            inputs_as_of=self.fundamentals_as_of if spec.fundamentals else end,
        )

    def split_moves(self, ticker: str) -> list[tuple[Split, Fact]]:
        """The stock's splits over the past year, each with its one-day move as the prices show it."""
        start = self.windows["1Y"].start if "1Y" in self.windows else dt.date.min
        found = []
        for split in self.splits_of(ticker):
            if split.date <= start or pd.isna(split.move):
                continue
            found.append(
                (
                    split,
                    self._fact(
                        f"stock:{ticker}:one_day_move:{split.date}",
                        split.move * 100,
                        Unit.PERCENT,
                        Measure.RETURN,
                        subject=ticker,
                        series=f"prices.close[{ticker}], as traded",
                        window=f"{split.date}",
                        formula="close / previous close - 1, before any adjustment",
                        start=split.date,
                        end=split.date,
                        flagged=split.suspected,
                        basis="none",
                    ),
                )
            )
        return found

    def benchmark_over_streak(self, ticker: str) -> Fact | None:
        """The primary benchmark's return over the stock's streak: was it the stock, or the market?"""
        value, start = self.value(ticker, "streak_benchmark_return"), self.value(ticker, "streak_start_date")
        if value is None or pd.isna(value) or start is None:
            return None
        end, _ = self._last_close_and_year_start
        return self._benchmark_fact(
            self.benchmark_ticker,
            f"{start}:{end}",
            value,
            f"{start} to {end}",
            f"close {end} / close {start} - 1: over {ticker}'s streak",
            start=start,
            end=end,
        )

    def fall_moves(self, ticker: str) -> list[Fact]:
        """The stock's unexplained one-session falls over the past 52 weeks (flagged for an editor):
        a month's 39.1% drop that holds a 35.5% session says so."""
        end, year_start = self._last_close_and_year_start
        return [
            self._fact(
                f"stock:{ticker}:fall:{fall.date}",
                fall.move * 100,
                Unit.PERCENT,
                Measure.RETURN,
                subject=ticker,
                series=f"prices.close[{ticker}]",
                window=f"{fall.before} to {fall.date}",
                formula=f"close {fall.date} / close {fall.before} - 1",
                start=fall.before,
                end=fall.date,
            )
            for fall in self.falls_of(ticker)
            if year_start <= fall.date <= end
        ]

    # ------------------------------------------------------------------ groups

    def group_return(self, group_id: str, window: str, *, weighting: str = col.EQUAL_WEIGHTED) -> Fact | None:
        value = self.group_value(group_id, col.windowed(weighting, window))
        if pd.isna(value):
            return None
        group = self.group_members[group_id]
        counted = self.counted(group_id, window)
        left_out = tuple(self.left_out(group_id, window))
        how = (
            "mean of member returns"
            if weighting == col.EQUAL_WEIGHTED
            else "member returns weighted by start value"
        )
        if left_out:
            how += f"; leaves out {', '.join(left_out)} (suspected unadjusted split in the window)"
        # the weights are shares outstanding as the fundamentals give them: an input of their date
        weighted = weighting != col.EQUAL_WEIGHTED
        if weighted:
            how += f"; shares from the fundamentals of {self.fundamentals_as_of}"
        return self._fact(
            f"group:{group_id}:return_{weighting}:{window}",
            value * 100,
            Unit.PERCENT,
            Measure.AVERAGE,
            subject=group_id,
            series=f"prices.close[{group.name}: {len(counted)} of {len(group.tickers)} members]",
            window=self.windows[window],
            formula=how,
            members=counted,
            left_out=left_out,
            inputs_as_of=min(self.fundamentals_as_of, self.windows[window].end) if weighted else None,
        )

    def group_relative(self, group_id: str, window: str, *, against: str = UNIVERSE) -> Fact | None:
        """Equal-weighted group return minus a benchmark's, in percentage points.

        `against` is UNIVERSE (the equal-weighted universe) or a benchmark ticker.
        """
        mine = self.group_value(group_id, col.windowed(col.EQUAL_WEIGHTED, window))
        if against == UNIVERSE:
            theirs = self.group_value(UNIVERSE, col.windowed(col.EQUAL_WEIGHTED, window))
            other = f"equal-weighted {self.universe_name}"
        else:
            theirs = self.benchmark_value(window, against)
            other = f"benchmark {against}"
        if pd.isna(mine) or pd.isna(theirs):
            return None
        return self._fact(
            f"group:{group_id}:relative:{against}:{window}",
            (mine - theirs) * 100,
            Unit.POINTS,
            Measure.DIFFERENCE,
            subject=group_id,
            series=f"{self.group_members[group_id].name} vs {other}",
            window=self.windows[window],
            formula="equal-weighted group return - comparison return, in percentage points",
            members=self.counted(group_id, window),
            left_out=tuple(self.left_out(group_id, window)),
        )

    def group_count(self, group_id: str, kind: str, window: str | None = None) -> Fact:
        """How many members: kind "size", or ROSE / FELL / COUNTED over a window."""
        key = kind if window is None else col.windowed(kind, window)
        value = int(self.group_value(group_id, key))
        members = self.group_members[group_id].tickers if window is None else self.counted(group_id, window)
        if window is not None and kind in (col.ROSE, col.FELL):
            returns = {t: self.value(t, col.windowed(col.RETURN, window)) for t in members}
            members = tuple(t for t, r in returns.items() if (r > 0 if kind == col.ROSE else r < 0))
        return self._fact(
            f"group:{group_id}:{key}",
            float(value),
            Unit.COUNT,
            Measure.COUNT,
            subject=group_id,
            series=f"{self.group_members[group_id].name}",
            window=self.windows[window] if window else "snapshot",
            formula=f"count of {_COUNT_WORDS[kind]}",
            members=members,
        )

    def benchmark_return(self, window: str, ticker: str | None = None) -> Fact | None:
        ticker = ticker or self.benchmark_ticker
        value = self.benchmark_value(window, ticker)
        if pd.isna(value):
            return None
        w = self.windows[window]
        return self._benchmark_fact(ticker, window, value, w, f"close {w.end} / close {w.start} - 1")

    def _benchmark_fact(
        self,
        ticker: str,
        key: str,
        value: float,
        window: Window | str,
        formula: str,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> Fact:
        """A benchmark's return over a named window (`key` "1M") or between two dates."""
        return self._fact(
            f"benchmark:{ticker}:return:{key}",
            value * 100,
            Unit.PERCENT,
            Measure.RETURN,
            subject=f"benchmark:{ticker}",
            series=f"benchmark.close[{ticker}]",
            window=window,
            formula=formula,
            start=start,
            end=end,
        )

    def group_contribution(self, group_id: str, window: str) -> Fact | None:
        """A sub-group's share of its parent's equal-weighted return, in percentage points.

        Exact only when the parent's sub-groups split its members without overlap or gaps, so it
        is None otherwise (and when returns are unknown).
        """
        group = self.group_members[group_id]
        if group.parent is None or not self.is_partition(group.parent):
            return None
        mine = self.group_value(group_id, col.windowed(col.EQUAL_WEIGHTED, window))
        counted = self.group_value(group_id, col.windowed(col.COUNTED, window))
        total = self.group_value(group.parent, col.windowed(col.COUNTED, window))
        if pd.isna(mine) or not total:
            return None
        return self._fact(
            f"group:{group_id}:contribution:{window}",
            mine * counted / total * 100,
            Unit.POINTS,
            Measure.CONTRIBUTION,
            subject=group_id,
            series=f"{group.name} within {self.group_members[group.parent].name}",
            window=self.windows[window],
            formula=f"sub-group mean return x {counted} / {total} members with prices",
            members=self.counted(group_id, window),
        )

    def count(self, fact_id: str, value: int, what: str, members: tuple[str, ...] = ()) -> Fact:
        """A count the prose states ("three cohorts"), so even small numbers trace to a fact."""
        return self._fact(
            fact_id,
            float(value),
            Unit.COUNT,
            Measure.COUNT,
            subject=None,
            series=what,
            window="snapshot",
            formula="count",
            members=members,
        )

    # ------------------------------------------------------------------ helpers

    def _fact(
        self,
        fact_id: str,
        value: float,
        unit: Unit,
        measure: Measure,
        *,
        subject: str | None,
        series: str,
        window: Window | str,
        formula: str,
        flagged: bool = False,
        start: dt.date | None = None,
        end: dt.date | None = None,
        inputs_as_of: dt.date | None = None,
        members: tuple[str, ...] = (),
        left_out: tuple[str, ...] = (),
        basis: str | None = None,
    ) -> Fact:
        if isinstance(window, Window):
            start, end = window.start, window.end
            window = window.text
        prices = measure not in (Measure.COUNT, Measure.THRESHOLD)
        flags = (CORPORATE_ACTION,) if flagged else ()
        if prices and subject and start and end and self.falls_within(subject, start, end):
            flags += (UNEXPLAINED_FALL,)
        if unit is Unit.DATE:  # AP gives a date's year only when it is not the story's: "since Sept. 15"
            day = dt.date.fromordinal(int(value))
            display = apstyle.date(day, year=day.year != self.as_of.year)
        else:
            display = apstyle.display(float(value), unit, whole=measure in self.whole_number_measures)
        return Fact(
            id=fact_id,
            value=float(value),
            unit=unit,
            display=display,
            as_of=self.as_of,
            provenance=Provenance(series=series, window=window, formula=formula),
            flags=flags,
            subject=subject,
            measure=measure,
            basis=(basis or self.basis) if prices else None,
            start=start,
            end=end,
            inputs_as_of=inputs_as_of or end,
            members=members,
            left_out=left_out,
        )


class _Cells(dict):
    """Values for a provenance template, with a ticker's date cells read only when a template names one."""

    def __init__(self, store: FactStore, ticker: str, **given: object) -> None:
        super().__init__(given)
        self._store, self._ticker = store, ticker

    def __missing__(self, key: str) -> object:
        return self._store.value(self._ticker, key)


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
