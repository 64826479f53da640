"""Price history as date x ticker matrices, on a stated price basis, with splits applied or suspected.

The facts stage and the score read history from here; nothing else keeps it. How a big one-day move
is read depends on the basis of the prices (manifest `prices_adjusted`):
- adjusted (`splits`, `splits_and_dividends`): every move is a real move;
- as traded (`none`, or not stated) with an `actions.csv`: the vendor's splits are applied here (closes
  before a split are divided by its ratio, volumes multiplied), so the basis becomes `splits`;
- as traded without one: a move whose price ratio matches a common split ratio is a *suspected* split
  (rules/facts.yaml `splits`); the facts stage flags the figures it distorts. Other moves are moves.

On any basis, a one-session fall deeper than rules/facts.yaml `min_unexplained_fall` that no split or
action of that day explains is an *unexplained fall* (`unexplained_falls`): news, or a spin-off the
prices do not account for. Its figures are stated but need an editor.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.facts.rules import FactRules
from generator.market.snapshot import BATCH_ROWS, Snapshot, category_codes, uses_every_category
from generator.models import PriceBasis

ADJUSTED: tuple[PriceBasis, ...] = ("splits", "splits_and_dividends")
_THREADS = 2  # for the whole-matrix steps, which release the GIL
_BLOCK = 1024  # tickers per block of carrying forward
_DAYS = 16  # matrix rows (sessions) whose blank highs and lows are filled at a time
_LARGEST_SPLIT_STEP = 0.25  # no split ratio moves a price by less than this; cheaper to test few cells


@dataclass(frozen=True)
class Split:
    """A split in a stock's history: applied from actions.csv, or suspected from its price."""

    ticker: str
    date: dt.date
    ratio: float  # new shares per old share: 4.0 for four-for-one, 0.1 for one-for-ten
    move: float  # the day's close / previous close - 1, as the prices show it
    suspected: bool  # True: inferred from the price; its figures need an editor


@dataclass(frozen=True)
class Fall:
    """A one-session fall no split or corporate action of that day explains."""

    ticker: str
    date: dt.date
    move: float  # the day's close / previous close - 1, as the prices show it
    before: dt.date  # the session whose close the move is measured from


@dataclass(frozen=True)
class PricePanel:
    """Wide date x ticker matrices built straight from the long price table, plus the benchmark."""

    dates: pd.DatetimeIndex
    tickers: pd.Index
    close: np.ndarray  # closes on `basis`, NaN where no row
    filled: np.ndarray  # closes carried forward over short gaps
    high: np.ndarray
    low: np.ndarray
    volume: np.ndarray
    basis: PriceBasis | None  # None: the snapshot does not say and no actions file settles it
    splits: tuple[Split, ...]
    benchmark: pd.DataFrame  # date x benchmark ticker, closes carried forward like `filled`

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot, rules: FactRules, *, take_prices: bool = False) -> PricePanel:
        """The panel of the snapshot's prices. With `take_prices` each price column leaves
        `snapshot.prices` once its matrix is built (the caller gives the long table up): a big
        universe's run cannot afford to hold both whole."""
        prices = snapshot.prices
        date_codes, dates = pd.factorize(prices["date"], sort=True)
        ticker_codes, tickers = _ticker_codes(prices["ticker"])
        dates, tickers = pd.DatetimeIndex(dates), pd.Index(tickers)
        shape = (len(dates), len(tickers))

        taking = threading.Lock()

        def matrix(column: str) -> np.ndarray:
            with taking:  # the long table gives up one column per matrix under construction
                source = prices.pop(column) if take_prices else prices[column]
            values = source.to_numpy(dtype="float64", na_value=np.nan)
            out = np.full(shape, np.nan)
            # Some rows at a time: the index arrays' whole-column temporaries would be fresh memory.
            for start in range(0, len(values), BATCH_ROWS):
                rows = slice(start, start + BATCH_ROWS)
                out[date_codes[rows], ticker_codes[rows]] = values[rows]
            return out

        # NumPy releases the GIL on whole-array work: two threads use the core a run otherwise
        # leaves idle while it prepares, and hold one more long column than one thread would.
        with ThreadPoolExecutor(_THREADS) as pool:
            close, high, low, volume = pool.map(matrix, ("close", "high", "low", "volume"))
            _fill_blanks(high, close)  # a blank high or low is the close
            _fill_blanks(low, close)
            basis = snapshot.manifest.prices_adjusted
            applied: list[Split] = []
            if basis not in ADJUSTED and len(snapshot.actions):
                basis = "splits"  # the vendor's own list of actions is the answer, not a guess
                splits = snapshot.actions.dropna(subset=["split_ratio"])
                applied = _apply_splits(splits, dates, tickers, close, high, low, volume)
            filled = _carry_forward(close, rules.max_fill_days, pool)
        suspected = (
            _suspected_splits(filled, dates, tickers, rules.split_ratios(), rules.splits.tolerance)
            if basis not in ADJUSTED
            else []
        )
        wide = snapshot.benchmark.pivot(index="date", columns="ticker", values="close").reindex(dates)
        order = list(dict.fromkeys(snapshot.benchmark["ticker"]))
        benchmark = wide[order].ffill(limit=rules.max_fill_days) if rules.max_fill_days else wide[order]
        splits = tuple(sorted([*applied, *suspected], key=lambda s: (s.date, s.ticker)))
        return cls(dates, tickers, close, filled, high, low, volume, basis, splits, benchmark)

    @property
    def benchmark_ticker(self) -> str:
        return str(self.benchmark.columns[0])

    @property
    def benchmark_close(self) -> np.ndarray:
        """The primary benchmark's closes, aligned to `dates`."""
        return self.benchmark.iloc[:, 0].to_numpy(dtype=float)

    def columns(self, start: int, stop: int) -> PricePanel:
        """The panel of the tickers in [start, stop): views of the same matrices, not copies."""
        tickers = self.tickers[start:stop]
        within = set(tickers)
        return PricePanel(
            self.dates,
            tickers,
            self.close[:, start:stop],
            self.filled[:, start:stop],
            self.high[:, start:stop],
            self.low[:, start:stop],
            self.volume[:, start:stop],
            self.basis,
            tuple(split for split in self.splits if split.ticker in within),
            self.benchmark,
        )

    def suspected(self) -> list[Split]:
        return [s for s in self.splits if s.suspected]


def _ticker_codes(tickers: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Each row's ticker as a column number, tickers in order. A snapshot's tickers are a
    categorical with sorted categories (market.snapshot), whose codes already are the numbers
    when every category has rows; hashing millions of rows again is only the fallback."""
    if (
        isinstance(tickers.dtype, pd.CategoricalDtype)
        and tickers.cat.categories.is_monotonic_increasing
        and uses_every_category(tickers)
    ):
        return category_codes(tickers), tickers.cat.categories
    codes, uniques = pd.factorize(tickers, sort=True)
    return codes, pd.Index(uniques)


def _fill_blanks(matrix: np.ndarray, values: np.ndarray) -> None:
    """Fill the matrix's blanks from `values` in place, some sessions at a time: a whole-matrix mask
    of a big universe is fresh memory, a block's is reused."""
    for start in range(0, matrix.shape[0], _DAYS):
        days = slice(start, start + _DAYS)
        np.copyto(matrix[days], values[days], where=np.isnan(matrix[days]))


def _carry_forward(close: np.ndarray, limit: int, pool: ThreadPoolExecutor) -> np.ndarray:
    """Closes carried forward over gaps of up to `limit` sessions, a block of tickers per task:
    small temporaries the allocator reuses instead of whole-matrix copies of fresh memory."""
    if not limit:
        return close
    filled = np.empty_like(close)

    def carry(start: int) -> None:
        block = slice(start, start + _BLOCK)
        filled[:, block] = pd.DataFrame(close[:, block]).ffill(limit=limit).to_numpy()

    for _ in pool.map(carry, range(0, close.shape[1], _BLOCK)):
        pass
    return filled


def _apply_splits(
    splits: pd.DataFrame,
    dates: pd.DatetimeIndex,
    tickers: pd.Index,
    close: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    volume: np.ndarray,
) -> list[Split]:
    """Back-adjust, in place, every price before each split; returns the splits applied."""
    column = {ticker: i for i, ticker in enumerate(tickers)}
    applied = []
    for day, ticker, ratio in splits[["date", "ticker", "split_ratio"]].itertuples(index=False):
        col = column.get(ticker)
        row = int(dates.searchsorted(pd.Timestamp(day)))  # first trading day on or after the split
        if col is None or row == 0 or row >= len(dates):
            continue
        before = close[:row, col]
        last = before[~np.isnan(before)]
        move = close[row, col] / last[-1] - 1 if len(last) and not np.isnan(close[row, col]) else np.nan
        for prices in (close, high, low):
            prices[:row, col] /= ratio
        volume[:row, col] *= ratio
        applied.append(Split(str(ticker), dates[row].date(), float(ratio), float(move), suspected=False))
    return applied


def unexplained_falls(panel: PricePanel, actions: pd.DataFrame, min_fall: float) -> tuple[Fall, ...]:
    """Every one-session fall of at least `min_fall` (0.2: 20%) that is not a split (applied or
    suspected) and has no row in actions.csv for its stock and day.

    Back-adjusted series often leave spin-offs out: Hewlett Packard Enterprise's closes fell 25.9% on
    the day of its 2017 services spin-off in the S&P snapshot. A profit warning looks the same, so the
    figures spanning one are flagged for an editor, not dropped.
    """
    explained = {(split.ticker, split.date) for split in panel.splits}
    # an action takes effect on the first session on or after its day
    rows = panel.dates.searchsorted(pd.DatetimeIndex(actions["date"]))
    explained |= {
        (str(ticker), panel.dates[row].date())
        for ticker, row in zip(actions["ticker"], rows, strict=True)
        if row < len(panel.dates)
    }
    falls = (
        Fall(str(panel.tickers[col]), panel.dates[row + 1].date(), ratio - 1, panel.dates[row].date())
        for row, col, ratio in _session_ratios(panel.filled, lambda ratio: ratio - 1 <= -min_fall)
    )
    unexplained = (fall for fall in falls if (fall.ticker, fall.date) not in explained)
    return tuple(sorted(unexplained, key=lambda fall: (fall.date, fall.ticker)))


def _suspected_splits(
    filled: np.ndarray, dates: pd.DatetimeIndex, tickers: pd.Index, ratios: list[float], tolerance: float
) -> list[Split]:
    """One-day moves whose price ratio, times a split ratio, lies within 1 ± tolerance."""
    found = []
    for row, col, price_ratio in _session_ratios(
        filled, lambda ratio: np.abs(ratio - 1) > _LARGEST_SPLIT_STEP
    ):
        distance = [abs(price_ratio * ratio - 1) for ratio in ratios]
        best = int(np.argmin(distance))
        if distance[best] <= tolerance:
            found.append(Split(str(tickers[col]), dates[row + 1].date(), ratios[best], price_ratio - 1, True))
    return found


def _session_ratios(
    filled: np.ndarray, keep: Callable[[np.ndarray], np.ndarray]
) -> Iterator[tuple[int, int, float]]:
    """(row, column, ratio) of each one-session move, close at row + 1 / close at row, that `keep`
    selects (NaN ratios never are). A block of tickers at a time: the whole matrix of ratios, at
    50,000 tickers, cost 3 s of system time in fresh memory."""
    for start in range(0, filled.shape[1], _BLOCK):
        block = filled[:, start : start + _BLOCK]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = block[1:] / block[:-1]
            rows, cols = np.nonzero(keep(ratio))
        for row, col in zip(rows, cols, strict=True):
            yield int(row), start + int(col), float(ratio[row, col])
