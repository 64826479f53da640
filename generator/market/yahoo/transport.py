"""The HTTP side of Yahoo Finance: our session, a watch on every request, retries, and what failed.

yfinance hides most failures (a rate limit or a dead network can come back as an empty frame or a
log line), so every exchange on our session passes through a `Wire` that records what really
happened per symbol, clamps timeouts and gives up when Yahoo never answers. A failed call becomes a
`Failure` of a `FailureKind` that knows whether another attempt can help, decided from yfinance's
exception types and the HTTP status the wire saw, never from message text.
"""

from __future__ import annotations

import enum
import logging
import random
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yfinance as yf
import yfinance.cache as yf_cache
from yfinance.config import YfConfig
from yfinance.exceptions import YFPricesMissingError, YFRateLimitError, YFTzMissingError

from generator.errors import FetchError

REQUEST_TIMEOUT = 8.0  # seconds per HTTP request; yfinance asks for up to 30
REACH_BUDGET = 15.0  # seconds to wait for Yahoo's first answer before declaring it unreachable


class FailureKind(enum.Enum):
    """Why a call to Yahoo failed; `retryable` says whether waiting and asking again can help."""

    RATE_LIMITED = "rate-limited by Yahoo Finance"
    NETWORK = "network error"
    SERVER = "Yahoo server error"
    EMPTY = "Yahoo returned no data"
    NOT_FOUND = "not a Yahoo symbol?"
    REFUSED = "Yahoo refused the request"
    UNUSABLE = "unusable"  # Yahoo answered, but not with a stock a USD snapshot can hold
    OTHER = "Yahoo error"

    @property
    def retryable(self) -> bool:
        return self in (FailureKind.RATE_LIMITED, FailureKind.NETWORK, FailureKind.SERVER, FailureKind.EMPTY)


@dataclass(frozen=True)
class Failure:
    """One failed call: its kind, a detail for the user, and how many attempts were made."""

    kind: FailureKind
    detail: str = ""
    attempts: int = 1

    @property
    def retryable(self) -> bool:
        return self.kind.retryable

    def after(self, attempts: int) -> Failure:
        return Failure(self.kind, self.detail, attempts)

    @property
    def reason(self) -> str:
        """Short, for a list of tickers: 'rate-limited by Yahoo Finance after 4 attempts'."""
        if self.kind is FailureKind.RATE_LIMITED:
            return f"{self.kind.value} after {self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        if self.kind is FailureKind.UNUSABLE:
            return self.detail
        return f"{self.kind.value}: {self.detail}" if self.detail else self.kind.value


def status_kind(status: int) -> FailureKind | None:
    """What an HTTP status from Yahoo means; None for a success. The one mapping of statuses."""
    if status == 429:
        return FailureKind.RATE_LIMITED
    if status == 404:
        return FailureKind.NOT_FOUND
    if status >= 500:
        return FailureKind.SERVER
    if status >= 400:
        return FailureKind.REFUSED
    return None


def classify(exc: BaseException, seen: int | None = None) -> Failure:
    """A failed yfinance call as a Failure: yfinance's typed exceptions first, then the HTTP status
    (on the exception, or `seen` by the wire for the symbol: a 500 page fails JSON parsing in
    yfinance), then a transport error (requests' and curl_cffi's are OSErrors)."""
    if isinstance(exc, YFRateLimitError):
        return Failure(FailureKind.RATE_LIMITED)
    if isinstance(exc, YFTzMissingError):
        return Failure(FailureKind.NOT_FOUND)
    if isinstance(exc, YFPricesMissingError):
        return Failure(FailureKind.NOT_FOUND if exc.yahoo_reason else FailureKind.EMPTY)
    status = getattr(getattr(exc, "response", None), "status_code", None)
    for code in (status, seen):
        kind = status_kind(code) if isinstance(code, int) else None
        if kind is not None:
            return Failure(kind, "" if kind is FailureKind.NOT_FOUND else f"HTTP {code}")
    if isinstance(exc, OSError) and seen is None:
        return Failure(FailureKind.NETWORK, short(exc))
    return Failure(FailureKind.OTHER, short(exc))


def short(exc: BaseException) -> str:
    """One readable line from an exception; curl's boilerplate is dropped."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = re.sub(r"^Failed to perform, curl: \(\d+\)\s*", "", text)
    text = re.sub(r"\.? See https://curl\.se/\S+.*$", "", text)
    return text if len(text) <= 160 else text[:157] + "..."


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


class Unreachable(ConnectionError):
    """Raised for every request once Yahoo has not answered within REACH_BUDGET."""


class Stopped(Exception):
    """Raised for every request and retry once the fetch is over; not an OSError, so not retried."""


_SYMBOL_PATH = re.compile(r"/(?:v8/finance/chart|v10/finance/quoteSummary)/([^/?]+)")


class Wire:
    """Watches every request yfinance makes on our session.

    It clamps timeouts (yfinance asks for 30 s on some calls), counts answers, keeps the HTTP status
    of each symbol's last chart or quoteSummary answer (None after a transport error) and, while
    Yahoo has never answered, refuses further requests after REACH_BUDGET so a dead network fails fast.
    """

    def __init__(self, session: Any, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._session = session
        self._clock = clock
        self._lock = threading.Lock()
        self._started: float | None = None
        self.requests = 0
        self.answers = 0
        self.last_error: str | None = None
        self._status: dict[str, int | None] = {}
        self._stopped = False

    def __enter__(self) -> Wire:
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

    def status(self, symbol: str) -> int | None:
        """The HTTP status of `symbol`'s last answer; None when it had none (or no request)."""
        with self._lock:
            return self._status.get(symbol.upper())

    def _request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            if self._stopped:
                raise Stopped("the fetch is over")
            now = self._clock()
            self._started = now if self._started is None else self._started
            if self.answers == 0 and now - self._started > REACH_BUDGET:
                raise Unreachable(f"no answer within {REACH_BUDGET:.0f} s")
            self.requests += 1
        timeout = kwargs.get("timeout")
        if timeout is None or (isinstance(timeout, int | float) and timeout > REQUEST_TIMEOUT):
            kwargs["timeout"] = REQUEST_TIMEOUT
        match = _SYMBOL_PATH.search(urlsplit(url).path)
        symbol = unquote(match.group(1)).upper() if match else None
        try:
            response = self._send(method, url, *args, **kwargs)
        except Exception as exc:
            with self._lock:
                self.last_error = short(exc)
                if symbol:
                    self._status[symbol] = None
            raise
        with self._lock:
            self.answers += 1
            if symbol:
                self._status[symbol] = response.status_code
        return response

    def raise_if_unreachable(self, *, final: bool) -> None:
        """After a round of requests: give up at once when Yahoo never answered and time is up."""
        if self.answers or self.requests == 0:
            return
        if final or self._clock() - (self._started or 0.0) > REACH_BUDGET:
            raise FetchError(f"could not reach Yahoo Finance: {self.last_error or 'no answer'}")

    def pause(self, retry: RetryPolicy, attempt: int) -> None:
        """Back off before the next attempt, unless the wait would outlast the reach budget."""
        if self._stopped:
            raise Stopped("the fetch is over")
        delay = retry.delay(attempt)
        if (
            self.answers == 0
            and self.requests
            and self._clock() - (self._started or 0.0) + delay > REACH_BUDGET
        ):
            raise FetchError(f"could not reach Yahoo Finance: {self.last_error or 'no answer'}")
        retry.sleep(delay)

    def call(self, call: Callable[[], Any], retry: RetryPolicy, symbol: str) -> Any:
        """Run a yfinance call, retrying retryable failures with backoff; a Failure is raised as
        CallFailed. A FetchError (Yahoo unreachable) and Stopped pass straight through."""
        for attempt in range(retry.attempts):
            try:
                return call()
            except (FetchError, Stopped):
                raise
            except Exception as exc:
                self.raise_if_unreachable(final=False)
                failure = classify(exc, self.status(symbol)).after(attempt + 1)
                if not failure.retryable or attempt + 1 == retry.attempts:
                    raise CallFailed(failure) from None
                self.pause(retry, attempt)
        raise AssertionError("unreachable")  # the loop always returns or raises


class CallFailed(Exception):
    """A yfinance call that failed for good, carrying its Failure."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def each(items: list[str], work: Callable[[str], Any], wire: Wire, workers: int) -> Iterator[tuple[str, Any]]:
    """Run `work` on every item a few at a time (Yahoo rate-limits bursts), yielding as each ends.

    On any error (a FetchError from one worker, or Ctrl-C) the wire is stopped so the others ask
    nothing more; queued items are dropped, and running ones end after the request in flight (at
    most REQUEST_TIMEOUT) or the backoff begun. Waiting for them means none uses the session after
    the wire hands it back, and nothing is logged after the one error line.
    """
    pool = ThreadPoolExecutor(
        max_workers=max(1, min(workers, len(items))), thread_name_prefix="newsdesk-yahoo"
    )
    try:
        futures = {pool.submit(work, item): item for item in items}
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        wire.stop()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def new_session() -> Any:
    """The session yfinance would make itself: curl_cffi impersonating a browser, else requests."""
    try:
        from curl_cffi import requests as curl_requests
    except ImportError:  # yfinance falls back the same way
        import requests

        return requests.Session()
    return curl_requests.Session(impersonate="chrome")


@contextmanager
def quiet_yfinance() -> Iterator[None]:
    """yfinance raises its typed exceptions instead of logging them, and logs and warns nothing:
    the CLI reports its own one line."""
    logger = logging.getLogger("yfinance")
    level, hidden = logger.level, YfConfig.debug.hide_exceptions
    logger.setLevel(logging.CRITICAL + 1)
    YfConfig.debug.hide_exceptions = False
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="yfinance")
            warnings.filterwarnings("ignore", message=".*inplace keyword.*")
            yield
    finally:
        logger.setLevel(level)
        YfConfig.debug.hide_exceptions = hidden


def point_yfinance_cache_at(folder: Path) -> None:
    """Keep yfinance's timezone and cookie caches in our cache folder, which we know is writable.

    yfinance's cache objects hold on to the database they opened first, so when the folder changes
    they are dropped as well; set_tz_cache_location alone would keep writing to the old one. The
    databases are then opened here, once: threads opening them together collide with "database is
    locked" and silently lose tickers.
    """
    if yf_cache._TzDBManager.get_location() != str(folder):
        folder.mkdir(parents=True, exist_ok=True)
        yf.set_tz_cache_location(str(folder))
        yf_cache._TzCacheManager._tz_cache = None
        yf_cache._CookieCacheManager._Cookie_cache = None
        yf_cache._ISINCacheManager._isin_cache = None
    yf_cache.get_tz_cache().lookup("")
    yf_cache.get_cookie_cache().lookup("")
