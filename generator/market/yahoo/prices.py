"""Daily bars per symbol through `Ticker.history`, with the dividends and splits Yahoo reports.

One history() call per symbol rather than one batched download(): download() keeps each symbol's
error inside the call (yfinance 1.x records them as strings in a per-call context and returns an
empty frame), while history() raises yfinance's typed exceptions (YFRateLimitError,
YFTzMissingError, YFPricesMissingError with Yahoo's own reason), which transport.classify turns
into a FailureKind that knows whether to retry.

Prices are `auto_adjust=True`: yfinance scales Yahoo's OHLC (already split-adjusted) by Adj Close /
Close, so past prices are back-adjusted for splits and dividends and close-to-close returns are
total returns (https://ranaroussi.github.io/yfinance/advanced/price_adjustment.html). The day's
dividend (cash per share, as Yahoo reports it) and split ratio (new shares per old share) come
with the bars and go to actions.csv.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import yfinance as yf
from yfinance.data import YfData

from generator.market.snapshot import PriceBasis
from generator.market.yahoo.cache import BAR_COLUMNS
from generator.market.yahoo.transport import (
    REQUEST_TIMEOUT,
    CallFailed,
    Failure,
    FailureKind,
    RetryPolicy,
    Wire,
    each,
)

PRICE_BASIS: PriceBasis = "splits_and_dividends"
PRICE_NOTE = (
    "daily OHLCV from Yahoo Finance via yfinance Ticker.history(auto_adjust=True): Yahoo's "
    "split-adjusted OHLC scaled by Adj Close / Close, so back-adjusted for splits and dividends; "
    "volume in shares; actions.csv holds the dividends and splits Yahoo reports"
)
MAX_WORKERS = 4  # concurrent per-symbol requests; Yahoo rate-limits bursts


def download(
    symbols: list[str], start: dt.date, end: dt.date, session: Any, wire: Wire, retry: RetryPolicy
) -> tuple[dict[str, pd.DataFrame], dict[str, Failure]]:
    """Bars (BAR_COLUMNS) per symbol from `start` to `end`, and why the others have none."""
    got: dict[str, pd.DataFrame] = {}
    failed: dict[str, Failure] = {}

    def one(symbol: str) -> pd.DataFrame | Failure:
        tries = 0

        def attempt() -> pd.DataFrame:
            nonlocal tries
            if tries:  # yfinance memoises past-range chart answers, the empty ones included
                YfData.cache_get.cache_clear()
            tries += 1
            return yf.Ticker(symbol, session=session).history(
                start=start.isoformat(),
                end=(end + dt.timedelta(days=1)).isoformat(),  # yfinance's end is exclusive
                auto_adjust=True,
                actions=True,
                timeout=REQUEST_TIMEOUT,
            )

        try:
            frame = wire.call(attempt, retry, symbol)
        except CallFailed as failure:
            return failure.failure
        rows = bars(frame, start, end)
        return rows if rows is not None else Failure(FailureKind.EMPTY, "no prices in the requested dates")

    for symbol, result in each(symbols, one, wire, MAX_WORKERS):
        if isinstance(result, Failure):
            failed[symbol] = result
        else:
            got[symbol] = result
    wire.raise_if_unreachable(final=True)
    return got, failed


def bars(frame: pd.DataFrame | None, start: dt.date, end: dt.date) -> pd.DataFrame | None:
    """One symbol's history() frame, cleaned so the snapshot loader accepts it; None if empty."""
    if frame is None or frame.empty:
        return None
    rows = frame.rename(columns={"Dividends": "dividend", "Stock Splits": "split_ratio"})
    rows = rows.rename(columns=str.lower).rename_axis("date").reset_index()
    dates = pd.to_datetime(rows["date"])
    rows["date"] = (dates.dt.tz_localize(None) if dates.dt.tz else dates).dt.normalize()
    rows = rows.reindex(columns=list(BAR_COLUMNS))
    rows = rows[(rows["date"] >= pd.Timestamp(start)) & (rows["date"] <= pd.Timestamp(end))]
    rows = rows[rows["close"] > 0].drop_duplicates("date", keep="last")
    if rows.empty:
        return None
    for column in ("open", "high", "low"):
        rows[column] = rows[column].where(rows[column] > 0)
    inverted = rows["high"] < rows["low"]
    rows.loc[inverted, ["high", "low"]] = float("nan")  # a glitch: unknown beats wrong
    # yfinance fills a missing volume, dividend or split with 0: a traded day with no volume is
    # unknown, and a day without a dividend or split has none
    for column in ("volume", "dividend", "split_ratio"):
        rows[column] = rows[column].astype("float64").where(rows[column] > 0)
    return rows.sort_values("date").reset_index(drop=True).astype({"date": "datetime64[ns]"})


def long_prices(by_symbol: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = [rows.assign(ticker=symbol) for symbol, rows in by_symbol.items()]
    return pd.concat(frames, ignore_index=True)[["date", "ticker", "open", "high", "low", "close", "volume"]]


def actions(by_symbol: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """actions.csv rows: the days with a dividend or a split, per symbol."""
    frames = [rows.assign(ticker=symbol) for symbol, rows in by_symbol.items()]
    every = pd.concat(frames, ignore_index=True)
    found = every[every["dividend"].notna() | every["split_ratio"].notna()]
    return found[["date", "ticker", "split_ratio", "dividend"]].reset_index(drop=True)
