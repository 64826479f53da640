"""Verbs agree with displayed figures; templates fail loudly and safely; output varies reproducibly."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import apstyle
from generator.errors import RenderError
from generator.models import Fact, Provenance, Unit
from generator.resources import resource_dir
from generator.writing.phrasing import Voice, displayed_value, load_writing_rules
from generator.writing.render import ArticleWriter

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
