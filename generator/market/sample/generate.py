"""Deterministic generator for the bundled fictional sample snapshot and synthetic universes of any size.

Regenerate the bundled folder (generator/market/sample/snapshot) after changing this module or
universe.py, with this one command from the repository root:

    python -m generator.market.sample.generate

The sample is a test bed, so it is built to exercise the pipeline honestly: prices come from a factor
model (market + sector + cohort + fat-tailed idiosyncratic noise), the AI-infrastructure cohort is
calibrated to have clearly beaten the equal-weighted universe, and known data problems are planted on
purpose (an unadjusted split, a mid-window listing, missing days, blank fundamentals, tickers without
recent news). The manifest's `notes` list every planted quirk. One seeded numpy Generator and no
wall-clock dates make the same arguments give byte-identical files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from generator.market.sample import universe as u
from generator.market.snapshot import (
    ACTION_COLUMNS,
    FUNDAMENTAL_FIELDS,
    IDENTITY_COLUMNS,
    NEWS_FIELDS,
    Cohort,
    Manifest,
    Snapshot,
    SourceDocument,
    write_snapshot,
)

DEFAULT_TICKERS = 80
DEFAULT_YEARS = 3.5
DEFAULT_SEED = 20261120
DEFAULT_AS_OF = dt.date(2026, 11, 20)
# Every sector has names for its share of this many (the largest, at 14%, about 8,400 names).
MAX_TICKERS = 55_000
PARQUET_ABOVE_TICKERS = 500  # big universes load much faster from parquet than from gzip CSV

SNAPSHOT_NAME = "newsdesk-sample"
GENERATOR_PATH = "generator/market/sample/generate.py"
BENCHMARK_TICKER = "MRDX"
BENCHMARK_NAME = "Meridian Composite"
BENCHMARK_START_LEVEL = 2500.0

TRADING_DAYS_PER_YEAR = 252
MARKET_DRIFT, MARKET_VOL = 0.06, 0.15  # annualised
SECTOR_VOL = 0.09
AI_COMMON_SHARE = 0.6  # correlation of each cohort leaf's factor with the common AI factor
MIN_IDIOSYNCRATIC_VOL = 0.08
STUDENT_T_DOF = 4  # fat tails; draws are rescaled to unit variance
TAIL_CLIP = 7.0  # no single shock beyond 7 standard deviations
AI_OUTPERFORMANCE = 1.15  # cohort minus equal-weighted universe return over the window: 115 points
BENCHMARK_CAP_EXPONENT = 0.75  # dampens mega-caps so the index is cap-weighted-like, not five stocks

RANDOM_BLANK_SHARE = 0.03
VALUE_INPUTS = ("pe", "eps", "price_to_book", "price_to_sales", "ebitda", "enterprise_value")
CASH_SHARE_OF_DEBT = 0.3  # enterprise value = market value + debt - cash, cash taken as this share of debt
QUALITY_INPUTS = ("roe", "profit_margin", "debt_to_equity", "revenue_growth", "ebitda")
RANDOMLY_BLANKED = (
    "pe", "dividend_yield", "eps", "ebitda", "price_to_sales", "price_to_book",
    "roe", "profit_margin", "debt_to_equity", "revenue_growth",
)  # fmt: skip
WEEK52_TRADING_DAYS = 252

NEWS_DAYS = 90
RECENT_NEWS_DAYS = 30
LISTING_VOLUME_MULTIPLE = 3.0
SPLIT_DAY_EXTRA_VOLUME = 1.8


@dataclasses.dataclass(frozen=True)
class _Quirks:
    """Row/column positions of the planted data problems; None when the ticker is not in the universe."""

    split: tuple[int, int] | None  # (column, first row at the new share basis)
    listing: tuple[int, int] | None  # (column, first row with a price)
    gaps: tuple[int, tuple[int, ...]] | None  # (column, rows without a price)


# ---------------------------------------------------------------------------------------------- public


def build_sample(
    n_tickers: int = DEFAULT_TICKERS,
    years: float = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    as_of: dt.date = DEFAULT_AS_OF,
) -> Snapshot:
    """Build the fictional snapshot in memory; pure and deterministic for given arguments."""
    if n_tickers < 1:
        raise ValueError(f"n_tickers must be at least 1, got {n_tickers}")
    rng = np.random.default_rng(seed)
    companies = _universe(n_tickers, rng)
    dates = _trading_days(as_of, years)
    quirks = _quirks(companies, dates, as_of)
    log_returns, market = _log_returns(companies, len(dates), rng)
    log_prices = _log_prices(companies, log_returns, quirks, rng)
    prices, raw_close, present = _ohlcv(companies, dates, log_prices, log_returns, quirks, rng)
    benchmark = _benchmark(companies, dates, log_prices, market, rng)
    fundamentals = _fundamentals(companies, raw_close, present, rng)
    news = _news(companies, log_prices, dates, quirks, as_of, rng)
    sources = _sources(companies, dates, quirks, as_of)
    manifest = _manifest(companies, dates, quirks, fundamentals, news, n_tickers, years, seed, as_of)
    return Snapshot(
        manifest,
        prices,
        benchmark,
        fundamentals,
        news,
        sources,
        _cohorts(companies),
        actions=_actions(companies, dates, quirks),
    )


def write_sample(
    out: str | Path,
    *,
    n_tickers: int = DEFAULT_TICKERS,
    years: float = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    prices_format: str | None = None,
) -> Path:
    """Build and write a sample snapshot atomically; prices go to parquet above 500 tickers by default."""
    snapshot = build_sample(n_tickers, years, seed)
    if prices_format is None:
        prices_format = "csv.gz" if n_tickers <= PARQUET_ABOVE_TICKERS else "parquet"
    return write_snapshot(snapshot, out, prices_format=prices_format)


# -------------------------------------------------------------------------------------------- universe


def _universe(n_tickers: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per company, sorted by ticker: identity, cohort leaf, size, volatility, dividend."""
    hand_written = _hand_written(n_tickers)
    rows = [{**c._asdict(), "loss_maker": c.ticker in u.LOSS_MAKERS} for c in hand_written]
    extra = n_tickers - len(rows)
    if extra > 0:
        rows += _generated_companies(
            extra, rng, {c.ticker for c in hand_written}, {c.name for c in hand_written}
        )
    return pd.DataFrame(rows).sort_values("ticker", ignore_index=True)


def _hand_written(n_tickers: int) -> list[u.Company]:
    """All hand-written companies, or for a small universe a round-robin over cohort leaves and sectors.

    Taking one company from each bucket in turn keeps every cohort represented as long as possible.
    """
    if n_tickers >= len(u.COMPANIES):
        return list(u.COMPANIES)
    buckets: dict[str, list[u.Company]] = {}
    for company in u.COMPANIES:
        buckets.setdefault(company.group or company.sector, []).append(company)
    depth = max(len(b) for b in buckets.values())
    ordered = [b[i] for i in range(depth) for b in buckets.values() if i < len(b)]
    return ordered[:n_tickers]


def _generated_companies(
    count: int, rng: np.random.Generator, taken_tickers: set[str], taken_names: set[str]
) -> list[dict[str, object]]:
    """Invented names (prefix + sector suffix) with unique tickers, spread over the sectors."""
    sectors = list(u.GENERATED_SECTOR_WEIGHTS)
    weights = np.array(list(u.GENERATED_SECTOR_WEIGHTS.values()))
    sector_of = rng.choice(len(sectors), size=count, p=weights / weights.sum())
    vol_draw, payer_draw, yield_draw, loss_draw = rng.random((4, count))
    caps = np.clip(rng.lognormal(np.log(9.0), 1.2, size=count), 0.3, 900.0)
    name_pools = {s: _name_pool(s, rng) for s in sectors}
    rows: list[dict[str, object]] = []
    for i in range(count):
        sector = sectors[sector_of[i]]
        profile = u.SECTOR_PROFILES[sector]
        name, sub_industry = _next_name(name_pools[sector], taken_names, sector)
        loss_maker = bool(loss_draw[i] < 0.08)
        pays = payer_draw[i] < profile.dividend_payers and not loss_maker
        rows.append(
            {
                "ticker": _ticker_for(name, rng, taken_tickers),
                "name": name,
                "sector": sector,
                "sub_industry": sub_industry,
                "group": "",
                "market_cap": round(float(caps[i]), 2),
                "vol": _between(profile.vol, vol_draw[i]),
                "dividend_yield": round(_between(profile.dividend_yield, yield_draw[i]), 2) if pays else 0.0,
                "loss_maker": loss_maker,
            }
        )
    return rows


def _name_pool(sector: str, rng: np.random.Generator) -> list[tuple[str, str]]:
    """Every (name, sub-industry) the sector's parts can form, in a seeded random order."""
    pool = [
        (f"{start}{end} {suffix}", sub_industry)
        for start in u.NAME_STARTS
        for end in u.NAME_ENDS
        for suffix, sub_industry in u.NAME_SUFFIXES[sector]
    ]
    return [pool[i] for i in rng.permutation(len(pool))]


def _more_names(sector: str) -> list[tuple[str, str]]:
    """The sector's second-tier names, in an order of their own: drawing them takes nothing from the
    universe's generator, so every universe small enough not to need them stays as it was."""
    pool = [
        (f"{start}{end} {suffix}", sub_industry)
        for start in u.MORE_NAME_STARTS
        for end in u.NAME_ENDS
        for suffix, sub_industry in u.NAME_SUFFIXES[sector]
    ]
    order = np.random.default_rng(zlib.crc32(sector.encode())).permutation(len(pool))
    return [pool[i] for i in order]


def _next_name(pool: list[tuple[str, str]], taken: set[str], sector: str) -> tuple[str, str]:
    for attempt in range(2):
        while pool:
            name, sub_industry = pool.pop()
            if name not in taken:
                taken.add(name)
                return name, sub_industry
        if attempt == 0:
            pool.extend(_more_names(sector))
    raise ValueError(f"ran out of invented {sector} company names")  # MAX_TICKERS is too high


def _ticker_for(name: str, rng: np.random.Generator, taken: set[str]) -> str:
    """A 4-letter ticker read from the name when free, else random letters."""
    first, *rest = (re.sub(r"[^A-Z]", "", word) for word in name.upper().split())
    last = rest[-1]
    candidates = (
        first[:3] + last[0],
        first[:2] + last[:2],
        first[0] + first[2:4] + last[0],
        first[0] + first[-2:] + last[0],
        first[:4],
        first[0] + first[2:5],
    )
    for candidate in candidates:
        if len(candidate) == 4 and candidate not in taken:
            taken.add(candidate)
            return candidate
    while True:
        candidate = "".join(chr(ord("A") + int(k)) for k in rng.integers(0, 26, size=4))
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _between(bounds: tuple[float, float], unit: float) -> float:
    low, high = bounds
    return low + (high - low) * unit


def _trading_days(as_of: dt.date, years: float) -> pd.DatetimeIndex:
    """Monday-to-Friday dates from `years` before as_of up to as_of (a fictional market has no holidays)."""
    start = as_of - dt.timedelta(days=round(years * 365.25))
    return pd.bdate_range(start, as_of).astype("datetime64[ns]")


def _quirks(companies: pd.DataFrame, dates: pd.DatetimeIndex, as_of: dt.date) -> _Quirks:
    """Where each planted problem goes; a quirk whose ticker or date is outside the universe is skipped."""
    column = {t: i for i, t in enumerate(companies["ticker"])}
    n_days = len(dates)
    split = None
    split_row = n_days - 1 - u.SPLIT_TRADING_DAYS_BEFORE_AS_OF
    if u.SPLIT_TICKER in column and split_row > 0:
        split = (column[u.SPLIT_TICKER], split_row)
    listing = None
    listing_date = pd.Timestamp(as_of) - pd.DateOffset(months=u.LISTING_MONTHS_BEFORE_AS_OF)
    listing_row = int(dates.searchsorted(listing_date))
    if u.LISTING_TICKER in column and 0 < listing_row < n_days:
        listing = (column[u.LISTING_TICKER], listing_row)
    gaps = None
    gap_rows = tuple(sorted(n_days - 1 - k for k in u.GAP_TRADING_DAYS_BEFORE_AS_OF if k < n_days - 1))
    if u.GAP_TICKER in column and gap_rows:
        gaps = (column[u.GAP_TICKER], gap_rows)
    return _Quirks(split, listing, gaps)


# ------------------------------------------------------------------------------------------------ prices


def _student_t(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Fat-tailed shocks with unit variance, clipped so no single day is absurd."""
    dof = STUDENT_T_DOF
    draws = rng.standard_t(dof, size=shape).astype(np.float32) * np.float32(np.sqrt((dof - 2) / dof))
    return np.clip(draws, -TAIL_CLIP, TAIL_CLIP, out=draws)


def _log_returns(
    companies: pd.DataFrame, n_days: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Daily log returns (days x tickers): beta x market + sector + cohort leaf + idiosyncratic.

    Elementwise arithmetic only (no BLAS): results must not depend on the CPU or thread count.
    """
    per_day = 1.0 / TRADING_DAYS_PER_YEAR
    root = np.sqrt(per_day)
    n = len(companies)
    vol = companies["vol"].to_numpy(float)
    market = MARKET_DRIFT * per_day + MARKET_VOL * root * _student_t(rng, (n_days,)).astype(float)

    sectors = list(u.SECTOR_PROFILES)
    sector_drift = np.array([u.SECTOR_PROFILES[s].drift for s in sectors])
    sector_moves = sector_drift * per_day + SECTOR_VOL * root * _student_t(rng, (n_days, len(sectors)))
    sector_index = companies["sector"].map({s: i for i, s in enumerate(sectors)}).to_numpy()

    leaves = list(u.THEMES)
    leaf_drift = np.array([u.THEMES[g].drift for g in leaves])
    leaf_vol = np.array([u.THEMES[g].factor_vol for g in leaves])
    common = _student_t(rng, (n_days, 1))
    own = _student_t(rng, (n_days, len(leaves)))
    mixed = AI_COMMON_SHARE * common + np.sqrt(1 - AI_COMMON_SHARE**2) * own
    leaf_moves = np.hstack([leaf_drift * per_day + leaf_vol * root * mixed, np.zeros((n_days, 1))])
    leaf_index = companies["group"].map({g: i for i, g in enumerate(leaves)}).fillna(len(leaves)).astype(int)
    leaf_index = leaf_index.to_numpy()
    own_leaf_vol = np.append(leaf_vol, 0.0)[leaf_index]

    beta = np.clip(0.55 + 1.4 * vol + 0.1 * rng.standard_normal(n), 0.4, 1.8)
    idio_vol = np.sqrt(
        np.maximum(
            vol**2 - (beta * MARKET_VOL) ** 2 - SECTOR_VOL**2 - own_leaf_vol**2,
            MIN_IDIOSYNCRATIC_VOL**2,
        )
    )
    # drifts are expected (arithmetic) returns: the log drift gives up half the variance, so volatile
    # stocks do not inflate the equal-weighted average
    alpha = 0.07 * rng.standard_normal(n) - 0.12 * companies["loss_maker"].to_numpy(float) - vol**2 / 2
    noise = _student_t(rng, (n_days, n))
    returns = noise * (idio_vol * root)  # float64: prices must round identically on every machine
    returns += alpha * per_day
    returns += market[:, None] * beta
    returns += sector_moves[:, sector_index]
    returns += leaf_moves[:, leaf_index]
    return returns, market


def _log_prices(
    companies: pd.DataFrame, log_returns: np.ndarray, quirks: _Quirks, rng: np.random.Generator
) -> np.ndarray:
    """Cumulated log prices, with AI infrastructure calibrated to the seed story's outperformance.

    The cohort's drift boost is solved for, not hoped for: a fixed drift would leave the story to
    the luck of the seed. The boost is added to `log_returns` in place as well, so OHLC and volume
    follow the same path without another copy of the matrix.
    """
    n_days, n = log_returns.shape
    start_price = np.exp(rng.uniform(np.log(12.0), np.log(250.0), size=n))
    log_prices = np.log(start_price) + np.cumsum(log_returns, axis=0)
    first_row = np.zeros(n, dtype=int)
    if quirks.listing:
        column, row = quirks.listing
        first_row[column] = row
    share = companies["group"].map({g: t.outperformance_weight for g, t in u.THEMES.items()})
    share = share.fillna(0.0).to_numpy(float)
    in_ai_infrastructure = share > 0
    if in_ai_infrastructure.any():
        log_growth = log_prices[-1] - log_prices[first_row, np.arange(n)]
        boost_years = share * (n_days - 1 - first_row) / TRADING_DAYS_PER_YEAR

        def excess(boost: float) -> float:
            growth = np.exp(log_growth + boost * boost_years)
            return growth[in_ai_infrastructure].mean() - growth.mean() - AI_OUTPERFORMANCE

        boost = _bisect(excess, -2.0, 4.0)
        log_prices += boost * share * (np.arange(1, n_days + 1)[:, None] / TRADING_DAYS_PER_YEAR)
        log_returns += boost * share / TRADING_DAYS_PER_YEAR
    if quirks.listing:
        column, row = quirks.listing
        log_prices[:row, column] = np.nan
    return log_prices


def _bisect(function: Callable[[float], float], low: float, high: float, steps: int = 60) -> float:
    """Root of an increasing function on [low, high], clamped to the ends."""
    if function(low) >= 0:
        return low
    if function(high) <= 0:
        return high
    for _ in range(steps):
        middle = (low + high) / 2
        if function(middle) < 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _ohlcv(
    companies: pd.DataFrame,
    dates: pd.DatetimeIndex,
    log_prices: np.ndarray,
    log_returns: np.ndarray,
    quirks: _Quirks,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Prices as traded: OHLC around the close path, volume by size, then the planted quirks.

    Returns the long price table, the raw close matrix (NaN where no row) and the row-presence mask.
    """
    n_days, n = log_prices.shape
    # float64 before every exp: float32 exp is vectorised differently per CPU and would break
    # reproducibility; the in-place updates keep a 5,000-ticker universe within a few hundred MB
    daily_vol = companies["vol"].to_numpy(float) / np.sqrt(TRADING_DAYS_PER_YEAR)
    close = np.exp(log_prices)
    open_ = np.empty_like(close)  # starts as the previous close, then gaps overnight
    open_[0] = np.exp(log_prices[0] - log_returns[0])
    open_[1:] = close[:-1]
    if quirks.listing:  # no previous close on the first day of trading: start from the model's
        column, row = quirks.listing
        open_[row, column] = close[row, column] * np.exp(-log_returns[row, column])
    open_ *= _exp_noise(rng, log_returns.shape, 0.3 * daily_vol, shift=0.3 * log_returns)
    high = np.maximum(open_, close)
    high *= _exp_noise(rng, log_returns.shape, 0.5 * daily_vol, absolute=True)
    low = np.minimum(open_, close)
    low /= _exp_noise(rng, log_returns.shape, 0.5 * daily_vol, absolute=True)

    shares = companies["market_cap"].to_numpy(float) * 1e9 / close[-1]
    turnover = 0.003 * companies["vol"].to_numpy(float) / 0.3
    surprise = 0.3 * (np.abs(np.nan_to_num(log_returns)) / daily_vol - 0.8)  # busier on big-move days
    volume = _exp_noise(rng, log_returns.shape, np.full(n, 0.35), shift=surprise)
    volume *= shares * turnover
    del surprise

    present = np.isfinite(close)
    if quirks.split:
        column, row = quirks.split
        for matrix in (open_, high, low, close):
            matrix[:row, column] *= u.SPLIT_RATIO
        volume[:row, column] /= u.SPLIT_RATIO
        volume[row, column] *= SPLIT_DAY_EXTRA_VOLUME
    if quirks.listing:
        column, row = quirks.listing
        volume[row, column] *= LISTING_VOLUME_MULTIPLE
    if quirks.gaps:
        column, rows = quirks.gaps
        present[list(rows), column] = False

    raw_close = np.where(present, np.round(close, 4), np.nan)
    keep = present.T.ravel()
    codes = np.repeat(np.arange(n, dtype=np.int32), n_days)[keep]  # companies are sorted by ticker
    columns = {
        "date": np.tile(dates.to_numpy(), n)[keep],
        "ticker": pd.Categorical.from_codes(codes, categories=companies["ticker"].to_numpy(object)),
    }
    matrices = {"open": open_, "high": high, "low": low, "close": close, "volume": volume}
    del open_, high, low, close, volume  # each matrix is freed as soon as it is flattened
    for name in list(matrices):
        columns[name] = _flat(matrices.pop(name), keep, 0 if name == "volume" else 4)
    prices = pd.DataFrame(columns, copy=False)  # no consolidated copy of millions of rows
    return prices, raw_close, present


def _exp_noise(
    rng: np.random.Generator,
    shape: tuple[int, int],
    scale: np.ndarray,
    *,
    shift: np.ndarray | None = None,
    absolute: bool = False,
) -> np.ndarray:
    """exp(shift + scale x standard normal), per-ticker scale, computed in place in float64."""
    noise = rng.standard_normal(shape, dtype=np.float32).astype(np.float64)
    if absolute:
        np.abs(noise, out=noise)
    noise *= scale
    if shift is not None:
        noise += shift
    return np.exp(noise, out=noise)


def _flat(matrix: np.ndarray, keep: np.ndarray, decimals: int) -> np.ndarray:
    """Ticker-major column of a days x tickers matrix, rounded (monotone, so low <= close survives)."""
    flat = matrix.T.ravel()[keep]
    return np.round(flat, decimals, out=flat)


def _benchmark(
    companies: pd.DataFrame,
    dates: pd.DatetimeIndex,
    log_prices: np.ndarray,
    market: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """MRDX: a cap-weighted-like index of the universe blended with the wider market plus noise."""
    close = np.exp(log_prices)  # economic prices: an index is never fooled by a split
    shares = companies["market_cap"].to_numpy(float) * 1e9 / close[-1]
    daily = np.nan_to_num(close[1:] / close[:-1] - 1)
    weight = np.nan_to_num((shares * close[:-1]) ** BENCHMARK_CAP_EXPONENT)
    universe_return = (weight * daily).sum(axis=1) / weight.sum(axis=1)
    noise = 0.002 * rng.standard_normal(len(dates) - 1)
    index_return = 0.8 * universe_return + 0.2 * np.expm1(market[1:]) + noise
    level = BENCHMARK_START_LEVEL * np.concatenate([[1.0], np.cumprod(1 + index_return)])
    return pd.DataFrame(
        {
            "date": dates.to_numpy(),
            "ticker": pd.Series([BENCHMARK_TICKER] * len(dates), dtype=object),
            "close": np.round(level, 2),
        }
    )


# ------------------------------------------------------------------------------------------ fundamentals


def _fundamentals(
    companies: pd.DataFrame, raw_close: np.ndarray, present: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Ratios drawn per sector or cohort leaf, then derived from one another so they agree.

    eps = price x margin / price-to-sales and roe = margin x price-to-book / price-to-sales follow
    from market cap, revenue, earnings and book value; pe is left blank for loss-makers.
    """
    n = len(companies)
    price = raw_close[-1]
    rows_from_end = np.flip(np.cumsum(np.flip(present, axis=0), axis=0), axis=0)
    last_year = present & (rows_from_end <= WEEK52_TRADING_DAYS)
    week52_low = np.where(last_year, raw_close, np.inf).min(axis=0)
    week52_high = np.where(last_year, raw_close, -np.inf).max(axis=0)

    draws = rng.random((6, n))
    drawn: dict[str, np.ndarray] = {}
    for k, field in enumerate(
        ("price_to_sales", "profit_margin", "price_to_book", "debt_to_equity", "revenue_growth")
    ):
        bounds = [
            u.GROUP_PROFILES.get(group, {}).get(field) or getattr(u.SECTOR_PROFILES[sector], field)
            for group, sector in zip(companies["group"], companies["sector"], strict=True)
        ]
        low, high = np.array(bounds).T
        drawn[field] = low + (high - low) * draws[k]
    loss_maker = companies["loss_maker"].to_numpy(bool)
    margin = np.where(loss_maker, -6.0 - 39.0 * draws[0], drawn["profit_margin"])
    price_to_sales = drawn["price_to_sales"]
    ebitda_margin = margin + 6.0 + 10.0 * draws[5]
    market_cap = companies["market_cap"].to_numpy(float)
    eps = np.round(price * margin / (100 * price_to_sales), 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        pe = np.where(eps > 0, np.round(price / eps, 2), np.nan)

    frame = pd.DataFrame(
        {
            **{c: pd.Series(companies[c].to_numpy(object), dtype=object) for c in IDENTITY_COLUMNS},
            "price": price,
            "pe": pe,
            "dividend_yield": np.where(loss_maker, 0.0, companies["dividend_yield"].to_numpy(float)),
            "eps": eps,
            "week52_low": week52_low,
            "week52_high": week52_high,
            "market_cap": np.round(market_cap, 2),
            "ebitda": np.round(market_cap / price_to_sales * ebitda_margin / 100, 3),
            # debt from debt-to-equity and book value (market value / price-to-book), less cash
            "enterprise_value": np.round(
                market_cap
                + (1 - CASH_SHARE_OF_DEBT) * drawn["debt_to_equity"] * market_cap / drawn["price_to_book"],
                2,
            ),
            "price_to_sales": np.round(price_to_sales, 2),
            "price_to_book": np.round(drawn["price_to_book"], 2),
            "roe": np.round(margin * drawn["price_to_book"] / price_to_sales, 2),
            "profit_margin": np.round(margin, 2),
            "debt_to_equity": np.round(drawn["debt_to_equity"], 2),
            "revenue_growth": np.round(drawn["revenue_growth"], 2),
        }
    ).set_index("ticker")
    blank = rng.random((n, len(RANDOMLY_BLANKED))) < RANDOM_BLANK_SHARE
    blank[frame.index.isin(u.COMPLETE_FUNDAMENTALS)] = False
    frame.loc[:, list(RANDOMLY_BLANKED)] = frame[list(RANDOMLY_BLANKED)].mask(blank)
    frame.loc[frame.index.intersection(u.NO_VALUE_INPUTS), list(VALUE_INPUTS)] = np.nan
    frame.loc[frame.index.intersection(u.NO_QUALITY_INPUTS), list(QUALITY_INPUTS)] = np.nan
    return frame[["name", "sector", "sub_industry", *FUNDAMENTAL_FIELDS]]


# -------------------------------------------------------------------------------------------------- news


def _news(
    companies: pd.DataFrame,
    log_prices: np.ndarray,
    dates: pd.DatetimeIndex,
    quirks: _Quirks,
    as_of: dt.date,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Headlines over the last 90 days whose polarity leans with a latent per-ticker tone.

    The tone follows the last quarter's price move plus noise, so sentiment and momentum are related
    but not the same signal. Tickers in the no-recent-news list get only items older than 30 days.
    """
    n = len(companies)
    tickers = companies["ticker"].to_numpy(object)
    quarter_move = np.nan_to_num(log_prices[-1] - log_prices[-min(63, len(dates))])
    standardised_move = (quarter_move - quarter_move.mean()) / (quarter_move.std() or 1.0)
    tone = 0.6 * standardised_move + 0.8 * rng.standard_normal(n)
    hand_written = {c.ticker for c in u.COMPANIES}
    quiet = np.isin(tickers, u.NO_RECENT_NEWS) | (
        ~np.isin(tickers, list(hand_written)) & (rng.random(n) < len(u.NO_RECENT_NEWS) / len(u.COMPANIES))
    )
    recent_count = np.where(quiet, 0, 1 + rng.poisson(1.3, n))
    older_count = rng.poisson(1.6, n)

    owner = np.concatenate([np.repeat(np.arange(n), recent_count), np.repeat(np.arange(n), older_count)])
    days_back = np.concatenate(
        [
            rng.integers(0, RECENT_NEWS_DAYS - 2, recent_count.sum()),
            rng.integers(RECENT_NEWS_DAYS + 2, NEWS_DAYS, older_count.sum()),
        ]
    )
    minutes = rng.integers(11 * 60, 22 * 60, len(owner))
    mood, pick, outlet = rng.random((3, len(owner)))
    positive_share = 0.85 / (1 + np.exp(-1.5 * tone[owner]))
    midnight = pd.Timestamp(as_of, tz="UTC")
    published = midnight - pd.to_timedelta(days_back, unit="D") + pd.to_timedelta(minutes, unit="min")

    records = companies.to_dict("records")  # plain dicts: a pandas row lookup per headline is slow
    items: list[dict[str, object]] = []
    for k, i in enumerate(owner):
        company = records[i]
        if mood[k] < positive_share[k]:
            pool = u.POSITIVE_HEADLINES
        elif mood[k] < 0.85:
            pool = u.NEGATIVE_HEADLINES
        else:
            pool = u.NEUTRAL_HEADLINES
        fitting = [h for h in pool if not h.sectors or company["sector"] in h.sectors]
        headline = fitting[int(pick[k] * len(fitting))]
        items.append(
            _news_item(company, headline, published[k], u.PUBLISHERS[int(outlet[k] * len(u.PUBLISHERS))])
        )
    if quirks.split:
        column, row = quirks.split
        split_day = pd.Timestamp(dates[row], tz="UTC") + pd.Timedelta(hours=13, minutes=35)
        if split_day >= midnight - pd.Timedelta(days=NEWS_DAYS):
            items.append(_news_item(records[column], u.SPLIT_HEADLINE, split_day, u.PUBLISHERS[0]))

    news = pd.DataFrame(items, columns=list(NEWS_FIELDS))
    news["published"] = pd.to_datetime(news["published"], utc=True)
    same_story_same_day = news.assign(day=news["published"].dt.date).duplicated(["ticker", "title", "day"])
    return news[~same_story_same_day].sort_values(["published", "ticker", "title"], ignore_index=True)


def _news_item(
    company: dict[str, Any], headline: u.Headline, published: pd.Timestamp, publisher: str
) -> dict[str, object]:
    kinds = (company["group"], company["sub_industry"], company["sector"])
    words = {
        "name": company["name"],
        "product": next(u.PRODUCT_WORDS[k] for k in kinds if k in u.PRODUCT_WORDS),
    }
    title = headline.title.format(**words)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    outlet = re.sub(r"[^a-z0-9]+", "-", publisher.lower()).strip("-")
    return {
        "ticker": company["ticker"],
        "published": published,
        "title": title[0].upper() + title[1:],
        "summary": headline.summary.format(**words),
        "publisher": publisher,
        "url": f"https://example.invalid/{outlet}/{published:%Y/%m/%d}/{company['ticker'].lower()}-{slug}",
    }


# ----------------------------------------------------------------------------------------------- sources


def _sources(
    companies: pd.DataFrame, dates: pd.DatetimeIndex, quirks: _Quirks, as_of: dt.date
) -> tuple[SourceDocument, ...]:
    """The hand-written releases whose companies are all in the universe, dated relative to as_of."""
    present = set(companies["ticker"])
    fields: dict[str, str] = {}
    if quirks.split:
        split_day = dates[quirks.split[1]]
        fields = {"split_date": _long_date(split_day), "record_date": _long_date(dates[quirks.split[1] - 5])}
    documents = []
    for source in u.SOURCES:
        placeholders = set(re.findall(r"{(\w+)}", source.body))
        if not present.issuperset(source.tickers) or not placeholders <= fields.keys():
            continue
        url = f"https://example.invalid/releases/{source.slug}"
        published = (as_of - dt.timedelta(days=source.days_before_as_of)).isoformat()
        body = source.body.format(**fields).strip()
        headers = [f"tickers: {', '.join(source.tickers)}", f"url: {url}", f"published: {published}"]
        headers += [
            f"publisher: {source.publisher}",
            f"organisation: {source.publisher}",
            f"kind: {source.kind}",
        ]
        text = "\n".join([source.title, *headers, "", body]) + "\n"
        documents.append(
            SourceDocument(
                id=source.slug,
                title=source.title,
                text=text,
                body=body,
                filename=f"{source.slug}.txt",
                tickers=source.tickers,
                url=url,
                published=published,
                publisher=source.publisher,
                organisation=source.publisher,
                kind=source.kind,
            )
        )
    return tuple(sorted(documents, key=lambda d: d.filename))


def _actions(companies: pd.DataFrame, dates: pd.DatetimeIndex, quirks: _Quirks) -> pd.DataFrame:
    """actions.csv: the split the prices show, as a vendor of as-traded prices reports it."""
    rows = []
    if quirks.split:
        column, row = quirks.split
        rows.append(
            {
                "date": dates[row],
                "ticker": companies["ticker"].iloc[column],
                "split_ratio": float(u.SPLIT_RATIO),
            }
        )
    return pd.DataFrame(rows, columns=list(ACTION_COLUMNS)).astype({"split_ratio": float, "dividend": float})


def _long_date(day: pd.Timestamp) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# ------------------------------------------------------------------------------------- cohorts, manifest


def _cohorts(companies: pd.DataFrame) -> tuple[Cohort, ...]:
    """cohorts.yaml in the hand-written order, keeping only tickers that exist and non-empty groups."""
    present = set(companies["ticker"])
    members: dict[str, tuple[str, ...]] = {}
    for company in u.COMPANIES:
        if company.group and company.ticker in present:
            members[company.group] = (*members.get(company.group, ()), company.ticker)
    cohorts = []
    for name, leaves in u.COHORT_LAYOUT.items():
        if leaves is None:
            if members.get(name):
                cohorts.append(Cohort(name, members[name]))
            continue
        groups = tuple(Cohort(leaf, members[leaf]) for leaf in leaves if members.get(leaf))
        if groups:
            cohorts.append(Cohort(name, tuple(t for g in groups for t in g.tickers), groups))
    return tuple(cohorts)


def _manifest(
    companies: pd.DataFrame,
    dates: pd.DatetimeIndex,
    quirks: _Quirks,
    fundamentals: pd.DataFrame,
    news: pd.DataFrame,
    n_tickers: int,
    years: float,
    seed: int,
    as_of: dt.date,
) -> Manifest:
    return Manifest(
        name=SNAPSHOT_NAME,
        as_of=as_of,
        currency="USD",
        units=dict(FUNDAMENTAL_FIELDS),
        sources=[{"generator": GENERATOR_PATH, "seed": seed, "note": "fictional"}],
        missing_tickers=[],
        fictional=True,
        prices_adjusted="none",
        fundamentals_as_of=as_of,
        benchmark_name=BENCHMARK_NAME,
        universe_name=f"Meridian {n_tickers}",
        parameters={"n_tickers": n_tickers, "years": years, "seed": seed},
        notes=_notes(companies, dates, quirks, fundamentals, news, seed, as_of),
    )


def _notes(
    companies: pd.DataFrame,
    dates: pd.DatetimeIndex,
    quirks: _Quirks,
    fundamentals: pd.DataFrame,
    news: pd.DataFrame,
    seed: int,
    as_of: dt.date,
) -> list[str]:
    """What a reader of this snapshot must know: it is invented, and where the data is deliberately bad."""

    def who(column: int) -> str:
        return f"{companies['ticker'].iloc[column]} ({companies['name'].iloc[column]})"

    notes = [
        f"Fictional: every company, ticker, person, publisher, figure and headline is invented "
        f"(generated by {GENERATOR_PATH}, seed {seed}). Nothing here describes a real market.",
        "Trading days are Monday to Friday with no exchange holidays.",
    ]
    if quirks.split:
        column, row = quirks.split
        notes.append(
            f"Prices are as traded (prices_adjusted: none). {who(column)} split {u.SPLIT_RATIO}-for-1 "
            f"on {dates[row]:%Y-%m-%d}, as actions.csv records: its raw close falls about 75% that day "
            f"and its volume jumps; its week52_high still reflects pre-split prices."
        )
    if quirks.listing:
        column, row = quirks.listing
        notes.append(f"{who(column)} listed on {dates[row]:%Y-%m-%d}; it has no prices before that date.")
    if quirks.gaps:
        column, rows = quirks.gaps
        missing = ", ".join(f"{dates[r]:%Y-%m-%d}" for r in rows)
        notes.append(f"{who(column)} has no price rows on {missing} (data gaps, not holidays).")
    losers = sorted(fundamentals.index[fundamentals["eps"] < 0])
    if losers:
        notes.append(f"Loss-makers (negative eps, so pe is blank): {_listing(losers)}.")
    no_value = sorted(fundamentals.index[fundamentals[list(VALUE_INPUTS)].isna().all(axis=1)])
    no_quality = sorted(fundamentals.index[fundamentals[list(QUALITY_INPUTS)].isna().all(axis=1)])
    notes.append(
        f"Fundamentals: about {RANDOM_BLANK_SHARE:.0%} of ratio cells are blank at random; a blank means "
        f"unknown, never zero, and a dividend_yield of 0 marks a known non-payer. "
        f"No value inputs ({', '.join(VALUE_INPUTS)}): {_listing(no_value)}. "
        f"No quality inputs ({', '.join(QUALITY_INPUTS)}): {_listing(no_quality)}."
    )
    recent = news["published"] >= pd.Timestamp(as_of, tz="UTC") - pd.Timedelta(days=RECENT_NEWS_DAYS)
    quiet = sorted(set(companies["ticker"]) - set(news.loc[recent, "ticker"]))
    notes.append(
        f"News covers the {NEWS_DAYS} days to {as_of}; {len(quiet)} tickers have no headlines in the last "
        f"{RECENT_NEWS_DAYS} days: {_listing(quiet)}."
    )
    notes.append(
        f"{BENCHMARK_TICKER} ({BENCHMARK_NAME}) blends the universe weighted by market cap to the power "
        f"{BENCHMARK_CAP_EXPONENT} with a wider-market factor and noise; it uses split-adjusted prices."
    )
    return notes


def _listing(tickers: Sequence[str], shown: int = 20) -> str:
    if not tickers:
        return "none"
    text = ", ".join(tickers[:shown])
    return text if len(tickers) <= shown else f"{text} and {len(tickers) - shown} more"


def main() -> None:
    """Regenerate the bundled sample folder shipped with the package."""
    from generator.resources import sample_snapshot_dir

    path = write_sample(sample_snapshot_dir())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
