"""Storage of computed figures: the tables and fast single-cell reads of them.

Articles read single cells thousands of times; pandas `.at` costs ~10 µs a read, a column array
~0.2 µs, so the tables are also held as one NumPy array per column.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from generator.facts import columns as col
from generator.facts.panel import Fall, Split
from generator.facts.tables import Group
from generator.facts.windows import Window
from generator.models import PriceBasis
from generator.slugs import slugify


class FactStore:
    """Every computed figure of one snapshot, by ticker, group and benchmark."""

    def __init__(
        self,
        *,
        as_of: dt.date,
        windows: dict[str, Window],
        stocks: pd.DataFrame,
        groups: pd.DataFrame,
        group_members: dict[str, Group],
        benchmarks: pd.DataFrame,
        benchmark_name: str,
        universe_name: str,
        basis: PriceBasis | None,
        fundamentals_as_of: dt.date,
        splits: tuple[Split, ...],
        falls: tuple[Fall, ...],
        volatility_days: int,
        volume_days: int,
        moving_average_days: int,
    ) -> None:
        self.as_of = as_of
        self.windows = windows
        self.stocks = stocks
        self.groups = groups
        self.group_members = group_members
        self.benchmarks = benchmarks
        self.benchmark_ticker = str(benchmarks.index[0])
        self.benchmark_name = benchmark_name
        self.universe_name = universe_name
        self.basis = basis
        self.fundamentals_as_of = fundamentals_as_of
        self.splits = splits
        self.volatility_days = volatility_days
        self.volume_days = volume_days
        self.moving_average_days = moving_average_days
        self._row = {ticker: i for i, ticker in enumerate(stocks.index)}
        self._columns = {column: stocks[column].to_numpy() for column in stocks.columns}
        self._group_row = {group: i for i, group in enumerate(groups.index)}
        self._group_columns = {column: groups[column].to_numpy() for column in groups.columns}
        self._benchmark_returns = {
            (ticker, window): row[column]
            for ticker, row in benchmarks.iterrows()
            for window, column in col.windows_in(col.RETURN, row.index).items()
        }
        self._left_out: dict[tuple[str, str], list[str]] = {}
        self._counted: dict[tuple[str, str], tuple[str, ...]] = {}
        self._splits_of: dict[str, list[Split]] = {}
        for split in splits:
            self._splits_of.setdefault(split.ticker, []).append(split)
        self.falls = falls
        self._falls_of: dict[str, list[Fall]] = {}
        for fall in falls:
            self._falls_of.setdefault(fall.ticker, []).append(fall)

    def value(self, ticker: str, column: str) -> object:
        """One cell of the stocks table (NaN or None when unknown)."""
        return self._columns[column][self._row[ticker]]

    def group_value(self, group_id: str, column: str) -> object:
        return self._group_columns[column][self._group_row[group_id]]

    def benchmark_value(self, window: str, ticker: str | None = None) -> float:
        return self._benchmark_returns[(ticker or self.benchmark_ticker, window)]

    def splits_of(self, ticker: str) -> list[Split]:
        return self._splits_of.get(ticker, [])

    def falls_of(self, ticker: str) -> list[Fall]:
        return self._falls_of.get(ticker, [])

    def falls_within(self, ticker: str, start: dt.date, end: dt.date) -> bool:
        """Whether the stock had an unexplained fall after `start`, up to and including `end`."""
        return any(start < fall.date <= end for fall in self._falls_of.get(ticker, ()))

    def counted(self, group_id: str, window: str) -> tuple[str, ...]:
        """The members a group figure over `window` averages: those with a return, none left out."""
        key = (group_id, window)
        if key not in self._counted:
            left_out = set(self.left_out(group_id, window))
            returns = self._columns[col.windowed(col.RETURN, window)]
            self._counted[key] = tuple(
                t
                for t in self.group_members[group_id].tickers
                if t not in left_out and not pd.isna(returns[self._row[t]])
            )
        return self._counted[key]

    def left_out(self, group_id: str, window: str) -> list[str]:
        """Members left out of a group figure because their window holds a suspected split."""
        key = (group_id, window)
        if key not in self._left_out:
            members = (
                self.group_members[group_id].tickers
                if self.group_value(group_id, col.windowed(col.LEFT_OUT, window))
                else ()
            )
            flag, ret = col.windowed(col.SUSPECT, window), col.windowed(col.RETURN, window)
            self._left_out[key] = [
                t for t in members if self.value(t, flag) and not pd.isna(self.value(t, ret))
            ]
        return self._left_out[key]

    def sector_of(self, ticker: str) -> str | None:
        """The id of the ticker's sector group ("sector:energy"), or None when it has none."""
        sector = self.value(ticker, "sector")
        group_id = f"sector:{slugify(sector)}" if isinstance(sector, str) else None
        return group_id if group_id in self.group_members else None

    def subgroups(self, group_id: str) -> list[str]:
        return [g.id for g in self.group_members.values() if g.parent == group_id]

    def is_partition(self, parent_id: str) -> bool:
        """Whether the parent's sub-groups split its members without overlap or gaps."""
        children = [self.group_members[g].tickers for g in self.subgroups(parent_id)]
        flat = [t for tickers in children for t in tickers]
        return len(flat) == len(set(flat)) and set(flat) == set(self.group_members[parent_id].tickers)
