"""What Yahoo's answers mean: `Ticker.info` keys and their units, and both shapes of news items.

Pure mapping, no HTTP: the names and units of `Ticker.info` come from generator.market.units
(YFINANCE_INFO), which `newsdesk import --preset yfinance` reads too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from generator.market.snapshot import CURRENCY, NEWS_FIELDS
from generator.market.units import YFINANCE_INFO, factor


def fundamentals_row(ticker: str, info: dict[str, Any]) -> dict[str, Any]:
    """Map yfinance's `Ticker.info` to a fundamentals.csv row in FUNDAMENTAL_FIELDS; a missing key stays None.

    Each field takes the first of its YFINANCE_INFO keys that holds a number, converted from that
    key's unit (e.g. returnOnEquity 0.38, a fraction, becomes 38.0 percent).
    """
    currency = info.get("currency")
    reported_in_other_currency = info.get("financialCurrency") not in (None, currency)
    row: dict[str, Any] = {
        "ticker": ticker,
        "name": _first_text(info, "name") or ticker,
        "sector": _sector(info),
        "sub_industry": _first_text(info, "sub_industry") or _text(info, "category"),
    }
    for field, keys in YFINANCE_INFO.items():
        if field not in row:
            row[field] = _first(_number(info, key, scale=factor(field, unit)) for key, unit in keys)
    if reported_in_other_currency:
        # EBITDA comes in the reporting currency (e.g. TWD for an ADR), and enterprise value adds
        # that report's debt and cash: unknown beats wrong.
        row["ebitda"] = row["enterprise_value"] = None
    return row


def info_known(info: dict[str, Any]) -> bool:
    """Does this info describe a listing at all? Yahoo answers an unknown symbol with an empty one."""
    return bool(_text(info, "quoteType") or _text(info, "longName") or _text(info, "shortName"))


def info_problem(info: dict[str, Any]) -> str | None:
    """Why the info of a known listing cannot describe a stock in a USD snapshot, or None when it can."""
    currency = info.get("currency")
    if currency and currency != CURRENCY:
        return f"quoted in {currency}, not {CURRENCY}"
    if _sector(info) is None:
        return "Yahoo gives no sector"
    return None


def _sector(info: dict[str, Any]) -> str | None:
    sector = _first_text(info, "sector")
    if sector is None and info.get("quoteType") in ("ETF", "MUTUALFUND"):
        return "Funds"  # funds have a category, not a sector; the loader needs one
    return sector


def _number(info: dict[str, Any], key: str, *, scale: float = 1.0) -> float | None:
    value = info.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None  # Yahoo also sends "Infinity", {} and None
    return float(f"{value * scale:.12g}")  # drop float noise such as 6.1000000000000005


def _first(values: Any) -> float | None:
    return next((v for v in values if v is not None), None)


def _first_text(info: dict[str, Any], field: str) -> str | None:
    return next((t for key, _ in YFINANCE_INFO[field] if (t := _text(info, key))), None)


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


def news_frame(rows: list[dict[str, Any]], as_of: dt.date) -> pd.DataFrame:
    """Headlines up to the end of the as-of day (UTC), newest first, one per ticker and title."""
    news = pd.DataFrame(rows, columns=list(NEWS_FIELDS))
    if news.empty:
        return news
    news["published"] = pd.to_datetime(news["published"], utc=True)
    news = news[news["published"] < pd.Timestamp(as_of + dt.timedelta(days=1), tz="UTC")]
    # sorted first, so the copy kept of a headline published twice is the newest
    news = news.sort_values(["ticker", "published"], ascending=[True, False])
    return news.drop_duplicates(["ticker", "title"]).reset_index(drop=True)
