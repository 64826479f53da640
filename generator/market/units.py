"""Units of fundamentals columns: what vendors send, what a snapshot holds, and what is plausible.

A snapshot holds every fundamentals column in one unit (FUNDAMENTAL_FIELDS: percent, ratio, USD bn,
USD per share). Vendors differ: yfinance gives return on equity as a fraction (0.38 = 38%),
debt-to-equity as a percentage (157.79 = 1.58x) and market value in dollars. An importer declares the
unit of each column it reads (`--units roe=fraction`, or a preset), `factor` converts, and
`implausible` refuses a column whose values cannot be in the declared unit, so a mix-up never reaches
an article as "return on equity of 0.4%".

The vendor's names and units for Yahoo Finance live here too (YFINANCE_INFO), shared by `newsdesk
fetch` (market/yahoo) and `newsdesk import --preset yfinance`, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from generator.market.snapshot import FUNDAMENTAL_FIELDS
from generator.resources import resource_dir
from generator.rulefiles import load_rule_file

# snapshot unit -> declared unit -> factor that turns a declared value into the snapshot's unit
_FACTORS: dict[str, dict[str, float]] = {
    "percent": {"percent": 1.0, "fraction": 100.0},
    "ratio": {"ratio": 1.0, "percent": 0.01},
    "USD bn": {"bn": 1.0, "mn": 1e-3, "raw": 1e-9},
    "USD per share": {"raw": 1.0},
}
DECLARED_UNITS = tuple(dict.fromkeys(u for by_unit in _FACTORS.values() for u in by_unit))


def accepted_units(field: str) -> tuple[str, ...]:
    """The units a column may be declared in, the snapshot's own first."""
    return tuple(_FACTORS[FUNDAMENTAL_FIELDS[field]])


def native_unit(field: str) -> str:
    """The declared-unit name of what the snapshot itself holds (percent, ratio, bn, raw)."""
    return accepted_units(field)[0]


def factor(field: str, declared: str) -> float:
    """Multiply a value declared in `declared` by this to get the snapshot's unit; ValueError if unknown."""
    by_unit = _FACTORS[FUNDAMENTAL_FIELDS[field]]
    if declared not in by_unit:
        raise ValueError(f"{field} can be declared as {' or '.join(by_unit)}, not {declared!r}")
    return by_unit[declared]


# --------------------------------------------------------------------------------- plausibility


class _Bounds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    min: float | None = None
    max: float | None = None
    median_at_least: float | None = None
    median_at_most: float | None = None


class UnitRules(BaseModel):
    """rules/units.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, _Bounds] = Field(default_factory=dict)


@functools.cache
def unit_rules() -> UnitRules:
    return load_rule_file(resource_dir("rules") / "units.yaml", UnitRules)


@dataclass(frozen=True)
class Implausible:
    """Where a column stops making sense in its declared unit, and why."""

    position: int  # the row (0-based, in the column's order) to name
    problem: str  # e.g. "puts the median return on equity at 0.38%, under 1%"
    likely: str | None  # the declared unit the values look like, when one fits


def implausible(field: str, values: pd.Series, declared: str) -> Implausible | None:
    """Check values converted from `declared` to the snapshot's unit against rules/units.yaml."""
    numbers = values.to_numpy(dtype="float64")
    found = _check(field, numbers)
    if found is None:
        return None
    position, problem = found
    as_given = numbers / factor(field, declared)
    likely = next(
        (
            other
            for other in accepted_units(field)
            if other != declared and _check(field, as_given * factor(field, other)) is None
        ),
        None,
    )
    return Implausible(position, problem, likely)


def _check(field: str, numbers: np.ndarray) -> tuple[int, str] | None:
    """(row, problem) for the first bound of rules/units.yaml the values break, else None."""
    bounds = unit_rules().columns.get(field)
    known = ~np.isnan(numbers)
    if bounds is None or not known.any():
        return None
    unit = {"percent": "%", "USD bn": " USD bn"}.get(FUNDAMENTAL_FIELDS[field], "")
    for limit, side in ((bounds.min, "below"), (bounds.max, "above")):
        if limit is None:
            continue
        beyond = known & ((numbers < limit) if side == "below" else (numbers > limit))
        if beyond.any():
            position = int(np.argmax(beyond))
            value = numbers[position]
            return position, f"puts the {bounds.label} at {_show(value)}{unit}, {side} {_show(limit)}{unit}"
    magnitudes = np.abs(numbers)
    nonzero = known & (magnitudes > 0)
    if not nonzero.any():
        return None
    median = float(np.median(magnitudes[nonzero]))
    for limit, side in ((bounds.median_at_least, "under"), (bounds.median_at_most, "over")):
        if limit is None or (median >= limit if side == "under" else median <= limit):
            continue
        wrong = nonzero & ((magnitudes < limit) if side == "under" else (magnitudes > limit))
        position = int(np.argmax(wrong))
        return (
            position,
            f"puts the median {bounds.label} at {_show(median)}{unit}, {side} {_show(limit)}{unit}",
        )
    return None


def _show(value: float) -> str:
    return f"{value:.6g}"


# ---------------------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Preset:
    """A known export: its column names for contract fields (first found wins) and their units."""

    name: str
    description: str
    columns: dict[str, tuple[str, ...]]  # contract field -> the vendor's column names, in preference
    units: dict[str, str]  # contract field -> declared unit of the vendor's column


# yfinance `Ticker.info` keys (as in `pd.DataFrame([yf.Ticker(t).info ...]).to_csv()`), with the units
# current yfinance reports: dividendYield in percentage points (0.44 = 0.44%) since early 2025,
# debtToEquity a percentage (157.79 = 1.58x), returnOnEquity / profitMargins / revenueGrowth fractions,
# money in dollars. trailingAnnualDividendYield is a fraction: used only where dividendYield is blank.
YFINANCE_INFO: dict[str, tuple[tuple[str, str | None], ...]] = {
    "ticker": (("symbol", None),),
    "name": (("longName", None), ("shortName", None)),
    "sector": (("sector", None), ("sectorDisp", None)),
    "sub_industry": (("industry", None), ("industryDisp", None)),
    "price": (("currentPrice", "raw"), ("regularMarketPrice", "raw")),
    "pe": (("trailingPE", "ratio"),),
    "dividend_yield": (("dividendYield", "percent"), ("trailingAnnualDividendYield", "fraction")),
    "eps": (("trailingEps", "raw"), ("epsTrailingTwelveMonths", "raw")),
    "week52_low": (("fiftyTwoWeekLow", "raw"),),
    "week52_high": (("fiftyTwoWeekHigh", "raw"),),
    "market_cap": (("marketCap", "raw"),),
    "ebitda": (("ebitda", "raw"),),
    "enterprise_value": (("enterpriseValue", "raw"),),
    "price_to_sales": (("priceToSalesTrailing12Months", "ratio"),),
    "price_to_book": (("priceToBook", "ratio"),),
    "roe": (("returnOnEquity", "fraction"),),
    "profit_margin": (("profitMargins", "fraction"),),
    "debt_to_equity": (("debtToEquity", "percent"),),
    "revenue_growth": (("revenueGrowth", "fraction"),),
}


def _yfinance_preset() -> Preset:
    columns = {field: tuple(key for key, _ in keys) for field, keys in YFINANCE_INFO.items()}
    units = {field: keys[0][1] for field, keys in YFINANCE_INFO.items() if keys[0][1] is not None}
    return Preset(
        "yfinance",
        "yfinance exports: download() prices (any layout) and Ticker.info fundamentals",
        {**columns, "date": ("Date", "Datetime"), "ticker": ("Ticker", "symbol")},
        units,
    )


PRESETS: dict[str, Preset] = {
    "generic": Preset("generic", "contract-1 column names, values already in the snapshot's units", {}, {}),
    "yfinance": _yfinance_preset(),
    "stooq": Preset(
        "stooq",
        "Stooq daily files: <TICKER>,<PER>,<DATE>,... with YYYYMMDD dates and .US tickers",
        {"ticker": ("<TICKER>",), "date": ("<DATE>",), "volume": ("<VOL>",)},
        {},
    ),
}
