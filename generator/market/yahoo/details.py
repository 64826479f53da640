"""`Ticker.info` and news per ticker, a few at a time, each call retried on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yfinance as yf

from generator.market.yahoo.cache import DayCache
from generator.market.yahoo.mapping import info_known, info_problem
from generator.market.yahoo.transport import CallFailed, Failure, FailureKind, RetryPolicy, Wire, each

NEWS_COUNT = 20
MAX_WORKERS = 4

Progress = Callable[[str, int, int], None]  # (what is happening, done, total)


class Details:
    """Info and headlines for the tickers that have prices; a ticker without info is a failure,
    one without headlines is kept with the gap noted."""

    def __init__(self, session: Any, wire: Wire, retry: RetryPolicy, cache: DayCache) -> None:
        self._session = session
        self._wire = wire
        self._retry = retry
        self._cache = cache

    def gather(
        self, tickers: list[str], progress: Progress, total: int
    ) -> tuple[dict[str, dict[str, Any]], dict[str, Failure], dict[str, list[Any]], dict[str, str]]:
        infos: dict[str, dict[str, Any]] = {}
        failures: dict[str, Failure] = {}
        news: dict[str, list[Any]] = {}
        news_failed: dict[str, str] = {}
        done = total - len(tickers)  # tickers without prices are already finished
        progress("fundamentals and news", done, total)
        for ticker, (info, failure, items, news_problem) in each(tickers, self._one, self._wire, MAX_WORKERS):
            if failure:
                failures[ticker] = failure
            else:
                infos[ticker] = info
                news[ticker] = items
                if news_problem:
                    news_failed[ticker] = news_problem
            done += 1
            progress("fundamentals and news", done, total)
        self._wire.raise_if_unreachable(final=True)
        return {t: infos[t] for t in tickers if t in infos}, failures, news, news_failed

    def _one(self, ticker: str) -> tuple[dict[str, Any], Failure | None, list[Any], str | None]:
        info = self._cache.load(ticker, "info")
        if info is None:
            try:
                # a fresh Ticker per attempt: a failed Quote remembers it "already fetched"
                info = self._wire.call(
                    lambda: yf.Ticker(ticker, session=self._session).get_info(), self._retry, ticker
                )
            except CallFailed as failed:
                return {}, failed.failure, [], None
            info = info if isinstance(info, dict) else {}
            if not info_known(info):
                return info, Failure(FailureKind.NOT_FOUND), [], None
            problem = info_problem(info)
            if problem:
                return info, Failure(FailureKind.UNUSABLE, problem), [], None
            self._cache.save(ticker, "info", info)
        items = self._cache.load(ticker, "news")
        if items is None:
            try:
                items = self._wire.call(
                    lambda: yf.Ticker(ticker, session=self._session).get_news(count=NEWS_COUNT),
                    self._retry,
                    ticker,
                )
            except CallFailed as failed:  # headlines are optional: keep the ticker, note the gap
                return info, None, [], failed.failure.reason
            items = list(items or [])
            self._cache.save(ticker, "news", items)
        return info, None, items, None
