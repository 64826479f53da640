"""Verbs agree with displayed figures; templates fail loudly and safely; output varies reproducibly."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import apstyle
from generator.errors import ConfigError, RenderError
from generator.models import Fact, Measure, Provenance, Unit
from generator.resources import resource_dir
from generator.scoring import AlphaScores, Band, ScoreFacts, load_scoring_rules, score_table
from generator.writing.phrasing import (
    Voice,
    WritingRules,
    direction,
    displayed_value,
    load_writing_rules,
    magnitude,
    window_days,
)
from generator.writing.render import ArticleWriter, Ranking
from generator.writing.stories.base import reads_against

RULES = load_writing_rules(resource_dir("rules"))
RISING = {v for band in RULES.moves.bands if band.above is not None and band.above >= 0 for v in band.past}
FALLING = {v for band in RULES.moves.bands if band.above is None or band.above < 0 for v in band.past}
DAY = dt.date(2026, 11, 20)


def fact(value: float, unit: Unit = Unit.PERCENT, fact_id: str = "stock:T:return:1D") -> Fact:
    return Fact(fact_id, value, unit, apstyle.display(value, unit), DAY, Provenance("s", "w", "f"))


@given(st.floats(min_value=-99.9, max_value=1e4, allow_nan=False), st.text(min_size=1, max_size=12))
def test_verb_follows_the_displayed_figure(value, seed):
    move = fact(value)
    phrase = Voice(RULES, seed).move(move)
    shown = displayed_value(move)
    if shown == 0:
        assert not re.search(r"\d", phrase), "a zero figure is never printed beside a verb"
        assert phrase in RULES.moves.flat.past
        return
    verb, figure = phrase.rsplit(" ", 1)
    assert figure == move.display.lstrip("-") and figure not in ("0.0%", "0%")
    assert verb in (RISING if shown > 0 else FALLING), (value, phrase)


@given(st.floats(min_value=-500, max_value=500, allow_nan=False))
def test_relative_wording_follows_the_displayed_difference(value):
    gap = fact(value, Unit.POINTS)
    phrase = Voice(RULES, "x").versus(gap, "the index")
    shown = displayed_value(gap)
    words = RULES.relative
    if shown == 0:
        assert phrase.removesuffix(" the index") in words.flat.past
    else:
        verb = phrase.split(" the index")[0]
        assert verb in (words.ahead.past if shown > 0 else words.behind.past)
        assert phrase.endswith(f"by {gap.display.lstrip('-')}")


def test_bands_are_graded_by_size():
    voice = Voice(RULES, "seed")
    assert voice.move(fact(0.3)).split(" ")[0] in {"edged", "inched", "ticked"}
    assert voice.move(fact(25.0)).split(" ")[0] in {"surged", "soared", "jumped"}
    assert voice.move(fact(-25.0)).split(" ")[0] in {"tumbled", "plunged", "sank"}
    assert voice.move(fact(-0.04)) in RULES.moves.flat.past


def writer_with(tmp_path: Path, template: str) -> ArticleWriter:
    (tmp_path / "story.md.j2").write_text(template)
    return ArticleWriter(tmp_path, RULES, {"publication": "Test Desk"})


def render(writer: ArticleWriter, context: dict, slug: str = "a-story"):
    return writer.render(
        kind="story", slug=slug, date=DAY, tickers=["T"], sources=[], scores=[], context=context
    )


def test_missing_value_names_template_line_and_variable(tmp_path):
    writer = writer_with(tmp_path, "# Title\n\nfirst line\n{{ move_1y|move }}\n")
    with pytest.raises(RenderError, match=r"story\.md\.j2, line 4: 'move_1y' is undefined"):
        render(writer, {})


def test_templates_run_in_a_sandbox(tmp_path):
    writer = writer_with(tmp_path, "# Title\n\n{{ fact.__class__.__mro__ }}\n")
    with pytest.raises(RenderError, match=r"story\.md\.j2"):
        render(writer, {"fact": fact(1.0)})


@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), ["a", "list"], {"a": 1}])
def test_unknown_values_never_reach_the_text(tmp_path, value):
    writer = writer_with(tmp_path, "# Title\n\nfirst line\nValue: {{ value }}\n")
    with pytest.raises(RenderError, match=r"story\.md\.j2, line 4: prints .*not known or not text"):
        render(writer, {"value": value})


@pytest.mark.parametrize(
    "text",
    [
        "None of the analysts expected the recall",
        "Helix {{ Holdings }} {% raw %}",
        "Infinity Pharmaceuticals and the NaN Group",
    ],
)
def test_text_from_data_is_printed_as_it_is(tmp_path, text):
    writer = writer_with(tmp_path, "# {{ name }}\n\nA headline: {{ name }}.\n")
    article = render(writer, {"name": text})
    assert article.front_matter.title == text
    assert article.body == f"# {text}\n\nA headline: {text}.\n"


def test_bare_numbers_cannot_be_printed_through_figure_filters(tmp_path):
    writer = writer_with(tmp_path, "# Title\n\nIt rose {{ value|fig }}.\n")
    with pytest.raises(RenderError, match=r"story\.md\.j2, line 3: expected a fact, got float 3.2"):
        render(writer, {"value": 3.2})


def test_sidecar_facts_are_exactly_the_facts_printed(tmp_path):
    writer = writer_with(
        tmp_path, "# Title\n\nShares {{ up|move }}.{% if false %} {{ unused|fig }}{% endif %}\n"
    )
    up, unused = fact(3.2), fact(9.9, fact_id="stock:T:return:1Y")
    article = render(writer, {"up": up, "unused": unused})
    assert [f.id for f in article.facts] == [up.id]
    assert article.front_matter.title == "Title"


def test_variation_is_reproducible_and_differs_between_articles(tmp_path):
    writer = writer_with(tmp_path, "# T\n\n{{ choose('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h') }}\n")
    first = [render(writer, {}, slug=f"story-{i}").body for i in range(12)]
    again = [render(writer, {}, slug=f"story-{i}").body for i in range(12)]
    assert first == again
    assert len(set(first)) > 1


def test_blocks_are_separated_whatever_the_template_whitespace(tmp_path):
    template = (
        "# T\n{% if true %}\nA paragraph.\n{% endif %}\n- one\n- two\n"
        "## Next\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    body = render(writer_with(tmp_path, template), {}).body
    assert body == "# T\n\nA paragraph.\n\n- one\n- two\n\n## Next\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"


# ------------------------------------------------------------------ the verb bands of rules/writing.yaml


def windowed(value: float, days: int | None, measure: Measure | None = Measure.RETURN) -> Fact:
    """A return over `days` calendar days (None: no window)."""
    start = None if days is None else DAY - dt.timedelta(days=days)
    return Fact(
        "stock:T:return:W", value, Unit.PERCENT, apstyle.display(value, Unit.PERCENT), DAY,
        Provenance("s", "w", "f"), measure=measure, start=start, end=DAY,
    )  # fmt: skip


def verbs(move: Fact, tense: str = "past", against: Fact | None = None) -> set[str]:
    """Every verb the band offers, as 40 seeds pick them."""
    return {Voice(RULES, str(seed)).move(move, tense, against).rsplit(" ", 1)[0] for seed in range(40)}


STRONG_UP = {"surged", "soared", "jumped"}
UP = {"climbed", "rose", "advanced"}
GAINED = {"rose", "gained", "added"}
EDGED_UP = {"edged up", "inched up", "ticked up"}
EDGED_DOWN = {"edged down", "eased", "dipped"}
FELL = {"fell", "declined", "retreated"}
DROPPED = {"fell", "dropped", "slid"}
STRONG_DOWN = {"tumbled", "plunged", "sank"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5.1, STRONG_UP), (5.0, UP), (2.1, UP), (2.0, GAINED), (0.6, GAINED), (0.5, EDGED_UP),
        (0.1, EDGED_UP), (-0.1, EDGED_DOWN), (-0.5, FELL), (-2.0, DROPPED), (-2.1, DROPPED),
        (-5.0, STRONG_DOWN), (-4.9, DROPPED),
    ],
)  # fmt: skip
def test_a_day_band_starts_just_above_its_threshold(value, expected):
    """One session (scale 1): a move must be above a band's `above` to take its verbs."""
    assert verbs(windowed(value, 1)) == expected
    assert verbs(windowed(value, None)) == expected  # no window: scale 1


@pytest.mark.parametrize(
    ("value", "days", "expected"),
    [
        (5.5, 4, STRONG_UP),  # up to 4 days (a weekend included): scale 1, so above 5 is strong
        (5.5, 5, UP),  # 5 days is a week: scale 2, strong needs above 10
        (10.1, 10, STRONG_UP),
        (10.1, 11, UP),  # a month: scale 3
        (15.1, 40, STRONG_UP),
        (15.0, 40, UP),
        (25.1, 100, STRONG_UP),
        (25.1, 101, UP),  # six months: scale 6
        (30.1, 200, STRONG_UP),
        (40.1, 400, STRONG_UP),
        (40.0, 400, UP),
        (59.0, 800, UP),  # past a year: 8 x sqrt(800 / 365.25) = 11.84, so strong needs above 59.2
        (59.3, 800, STRONG_UP),
        (79.9, 1461, UP),  # four years: 8 x sqrt(1461 / 365.25) = 16, so strong needs above 80
        (80.1, 1461, STRONG_UP),
    ],
)
def test_longer_windows_need_bigger_moves_for_the_same_verb(value, days, expected):
    assert verbs(windowed(value, days)) == expected


def test_only_changes_are_scaled_by_their_window():
    """A 5.5% distance from a high over a year is not a return: it is read at the day's scale."""
    assert verbs(windowed(5.5, 365, measure=Measure.DISTANCE)) == STRONG_UP
    assert verbs(windowed(5.5, 365, measure=Measure.AVERAGE)) == GAINED  # a group's average: scale 8
    assert verbs(windowed(5.5, 0)) == STRONG_UP  # a window of no days counts as one


def test_a_strong_verb_yields_to_a_comparison_pointing_the_other_way():
    behind = fact(-3.0, Unit.POINTS, "stock:T:relative:1D")
    ahead = fact(3.0, Unit.POINTS, "stock:T:relative:1D")
    assert verbs(windowed(25.0, 1), against=behind) == UP  # it rose, but trailed: not "soared"
    assert verbs(windowed(25.0, 1), against=ahead) == STRONG_UP
    assert verbs(windowed(-25.0, 1), against=ahead) == DROPPED  # it fell, but beat the index
    assert verbs(windowed(-25.0, 1), against=behind) == STRONG_DOWN
    assert verbs(windowed(3.0, 1), against=behind) == UP  # only strong verbs yield
    assert verbs(windowed(25.0, 1), against=fact(0.0, Unit.POINTS)) == STRONG_UP  # a level comparison


def test_tenses_and_flat_moves():
    assert verbs(windowed(25.0, 1), "present") == {"surges", "soars", "jumps"}
    assert verbs(windowed(25.0, 1), "perfect") == {"has surged", "has soared", "has jumped"}
    flat = windowed(0.04, 1)
    assert {Voice(RULES, str(s)).move(flat, "present") for s in range(40)} == {
        "is little changed",
        "holds steady",
    }
    assert Voice(RULES, "x").move(windowed(3.0, 1)).endswith(" 3.0%")
    assert Voice(RULES, "x").move(windowed(-3.0, 1)).endswith(" 3.0%")  # the verb carries the sign


def test_relative_words_by_tense():
    voice = Voice(RULES, "x")
    assert voice.versus(fact(0.04, Unit.POINTS, "a"), "the index", "present") in (
        "roughly matches the index", "keeps pace with the index"
    )  # fmt: skip
    phrase = voice.versus(fact(-1.5, Unit.POINTS, "b"), "the index", "perfect")
    assert phrase in {f"{v} the index by 1.5 percentage points" for v in RULES.relative.behind.perfect}


def test_one_figure_keeps_one_verb_and_a_sentence_does_not_repeat_one():
    voice = Voice(RULES, "seed")
    move = windowed(3.0, 1)
    first = voice.verb(RULES.moves.bands[1].past, move)
    assert all(voice.verb(RULES.moves.bands[1].past, move) == first for _ in range(5))
    # the same verb in another tense, when the fact is told again in a headline
    index = RULES.moves.bands[1].past.index(first)
    assert voice.verb(RULES.moves.bands[1].present, move) == RULES.moves.bands[1].present[index]
    # without a fact: the last three verbs chosen are not chosen again while others remain
    fresh = Voice(RULES, "other")
    options = ["rose", "gained", "added", "climbed"]
    picked = [fresh.verb(options) for _ in range(4)]
    assert len(set(picked)) == 4
    assert fresh.verb(options) == picked[0]  # the only one not among the last three


def test_with_every_option_just_used_the_oldest_is_taken_never_the_last():
    """Three options, three remembered: "climbed to 45 from 40; momentum climbed to 30" must not
    happen; the option used longest ago comes back, so two verbs in a row always differ."""
    voice = Voice(RULES, "seed")
    options = ["rose", "climbed", "improved"]
    picked = [voice.verb(options) for _ in range(9)]
    assert all(a != b for a, b in itertools.pairwise(picked))
    assert picked[3:6] == picked[:3] and picked[6:] == picked[:3]  # oldest first, round and round


def test_lemmas_join_a_verbs_tenses():
    lemmas = load_writing_rules(resource_dir("rules")).lemmas  # built here, not cached from elsewhere
    assert lemmas["has sunk"] == lemmas["sinks"] == lemmas["sank"] == "sank"
    assert lemmas["edges up"] == lemmas["has edged up"] == "edged"
    assert lemmas["keeps pace with"] == "kept" and lemmas["has beaten"] == "beat"


@pytest.mark.parametrize(
    ("display", "shown"),
    [("-3.2%", -3.2), ("$1,204", 1204.0), ("1.5 percentage points", 1.5), ("12.3 million shares", 12.3),
     ("US$5", 5.0), ("US$1,204", 1204.0), ("99th", 99.0), ("0.0%", 0.0), ("0.5%", 0.5)],
)  # fmt: skip
def test_the_displayed_value_is_the_number_a_reader_sees(display, shown):
    move = Fact("f", 123.0, Unit.PERCENT, display, DAY, Provenance("s", "w", "f"))
    assert displayed_value(move) == shown
    assert direction(move) == (shown > 0) - (shown < 0)
    assert magnitude(move) == display.removeprefix("-")


def test_a_display_without_a_number_is_an_error_naming_the_fact():
    with pytest.raises(ValueError, match=r"fact f displays no number: 'seven'"):
        displayed_value(Fact("f", 7.0, Unit.COUNT, "seven", DAY, Provenance("s", "w", "f")))


def test_windows_are_named_or_passed_through():
    assert {Voice(RULES, str(s)).window("1M") for s in range(40)} == set(RULES.windows["1M"])
    assert Voice(RULES, "x").window("since March 3, 2026") == "since March 3, 2026"


def test_the_same_seed_writes_the_same_words_and_another_seed_may_not():
    picks = [
        [Voice(RULES, seed).choose(["a", "b", "c", "d"]) for _ in range(3)] for seed in ("s1", "s1", "s2")
    ]
    assert picks[0] == picks[1]
    assert len({tuple(Voice(RULES, str(s)).choose(list("abcdefgh")) for _ in range(4)) for s in range(5)}) > 1


# ------------------------------------------------------------------ rendering, filter by filter


def first_options(value):
    """The writing rules with only the first alternative of every list: words a test can predict."""
    if isinstance(value, dict):
        return {key: first_options(item) for key, item in value.items()}
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return value[:1]
    if isinstance(value, list):
        return [first_options(item) for item in value]
    return value


PLAIN = type(RULES).model_validate(first_options(RULES.model_dump(mode="json")))


@pytest.mark.parametrize(
    ("score", "move", "against"),
    [
        (40, 60.0, True),  # "jumped 60.0%" beside weak momentum
        (10, 0.1, True),  # poor
        (50, 60.0, False),  # moderate is not below the median
        (80, -12.0, True),  # a fall beside strong momentum
        (60, -12.0, False),
        (20, -12.0, False),  # weak after a fall agrees
        (20, 0.0, False),  # "little changed" is neither
    ],
)
def test_a_band_reads_against_a_move_below_the_median_after_a_gain_or_at_the_top_after_a_fall(
    score, move, against
):
    # rules/scoring.yaml: strong from 75, moderate from 50, weak from 25, poor below
    assert reads_against(score, move, load_scoring_rules(resource_dir("rules"))) is against


def test_a_band_reads_against_a_gain_only_when_it_lies_wholly_below_the_median():
    rules = load_scoring_rules(resource_dir("rules"))
    wide = rules.model_copy(
        update={
            "bands": [Band(min=80, label="strong"), Band(min=40, label="fair"), Band(min=0, label="poor")]
        }
    )
    assert not reads_against(45, 20.0, wide)  # "fair" runs from 40 to 80: not a weak reading
    assert reads_against(39, 20.0, wide)


def test_dates_carry_the_year_only_when_it_is_not_the_articles(tmp_path):
    """AP: "Sept. 5" in a story of Nov. 20, 2026, "Dec. 31, 2025" in it; a template may insist."""
    (tmp_path / "story.md.j2").write_text(
        "# A story\n\n{{ ap_date(same) }}; {{ ap_date(earlier) }}; {{ ap_date(same, year=true) }}\n"
    )
    writer = ArticleWriter(tmp_path, PLAIN, {"publication": "Test Desk"})
    context = {"as_of": dt.date(2026, 11, 20), "same": dt.date(2026, 9, 5), "earlier": dt.date(2025, 12, 31)}
    assert render(writer, context).body == "# A story\n\nSept. 5; Dec. 31, 2025; Sept. 5, 2026\n"
    (tmp_path / "story.md.j2").write_text(
        "# A story\n\nFrom {{ ap_date(earlier, comma=true) }} to {{ ap_date(same) }}; "
        "from {{ ap_date(same, comma=true) }} to {{ ap_date(same) }}; {{ ap_date(earlier, year=false) }}\n"
    )
    writer = ArticleWriter(tmp_path, PLAIN, {"publication": "Test Desk"})
    assert render(writer, context).body == (
        "# A story\n\nFrom Dec. 31, 2025, to Sept. 5; from Sept. 5 to Sept. 5; Dec. 31\n"
    )
    del context["as_of"]  # no article date to compare with: the year is given
    assert render(writer, context).body.endswith("from Sept. 5, 2026, to Sept. 5, 2026; Dec. 31\n")


def test_every_filter_prints_its_fact_and_records_the_claim_of_its_sentence(tmp_path):
    (tmp_path / "story.md.j2").write_text(
        "{# the headline #}\n"
        "# {{ name|upfirst }} {{ day|move('present') }}\n"
        "{% if day|sign > 0 %}\n"
        "{{ name|upfirst }} {{ day|move }} and {{ rel|versus('the index') }}. Volume was {{ vol|fig }}.\n"
        "{% endif %}\n"
        "- {{ count|numeral }} of its peers **fell**, the worst {{ low|size }}\n"
        "- {{ lead|ranked('the biggest gain') }} in the group\n"
        "> {{ window('1M') }}, {{ choose('only this') }}\n"
        "> {{ ap_date(when) }}; {{ join(['a', 'b', 'c']) }}; {{ plural(1, 'stock', 'stocks') }}\n"
        "  {% if true %}Indented tags leave no space.{% endif %}\n"
    )
    writer = ArticleWriter(tmp_path, PLAIN, {"publication": "Test Desk"})
    day = windowed(3.2, 1)
    rel = fact(-1.5, Unit.POINTS, "stock:T:relative:1D")
    vol = fact(1.25e6, Unit.SHARES, "stock:T:volume")
    count = fact(12, Unit.COUNT, "group:count")
    low = fact(-7.5, Unit.PERCENT, "stock:U:return:1D")
    lead = Ranking(day, "first", among=(day, low), left_out=(rel,))
    article = render(
        writer,
        {"name": "helix", "day": day, "rel": rel, "vol": vol, "count": count, "low": low, "lead": lead,
         "when": dt.date(2026, 9, 5)},
    )  # fmt: skip
    assert article.body == (
        "# Helix climbs 3.2%\n\n"
        "Helix climbed 3.2% and trailed the index by 1.5 percentage points. "
        "Volume was 1.2 million shares.\n\n"
        "- 12 of its peers **fell**, the worst 7.5%\n"
        "- the biggest gain in the group\n\n"
        "> over the past month, only this\n"
        "> Sept. 5, 2026; a, b and c; stock\n\n"
        "Indented tags leave no space.\n"
    )
    assert article.front_matter.title == "Helix climbs 3.2%"
    assert [f.id for f in article.facts] == [day.id, rel.id, vol.id, count.id, low.id]
    claims = [(c.predicate, c.facts, c.text, c.sentence) for c in article.claims]
    both = "Helix climbed 3.2% and trailed the index by 1.5 percentage points."
    assert claims == [
        ("rose", (day.id,), "climbs 3.2%", "Helix climbs 3.2%"),
        ("rose", (day.id,), "climbed 3.2%", both),
        ("underperformed", (rel.id,), "trailed the index by 1.5 percentage points", both),
        ("states", (vol.id,), "1.2 million shares", "Volume was 1.2 million shares."),
        ("states", (count.id,), "12", "12 of its peers fell, the worst 7.5%"),
        ("states", (low.id,), "7.5%", "12 of its peers fell, the worst 7.5%"),
        ("ranks_first", (day.id,), "the biggest gain", "the biggest gain in the group"),
    ]  # fmt: skip
    ranking = article.claims[-1]
    assert ranking.among == (day.id, low.id) and ranking.left_out == (rel.id,)
    assert article.claims[0].subject == ""  # facts without a subject make claims without one


def test_a_claim_takes_its_facts_subject(tmp_path):
    (tmp_path / "story.md.j2").write_text("# T\n\nIt {{ day|move }}.\n")
    day = Fact(
        "stock:HLXM:return:1D", -2.5, Unit.PERCENT, "-2.5%", DAY, Provenance("s", "w", "f"), subject="HLXM"
    )
    article = render(ArticleWriter(tmp_path, PLAIN, {}), {"day": day})
    assert article.body == "# T\n\nIt fell 2.5%.\n"
    [claim] = article.claims
    assert (claim.subject, claim.predicate, claim.sentence) == ("HLXM", "fell", "It fell 2.5%.")


def test_a_flat_move_and_a_level_comparison_make_their_own_claims(tmp_path):
    (tmp_path / "story.md.j2").write_text("# T\n\nIt {{ day|move }} and {{ rel|versus('its peers') }}.\n")
    day, rel = windowed(0.04, 1), fact(0.02, Unit.POINTS, "stock:T:relative:1D")
    article = render(ArticleWriter(tmp_path, PLAIN, {}), {"day": day, "rel": rel})
    assert article.body == "# T\n\nIt barely moved and roughly matched its peers.\n"
    assert [c.predicate for c in article.claims] == ["unchanged", "matched"]


def test_the_score_sentence_records_the_figures_it_states(tmp_path):
    (tmp_path / "story.md.j2").write_text("# T\n\n{{ score|summary(facts) }}\n\n{{ score|summary({}) }}\n")
    index = [f"T{i}" for i in range(10)]
    rules = load_scoring_rules(resource_dir("rules"))
    metrics = pd.DataFrame(
        {m: np.arange(10.0) for m in ("relative_return_6m", "roe", "earnings_yield")}, index=index
    )
    alpha = AlphaScores(score_table(metrics, pd.Series("S", index=index), rules), rules)["T9"]
    facts = ScoreFacts(alpha, DAY, rules, DAY)
    article = render(ArticleWriter(tmp_path, PLAIN, {}), {"score": alpha, "facts": facts})
    assert article.body == f"# T\n\n{alpha.summary}\n\n{alpha.summary}\n"
    [claim] = article.claims  # the second sentence has no facts to record
    assert claim.facts == tuple(f"score:T9:{k}" for k in ("alpha", "available", "total", "cap")) + tuple(
        f"score:T9:signal.{name}" for name in ("momentum", "value", "quality")
    )


@pytest.mark.parametrize(
    ("scored", "names", "sentence"),
    [
        (3, "momentum, value and quality", "Momentum, value and quality all score 34."),
        (2, "value and quality", "Value and quality both score 34."),
    ],
)
def test_signals_that_all_score_the_same_are_not_ranked(tmp_path, scored, names, sentence):
    """An S&P brief once read 'Momentum, value and quality are the strongest of its signals, at 34,
    and momentum, value and quality the weakest, at 34.' When every scored signal ties, the brief's
    sentence (templates/alpha_brief/parts.md.j2) says so, and ranks nothing."""
    templates = tmp_path / "templates"
    shutil.copytree(resource_dir("templates"), templates)
    (templates / "story.md.j2").write_text(
        "# T\n\n{% from 'alpha_brief/parts.md.j2' import best_and_worst with context %}"
        "{{ best_and_worst() }}\n"
    )
    score = fact(34.0, Unit.SCORE, "score:T:signal.value")
    context = {
        "best": {"name": names.split(", ")[0].split(" and ")[0], "score": score},
        "best_rank": None,
        "worst_rank": None,
        "best_many": True,
        "best_names": names,
        "signals": [{"missing": i >= scored} for i in range(4)],
    }
    article = render(ArticleWriter(templates, PLAIN, {}), context)
    assert article.body == f"# T\n\n{sentence}\n"
    assert [f.id for f in article.facts] == ["score:T:signal.value"]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("# T\n\n{% for x in %}\n", r"story\.md\.j2, line 3: Expected an expression"),
        ("# T\n\n{{ 1 + 'a' }}\n", r"story\.md\.j2, line 3: TypeError"),
        ("# T\n\n{{ lead|ranked('x') }}\n", r"ranked needs a ranking, got float"),
        ("No headline\n", r"story\.md\.j2: the article must start with a '# ' headline"),
        ("#Tight\n", r"must start with a '# ' headline"),
    ],
)
def test_template_mistakes_name_the_template(tmp_path, template, message):
    with pytest.raises(RenderError, match=message):
        render(writer_with(tmp_path, template), {"lead": 1.5})


def test_a_missing_template_is_named(tmp_path):
    with pytest.raises(RenderError, match=rf"{re.escape(str(tmp_path / 'story.md.j2'))}: template not found"):
        render(ArticleWriter(tmp_path, PLAIN, {}), {})


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "None"), (float("nan"), "nan"), (float("inf"), "inf"), (["a"], "['a']"), ({"k": 1}, "{'k': 1}")],
)
def test_a_value_that_is_not_known_or_not_text_is_never_printed(tmp_path, value, shown):
    writer = writer_with(tmp_path, "# Title\n\nIt closed at {{ lead }}.\n")
    with pytest.raises(RenderError, match=rf"story\.md\.j2, line 3: prints {re.escape(shown)}"):
        render(writer, {"lead": value})


@pytest.mark.parametrize("text", ["None of the analysts moved", "Vault {{ Inc", "Infinity Corp", "nan"])
def test_text_from_the_data_is_printed_as_it_is(tmp_path, text):
    """A headline that begins "None" or a name holding "{{" is what the source says, not a leak."""
    article = render(writer_with(tmp_path, "# Title\n\nIt said: {{ lead }}.\n"), {"lead": text})
    assert article.body == f"# Title\n\nIt said: {text}.\n"


def test_the_sandboxs_fast_path_is_only_for_keys_a_dict_has(tmp_path):
    (tmp_path / "story.md.j2").write_text(
        "# {{ story.name }} {{ story.keys is defined }}\n\n{{ story.missing }}\n"
    )
    with pytest.raises(RenderError, match="missing"):
        render(ArticleWriter(tmp_path, PLAIN, {}), {"story": {"name": "N"}})
    (tmp_path / "other.md.j2").write_text("# {{ story.name }} {{ story.items()|list|length }}\n")
    article = ArticleWriter(tmp_path, PLAIN, {}).render(
        kind="other", slug="s", date=DAY, tickers=[], sources=[], scores=[], context={"story": {"name": "N"}}
    )
    assert article.body == "# N 1\n"


def test_a_figure_told_twice_keeps_its_words_flat_or_not():
    for seed in range(20):
        voice = Voice(RULES, str(seed))
        up, flat = windowed(3.0, 1), windowed(0.04, 1)
        assert voice.move(up) == voice.move(up)
        assert voice.move(flat) == voice.move(flat)
        gap = fact(-1.5, Unit.POINTS, "stock:T:relative:1D")
        assert voice.versus(gap, "the index") == voice.versus(gap, "the index")


def test_a_verb_is_not_repeated_in_another_tense():
    """After "sank" (any tense of it), the next choice among the strong falls is another verb."""
    for seed in range(20):
        voice = Voice(RULES, str(seed))
        first = voice.verb(["has sunk"])
        assert first == "has sunk"
        assert voice.verb(["sank", "tumbled"]) == "tumbled"
        assert voice.verb(["sinks", "plunges"]) == "plunges"  # "sinks" is "sank" again


def test_writing_rules_load_from_their_file_and_name_it_on_a_mistake(tmp_path):
    rules = load_writing_rules(resource_dir("rules"))
    assert rules.movers_per_side == RULES.movers_per_side and rules.moves.scales[0].days == 4
    (tmp_path / "writing.yaml").write_text((resource_dir("rules") / "writing.yaml").read_text().replace(
        "movers_per_side: 5", "movers_per_side: 0"
    ))  # fmt: skip
    with pytest.raises(ConfigError, match=r"writing\.yaml: key 'movers_per_side'"):
        load_writing_rules(tmp_path)


def test_template_settings_signs_escaping_and_block_tags(tmp_path):
    """No HTML escaping (markdown is not HTML), block tags take their newline with them, an
    indented tag leaves no indent, and `sign` reads the figure as displayed."""
    (tmp_path / "story.md.j2").write_text(
        "# {{ name }} {{ up|sign }} {{ flat|sign }} {{ down|sign }} ({{ publication }})\n\n"
        "A{% if true %}\nB{% endif %}\n\n{{ up.display }}\n"
    )
    article = render(
        ArticleWriter(tmp_path, PLAIN, {"publication": "Test Desk"}),
        {"name": "AT&T <b>", "up": windowed(1.0, 1), "flat": windowed(-0.04, 1), "down": windowed(-2.0, 1)},
    )
    assert article.body == "# AT&T <b> 1 0 -1 (Test Desk)\n\nAB\n\n1.0%\n"
    assert article.claims == [] and article.facts == []  # nothing went through a figure filter


def test_claims_that_rank_nothing_compare_nothing(tmp_path):
    (tmp_path / "story.md.j2").write_text("# T\n\nIt {{ day|move }}.\n")
    [claim] = render(ArticleWriter(tmp_path, PLAIN, {}), {"day": windowed(3.0, 1)}).claims
    assert (claim.among, claim.left_out) == ((), ())


def score(value: float, fact_id: str = "score:T:alpha") -> Fact:
    return fact(value, Unit.SCORE, fact_id)


@pytest.mark.parametrize(
    ("now", "before", "told"),
    [
        (57, 56, {"edged up to 57 from 56", "ticked up to 57 from 56"}),  # one point: slight
        (58, 56, {"edged up to 58 from 56", "ticked up to 58 from 56"}),  # two: still slight
        (59, 56, {"rose to 59 from 56", "climbed to 59 from 56", "improved to 59 from 56"}),  # three
        (54, 56, {"edged down to 54 from 56", "ticked down to 54 from 56"}),
        (55, 65, {"fell to 55 from 65", "slipped to 55 from 65", "dropped to 55 from 65"}),
        (72, 72, {"held at 72", "stayed at 72"}),
    ],
)
def test_a_score_change_is_told_with_a_verb_its_size_bears(now, before, told):
    """rules/writing.yaml: score changes of `slight_points` (2) or fewer take the slight verbs."""
    for seed in range(12):
        phrase = Voice(RULES, str(seed)).change(
            score(now - before, "score:T:alpha:change"), score(now), score(before, "score:T:alpha:previous")
        )
        assert phrase in told, (seed, phrase)


def rules_with(**changes) -> WritingRules:
    """The bundled writing rules with some sections replaced (lemmas are built afresh)."""
    return WritingRules.model_validate({**RULES.model_dump(), **changes})


def test_verbs_outside_the_rules_rotate_like_verbs_in_them():
    """A phrase the rules do not list is its own lemma: four options never repeat within four
    choices, and three options, all just used, come back oldest first."""
    voice = Voice(RULES, "seed")
    picked = [voice.verb(["zigged", "zagged", "zoomed", "zipped"]) for _ in range(12)]
    assert all(len(set(picked[i : i + 4])) == 4 for i in range(9))
    three = [voice.verb(["zig", "zag", "zoom"]) for _ in range(9)]
    assert len(set(three[:3])) == 3 and three[3:6] == three[:3] and three[6:] == three[:3]
    perfect = RULES.moves.bands[1].perfect  # phrases whose lemma is another word ("has risen": "rose")
    cycle = [voice.verb(perfect) for _ in range(6)]
    assert len(set(cycle[:3])) == 3 and cycle[3:] == cycle[:3]


def test_a_fact_keeps_a_verb_the_rules_do_not_list_and_it_counts_as_just_used():
    for seed in range(10):
        voice = Voice(RULES, str(seed))
        move = windowed(3.0, 1)
        options = ["zigged", "zagged", "zoomed", "zipped"]
        first = voice.verb(options, move)
        assert [voice.verb(options, move) for _ in range(3)] == [first] * 3
        others = [voice.verb(options), voice.verb(options)]
        assert voice.verb(options, move) == first  # told again: now among the last three chosen
        (left,) = set(options) - {first, *others}
        assert voice.verb(options) == left


def test_a_score_change_and_a_level_comparison_keep_their_verbs():
    for seed in range(10):
        voice = Voice(RULES, str(seed))
        current, previous = fact(58, Unit.SCORE, "score:T:alpha"), fact(58, Unit.SCORE, "score:T:previous")
        held = fact(0, Unit.SCORE, "score:T:change")
        assert voice.change(held, current, previous) == voice.change(held, current, previous)
        up = fact(14, Unit.SCORE, "score:T:change:up")
        assert voice.change(up, current, previous) == voice.change(up, current, previous)
        level = fact(0.0, Unit.POINTS, "stock:T:relative:1D")
        assert voice.versus(level, "the index") == voice.versus(level, "the index")


def test_with_no_slight_points_a_one_point_rise_is_a_rise():
    voice = Voice(rules_with(score_changes={**RULES.score_changes.model_dump(), "slight_points": 0}), "s")
    phrase = voice.change(fact(1, Unit.SCORE, "score:T:change"), fact(58, Unit.SCORE), fact(57, Unit.SCORE))
    assert phrase.split(" to ")[0] in RULES.score_changes.up.past


def test_a_window_is_at_least_one_day():
    assert [window_days(windowed(3.0, days)) for days in (0, 1, 7)] == [1, 1, 7]


def test_a_restored_voice_chooses_as_it_would_have_from_the_snapshot():
    voice = Voice(RULES, "seed")
    move, other, third = (
        fact(3.0),
        fact(-3.0, fact_id="stock:U:return:1D"),
        fact(7.0, fact_id="stock:V:return:1D"),
    )
    told = voice.move(move)
    state = voice.snapshot()
    options = ["zigged", "zagged", "zoomed", "zipped"]
    after = [voice.move(other), *(voice.verb(options) for _ in range(6)), voice.move(move)]
    voice.move(third)
    voice.restore(state)
    assert [voice.move(other), *(voice.verb(options) for _ in range(6)), voice.move(move)] == after
    assert after[-1] == told


def test_lemmas_of_tenses_listed_unevenly_and_of_auxiliaries_alone():
    """A present tense with fewer alternatives than the past leaves the rest without one; a phrase
    made only of auxiliaries ("was") is its own verb."""
    flat = {"past": ["was", "held steady"], "present": ["is"], "perfect": ["has been"]}
    lemmas = rules_with(moves={**RULES.moves.model_dump(), "flat": flat}).lemmas
    assert (lemmas["was"], lemmas["is"], lemmas["has been"], lemmas["held steady"]) == (
        "was",
        "was",
        "was",
        "held",
    )


@pytest.mark.parametrize(
    ("display", "shown"), [("-$1,204", -1204.0), ("-$4.8 billion", -4.8), ("-65 cents", -65.0)]
)
def test_a_negative_amount_of_money_displays_a_negative_value(display, shown):
    assert displayed_value(Fact("f", 1.0, Unit.USD, display, DAY, Provenance("s", "w", "f"))) == shown


def headline_template(visible: int) -> str:
    """A story whose first headline form shows exactly `visible` characters, with three figures
    (each carrying a claim mark while rendering), then a short form."""
    first = "Shares {{ a|fig }} {{ b|fig }} {{ c|fig }} "  # "Shares 3.2% 4.1% 5.0% ": 22 characters
    return (
        f"{{% macro long() %}}{first}{'x' * (visible - 22)}{{% endmacro %}}"
        "{% macro short() %}Short{% endmacro %}"
        "# {{ fit(long, short) }}\n\nBody.\n"
    )


def test_a_headline_is_measured_as_the_reader_sees_it_and_a_form_not_used_leaves_nothing(tmp_path):
    figures = {"a": fact(3.2), "b": fact(4.1, fact_id="stock:U:return:1D"), "c": fact(5.0, fact_id="x")}
    limit = RULES.headline_max_chars
    fits = render(writer_with(tmp_path, headline_template(limit)), figures)
    assert fits.front_matter.title == "Shares 3.2% 4.1% 5.0% " + "x" * (limit - 22)
    assert [f.id for f in fits.facts] == ["stock:T:return:1D", "stock:U:return:1D", "x"]
    too_long = render(writer_with(tmp_path, headline_template(limit + 1)), figures)
    assert too_long.front_matter.title == "Short"
    assert too_long.facts == [] and too_long.claims == []


def test_an_article_takes_at_most_the_claims_it_can_mark(tmp_path):
    from generator.writing import render as rendering

    writer = writer_with(tmp_path, "# T\n\n{% for f in facts %}{{ f|fig }} {% endfor %}\n")
    many = [fact(1.0, fact_id=f"f{n}") for n in range(rendering._MAX_CLAIMS)]
    assert len(render(writer, {"facts": many}).claims) == rendering._MAX_CLAIMS
    with pytest.raises(RenderError, match=f"more than {rendering._MAX_CLAIMS} figures in one article"):
        render(writer, {"facts": [*many, fact(1.0, fact_id="one-more")]})


def test_each_claim_gets_the_sentence_it_sits_in(tmp_path):
    template = (
        "# T\n\n{{ a|fig }} opened the day. Then {{ b|fig }} came. {{ c|fig }} was the gain."
        "{{ ranking|ranked('') }}\n\n- Xylem added {{ a|fig }}.\n{% set quiet = b|fig %}\n"
    )
    a, b, c = fact(3.2), fact(4.1, fact_id="stock:U:return:1D"), fact(5.0, fact_id="x")
    article = render(
        writer_with(tmp_path, template), {"a": a, "b": b, "c": c, "ranking": Ranking(c, "first", (a,))}
    )
    line = "3.2% opened the day. Then 4.1% came. 5.0% was the gain."
    assert [claim.sentence for claim in article.claims] == [
        "3.2% opened the day.",
        "Then 4.1% came.",
        "5.0% was the gain.",
        line,  # a mark at the very end of a line belongs to no sentence: the whole line
        "Xylem added 3.2%.",  # the list marker goes, the X of Xylem stays
        "",  # a claim whose text is never printed has no sentence
    ]


def test_tidy_trims_line_ends_collapses_blank_lines_and_keeps_nested_lists_together(tmp_path):
    template = "# T\n\nA paragraph.   \n\n\n\nAnother.\n- one\n  - nested\n- two\n"
    article = render(writer_with(tmp_path, template), {})
    assert article.body == "# T\n\nA paragraph.\n\nAnother.\n\n- one\n  - nested\n- two\n"


def test_an_included_partial_ends_its_own_line(tmp_path):
    (tmp_path / "partial.md.j2").write_text("From the partial.\n")
    writer = writer_with(tmp_path, "# T\n\n{% include 'partial.md.j2' %}After it.\n")
    assert render(writer, {}).body == "# T\n\nFrom the partial.\n\nAfter it.\n"


def test_filters_and_globals_a_template_can_use(tmp_path):
    from generator.writing.changes import Change

    template = (
        "# T\n\n{{ 'Helix Microdevices'|possessive }} {{ streak|nth }} gain; its score {{ score|change }}.\n"
    )
    change = Change(
        name="alpha", current=fact(58, Unit.SCORE, "score:T:alpha"),
        previous=fact(58, Unit.SCORE, "score:T:previous"), change=fact(0, Unit.SCORE, "score:T:change"),
    )  # fmt: skip
    body = render(
        writer_with(tmp_path, template), {"streak": fact(8, Unit.COUNT, "streak"), "score": change}
    ).body
    assert re.fullmatch(r"# T\n\nHelix Microdevices' eighth gain; its score (held|stayed) at 58\.\n", body)


def score_change():
    from generator.writing.changes import Change

    return Change(
        name="alpha", current=fact(58, Unit.SCORE, "score:T:alpha"),
        previous=fact(51, Unit.SCORE, "score:T:previous"), change=fact(7, Unit.SCORE, "score:T:change"),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("expression", "context", "error"),
    [
        ("score.name", {"score": score_change}, None),  # a record's field
        ("story.items", {"story": lambda: {"items": "three items"}}, None),  # a key wins over a dict method
        ("score.missing", {"score": score_change}, r"Change object' has no attribute 'missing'"),
        ("score.__class__", {"score": score_change}, r"__class__"),  # underscores take the checked path
        ("'{0.__class__}'.format(score)", {"score": score_change}, r"access to attribute '__class__'"),
    ],
)
def test_the_sandbox_reads_records_and_dicts_directly_and_nothing_else(tmp_path, expression, context, error):
    writer = writer_with(tmp_path, f"# T\n\n{{{{ {expression} }}}}\n")
    variables = {name: make() for name, make in context.items()}
    if error is None:
        assert render(writer, variables).body.split("\n")[2] in ("alpha", "three items")
        return
    with pytest.raises(RenderError, match=error):
        render(writer, variables)


def test_a_fragment_by_name_from_a_record_and_errors_outside_any_template_file(tmp_path):
    writer = writer_with(tmp_path, "# {{ name }} {{ change|fig }}\n")
    body, facts, _ = writer.fragment("story", score_change(), seed="s")
    assert body == "# alpha 7\n"
    assert [f.id for f in facts] == ["score:T:change"]
    loose = writer.env.from_string("{{ value|fig }}")
    with pytest.raises(RenderError, match=rf"^{re.escape(str(tmp_path / '?'))}: expected a fact"):
        writer.fragment(loose, {"value": 3.2}, seed="s")
    with pytest.raises(RenderError, match=rf"^{re.escape(str(tmp_path / '?'))}: TypeError: "):
        writer.fragment(writer.env.from_string("{{ 1 + 'a' }}"), {}, seed="s")


def test_the_article_record_carries_what_it_was_given(tmp_path):
    from generator.models import Chart, SourceRef

    writer = writer_with(tmp_path, "# T\n\nShares {{ a|fig }}.\n")
    stated, plotted = fact(3.2), fact(9.9, fact_id="stock:T:close:chart")
    sources = [SourceRef(id="release", title="Release", path="sources/release.txt")]
    chart = Chart(
        file="moves.svg", kind="bar", title="Moves", alt="Bar chart of moves.", unit=Unit.PERCENT,
        series=[], digest="0" * 64,
    )  # fmt: skip
    article = writer.render(
        kind="story", slug="s", date=DAY, tickers=["T", "U"], sources=sources, scores=[],
        context={"a": stated}, charts=[chart], chart_facts=[stated, plotted],
    )  # fmt: skip
    assert article.front_matter.tickers == ["T", "U"] and article.front_matter.sources == sources
    assert article.charts == [chart]
    assert [f.id for f in article.facts] == [stated.id, plotted.id]  # each once, stated first
