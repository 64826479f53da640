"""Yahoo Finance through yfinance: the one module that imports yfinance.

Everything Yahoo-specific stays here: which calls yfinance makes and how they fail, what the
`Ticker.info` keys mean and in which units, both shapes of news items, the per-ticker daily cache
and retries. Callers get contract-1 frames plus the tickers that could not be fetched, with why.

yfinance hides most failures (a rate limit or a dead network comes back as an empty frame or a
"possibly delisted" log line), so every HTTP exchange on our session is watched by a `_Wire` that
records what really happened per symbol, clamps timeouts and gives up when Yahoo never answers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import random
import re
import shutil
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import pandas as pd
import platformdirs
import yfinance as yf
import yfinance.cache as yf_cache
from yfinance.data import YfData
from yfinance.exceptions import YFRateLimitError

from generator.errors import FetchError
from generator.files import atomic_write
from generator.market.snapshot import CURRENCY, NEWS_FIELDS

CACHE_ENV = "NEWSDESK_CACHE_DIR"
MARKET_TIME = ZoneInfo("America/New_York")  # US sessions, and so Yahoo's daily bars, follow this clock
SESSION_SETTLED = dt.time(16, 30)  # the 16:00 close plus time for the closing auction's prints
REQUEST_TIMEOUT = 8.0  # seconds per HTTP request; yfinance asks for up to 30
REACH_BUDGET = 15.0  # seconds to wait for Yahoo's first answer before declaring it unreachable
MAX_WORKERS = 4  # concurrent per-ticker requests; Yahoo rate-limits bursts
NEWS_COUNT = 20
CACHE_DAYS_KEPT = 7
PRICE_NOTE = "daily OHLCV, split- and dividend-adjusted by Yahoo (auto_adjust); volume in shares"

Progress = Callable[[str, int, int], None]  # (what is happening, done, total)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter; `sleep` is injectable for tests."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 8.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt `attempt` (0-based): half fixed, half random."""
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return ceiling / 2 + ceiling / 2 * self.jitter()


@dataclass(frozen=True)
class YahooData:
    """What one fetch produced, already in contract-1 shape."""

    as_of: dt.date
    prices: pd.DataFrame  # date, ticker, open, high, low, close, volume
    benchmark: pd.DataFrame  # date, ticker, close
    fundamentals: pd.DataFrame  # ticker, name, sector, sub_industry, numeric columns in UNITS
    news: pd.DataFrame  # NEWS_FIELDS, published as UTC timestamps
    failed: dict[str, str]  # ticker -> why it is missing, in the order asked
    news_failed: dict[str, str]  # ticker -> why its headlines are missing (the ticker is kept)
    source: dict[str, Any]  # provenance record for manifest.sources
    requests_made: int = 0
    cache_problem: str | None = None  # why the cache could not be written, for one warning


def last_completed_session(now: dt.datetime) -> dt.date:
    """The last weekday whose US session had closed at `now` (an aware datetime).

    Before 16:30 New York time today's bar is still moving, so it is yesterday's weekday (an
    intraday price must never pass for a close). Holidays need no calendar: Yahoo has no bar for
    them, and a fetch's as-of is the last bar on or before the date asked for.
    """
    local = now.astimezone(MARKET_TIME)
    day = local.date() if local.time() >= SESSION_SETTLED else local.date() - dt.timedelta(days=1)
    while day.weekday() >= 5:  # Saturday, Sunday
        day -= dt.timedelta(days=1)
    return day


def cache_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder: --cache-dir, else $NEWSDESK_CACHE_DIR, else the user cache directory."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(platformdirs.user_cache_dir("newsdesk"))


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
    """Fetch prices (one batched download), fundamentals and news for `tickers` from `start` to `end`.

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
    cache = _DayCache(cache_dir, today)
    symbols = list(dict.fromkeys([*tickers, benchmark]))
    session = session if session is not None else _new_session()

    with _quiet_yfinance(), _Wire(session) as wire:
        _point_yfinance_cache_at(cache_dir / "yfinance")
        cached = {s: cache.prices(s, start, end) for s in symbols}
        to_download = [s for s in symbols if cached[s] is None]
        progress("downloading prices", 0, len(tickers))
        downloaded, price_failures = _download(to_download, start, end, session, wire, retry)
        if end <= last_completed_session(now):
            for symbol, rows in downloaded.items():
                cache.save_prices(symbol, start, end, rows)
        prices = {s: rows for s, rows in {**cached, **downloaded}.items() if rows is not None}
        if benchmark not in prices:
            raise FetchError(f"could not fetch the benchmark {benchmark}: {price_failures[benchmark]}")

        details = _Details(session, wire, retry, cache)
        with_prices = [t for t in tickers if t in prices]
        infos, failures, news, news_failed = details.gather(with_prices, progress, len(tickers))
        requests_made = wire.requests

    failed = {t: price_failures.get(t) or failures[t] for t in tickers if t not in infos}
    if not infos:
        raise FetchError(f"could not fetch any of the {len(tickers)} tickers: {describe_failures(failed)}")
    as_of = max(frame["date"].max() for frame in (prices[benchmark], *(prices[t] for t in infos))).date()
    return YahooData(
        as_of=as_of,
        prices=_long_prices({t: prices[t] for t in infos}),
        benchmark=prices[benchmark].assign(ticker=benchmark)[["date", "ticker", "close"]],
        fundamentals=pd.DataFrame([fundamentals_row(t, infos[t]) for t in infos]),
        news=_news_frame([row for t in infos for row in news_rows(t, news.get(t, []))], as_of),
        failed=failed,
        news_failed=news_failed,
        source={
            "name": "Yahoo Finance",
            "url": "https://finance.yahoo.com",
            "via": f"yfinance {yf.__version__}",
            "fetched_on": today.isoformat(),
            "used_for": "prices, benchmark, fundamentals (Ticker.info, not point-in-time), news",
            "prices": PRICE_NOTE,
        },
        requests_made=requests_made,
        cache_problem=cache.problem,
    )


def describe_failures(failed: dict[str, str]) -> str:
    """'A, B (rate limited by Yahoo); C (not found on Yahoo)': tickers grouped by reason."""
    by_reason: dict[str, list[str]] = {}
    for ticker, reason in failed.items():
        by_reason.setdefault(reason, []).append(ticker)
    return "; ".join(f"{', '.join(names)} ({reason})" for reason, names in by_reason.items())


# ------------------------------------------------------------------------------------- mapping info


def fundamentals_row(ticker: str, info: dict[str, Any]) -> dict[str, Any]:
    """Map yfinance's `Ticker.info` to a fundamentals.csv row in FUNDAMENTAL_FIELDS; a missing key stays None.

    Units in current yfinance: dividendYield is in percentage points (0.44 = 0.44 %), debtToEquity
    is a percentage (209 = 2.09x), returnOnEquity / profitMargins / revenueGrowth are fractions.
    """
    currency = info.get("currency")
    reported_in_other_currency = info.get("financialCurrency") not in (None, currency)
    dividend_yield = _number(info, "dividendYield")
    if dividend_yield is None:
        dividend_yield = _number(info, "trailingAnnualDividendYield", scale=100)
    return {
        "ticker": ticker,
        "name": _text(info, "longName") or _text(info, "shortName") or ticker,
        "sector": _sector(info),
        "sub_industry": _text(info, "industry") or _text(info, "industryDisp") or _text(info, "category"),
        "price": _first(_number(info, "currentPrice"), _number(info, "regularMarketPrice")),
        "pe": _number(info, "trailingPE"),
        "dividend_yield": dividend_yield,
        "eps": _first(_number(info, "trailingEps"), _number(info, "epsTrailingTwelveMonths")),
        "week52_low": _number(info, "fiftyTwoWeekLow"),
        "week52_high": _number(info, "fiftyTwoWeekHigh"),
        "market_cap": _number(info, "marketCap", scale=1e-9),
        # EBITDA comes in the reporting currency (e.g. TWD for an ADR), and enterprise value adds
        # that report's debt and cash: unknown beats wrong.
        "ebitda": None if reported_in_other_currency else _number(info, "ebitda", scale=1e-9),
        "enterprise_value": None
        if reported_in_other_currency
        else _number(info, "enterpriseValue", scale=1e-9),
        "price_to_sales": _number(info, "priceToSalesTrailing12Months"),
        "price_to_book": _number(info, "priceToBook"),
        "roe": _number(info, "returnOnEquity", scale=100),
        "profit_margin": _number(info, "profitMargins", scale=100),
        "debt_to_equity": _number(info, "debtToEquity", scale=0.01),
        "revenue_growth": _number(info, "revenueGrowth", scale=100),
    }


def info_problem(info: dict[str, Any]) -> str | None:
    """Why this info cannot describe a stock in a USD snapshot, or None when it can."""
    if not (_text(info, "quoteType") or _text(info, "longName") or _text(info, "shortName")):
        return "not found on Yahoo"
    currency = info.get("currency")
    if currency and currency != CURRENCY:
        return f"quoted in {currency}, not {CURRENCY}"
    if _sector(info) is None:
        return "Yahoo gives no sector"
    return None


def _sector(info: dict[str, Any]) -> str | None:
    sector = _text(info, "sector") or _text(info, "sectorDisp")
    if sector is None and info.get("quoteType") in ("ETF", "MUTUALFUND"):
        return "Funds"  # funds have a category, not a sector; the loader needs one
    return sector


def _number(info: dict[str, Any], key: str, *, scale: float = 1.0) -> float | None:
    value = info.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None  # Yahoo also sends "Infinity", {} and None
    return float(f"{value * scale:.12g}")  # drop float noise such as 6.1000000000000005


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _text(info: dict[str, Any], key: str) -> str | None:
    value = info.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


# ------------------------------------------------------------------------------------- mapping news


def news_rows(ticker: str, items: Sequence[Any]) -> list[dict[str, Any]]:
    """Turn yfinance news items into news.jsonl rows; items without a title or date are skipped.

    Current yfinance returns {"id", "content": {"title", "summary", "pubDate", "provider":
    {"displayName"}, "canonicalUrl": {"url"}}}; older versions flat {"title", "publisher", "link",
    "providerPublishTime"}. Both are accepted.
    """
    rows = []
    for item in items:
        if not isinstance(item, dict):
            continue
        content = item.get("content")
        if isinstance(content, dict):
            row = {
                "title": _text(content, "title"),
                "summary": _text(content, "summary") or _text(content, "description"),
                "published": _timestamp(content.get("pubDate") or content.get("displayTime")),
                "publisher": _text(_dig(content, "provider"), "displayName"),
                "url": _text(_dig(content, "canonicalUrl"), "url")
                or _text(_dig(content, "clickThroughUrl"), "url"),
            }
        else:
            row = {
                "title": _text(item, "title"),
                "summary": _text(item, "summary"),
                "published": _timestamp(item.get("providerPublishTime")),
                "publisher": _text(item, "publisher"),
                "url": _text(item, "link"),
            }
        if row["title"] and row["published"] is not None:
            rows.append({"ticker": ticker, **row})
    return rows


def _dig(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    value = mapping.get(key)
    return value if isinstance(value, dict) else {}


def _timestamp(value: Any) -> pd.Timestamp | None:
    """An ISO string or epoch seconds as a UTC timestamp; anything else is None."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return pd.Timestamp(value, unit="s", tz="UTC")
        if isinstance(value, str) and value.strip():
            stamp = pd.Timestamp(value.strip())
            return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    except (ValueError, OverflowError):
        pass
    return None


def _news_frame(rows: list[dict[str, Any]], as_of: dt.date) -> pd.DataFrame:
    """Headlines up to the end of the as-of day (UTC), newest first, one per ticker and title."""
    news = pd.DataFrame(rows, columns=list(NEWS_FIELDS))
    if news.empty:
        return news
    news["published"] = pd.to_datetime(news["published"], utc=True)
    news = news[news["published"] < pd.Timestamp(as_of + dt.timedelta(days=1), tz="UTC")]
    # sorted first, so the copy kept of a headline published twice is the newest
    news = news.sort_values(["ticker", "published"], ascending=[True, False])
    return news.drop_duplicates(["ticker", "title"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------- prices


def _download(
    symbols: list[str], start: dt.date, end: dt.date, session: Any, wire: _Wire, retry: RetryPolicy
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """One batched yf.download, repeated for the symbols that failed for a passing reason."""
    got: dict[str, pd.DataFrame] = {}
    failed: dict[str, str] = {}
    pending = list(symbols)
    for attempt in range(retry.attempts):
        if not pending:
            break
        if attempt:  # yfinance memoises past-range chart responses, the empty ones included
            YfData.cache_get.cache_clear()
        frame = yf.download(
            pending,
            start=start.isoformat(),
            end=(end + dt.timedelta(days=1)).isoformat(),  # yfinance's end is exclusive
            session=session,  # without it, download() swaps a new session into yfinance's singleton
            auto_adjust=True,
            actions=False,
            group_by="ticker",
            multi_level_index=True,
            ignore_tz=True,
            threads=min(MAX_WORKERS, len(pending)),
            progress=False,
            timeout=REQUEST_TIMEOUT,
        )
        # offline or rate-limited, yf.download returns an empty frame instead of raising
        empty = frame is None or frame.dropna(how="all").empty
        for symbol in pending:
            rows = None if empty else _price_rows(frame, symbol, start, end)
            if rows is not None:
                got[symbol] = rows
                failed.pop(symbol, None)
            else:
                failed[symbol] = wire.chart_failure(symbol, empty_frame=empty)
        wire.raise_if_unreachable(final=attempt + 1 == retry.attempts)
        pending = [s for s in pending if s in failed and _is_passing(failed[s])]
        if pending and attempt + 1 < retry.attempts:
            wire.pause(retry, attempt)
    return got, failed


def _price_rows(frame: pd.DataFrame, symbol: str, start: dt.date, end: dt.date) -> pd.DataFrame | None:
    """One symbol's rows from a download frame, cleaned so the snapshot loader accepts them."""
    if symbol not in frame.columns.get_level_values(0):
        return None
    rows = frame[symbol].rename(columns=str.lower).rename_axis("date").reset_index()
    rows = rows.reindex(columns=["date", "open", "high", "low", "close", "volume"])
    rows["date"] = pd.to_datetime(rows["date"]).dt.normalize()
    rows = rows[(rows["date"] >= pd.Timestamp(start)) & (rows["date"] <= pd.Timestamp(end))]
    rows = rows[rows["close"] > 0].drop_duplicates("date", keep="last")
    if rows.empty:
        return None
    for column in ("open", "high", "low"):
        rows[column] = rows[column].where(rows[column] > 0)
    inverted = rows["high"] < rows["low"]
    rows.loc[inverted, ["high", "low"]] = float("nan")  # a glitch: unknown beats wrong
    # yfinance fills a missing volume with 0; a traded day with no volume is unknown, not zero
    rows["volume"] = rows["volume"].astype("float64").where(rows["volume"] > 0)
    return rows.sort_values("date").reset_index(drop=True)


def _long_prices(by_ticker: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = [rows.assign(ticker=ticker) for ticker, rows in by_ticker.items()]
    return pd.concat(frames, ignore_index=True)[["date", "ticker", "open", "high", "low", "close", "volume"]]


# ------------------------------------------------------------------------------- fundamentals, news


class _Details:
    """Ticker.info and news per ticker, a few at a time, each call retried on its own."""

    def __init__(self, session: Any, wire: _Wire, retry: RetryPolicy, cache: _DayCache) -> None:
        self._session = session
        self._wire = wire
        self._retry = retry
        self._cache = cache

    def gather(
        self, tickers: list[str], progress: Progress, total: int
    ) -> tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, list[Any]], dict[str, str]]:
        infos: dict[str, dict[str, Any]] = {}
        failures: dict[str, str] = {}
        news: dict[str, list[Any]] = {}
        news_failed: dict[str, str] = {}
        done = total - len(tickers)  # tickers without prices are already finished
        progress("fundamentals and news", done, total)
        pool = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="newsdesk-yahoo")
        try:
            futures = {pool.submit(self._one, ticker): ticker for ticker in tickers}
            for future in as_completed(futures):
                ticker = futures[future]
                info, problem, items, news_problem = future.result()
                if problem:
                    failures[ticker] = problem
                else:
                    infos[ticker] = info
                    news[ticker] = items
                    if news_problem:
                        news_failed[ticker] = news_problem
                done += 1
                progress("fundamentals and news", done, total)
        except BaseException:  # a FetchError from one worker, or Ctrl-C: the others must stop asking
            self._wire.stop()
            raise
        finally:
            # Queued tickers are dropped; running ones end after the request in flight (at most
            # REQUEST_TIMEOUT) or the backoff begun, as the stopped wire refuses any other. Waiting
            # for them means none uses the session after the wire hands it back, and yfinance logs
            # nothing after our one error line.
            pool.shutdown(wait=True, cancel_futures=True)
        self._wire.raise_if_unreachable(final=True)
        return {t: infos[t] for t in tickers if t in infos}, failures, news, news_failed

    def _one(self, ticker: str) -> tuple[dict[str, Any], str | None, list[Any], str | None]:
        info = self._cache.load(ticker, "info")
        if info is None:
            try:
                # a fresh Ticker per attempt: a failed Quote remembers it "already fetched"
                info = self._call(lambda: yf.Ticker(ticker, session=self._session).get_info())
            except FetchError:
                raise
            except Exception as exc:  # yfinance raises many types; the ticker is reported, not the run
                return {}, _failure(exc), [], None
            info = info if isinstance(info, dict) else {}
            problem = info_problem(info)
            if problem:
                return info, problem, [], None
            self._cache.save(ticker, "info", info)
        items = self._cache.load(ticker, "news")
        if items is None:
            try:
                items = self._call(
                    lambda: yf.Ticker(ticker, session=self._session).get_news(count=NEWS_COUNT)
                )
            except FetchError:
                raise
            except Exception as exc:  # headlines are optional: keep the ticker, note the gap
                return info, None, [], _failure(exc)
            items = list(items or [])
            self._cache.save(ticker, "news", items)
        return info, None, items, None

    def _call(self, call: Callable[[], Any]) -> Any:
        for attempt in range(self._retry.attempts - 1):
            try:
                return call()
            except Exception as exc:
                self._wire.raise_if_unreachable(final=False)
                if not _is_passing(_failure(exc)):
                    raise
                self._wire.pause(self._retry, attempt)
        return call()


_RATE_LIMITED = "rate limited by Yahoo"
_NETWORK = "network error"
_EMPTY = "Yahoo returned no data (empty frame)"
_SERVER = "Yahoo server error"


def _is_passing(reason: str) -> bool:
    """Is this failure worth another attempt? Rate limits, network trouble and empty answers are."""
    return reason.startswith((_RATE_LIMITED, _NETWORK, _EMPTY, _SERVER))


def _failure(exc: BaseException) -> str:
    """A short reason for a failed yfinance call."""
    if isinstance(exc, YFRateLimitError):
        return _RATE_LIMITED
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int) and status >= 400:
        return _status_reason(status)
    if status is None and isinstance(exc, OSError):  # requests' and curl_cffi's errors are OSErrors
        return f"{_NETWORK}: {_short(exc)}"
    return f"Yahoo error: {_short(exc)}"


def _short(exc: BaseException) -> str:
    """One readable line from an exception; curl's boilerplate is dropped."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = re.sub(r"^Failed to perform, curl: \(\d+\)\s*", "", text)
    text = re.sub(r"\.? See https://curl\.se/\S+.*$", "", text)
    return text if len(text) <= 160 else text[:157] + "..."


# ------------------------------------------------------------------------------------------ the wire


class _Unreachable(ConnectionError):
    """Raised for every request once Yahoo has not answered within REACH_BUDGET."""


class _Stopped(Exception):
    """Raised for every request and retry once the fetch is over; not an OSError, so not retried."""


_CHART_PATH = re.compile(r"/v8/finance/chart/([^/?]+)")


class _Wire:
    """Watches every request yfinance makes on our session.

    It clamps timeouts (yfinance asks for 30 s on some calls), counts answers, keeps the last
    outcome of each symbol's chart request (yf.download swallows it) and, while Yahoo has never
    answered, refuses further requests after REACH_BUDGET so a dead network fails fast.
    """

    def __init__(self, session: Any, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session
        self._clock = clock
        self._lock = threading.Lock()
        self._started: float | None = None
        self.requests = 0
        self.answers = 0
        self.last_error: str | None = None
        self._chart: dict[str, str] = {}
        self._stopped = False

    def __enter__(self) -> _Wire:
        self._own = vars(self._session).get("request")
        self._send = self._session.request
        self._session.request = self._request  # an instance attribute shadows the class method
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own is None:
            del self._session.request
        else:
            self._session.request = self._own

    def stop(self) -> None:
        """Refuse every further request and retry: the fetch has failed or been interrupted."""
        with self._lock:
            self._stopped = True

    def _request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            if self._stopped:
                raise _Stopped("the fetch is over")
            now = self._clock()
            self._started = now if self._started is None else self._started
            if self.answers == 0 and now - self._started > REACH_BUDGET:
                raise _Unreachable(f"no answer within {REACH_BUDGET:.0f} s")
            self.requests += 1
        timeout = kwargs.get("timeout")
        if timeout is None or (isinstance(timeout, int | float) and timeout > REQUEST_TIMEOUT):
            kwargs["timeout"] = REQUEST_TIMEOUT
        match = _CHART_PATH.search(urlsplit(url).path)
        symbol = unquote(match.group(1)).upper() if match else None
        try:
            response = self._send(method, url, *args, **kwargs)
        except Exception as exc:
            with self._lock:
                self.last_error = _short(exc)
                if symbol:
                    self._chart[symbol] = f"{_NETWORK}: {self.last_error}"
            raise
        with self._lock:
            self.answers += 1
            if symbol:
                self._chart[symbol] = _status_reason(response.status_code)
        return response

    def chart_failure(self, symbol: str, *, empty_frame: bool) -> str:
        """Why `symbol` has no prices, from what its chart requests really got back."""
        outcome = self._chart.get(symbol)
        if outcome and outcome != "ok":
            return outcome
        return _EMPTY if empty_frame else "no prices from Yahoo in the requested dates"

    def raise_if_unreachable(self, *, final: bool) -> None:
        """After a round of requests: give up at once when Yahoo never answered and time is up."""
        if self.answers or self.requests == 0:
            return
        if final or self._clock() - (self._started or 0.0) > REACH_BUDGET:
            raise FetchError(f"could not reach Yahoo Finance: {self.last_error or 'no answer'}")

    def pause(self, retry: RetryPolicy, attempt: int) -> None:
        """Back off before the next attempt, unless the wait would outlast the reach budget."""
        if self._stopped:
            raise _Stopped("the fetch is over")
        delay = retry.delay(attempt)
        if (
            self.answers == 0
            and self.requests
            and self._clock() - (self._started or 0.0) + delay > REACH_BUDGET
        ):
            raise FetchError(f"could not reach Yahoo Finance: {self.last_error or 'no answer'}")
        retry.sleep(delay)


def _status_reason(status: int) -> str:
    """What an HTTP status from Yahoo means for a symbol; the one mapping of statuses to reasons."""
    if status == 429:
        return _RATE_LIMITED
    if status == 404:
        return "not found on Yahoo"
    if status >= 500:
        return f"{_SERVER} (HTTP {status})"
    if status >= 400:
        return f"Yahoo refused the request (HTTP {status})"
    return "ok"


def _new_session() -> Any:
    """The session yfinance would make itself: curl_cffi impersonating a browser, else requests."""
    try:
        from curl_cffi import requests as curl_requests
    except ImportError:  # yfinance falls back the same way
        import requests

        return requests.Session()
    return curl_requests.Session(impersonate="chrome")


@contextmanager
def _quiet_yfinance() -> Iterator[None]:
    """yfinance logs failures and pandas deprecations to stderr; the CLI reports its own one line."""
    logger = logging.getLogger("yfinance")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="yfinance")
            yield
    finally:
        logger.setLevel(level)


def _point_yfinance_cache_at(folder: Path) -> None:
    """Keep yfinance's timezone and cookie caches in our cache folder, which we know is writable.

    yfinance's cache objects hold on to the database they opened first, so when the folder changes
    they are dropped as well; set_tz_cache_location alone would keep writing to the old one. The
    databases are then opened here, once: yf.download's threads opening them together collide with
    "database is locked" and silently lose tickers.
    """
    if yf_cache._TzDBManager.get_location() != str(folder):
        folder.mkdir(parents=True, exist_ok=True)
        yf.set_tz_cache_location(str(folder))
        yf_cache._TzCacheManager._tz_cache = None
        yf_cache._CookieCacheManager._Cookie_cache = None
        yf_cache._ISINCacheManager._isin_cache = None
    yf_cache.get_tz_cache().lookup("")
    yf_cache.get_cookie_cache().lookup("")


# ------------------------------------------------------------------------------------------ the cache


class _DayCache:
    """What was fetched today, per ticker: a second fetch the same day makes no request.

    Layout: <root>/yahoo/<day>/<TICKER>/{info.json, news.json, prices-<start>-<end>.json}.
    Files are written atomically; an unreadable file counts as a miss. Days older than a week go.
    """

    def __init__(self, root: Path, day: dt.date) -> None:
        base = root / "yahoo"
        self.folder = base / day.isoformat()
        self.problem: str | None = None  # the first write that failed, for one warning
        self._lock = threading.Lock()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FetchError(
                f"{root}: cannot create the cache folder ({exc.strerror}); use --cache-dir or ${CACHE_ENV}"
            ) from None
        cutoff = (day - dt.timedelta(days=CACHE_DAYS_KEPT)).isoformat()
        for old in base.iterdir():
            if old.is_dir() and old.name < cutoff:
                shutil.rmtree(old, ignore_errors=True)

    def _path(self, ticker: str, name: str) -> Path:
        return self.folder / re.sub(r"[^A-Za-z0-9.^=_-]", "_", ticker) / f"{name}.json"

    def load(self, ticker: str, name: str) -> Any:
        try:
            return json.loads(self._path(ticker, name).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, ticker: str, name: str, value: Any) -> None:
        """Write one entry. A failure (read-only folder, full disk) is noted, not raised: the cache
        only saves requests, and what was fetched is as good without it."""
        path = self._path(ticker, name)
        try:
            atomic_write(path, json.dumps(value, default=str))  # never a half-written entry
        except OSError as exc:
            with self._lock:
                self.problem = self.problem or f"cache not written: {path}: {exc.strerror or exc}"

    def prices(self, ticker: str, start: dt.date, end: dt.date) -> pd.DataFrame | None:
        records = self.load(ticker, f"prices-{start}-{end}")
        if not records:
            return None
        rows = pd.DataFrame(records, columns=["date", "open", "high", "low", "close", "volume"])
        rows["date"] = pd.to_datetime(rows["date"])
        return rows.astype(dict.fromkeys(("open", "high", "low", "close", "volume"), "float64"))

    def save_prices(self, ticker: str, start: dt.date, end: dt.date, rows: pd.DataFrame) -> None:
        plain = rows.assign(date=rows["date"].dt.strftime("%Y-%m-%d")).astype(object)
        records = plain.where(plain.notna(), None).to_dict("records")
        self.save(ticker, f"prices-{start}-{end}", records)
