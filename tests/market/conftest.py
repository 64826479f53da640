"""A fake Yahoo Finance at yfinance's HTTP layer, and guards that keep tests/market off the network.

`FakeYahoo` is a requests.Session whose request() answers the calls yfinance 1.7 really makes (the
cookie and crumb dance, v8 chart, v10 quoteSummary, v7 quote, fundamentals-timeseries and the ncp
news stream) with the recorded JSON in fixtures/, so yfinance's own parsing runs on every test.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CRUMB = "Xk2fAkE.cRuMb"
START = dt.date(2023, 11, 1)
AS_OF = dt.date(2024, 11, 22)  # a Friday
NEW_YORK = ZoneInfo("America/New_York")
NOW = dt.datetime(2024, 11, 25, 12, 0, tzinfo=NEW_YORK)  # the Monday after: AS_OF's session is over
NOT_FOUND_CHART = {
    "chart": {
        "result": None,
        "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"},
    }
}
NOT_FOUND_SUMMARY = {
    "quoteSummary": {
        "result": None,
        "error": {"code": "Not Found", "description": "Quote not found for symbol"},
    }
}
EMPTY_CHART = {"chart": {"result": [], "error": None}}
_DATA_KINDS = ("tz", "chart", "quoteSummary", "quote", "timeseries", "news")
_REASONS = {200: "OK", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}


@functools.cache
def fixture(name: str) -> Any:
    path = FIXTURES / name
    return json.loads(path.read_text("utf-8")) if path.is_file() else None


class FakeYahoo(requests.Session):
    """Yahoo Finance as yfinance sees it: canned JSON per endpoint, real status codes, real cookie.

    `fail(kind, symbol, status, times)` serves `status` to the next `times` requests of that kind
    for that symbol (kinds: tz, chart, quoteSummary, quote, timeseries, news). yfinance re-sends a
    failed request once with its other cookie strategy, so two 429s make one YFRateLimitError.
    """

    def __init__(self, *, offline: bool = False) -> None:
        super().__init__()
        self.offline = offline
        self.calls: list[tuple[str, str | None]] = []  # (kind, symbol) of every request
        self.unexpected: list[str] = []  # requests yfinance would not make to the real Yahoo
        self.news_files: dict[str, str] = {}  # symbol -> fixture name, to swap a news shape
        self._faults: dict[tuple[str, str], list[tuple[int, Any]]] = {}
        self._lock = threading.Lock()

    def fail(self, kind: str, symbol: str, status: int = 429, times: int = 2, body: Any = None) -> None:
        assert kind in _DATA_KINDS, kind
        self._faults[(kind, symbol)] = [(status, body)] * times

    def count(self, kind: str | None = None, symbol: str | None = None) -> int:
        return sum(1 for k, s in self.calls if kind in (None, k) and symbol in (None, s))

    def request(self, method, url, params=None, data=None, headers=None, cookies=None, files=None, auth=None,
                timeout=None, allow_redirects=True, proxies=None, hooks=None, stream=None, verify=None,
                cert=None, json=None):  # fmt: skip
        parts = urlsplit(url)
        params = {**dict(parse_qsl(parts.query)), **dict(params or {})}
        kind, symbol = _route(method, parts.hostname or "", parts.path, params, json)
        with self._lock:
            self.calls.append((kind, symbol))
        if self.offline:
            raise requests.ConnectionError(
                f"Failed to resolve '{parts.hostname}' (Temporary failure in name resolution)"
            )
        if timeout is None or timeout > 30:
            self.unexpected.append(f"{url}: timeout {timeout}")
        if kind in _DATA_KINDS and params.get("crumb") != CRUMB:
            self.unexpected.append(f"{url}: no crumb (the cookie and crumb dance failed)")
        with self._lock:
            queue = self._faults.get((kind, symbol or ""))
            fault = queue.pop(0) if queue else None
        if fault:
            status, body = fault
            return _response(url, status, body if body is not None else "Too Many Requests\r\n")
        handler = getattr(self, f"_{kind}", None)
        if handler is None:
            self.unexpected.append(f"{method} {url}")
            return _response(url, 404, "<html>not found</html>")
        return handler(url, symbol, params, json)

    # --------------------------------------------------------------------------------- endpoints

    def _cookie(self, url, symbol, params, body):
        # fc.yahoo.com answers 404 but sets the A3 cookie that yfinance caches and re-reads
        expires = int(time.time()) + 365 * 86400
        self.cookies.set("A3", "d=AQABBFAKE&S=AQAAAFAKE", domain=".yahoo.com", path="/", expires=expires)
        return _response(url, 404, "<html><body>404</body></html>")

    def _crumb(self, url, symbol, params, body):
        return _response(url, 200, CRUMB, "text/plain")

    def _consent(self, url, symbol, params, body):
        return _response(url, 200, "<html><body>no consent needed</body></html>")

    def _tz(self, url, symbol, params, body):
        if params != {"range": "1d", "interval": "1d", "crumb": CRUMB}:
            self.unexpected.append(f"{url}: tz params {params}")
        document = fixture(f"chart_{symbol}.json")
        if document is None:
            return _response(url, 404, NOT_FOUND_CHART)
        return _response(url, 200, _sliced(document, None, None, last_only=True))

    def _chart(self, url, symbol, params, body):
        expected = {
            "interval": "1d",
            "includePrePost": False,
            "events": "div,splits,capitalGains",
            "crumb": CRUMB,
        }
        if {k: params.get(k) for k in expected} != expected or not {"period1", "period2"} <= set(params):
            self.unexpected.append(f"{url}: chart params {params}")
        document = fixture(f"chart_{symbol}.json")
        if document is None:
            return _response(url, 404, NOT_FOUND_CHART)
        return _response(url, 200, _sliced(document, int(params["period1"]), int(params["period2"])))

    def _quoteSummary(self, url, symbol, params, body):
        modules = set(params.get("modules", "").split(","))
        wanted = {"financialData", "quoteType", "defaultKeyStatistics", "assetProfile", "summaryDetail"}
        if modules != wanted or params.get("formatted") != "false":
            self.unexpected.append(f"{url}: quoteSummary params {params}")
        document = fixture(f"quoteSummary_{symbol}.json")
        return _response(url, 200, document) if document else _response(url, 404, NOT_FOUND_SUMMARY)

    def _quote(self, url, symbol, params, body):
        document = fixture(f"quote_{symbol}.json") or {"quoteResponse": {"result": [], "error": None}}
        return _response(url, 200, document)

    def _timeseries(self, url, symbol, params, body):
        meta = {"symbol": [symbol], "type": ["trailingPegRatio"]}
        return _response(url, 200, {"timeseries": {"result": [{"meta": meta}], "error": None}})

    def _news(self, url, symbol, params, body):
        if params.get("queryRef") != "latestNews" or body.get("serviceConfig", {}).get("s") != [symbol]:
            self.unexpected.append(f"{url}: news request {params} {body}")
        document = fixture(self.news_files.get(symbol, f"ncp_{symbol}.json"))
        return _response(url, 200, document or {"data": {"tickerStream": {"stream": []}}, "status": "OK"})


def _route(method: str, host: str, path: str, params: dict, body: Any) -> tuple[str, str | None]:
    """Which Yahoo endpoint a request is for, and the symbol it asks about."""
    if host == "fc.yahoo.com":
        return "cookie", None
    if path == "/v1/test/getcrumb":
        return "crumb", None
    if host.endswith("consent.yahoo.com") or host == "guce.yahoo.com":
        return "consent", None
    if path.startswith("/v8/finance/chart/"):
        return ("tz" if "range" in params else "chart"), path.rsplit("/", 1)[1].upper()
    if path.startswith("/v10/finance/quoteSummary/"):
        return "quoteSummary", path.rsplit("/", 1)[1].upper()
    if path.startswith("/v7/finance/quote"):
        return "quote", str(params.get("symbols", "")).upper()
    if "/fundamentals-timeseries/" in path:
        return "timeseries", path.rsplit("/", 1)[1].upper()
    if method == "POST" and path == "/xhr/ncp":
        return "news", (body or {}).get("serviceConfig", {}).get("s", [None])[0]
    return "unknown", None


def _sliced(document: dict, period1: int | None, period2: int | None, *, last_only: bool = False) -> dict:
    """The chart as Yahoo serves it for a range: only bars with period1 <= timestamp < period2."""
    out = copy.deepcopy(document)
    result = out["chart"]["result"][0]
    stamps = result["timestamp"]
    keep = [len(stamps) - 1] if last_only else [i for i, t in enumerate(stamps) if period1 <= t < period2]
    result["timestamp"] = [stamps[i] for i in keep]
    quote = result["indicators"]["quote"][0]
    for key in quote:
        quote[key] = [quote[key][i] for i in keep]
    adjclose = result["indicators"]["adjclose"][0]
    adjclose["adjclose"] = [adjclose["adjclose"][i] for i in keep]
    if "events" in result:
        kept = set(result["timestamp"])
        result["events"] = {
            name: {k: v for k, v in events.items() if v["date"] in kept}
            for name, events in result["events"].items()
        }
    return out


def _response(url: str, status: int, body: Any, content_type: str | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = _REASONS.get(status, "")
    response.url = url
    response.encoding = "utf-8"
    if isinstance(body, dict | list):
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json;charset=utf-8"
    else:
        response._content = str(body).encode()
        response.headers["Content-Type"] = content_type or "text/html;charset=utf-8"
    return response


# ------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real socket, requests transport or curl request fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a test in tests/market tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    from curl_cffi.requests import Session as CurlSession

    monkeypatch.setattr(CurlSession, "request", refuse)


@pytest.fixture(autouse=True)
def fresh_yfinance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Each test starts with a new YfData (crumb, cookie strategy), empty response caches and
    yfinance's sqlite caches and our cache inside tmp_path; nothing leaks into the next test."""
    from yfinance import base
    from yfinance.data import SingletonMeta, YfData

    from generator.market.yahoo.transport import point_yfinance_cache_at

    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setattr(base, "_tz_info_fetch_ctr", 0)
    point_yfinance_cache_at(tmp_path / "yfinance-default")

    def reset() -> None:
        SingletonMeta._instances.pop(YfData, None)
        YfData.cache_get.cache_clear()

    reset()
    yield
    reset()


class Sleeps(list):
    """Records the backoff delays instead of waiting them out."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def retry(sleeps: Sleeps):
    from generator.market.yahoo import RetryPolicy

    return RetryPolicy(sleep=sleeps, jitter=lambda: 0.5)


@pytest.fixture
def fake() -> FakeYahoo:
    session = FakeYahoo()
    yield session
    assert session.unexpected == [], session.unexpected


@pytest.fixture
def fetch_into(tmp_path: Path, fake: FakeYahoo, retry):
    """run_fetch on the fake with the test's dates and clock; returns the snapshot folder."""
    from generator.market.fetch_command import run_fetch

    def run(tickers: str = "AAPL,MSFT,JPM,XOM", *, session: FakeYahoo | None = None, out: str = "snap", **kw):
        options = {
            "universe": None,
            "benchmark": "SPY",
            "start": START,
            "as_of": AS_OF,
            "quiet": True,
            "now": NOW,
        }
        options.update(kw)
        return run_fetch(
            tickers=tickers,
            out=tmp_path / out,
            cache_dir=tmp_path / "cache",
            session=session or fake,
            retry=retry,
            **options,
        )

    return run
