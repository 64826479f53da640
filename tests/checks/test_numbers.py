"""Figure tracing (numbers.*) in detail: the display path and the value path, each on its own.

Each expected trace is worked out by hand from the fact list below: a figure traces to the facts
whose display shows it, and only when none does, to those whose value it shows at its precision
(half a unit of its last digit either way), ignoring signs.
"""

from __future__ import annotations

import datetime as dt

import pytest

from generator.checks import load_rules
from generator.checks.numbers import FactIndex, parse_figures
from generator.models import Fact, Provenance, Unit

SETTINGS = load_rules().settings["numbers"]


def fact(fact_id: str, value: float, unit: Unit, display: str) -> Fact:
    provenance = Provenance(series="test", window="snapshot", formula="given")
    return Fact(fact_id, value, unit, display, dt.date(2026, 11, 20), provenance)


FACTS = [
    fact("return", 4.83, Unit.PERCENT, "4.8%"),
    fact("index", -3.2, Unit.PERCENT, "-3.2%"),
    fact("low", 10.0, Unit.USD, "$10"),
    fact("close", 10.23, Unit.USD, "$10.23"),
    fact("revenue", 4.8e9, Unit.USD, "$4.8 billion"),
    fact("dividend", 0.65, Unit.USD, "65 cents"),
    fact("spread", 1.5, Unit.POINTS, "1.5 percentage points"),
    fact("rank", 85.0, Unit.PERCENTILE, "85th"),
    fact("pe", 16.84, Unit.RATIO, "16.8"),
    fact("members", 30, Unit.COUNT, "30"),
    fact("day", dt.date(2026, 11, 20).toordinal(), Unit.DATE, "Nov. 20, 2026"),
]
INDEX = FactIndex(FACTS, SETTINGS)


def traced(text: str) -> list[str]:
    [figure] = list(parse_figures(text, SETTINGS))
    return [f.id for f in INDEX.trace(figure)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.8%", ["return"]),  # its display
        ("4.83%", ["return"]),  # its value at two decimals: 4.825 to 4.835
        ("5%", ["return"]),  # at no decimals: 4.5 to 5.5
        ("4.9%", []),  # 4.85 to 4.95 leaves 4.83 out: the tolerance is half a unit, no more
        ("4.7%", []),
        ("4.84%", []),  # 4.835 to 4.845: just above the value
        ("3.2%", ["index"]),  # the sign is the words' business (claims.direction), not the figure's
        ("3%", ["index"]),  # by value: |-3.2| is within 2.5 to 3.5
        ("-3%", ["index"]),
        ("4%", []),  # 3.5 to 4.5 holds neither 4.83 nor 3.2
    ],
)
def test_a_percentage_traces_by_display_then_by_value_at_its_precision(text, expected):
    assert traced(text) == expected


def test_a_display_match_wins_over_a_value_that_rounds_to_it():
    """ "$10" is the low displayed "$10", not also the close of $10.23 that rounds to it."""
    assert traced("$10") == ["low"]
    assert traced("$10.23") == ["close"]
    assert traced("$10.2") == ["close"]  # no display shows $10.2: by value, 10.15 to 10.25
    assert traced("$10.0") == ["low"]  # "$10.0" is the display's figure too (same magnitude)


def test_money_scales_and_cents():
    assert traced("$4.8 billion") == ["revenue"]
    assert traced("$5 billion") == ["revenue"]  # by value: 4.5 to 5.5 billion
    assert traced("$4.9 billion") == []
    assert traced("4.8 billion dollars") == ["revenue"]
    assert traced("65 cents") == ["dividend"]
    assert traced("$0.65") == ["dividend"]
    assert traced("66 cents") == []


def test_each_kind_traces_only_to_the_units_it_may_be():
    assert traced("1.5 percentage points") == ["spread"]
    assert traced("150 basis points") == ["spread"]  # 150 bps is 1.5 points
    assert traced("1.5%") == ["spread"]  # numbers.yaml: a percent figure may be a points fact ...
    assert traced("4.8 percentage points") == []  # ... but points are never a plain percentage
    assert traced("85th percentile") == ["rank"]
    assert traced("16.8x") == ["pe"]
    assert traced("16.8 times") == ["pe"]
    assert traced("30 stocks") == ["members"]
    assert traced("30%") == []  # nor is a count a percentage


def test_dates_are_never_facts_a_figure_traces_to():
    figure = next(iter(parse_figures(f"{dt.date(2026, 11, 20).toordinal()} stocks", SETTINGS)))
    assert INDEX.trace(figure) == []


def test_facts_come_back_in_sidecar_order():
    index = FactIndex(
        [fact("b", 2.04, Unit.PERCENT, "2.0%"), fact("a", 1.96, Unit.PERCENT, "2.0%")], SETTINGS
    )
    [figure] = list(parse_figures("2%", SETTINGS))
    assert [f.id for f in index.trace(figure)] == ["b", "a"]


@pytest.mark.parametrize(
    ("text", "kind", "number", "decimals", "scale"),
    [
        ("3.2%", "percent", 3.2, 1, 1.0),
        ("1,234.5 percent", "percent", 1234.5, 1, 1.0),
        ("150 bps", "points", 150.0, 0, 0.01),
        ("2 percentage points", "points", 2.0, 0, 1.0),
        ("$4.8 billion", "money", 4.8, 1, 1e9),
        ("$12.3 million", "money", 12.3, 1, 1e6),
        ("$12", "money", 12.0, 0, 1.0),
        ("65 cents", "money", 65.0, 0, 0.01),
        ("16.8x", "multiple", 16.8, 1, 1.0),
        ("85th percentile", "percentile", 85.0, 0, 1.0),
        ("1.2 million shares", "count", 1.2, 1, 1e6),
        ("Alpha Score of 72", "score", 72.0, 0, 1.0),
        ("72/100", "score", 72.0, 0, 1.0),
    ],
)
def test_figures_are_parsed_with_their_kind_precision_and_scale(text, kind, number, decimals, scale):
    [figure] = list(parse_figures(text, SETTINGS))
    assert (figure.kind, figure.number, figure.decimals, figure.scale) == (kind, number, decimals, scale)
    assert figure.text == text


def test_numbers_without_a_unit_are_not_figures():
    assert list(parse_figures("In 2026, Q3 and table 2; the 3M Company", SETTINGS)) == []


def test_the_edges_of_a_figures_precision_are_inclusive_whatever_the_float_noise():
    """0.2% covers 0.15 to 0.25: 0.2 - 0.05 is 0.15000000000000002 in floats, yet 0.15 traces; and
    3.4% covers 3.35 to 3.45, so 3.446 does, at one decimal (half a unit is 0.05, not less)."""
    index = FactIndex(
        [
            fact("edge", 0.15, Unit.PERCENT, "0.15%"),
            fact("near", 3.446, Unit.PERCENT, "3.45%"),
            fact("cap", 1.5e8, Unit.USD, "$150 million"),
        ],
        SETTINGS,
    )

    def ids(text):
        [figure] = list(parse_figures(text, SETTINGS))
        return [f.id for f in index.trace(figure)]

    assert ids("0.2%") == ["edge"]
    assert ids("3.4%") == ["near"]
    assert ids("3.5%") == []  # 3.45 to 3.55 leaves 3.446 out
    assert ids("3.6%") == []
    assert ids("$0.2 billion") == ["cap"]  # 150,000,000.00000003 is 150 million
    assert ids("$0.1 billion") == ["cap"]  # 0.05 to 0.15 billion
    assert ids("$0.3 billion") == []


def test_displays_without_unit_words_and_dates_first():
    """A count displayed "1,204" or "seven" has no unit word to parse; a date fact listed first
    does not stop the facts after it from being indexed."""
    index = FactIndex(
        [
            fact("day", dt.date(2026, 11, 20).toordinal(), Unit.DATE, "Nov. 20, 2026"),
            fact("many", 1204, Unit.COUNT, "1,204"),
            fact("few", 7, Unit.COUNT, "seven"),
        ],
        SETTINGS,
    )

    def ids(text):
        [figure] = list(parse_figures(text, SETTINGS))
        return [f.id for f in index.trace(figure)]

    assert ids("1,204 stocks") == ["many"]
    assert ids("7 stocks") == ["few"]
    assert ids("8 stocks") == []


def test_a_figure_shown_by_several_values_traces_to_each_in_article_order():
    """4.8% displayed by neither: by value (4.75 to 4.85) it is both facts, listed as the article
    lists them, not by size."""
    facts = [fact("later", 4.84, Unit.PERCENT, "4.84%"), fact("earlier", 4.76, Unit.PERCENT, "4.76%")]
    [figure] = list(parse_figures("4.8%", SETTINGS))
    assert [f.id for f in FactIndex(facts, SETTINGS).trace(figure)] == ["later", "earlier"]
    shown = [fact("b", 4.8, Unit.PERCENT, "4.8%"), fact("a", 4.8, Unit.PERCENTILE, "4.8%")]
    assert [f.id for f in FactIndex(shown, SETTINGS).trace(figure)] == ["b"]  # a percent is no percentile


def test_displays_without_unit_words_are_indexed_by_their_leading_number():
    facts = [fact("members", 1204, Unit.COUNT, "1,204"), fact("words", 7, Unit.COUNT, "seven")]
    index = FactIndex(facts, SETTINGS)
    [figure] = list(parse_figures("1,204 shares", SETTINGS))
    assert [f.id for f in index.any_unit(figure)] == ["members"]


def test_a_kind_the_settings_do_not_trace_traces_to_nothing():
    settings = SETTINGS.model_copy(update={"kinds": {"percent": [Unit.PERCENT]}})
    index = FactIndex([fact("members", 30, Unit.COUNT, "30 stocks")], settings)
    [figure] = list(parse_figures("30 stocks", settings))
    assert index.trace(figure) == []
