"""Market facts against values computed by hand on small frames."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from generator.facts import CORPORATE_ACTION, UNIVERSE, compute_facts, load_fact_rules
from generator.market.snapshot import Cohort, Manifest, Snapshot
from generator.models import Unit
from generator.resources import resource_dir

AS_OF = dt.date(2026, 3, 31)


def business_days(end: dt.date, count: int) -> pd.DatetimeIndex:
    return pd.bdate_range(end=end, periods=count)


def make_snapshot(closes: dict[str, list[float | None]], dates: pd.DatetimeIndex, *, sectors=None,
                  market_caps=None, cohorts=(), volumes=None) -> Snapshot:  # fmt: skip
    rows = []
    for ticker, series in closes.items():
        for i, (day, close) in enumerate(zip(dates, series, strict=True)):
            if close is None:
                continue
            volume = volumes[ticker][i] if volumes and ticker in volumes else 1000.0
            rows.append({"date": day, "ticker": ticker, "open": close, "high": close, "low": close,
                         "close": close, "volume": volume})  # fmt: skip
    prices = pd.DataFrame(rows)
    benchmark = pd.DataFrame({"date": dates, "ticker": "BMK", "close": np.linspace(100, 110, len(dates))})
    tickers = list(closes)
    fundamentals = pd.DataFrame(
        {
            "name": [f"{t} Corp" for t in tickers],
            "sector": [(sectors or {}).get(t, "Industrials") for t in tickers],
            "sub_industry": [None] * len(tickers),
            "market_cap": [(market_caps or {}).get(t, np.nan) for t in tickers],
        },
        index=pd.Index(tickers, name="ticker"),
    )
    manifest = Manifest(name="test", as_of=dates[-1].date(), currency="USD", units={"market_cap": "USD bn"})
    return Snapshot(manifest, prices, benchmark, fundamentals, cohorts=tuple(cohorts))


@pytest.fixture(scope="module")
def rules():
    return load_fact_rules(resource_dir("rules"))


def test_window_returns_match_hand_computation(rules):
    dates = business_days(AS_OF, 300)
    closes = np.linspace(50, 80, 300)
    facts = compute_facts(make_snapshot({"AAA": list(closes)}, dates), rules)
    one_month = facts.windows["1M"]
    start_close = closes[dates.get_loc(pd.Timestamp(one_month.start))]
    assert one_month.start == dt.date(2026, 2, 27)  # last trading day on or before Feb. 28
    assert facts.value("AAA", "ret_1M") == pytest.approx(80 / start_close - 1)
    assert facts.value("AAA", "ret_1D") == pytest.approx(closes[-1] / closes[-2] - 1)
    ytd_start = dates.get_loc(pd.Timestamp("2025-12-31"))
    assert facts.value("AAA", "ret_YTD") == pytest.approx(80 / closes[ytd_start] - 1)


def test_return_fact_has_display_provenance_and_unit(rules):
    dates = business_days(AS_OF, 300)
    facts = compute_facts(make_snapshot({"AAA": list(np.linspace(50, 80, 300))}, dates), rules)
    fact = facts.stock_return("AAA", "1Y")
    assert fact.unit is Unit.PERCENT
    assert fact.display == f"{fact.value:.1f}%"
    assert fact.provenance.series == "prices.close[AAA]"
    assert "1Y:" in fact.provenance.window and str(AS_OF) in fact.provenance.window
    assert fact.provenance.formula.startswith(f"close {AS_OF} (80)")
    assert fact.flags == ()


def test_short_gap_is_bridged_but_long_gap_and_late_listing_are_unknown(rules):
    dates = business_days(AS_OF, 300)
    base = list(np.linspace(10, 20, 300))
    one_missing = base.copy()
    one_missing[-22] = None  # around the 1M start: bridged by the previous close
    listed_late = [None] * 250 + base[250:]  # lists inside the 1Y window
    stopped = base[:-10] + [None] * 10  # no close for the last 10 sessions
    facts = compute_facts(
        make_snapshot({"GAP": one_missing, "NEW": listed_late, "OLD": stopped}, dates), rules
    )
    assert not np.isnan(facts.value("GAP", "ret_1M"))
    assert np.isnan(facts.value("NEW", "ret_1Y"))  # unknown, not zero
    assert facts.stock_return("NEW", "1Y") is None
    assert facts.value("NEW", "ret_1M") == pytest.approx(base[-1] / base[dates.searchsorted(
        pd.Timestamp(facts.windows["1M"].start))] - 1)  # fmt: skip
    assert np.isnan(facts.value("OLD", "ret_1D")) and np.isnan(facts.value("OLD", "close"))


def test_group_returns_equal_and_cap_weighted(rules):
    dates = business_days(AS_OF, 30)
    up = [100.0] * 29 + [110.0]  # +10% on the day
    down = [50.0] * 29 + [45.0]  # -10% on the day
    snapshot = make_snapshot({"UP": up, "DN": down}, dates, market_caps={"UP": 3.0, "DN": 1.0})
    facts = compute_facts(snapshot, rules)
    assert facts.group_value(UNIVERSE, "ew_1D") == pytest.approx(0.0)
    # cap-weighted: shares = cap / last price; start values 3bn*100/110 and 1bn*50/45
    shares = {"UP": 3e9 / 110, "DN": 1e9 / 45}
    gain = shares["UP"] * 10 - shares["DN"] * 5
    start = shares["UP"] * 100 + shares["DN"] * 50
    assert facts.group_value(UNIVERSE, "cw_1D") == pytest.approx(gain / start)
    assert facts.group_count(UNIVERSE, "up", "1D").value == 1
    assert facts.group_count(UNIVERSE, "down", "1D").display == "one"


def test_relative_performance_is_a_difference_in_percentage_points(rules):
    dates = business_days(AS_OF, 30)
    cohort = Cohort("Chips", ("AAA",), ())
    snapshot = make_snapshot({"AAA": [100.0] * 29 + [120.0], "BBB": [100.0] * 30}, dates, cohorts=[cohort])
    facts = compute_facts(snapshot, rules)
    relative = facts.group_relative("cohort:chips", "1D")
    # cohort +20%, equal-weighted universe +10% -> 10 percentage points, not a ratio
    assert relative.unit is Unit.POINTS
    assert relative.value == pytest.approx(10.0)
    assert relative.display == "10.0 percentage points"


def test_subgroup_contribution_adds_up_to_the_cohort_return(rules):
    dates = business_days(AS_OF, 30)
    cohort = Cohort("AI", ("A1", "A2", "B1"), (Cohort("A", ("A1", "A2")), Cohort("B", ("B1",))))
    closes = {"A1": [10.0] * 29 + [12.0], "A2": [10.0] * 29 + [11.0], "B1": [10.0] * 29 + [9.0]}
    facts = compute_facts(make_snapshot(closes, dates, cohorts=[cohort]), rules)
    parts = [facts.group_contribution(g, "1D").value for g in facts.subgroups("cohort:ai")]
    assert sum(parts) == pytest.approx(facts.group_return("cohort:ai", "1D").value)


def test_one_day_move_beyond_threshold_flags_the_stock_and_leaves_it_out_of_groups(rules):
    dates = business_days(AS_OF, 300)
    split = [400.0] * 280 + [100.0] * 20  # an unadjusted 4-for-1 split 20 sessions ago
    snapshot = make_snapshot({"SPL": split, "CAL": [50.0] * 300}, dates)
    facts = compute_facts(snapshot, rules)
    assert facts.stock_return("SPL", "1M").flags == (CORPORATE_ACTION,)
    assert facts.stock_return("SPL", "1D").flags == ()  # the day itself is outside the 1D window
    # the group figure leaves the suspect out instead of inheriting its distortion
    assert facts.excluded(UNIVERSE, "1M") == ["SPL"]
    universe = facts.group_return(UNIVERSE, "1M")
    assert (
        universe.flags == ()
        and universe.value == pytest.approx(0.0)
        and "excludes SPL" in universe.provenance.formula
    )
    assert facts.excluded(UNIVERSE, "1D") == []
    [(day, move)] = facts.corporate_actions("SPL")
    assert day == dates[280].date() and move.display == "-75.0%" and move.flags == (CORPORATE_ACTION,)
    assert facts.corporate_actions("CAL") == []


def test_52_week_range_volatility_and_volume(rules):
    dates = business_days(AS_OF, 300)
    closes = [100.0] * 300
    closes[-100] = 130.0  # the 52-week high
    closes[-50] = 80.0  # the 52-week low
    volumes = {"AAA": [1000.0] * 299 + [3000.0]}
    facts = compute_facts(make_snapshot({"AAA": closes}, dates, volumes=volumes), rules)
    assert facts.value("AAA", "high_52w") == 130.0 and facts.value("AAA", "low_52w") == 80.0
    assert facts.value("AAA", "high_52w_date") == dates[-100].date()
    assert facts.stock_figure("AAA", "pct_from_high").value == pytest.approx((100 / 130 - 1) * 100)
    assert facts.stock_figure("AAA", "volume_ratio").value == pytest.approx(3.0)
    assert facts.stock_figure("AAA", "volume").display == "3,000 shares"
    log_moves = np.diff(np.log(closes[-64:]))
    assert facts.value("AAA", "volatility") == pytest.approx(log_moves.std(ddof=1) * np.sqrt(252))


def test_movers_are_sorted_and_split_by_sign(rules):
    dates = business_days(AS_OF, 10)
    closes = {
        t: [100.0] * 9 + [100.0 * (1 + r)] for t, r in {"A": 0.05, "B": 0.02, "C": -0.01, "D": -0.04}.items()
    }
    facts = compute_facts(make_snapshot(closes, dates), rules)
    assert facts.movers("1D", 5) == (["A", "B"], ["D", "C"])


def test_sp500_facts_cover_the_real_universe(sp500_snapshot, rules):
    facts = compute_facts(sp500_snapshot, rules)
    assert facts.as_of == dt.date(2017, 11, 10)
    assert facts.windows["1D"].start == dt.date(2017, 11, 9)
    # LVLT stops on 2017-10-31 (more than five sessions before the as-of date): no return
    assert facts.stock_return("LVLT", "1M") is None
    # ARNC lists 2016-11-01: it has a 1Y return (from 2016-11-10) but none since 2014
    assert facts.stock_return("ARNC", "1Y") is not None
    assert facts.windows["3M"].start == dt.date(2017, 8, 10)
    # MNK fell 35.5% on 2017-11-07: flagged as a possible corporate action
    assert any(day == dt.date(2017, 11, 7) for day, _ in facts.corporate_actions("MNK"))
    assert facts.stock_return("MNK", "1W").flags == (CORPORATE_ACTION,)
    aapl = facts.stock_return("AAPL", "1M")
    assert aapl.display == "12.4%" and "155.34" in aapl.provenance.formula
