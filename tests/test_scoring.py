"""Alpha Score: the composite is the weighted, renormalised, capped mean of its signals, labels match
bands, the sentence has the seed's exact form, and a missing input is never treated as zero."""

from __future__ import annotations

import datetime as dt
import math
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
    ScoreFacts,
    compute_scores,
    load_lexicon,
    load_scoring_rules,
    score_table,
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


def band(rules, value):
    return next(b.label for b in rules.bands if value >= b.min)


def assert_score_invariants(scores, rules):
    weights = rules.weights
    for ticker, alpha in scores.by_ticker.items():
        present = {name: s for name, s in alpha.signals.items() if s is not None}
        assert set(alpha.signals) == set(SIGNALS), ticker
        assert alpha.coverage == f"{len(present)}/4"
        for name, signal in present.items():
            assert signal.label == band(rules, signal.score), (ticker, name)
            assert signal.metrics, f"{ticker} {name}: a signal without metrics must be missing"
        if len(present) < rules.coverage.min_signals:
            assert alpha.score is None and alpha.profile is None
            assert alpha.summary.startswith("No Alpha Score yet")
            continue
        expected = sum(weights[n] * s.score for n, s in present.items()) / sum(weights[n] for n in present)
        expected = min(math.floor(expected + 0.5), rules.coverage.caps.get(len(present), 100))
        assert alpha.score == expected, ticker
        assert alpha.profile == band(rules, alpha.score)
        assert alpha.capped == (len(present) in rules.coverage.caps)
        match = SENTENCE.match(alpha.summary)
        assert match, alpha.summary
        assert int(match["score"]) == alpha.score and match["profile"] == alpha.profile
        listed = [part.split(" ")[1] for part in match["signals"].split(", ")]
        assert listed == [n for n in SIGNALS if n in present]  # seed order, missing ones left out
        assert [part.split(" ")[0] for part in match["signals"].split(", ")] == [
            present[n].label for n in listed
        ]
        assert (match["cap"] is not None) == alpha.capped


def test_every_sample_ticker_obeys_the_score_rules(sample_snapshot, rules):
    scores = scores_for(sample_snapshot, rules)
    assert_score_invariants(scores, rules)
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
    from generator.scoring import fundamental_metrics

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
    ],
)
def test_a_bad_rules_file_names_the_file_and_key(tmp_path: Path, old, new, key):
    text = (RULES_DIR / "scoring.yaml").read_text()
    assert old in text
    (tmp_path / "scoring.yaml").write_text(text.replace(old, new))
    with pytest.raises(ConfigError, match=rf"scoring.yaml: key '{re.escape(key)}'"):
        load_scoring_rules(tmp_path)


def test_money_ratios_need_matching_units():
    from generator.scoring import fundamental_metrics

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
