"""Yahoo Finance through yfinance: the one package that imports yfinance.

- transport: our HTTP session, the wire that watches it, retries, and the typed FailureKind;
- prices: daily bars and the dividends and splits Yahoo reports, per symbol;
- details: Ticker.info and news per ticker;
- mapping: what Ticker.info keys and news items mean, in which units (no HTTP);
- cache: what was fetched today, so a second fetch the same day makes no request.

`fetch` puts them together and returns contract-1 frames plus the tickers that could not be
fetched and why; it raises FetchError with one line saying which failure ended the fetch: a rate
limit, a symbol Yahoo does not know, or no network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import yfinance as yf

from generator.errors import FetchError
from generator.market.calendars import US_CALENDAR, last_completed_session
from generator.market.snapshot import PriceBasis
from generator.market.yahoo.cache import DayCache, cache_root
from generator.market.yahoo.details import Details
from generator.market.yahoo.mapping import fundamentals_row, news_frame, news_rows
from generator.market.yahoo.prices import PRICE_BASIS, PRICE_NOTE, actions, download, long_prices
from generator.market.yahoo.transport import (
    Failure,
    FailureKind,
    RetryPolicy,
    Wire,
    new_session,
    point_yfinance_cache_at,
    quiet_yfinance,
)

__all__ = ["RetryPolicy", "YahooData", "cache_root", "describe_failures", "fetch", "new_session"]

MARKET_TIME = ZoneInfo("America/New_York")  # US sessions, and so Yahoo's daily bars, follow this clock
CALENDAR = US_CALENDAR

Progress = Callable[[str, int, int], None]  # (what is happening, done, total)


@dataclass(frozen=True)
class YahooData:
    """What one fetch produced, already in contract-1 shape."""

    as_of: dt.date
    prices: pd.DataFrame  # date, ticker, open, high, low, close, volume
    benchmark: pd.DataFrame  # date, ticker, close
    fundamentals: pd.DataFrame  # ticker, name, sector, sub_industry, numeric columns in UNITS
    news: pd.DataFrame  # NEWS_FIELDS, published as UTC timestamps
    actions: pd.DataFrame  # date, ticker, split_ratio, dividend: as Yahoo reports them
    failed: dict[str, str]  # ticker -> why it is missing, in the order asked
    news_failed: dict[str, str]  # ticker -> why its headlines are missing (the ticker is kept)
    source: dict[str, Any]  # provenance record for manifest.sources
    price_basis: PriceBasis = PRICE_BASIS
    requests_made: int = 0
    cache_problem: str | None = None  # why the cache could not be written, for one warning


def fetch(
    tickers: Sequence[str],
    *,
    benchmark: str,
    start: dt.date,
    end: dt.date,
    cache_dir: Path,
    session: Any = None,
    retry: RetryPolicy | None = None,
    on_progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> YahooData:
    """Fetch prices and actions, fundamentals and news for `tickers` from `start` to `end`.

    Raises FetchError when Yahoo cannot be reached, the benchmark is missing or no ticker succeeded;
    otherwise tickers that failed are reported in `YahooData.failed`. `now` (aware; default: the
    clock) decides the cache's day and whether `end` is a finished session: prices for a range
    that ends on a session still trading are not cached, or a later fetch would reuse the
    intraday bar as that day's close.
    """
    retry = retry or RetryPolicy()
    progress = on_progress or (lambda _what, _done, _total: None)
    now = now or dt.datetime.now(dt.UTC)
    today = now.astimezone(MARKET_TIME).date()
    cache = DayCache(cache_dir, today)
    symbols = list(dict.fromkeys([*tickers, benchmark]))
    session = session if session is not None else new_session()

    with quiet_yfinance(), Wire(session) as wire:
        point_yfinance_cache_at(cache_dir / "yfinance")
        cached = {s: cache.prices(s, start, end) for s in symbols}
        progress("downloading prices", 0, len(tickers))
        downloaded, price_failures = download(
            [s for s in symbols if cached[s] is None], start, end, session, wire, retry
        )
        if end <= last_completed_session(now, CALENDAR):
            for symbol, rows in downloaded.items():
                cache.save_prices(symbol, start, end, rows)
        bars = {s: rows for s, rows in {**cached, **downloaded}.items() if rows is not None}
        if benchmark not in bars:
            raise FetchError(_benchmark_failure(benchmark, price_failures[benchmark]))

        details = Details(session, wire, retry, cache)
        with_prices = [t for t in tickers if t in bars]
        infos, failures, news, news_failed = details.gather(with_prices, progress, len(tickers))
        requests_made = wire.requests

    failed = {t: price_failures.get(t) or failures[t] for t in tickers if t not in infos}
    if not infos:
        raise FetchError(_nothing_fetched(failed))
    stocks = {t: bars[t] for t in infos}
    as_of = max(frame["date"].max() for frame in (bars[benchmark], *stocks.values())).date()
    return YahooData(
        as_of=as_of,
        prices=long_prices(stocks),
        benchmark=bars[benchmark].assign(ticker=benchmark)[["date", "ticker", "close"]],
        fundamentals=pd.DataFrame([fundamentals_row(t, infos[t]) for t in infos]),
        news=news_frame([row for t in infos for row in news_rows(t, news.get(t, []))], as_of),
        actions=actions(stocks),
        failed={t: failure.reason for t, failure in failed.items()},
        news_failed=news_failed,
        source={
            "name": "Yahoo Finance",
            "url": "https://finance.yahoo.com",
            "via": f"yfinance {yf.__version__}",
            "fetched_on": today.isoformat(),
            "used_for": "prices, corporate actions, benchmark, fundamentals (Ticker.info, not "
            "point-in-time), news",
            "prices": PRICE_NOTE,
        },
        requests_made=requests_made,
        cache_problem=cache.problem,
    )


def describe_failures(failed: dict[str, str]) -> str:
    """'A, B (rate-limited by Yahoo Finance after 4 attempts); C (not a Yahoo symbol?)'."""
    by_reason: dict[str, list[str]] = {}
    for ticker, reason in failed.items():
        by_reason.setdefault(reason, []).append(ticker)
    return "; ".join(f"{', '.join(names)} ({reason})" for reason, names in by_reason.items())


def _benchmark_failure(benchmark: str, failure: Failure) -> str:
    if failure.kind is FailureKind.RATE_LIMITED:
        return f"{failure.reason} (fetching the benchmark {benchmark}); try again later"
    if failure.kind is FailureKind.NOT_FOUND:
        return f"no data for {benchmark}: not a Yahoo symbol? (--benchmark)"
    return f"could not fetch the benchmark {benchmark}: {failure.reason}"


def _nothing_fetched(failed: dict[str, Failure]) -> str:
    kinds = {failure.kind for failure in failed.values()}
    names = ", ".join(failed)
    if kinds == {FailureKind.RATE_LIMITED}:
        attempts = max(failure.attempts for failure in failed.values())
        return f"rate-limited by Yahoo Finance after {attempts} attempts (fetching {names}); try again later"
    if kinds == {FailureKind.NOT_FOUND}:
        return f"no data for {names}: not {'a Yahoo symbol' if len(failed) == 1 else 'Yahoo symbols'}?"
    reasons = describe_failures({t: f.reason for t, f in failed.items()})
    return f"could not fetch any of the {len(failed)} tickers: {reasons}"
