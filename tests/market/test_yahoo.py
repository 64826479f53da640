"""The Yahoo mapping rules on their own: units, gaps, odd values, both news shapes."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import requests

from generator.market.calendars import last_completed_session
from generator.market.yahoo import RetryPolicy, mapping, transport
from generator.market.yahoo.mapping import fundamentals_row, info_known, info_problem, news_rows
from generator.market.yahoo.transport import FailureKind

STOCK = {"quoteType": "EQUITY", "longName": "Helix Corp", "currency": "USD", "sector": "Technology"}


def test_every_key_may_be_missing():
    row = fundamentals_row("HLX", STOCK)
    numeric = {k: v for k, v in row.items() if k not in ("ticker", "name", "sector", "sub_industry")}
    assert numeric and all(value is None for value in numeric.values())
    assert (row["name"], row["sector"], row["sub_industry"]) == ("Helix Corp", "Technology", None)


@pytest.mark.parametrize("odd", ["Infinity", {}, None, True, float("nan"), float("inf"), "12.5"])
def test_values_that_are_not_numbers_stay_unknown(odd):
    assert fundamentals_row("HLX", {**STOCK, "trailingPE": odd, "marketCap": odd})["pe"] is None


def test_units_are_converted():
    info = {
        **STOCK,
        "dividendYield": 1.25,  # percentage points
        "debtToEquity": 45.5,  # percent
        "returnOnEquity": 0.123,  # fractions
        "profitMargins": -0.05,
        "revenueGrowth": 0.061,
        "marketCap": 12_345_000_000,  # dollars
        "ebitda": 987_000_000,
        "enterpriseValue": 14_120_000_000,
    }
    row = fundamentals_row("HLX", info)
    assert row["dividend_yield"] == 1.25 and row["debt_to_equity"] == 0.455
    assert (row["roe"], row["profit_margin"], row["revenue_growth"]) == (12.3, -5.0, 6.1)
    assert (row["market_cap"], row["ebitda"], row["enterprise_value"]) == (12.345, 0.987, 14.12)


def test_dividend_yield_falls_back_to_the_trailing_fraction():
    assert fundamentals_row("HLX", {**STOCK, "trailingAnnualDividendYield": 0.0123})["dividend_yield"] == 1.23
    assert (
        fundamentals_row("HLX", {**STOCK, "dividendYield": 0.0, "trailingAnnualDividendYield": 0.02})[
            "dividend_yield"
        ]
        == 0.0
    )  # a real zero is kept, not replaced


def test_ebitda_and_enterprise_value_reported_in_another_currency_are_unknown():
    info = {
        **STOCK,
        "financialCurrency": "TWD",
        "ebitda": 1_500_000_000_000,
        "enterpriseValue": 2.6e13,
        "marketCap": 9e11,
    }
    row = fundamentals_row("TSM", info)
    assert row["ebitda"] is None and row["enterprise_value"] is None and row["market_cap"] == 900.0


def test_funds_get_a_sector_and_their_category():
    row = fundamentals_row("QQQ", {"quoteType": "ETF", "longName": "Invesco QQQ", "category": "Large Growth"})
    assert (row["sector"], row["sub_industry"]) == ("Funds", "Large Growth")
    assert info_problem({"quoteType": "ETF", "longName": "Invesco QQQ"}) is None


def test_an_unknown_symbols_info_is_recognised():
    assert not info_known({"trailingPegRatio": None}) and info_known(STOCK)


@pytest.mark.parametrize(
    ("info", "problem"),
    [
        ({**STOCK, "currency": "EUR"}, "quoted in EUR, not USD"),
        ({"quoteType": "EQUITY", "shortName": "Mystery"}, "Yahoo gives no sector"),
        (STOCK, None),
    ],
)
def test_info_that_cannot_describe_a_stock(info, problem):
    assert info_problem(info) == problem


def test_news_in_the_current_shape():
    item = {
        "id": "x1",
        "content": {
            "title": " Helix beats estimates ",
            "description": "Shares jumped.",
            "pubDate": "2024-11-22T15:30:00Z",
            "provider": {"displayName": "Reuters"},
            "canonicalUrl": None,
            "clickThroughUrl": {"url": "https://example.invalid/helix"},
        },
    }
    (row,) = news_rows("HLX", [item])
    assert row == {
        "ticker": "HLX",
        "title": "Helix beats estimates",
        "summary": "Shares jumped.",
        "published": pd.Timestamp("2024-11-22T15:30:00Z"),
        "publisher": "Reuters",
        "url": "https://example.invalid/helix",
    }


def test_news_in_the_old_flat_shape():
    item = {
        "title": "Helix beats",
        "publisher": "AP",
        "link": "https://example.invalid/h",
        "providerPublishTime": 0,
    }
    (row,) = news_rows("HLX", [item])
    assert (row["published"], row["publisher"], row["url"], row["summary"]) == (
        pd.Timestamp("1970-01-01", tz="UTC"),
        "AP",
        "https://example.invalid/h",
        None,
    )


def test_news_without_title_or_date_is_skipped():
    items = [
        {"content": {"title": "No date"}},
        {"content": {"title": "Bad date", "pubDate": "yesterday"}},
        {"content": {"title": "", "pubDate": "2024-11-22T15:30:00Z"}},
        {"content": "not a dict", "title": "Flat", "providerPublishTime": "soon"},
        "not an item",
    ]
    assert news_rows("HLX", items) == []


def test_backoff_doubles_up_to_a_ceiling_with_jitter():
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=lambda: 1.0)
    assert [policy.delay(a) for a in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    calm = RetryPolicy(jitter=lambda: 0.0)
    assert [calm.delay(a) for a in range(3)] == [0.5, 1.0, 2.0]


def test_random_backoff_grows_and_stays_between_half_and_all_of_its_ceiling():
    draws = random.Random(7)
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0, jitter=draws.random)
    for attempt, ceiling in enumerate([1.0, 2.0, 4.0, 8.0, 8.0, 8.0]):
        delays = [policy.delay(attempt) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempt
        assert max(delays) - min(delays) > ceiling / 4  # the jitter really spreads retries out
    # each attempt's shortest wait is at least the previous attempt's longest, until the cap
    assert RetryPolicy(jitter=lambda: 0.0).delay(2) >= RetryPolicy(jitter=lambda: 0.999).delay(1)


NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now", "session"),
    [
        (dt.datetime(2024, 11, 22, 11, 0, tzinfo=NEW_YORK), dt.date(2024, 11, 21)),  # Friday, trading
        (dt.datetime(2024, 11, 22, 16, 29, tzinfo=NEW_YORK), dt.date(2024, 11, 21)),
        (dt.datetime(2024, 11, 22, 16, 30, tzinfo=NEW_YORK), dt.date(2024, 11, 22)),  # settled
        (dt.datetime(2024, 11, 22, 21, 29, tzinfo=dt.UTC), dt.date(2024, 11, 21)),  # 16:29 EST
        (dt.datetime(2024, 11, 22, 21, 30, tzinfo=dt.UTC), dt.date(2024, 11, 22)),
        (dt.datetime(2024, 7, 10, 20, 30, tzinfo=dt.UTC), dt.date(2024, 7, 10)),  # 16:30 EDT
        (dt.datetime(2024, 7, 10, 20, 29, tzinfo=dt.UTC), dt.date(2024, 7, 9)),
        (dt.datetime(2024, 11, 23, 10, 0, tzinfo=NEW_YORK), dt.date(2024, 11, 22)),  # Saturday
        (dt.datetime(2024, 11, 24, 23, 0, tzinfo=NEW_YORK), dt.date(2024, 11, 22)),  # Sunday
        (dt.datetime(2024, 11, 25, 9, 0, tzinfo=NEW_YORK), dt.date(2024, 11, 22)),  # Monday morning
        # Tuesday morning in Tokyo is Monday evening in New York
        (dt.datetime(2024, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")), dt.date(2024, 11, 25)),
    ],
)
def test_last_completed_session_is_new_york_time(now, session):
    assert last_completed_session(now) == session


def test_the_newest_copy_of_a_repeated_headline_is_kept():
    older = {"ticker": "HLX", "title": "Helix beats", "summary": "first", "publisher": "A", "url": None}
    rows = [
        {**older, "published": pd.Timestamp("2024-11-20T10:00:00Z")},
        {**older, "summary": "updated", "published": pd.Timestamp("2024-11-21T10:00:00Z")},
        {**older, "title": "Helix guides up", "published": pd.Timestamp("2024-11-19T10:00:00Z")},
    ]
    news = mapping.news_frame(rows, dt.date(2024, 11, 22))
    assert list(news["title"]) == ["Helix beats", "Helix guides up"]
    assert news.iloc[0]["summary"] == "updated"


def _http_error(status: int) -> requests.HTTPError:
    response = requests.Response()
    response.status_code = status
    return requests.HTTPError(f"{status} Client Error", response=response)


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (403, FailureKind.REFUSED, False),
        (404, FailureKind.NOT_FOUND, False),
        (429, FailureKind.RATE_LIMITED, True),
        (500, FailureKind.SERVER, True),
        (503, FailureKind.SERVER, True),
    ],
)
def test_a_failed_call_is_classified_by_its_http_status(status, kind, retryable):
    failure = transport.classify(_http_error(status))
    assert (failure.kind, failure.retryable) == (kind, retryable)
    # a body yfinance could not parse is classified by the status the wire saw, not by its text
    assert transport.classify(ValueError("Expecting value: line 1 column 1"), seen=status).kind is kind


def test_yfinance_exceptions_are_classified_by_type():
    from yfinance.exceptions import YFPricesMissingError, YFRateLimitError, YFTzMissingError

    assert transport.classify(YFRateLimitError()).kind is FailureKind.RATE_LIMITED
    assert transport.classify(YFTzMissingError("ZZZZ")).kind is FailureKind.NOT_FOUND
    said_why = YFPricesMissingError("ZZZZ", "", yahoo_reason="No data found, symbol may be delisted")
    assert transport.classify(said_why).kind is FailureKind.NOT_FOUND
    empty = transport.classify(YFPricesMissingError("AAPL", "(1d 2024-11-18 -> 2024-11-23)"))
    assert (empty.kind, empty.retryable) == (FailureKind.EMPTY, True)
    offline = transport.classify(requests.ConnectionError("Failed to resolve 'query2.finance.yahoo.com'"))
    assert (offline.kind, offline.retryable) == (FailureKind.NETWORK, True)
    assert offline.reason == "network error: Failed to resolve 'query2.finance.yahoo.com'"
    assert transport.Failure(FailureKind.RATE_LIMITED, attempts=4).reason == (
        "rate-limited by Yahoo Finance after 4 attempts"
    )
