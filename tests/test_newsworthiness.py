"""Newsworthiness decides the story: triggers from the data, structure from the triggers, feeds ranked.

The triggers are recomputed here from the sample's raw prices and volumes with plain pandas and the
thresholds of rules/triggers.yaml as documented (a move of at least 2.5 times the standard deviation
of the 63 daily returns before it, and at least 1.5%; a close above every close of the 52 weeks
before it; volume at least twice its 63-session average; five straight sessions one way).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.catalog import read_index
from generator.config import load_settings
from generator.errors import ConfigError
from generator.layout import Layout
from generator.models import Sidecar
from generator.pipeline import build
from generator.resources import resource_dir
from generator.writing.newsworthiness import load_trigger_rules

DAY = "2026-11-20"
TOOLS = Path(__file__).resolve().parent.parent / "tools"


def sidecars(out: Path, kind: str | None = None) -> list[Sidecar]:
    found = [
        Sidecar.model_validate_json(p.read_text())
        for p in sorted(out.glob("*/20*/*.json"))
        if not p.name.endswith(".ninjs.json")
    ]
    return [s for s in found if kind is None or s.kind == kind]


def raw_triggers(folder: Path) -> dict[str, set[str]]:
    prices = pd.read_csv(folder / "prices.csv.gz", parse_dates=["date"])
    actions = pd.read_csv(folder / "actions.csv", parse_dates=["date"]).dropna(subset=["split_ratio"])
    for action in actions.itertuples():  # a split divides earlier prices by its ratio (contract 1)
        before = (prices["ticker"] == action.ticker) & (prices["date"] < action.date)
        prices.loc[before, "close"] /= action.split_ratio
        prices.loc[before, "volume"] *= action.split_ratio
    close = prices.pivot(index="date", columns="ticker", values="close").sort_index()
    volume = prices.pivot(index="date", columns="ticker", values="volume").sort_index()
    moves = close.pct_change()
    year = close.index > close.index[-1] - pd.DateOffset(years=1)
    found: dict[str, set[str]] = {}
    for ticker in close.columns:
        fired = set()
        today = moves[ticker].iloc[-1]
        typical = moves[ticker].iloc[-64:-1].std(ddof=1)
        if abs(today) >= 0.015 and abs(today) / typical >= 2.5:
            fired.add("big_move")
        earlier = close[ticker][year].iloc[:-1]
        if close[ticker].iloc[-1] > earlier.max():
            fired.add("closing_high")
        if close[ticker].iloc[-1] < earlier.min():
            fired.add("closing_low")
        if volume[ticker].iloc[-1] >= 2 * volume[ticker].iloc[-64:-1].mean():
            fired.add("volume")
        signs = np.sign(moves[ticker].iloc[::-1].to_numpy())
        run = next((i for i, s in enumerate(signs) if s != signs[0]), len(signs))
        # a streak a reader sees: its last session moves by at least 0.05%, which displays as 0.1%
        if run >= 5 and signs[0] != 0 and abs(moves[ticker].iloc[-1]) >= 0.0005:
            fired.add("streak")
        found[ticker] = fired
    return found


def test_brief_triggers_are_the_ones_the_raw_data_fire(sample_run, sample_dir):
    expected = raw_triggers(sample_dir)
    briefs = sidecars(sample_run.out_dir, "alpha_brief")
    checked = {"big_move", "closing_high", "closing_low", "volume", "streak"}
    fired = 0
    for sidecar in briefs:
        ticker = sidecar.tickers[0]
        assert set(sidecar.triggers) & checked == expected[ticker], ticker
        fired += bool(sidecar.triggers)
        if sidecar.triggers:  # the first trigger picks the structure
            assert sidecar.angle == sidecar.triggers[0] and not sidecar.routine
            assert sidecar.newsworthiness > 0
        else:
            assert sidecar.routine and sidecar.angle.startswith("routine_") and sidecar.newsworthiness == 0
    assert 5 <= fired < len(briefs)


def test_the_feeds_rank_a_dates_stories_by_newsworthiness(sample_run):
    out = sample_run.out_dir
    weight = {e.slug: e.newsworthiness for e in read_index(Layout(out))}
    items = json.loads((out / "site" / "feed.json").read_text())["items"]
    slugs = [item["id"].rsplit("/", 1)[1].removesuffix(".html") for item in items]
    weights = [weight[slug] for slug in slugs]
    assert weights == sorted(weights, reverse=True) and weights[0] > weights[-1]
    assert weight["meridian-80-market-movers-2026-11-20"] == 60  # the kinds' weight in rules/triggers.yaml


def test_routine_briefs_join_the_feeds_when_configured(tmp_path):
    result = build(load_settings(out=tmp_path / "out", jobs=1, quiet=True, feed_routine=True))
    items = json.loads((tmp_path / "out" / "site" / "feed.json").read_text())["items"]
    assert result.feed_items == len(items) == sum(a.verdict.value == "publish" for a in result.articles)


def test_an_unknown_trigger_is_a_config_error_naming_it(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (resource_dir("rules") / "triggers.yaml").read_text().replace("  streak:", "  streaks:")
    (rules / "triggers.yaml").write_text(text)
    with pytest.raises(ConfigError, match="unknown trigger 'streaks'"):
        load_trigger_rules(rules)


# --------------------------------------------------------------------------------- how briefs read


def variety(out: Path, date: str) -> dict:
    sys.path.insert(0, str(TOOLS))
    try:
        import variety  # tools/variety.py: the measures of issue 14
    finally:
        sys.path.remove(str(TOOLS))
    return variety.measure(variety.read_output(out, date, "alpha_brief"), pairs=3000)


def assert_varied(measured: dict) -> None:
    assert measured["skeleton_4gram_jaccard"] <= 0.5, measured
    assert measured["structures"] >= 10 and measured["largest_structure_share"] <= 0.3, measured
    assert measured["longest_headline"] <= 70, measured


def test_sample_briefs_follow_their_triggers_not_one_skeleton(sample_run):
    assert_varied(variety(sample_run.out_dir, DAY))


@pytest.mark.shared_data
def test_sp500_briefs_follow_their_triggers_not_one_skeleton(sp500_run):
    assert_varied(variety(sp500_run.out_dir, "2017-11-10"))


def test_every_headline_keeps_the_length_limit(sample_run):
    for sidecar in sidecars(sample_run.out_dir):
        assert len(sidecar.title) <= 70, sidecar.title


@pytest.mark.parametrize("run", ["sample_run", pytest.param("sp500_run", marks=pytest.mark.shared_data)])
def test_the_movers_story_leads_with_the_largest_move(run, request):
    out = request.getfixturevalue(run).out_dir
    (story,) = sidecars(out, "market_movers")
    facts = {f.id: f for f in story.facts}
    ranked = {c.predicate: facts[c.facts[0]] for c in story.claims if c.predicate.startswith("ranks_")}
    gain, fall = ranked["ranks_first"], ranked["ranks_last"]
    biggest = fall if abs(fall.value) > gain.value else gain
    body = next(out.glob(f"*/*/{story.slug}.md")).read_text().split("\n---\n", 1)[1]
    lede = body.strip().split("\n\n")[0]
    assert lede.split(" (")[1].startswith(f"{biggest.subject})")  # "Name (TICKER) ..." opens the story
    names = [point.label.rsplit(" (", 1)[0] for point in story.charts[0].series[0].points]
    assert len(names) == len(set(names)) == 10  # five a side, one slot a company (share classes merged)


def test_the_cohort_story_states_its_period_and_why_it_starts_then(sample_run):
    (story,) = sidecars(sample_run.out_dir, "cohort_performance")
    body = (sample_run.out_dir / "site" / DAY / f"{story.slug}.md").read_text()
    period = "The period is the year so far: from Dec. 31, 2025, the last close of 2025, to the close of"
    assert f"{period} Nov. 20." in body
    assert all(f.start == dt.date(2025, 12, 31) for f in story.facts if f.id.endswith(":YTD"))


@pytest.mark.parametrize(
    ("label", "lede", "period"),
    [
        ("", "From March 16 to Nov. 20, the ", "The period runs from March 16 to the close of Nov. 20."),
        (
            "when the chip export rules took effect",
            "From March 16 to Nov. 20, the ",
            "The period runs from March 16, when the chip export rules took effect, to the close of Nov. 20.",
        ),
    ],
)
def test_an_editors_start_in_the_articles_year_is_dated_without_it_or_a_stray_comma(
    tmp_path, label, lede, period
):
    """AP: "from March 16 to Nov. 20" in a story of Nov. 20, 2026 (the year set off by commas only
    when it is given)."""
    editorial = tmp_path / "editorial"
    shutil.copytree(resource_dir("editorial"), editorial)
    desk = editorial / "desk.yaml"
    text = desk.read_text("utf-8").replace("  since:\n", "  since: 2026-03-16\n", 1)
    desk.write_text(text.replace("  since_label:\n", f"  since_label: {label}\n", 1), "utf-8")
    out = tmp_path / "out"
    build(load_settings(out=out, jobs=1, quiet=True, editorial_dir=editorial))
    (story,) = sidecars(out, "cohort_performance")
    body = next(out.glob(f"*/*/{story.slug}.md")).read_text()
    assert lede in body and period in body


def test_a_cross_of_the_moving_average_is_read_from_an_integer_column(tmp_path, monkeypatch):
    """With every stock priced, the cross column stays NumPy integers (no NaN makes it float)."""
    import numpy as np

    from generator.market.sample.generate import write_sample
    from generator.pipeline import prepare
    from generator.writing.stories import AlphaBrief

    snapshot = write_sample(tmp_path / "snap", n_tickers=12, years=1.5, seed=3)
    desk = prepare(load_settings(snapshot=snapshot, out=tmp_path / "out", jobs=1, quiet=True))
    facts = desk.newsroom.facts
    ticker = str(facts.stocks.index[0])
    since = facts.windows["3M"].start
    real = facts.value

    def crossed(name: str, column: str):
        if name == ticker and column == "ma_cross":
            return np.int64(1)
        if name == ticker and column == "ma_since_date":
            return since
        return real(name, column)

    monkeypatch.setattr(facts, "value", crossed)
    brief = AlphaBrief(desk.newsroom)
    plan = next(p for p in brief.plan() if p.subject == ticker)
    assert "moving_average" in plan.triggers
    context = brief.draft(plan).context
    assert context.session.ma_cross == 1 and context.session.ma_since.value == since.toordinal()
