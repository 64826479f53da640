"""Alpha Score: the composite is the weighted, renormalised, capped mean of its signals, labels match
bands, the sentence has the seed's exact form, and a missing input is never treated as zero."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator import apstyle
from generator.errors import ConfigError
from generator.facts import PricePanel, compute_facts, load_fact_rules, load_fundamentals_rules
from generator.models import SIGNALS, Measure, Unit
from generator.resources import resource_dir
from generator.scoring import (
    UNIVERSE_PEERS,
    AlphaScores,
    ScoreFacts,
    compute_scores,
    fundamental_metrics,
    load_lexicon,
    load_scoring_rules,
    momentum_metrics,
    score_table,
    sentiment_metrics,
)

RULES_DIR = resource_dir("rules")
BAND = "(?:poor|weak|moderate|strong)"
SENTENCE = re.compile(
    rf"^Alpha Score of (?P<score>\d{{1,3}}) reflects (?P<profile>{BAND}) overall profile with "
    rf"(?P<signals>(?:{BAND} (?:momentum|value|quality|sentiment)(?:, )?)+)\."
    r"(?: Based on (?P<available>\d) of 4 signals — score is capped at (?P<cap>\d+)"
    r" until remaining data ingests\.)?$"
)


@pytest.fixture(scope="module")
def rules():
    return load_scoring_rules(RULES_DIR)


def scores_for(snapshot, rules):
    fact_rules = load_fact_rules(RULES_DIR)
    panel = PricePanel.from_snapshot(snapshot, fact_rules)
    facts = compute_facts(snapshot, panel, fact_rules, load_fundamentals_rules(RULES_DIR))
    return compute_scores(snapshot, panel, facts, rules, load_lexicon(RULES_DIR))


LABELS = ("poor", "weak", "moderate", "strong")  # rules/scoring.yaml's bands, lowest first


def assert_score_invariants(scores, rules):
    """Properties every record has, whatever its numbers; the numbers themselves are pinned by the
    worked examples below (expected values computed by hand, not by a copy of the formula)."""
    by_score = []
    for ticker, alpha in scores.by_ticker.items():
        present = {name: s for name, s in alpha.signals.items() if s is not None}
        assert set(alpha.signals) == set(SIGNALS), ticker
        assert alpha.coverage == f"{len(present)}/4"
        for name, signal in present.items():
            assert 0 <= signal.score <= 100 and signal.label in LABELS, (ticker, name)
            assert signal.metrics, f"{ticker} {name}: a signal without metrics must be missing"
            by_score.append((signal.score, LABELS.index(signal.label)))
        if len(present) < 3:
            assert alpha.score is None and alpha.profile is None
            assert alpha.summary.startswith("It has scores for only ")
            continue
        # a weighted mean lies between its smallest and largest part (the cap only lowers it)
        low, high = min(s.score for s in present.values()), max(s.score for s in present.values())
        assert low <= alpha.score <= high or (alpha.capped and alpha.score == 90), ticker
        assert alpha.capped == (len(present) == 3) and (not alpha.capped or alpha.score <= 90)
        by_score.append((alpha.score, LABELS.index(alpha.profile)))
        match = SENTENCE.match(alpha.summary)
        assert match, alpha.summary
        assert int(match["score"]) == alpha.score and match["profile"] == alpha.profile
        listed = [part.split(" ")[1] for part in match["signals"].split(", ")]
        assert listed == [n for n in SIGNALS if n in present]  # seed order, missing ones left out
        assert [part.split(" ")[0] for part in match["signals"].split(", ")] == [
            present[n].label for n in listed
        ]
        assert (match["cap"] is not None) == alpha.capped
    # a higher score never has a lower band
    by_score.sort()
    assert [band for _, band in by_score] == sorted(band for _, band in by_score)


def test_every_sample_ticker_obeys_the_score_rules(sample_snapshot, rules):
    scores = scores_for(sample_snapshot, rules)
    assert_score_invariants(scores, rules)
    # the record keeps the universe table and the date its value and quality inputs describe
    assert list(scores.table.composite.index) == list(scores.by_ticker)
    assert scores.fundamentals_as_of == dt.date(2026, 11, 20)  # the sample manifest's fundamentals_as_of
    coverage = {a.coverage for a in scores.by_ticker.values()}
    assert {"4/4", "3/4", "2/4"} <= coverage  # the sample plants every case


def test_every_sp500_ticker_obeys_the_score_rules(sp500_snapshot, rules):
    scores = scores_for(sp500_snapshot, rules)
    assert_score_invariants(scores, rules)
    # no headlines in that snapshot: sentiment is missing everywhere, never zero
    assert all(a.signals["sentiment"] is None for a in scores.by_ticker.values())
    # banks report no EBITDA (a 0 in the file, a blank here) and the file has no other quality input:
    # no quality signal, so two of four signals and no score; never a rank for an EBITDA margin of 0.0%
    jpm = scores.by_ticker["JPM"]
    assert jpm.signals["quality"] is None and jpm.score is None
    assert scores.by_ticker["AAPL"].score is not None
    assert scores.by_ticker["LVLT"].signals["momentum"] is None  # stopped trading Oct. 31: no momentum


def test_the_seed_sentences_exact(rules):
    metrics = pd.DataFrame({"relative_return_6m": np.arange(12.0)}, index=[f"T{i}" for i in range(12)])
    table = score_table(metrics, pd.Series("Tech", index=metrics.index), rules)
    assert table.composite.isna().all()  # one signal of four: no score at all
    capped = "Based on 3 of 4 signals — score is capped at 90 until remaining data ingests."
    assert rules.sentences.capped.format(available=3, total=4, cap=90) == capped
    assert (
        rules.sentences.scored.format(
            score=47, profile="weak", signals="moderate momentum, poor value, moderate quality"
        )
        == "Alpha Score of 47 reflects weak overall profile with moderate momentum, poor value, "
        "moderate quality."
    )


# Worked examples, computed by hand. Twenty stocks in one sector; each signal has one metric whose
# values are a permutation of the positions 1..20, so a stock's signal is 5 x its position (the
# percentile rank k/20, re-ranked to 0-100). Headline tone is known for ten stocks only (positions
# 1..10, so 10 x position; ten peers is exactly min_peer_group, so they rank within the sector).
# The composite is (30 momentum + 25 value + 25 quality + 20 sentiment) / (sum of the weights of the
# signals present), rounded half up, capped at 90 with three signals.
WORKED = {  # ticker: (momentum, value, quality, sentiment) positions
    "FOUR": (12, 13, 13, 5),  # 60, 65, 65, 50: (1800 + 1625 + 1625 + 1000) / 100 = 60.5 -> 61
    "HIGH": (20, 19, 18, 10),  # 100, 95, 90, 100: (3000 + 2375 + 2250 + 2000) / 100 = 96.25 -> 96
    "CAPD": (19, 20, 20, None),  # 95, 100, 100: (2850 + 2500 + 2500) / 80 = 98.125 -> 98, capped: 90
    "UNDR": (10, 6, 16, None),  # 50, 30, 80: (1500 + 750 + 2000) / 80 = 53.125 -> 53, under the cap
    "LOW3": (1, 7, 8, None),  # 5, 35, 40: (150 + 875 + 1000) / 80 = 25.3125 -> 25, "weak" by a hair
}


def worked_universe() -> tuple[pd.DataFrame, pd.Series]:
    fillers = 20 - len(WORKED)
    index = list(WORKED) + [f"F{i:02d}" for i in range(fillers)]
    columns = {}
    for k, name in enumerate(("relative_return_6m", "earnings_yield", "roe", "headline_tone")):
        size = 10 if name == "headline_tone" else 20
        taken = [spec[k] for spec in WORKED.values() if spec[k] is not None]
        rest = iter(sorted(set(range(1, size + 1)) - set(taken)))
        values = [spec[k] for spec in WORKED.values()] + [next(rest, None) for _ in range(fillers)]
        columns[name] = [np.nan if v is None else float(v) for v in values]
    return pd.DataFrame(columns, index=index), pd.Series("Tech", index=index)


def test_worked_examples_with_three_and_four_signals_capped_and_not(rules):
    metrics, sectors = worked_universe()
    table = score_table(metrics, sectors, rules)
    assert table.signals.loc["FOUR"].tolist() == [60, 65, 65, 50]
    assert table.signals.loc["UNDR"].tolist()[:3] == [50, 30, 80]
    assert table.peers.at["FOUR", "headline_tone"] == "Tech"  # exactly ten peers: within the sector
    expected = {"FOUR": 61, "HIGH": 96, "CAPD": 90, "UNDR": 53, "LOW3": 25}
    assert {t: table.composite[t] for t in WORKED} == expected
    assert {t: bool(table.capped[t]) for t in WORKED} == {
        "FOUR": False, "HIGH": False, "CAPD": True, "UNDR": True, "LOW3": True
    }  # fmt: skip
    # a missing signal adds nothing: counted as anything but absent, LOW3's 25.3 would round up
    assert AlphaScores(table, rules)["LOW3"].profile == "weak"
    scores = AlphaScores(table, rules)
    assert scores["FOUR"].summary == (
        "Alpha Score of 61 reflects moderate overall profile with moderate momentum, moderate value, "
        "moderate quality, moderate sentiment."
    )
    assert scores["HIGH"].summary == (
        "Alpha Score of 96 reflects strong overall profile with strong momentum, strong value, "
        "strong quality, strong sentiment."
    )
    assert scores["CAPD"].summary == (
        "Alpha Score of 90 reflects strong overall profile with strong momentum, strong value, "
        "strong quality. Based on 3 of 4 signals — score is capped at 90 until remaining data ingests."
    )
    assert scores["UNDR"].summary == (
        "Alpha Score of 53 reflects moderate overall profile with moderate momentum, weak value, "
        "strong quality. Based on 3 of 4 signals — score is capped at 90 until remaining data ingests."
    )
    capped = scores["CAPD"]
    assert (capped.score, capped.profile, capped.coverage, capped.capped) == (90, "strong", "3/4", True)
    assert capped.signals["sentiment"] is None
    assert scores["FOUR"].coverage == "4/4" and not scores["FOUR"].capped


def test_two_signals_have_no_score_and_say_why(rules):
    index = [f"T{i}" for i in range(10)]
    metrics = pd.DataFrame({"relative_return_6m": np.arange(10.0), "roe": np.arange(10.0)}, index=index)
    table = score_table(metrics, pd.Series("Tech", index=index), rules)
    assert table.composite.isna().all() and (table.available == 2).all() and not table.capped.any()
    alpha = AlphaScores(table, rules)["T9"]
    assert (alpha.score, alpha.profile, alpha.capped, alpha.coverage) == (None, None, False, "2/4")
    assert (
        alpha.summary
        == "It has scores for only two of its four signals, and an Alpha Score needs at least three."
    )


@pytest.mark.parametrize(
    ("score", "label"),
    [(0, "poor"), (24, "poor"), (25, "weak"), (49, "weak"), (50, "moderate"), (74, "moderate"),
     (75, "strong"), (100, "strong"), (24.9, "poor"), (74.99, "moderate")],
)  # fmt: skip
def test_bands_from_rules_scoring_yaml_at_their_edges(rules, score, label):
    assert rules.band(score) == label


def test_missing_metric_is_not_ranked_as_zero(rules):
    """A blank input leaves the metric out; it must not drag the ticker to the bottom."""
    index = [f"T{i}" for i in range(20)]
    metrics = pd.DataFrame(
        {
            "relative_return_6m": np.linspace(-10, 10, 20),
            "earnings_yield": np.r_[np.nan, np.linspace(1, 10, 19)],
            "roe": np.linspace(1, 20, 20),
            "headline_tone": np.linspace(-1, 1, 20),
        },
        index=index,
    )
    table = score_table(metrics, pd.Series("Tech", index=index), rules)
    assert np.isnan(table.ranks.at["T0", "earnings_yield"])
    assert np.isnan(table.signals.at["T0", "value"])  # its only value metric is blank: signal missing
    assert table.available["T0"] == 3 and table.capped["T0"]
    as_zero = metrics.fillna({"earnings_yield": 0.0})
    zero_table = score_table(as_zero, pd.Series("Tech", index=index), rules)
    assert zero_table.available["T0"] == 4  # what treating blank as zero would have done


def test_small_sectors_rank_against_the_whole_universe(rules):
    index = [f"T{i}" for i in range(15)]
    sectors = pd.Series(["Big"] * 12 + ["Tiny"] * 3, index=index)
    metrics = pd.DataFrame({"roe": np.arange(15.0)}, index=index)
    table = score_table(metrics, sectors, rules)
    assert table.peers.at["T0", "roe"] == "Big"
    assert table.peers.at["T14", "roe"] == UNIVERSE_PEERS
    assert table.ranks.at["T14", "roe"] == pytest.approx(100.0)  # best of all 15
    assert table.ranks.at["T11", "roe"] == pytest.approx(100.0)  # best within its sector of 12


def test_a_sector_of_exactly_min_peer_group_ranks_within_itself_and_one_fewer_against_all(rules):
    """min_peer_group is 10: "Ten" (ten peers, values 10..19) ranks within itself, "Nine" (nine
    peers, values 1..9) against all 19 stocks."""
    index = [f"T{i}" for i in range(19)]
    sectors = pd.Series(["Nine"] * 9 + ["Ten"] * 10, index=index)
    metrics = pd.DataFrame({"roe": np.arange(1.0, 20.0)}, index=index)
    table = score_table(metrics, sectors, rules)
    assert table.peers.at["T9", "roe"] == "Ten" and table.peers.at["T8", "roe"] == UNIVERSE_PEERS
    assert table.ranks.at["T9", "roe"] == pytest.approx(10.0)  # lowest of ten: 1/10
    assert table.ranks.at["T18", "roe"] == pytest.approx(100.0)  # highest of ten
    assert table.ranks.at["T8", "roe"] == pytest.approx(9 / 19 * 100)  # ninth of all 19
    assert table.ranks.at["T0", "roe"] == pytest.approx(1 / 19 * 100)


def test_a_metric_without_a_sector_ranks_against_all(rules):
    index = [f"T{i}" for i in range(12)]
    sectors = pd.Series([None] + ["Tech"] * 11, index=index, dtype=object)
    metrics = pd.DataFrame({"roe": np.arange(12.0)}, index=index)
    table = score_table(metrics, sectors, rules)
    assert table.peers.at["T0", "roe"] == UNIVERSE_PEERS
    assert table.ranks.at["T0", "roe"] == pytest.approx(1 / 12 * 100)
    assert table.ranks.at["T1", "roe"] == pytest.approx(1 / 11 * 100)  # lowest of the 11 in Tech


def test_a_signal_is_the_mean_of_its_metric_ranks_re_ranked(rules):
    """Two value metrics: mean ranks 15, 35, 45, ... re-ranked to 10, 20, ... and rounded half up."""
    index = [f"T{i}" for i in range(10)]
    metrics = pd.DataFrame(
        {"earnings_yield": np.arange(1.0, 11.0), "book_to_price": np.r_[2.0, 1.0, np.arange(3.0, 11.0)]},
        index=index,
    )
    table = score_table(metrics, pd.Series("S", index=index), rules)
    # T0: ranks 10 and 20 (mean 15); T1: 20 and 10 (mean 15): a tie for lowest, 1.5/10 -> 15
    assert table.signals.at["T0", "value"] == 15 and table.signals.at["T1", "value"] == 15
    assert table.signals.at["T2", "value"] == 30 and table.signals.at["T9", "value"] == 100


def test_lower_is_better_metrics_rank_inverted(rules):
    index = [f"T{i}" for i in range(10)]
    metrics = pd.DataFrame({"debt_to_equity": np.arange(10.0)}, index=index)
    table = score_table(metrics, pd.Series("S", index=index), rules)
    assert table.ranks.at["T0", "debt_to_equity"] > table.ranks.at["T9", "debt_to_equity"]


def test_headline_tone_uses_whole_words_and_negation():
    lexicon = load_lexicon(RULES_DIR)
    assert lexicon.tone("Helix beats estimates and raises guidance") == 1.0
    assert lexicon.tone("Helix misses estimates amid probe") == -1.0
    assert lexicon.tone("Helix is not profitable") == -1.0
    assert lexicon.tone("Helix schedules annual meeting") == 0.0
    assert lexicon.tone("Beaten-down shares") == 0.0  # "beat" inside another word does not count
    # (positive - negative) / (positive + negative): two positive phrases and one negative word
    assert lexicon.tone("Record profit and strong demand amid probe") == pytest.approx(1 / 3)
    assert lexicon.tone("Helix beats estimates but warns") == 0.0


def test_negation_reaches_exactly_negation_window_words():
    """negation_window is 2: a term two tokens after "not" flips, three tokens after does not."""
    lexicon = load_lexicon(RULES_DIR)
    assert lexicon.negation_window == 2
    assert lexicon.tone("not profitable") == -1.0  # one token after
    assert lexicon.tone("not very profitable") == -1.0  # two tokens after: the window's edge
    assert lexicon.tone("not really very profitable") == 1.0  # three: outside the window
    assert lexicon.tone("profitable, not") == 1.0  # a negator flips only what follows it
    narrow = lexicon.model_copy(update={"negation_window": 0})
    assert narrow.tone("not profitable") == 1.0


def test_sentiment_counts_headlines_of_the_last_lookback_days(rules):
    """as of Nov. 20 with a 30-day lookback, headlines from Oct. 21 and late on Nov. 20 (UTC) count,
    one from late on Oct. 20 does not, nor one after the as-of date."""
    lexicon = load_lexicon(RULES_DIR)
    news = pd.DataFrame(
        {
            "ticker": ["OUT", "IN", "LATE", "IN"],
            "title": [
                "Helix misses estimates",
                "Helix beats estimates",
                "Helix misses estimates",
                "Helix warns",
            ],
            "published": pd.to_datetime(
                [
                    "2026-10-20T23:59:00Z",
                    "2026-10-21T00:00:00Z",
                    "2026-11-21T00:00:00Z",
                    "2026-11-20T23:59:00Z",
                ],
                utc=True,
            ),
        }
    )
    tickers = pd.Index(["IN", "OUT", "LATE", "NONE"])
    tone = sentiment_metrics(news, tickers, dt.date(2026, 11, 20), rules.sentiment_lookback_days, lexicon)
    assert rules.sentiment_lookback_days == 30
    assert tone.at["IN", "headline_tone"] == 0.0  # the mean of +1 and -1 (its headlines, not others')
    assert tone["headline_tone"].loc[["OUT", "LATE", "NONE"]].isna().all()


def test_score_facts_carry_the_figures_of_the_sentence(sample_snapshot, rules):
    scores = scores_for(sample_snapshot, rules)
    capped = next(a for a in scores.by_ticker.values() if a.capped)
    fundamentals_date = dt.date(2026, 3, 1)
    facts = ScoreFacts(capped, sample_snapshot.as_of, rules, fundamentals_date)
    assert facts["alpha"].value == capped.score
    assert (facts["available"].value, facts["total"].value, facts["cap"].value) == (3, 4, 90)
    assert facts["alpha"].id == f"score:{capped.ticker}:alpha"
    assert facts["alpha"].measure is Measure.SCORE and facts["cap"].measure is Measure.THRESHOLD
    assert facts["alpha"].inputs_as_of == sample_snapshot.as_of
    value = capped.signals["value"] or capped.signals["quality"]
    name = "value" if capped.signals["value"] else "quality"
    assert facts[f"signal.{name}"].inputs_as_of == fundamentals_date  # fundamentals carry their own date
    metric = value.metrics[0].name
    assert facts[f"rank.{metric}"].measure is Measure.PERCENTILE


def test_percentiles_read_from_first_to_ninety_ninth():
    assert apstyle.display(100.0, Unit.PERCENTILE) == "99th"
    assert apstyle.display(0.0, Unit.PERCENTILE) == "1st"
    assert apstyle.display(50.4, Unit.PERCENTILE) == "50th"


def test_value_ratios_are_recomputed_at_the_latest_close():
    """Apple on 2017-11-10: trailing EPS 8.33 (fundamentals of 2017-03-08, price 139.52) against the
    $174.67 close is an earnings yield of 4.77%, not the 6.0% the March price gives."""
    inputs = {"price": [139.52], "eps": [8.33], "price_to_book": [5.53], "price_to_sales": [3.35]}
    frame = pd.DataFrame(inputs, index=["AAPL"])
    close = pd.Series([174.67], index=["AAPL"])
    metrics = fundamental_metrics(frame, close, {}, dated=True)
    assert metrics.at["AAPL", "earnings_yield"] == pytest.approx(8.33 / 174.67 * 100)
    assert metrics.at["AAPL", "book_to_price"] == pytest.approx(139.52 / 5.53 / 174.67)
    assert metrics.at["AAPL", "sales_to_price"] == pytest.approx(139.52 / 3.35 / 174.67)
    # no price to derive per-share inputs: dated ratios are missing, current ones are used as reported
    no_price = frame.drop(columns=["price", "eps"]).assign(pe=[16.75])
    assert np.isnan(fundamental_metrics(no_price, close, {}, dated=True).at["AAPL", "earnings_yield"])
    fresh = fundamental_metrics(no_price, close, {}, dated=False)
    assert fresh.at["AAPL", "earnings_yield"] == pytest.approx(100 / 16.75)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("momentum: 30", "momentum: -30", "weights"),
        ("  - {name: roe,", "  - {name: roe_typo,", "signals.quality.0.name"),
        ("min_peer_group: 10", "min_peer_groups: 10", "min_peer_groups"),
        # a measure ranked low values first must tell readers how its percentile reads
        (",\n       ranked: the least indebted ranking highest}", "}", "signals.quality.2"),
    ],
)
def test_a_bad_rules_file_names_the_file_and_key(tmp_path: Path, old, new, key):
    text = (RULES_DIR / "scoring.yaml").read_text()
    assert old in text
    (tmp_path / "scoring.yaml").write_text(text.replace(old, new))
    with pytest.raises(ConfigError, match=rf"scoring.yaml: key '{re.escape(key)}'"):
        load_scoring_rules(tmp_path)


def test_money_ratios_need_matching_units():
    frame = pd.DataFrame(
        {"ebitda": [2.0], "market_cap": [20.0], "price_to_sales": [2.0], "enterprise_value": [25.0]},
        index=["T"],
    )
    close = pd.Series([1.0], index=["T"])
    same = fundamental_metrics(
        frame, close, {"ebitda": "USD bn", "market_cap": "USD bn", "enterprise_value": "USD bn"}, dated=False
    )
    assert same.at["T", "ebitda_to_ev"] == pytest.approx(8.0) and same.at[
        "T", "ebitda_margin"
    ] == pytest.approx(20.0)
    mixed = fundamental_metrics(
        frame, close, {"ebitda": "USD bn", "market_cap": "USD bn", "enterprise_value": "USD"}, dated=False
    )
    assert "ebitda_to_ev" not in mixed and mixed.at["T", "ebitda_margin"] == pytest.approx(20.0)


# ------------------------------------------------------------------------------ metrics by hand

DAYS = pd.date_range("2025-10-20", "2026-11-20", freq="D")  # 397 calendar days; row 396 is Nov. 20
ROW_12M, ROW_6M = 31, 212  # 2025-11-20 and 2026-05-20, exactly 12 and 6 months back


def panel_of(closes: dict[str, np.ndarray], benchmark: np.ndarray, highs: dict | None = None) -> PricePanel:
    close = np.column_stack(list(closes.values()))
    high = close.copy()
    for column, (row, value) in (highs or {}).items():
        high[row, list(closes).index(column)] = value
    return PricePanel(
        dates=DAYS,
        tickers=pd.Index(list(closes)),
        close=close,
        filled=close,
        high=high,
        low=close,
        volume=np.ones_like(close),
        basis="splits",
        splits=(),
        benchmark=pd.DataFrame({"BENCH": benchmark}, index=DAYS),
    )


def steps(before_12m: float, to_6m: float, after: float) -> np.ndarray:
    return np.r_[
        np.full(ROW_12M + 1, before_12m), np.full(ROW_6M - ROW_12M, to_6m), np.full(396 - ROW_6M, after)
    ]


def test_momentum_metrics_by_hand():
    """A: 100 -> 125 -> 150 against a benchmark 200 -> 220 -> 242 (12 months +50% vs +21%, 6 months
    +20% vs +10%); its 52-week high is a 160 intraday high inside the year (a 500 exactly a year
    back is outside it); the 200-day mean is (16 x 125 + 184 x 150) / 200 = 148 against 150."""
    flat = np.full(397, 100.0)
    gappy20, gappy21 = flat.copy(), flat.copy()
    gappy20[200:220] = np.nan  # 180 of 200 closes: exactly the 90% a mean needs
    gappy21[200:221] = np.nan  # 179 of 200: too few
    stopped = flat.copy()
    stopped[-1] = np.nan
    panel = panel_of(
        {"A": steps(100, 125, 150), "G20": gappy20, "G21": gappy21, "STOP": stopped},
        steps(200, 220, 242),
        highs={"A": (300, 160.0), "G20": (ROW_12M, 500.0)},
    )
    metrics = momentum_metrics(panel, 396)
    a = metrics.loc["A"]
    assert a["relative_return_12m"] == pytest.approx(29.0)
    assert a["relative_return_6m"] == pytest.approx(10.0)
    assert a["distance_to_52w_high"] == pytest.approx(-6.25)
    assert a["trend_50_200"] == pytest.approx((150 / 148 - 1) * 100)
    assert metrics.at["G20", "distance_to_52w_high"] == pytest.approx(
        0.0
    )  # the 500 is exactly a year old: outside the window
    assert metrics.at["G20", "trend_50_200"] == pytest.approx(0.0)
    assert np.isnan(metrics.at["G21", "trend_50_200"])
    assert np.isnan(metrics.at["STOP", "trend_50_200"]) and np.isnan(
        metrics.at["STOP", "distance_to_52w_high"]
    )
    assert np.isnan(metrics.at["STOP", "relative_return_6m"])


def test_momentum_needs_the_history_it_measures():
    """On row 100 (Jan. 28, 2026) there is no close six months back and no 200 days of closes."""
    panel = panel_of({"A": steps(100, 125, 150)}, steps(200, 220, 242))
    early = momentum_metrics(panel, 100).loc["A"]
    assert np.isnan(early["relative_return_6m"]) and np.isnan(early["relative_return_12m"])
    assert np.isnan(early["trend_50_200"])
    assert early["distance_to_52w_high"] == pytest.approx(0.0)  # 125 is its high so far
    # on row 250, 6 months back is row 69 (Dec. 28): 125 / 125, against 242 / 220
    later = momentum_metrics(panel, 250).loc["A"]
    assert later["relative_return_6m"] == pytest.approx((150 / 125 - 242 / 220) * 100)
    assert np.isnan(later["relative_return_12m"])  # a year back is before the first date


def test_fundamental_ratios_by_hand():
    """Per-share inputs at the fundamentals' price 50: EPS 5 (or 50 / P/E 10), book 50 / 2 = 25,
    sales 50 / 4 = 12.5; at a close of 100 after a 2-for-1 split (share factor 2, so 200 on the old
    count): earnings yield 5 / 200 = 2.5%, book-to-price 25 / 200, sales-to-price 12.5 / 200."""
    frame = pd.DataFrame(
        {
            "price": [50.0, 50.0, 50.0, 0.0],
            "eps": [5.0, np.nan, 5.0, 5.0],
            "pe": [np.nan, 10.0, 0.0, 10.0],
            "price_to_book": [2.0, 2.0, 0.0, 2.0],
            "price_to_sales": [4.0, 4.0, -1.0, 4.0],
            "share_factor": [2.0, 1.0, 1.0, 1.0],
            "roe": [12.0, np.nan, 3.0, 4.0],
            "debt_to_equity": [0.5, 1.5, np.nan, 2.0],
        },
        index=["SPLIT", "PE", "ZEROS", "NOPRICE"],
    )
    close = pd.Series([100.0, 100.0, 100.0, 100.0], index=frame.index)
    metrics = fundamental_metrics(frame, close, {}, dated=True)
    split = metrics.loc["SPLIT"]
    assert split["earnings_yield"] == pytest.approx(2.5)
    assert split["book_to_price"] == pytest.approx(25 / 200)
    assert split["sales_to_price"] == pytest.approx(12.5 / 200)
    assert metrics.at["PE", "earnings_yield"] == pytest.approx(5.0)  # EPS from price / P/E: 5 / 100
    zeros = metrics.loc["ZEROS"]  # a P/B of 0 and a negative P/S are not ratios to invert
    assert np.isnan(zeros["book_to_price"]) and np.isnan(zeros["sales_to_price"])
    assert zeros["earnings_yield"] == pytest.approx(5.0)
    # a price of 0 is no price: dated ratios are unknown, never divided by zero
    assert metrics.loc["NOPRICE", ["book_to_price", "sales_to_price"]].isna().all()
    assert metrics["roe"].tolist()[0] == 12.0 and np.isnan(metrics.at["PE", "roe"])  # passed through
    assert metrics.at["PE", "debt_to_equity"] == 1.5
    assert "profit_margin" in metrics and metrics["profit_margin"].isna().all()  # column absent: unknown
    undated = fundamental_metrics(frame.drop(columns=["price"]), close, {}, dated=False)
    assert undated.at["PE", "earnings_yield"] == pytest.approx(10.0)  # reported 100 / P/E
    assert undated.at["PE", "book_to_price"] == pytest.approx(0.5)  # reported 1 / P/B
    assert undated.at["PE", "sales_to_price"] == pytest.approx(0.25)
    assert np.isnan(undated.at["ZEROS", "book_to_price"]) and np.isnan(undated.at["ZEROS", "sales_to_price"])


def test_enterprise_value_moves_with_the_market_value_to_the_close():
    """Market value 20 at a price of 50; at a close of 60 it is 24, so EV 25 becomes 29 and EBITDA 2.9
    is 10% of it. EBITDA margin: 2.9 over sales of 20 / 2 = 10, 29%."""
    frame = pd.DataFrame(
        {
            "price": [50.0],
            "ebitda": [2.9],
            "market_cap": [20.0],
            "price_to_sales": [2.0],
            "enterprise_value": [25.0],
        },
        index=["T"],
    )
    units = {"ebitda": "USD bn", "market_cap": "usd BN", "enterprise_value": "USD bn"}
    close = pd.Series([60.0], index=["T"])
    metrics = fundamental_metrics(frame, close, units, dated=True)
    assert metrics.at["T", "ebitda_to_ev"] == pytest.approx(10.0)
    assert metrics.at["T", "ebitda_margin"] == pytest.approx(29.0)
    no_units = fundamental_metrics(frame, close, {}, dated=True)
    assert "ebitda_to_ev" not in no_units and "ebitda_margin" not in no_units  # unknown units never mix
    negative = fundamental_metrics(frame.assign(enterprise_value=[-10.0]), close, units, dated=True)
    assert np.isnan(negative.at["T", "ebitda_to_ev"])  # EV -10 + 4 is negative: no yield


def test_after_an_unexplained_fall_the_momentum_figures_and_the_score_are_flagged(rules):
    """Momentum looks back over the stock's year, and the score rests on momentum; value and quality
    (fundamentals) and the signal counts do not, so they stay unflagged."""
    metrics, sectors = worked_universe()
    alpha = AlphaScores(score_table(metrics, sectors, rules), rules)["CAPD"]
    day = dt.date(2026, 11, 20)
    fell = ScoreFacts(alpha, day, rules, day, fell_in_year=True)
    flagged = {key for key in fell if fell[key].flags == ("unexplained_fall",)}
    assert flagged == {"alpha", "signal.momentum", "metric.relative_return_6m", "rank.relative_return_6m"}
    assert not any(fact.flags for fact in ScoreFacts(alpha, day, rules, day).values())


def test_score_facts_of_a_capped_worked_example(rules):
    """CAPD's figures: score 90 (capped), 3 of 4 signals, the cap 90; no `minimum` (it has a score);
    each signal and metric with its value, unit, measure and the date of its inputs."""
    metrics, sectors = worked_universe()
    alpha = AlphaScores(score_table(metrics, sectors, rules), rules)["CAPD"]
    as_of, fundamentals_date = dt.date(2026, 11, 20), dt.date(2026, 3, 1)
    facts = ScoreFacts(alpha, as_of, rules, fundamentals_date)
    assert list(facts) == [
        "available", "total", "alpha", "cap",
        "signal.momentum", "metric.relative_return_6m", "rank.relative_return_6m",
        "signal.value", "metric.earnings_yield", "rank.earnings_yield",
        "signal.quality", "metric.roe", "rank.roe",
    ]  # fmt: skip
    assert len(facts) == 13 and "minimum" not in facts and "signal.sentiment" not in facts
    assert "nonsense" not in facts and 3 not in facts
    with pytest.raises(KeyError, match="minimum"):
        facts["minimum"]
    expected = {
        "available": (3.0, Unit.COUNT, Measure.COUNT, "three", as_of),
        "total": (4.0, Unit.COUNT, Measure.COUNT, "four", as_of),
        "alpha": (90.0, Unit.SCORE, Measure.SCORE, "90", as_of),
        "cap": (90.0, Unit.SCORE, Measure.THRESHOLD, "90", as_of),
        "signal.momentum": (95.0, Unit.SCORE, Measure.SCORE, "95", as_of),
        "signal.value": (100.0, Unit.SCORE, Measure.SCORE, "100", fundamentals_date),
        "metric.roe": (20.0, Unit.PERCENT, Measure.RATE, "20.0%", fundamentals_date),
        "rank.roe": (100.0, Unit.PERCENTILE, Measure.PERCENTILE, "99th", fundamentals_date),
        "metric.relative_return_6m": (19.0, Unit.POINTS, Measure.DIFFERENCE, "19.0 percentage points", as_of),
        "rank.relative_return_6m": (95.0, Unit.PERCENTILE, Measure.PERCENTILE, "95th", as_of),
    }
    for key, (value, unit, measure, display, inputs) in expected.items():
        fact = facts[key]
        assert (fact.value, fact.unit, fact.measure, fact.display, fact.inputs_as_of) == (
            value, unit, measure, display, inputs
        ), key  # fmt: skip
        assert fact.id == f"score:CAPD:{key}" and fact.subject == "CAPD"
        assert fact.as_of == as_of and fact.end == as_of
        assert fact.provenance.series == "alpha_score[CAPD]" and fact.provenance.window == f"as of {as_of}"
    assert facts["cap"].provenance.formula == "coverage cap for 3 of 4 signals"
    assert facts["available"].provenance.formula == "signals with at least one metric"
    assert facts["total"].provenance.formula == "signals in the model"
    assert facts["alpha"].provenance.formula == "weighted mean of available signal scores, capped"
    assert facts["rank.roe"].provenance.formula == "percentile rank among Tech, shown from 1st to 99th"
    assert facts["signal.value"].provenance.formula == "mean of value metric ranks, re-ranked"
    assert facts["metric.roe"].provenance.formula == "return on equity"
    assert facts["alpha"] is facts["alpha"]  # built once


def test_score_facts_of_an_unscored_stock_give_the_minimum(rules):
    index = [f"T{i}" for i in range(10)]
    metrics = pd.DataFrame({"relative_return_6m": np.arange(10.0), "roe": np.arange(10.0)}, index=index)
    alpha = AlphaScores(score_table(metrics, pd.Series("Tech", index=index), rules), rules)["T0"]
    facts = ScoreFacts(alpha, dt.date(2026, 11, 20), rules, dt.date(2026, 11, 20))
    assert "alpha" not in facts and "cap" not in facts
    assert (facts["minimum"].value, facts["minimum"].measure, facts["minimum"].display) == (
        3.0, Measure.THRESHOLD, "three"
    )  # fmt: skip
    assert facts["available"].value == 2.0
    assert facts["minimum"].provenance.formula == "signals a score needs"
    assert list(facts)[:3] == ["available", "total", "minimum"]


def test_a_score_record_lists_the_metrics_that_moved_a_signal_most_first(rules):
    """Two value metrics: T0 ranks 10 on earnings yield and 60 on book-to-price (|rank - 50| of 40
    and 10), so earnings yield, the further from the middle, comes first; each with its value, AP
    display, rank and peers."""
    index = [f"T{i}" for i in range(10)]
    metrics = pd.DataFrame(
        {"earnings_yield": np.arange(1.0, 11.0), "book_to_price": [6.0, 1, 2, 3, 4, 5, 7, 8, 9, 10]},
        index=index,
    )
    table = score_table(metrics, pd.Series("S", index=index), rules)
    value = AlphaScores(table, rules)["T0"].signals["value"]
    assert [m.name for m in value.metrics] == ["earnings_yield", "book_to_price"]
    first = value.metrics[0]
    assert (first.label, first.value, first.display, first.peer_group) == ("earnings yield", 1.0, "1.0%", "S")
    assert first.rank == pytest.approx(10.0) and value.metrics[1].rank == pytest.approx(60.0)
    # mean rank (10 + 60) / 2 = 35 ties T3's (40 + 30) / 2: third and fourth of ten share 3.5, so 35
    assert value.score == 35 and value.label == "weak"
    scores = AlphaScores(table, rules)
    assert len(scores) == 10 and list(scores)[:2] == ["T0", "T1"] and scores["T0"] is scores["T0"]


def test_momentum_at_the_edges_of_its_windows():
    """EDGE closes at 50 exactly a year back and at 80 exactly six months back (100 elsewhere), so
    reading the close a day early or a month off changes the figures; TOP sets its high on the
    as-of day itself; NOHIGH has closes but no highs; T50 steps up exactly 50 sessions back."""
    edge = np.full(397, 100.0)
    edge[ROW_12M], edge[ROW_6M] = 50.0, 80.0
    t50 = np.r_[np.full(347, 100.0), np.full(50, 110.0)]
    panel = panel_of(
        {"A": steps(100, 125, 150), "EDGE": edge, "TOP": np.full(397, 100.0), "NOHIGH": np.full(397, 100.0),
         "T50": t50},
        steps(200, 220, 242),
        highs={"TOP": (396, 125.0)},
    )  # fmt: skip
    panel.high[:, 3] = np.nan
    metrics = momentum_metrics(panel, 396)
    assert metrics.at["EDGE", "relative_return_6m"] == pytest.approx((100 / 80 - 242 / 220) * 100)
    assert metrics.at["EDGE", "relative_return_12m"] == pytest.approx((100 / 50 - 242 / 200) * 100)
    assert metrics.at["TOP", "distance_to_52w_high"] == pytest.approx(-20.0)  # 100 against 125, today
    assert np.isnan(metrics.at["NOHIGH", "distance_to_52w_high"])
    # 50 sessions of 110; 200 sessions: 150 of 100 and 50 of 110, a mean of 102.5
    assert metrics.at["T50", "trend_50_200"] == pytest.approx((110 / 102.5 - 1) * 100)
    # a year back from Oct. 20, 2026 (row 365) is the first row: a start of 0 is a start
    first_row = momentum_metrics(panel, 365).loc["A"]
    assert first_row["relative_return_12m"] == pytest.approx((150 / 100 - 242 / 200) * 100)


def test_moving_means_need_exactly_their_window_of_rows():
    """Row 199 is the 200th row: a 200-day mean exists there, not on row 198. On row 250, A's last
    50 closes are 12 of 125 and 38 of 150 (mean 144), its last 200 are 162 of 125 and 38 of 150
    (mean 129.75)."""
    panel = panel_of({"A": steps(100, 125, 150)}, steps(200, 220, 242))
    assert not np.isnan(momentum_metrics(panel, 199).at["A", "trend_50_200"])
    assert np.isnan(momentum_metrics(panel, 198).at["A", "trend_50_200"])
    assert momentum_metrics(panel, 250).at["A", "trend_50_200"] == pytest.approx((144 / 129.75 - 1) * 100)


def test_value_ratios_at_the_edges_of_what_counts_as_a_price():
    """A price of 0.5 and a close of 0.5 are prices; 0 is none. A P/E of 1 gives EPS equal to the
    price; a P/S of 0 is no ratio."""
    frame = pd.DataFrame(
        {
            "price": [0.5, 10.0, 10.0, 10.0],
            "eps": [np.nan, np.nan, 2.0, 2.0],
            "pe": [0.25, 1.0, np.nan, np.nan],
            "price_to_book": [1.0, 1.0, 1.0, 1.0],
            "price_to_sales": [1.0, 0.0, 1.0, 1.0],
            "profit_margin": [11.0, 12.0, 13.0, 14.0],
            "revenue_growth": [1.0, 2.0, 3.0, 4.0],
        },
        index=["PENNY", "PE1", "ZERO", "HALF"],
    )
    close = pd.Series([0.5, 10.0, 0.0, 0.5], index=frame.index)
    metrics = fundamental_metrics(frame, close, {}, dated=True)
    assert metrics.at["PENNY", "earnings_yield"] == pytest.approx(400.0)  # EPS 0.5 / 0.25 = 2 at 0.5
    assert metrics.at["PE1", "earnings_yield"] == pytest.approx(100.0)  # EPS 10 / 1 at 10
    assert np.isnan(metrics.at["PE1", "sales_to_price"])
    assert metrics.loc["ZERO", ["earnings_yield", "book_to_price", "sales_to_price"]].isna().all()
    assert metrics.at["HALF", "earnings_yield"] == pytest.approx(400.0)  # 2 / 0.5
    assert metrics["profit_margin"].tolist() == [11.0, 12.0, 13.0, 14.0]
    assert metrics["revenue_growth"].tolist() == [1.0, 2.0, 3.0, 4.0]
    reported = fundamental_metrics(frame.drop(columns=["price", "eps"]), close, {}, dated=False)
    assert reported.at["PE1", "earnings_yield"] == pytest.approx(100.0)  # 100 / P/E of 1


def test_money_ratios_at_the_edges_of_what_counts():
    """A P/S of 0.5 is a ratio (sales 2 x the market value); 0 is none. An EV of 0.5 is a value; a
    dated EV that cannot be moved to the close (no market value) is unknown, not the old EV."""
    frame = pd.DataFrame(
        {
            "price": [10.0, 10.0, 10.0],
            "ebitda": [0.1, 0.1, 0.1],
            "market_cap": [0.5, 0.5, np.nan],
            "price_to_sales": [0.5, 0.0, 1.0],
            "enterprise_value": [0.5, 0.5, 0.5],
        },
        index=["HALF", "ZERO", "NOCAP"],
    )
    units = {"ebitda": "USD bn", "market_cap": "USD bn", "enterprise_value": "USD bn"}
    close = pd.Series(10.0, index=frame.index)
    dated = fundamental_metrics(frame, close, units, dated=True)
    assert dated.at["HALF", "ebitda_margin"] == pytest.approx(10.0)  # 0.1 / (0.5 / 0.5)
    assert dated.at["HALF", "ebitda_to_ev"] == pytest.approx(20.0)  # 0.1 / 0.5, the close = the price
    assert np.isnan(dated.at["ZERO", "ebitda_margin"])
    assert np.isnan(dated.at["NOCAP", "ebitda_to_ev"])
    fresh = fundamental_metrics(frame, close, units, dated=False)
    assert fresh.at["NOCAP", "ebitda_to_ev"] == pytest.approx(20.0)  # current figures: EV as reported


def test_momentum_on_gaps_zero_closes_and_missing_highs_warns_nothing():
    """A stock with no closes, one whose price is 0 and one without highs give NaN or inf quietly:
    no numpy warning reaches the user's terminal."""
    import warnings

    zero = np.full(397, 100.0)
    zero[-1] = 0.0
    panel = panel_of(
        {
            "A": steps(100, 125, 150),
            "NONE": np.full(397, np.nan),
            "ZERO": zero,
            "NOHIGH": np.full(397, 100.0),
        },
        steps(200, 220, 242),
    )
    panel.high[:, 3] = np.nan
    panel.high[:, 2] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metrics = momentum_metrics(panel, 396)
    assert np.isnan(metrics.at["NONE", "trend_50_200"]) and np.isnan(
        metrics.at["NOHIGH", "distance_to_52w_high"]
    )
