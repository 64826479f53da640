"""Snapshot -> market facts: returns, group performance, 52-week context, volatility, volume.

Everything is computed once for the whole universe with array operations (no per-ticker loops over
price history), then individual figures are turned into `Fact` records on demand, each with its
display text and provenance, when an article states them.

Conventions, so every figure can be recomputed by hand:
- A window's return runs from the last close on or before its start date to the last close.
  A stock with no close at the start (listed later) or at the end (stopped trading) has no return
  for that window — unknown, never zero. Single missing days are bridged by carrying the previous
  close forward at most `max_fill_days` trading days.
- A group's equal-weighted return is the mean of its members' window returns (buy and hold); its
  cap-weighted return weights members by market value at the window start (shares held constant).
- Relative performance is a difference of returns in percentage points, never a ratio.
- A one-day move beyond the corporate-action threshold flags every figure of that stock whose window
  contains it. Group figures leave such a stock out for that window (a suspected unadjusted split
  must not distort a sector average) and record whom they left out, so stories can say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from generator import apstyle
from generator.market.snapshot import Snapshot
from generator.models import Fact, Provenance, Unit
from generator.rulefiles import load_rule_file
from generator.slugs import slugify

CORPORATE_ACTION = "corporate_action"
UNIVERSE = "universe"
_MONEY_SCALE = {
    "usd": 1.0,
    "usd bn": 1e9,
    "usd billion": 1e9,
    "usd mn": 1e6,
    "usd million": 1e6,
    "usd m": 1e6,
}


class WindowSpec(BaseModel):
    """How far back a window starts; exactly one field is set."""

    model_config = ConfigDict(extra="forbid")

    trading_days: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)
    years: int | None = Field(default=None, ge=1)
    ytd: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> WindowSpec:
        given = [k for k in ("trading_days", "days", "months", "years") if getattr(self, k)] + (
            ["ytd"] if self.ytd else []
        )
        if len(given) != 1:
            raise ValueError("give exactly one of trading_days, days, months, years, ytd")
        return self


class FactRules(BaseModel):
    """rules/facts.yaml."""

    model_config = ConfigDict(extra="forbid")

    corporate_action_move: float = Field(gt=0)
    max_fill_days: int = Field(ge=0)
    volatility_days: int = Field(ge=2)
    min_volatility_observations: int = Field(ge=2)
    volume_average_days: int = Field(ge=1)
    windows: dict[str, WindowSpec]


def load_fact_rules(rules_dir: Path) -> FactRules:
    return load_rule_file(rules_dir / "facts.yaml", FactRules)


@dataclass(frozen=True)
class Window:
    """A resolved window: the trading dates whose closes bound it."""

    name: str  # "1M", or "since 2023-06-01"
    start: dt.date
    end: dt.date
    start_row: int
    end_row: int


@dataclass(frozen=True)
class Group:
    """Stocks reported together: a sector, sub-industry, cohort, cohort sub-group, basket or the universe."""

    id: str  # e.g. "sector:information-technology", "cohort:ai-infrastructure/semiconductors"
    kind: str  # sector | sub_industry | cohort | subgroup | basket | universe
    name: str
    tickers: tuple[str, ...]
    parent: str | None = None


def since_window_name(start: dt.date) -> str:
    return f"since {start.isoformat()}"


class MarketFacts:
    """All computed figures for one snapshot; `Fact` records are built from them on request.

    `stocks` has one row per ticker; `groups` one row per group; `benchmarks` one row per benchmark
    series. Return columns are fractions named ret_<window>; a stock's flag_<window> marks a
    corporate-action suspect inside the window, a group's excluded_<window> counts members left out.
    """

    def __init__(
        self,
        *,
        as_of: dt.date,
        windows: dict[str, Window],
        stocks: pd.DataFrame,
        groups: pd.DataFrame,
        group_members: dict[str, Group],
        benchmarks: pd.DataFrame,
        events: pd.DataFrame,
        benchmark_name: str,
        universe_name: str,
        panel: PricePanel | None,
        benchmark_close: np.ndarray | None,
        rules: FactRules,
    ) -> None:
        self.as_of = as_of
        self.corporate_action_move = rules.corporate_action_move
        self._rule_days = {"volatility_days": rules.volatility_days, "volume_days": rules.volume_average_days}
        self.panel = panel
        self.benchmark_close = benchmark_close  # primary benchmark, aligned to panel.dates
        self.windows = windows
        self.stocks = stocks
        self.groups = groups
        self.group_members = group_members
        self.benchmarks = benchmarks
        self.events = events
        self.benchmark_ticker = str(benchmarks.index[0])
        self.benchmark_name = benchmark_name
        self.universe_name = universe_name
        # Articles read single cells thousands of times; pandas .at costs ~10 µs, this ~0.2 µs.
        self._row = {ticker: i for i, ticker in enumerate(stocks.index)}
        self._columns = {column: stocks[column].to_numpy() for column in stocks.columns}
        self._group_row = {group: i for i, group in enumerate(groups.index)}
        self._group_columns = {column: groups[column].to_numpy() for column in groups.columns}
        self._benchmark_returns = {
            (ticker, column.removeprefix("ret_")): value
            for ticker, row in benchmarks.iterrows()
            for column, value in row.items()
            if column.startswith("ret_")
        }
        self._excluded: dict[tuple[str, str], list[str]] = {}
        self._window_text = {name: f"{w.name}: {w.start} to {w.end}" for name, w in windows.items()}
        self._events: dict[str, list[tuple[dt.date, float]]] = {}
        for ticker, day, move in events[["ticker", "date", "move"]].itertuples(index=False):
            self._events.setdefault(ticker, []).append((day, move))

    def release_history(self) -> None:
        """Drop the price matrices (kept for scoring); every stated figure is already computed."""
        self.panel = None
        self.benchmark_close = None

    def value(self, ticker: str, column: str) -> object:
        """One cell of the stocks table (NaN or None when unknown)."""
        return self._columns[column][self._row[ticker]]

    def group_value(self, group_id: str, column: str) -> object:
        return self._group_columns[column][self._group_row[group_id]]

    # ------------------------------------------------------------------ facts about one stock

    def stock_return(self, ticker: str, window: str) -> Fact | None:
        value = self.value(ticker, f"ret_{window}")
        if pd.isna(value):
            return None
        w = self.windows[window]
        end_close, start_close = _num(self.value(ticker, "close")), _num(self.value(ticker, f"base_{window}"))
        return self._fact(
            f"stock:{ticker}:return:{window}",
            value * 100,
            Unit.PERCENT,
            series=f"prices.close[{ticker}]",
            window=w,
            formula=f"close {w.end} ({end_close}) / close {w.start} ({start_close}) - 1",
            flagged=bool(self.value(ticker, f"flag_{window}")),
        )

    def stock_relative(self, ticker: str, window: str) -> Fact | None:
        """The stock's return minus the benchmark's, in percentage points."""
        mine = self.value(ticker, f"ret_{window}")
        bench = self._benchmark_returns[(self.benchmark_ticker, window)]
        if pd.isna(mine) or pd.isna(bench):
            return None
        w = self.windows[window]
        return self._fact(
            f"stock:{ticker}:relative:{self.benchmark_ticker}:{window}",
            (mine - bench) * 100,
            Unit.POINTS,
            series=f"prices.close[{ticker}], benchmark.close[{self.benchmark_ticker}]",
            window=w,
            formula="stock return - benchmark return, in percentage points",
            flagged=bool(self.value(ticker, f"flag_{window}")),
        )

    def stock_figure(self, ticker: str, column: str) -> Fact | None:
        """A non-window figure: close, high_52w, low_52w, pct_from_high, drawdown, volatility, volume..."""
        spec = _STOCK_FIGURES[column]
        value = self.value(ticker, column)
        if pd.isna(value):
            return None
        dates = {"end": self.windows["1D"].end, **self._rule_days, **self._dates_for(ticker)}
        return self._fact(
            f"stock:{ticker}:{column}",
            float(value) * spec.scale,
            spec.unit,
            series=spec.series.format(ticker=ticker),
            window=spec.window.format(**dates),
            formula=spec.formula.format(**dates),
        )

    def fundamental(self, ticker: str, column: str, *, unit: Unit, scale: float = 1.0) -> Fact | None:
        value = self.value(ticker, column) if column in self._columns else np.nan
        if pd.isna(value):
            return None
        return self._fact(
            f"stock:{ticker}:{column}",
            float(value) * scale,
            unit,
            series=f"fundamentals.{column}[{ticker}]",
            window="fundamentals snapshot",
            formula="as reported in fundamentals.csv",
        )

    # ------------------------------------------------------------------ facts about groups

    def group_return(self, group_id: str, window: str, *, weighting: str = "ew") -> Fact | None:
        value = self.group_value(group_id, f"{weighting}_{window}")
        if pd.isna(value):
            return None
        group = self.group_members[group_id]
        n = int(self.group_value(group_id, f"n_{window}"))
        how = "mean of member returns" if weighting == "ew" else "member returns weighted by start value"
        excluded = self.excluded(group_id, window)
        if excluded:
            how += f"; excludes {', '.join(excluded)} (possible corporate action in the window)"
        return self._fact(
            f"group:{group_id}:return_{weighting}:{window}",
            value * 100,
            Unit.PERCENT,
            series=f"prices.close[{group.name}: {n} of {len(group.tickers)} members]",
            window=self.windows[window],
            formula=how,
        )

    def excluded(self, group_id: str, window: str) -> list[str]:
        """Members left out of a group figure because their window holds a possible corporate action."""
        key = (group_id, window)
        if key not in self._excluded:
            members = (
                self.group_members[group_id].tickers
                if self.group_value(group_id, f"excluded_{window}")
                else ()
            )
            self._excluded[key] = [
                t
                for t in members
                if self.value(t, f"flag_{window}") and not pd.isna(self.value(t, f"ret_{window}"))
            ]
        return self._excluded[key]

    def group_relative(self, group_id: str, window: str, *, against: str = UNIVERSE) -> Fact | None:
        """Equal-weighted group return minus a benchmark's, in percentage points.

        `against` is UNIVERSE (the equal-weighted universe) or a benchmark ticker.
        """
        mine = self.group_value(group_id, f"ew_{window}")
        if against == UNIVERSE:
            theirs = self.group_value(UNIVERSE, f"ew_{window}")
            other = f"equal-weighted {self.universe_name}"
        else:
            theirs = self._benchmark_returns[(against, window)]
            other = f"benchmark {against}"
        if pd.isna(mine) or pd.isna(theirs):
            return None
        return self._fact(
            f"group:{group_id}:relative:{against}:{window}",
            (mine - theirs) * 100,
            Unit.POINTS,
            series=f"{self.group_members[group_id].name} vs {other}",
            window=self.windows[window],
            formula="equal-weighted group return - comparison return, in percentage points",
        )

    def group_count(self, group_id: str, column: str, window: str | None = None) -> Fact:
        """How many members: column 'size', or 'up'/'down'/'n' over a window."""
        key = column if window is None else f"{column}_{window}"
        value = int(self.group_value(group_id, key))
        what = {
            "size": "members",
            "up": "members that rose",
            "down": "members that fell",
            "n": "members with prices",
        }
        return self._fact(
            f"group:{group_id}:{key}",
            float(value),
            Unit.COUNT,
            series=f"{self.group_members[group_id].name}",
            window=self.windows[window] if window else "snapshot",
            formula=f"count of {what[column]}",
        )

    def benchmark_return(self, window: str, ticker: str | None = None) -> Fact | None:
        ticker = ticker or self.benchmark_ticker
        value = self._benchmark_returns[(ticker, window)]
        if pd.isna(value):
            return None
        w = self.windows[window]
        return self._fact(
            f"benchmark:{ticker}:return:{window}",
            value * 100,
            Unit.PERCENT,
            series=f"benchmark.close[{ticker}]",
            window=w,
            formula=f"close {w.end} / close {w.start} - 1",
        )

    def group_contribution(self, group_id: str, window: str) -> Fact | None:
        """A sub-group's share of its parent's equal-weighted return, in percentage points.

        Exact only when the parent's sub-groups split its members without overlap or gaps, so it
        is None otherwise (and when returns are unknown).
        """
        group = self.group_members[group_id]
        if group.parent is None or not self._is_partition(group.parent):
            return None
        mine, counted = self.group_value(group_id, f"ew_{window}"), self.group_value(group_id, f"n_{window}")
        total = self.group_value(group.parent, f"n_{window}")
        if pd.isna(mine) or not total:
            return None
        return self._fact(
            f"group:{group_id}:contribution:{window}",
            mine * counted / total * 100,
            Unit.POINTS,
            series=f"{group.name} within {self.group_members[group.parent].name}",
            window=self.windows[window],
            formula=f"sub-group mean return x {counted} / {total} members with prices",
        )

    def subgroups(self, group_id: str) -> list[str]:
        return [g.id for g in self.group_members.values() if g.parent == group_id]

    def _is_partition(self, parent_id: str) -> bool:
        children = [self.group_members[g].tickers for g in self.subgroups(parent_id)]
        flat = [t for tickers in children for t in tickers]
        return len(flat) == len(set(flat)) and set(flat) == set(self.group_members[parent_id].tickers)

    def corporate_actions(self, ticker: str) -> list[tuple[dt.date, Fact]]:
        """One-day moves beyond the threshold inside the 1Y window, each as a flagged fact."""
        start = self.windows["1Y"].start if "1Y" in self.windows else dt.date.min
        return [
            (
                day,
                self._fact(
                    f"stock:{ticker}:one_day_move:{day}",
                    move * 100,
                    Unit.PERCENT,
                    series=f"prices.close[{ticker}]",
                    window=f"{day}",
                    formula="close / previous close - 1, beyond the corporate-action threshold",
                    flagged=True,
                ),
            )
            for day, move in self._events.get(ticker, ())
            if day > start
        ]

    def threshold(self) -> Fact:
        """The corporate-action threshold itself, for stories that explain an exclusion."""
        return self._fact(
            "rules:corporate_action_move",
            self.corporate_action_move * 100,
            Unit.PERCENT,
            series="rules/facts.yaml",
            window="rule",
            formula="corporate_action_move",
        )

    def count(self, fact_id: str, value: int, what: str) -> Fact:
        """A count the prose states ("three cohorts"), so even small numbers trace to a fact."""
        return self._fact(fact_id, float(value), Unit.COUNT, series=what, window="snapshot", formula="count")

    # ------------------------------------------------------------------ selections

    def movers(
        self, window: str = "1D", n: int = 5, tickers: Iterable[str] | None = None
    ) -> tuple[list[str], list[str]]:
        """Leaders (biggest gains, descending) and laggards (biggest losses, ascending)."""
        returns = self.stocks[f"ret_{window}"]
        if tickers is not None:
            returns = returns.reindex(list(tickers))
        returns = returns.dropna()
        leaders = returns[returns > 0].sort_values(ascending=False, kind="stable").head(n)
        laggards = returns[returns < 0].sort_values(ascending=True, kind="stable").head(n)
        return list(leaders.index), list(laggards.index)

    # ------------------------------------------------------------------ helpers

    def _dates_for(self, ticker: str) -> dict[str, object]:
        return {
            k: self.value(ticker, k) for k in ("high_52w_date", "low_52w_date", "peak_date", "first_date")
        }

    def _fact(
        self,
        fact_id: str,
        value: float,
        unit: Unit,
        *,
        series: str,
        window: Window | str,
        formula: str,
        flagged: bool = False,
    ) -> Fact:
        if isinstance(window, Window):
            window = self._window_text[window.name]
        return Fact(
            id=fact_id,
            value=float(value),
            unit=unit,
            display=apstyle.display(float(value), unit),
            as_of=self.as_of,
            provenance=Provenance(series=series, window=window, formula=formula),
            flags=(CORPORATE_ACTION,) if flagged else (),
        )


@dataclass(frozen=True)
class _FigureSpec:
    unit: Unit
    series: str
    window: str
    formula: str
    scale: float = 1.0


_STOCK_FIGURES: dict[str, _FigureSpec] = {
    "close": _FigureSpec(Unit.USD, "prices.close[{ticker}]", "{end}", "last close"),
    "high_52w": _FigureSpec(
        Unit.USD, "prices.high[{ticker}]", "52 weeks to {end}", "highest high, set {high_52w_date}"
    ),
    "low_52w": _FigureSpec(
        Unit.USD, "prices.low[{ticker}]", "52 weeks to {end}", "lowest low, set {low_52w_date}"
    ),
    "pct_from_high": _FigureSpec(
        Unit.PERCENT, "prices.close/high[{ticker}]", "52 weeks to {end}", "last close / 52-week high - 1", 100
    ),
    "drawdown": _FigureSpec(
        Unit.PERCENT,
        "prices.close[{ticker}]",
        "{first_date} to {end}",
        "last close / peak close ({peak_date}) - 1",
        100,
    ),
    "volatility": _FigureSpec(
        Unit.PERCENT,
        "prices.close[{ticker}]",
        "{volatility_days} trading days to {end}",
        "stdev of daily log returns x sqrt(252)",
        100,
    ),
    "volume": _FigureSpec(Unit.SHARES, "prices.volume[{ticker}]", "{end}", "shares traded"),
    "avg_volume": _FigureSpec(
        Unit.SHARES, "prices.volume[{ticker}]", "{volume_days} trading days to {end}", "mean daily volume"
    ),
    "volume_ratio": _FigureSpec(
        Unit.RATIO,
        "prices.volume[{ticker}]",
        "{end} vs the prior {volume_days} trading days",
        "volume / mean daily volume",
    ),
    "market_cap_usd": _FigureSpec(
        Unit.USD,
        "fundamentals.market_cap[{ticker}], prices.close[{ticker}]",
        "{end}",
        "shares (market_cap / fundamentals price) x last close",
    ),
}


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


# ============================================================================================= compute


def compute_facts(
    snapshot: Snapshot,
    rules: FactRules,
    since: Sequence[dt.date] = (),
    baskets: Mapping[str, tuple[str, Sequence[str]]] | None = None,
) -> MarketFacts:
    """Compute every figure for the universe at once.

    `since` adds "since <date>" windows; `baskets` adds editor-defined groups (id -> name, tickers),
    such as a theme's stocks, reported like any other group with kind "basket".
    """
    panel = PricePanel.from_prices(snapshot.prices, rules.max_fill_days)
    windows = _resolve_windows(panel.dates, snapshot.as_of, rules, since)
    fundamentals = snapshot.fundamentals.reindex(panel.tickers.union(snapshot.fundamentals.index))
    # A stock with prices but no fundamentals row (import allows it) is still named, by its ticker;
    # its sector stays unknown.
    fundamentals["name"] = fundamentals["name"].fillna(fundamentals.index.to_series())
    stocks = _stock_table(panel, fundamentals, windows, rules, snapshot.manifest.unit("market_cap"))
    groups = _groups(snapshot, stocks, baskets or {})
    group_table = _group_table(groups, stocks, windows)
    benchmarks, benchmark_close = _benchmark_table(
        snapshot.benchmark, panel.dates, windows, rules.max_fill_days
    )
    manifest = snapshot.manifest
    return MarketFacts(
        as_of=snapshot.as_of,
        windows=windows,
        stocks=stocks,
        groups=group_table,
        group_members={g.id: g for g in groups},
        benchmarks=benchmarks,
        events=panel.events(rules.corporate_action_move),
        benchmark_name=manifest.benchmark_name or str(benchmarks.index[0]),
        universe_name=manifest.universe_name or "universe",
        panel=panel,
        benchmark_close=benchmark_close,
        rules=rules,
    )


@dataclass(frozen=True)
class PricePanel:
    """Wide date x ticker matrices built straight from the long price table (scoring reuses them)."""

    dates: pd.DatetimeIndex
    tickers: pd.Index
    close: np.ndarray  # raw closes, NaN where no row
    filled: np.ndarray  # closes carried forward over short gaps
    high: np.ndarray
    low: np.ndarray
    volume: np.ndarray

    @classmethod
    def from_prices(cls, prices: pd.DataFrame, max_fill_days: int) -> PricePanel:
        date_codes, dates = pd.factorize(prices["date"], sort=True)
        ticker_codes, tickers = pd.factorize(prices["ticker"], sort=True)
        shape = (len(dates), len(tickers))

        def matrix(column: str) -> np.ndarray:
            out = np.full(shape, np.nan)
            out[date_codes, ticker_codes] = prices[column].to_numpy(dtype="float64", na_value=np.nan)
            return out

        close = matrix("close")
        filled = pd.DataFrame(close).ffill(limit=max_fill_days).to_numpy() if max_fill_days else close
        high, low = matrix("high"), matrix("low")
        high = np.where(np.isnan(high), close, high)
        low = np.where(np.isnan(low), close, low)
        return cls(pd.DatetimeIndex(dates), pd.Index(tickers), close, filled, high, low, matrix("volume"))

    def daily_moves(self) -> np.ndarray:
        moves = np.full_like(self.filled, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            moves[1:] = self.filled[1:] / self.filled[:-1] - 1
        return moves

    def events(self, threshold: float) -> pd.DataFrame:
        moves = self.daily_moves()
        rows, cols = np.nonzero(np.abs(np.nan_to_num(moves)) > threshold)
        return pd.DataFrame(
            {"ticker": self.tickers[cols], "date": self.dates[rows].date, "move": moves[rows, cols]}
        ).sort_values(["date", "ticker"], ignore_index=True)


def _resolve_windows(
    dates: pd.DatetimeIndex, as_of: dt.date, rules: FactRules, since: Sequence[dt.date]
) -> dict[str, Window]:
    end_row = len(dates) - 1
    end = dates[end_row].date()
    windows: dict[str, Window] = {}
    targets: list[tuple[str, pd.Timestamp | int]] = []
    anchor = pd.Timestamp(as_of)
    for name, spec in rules.windows.items():
        if spec.trading_days:
            targets.append((name, end_row - spec.trading_days))
        elif spec.ytd:
            targets.append((name, pd.Timestamp(as_of.year - 1, 12, 31)))
        else:
            offset = pd.DateOffset(days=spec.days or 0, months=spec.months or 0, years=spec.years or 0)
            targets.append((name, anchor - offset))
    targets += [(since_window_name(start), pd.Timestamp(start)) for start in since]
    for name, target in targets:
        row = target if isinstance(target, int) else int(dates.searchsorted(target, side="right")) - 1
        if 0 <= row < end_row:
            windows[name] = Window(name, dates[row].date(), end, row, end_row)
    return windows


def _stock_table(
    panel: PricePanel, fundamentals: pd.DataFrame, windows: dict[str, Window], rules: FactRules, cap_unit: str
) -> pd.DataFrame:
    filled, end = panel.filled, len(panel.dates) - 1
    flagged = np.abs(np.nan_to_num(panel.daily_moves())) > rules.corporate_action_move
    flag_count = np.cumsum(flagged, axis=0)
    columns: dict[str, np.ndarray] = {"close": filled[end]}
    for name, w in windows.items():
        base = filled[w.start_row]
        columns[f"base_{name}"] = base
        columns[f"ret_{name}"] = filled[end] / base - 1
        columns[f"flag_{name}"] = (flag_count[end] - flag_count[w.start_row]) > 0

    year_rows = panel.dates > pd.Timestamp(panel.dates[end] - pd.DateOffset(years=1))
    high, low = panel.high[year_rows], panel.low[year_rows]
    year_dates = panel.dates[year_rows]
    has_year = ~np.all(np.isnan(high), axis=0)
    high_row = np.nanargmax(np.where(np.isnan(high), -np.inf, high), axis=0)
    low_row = np.nanargmin(np.where(np.isnan(low), np.inf, low), axis=0)
    cols = np.arange(len(panel.tickers))
    columns["high_52w"] = np.where(has_year, high[high_row, cols], np.nan)
    columns["low_52w"] = np.where(has_year, low[low_row, cols], np.nan)
    columns["pct_from_high"] = columns["close"] / columns["high_52w"] - 1
    columns["at_52w_high"] = has_year & (high_row == len(year_dates) - 1)
    columns["at_52w_low"] = has_year & (low_row == len(year_dates) - 1)

    has_any = ~np.all(np.isnan(panel.close), axis=0)
    peak_row = np.argmax(np.where(np.isnan(panel.close), -np.inf, panel.close), axis=0)
    columns["peak_close"] = np.where(has_any, panel.close[peak_row, cols], np.nan)
    columns["drawdown"] = columns["close"] / columns["peak_close"] - 1
    first_row = np.argmax(~np.isnan(panel.close), axis=0)

    recent = filled[-(rules.volatility_days + 1) :]
    with np.errstate(invalid="ignore", divide="ignore"):
        log_moves = np.diff(np.log(recent), axis=0)
        observations = np.sum(~np.isnan(log_moves), axis=0)
        deviations = log_moves - np.nanmean(np.where(observations > 0, log_moves, 0), axis=0)
        variance = np.nansum(deviations**2, axis=0) / (observations - 1)
    vol = np.where(observations >= rules.min_volatility_observations, np.sqrt(variance), np.nan)
    columns["volatility"] = vol * np.sqrt(252)

    volume = panel.volume
    prior = volume[-(rules.volume_average_days + 1) : -1]
    with np.errstate(invalid="ignore"):
        columns["volume"] = volume[end]
        columns["avg_volume"] = np.nanmean(np.where(np.all(np.isnan(prior), axis=0), 0, prior), axis=0)
    columns["avg_volume"] = np.where(np.all(np.isnan(prior), axis=0), np.nan, columns["avg_volume"])
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["volume_ratio"] = np.where(
            columns["avg_volume"] > 0, volume[end] / columns["avg_volume"], np.nan
        )

    stocks = pd.DataFrame(columns, index=panel.tickers)
    stocks["high_52w_date"] = np.where(has_year, year_dates[high_row].date, None)
    stocks["low_52w_date"] = np.where(has_year, year_dates[low_row].date, None)
    stocks["peak_date"] = np.where(has_any, panel.dates[peak_row].date, None)
    stocks["first_date"] = np.where(has_any, panel.dates[first_row].date, None)
    stocks = stocks.reindex(fundamentals.index)
    stocks = fundamentals.join(stocks)
    scale = _MONEY_SCALE.get(cap_unit.strip().lower())
    if "market_cap" in stocks and scale:
        reference_price = stocks["price"] if "price" in stocks else stocks["close"]
        shares = stocks["market_cap"] * scale / reference_price.where(reference_price > 0)
        stocks["shares"] = shares
        stocks["market_cap_usd"] = shares * stocks["close"]
    else:
        stocks["shares"] = np.nan
        stocks["market_cap_usd"] = np.nan
    for name in windows:
        stocks[f"flag_{name}"] = stocks[f"flag_{name}"].fillna(False).astype(bool)
    stocks.index.name = "ticker"
    return stocks


def _groups(
    snapshot: Snapshot, stocks: pd.DataFrame, baskets: Mapping[str, tuple[str, Sequence[str]]]
) -> list[Group]:
    known = set(stocks.index[stocks["close"].notna()])
    groups = [
        Group(UNIVERSE, "universe", snapshot.manifest.universe_name or "universe", tuple(sorted(known)))
    ]
    for kind in ("sector", "sub_industry"):
        for name, members in stocks[stocks[kind].notna()].groupby(kind, sort=True).groups.items():
            tickers = tuple(sorted(t for t in members if t in known))
            if tickers:
                groups.append(Group(f"{kind}:{slugify(str(name))}", kind, str(name), tickers))
    for cohort in snapshot.cohorts:
        cohort_id = f"cohort:{slugify(cohort.name)}"
        groups.append(Group(cohort_id, "cohort", cohort.name, tuple(t for t in cohort.tickers if t in known)))
        for sub in cohort.groups:
            sub_id = f"{cohort_id}/{slugify(sub.name)}"
            groups.append(
                Group(sub_id, "subgroup", sub.name, tuple(t for t in sub.tickers if t in known), cohort_id)
            )
    for basket_id, (name, tickers) in baskets.items():
        groups.append(
            Group(basket_id, "basket", name, tuple(t for t in dict.fromkeys(tickers) if t in known))
        )
    return [g for g in groups if g.tickers]


def _group_table(groups: list[Group], stocks: pd.DataFrame, windows: dict[str, Window]) -> pd.DataFrame:
    position = {ticker: i for i, ticker in enumerate(stocks.index)}
    membership = np.zeros((len(groups), len(stocks)))
    for row, group in enumerate(groups):
        membership[row, [position[t] for t in group.tickers]] = 1.0
    table: dict[str, object] = {
        "kind": [g.kind for g in groups],
        "name": [g.name for g in groups],
        "parent": [g.parent for g in groups],
        "size": membership.sum(axis=1).astype(int),
    }
    shares = stocks["shares"].to_numpy(dtype=float)
    close = stocks["close"].to_numpy(dtype=float)
    for name in windows:
        returns = stocks[f"ret_{name}"].to_numpy(dtype=float)
        suspect = stocks[f"flag_{name}"].to_numpy(dtype=bool) & ~np.isnan(returns)
        known = ~np.isnan(returns) & ~suspect
        counted = membership @ known
        with np.errstate(invalid="ignore", divide="ignore"):
            table[f"ew_{name}"] = np.where(
                counted > 0, membership @ np.where(known, returns, 0) / counted, np.nan
            )
            base = stocks[f"base_{name}"].to_numpy(dtype=float)
            weighable = known & ~np.isnan(shares)
            start_value = membership @ np.where(weighable, shares * base, 0)
            gain = membership @ np.where(weighable, shares * (close - base), 0)
            table[f"cw_{name}"] = np.where(start_value > 0, gain / start_value, np.nan)
        table[f"n_{name}"] = counted.astype(int)
        table[f"up_{name}"] = (membership @ (known & (np.nan_to_num(returns) > 0))).astype(int)
        table[f"down_{name}"] = (membership @ (known & (np.nan_to_num(returns) < 0))).astype(int)
        table[f"excluded_{name}"] = (membership @ suspect).astype(int)
    return pd.DataFrame(table, index=pd.Index([g.id for g in groups], name="group"))


def _benchmark_table(
    benchmark: pd.DataFrame, dates: pd.DatetimeIndex, windows: dict[str, Window], max_fill_days: int
) -> tuple[pd.DataFrame, np.ndarray]:
    wide = benchmark.pivot(index="date", columns="ticker", values="close").reindex(dates)
    filled = wide.ffill(limit=max_fill_days) if max_fill_days else wide
    order = list(dict.fromkeys(benchmark["ticker"]))
    table = pd.DataFrame(index=pd.Index(order, name="ticker"))
    table["close"] = filled.iloc[-1]
    for name, w in windows.items():
        table[f"ret_{name}"] = filled.iloc[w.end_row] / filled.iloc[w.start_row] - 1
    return table, filled[order[0]].to_numpy(dtype=float)
