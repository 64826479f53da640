"""Market facts against values computed by hand on small frames."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from generator.errors import ConfigError
from generator.facts import (
    CORPORATE_ACTION,
    UNIVERSE,
    PricePanel,
    compute_facts,
    load_fact_rules,
    load_fundamentals_rules,
)
from generator.facts import columns as col
from generator.facts.panel import Fall
from generator.facts.selections import movers
from generator.facts.tables import news_sessions
from generator.market.snapshot import ACTION_COLUMNS, Cohort, Manifest, Snapshot
from generator.models import Measure, Unit
from generator.resources import resource_dir
from generator.writing.editorial import load_editorial, with_desk_metadata

AS_OF = dt.date(2026, 3, 31)


def business_days(end: dt.date, count: int) -> pd.DatetimeIndex:
    return pd.bdate_range(end=end, periods=count)


def make_snapshot(closes: dict[str, list[float | None]], dates: pd.DatetimeIndex, *, sectors=None,
                  market_caps=None, cohorts=(), volumes=None, highs=None, lows=None, basis=None,
                  actions=(), fundamentals=None) -> Snapshot:  # fmt: skip
    rows = []
    for ticker, series in closes.items():
        for i, (day, close) in enumerate(zip(dates, series, strict=True)):
            if close is None:
                continue
            volume = volumes[ticker][i] if volumes and ticker in volumes else 1000.0
            high = highs[ticker][i] if highs and ticker in highs else close
            low = lows[ticker][i] if lows and ticker in lows else close
            rows.append({"date": day, "ticker": ticker, "open": close, "high": high, "low": low,
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
            **{
                column: [values.get(t, np.nan) for t in tickers]
                for column, values in (fundamentals or {}).items()
            },
        },
        index=pd.Index(tickers, name="ticker"),
    )
    manifest = Manifest(name="test", as_of=dates[-1].date(), currency="USD", units={"market_cap": "USD bn"},
                        prices_adjusted=basis)  # fmt: skip
    table = pd.DataFrame(list(actions), columns=list(ACTION_COLUMNS))
    if len(table):
        table["date"] = pd.to_datetime(table["date"])
    return Snapshot(manifest, prices, benchmark, fundamentals, cohorts=tuple(cohorts), actions=table)


def facts_of(snapshot: Snapshot, rules, **options):
    """The facts a run computes, from the snapshot's own price panel."""
    panel = PricePanel.from_snapshot(snapshot, rules)
    return compute_facts(snapshot, panel, rules, load_fundamentals_rules(resource_dir("rules")), **options)


@pytest.fixture(scope="module")
def rules():
    return load_fact_rules(resource_dir("rules"))


def test_window_returns_match_hand_computation(rules):
    dates = business_days(AS_OF, 300)
    closes = np.linspace(50, 80, 300)
    facts = facts_of(make_snapshot({"AAA": list(closes)}, dates), rules)
    one_month = facts.windows["1M"]
    start_close = closes[dates.get_loc(pd.Timestamp(one_month.start))]
    assert one_month.start == dt.date(2026, 2, 27)  # last trading day on or before Feb. 28
    assert facts.value("AAA", "ret_1M") == pytest.approx(80 / start_close - 1)
    assert facts.value("AAA", "ret_1D") == pytest.approx(closes[-1] / closes[-2] - 1)
    ytd_start = dates.get_loc(pd.Timestamp("2025-12-31"))
    assert facts.value("AAA", "ret_YTD") == pytest.approx(80 / closes[ytd_start] - 1)


def test_return_fact_has_display_provenance_and_unit(rules):
    dates = business_days(AS_OF, 300)
    facts = facts_of(make_snapshot({"AAA": list(np.linspace(50, 80, 300))}, dates), rules)
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
    facts = facts_of(make_snapshot({"GAP": one_missing, "NEW": listed_late, "OLD": stopped}, dates), rules)
    assert not np.isnan(facts.value("GAP", "ret_1M"))
    assert np.isnan(facts.value("NEW", "ret_1Y"))  # unknown, not zero
    assert facts.stock_return("NEW", "1Y") is None
    assert facts.value("NEW", "ret_1M") == pytest.approx(base[-1] / base[dates.searchsorted(
        pd.Timestamp(facts.windows["1M"].start))] - 1)  # fmt: skip
    assert np.isnan(facts.value("OLD", "ret_1D")) and np.isnan(facts.value("OLD", "close"))


def test_gaps_are_carried_forward_alike_in_every_block_of_tickers(rules, monkeypatch):
    """The panel carries closes forward a block of tickers at a time; a block edge changes nothing."""
    from generator.facts import panel as panel_module

    monkeypatch.setattr(panel_module, "_BLOCK", 2)  # five tickers: blocks of 2, 2 and 1
    dates = business_days(AS_OF, 10)
    limit = rules.max_fill_days
    gap = limit + 1  # one session more than may be bridged
    short = [10.0, None, None, 13.0] + [14.0] * 6  # two missing sessions: both bridged with 10
    long_ = [20.0] + [None] * gap + [30.0] * (9 - gap)  # the last session past the limit stays blank
    full = [50.0] * 10  # keeps every date in the panel
    closes = {"AAA": short, "BBB": long_, "CCC": short, "DDD": long_, "EEE": full}
    panel = PricePanel.from_snapshot(make_snapshot(closes, dates), rules)
    assert list(panel.tickers) == ["AAA", "BBB", "CCC", "DDD", "EEE"]
    assert panel.filled[:, 4].tolist() == full  # the last block, of one ticker
    for column in (0, 2):
        assert panel.filled[:4, column].tolist() == [10.0, 10.0, 10.0, 13.0]
        assert np.isnan(panel.close[1, column])  # the close itself stays unknown
    for column in (1, 3):
        assert panel.filled[1 : limit + 1, column].tolist() == [20.0] * limit
        assert np.isnan(panel.filled[gap, column])
        assert panel.filled[gap + 1, column] == 30.0


def test_the_panel_is_built_alike_some_rows_and_sessions_at_a_time(rules, monkeypatch):
    """Long rows are scattered 2 at a time and blank highs and lows filled 2 sessions at a time:
    every cell lands where one pass puts it, a missing row stays blank, a blank high is the close."""
    from generator.facts import panel as panel_module

    monkeypatch.setattr(panel_module, "BATCH_ROWS", 2)  # its own binding of snapshot.BATCH_ROWS
    monkeypatch.setattr(panel_module, "_DAYS", 2)
    dates = business_days(AS_OF, 5)
    closes = {"AAA": [1.0, 2.0, 3.0, 4.0, 5.0], "BBB": [10.0, None, 30.0, 40.0, 50.0]}
    highs = {"AAA": [1.5, np.nan, 3.5, 4.5, np.nan], "BBB": [11.0, None, 31.0, np.nan, 51.0]}
    lows = {"AAA": [0.5, 1.5, np.nan, 3.5, 4.5], "BBB": [np.nan, None, 29.0, 39.0, 49.0]}
    volumes = {"AAA": [100.0, 200.0, 300.0, 400.0, 500.0], "BBB": [1.0, None, 3.0, 4.0, 5.0]}
    snapshot = make_snapshot(closes, dates, highs=highs, lows=lows, volumes=volumes)
    panel = PricePanel.from_snapshot(snapshot, rules)

    def shown(matrix):
        return [[None if np.isnan(v) else float(v) for v in row] for row in matrix]

    assert shown(panel.close) == [[1.0, 10.0], [2.0, None], [3.0, 30.0], [4.0, 40.0], [5.0, 50.0]]
    assert shown(panel.high) == [[1.5, 11.0], [2.0, None], [3.5, 31.0], [4.5, 40.0], [5.0, 51.0]]
    assert shown(panel.low) == [[0.5, 10.0], [1.5, None], [3.0, 29.0], [3.5, 39.0], [4.5, 49.0]]
    assert shown(panel.volume) == [[100.0, 1.0], [200.0, None], [300.0, 3.0], [400.0, 4.0], [500.0, 5.0]]


def test_group_returns_equal_and_cap_weighted(rules):
    dates = business_days(AS_OF, 30)
    up = [100.0] * 29 + [110.0]  # +10% on the day
    down = [50.0] * 29 + [45.0]  # -10% on the day
    snapshot = make_snapshot({"UP": up, "DN": down}, dates, market_caps={"UP": 3.0, "DN": 1.0})
    facts = facts_of(snapshot, rules)
    assert facts.group_value(UNIVERSE, "ew_1D") == pytest.approx(0.0)
    # cap-weighted: shares = cap / last price; start values 3bn*100/110 and 1bn*50/45
    shares = {"UP": 3e9 / 110, "DN": 1e9 / 45}
    gain = shares["UP"] * 10 - shares["DN"] * 5
    start = shares["UP"] * 100 + shares["DN"] * 50
    assert facts.group_value(UNIVERSE, "cw_1D") == pytest.approx(gain / start)
    assert facts.group_count(UNIVERSE, col.ROSE, "1D").value == 1
    assert facts.group_count(UNIVERSE, col.ROSE, "1D").members == ("UP",)
    assert facts.group_count(UNIVERSE, col.FELL, "1D").display == "one"
    average = facts.group_return(UNIVERSE, "1D")
    assert average.measure is Measure.AVERAGE and average.members == ("DN", "UP") and average.left_out == ()


def test_relative_performance_is_a_difference_in_percentage_points(rules):
    dates = business_days(AS_OF, 30)
    cohort = Cohort("Chips", ("AAA",), ())
    snapshot = make_snapshot({"AAA": [100.0] * 29 + [120.0], "BBB": [100.0] * 30}, dates, cohorts=[cohort])
    facts = facts_of(snapshot, rules)
    relative = facts.group_relative("cohort:chips", "1D")
    # cohort +20%, equal-weighted universe +10% -> 10 percentage points, not a ratio
    assert relative.unit is Unit.POINTS
    assert relative.value == pytest.approx(10.0)
    assert relative.display == "10.0 percentage points"


def test_subgroup_contribution_adds_up_to_the_cohort_return(rules):
    dates = business_days(AS_OF, 30)
    cohort = Cohort("AI", ("A1", "A2", "B1"), (Cohort("A", ("A1", "A2")), Cohort("B", ("B1",))))
    closes = {"A1": [10.0] * 29 + [12.0], "A2": [10.0] * 29 + [11.0], "B1": [10.0] * 29 + [9.0]}
    facts = facts_of(make_snapshot(closes, dates, cohorts=[cohort]), rules)
    parts = [facts.group_contribution(g, "1D").value for g in facts.subgroups("cohort:ai")]
    assert sum(parts) == pytest.approx(facts.group_return("cohort:ai", "1D").value)


def test_a_split_in_as_traded_prices_is_suspected_flagged_and_left_out_of_groups(rules):
    dates = business_days(AS_OF, 300)
    split = [400.0] * 280 + [100.0] * 20  # an unadjusted 4-for-1 split 20 sessions ago
    snapshot = make_snapshot({"SPL": split, "CAL": [50.0] * 300}, dates, basis="none")
    facts = facts_of(snapshot, rules)
    assert facts.stock_return("SPL", "1M").flags == (CORPORATE_ACTION,)
    assert facts.stock_return("SPL", "1D").flags == ()  # the day itself is outside the 1D window
    # the group figure leaves the suspect out instead of inheriting its distortion, and says so
    assert facts.left_out(UNIVERSE, "1M") == ["SPL"]
    universe = facts.group_return(UNIVERSE, "1M")
    assert universe.flags == () and universe.value == pytest.approx(0.0)
    assert universe.members == ("CAL",) and universe.left_out == ("SPL",)
    assert "leaves out SPL" in universe.provenance.formula
    assert facts.left_out(UNIVERSE, "1D") == []
    [(split_event, move)] = facts.split_moves("SPL")
    assert split_event.date == dates[280].date() and split_event.ratio == 4 and split_event.suspected
    assert move.display == "-75.0%" and move.flags == (CORPORATE_ACTION,)
    assert facts.split_moves("CAL") == []


@pytest.mark.parametrize(("ratio", "move"), [(2, -0.5), (1.5, -1 / 3), (10, -0.9), (0.1, 9.0), (0.5, 1.0)])
def test_common_forward_and_reverse_split_ratios_are_recognised(rules, ratio, move):
    dates = business_days(AS_OF, 60)
    closes = [100.0] * 40 + [100.0 * (1 + move)] * 20
    facts = facts_of(make_snapshot({"SPL": closes}, dates, basis="none"), rules)
    [(split_event, _)] = facts.split_moves("SPL")
    assert split_event.ratio == pytest.approx(ratio)


def test_a_big_move_that_matches_no_split_ratio_is_a_move(rules):
    dates = business_days(AS_OF, 60)
    # -35.5% (Mallinckrodt's real fall on 2017-11-07): 0.645 x 1.5 = 0.9675, outside 1 ± 0.03
    closes = [100.0] * 40 + [64.5] * 20
    facts = facts_of(make_snapshot({"MOV": closes}, dates, basis="none"), rules)
    assert facts.split_moves("MOV") == []
    # not a split, so stated; but no action explains the fall, so an editor sees it first
    assert facts.stock_return("MOV", "1M").flags == ("unexplained_fall",)


def test_on_adjusted_prices_every_move_is_a_move(rules):
    dates = business_days(AS_OF, 300)
    halved = [400.0] * 280 + [200.0] * 20
    snapshot = make_snapshot({"FAL": halved, "CAL": [50.0] * 300}, dates, basis="splits_and_dividends")
    facts = facts_of(snapshot, rules)
    month = facts.stock_return("FAL", "1M")
    assert month.value == pytest.approx(-50.0) and month.basis == "splits_and_dividends"
    assert month.flags == ("unexplained_fall",)  # stated, for an editor: a spin-off would look the same
    assert facts.group_return(UNIVERSE, "1M").value == pytest.approx(-25.0)  # kept in the average
    assert facts.left_out(UNIVERSE, "1M") == []


def test_a_fall_no_split_or_action_explains_flags_the_figures_over_it_for_an_editor(rules):
    dates = business_days(AS_OF, 300)
    # -25% on dates[200], a hundred sessions back: inside 52 weeks, outside three months
    fell = [100.0] * 200 + [75.0] * 100
    snapshot = make_snapshot({"FAL": fell, "CAL": [50.0] * 300}, dates, basis="splits_and_dividends")
    facts = facts_of(snapshot, rules)
    assert facts.falls == (Fall("FAL", dates[200].date(), -0.25, dates[199].date()),)
    # the fall itself, as a story states it: 75 / 100 - 1 over the session before to the day
    (fall,) = facts.fall_moves("FAL")
    assert fall.value == pytest.approx(-25.0) and fall.display == "-25.0%"
    assert (fall.start, fall.end) == (dates[199].date(), dates[200].date())
    assert fall.flags == ("unexplained_fall",) and facts.fall_moves("CAL") == []
    year = facts.stock_return("FAL", "1Y")
    assert year.value == pytest.approx(-25.0) and year.flags == ("unexplained_fall",)  # stated, flagged
    assert facts.stock_relative("FAL", "1Y").flags == ("unexplained_fall",)
    assert facts.stock_figure("FAL", "high_52w").flags == ("unexplained_fall",)  # 100 is from before it
    assert facts.stock_return("FAL", "3M").flags == () and facts.stock_figure("FAL", "close").flags == ()
    assert facts.fell_in_year("FAL") and not facts.fell_in_year("CAL")
    assert facts.stock_return("CAL", "1Y").flags == ()
    # the fall may be real, so the average keeps it: (-25% + 0%) / 2, and the average is not flagged
    universe = facts.group_return(UNIVERSE, "1Y")
    assert (
        universe.value == pytest.approx(-12.5)
        and universe.flags == ()
        and facts.left_out(UNIVERSE, "1Y") == []
    )


def test_a_fall_is_unexplained_only_from_20_percent_and_without_an_action_or_split_that_day(rules):
    dates = business_days(AS_OF, 300)
    shallow = [100.0] * 200 + [81.0] * 100  # -19%: under min_unexplained_fall (0.2)
    paid_out = [100.0] * 200 + [70.0] * 100  # -30% the day a special dividend of 30 is paid
    halved = [100.0] * 200 + [50.0] * 100  # -50% on prices as traded: a suspected two-for-one split
    actions = [{"date": dates[200], "ticker": "DIV", "split_ratio": np.nan, "dividend": 30.0}]
    snapshot = make_snapshot({"SHA": shallow, "DIV": paid_out}, dates, basis="none", actions=actions)
    assert facts_of(snapshot, rules).falls == ()
    split = facts_of(make_snapshot({"HLV": halved}, dates, basis="none"), rules)
    assert split.falls == () and split.stock_return("HLV", "1Y").flags == ("corporate_action",)


def test_actions_csv_splits_adjust_as_traded_prices_instead_of_guessing(rules):
    dates = business_days(AS_OF, 300)
    split = [400.0] * 280 + [110.0] * 20  # 4-for-1 on dates[280], then +10% in real terms
    volumes = {"SPL": [1000.0] * 280 + [4000.0] * 20}
    actions = [{"date": dates[280], "ticker": "SPL", "split_ratio": 4.0, "dividend": np.nan}]
    snapshot = make_snapshot({"SPL": split}, dates, basis="none", actions=actions, volumes=volumes)
    facts = facts_of(snapshot, rules)
    month = facts.stock_return("SPL", "1M")
    assert month.flags == () and month.value == pytest.approx(10.0)  # 110 against 400 / 4
    assert month.basis == "splits"  # adjusted here, from the vendor's own list
    assert facts.value("SPL", "avg_volume") == pytest.approx(4000.0)  # old volumes x 4
    [(split_event, move)] = facts.split_moves("SPL")
    assert not split_event.suspected and move.flags == () and move.display == "-72.5%"


def _share_factors(
    rules, prices: dict[str, float], yields: dict[str, float], *, jump_on_the_day: float = 1.0
):
    """Share factors read off back-adjusted prices: every stock closes at 100 until the session before
    the fundamentals' date (dates[100]) and at 100 * `jump_on_the_day` from then on; `prices` are the
    fundamentals' prices, `yields` their dividend yields in percent."""
    dates = business_days(AS_OF, 300)
    closes = {t: [100.0] * 100 + [100.0 * jump_on_the_day] * 200 for t in prices}
    snapshot = make_snapshot(
        closes, dates, basis="splits_and_dividends", fundamentals={"price": prices, "dividend_yield": yields}
    )
    manifest = snapshot.manifest.model_copy(update={"fundamentals_as_of": dates[100].date()})
    facts = facts_of(replace(snapshot, manifest=manifest), rules)
    return facts.stocks["share_factor"], dates


def test_a_split_since_the_fundamentals_is_read_off_back_adjusted_prices_net_of_dividends(rules):
    """A 2-for-1 split: the fundamentals' price is twice the adjusted close, times what a 3% yield
    paid since (dividends lower past adjusted prices). A spin-off's gap of 1.5 x 1.04 (Tegna spun
    off Cars.com in 2017) fits no split once the yield is known, so the stock's per-share ratios
    are unknown; the old 12% allowance for dividends read it as a 3-for-2 split. With no yield the
    allowance stays (8% above 1 is dividends); with no price nothing can be read, and the factor is
    unknown, not 1."""
    dates = business_days(AS_OF, 300)
    years = (dates[-1] - dates[100]).days / 365.25
    paid = 1 + 0.03 * years
    prices = {
        "SPL": 200.0 * paid,
        "SPN": 150.0 * 1.04 * paid,
        "ONE": 100.0 * paid,
        "NOY": 108.0,
        "NOP": np.nan,
    }
    factors, _ = _share_factors(rules, prices, {"SPL": 3.0, "SPN": 3.0, "ONE": 3.0})
    assert factors["SPL"] == 2.0 and factors["ONE"] == 1.0 and factors["NOY"] == 1.0
    assert np.isnan(factors["SPN"])
    assert np.isnan(factors["NOP"])  # no price (BF.B in the S&P file): no split can be ruled out


@pytest.mark.parametrize(
    ("price", "eps", "reason"),
    [(25.82, 1.99, "share_basis"), (np.nan, 2.96, "no_reference_price"), (np.nan, np.nan, "no_inputs")],
)
def test_a_value_signal_left_out_for_an_unknown_share_count_says_why(price, eps, reason):
    """Tegna (a price that fits no split: a spin-off), Brown-Forman (earnings per share but no price
    to check a split against) and a stock with no value inputs at all each get their own reason
    (templates/alpha_brief/parts.md.j2), never "the fundamentals are not available" for the first two."""
    from types import SimpleNamespace

    from generator.writing.stories.brief import AlphaBrief

    cells = {"share_factor": np.nan, "price": price, "eps": eps}
    facts = SimpleNamespace(
        value=lambda ticker, column: cells[column], stocks=pd.DataFrame(columns=list(cells))
    )
    brief = AlphaBrief(SimpleNamespace(facts=facts, has_news=False))
    assert brief._missing_reason("X", "value") == reason
    template = (resource_dir("templates") / "alpha_brief" / "parts.md.j2").read_text("utf-8")
    assert reason == "no_inputs" or f'signal.reason == "{reason}"' in template


def test_fundamentals_priced_at_the_session_before_their_date_are_read_against_it(rules):
    """The S&P 500 file of 2017-03-08 (taken before that day's open) carries the 2017-03-07 closes.
    Here every stock closes 6% higher on the fundamentals' date than the session before, and the
    fundamentals' prices are the session before's: reading them against their own date's closes
    would find no split ratio within the 3% tolerance for any of them (100 / 106), and no stock
    split."""
    prices = {"AAA": 100.0, "BBB": 100.0, "CCC": 100.0}
    factors, _ = _share_factors(rules, prices, {"AAA": 0.0, "BBB": 0.0, "CCC": 0.0}, jump_on_the_day=1.06)
    assert factors.to_dict() == {"AAA": 1.0, "BBB": 1.0, "CCC": 1.0}


@pytest.mark.parametrize(("sessions_back", "said"), [(1, False), (5, False), (19, False), (21, True)])
def test_the_most_since_is_said_of_a_bigger_move_at_least_four_weeks_back(rules, sessions_back, said):
    """A 5% fall on the last session after a 20% fall `sessions_back` sessions earlier: "its largest
    one-day fall since" that date is news only when it is 28 days or more before (rules/writing.yaml),
    not of Frontier's Nov. 10, 2017 fall a week after a bigger one."""
    from generator.writing.stories.views import SessionView

    dates = business_days(AS_OF, 300)
    closes = [100.0] * 300
    closes[-1 - sessions_back :] = [80.0] * (sessions_back + 1)  # -20% on dates[-1 - sessions_back]
    closes[-1] = 76.0  # -5% on the last session
    facts = facts_of(make_snapshot({"AAA": closes}, dates), rules)
    since = facts.stock_figure("AAA", "biggest_move_since_date")
    assert since.start == dates[-1 - sessions_back].date()
    session = SessionView(
        facts=facts, ticker="AAA", ma_days=None, ma_cross=0, min_days_since=28, min_streak_told=3
    )
    assert (session.biggest_since is not None) is said
    assert (AS_OF - since.start).days >= 28 if said else (AS_OF - since.start).days < 28


def test_a_streak_counts_its_sessions_and_states_its_move_from_the_close_before_it(rules):
    """Five higher closes after 100 (101, 102, 104, 107, 110): a five-session streak measured from
    the close of the session before its first, so its move is 110 / 100 - 1 = 10.0%; the week, the
    same five sessions here, is a separate figure."""
    from generator.writing.stories.views import SessionView

    dates = business_days(AS_OF, 300)
    closes = [100.0] * 294 + [101.0, 102.0, 104.0, 107.0, 110.0]
    closes.insert(0, 100.0)
    falling = [100.0] * 297 + [99.0, 98.0, 97.0]
    facts = facts_of(make_snapshot({"AAA": closes, "BBB": falling}, dates), rules)
    streak, run = facts.stock_figure("AAA", "up_streak"), facts.stock_figure("AAA", "streak_return")
    assert streak.value == 5 and streak.display == "five"
    assert run.value == pytest.approx(10.0) and run.display == "10.0%" and run.measure is Measure.RETURN
    assert (run.start, run.end) == (dates[-6].date(), dates[-1].date()) == (streak.start, streak.end)
    down = facts.stock_figure("BBB", "streak_return")
    assert down.value == pytest.approx(-3.0) and down.start == dates[-4].date()
    session = SessionView(
        facts=facts, ticker="AAA", ma_days=None, ma_cross=0, min_days_since=28, min_streak_told=3
    )
    assert session.streak_move == run and session.streak_up


def test_the_weeks_biggest_move_is_the_largest_session_before_the_last_within_the_week(rules):
    """Over the week to the last close (1W: the sessions after the close 7 days before), the moves
    before the last session are +1%, +10% (100 -> 110), -2%, and the last session's -20% is its own
    figure: the week's top move is the +10.0%, bounded by its session and the one before, about
    several times a typical day of a stock that otherwise moves 1% a session either way."""
    from generator.writing.stories.views import SessionView

    dates = business_days(AS_OF, 300)
    closes = [100.0 * (1.01 if i % 2 else 1 / 1.01) for i in range(294)]  # +-1% a session
    base = closes[-1]
    closes += [
        base,
        base * 1.01,
        base * 1.01 * 1.10,
        base * 1.01 * 1.10 * 0.98,
        base * 1.01 * 1.10 * 0.98 * 0.8,
    ]
    closes.insert(0, 100.0)
    assert len(closes) == 300
    facts = facts_of(make_snapshot({"AAA": closes}, dates), rules)
    week = facts.windows["1W"]
    top = facts.stock_figure("AAA", "week_top_move")
    assert top.value == pytest.approx(10.0) and top.display == "10.0%"
    assert (top.start, top.end) == (dates[-4].date(), dates[-3].date()) and week.start < top.start
    # against the standard deviation (n - 1) of the 63 daily moves before the last session, the week's
    # own among them (rules/facts.yaml volatility_days)
    moves = np.array(closes[1:]) / np.array(closes[:-1]) - 1
    assert facts.value("AAA", "week_top_move_multiple") == pytest.approx(0.1 / np.std(moves[-64:-1], ddof=1))
    session = SessionView(
        facts=facts,
        ticker="AAA",
        ma_days=None,
        ma_cross=0,
        min_days_since=28,
        min_streak_told=3,
        big_move=(2.5, 1.5),
    )
    assert session.week_move == top
    quiet = SessionView(
        facts=facts,
        ticker="AAA",
        ma_days=None,
        ma_cross=0,
        min_days_since=28,
        min_streak_told=3,
        big_move=(20, 1.5),
    )
    assert quiet.week_move is None  # four typical days is no big move by a rule of twenty


def test_52_week_range_volatility_and_volume(rules):
    dates = business_days(AS_OF, 300)
    closes = [100.0] * 300
    closes[-100] = 130.0  # the 52-week closing high
    closes[-50] = 80.0  # the 52-week closing low
    highs = {"AAA": [c + 1 for c in closes]}
    lows = {"AAA": [c - 2 for c in closes]}
    volumes = {"AAA": [1000.0] * 299 + [3000.0]}
    snapshot = make_snapshot({"AAA": closes}, dates, volumes=volumes, highs=highs, lows=lows)
    facts = facts_of(snapshot, rules)
    assert facts.value("AAA", "high_52w") == 131.0 and facts.value("AAA", "low_52w") == 78.0
    assert facts.value("AAA", "closing_high_52w") == 130.0 and facts.value("AAA", "closing_low_52w") == 80.0
    assert facts.value("AAA", "high_52w_date") == dates[-100].date()
    assert facts.stock_figure("AAA", "high_52w").measure is Measure.INTRADAY_HIGH
    assert facts.stock_figure("AAA", "closing_low_52w").measure is Measure.CLOSING_LOW
    assert facts.stock_figure("AAA", "close").measure is Measure.CLOSE
    assert facts.stock_figure("AAA", "pct_from_high").value == pytest.approx((100 / 131 - 1) * 100)
    assert facts.stock_figure("AAA", "volume_ratio").value == pytest.approx(3.0)
    assert facts.stock_figure("AAA", "volume").display == "3,000 shares"
    log_moves = np.diff(np.log(closes[-64:]))
    assert facts.value("AAA", "volatility") == pytest.approx(log_moves.std(ddof=1) * np.sqrt(252))


def test_a_low_traded_during_the_session_is_not_a_closing_low(rules):
    dates = business_days(AS_OF, 300)
    closes = [12.0] * 299 + [10.23]
    lows = {"AAA": [11.5] * 299 + [10.0]}  # the session traded down to $10, then closed at $10.23
    facts = facts_of(make_snapshot({"AAA": closes}, dates, lows=lows), rules)
    assert facts.value("AAA", "low_52w_today") and facts.value("AAA", "closing_low_52w_today")
    assert facts.stock_figure("AAA", "low_52w").display == "$10"
    assert facts.stock_figure("AAA", "closing_low_52w").display == "$10.23"
    higher = facts_of(
        make_snapshot({"AAA": [10.0] * 299 + [10.23]}, dates, lows={"AAA": [10.0] * 299 + [9.5]}), rules
    )
    assert higher.value("AAA", "low_52w_today") and not higher.value("AAA", "closing_low_52w_today")


def test_facts_carry_window_dates_basis_and_the_date_of_their_inputs(rules):
    dates = business_days(AS_OF, 300)
    snapshot = make_snapshot(
        {"AAA": list(np.linspace(50, 80, 300))}, dates, basis="splits", market_caps={"AAA": 2.0}
    )
    facts = facts_of(snapshot, rules)
    month = facts.stock_return("AAA", "1M")
    assert (month.start, month.end) == (dt.date(2026, 2, 27), AS_OF)
    assert month.subject == "AAA" and month.measure is Measure.RETURN and month.inputs_as_of == AS_OF
    relative = facts.stock_relative("AAA", "1M")
    assert relative.measure is Measure.DIFFERENCE and relative.unit is Unit.POINTS
    assert facts.benchmark_return("1M").subject == "benchmark:BMK"


def test_zeros_that_mean_not_reported_are_blanks(rules):
    dates = business_days(AS_OF, 30)
    snapshot = make_snapshot(
        {"BNK": [10.0] * 30, "IND": [10.0] * 30},
        dates,
        sectors={"BNK": "Financials"},
        fundamentals={"ebitda": {"BNK": 0.0, "IND": 0.0}, "pe": {"BNK": 0.0, "IND": 12.0}},
    )
    facts = facts_of(snapshot, rules)
    assert np.isnan(facts.value("BNK", "ebitda"))  # banks do not report EBITDA (rules/fundamentals.yaml)
    assert facts.value("IND", "ebitda") == 0.0  # elsewhere a reported 0 is a 0
    assert np.isnan(facts.value("BNK", "pe")) and facts.value("IND", "pe") == 12.0


def test_column_names_are_built_and_parsed_in_one_place():
    assert col.windowed(col.RETURN, "since 2024-01-02") == "ret_since 2024-01-02"
    assert col.window_of(col.RETURN, "ret_1M") == "1M" and col.window_of(col.BASE, "ret_1M") is None
    assert col.windows_in(col.EQUAL_WEIGHTED, ["ew_1D", "cw_1D", "ew_YTD"]) == {
        "1D": "ew_1D",
        "YTD": "ew_YTD",
    }


def test_movers_are_sorted_and_split_by_sign(rules):
    dates = business_days(AS_OF, 10)
    closes = {
        t: [100.0] * 9 + [100.0 * (1 + r)] for t, r in {"A": 0.05, "B": 0.02, "C": -0.01, "D": -0.04}.items()
    }
    facts = facts_of(make_snapshot(closes, dates), rules)
    assert movers(facts, "1D", 5) == (["A", "B"], ["D", "C"])
    # one company, two share classes: one slot
    assert movers(facts, "1D", 5, company_of=lambda t: "AB" if t in "AB" else t) == (["A"], ["D", "C"])


def test_sp500_facts_cover_the_real_universe(sp500_snapshot, rules):
    snapshot = with_desk_metadata(sp500_snapshot, load_editorial(resource_dir("editorial")))
    facts = facts_of(snapshot, rules)
    assert facts.as_of == dt.date(2017, 11, 10)
    assert facts.windows["1D"].start == dt.date(2017, 11, 9)
    # LVLT stops on 2017-10-31 (more than five sessions before the as-of date): no return
    assert facts.stock_return("LVLT", "1M") is None
    # ARNC lists 2016-11-01: it has a 1Y return (from 2016-11-10) but none since 2014
    assert facts.stock_return("ARNC", "1Y") is not None
    assert facts.windows["3M"].start == dt.date(2017, 8, 10)
    # prices are split- and dividend-adjusted (its README; editorial/desk.yaml says so): MNK's 35.5% fall
    # on 2017-11-07 is a real move, kept in averages; NVDA counts in Information Technology's
    assert facts.basis == "splits_and_dividends" and facts.splits == ()
    assert facts.stock_return("MNK", "1W").flags == ("unexplained_fall",)  # no action explains it
    assert facts.left_out(UNIVERSE, "1W") == []
    assert "NVDA" in facts.group_return("sector:information-technology", "1Y").members
    assert facts.fundamentals_as_of == dt.date(2017, 3, 8)
    aapl = facts.stock_return("AAPL", "1M")
    assert aapl.display == "12.4%" and "155.34" in aapl.provenance.formula
    # banks report no EBITDA: the 0 in the file is a blank
    assert np.isnan(facts.value("JPM", "ebitda"))


@pytest.mark.parametrize(
    "categories",
    [None, ["AAA", "BBB"], ["AAA", "BBB", "CCC"]],
    ids=["text", "categorical", "unused category"],
)
def test_the_panel_numbers_tickers_alike_whatever_the_column_type(rules, categories):
    dates = business_days(dt.date(2026, 1, 9), 5)
    snapshot = make_snapshot({"BBB": [20, 21, 22, 23, 24], "AAA": [10, None, 12, 13, 14]}, dates)
    if categories is not None:
        snapshot.prices["ticker"] = pd.Categorical(snapshot.prices["ticker"], categories=categories)
    panel = PricePanel.from_snapshot(snapshot, rules)
    assert list(panel.tickers) == ["AAA", "BBB"]
    assert np.array_equal(panel.close[:, 0], [10, np.nan, 12, 13, 14], equal_nan=True)
    assert panel.close[:, 1].tolist() == [20, 21, 22, 23, 24]


@pytest.mark.parametrize(
    ("published", "reported", "first"),
    [
        ("2026-10-26T19:59:00Z", "2026-10-26", "2026-10-26"),  # 3:59 p.m. in New York (EDT): that session
        ("2026-10-26T20:00:00Z", "2026-10-26", "2026-10-27"),  # 4:00 p.m., the close: the next day's
        ("2026-10-26T21:06:00Z", "2026-10-26", "2026-10-27"),  # 5:06 p.m.
        ("2026-10-27T02:00:00Z", "2026-10-26", "2026-10-27"),  # 10 p.m. on the 26th, already the 27th in UTC
        ("2026-11-20T20:30:00Z", "2026-11-20", "2026-11-20"),  # 3:30 p.m. EST (UTC-5 after Nov. 1)
        ("2026-11-20T21:00:00Z", "2026-11-20", "2026-11-21"),  # 4:00 p.m. EST
    ],
)
def test_a_headline_after_the_close_first_moves_the_next_day(rules, published, reported, first):
    """rules/facts.yaml: the market closes at 16:00 in New York; news at or after it is the next day's."""
    column = pd.Series([pd.Timestamp(published)])
    assert rules.market_close.local_dates(column)[0] == pd.Timestamp(reported)
    assert rules.market_close.first_days(column)[0] == pd.Timestamp(first)


def test_a_headline_after_the_close_is_measured_against_the_next_session(rules):
    """Before the close a headline meets its own session's move; after it, the next session's:
    Friday 11 a.m. meets Friday's, Friday 5 p.m. Monday's, Monday 5:06 p.m. Tuesday's."""
    dates = pd.DatetimeIndex(["2026-10-22", "2026-10-23", "2026-10-26", "2026-10-27"])
    snapshot = make_snapshot({"AAA": [10.0, 20.0, 16.0, 20.0]}, dates)
    panel = PricePanel.from_snapshot(snapshot, rules)
    news = pd.DataFrame(
        {
            "ticker": ["AAA", "AAA", "AAA"],
            "published": pd.to_datetime(
                ["2026-10-23T15:00:00Z", "2026-10-23T21:00:00Z", "2026-10-26T21:06:00Z"], utc=True
            ),
        }
    )
    sessions = news_sessions(panel, news, rules.market_close)
    assert sessions == {
        ("AAA", dt.date(2026, 10, 23)): (pytest.approx(1.0), dt.date(2026, 10, 22)),  # 10 -> 20
        ("AAA", dt.date(2026, 10, 26)): (pytest.approx(-0.2), dt.date(2026, 10, 23)),  # 20 -> 16, Monday
        ("AAA", dt.date(2026, 10, 27)): (pytest.approx(0.25), dt.date(2026, 10, 26)),  # 16 -> 20
    }


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ('{time: "16:00", zone: Mars/Olympus_Mons}', r"'Mars/Olympus_Mons' is not a time zone"),
        ('{time: "16:00", zone: America}', r"'America' is not a time zone"),  # a folder of zones
        ("{time: 16:00, zone: America/New_York}", r'give the time in quotes, as "16:00"'),  # YAML: 960
    ],
)
def test_a_market_close_that_is_not_a_time_in_a_zone_is_refused(tmp_path, written, message):
    rules_dir = tmp_path / "rules"
    shutil.copytree(resource_dir("rules"), rules_dir)
    facts_file = rules_dir / "facts.yaml"
    text = facts_file.read_text()
    default = '{time: "16:00", zone: America/New_York}'
    assert default in text
    facts_file.write_text(text.replace(default, written))
    with pytest.raises(ConfigError, match=message):
        load_fact_rules(rules_dir)
