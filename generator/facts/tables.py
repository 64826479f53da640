"""The facts tables, computed for the whole universe at once with array operations.

`stocks` has one row per ticker (fundamentals joined with price figures), `groups` one row per group
(sectors, sub-industries, cohorts, baskets, the universe), `benchmarks` one row per benchmark series.
Window columns are named through generator.facts.columns.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.facts import columns as col
from generator.facts.panel import ADJUSTED, PricePanel
from generator.facts.rules import FactRules, MarketClose
from generator.facts.windows import Window
from generator.market.snapshot import Snapshot
from generator.slugs import slugify

UNIVERSE = "universe"
TICKERS_AT_ONCE = 2048  # a chunk's history temporaries stay a few tens of MB
_MONEY_SCALE = {
    "usd": 1.0,
    "usd bn": 1e9,
    "usd billion": 1e9,
    "usd mn": 1e6,
    "usd million": 1e6,
    "usd m": 1e6,
}


@dataclass(frozen=True)
class Group:
    """Stocks reported together: a sector, sub-industry, cohort, cohort sub-group, basket or the universe."""

    id: str  # e.g. "sector:information-technology", "cohort:ai-infrastructure/semiconductors"
    kind: str  # sector | sub_industry | cohort | subgroup | basket | universe
    name: str
    tickers: tuple[str, ...]
    parent: str | None = None


def stock_table(
    panel: PricePanel,
    fundamentals: pd.DataFrame,
    windows: dict[str, Window],
    rules: FactRules,
    unit: Callable[[str], str],
    fundamentals_as_of: dt.date,
) -> pd.DataFrame:
    """Fundamentals joined with every price figure a story may state about one stock.

    The price figures are computed for `TICKERS_AT_ONCE` stocks at a time: each is the stock's own,
    and their whole-history temporaries would otherwise cost a big universe several times its panel.
    """
    width = len(panel.tickers)
    stocks = pd.concat(
        [
            _price_figures(panel.columns(start, start + TICKERS_AT_ONCE), windows, rules)
            for start in range(0, max(width, 1), TICKERS_AT_ONCE)
        ]
    )
    stocks = fundamentals.join(stocks.reindex(fundamentals.index))
    stocks["share_factor"] = share_factor(panel, stocks, fundamentals_as_of, rules, unit("dividend_yield"))
    scale = _MONEY_SCALE.get(unit("market_cap").strip().lower())
    if "market_cap" in stocks and scale:
        # Shares from the fundamentals' own market value and price, restated to today's share count
        # (a split since then multiplies them), valued at the latest close.
        reference_price = stocks["price"] if "price" in stocks else stocks["close"]
        shares = stocks["market_cap"] * scale / reference_price.where(reference_price > 0)
        shares = shares * stocks["share_factor"]
        stocks["shares"] = shares
        stocks["market_cap_usd"] = shares * stocks["close"]
    else:
        stocks["shares"] = np.nan
        stocks["market_cap_usd"] = np.nan
    for name in windows:
        flag = col.windowed(col.SUSPECT, name)
        stocks[flag] = stocks[flag].fillna(False).astype(bool)
    for name in ("high_52w", "low_52w", "closing_high_52w", "closing_low_52w"):
        for flag in (f"{name}_today", f"{name}_new"):
            stocks[flag] = stocks[flag].fillna(False).astype(bool)
    stocks.index.name = "ticker"
    return stocks


def _price_figures(panel: PricePanel, windows: dict[str, Window], rules: FactRules) -> pd.DataFrame:
    """Every figure the price history gives for each of the panel's stocks, indexed by ticker."""
    filled, end = panel.filled, len(panel.dates) - 1
    columns: dict[str, np.ndarray] = {"close": filled[end]}
    row_of = {day.date(): i for i, day in enumerate(panel.dates)}
    column_of = {ticker: i for i, ticker in enumerate(panel.tickers)}
    suspects = [(row_of[split.date], column_of[split.ticker]) for split in panel.suspected()]
    for name, w in windows.items():
        base = filled[w.start_row]
        columns[col.windowed(col.BASE, name)] = base
        columns[col.windowed(col.RETURN, name)] = filled[end] / base - 1
        suspect = np.zeros(len(panel.tickers), dtype=bool)  # a suspected split inside the window
        for row, column in suspects:
            suspect[column] |= w.start_row < row <= end
        columns[col.windowed(col.SUSPECT, name)] = suspect

    year_rows = panel.dates > pd.Timestamp(panel.dates[end] - pd.DateOffset(years=1))
    year_dates = panel.dates[year_rows]
    cols = np.arange(len(panel.tickers))
    has_year = ~np.all(np.isnan(panel.close[year_rows]), axis=0)
    last = len(year_dates) - 1
    for name, series, pick in (
        ("high_52w", panel.high, "max"),
        ("low_52w", panel.low, "min"),
        ("closing_high_52w", panel.close, "max"),
        ("closing_low_52w", panel.close, "min"),
    ):
        block = series[year_rows]
        if pick == "max":
            row = np.argmax(np.where(np.isnan(block), -np.inf, block), axis=0)
        else:
            row = np.argmin(np.where(np.isnan(block), np.inf, block), axis=0)
        extreme = np.where(has_year, block[row, cols], np.nan)
        columns[name] = extreme
        columns[f"{name}_row"] = np.where(has_year, row, -1)
        # reached in the last session (`_today`), and whether beyond every earlier one (`_new`) or
        # only equal to one: "its lowest close in 52 weeks" against "matched its lowest close"
        today = block[last] if len(block) else np.full(len(cols), np.nan)
        earlier = block[:last]
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a stock with one session has no earlier
            before = np.nanmax(earlier, axis=0) if pick == "max" else np.nanmin(earlier, axis=0)
        columns[f"{name}_today"] = has_year & (today == extreme)
        beyond = (today > before) if pick == "max" else (today < before)
        columns[f"{name}_new"] = has_year & (today == extreme) & (beyond | np.isnan(before))
    columns["pct_from_high"] = columns["close"] / columns["high_52w"] - 1

    has_any = ~np.all(np.isnan(panel.close), axis=0)
    peak_row = np.argmax(np.where(np.isnan(panel.close), -np.inf, panel.close), axis=0)
    columns["peak_close"] = np.where(has_any, panel.close[peak_row, cols], np.nan)
    columns["drawdown"] = columns["close"] / columns["peak_close"] - 1
    first_row = np.argmax(~np.isnan(panel.close), axis=0)

    recent = filled[-(rules.volatility_days + 1) :]
    with np.errstate(invalid="ignore", divide="ignore"):
        log_moves = np.diff(np.log(recent), axis=0)
        observations = np.sum(~np.isnan(log_moves), axis=0)
        deviations = log_moves - np.nanmean(np.where(observations > 0, log_moves, 0), axis=0)
        variance = np.nansum(deviations**2, axis=0) / (observations - 1)
    vol = np.where(observations >= rules.min_volatility_observations, np.sqrt(variance), np.nan)
    columns["volatility"] = vol * np.sqrt(252)

    volume = panel.volume
    prior = volume[-(rules.volume_average_days + 1) : -1]
    none_prior = np.all(np.isnan(prior), axis=0)
    with np.errstate(invalid="ignore"):
        columns["volume"] = volume[end]
        average = np.nanmean(np.where(none_prior, 0, prior), axis=0)
    columns["avg_volume"] = np.where(none_prior, np.nan, average)
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["volume_ratio"] = np.where(
            columns["avg_volume"] > 0, volume[end] / columns["avg_volume"], np.nan
        )

    history, history_dates = session_history(
        panel, rules, windows["1W"].start_row if "1W" in windows else None
    )
    columns.update(history)

    stocks = pd.DataFrame(columns, index=panel.tickers)
    for name, dates in history_dates.items():
        stocks[name] = dates
    for name in ("high_52w", "low_52w", "closing_high_52w", "closing_low_52w"):
        rows = stocks.pop(f"{name}_row").to_numpy()
        stocks[f"{name}_date"] = np.where(rows >= 0, year_dates[np.maximum(rows, 0)].date, None)
    stocks["peak_date"] = np.where(has_any, panel.dates[peak_row].date, None)
    stocks["first_date"] = np.where(has_any, panel.dates[first_row].date, None)
    return stocks


def session_history(
    panel: PricePanel, rules: FactRules, week_start: int | None = None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """What the last session means against the ones before it, for every stock at once.

    - `up_streak` / `down_streak`: consecutive sessions, to the last, that closed above (below) the
      close before; NaN when the last session did not move that way. `streak_start_date` is the
      close the streak is measured from, `streak_return` the move since it ("up 15.5% over the
      five sessions") and `streak_benchmark_return` the primary benchmark's over the same sessions.
    - `move_multiple`: the last session's move over the standard deviation of the daily moves in the
      `volatility_days` sessions before it (the stock's own typical move); `biggest_move_since_date`
      the last earlier session that moved at least as far the same way (None: none in the data).
    - `ma_long`: the mean of the last `moving_average_days` closes; `ma_cross` +1 when the last
      close is the first above it after one at or below it the session before, -1 the reverse, else 0;
      `ma_since_date`: for a cross, the last earlier close on the same side of its average.

    - `week_top_move`: the biggest one-session move of the week (the sessions after `week_start`, the
      row of the 1W window's first close) before the last session, which has figures of its own;
      `week_top_move_before_date` and `week_top_move_date` bound it, and `week_top_move_multiple`
      is it over the same typical move as `move_multiple`'s: General Growth Properties' 16.8% jump
      of Nov. 7, 2017 in a brief about the year.

    On prices not adjusted for splits, a stock with a suspected split anywhere in the panel has no
    `biggest_move_since_date` (the split day would pass for the biggest move), no streak, week's
    move or multiple over a window holding one.
    """
    filled, dates = panel.filled, panel.dates
    rows, width = filled.shape
    nan = np.full(width, np.nan)
    none = np.full(width, None, dtype=object)
    if rows < 3:
        empty = dict.fromkeys(
            ("up_streak", "down_streak", "streak_return", "streak_benchmark_return", "move_multiple",
             "ma_long", "week_top_move", "week_top_move_multiple"),
            nan,
        )  # fmt: skip
        return {**empty, "ma_cross": np.zeros(width, dtype=int)}, {
            "streak_start_date": none,
            "biggest_move_since_date": none,
            "ma_since_date": none,
            "week_top_move_before_date": none,
            "week_top_move_date": none,
        }
    with np.errstate(invalid="ignore", divide="ignore"):
        moves = filled[1:] / filled[:-1] - 1
    today = moves[-1]
    suspect = np.zeros(width, dtype=bool)
    column_of = {ticker: i for i, ticker in enumerate(panel.tickers)}
    for split in panel.suspected():
        suspect[column_of[split.ticker]] = True

    # streaks, looked for over the last year of sessions at most
    look = min(len(moves), 260)
    recent = np.sign(np.nan_to_num(moves[::-1][:look]))
    columns: dict[str, np.ndarray] = {}
    runs = {}
    for name, sign in (("up_streak", 1), ("down_streak", -1)):
        same = recent == sign
        run = np.where(same.all(axis=0), look, np.argmax(~same, axis=0))
        runs[name] = run
        columns[name] = np.where((run >= 1) & ~suspect, run.astype(float), np.nan)
    run = np.maximum(runs["up_streak"], runs["down_streak"])
    start_row = np.clip(rows - 1 - run, 0, rows - 1)
    start_dates = np.where(run >= 1, dates[start_row].date, None)
    bench = panel.benchmark_close
    with np.errstate(invalid="ignore", divide="ignore"):
        run_move = filled[-1] / filled[start_row, np.arange(width)] - 1
        market = bench[-1] / bench[start_row] - 1
    columns["streak_return"] = np.where((run >= 1) & ~suspect, run_move, np.nan)
    columns["streak_benchmark_return"] = np.where((run >= 1) & ~suspect, market, np.nan)

    # the move against the stock's own volatility, and the last one as big
    prior = moves[-(rules.volatility_days + 1) : -1]
    observations = np.sum(~np.isnan(prior), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        deviation = np.nanstd(prior, axis=0, ddof=1)
        enough = (observations >= rules.min_volatility_observations) & (deviation > 0)
        columns["move_multiple"] = np.where(enough & ~suspect, np.abs(today) / deviation, np.nan)
        earlier = moves[:-1]
        as_big = np.where(today > 0, earlier >= today, earlier <= today) & (today != 0)
    found = as_big.any(axis=0) & ~suspect & ~np.isnan(today)
    last = len(earlier) - 1 - np.argmax(as_big[::-1], axis=0)
    since_dates = np.where(found, dates[np.clip(last + 1, 0, rows - 1)].date, None)

    # the week's biggest move before the last session: moves[k] is session k + 1's
    week = moves[week_start : rows - 2] if week_start is not None and week_start < rows - 2 else moves[:0]
    size = np.where(np.isnan(week), -1.0, np.abs(week))
    top = np.argmax(size, axis=0) if len(week) else np.zeros(width, dtype=int)
    has_top = (size.max(axis=0) > 0 if len(week) else np.zeros(width, dtype=bool)) & ~suspect
    top_move = np.where(has_top, week[top, np.arange(width)] if len(week) else nan, np.nan)
    columns["week_top_move"] = top_move
    with np.errstate(invalid="ignore", divide="ignore"):
        columns["week_top_move_multiple"] = np.where(enough & has_top, np.abs(top_move) / deviation, np.nan)
    top_row = (week_start or 0) + top + 1
    top_before = np.where(has_top, dates[np.clip(top_row - 1, 0, rows - 1)].date, None)
    top_dates = np.where(has_top, dates[np.clip(top_row, 0, rows - 1)].date, None)

    # the long moving average and a cross of it
    days = rules.moving_average_days
    average = pd.DataFrame(filled).rolling(days, min_periods=days).mean().to_numpy()
    columns["ma_long"] = average[-1]
    with np.errstate(invalid="ignore"):
        above, below = filled > average, filled < average
        up = above[-1] & (filled[-2] <= average[-2])
        down = below[-1] & (filled[-2] >= average[-2])
    columns["ma_cross"] = np.where(up, 1, np.where(down, -1, 0))
    side = np.where(up[None, :], above[:-1], below[:-1])
    seen = side.any(axis=0) & (up | down)
    last_seen = rows - 2 - np.argmax(side[::-1], axis=0)
    ma_dates = np.where(seen, dates[np.clip(last_seen, 0, rows - 1)].date, None)
    return columns, {
        "streak_start_date": start_dates,
        "biggest_move_since_date": since_dates,
        "ma_since_date": ma_dates,
        "week_top_move_before_date": top_before,
        "week_top_move_date": top_dates,
    }


PATH_KINDS = ("universe", "sector", "cohort", "basket")


def group_paths(
    panel: PricePanel, groups: list[Group], windows: dict[str, Window], names: Sequence[str]
) -> dict[tuple[str, str], tuple[tuple[dt.date, float], ...]]:
    """Cumulative returns, in percent, at every session of each named window, for charts.

    For a group: the mean, over the members its window figure counts (a close at both ends, no
    suspected split inside), of close on the day / close at the start - 1 — so a path ends at the
    group's equal-weighted return. For a benchmark (id "benchmark:<ticker>"): its own cumulative
    return. Only universe, sector, cohort and basket groups are traced.
    """
    column_of = {ticker: i for i, ticker in enumerate(panel.tickers)}
    suspect = {s.ticker: s.date for s in panel.suspected()}
    paths: dict[tuple[str, str], tuple[tuple[dt.date, float], ...]] = {}
    for name in names:
        window = windows.get(name)
        if window is None:
            continue
        block = panel.filled[window.start_row : window.end_row + 1]
        dates = [d.date() for d in panel.dates[window.start_row : window.end_row + 1]]
        with np.errstate(invalid="ignore", divide="ignore"):
            relative = block / block[0] - 1
        for group in groups:
            if group.kind not in PATH_KINDS:
                continue
            columns = [
                column_of[t]
                for t in group.tickers
                if t in column_of
                and not np.isnan(relative[-1, column_of[t]])
                and not (t in suspect and window.start < suspect[t] <= window.end)
            ]
            if not columns:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                values = np.nanmean(relative[:, columns], axis=1) * 100
            paths[(group.id, name)] = tuple(zip(dates, values.tolist(), strict=True))
        for ticker in panel.benchmark.columns:
            series = panel.benchmark[ticker].to_numpy(dtype=float)[window.start_row : window.end_row + 1]
            values = (series / series[0] - 1) * 100
            paths[(f"benchmark:{ticker}", name)] = tuple(zip(dates, values.tolist(), strict=True))
    return paths


def news_sessions(
    panel: PricePanel, news: pd.DataFrame, close: MarketClose
) -> dict[tuple[str, dt.date], tuple[float, dt.date]]:
    """(ticker, session) -> (that session's return, the session before) for every news item.

    A headline's session is the first one it can move: on or after its date in the market's time
    zone, the next one when it ran at or after the close. What a story measures an older headline
    against, so it never cites one its own session's tape contradicts.
    """
    if news.empty or len(panel.dates) < 2:
        return {}
    days = close.first_days(news["published"])
    rows = panel.dates.searchsorted(days, side="left")
    column_of = {ticker: i for i, ticker in enumerate(panel.tickers)}
    found = {}
    for ticker, row in zip(news["ticker"], rows, strict=True):
        column = column_of.get(ticker)
        if column is None or not 0 < row < len(panel.dates):
            continue
        before, after = panel.filled[row - 1, column], panel.filled[row, column]
        if np.isnan(before) or np.isnan(after):
            continue
        key = (str(ticker), panel.dates[row].date())
        found[key] = (float(after / before - 1), panel.dates[row - 1].date())
    return found


def share_factor(
    panel: PricePanel, stocks: pd.DataFrame, fundamentals_as_of: dt.date, rules: FactRules, yield_unit: str
) -> pd.Series:
    """New shares per old between the fundamentals' date and today's share basis of the prices.

    Per-share fundamentals (earnings, book and sales per share) and share counts describe the share
    count of their own date; a split since then changes it. Where the snapshot lists splits (or they
    are suspected), the factor is their product after the fundamentals' date. On back-adjusted prices
    with no list, it is read from the fundamentals' own price against the adjusted close of the
    session it is the close of: the nearest split ratio (or 1) once dividends are allowed for.
    Dividends lower past adjusted prices by about the stock's dividend yield over the time since
    (`dividend_yield`, in `yield_unit`); where that is unknown, by at most `max_dividend_adjustment`.
    What remains may differ from 1 by a day's price noise (the split tolerance) and no more. A gap
    no split explains (a spin-off) is unknown: NaN, so what depends on it is missing rather than
    wrong.

    A fundamentals file taken before its date's close carries the session before's closes (the
    S&P 500 snapshot of 2017-03-08 has the 2017-03-07 closes): of the two sessions, the one whose
    closes the prices match more closely is read.
    """
    factor = pd.Series(1.0, index=stocks.index)
    if fundamentals_as_of >= panel.dates[-1].date():
        return factor
    listed = [s for s in panel.splits if s.date > fundamentals_as_of]
    for split in listed:
        if split.ticker in factor.index:
            factor[split.ticker] *= split.ratio
    if panel.basis not in ADJUSTED or any(not s.suspected for s in panel.splits) or "price" not in stocks:
        return factor
    row = int(panel.dates.searchsorted(pd.Timestamp(fundamentals_as_of), side="right")) - 1
    if row < 0:
        return factor * np.nan
    years = (panel.dates[-1] - panel.dates[row]).days / 365.25
    dividends = np.full(len(stocks), np.nan)
    if "dividend_yield" in stocks and yield_unit.strip().lower() == "percent":
        dividends = 1 + stocks["dividend_yield"].to_numpy(dtype=float) / 100 * years
    price = stocks["price"].where(stocks["price"] > 0).to_numpy(dtype=float)
    read = [
        _read_off_splits(panel, stocks.index, price, dividends, r, rules) for r in (row, row - 1) if r >= 0
    ]
    inferred, _ = min(read, key=lambda found: found[1])
    return pd.Series(inferred, index=stocks.index)


def _read_off_splits(
    panel: PricePanel, tickers: pd.Index, price: np.ndarray, dividends: np.ndarray, row: int, rules: FactRules
) -> tuple[np.ndarray, float]:
    """Each stock's split factor read off `price` against the adjusted closes of session `row` (NaN
    where none fits, or where either is missing: a blank price rules out no split), and the median
    gap left where one fits: how well the session fits."""
    adjusted = pd.Series(panel.filled[row], index=panel.tickers).reindex(tickers).to_numpy(dtype=float)
    candidates = np.array([1.0, *rules.split_ratios()])
    tolerance = rules.splits.tolerance
    known = ~np.isnan(dividends)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (price / np.where(known, dividends, 1.0) / adjusted)[:, None] / candidates[None, :]
        high = np.where(known, 1 + tolerance, 1 + rules.max_dividend_adjustment)[:, None]
        gap = np.where((ratio >= 1 - tolerance) & (ratio <= high), np.abs(np.log(ratio)), np.inf)
    best = np.argmin(gap, axis=1)
    closest = gap[np.arange(len(best)), best]
    fits = np.isfinite(closest)
    inferred = np.where(fits, candidates[best], np.nan)
    return inferred, float(np.median(closest[fits])) if fits.any() else np.inf


def groups_of(
    snapshot: Snapshot, stocks: pd.DataFrame, baskets: Mapping[str, tuple[str, Sequence[str]]]
) -> list[Group]:
    """The universe, sectors, sub-industries, cohorts and their sub-groups, and editors' baskets."""
    known = set(stocks.index[stocks["close"].notna()])
    groups = [
        Group(UNIVERSE, "universe", snapshot.manifest.universe_name or "universe", tuple(sorted(known)))
    ]
    for kind in ("sector", "sub_industry"):
        for name, members in stocks[stocks[kind].notna()].groupby(kind, sort=True).groups.items():
            tickers = tuple(sorted(t for t in members if t in known))
            if tickers:
                groups.append(Group(f"{kind}:{slugify(str(name))}", kind, str(name), tickers))
    for cohort in snapshot.cohorts:
        cohort_id = f"cohort:{slugify(cohort.name)}"
        groups.append(Group(cohort_id, "cohort", cohort.name, tuple(t for t in cohort.tickers if t in known)))
        for sub in cohort.groups:
            sub_id = f"{cohort_id}/{slugify(sub.name)}"
            groups.append(
                Group(sub_id, "subgroup", sub.name, tuple(t for t in sub.tickers if t in known), cohort_id)
            )
    for basket_id, (name, tickers) in baskets.items():
        groups.append(
            Group(basket_id, "basket", name, tuple(t for t in dict.fromkeys(tickers) if t in known))
        )
    return [g for g in groups if g.tickers]


def group_table(groups: list[Group], stocks: pd.DataFrame, windows: dict[str, Window]) -> pd.DataFrame:
    """Each group's equal- and cap-weighted returns, counts, and who it leaves out, per window."""
    position = {ticker: i for i, ticker in enumerate(stocks.index)}
    membership = np.zeros((len(groups), len(stocks)))
    for row, group in enumerate(groups):
        membership[row, [position[t] for t in group.tickers]] = 1.0
    table: dict[str, object] = {
        "kind": [g.kind for g in groups],
        "name": [g.name for g in groups],
        "parent": [g.parent for g in groups],
        "size": membership.sum(axis=1).astype(int),
    }
    shares = stocks["shares"].to_numpy(dtype=float)
    close = stocks["close"].to_numpy(dtype=float)
    for name in windows:
        returns = stocks[col.windowed(col.RETURN, name)].to_numpy(dtype=float)
        suspect = stocks[col.windowed(col.SUSPECT, name)].to_numpy(dtype=bool) & ~np.isnan(returns)
        known = ~np.isnan(returns) & ~suspect
        counted = membership @ known
        with np.errstate(invalid="ignore", divide="ignore"):
            table[col.windowed(col.EQUAL_WEIGHTED, name)] = np.where(
                counted > 0, membership @ np.where(known, returns, 0) / counted, np.nan
            )
            base = stocks[col.windowed(col.BASE, name)].to_numpy(dtype=float)
            weighable = known & ~np.isnan(shares)
            start_value = membership @ np.where(weighable, shares * base, 0)
            gain = membership @ np.where(weighable, shares * (close - base), 0)
            cap_weighted = np.where(start_value > 0, gain / start_value, np.nan)
        table[col.windowed(col.CAP_WEIGHTED, name)] = cap_weighted
        table[col.windowed(col.COUNTED, name)] = counted.astype(int)
        rose, fell = known & (np.nan_to_num(returns) > 0), known & (np.nan_to_num(returns) < 0)
        table[col.windowed(col.ROSE, name)] = (membership @ rose).astype(int)
        table[col.windowed(col.FELL, name)] = (membership @ fell).astype(int)
        table[col.windowed(col.LEFT_OUT, name)] = (membership @ suspect).astype(int)
    return pd.DataFrame(table, index=pd.Index([g.id for g in groups], name="group"))


def benchmark_table(panel: PricePanel, windows: dict[str, Window]) -> pd.DataFrame:
    """Each benchmark series' last close and window returns."""
    filled = panel.benchmark
    table = pd.DataFrame(index=pd.Index(list(filled.columns), name="ticker"))
    table["close"] = filled.iloc[-1]
    for name, w in windows.items():
        table[col.windowed(col.RETURN, name)] = filled.iloc[w.end_row] / filled.iloc[w.start_row] - 1
    return table
