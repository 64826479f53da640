"""The bundled fictional sample snapshot and its generator.

Each test pins one promise the sample makes to the rest of the pipeline (the AI story, the planted
data problems, the missing signals), so a change to the generator that quietly breaks a story fails here.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pytest
from command_line import run_cli

from generator.market.sample import generate
from generator.market.sample.generate import build_sample, write_sample
from generator.market.sample.universe import NO_RECENT_NEWS, PUBLISHERS
from generator.market.snapshot import FUNDAMENTAL_FIELDS, load_snapshot

AS_OF = dt.date(2026, 11, 20)
AS_OF_UTC = pd.Timestamp(AS_OF, tz="UTC")
AI_INFRASTRUCTURE = ("Semiconductors", "Data centers", "Cloud providers", "Networking", "Power utilities")
VALUE_INPUTS = ["pe", "eps", "price_to_book", "price_to_sales", "ebitda"]
QUALITY_INPUTS = ["roe", "profit_margin", "debt_to_equity", "revenue_growth"]
EXECUTIVE_QUOTE = re.compile(r"“[^”]+,” said [A-Z][a-z]+ [A-Z][\w-]+, [a-z ]*(?:chief|head|president)")


def _cohorts(snapshot) -> dict[str, object]:
    return {c.name: c for c in snapshot.cohorts}


def _closes(snapshot) -> pd.DataFrame:
    return snapshot.prices.pivot(index="date", columns="ticker", values="close")


def _split_adjusted_closes(snapshot) -> pd.DataFrame:
    closes = _closes(snapshot)
    closes.loc[closes.index < "2026-09-25", "SKHA"] /= 4
    return closes


def _total_returns(snapshot) -> pd.Series:
    closes = _split_adjusted_closes(snapshot)
    return closes.ffill().iloc[-1] / closes.bfill().iloc[0] - 1


def _no_value_inputs(fundamentals: pd.DataFrame) -> set[str]:
    return set(fundamentals.index[fundamentals[VALUE_INPUTS].isna().all(axis=1)])


def _no_quality_inputs(fundamentals: pd.DataFrame) -> set[str]:
    """All quality ratios blank and EBITDA margin not derivable either."""
    quality_blank = fundamentals[QUALITY_INPUTS].isna().all(axis=1)
    margin_blank = fundamentals["ebitda"].isna() | fundamentals["price_to_sales"].isna()
    return set(fundamentals.index[quality_blank & margin_blank])


def _recent_news_tickers(snapshot) -> set[str]:
    recent = snapshot.news["published"] >= AS_OF_UTC - pd.Timedelta(days=30)
    return set(snapshot.news.loc[recent, "ticker"])


# ------------------------------------------------------------------------------------------- manifest


def test_bundled_sample_loads_and_is_marked_fictional(sample_snapshot):
    manifest = sample_snapshot.manifest
    assert manifest.fictional is True
    assert manifest.name == "newsdesk-sample"
    assert manifest.as_of == AS_OF
    assert manifest.currency == "USD"
    assert manifest.benchmark_name == "Meridian Composite"
    assert manifest.universe_name == "Meridian 80"
    assert manifest.missing_tickers == []
    assert manifest.sources == [
        {"generator": "generator/market/sample/generate.py", "seed": 20261120, "note": "fictional"}
    ]
    assert manifest.units == FUNDAMENTAL_FIELDS
    assert manifest.units["market_cap"] == manifest.units["ebitda"] == "USD bn"
    assert manifest.units["dividend_yield"] == manifest.units["roe"] == "percent"


def test_manifest_notes_name_every_planted_quirk(sample_snapshot):
    notes = " ".join(sample_snapshot.manifest.model_extra["notes"])
    assert "SKHA" in notes and "2026-09-25" in notes and "split" in notes
    assert "MMRA" in notes and "listed on 2025-09-22" in notes
    assert "WRNC" in notes and "no price rows" in notes
    assert "CRNM, MMRA, PRVC" in notes and "SRLB, TMBW" in notes
    assert f"{len(NO_RECENT_NEWS)} tickers have no headlines" in notes


# ------------------------------------------------------------------------------------------- universe


def test_universe_is_80_invented_companies_in_at_least_8_sectors(sample_snapshot):
    fundamentals = sample_snapshot.fundamentals
    assert len(fundamentals) == 80
    assert set(sample_snapshot.prices["ticker"]) == set(fundamentals.index)
    assert all(re.fullmatch(r"[A-Z]{3,4}", t) for t in fundamentals.index)
    assert fundamentals["name"].is_unique
    assert fundamentals["sector"].nunique() >= 8
    assert fundamentals["sub_industry"].notna().all()
    helix = fundamentals.loc["HLXM"]
    assert (helix["name"], helix["sector"], helix["sub_industry"]) == (
        "Helix Microdevices",
        "Information Technology",
        "Semiconductors",
    )


@pytest.mark.shared_data
def test_no_ticker_or_name_is_taken_from_the_real_sp500(sample_snapshot, sp500_dir):
    real = pd.read_csv(sp500_dir / "fundamentals.csv", usecols=["ticker", "name"], keep_default_na=False)
    fictional = sample_snapshot.fundamentals
    assert not set(fictional.index) & set(real["ticker"])
    real_first_words = {name.split()[0].lower() for name in real["name"]}
    assert not {name.split()[0].lower() for name in fictional["name"]} & real_first_words


def test_cohorts_carry_the_ai_story(sample_snapshot):
    cohorts = _cohorts(sample_snapshot)
    assert list(cohorts) == ["AI infrastructure", "Mega-cap hyperscalers", "AI software"]
    assert [g.name for g in cohorts["AI infrastructure"].groups] == list(AI_INFRASTRUCTURE)
    assert [g.name for g in cohorts["AI software"].groups] == ["Software", "AI productivity"]
    leaves = [g for c in cohorts.values() for g in (c.groups or (c,))]
    assert all(4 <= len(leaf.tickers) <= 8 for leaf in leaves)
    assert "HLXM" in cohorts["AI infrastructure"].groups[0].tickers
    ai_tickers = {t for c in cohorts.values() for t in c.tickers}
    assert 35 <= len(ai_tickers) <= 45
    assert ai_tickers <= set(sample_snapshot.fundamentals.index)


# --------------------------------------------------------------------------------------------- prices


def test_prices_cover_three_years_of_business_days_up_to_as_of(sample_snapshot):
    dates = pd.DatetimeIndex(sample_snapshot.prices["date"].unique()).sort_values()
    assert dates[-1] == pd.Timestamp(AS_OF)
    assert dates[0] <= pd.Timestamp(AS_OF) - pd.DateOffset(years=3)
    assert (dates.day_of_week < 5).all()
    benchmark = sample_snapshot.benchmark
    assert set(benchmark["ticker"]) == {"MRDX"}
    assert list(benchmark["date"]) == list(dates)


def test_prices_are_consistent_rounded_and_positive(sample_snapshot):
    prices = sample_snapshot.prices
    assert (prices[["open", "high", "low", "close"]] > 0).all().all()
    assert (prices["low"] <= prices[["open", "close"]].min(axis=1)).all()
    assert (prices["high"] >= prices[["open", "close"]].max(axis=1)).all()
    assert (prices["volume"] > 0).all() and (prices["volume"] == prices["volume"].round()).all()
    scaled = prices["close"] * 10_000
    assert np.allclose(scaled, scaled.round(), rtol=0, atol=1e-6)


def test_volatility_and_correlation_look_like_a_real_market(sample_snapshot):
    returns = np.log(_split_adjusted_closes(sample_snapshot)).diff()
    annual_vol = returns.std() * np.sqrt(252)
    assert annual_vol.between(0.15, 0.70).all(), annual_vol.sort_values()
    assert 0.25 <= annual_vol.median() <= 0.45
    correlation = returns.corr().to_numpy()
    mean_pairwise = correlation[np.triu_indices_from(correlation, k=1)].mean()
    assert 0.1 <= mean_pairwise <= 0.6
    assert returns.abs().max().max() < 0.4  # fat tails, but no absurd day once the split is adjusted


def test_ai_infrastructure_beat_the_equal_weighted_universe(sample_snapshot):
    total = _total_returns(sample_snapshot)
    cohorts = _cohorts(sample_snapshot)
    equal_weighted = total.mean()

    def cohort_return(cohort) -> float:
        return total[list(cohort.tickers)].mean()

    ai = cohort_return(cohorts["AI infrastructure"])
    assert ai - equal_weighted == pytest.approx(1.15, abs=0.01)  # "surged roughly 115%" relative
    hyperscalers = cohort_return(cohorts["Mega-cap hyperscalers"])
    assert equal_weighted < hyperscalers < ai
    utilities = cohort_return(cohorts["AI infrastructure"].groups[-1])
    assert equal_weighted - 0.3 < utilities < cohort_return(cohorts["AI infrastructure"].groups[0])
    assert (total < 0).sum() >= 5


def test_one_unadjusted_four_for_one_split_40_trading_days_before_as_of(sample_snapshot):
    closes = _closes(sample_snapshot)
    moves = closes.pct_change(fill_method=None)
    crashes = moves.stack()[lambda m: m < -0.7]
    assert list(crashes.index) == [(pd.Timestamp("2026-09-25"), "SKHA")]
    assert 0.2 < 1 + crashes.iloc[0] < 0.3
    assert len(closes.loc["2026-09-25":]) - 1 == 40
    volume = sample_snapshot.prices.pivot(index="date", columns="ticker", values="volume")["SKHA"]
    before = volume.loc[:"2026-09-24"].tail(20).mean()
    assert volume.loc["2026-09-25"] > 3 * before


def test_one_listing_inside_the_window_and_one_ticker_with_missing_days(sample_snapshot):
    prices = sample_snapshot.prices
    first_date = prices.groupby("ticker")["date"].min()
    late = first_date[first_date > first_date.min()]
    assert list(late.index) == ["MMRA"]
    assert abs(late["MMRA"] - (pd.Timestamp(AS_OF) - pd.DateOffset(months=14))) <= pd.Timedelta(days=7)
    rows = prices.groupby("ticker").size()
    short = rows[rows < rows.max()].drop("MMRA")
    assert list(short.index) == ["WRNC"]
    assert 2 <= rows.max() - short["WRNC"] <= 6


def test_benchmark_tracks_a_cap_weighted_like_index_of_the_universe(sample_snapshot):
    benchmark = sample_snapshot.benchmark.set_index("date")["close"]
    assert (benchmark > 0).all()
    index_returns = benchmark.pct_change().dropna()
    universe_returns = (
        _split_adjusted_closes(sample_snapshot).pct_change(fill_method=None).mean(axis=1).dropna()
    )
    assert index_returns.corr(universe_returns) > 0.8


# --------------------------------------------------------------------------------------- fundamentals


def test_fundamentals_agree_with_prices(sample_snapshot):
    fundamentals = sample_snapshot.fundamentals
    prices = sample_snapshot.prices.astype({"ticker": str})
    closes = prices.groupby("ticker")["close"]
    same = {"check_names": False, "check_index_type": False}
    pd.testing.assert_series_equal(fundamentals["price"], closes.last(), **same)
    last_year = prices.groupby("ticker").tail(252).groupby("ticker")["close"]
    pd.testing.assert_series_equal(fundamentals["week52_low"], last_year.min(), **same)
    pd.testing.assert_series_equal(fundamentals["week52_high"], last_year.max(), **same)
    both = fundamentals.dropna(subset=["pe", "eps"])
    assert np.allclose(both["pe"] * both["eps"], both["price"], rtol=0.01)
    losers = fundamentals[fundamentals["eps"] < 0]
    assert len(losers) >= 3 and losers["pe"].isna().all()
    assert (fundamentals["market_cap"] > 0).all()
    assert (fundamentals["dividend_yield"].dropna() >= 0).all()
    assert (fundamentals["dividend_yield"] == 0).sum() >= 10  # known non-payers


def test_fundamentals_have_realistic_gaps_written_as_blanks(sample_dir, sample_snapshot):
    fundamentals = sample_snapshot.fundamentals
    assert list(fundamentals.columns) == ["name", "sector", "sub_industry", *FUNDAMENTAL_FIELDS]
    ratios = fundamentals[list(FUNDAMENTAL_FIELDS)]
    assert 0.02 <= ratios.isna().to_numpy().mean() <= 0.15
    assert _no_value_inputs(fundamentals) == {"CRNM", "MMRA", "PRVC"}
    assert _no_quality_inputs(fundamentals) == {"SRLB", "TMBW"}
    raw = pd.read_csv(sample_dir / "fundamentals.csv", dtype=str, keep_default_na=False)
    assert (raw[VALUE_INPUTS + QUALITY_INPUTS] == "").sum().sum() > 20
    assert not (raw[VALUE_INPUTS + QUALITY_INPUTS].isin(["0", "0.0"])).any().any()


# ----------------------------------------------------------------------------------------------- news


def test_news_is_a_few_hundred_fictional_headlines_over_90_days(sample_dir, sample_snapshot):
    news = sample_snapshot.news
    assert 150 <= len(news) <= 600
    assert set(news["ticker"]) <= set(sample_snapshot.fundamentals.index)
    assert news["published"].min() >= AS_OF_UTC - pd.Timedelta(days=90)
    assert news["published"].max() < AS_OF_UTC + pd.Timedelta(days=1)
    assert set(news["publisher"]) <= set(PUBLISHERS)
    assert news["url"].str.startswith("https://example.invalid/").all()
    assert news[["title", "summary"]].notna().all().all()
    raw = [json.loads(line) for line in (sample_dir / "news.jsonl").read_text("utf-8").splitlines()]
    assert all(item["published"].endswith("Z") for item in raw)
    titles = news["title"].str.lower()
    positive = titles.str.contains(r"beats|record|raises|upgrade|surge|wins|expands")
    negative = titles.str.contains(r"misses|cuts|downgrade|probe|recall|plunge|warns|lawsuit")
    assert positive.sum() >= 40 and negative.sum() >= 40
    assert not (positive & negative).any()


def test_the_planted_quiet_tickers_lack_recent_news_and_two_have_only_two_signals(sample_snapshot):
    fundamentals = sample_snapshot.fundamentals
    quiet = set(fundamentals.index) - _recent_news_tickers(sample_snapshot)
    assert quiet == set(NO_RECENT_NEWS)  # the universe's list, and no other ticker
    thin = quiet & (_no_value_inputs(fundamentals) | _no_quality_inputs(fundamentals))
    assert thin == {"CRNM", "TMBW"}


# -------------------------------------------------------------------------------------------- sources


def test_sources_are_quotable_press_releases(sample_snapshot):
    sources = {s.id: s for s in sample_snapshot.sources}
    assert len(sources) >= 6
    tickers = set(sample_snapshot.fundamentals.index)
    for source in sources.values():
        assert source.title and source.filename == f"{source.id}.txt"
        assert source.tickers and set(source.tickers) <= tickers
        assert source.url.startswith("https://example.invalid/")
        assert dt.date.fromisoformat(source.published) <= AS_OF
        assert len(source.body.split("\n\n")) >= 4, source.id
        assert EXECUTIVE_QUOTE.search(source.body), source.id
    helix = sources["hlxm-q3-results"]
    assert "said Mara Quell, chief executive of Helix Microdevices." in helix.body
    note = sources["gpu-capacity-asset-class"]
    assert "asset class" in note.title and "real estate" in note.body
    ai_tickers = set(_cohorts(sample_snapshot)["AI infrastructure"].tickers)
    assert len(set(note.tickers) & ai_tickers) >= 4
    assert "September 25, 2026" in sources["skha-stock-split"].body  # the split date in the prices


# ------------------------------------------------------------------------------------- reproducibility


def test_write_sample_reproduces_the_bundled_folder_byte_for_byte(sample_dir, tmp_path):
    written = write_sample(tmp_path / "sample")
    bundled_files = sorted(p.relative_to(sample_dir) for p in sample_dir.rglob("*") if p.is_file())
    written_files = sorted(p.relative_to(written) for p in written.rglob("*") if p.is_file())
    assert written_files == bundled_files
    for relative in bundled_files:
        assert (written / relative).read_bytes() == (sample_dir / relative).read_bytes(), relative


def test_build_sample_is_what_load_snapshot_reads(sample_snapshot):
    built = build_sample()
    pd.testing.assert_frame_equal(built.prices, sample_snapshot.prices)
    pd.testing.assert_frame_equal(built.benchmark, sample_snapshot.benchmark)
    pd.testing.assert_frame_equal(built.fundamentals, sample_snapshot.fundamentals)
    assert built.news["published"].tolist() == sample_snapshot.news["published"].tolist()
    assert (
        built.news.drop(columns="published")
        .astype(str)
        .equals(sample_snapshot.news.drop(columns="published").astype(str))
    )
    assert built.sources == sample_snapshot.sources
    assert built.cohorts == sample_snapshot.cohorts
    assert built.manifest == sample_snapshot.manifest


def test_same_seed_gives_the_same_universe_and_another_seed_a_different_one():
    first, again, other = build_sample(20, seed=7), build_sample(20, seed=7), build_sample(20, seed=8)
    pd.testing.assert_frame_equal(first.prices, again.prices)
    pd.testing.assert_frame_equal(first.fundamentals, again.fundamentals)
    assert not np.allclose(first.prices["close"], other.prices["close"])


# ---------------------------------------------------------------------------------------- other sizes


def test_small_universe_keeps_every_cohort_and_only_existing_tickers(tmp_path):
    snapshot = load_snapshot(write_sample(tmp_path / "small", n_tickers=20, years=1.5))
    fundamentals = snapshot.fundamentals
    assert len(fundamentals) == 20 and snapshot.manifest.universe_name == "Meridian 20"
    assert "HLXM" in fundamentals.index
    cohorts = _cohorts(snapshot)
    assert [g.name for g in cohorts["AI infrastructure"].groups] == list(AI_INFRASTRUCTURE)
    assert {t for c in cohorts.values() for t in c.tickers} <= set(fundamentals.index)
    assert all(set(s.tickers) <= set(fundamentals.index) for s in snapshot.sources)
    assert snapshot.prices["date"].min() <= pd.Timestamp(AS_OF) - pd.DateOffset(months=17)


def test_larger_universe_adds_generated_companies_across_sectors(tmp_path):
    snapshot = load_snapshot(write_sample(tmp_path / "large", n_tickers=300))
    fundamentals = snapshot.fundamentals
    assert len(fundamentals) == 300 and fundamentals["name"].is_unique
    assert all(re.fullmatch(r"[A-Z]{3,4}", t) for t in fundamentals.index)
    assert fundamentals["sector"].nunique() == 11
    assert snapshot.prices["ticker"].nunique() == 300
    assert snapshot.manifest.universe_name == "Meridian 300"
    assert {t for c in snapshot.cohorts for t in c.tickers} <= set(fundamentals.index)


def test_big_universes_default_to_parquet_prices(tmp_path, monkeypatch):
    monkeypatch.setattr(generate, "PARQUET_ABOVE_TICKERS", 15)
    written = write_sample(tmp_path / "parquet", n_tickers=20, years=1.5)
    assert (written / "prices.parquet").is_file() and not (written / "prices.csv.gz").exists()
    assert load_snapshot(written).prices["ticker"].nunique() == 20


def test_a_sector_that_uses_up_its_names_draws_second_tier_ones_never_a_repeat():
    sector = "Utilities"
    first_tier = generate._name_pool(sector, np.random.default_rng(1))
    pool = list(first_tier)
    taken: set[str] = set()
    names = [generate._next_name(pool, taken, sector)[0] for _ in range(len(first_tier) + 10)]
    assert len(set(names)) == len(names)
    starts = tuple(generate.u.MORE_NAME_STARTS)
    # 30 starts x 20 ends x 5 suffixes = 3,000 first-tier names, then the second tier begins
    assert len(first_tier) == 3000
    assert not any(name.startswith(starts) for name in names[:3000])
    assert all(name.startswith(starts) for name in names[3000:])


def test_a_universe_bigger_than_the_names_allow_is_refused_with_one_line(tmp_path, monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, "sample", "--tickers", "55001", "--out", str(tmp_path / "u"))
    assert code == 2
    assert err.count("\n") == 1 and "--tickers" in err and "55,000" in err
    assert not (tmp_path / "u").exists()
