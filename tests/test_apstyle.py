"""AP-style figures: rounding proven against an exact-decimal oracle and babel's en_US pattern."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from babel import Locale
from babel.numbers import parse_pattern
from hypothesis import given
from hypothesis import strategies as st

from generator import apstyle
from generator.models import Unit

EN_US = Locale.parse("en_US")


def babel_text(pattern: str, value: float) -> str:
    text = parse_pattern(pattern).apply(value, EN_US)
    # house rule: a figure that rounds to zero carries no sign ("0.0", never "-0.0")
    return text[1:] if text.startswith("-") and set(text) <= set("-0.,") else text


def exact(value: float, decimals: int) -> str:
    """The stored binary value, exactly, rounded half-even at `decimals` and grouped by hand."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_EVEN)
    sign, digits = ("-", -rounded) if rounded < 0 else ("", rounded)
    whole, _, fraction = f"{digits:f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + ",".join(groups) + (f".{fraction}" if fraction else "")


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_number_rounds_the_stored_value_correctly(value, decimals):
    expected = exact(value, decimals)
    if set(expected.lstrip("-")) <= set("0.,"):
        expected = expected.lstrip("-")  # house rule: a figure that rounds to zero carries no sign
    assert apstyle.number(value, decimals) == expected


@given(st.decimals(min_value=-1e9, max_value=1e9, places=4, allow_nan=False, allow_infinity=False))
def test_number_agrees_with_babel_away_from_half_unit_ties(value):
    if value.as_tuple().digits[-1:] == (5,) and -value.as_tuple().exponent == 2:
        return  # a tie at the second place: babel rounds the text, we round the stored value
    assert (
        apstyle.number(float(value), 1) == babel_text("#,##0.0", float(value))
        or abs(float(value) * 10 % 1 - 0.5) < 1e-6
    )


def test_half_cent_ties_round_as_the_stored_value_does():
    """147.015 is stored as 147.01499999999998635..., so it shows $147.01, as round(147.015, 2) does
    (babel, rounding the text half-even, says $147.02); 38.005 is stored just above, so $38.01."""
    assert apstyle.money(147.015) == "$147.01" and apstyle.money(38.005) == "$38.01"
    assert apstyle.number(0.125, 2) == "0.12"  # an exact binary tie rounds to even, as format() does


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4.8e9, "$4.8 billion"),
        (5e9, "$5 billion"),
        (1.234e12, "$1.2 trillion"),
        (12_300_000, "$12.3 million"),
        (0.65, "65 cents"),
        (0.01, "1 cent"),
        (12.0, "$12"),
        (12.5, "$12.50"),
        (1234.567, "$1,234.57"),
        (-2.4e9, "-$2.4 billion"),
    ],
)
def test_money_in_ap_style(value, expected):
    assert apstyle.money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "$1"),  # no ".00" on whole dollars
        (1.004, "$1"),
        (1.01, "$1.01"),
        (0.99, "99 cents"),
        (0.994, "99 cents"),
        (0.995, "99 cents"),  # stored as 0.99499999...: rounds to 99 cents, never "100 cents"
        (0.996, "$1"),  # rounds to a dollar
        (0.005, "1 cent"),  # stored as 0.00500000000000000010...: a cent
        (0.011, "1 cent"),
        (0.02, "2 cents"),
        (999.99, "$999.99"),
        (999.996, "$1,000"),
        (999_999.0, "$999,999"),  # never "$1 million" by rounding at a million's precision
        (999_999.996, "$1 million"),  # ... only once dollars and cents would show $1,000,000.00
        (960e6, "$960 million"),
        (1e6, "$1 million"),
        (999.94e6, "$999.9 million"),
        (999.96e6, "$1 billion"),  # 999.96 million is 1.0 billion at one decimal: never "$1,000 million"
        (1.05e9, "$1.1 billion"),  # stored just above 1.05: rounds up
        (999.96e9, "$1 trillion"),
        (-0.65, "-65 cents"),
        (-1.0, "-$1"),
        (0.0, "0 cents"),
    ],
)
def test_money_at_the_edges_of_its_forms(value, expected):
    assert apstyle.money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.45, "0.45"),
        (0.949, "0.95"),  # 0.9 at one decimal: under 1, so two decimals
        (0.951, "1.0"),  # 1.0 at one decimal: one decimal
        (1.0, "1.0"),
        (1.04, "1.0"),
        (16.84, "16.8"),
        (-0.5, "-0.50"),
        (-0.96, "-1.0"),
        (0.004, "0.00"),
    ],
)
def test_ratio_decimals_switch_where_one_decimal_shows_1(value, expected):
    assert apstyle.ratio(value) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1.0, 1, "1.0 percentage point"),
        (-1.0, 1, "-1.0 percentage point"),
        (1.0, 0, "1 percentage point"),
        (0.96, 1, "1.0 percentage point"),  # singular as shown, not as stored
        (1.05, 1, "1.1 percentage points"),  # 1.05 is stored just above: 1.1
        (0.4, 0, "0 percentage points"),
        (2.0, 0, "2 percentage points"),
        (-2.5, 1, "-2.5 percentage points"),
    ],
)
def test_points_agree_in_number_with_the_figure_shown(value, decimals, expected):
    assert apstyle.points(value, decimals) == expected


def test_numbers_percentages_and_shares_by_default():
    assert apstyle.number(1234.56) == "1,234.6"  # one decimal unless told
    assert apstyle.number(1234.0, 1, optional=True) == "1,234"
    assert apstyle.number(1200, 0, optional=True) == "1,200"  # no decimal point: zeros stay
    assert apstyle.number(10.5, 2, optional=True) == "10.5"
    assert apstyle.number(-0.04) == "0.0"
    assert apstyle.number(-0.06) == "-0.1"
    assert apstyle.percent(3.25) == "3.2%" and apstyle.percent(3.21, 2) == "3.21%"
    assert apstyle.shares(840_000) == "840,000 shares"
    assert apstyle.shares(949_999) == "949,999 shares"
    assert apstyle.shares(999_999) == "999,999 shares"  # not "1 million": that is 1.0 at its precision
    assert apstyle.shares(960_000) == "960,000 shares"
    assert apstyle.shares(999.96e6) == "1 billion shares"  # "1,000.0 million shares" reads as a billion
    assert apstyle.shares(1e9) == "1 billion shares"
    assert apstyle.shares(2.5e12) == "2.5 trillion shares"


def test_counts_ordinals_percentiles_and_plurals():
    assert [apstyle.count(v) for v in (0, 1, 9, 9.4, 9.5, 10, 1204, -1)] == [
        "zero", "one", "nine", "nine", "10", "10", "1,204", "-1"
    ]  # fmt: skip
    assert [apstyle.ordinal(v) for v in (1, 2, 3, 11, 12, 13, 22, 101)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "22nd", "101st"
    ]  # fmt: skip
    assert [apstyle.percentile(v) for v in (0.4, 1.5, 98.6, 99.5, 100)] == [
        "1st",
        "2nd",
        "99th",
        "99th",
        "99th",
    ]
    assert apstyle.plural(1, "stock", "stocks") == "stock"
    assert apstyle.plural(-1, "stock", "stocks") == "stock"
    assert apstyle.plural(0, "stock", "stocks") == "stocks"
    assert apstyle.plural(2, "stock", "stocks") == "stocks"
    assert apstyle.plural(1.5, "stock", "stocks") == "stocks"


@pytest.mark.parametrize(
    ("value", "unit", "whole", "expected"),
    [
        (3.0, Unit.PERCENT, True, "3%"),
        (3.0, Unit.PERCENT, False, "3.0%"),
        (3.5, Unit.PERCENT, True, "3.5%"),
        (2.0, Unit.POINTS, True, "2 percentage points"),
        (1200.0, Unit.USD, True, "$1,200"),
        (7.0, Unit.COUNT, True, "seven"),
        (47.4, Unit.SCORE, False, "47"),
        (0.8, Unit.RATIO, True, "0.80"),
    ],
)
def test_display_drops_a_whole_numbers_decimal_only_when_asked(value, unit, whole, expected):
    assert apstyle.display(value, unit, whole=whole) == expected


def test_infinite_values_are_never_displayed():
    with pytest.raises(ValueError, match="unknown"):
        apstyle.display(float("inf"), Unit.USD)
    with pytest.raises(ValueError, match="unknown"):
        apstyle.display(float("-inf"), Unit.RATIO)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (3.21, Unit.PERCENT, "3.2%"),
        (-0.04, Unit.PERCENT, "0.0%"),
        (1234.5, Unit.PERCENT, "1,234.5%"),
        (2.0, Unit.POINTS, "2.0 percentage points"),
        (7, Unit.COUNT, "seven"),
        (12, Unit.COUNT, "12"),
        (18.4, Unit.PERCENTILE, "18th"),
        (16.84, Unit.RATIO, "16.8"),
        (0.4512, Unit.RATIO, "0.45"),
        (12_345_678, Unit.SHARES, "12.3 million shares"),
        (47, Unit.SCORE, "47"),
        (dt.date(2026, 9, 5).toordinal(), Unit.DATE, "Sept. 5, 2026"),
    ],
)
def test_display_by_unit(value, unit, expected):
    assert apstyle.display(value, unit) == expected


def test_unknown_values_are_never_displayed():
    with pytest.raises(ValueError, match="unknown"):
        apstyle.display(float("nan"), Unit.PERCENT)


def test_dates_and_lists():
    assert apstyle.date(dt.date(2026, 11, 20)) == "Nov. 20, 2026"
    assert apstyle.date(dt.date(2026, 3, 3), year=False) == "March 3"
    assert apstyle.join(["semis", "data centers", "cloud"]) == "semis, data centers and cloud"


def test_defaults_and_edges_a_mutation_run_found_unpinned():
    assert apstyle.points(3.2) == "3.2 percentage points"  # one decimal unless told
    assert apstyle.points(-1.0, 0) == "-1 percentage point"
    assert apstyle.money(999_999.5) == "$999,999.50"  # dollars and cents below a million
    assert apstyle.money(999.95e6) == "$1 billion"  # 999.95 million shows as 1,000.0 million
    assert apstyle.money(999.95e9) == "$1 trillion"
    assert apstyle.display(7.0, Unit.SCORE) == "7"  # a score is a numeral; only counts are words
    with pytest.raises(ValueError, match="no display rule for unit 'furlongs'"):
        apstyle.display(1.0, "furlongs")


def test_ordinals_in_words_to_ninth_then_in_figures():
    assert [apstyle.ordinal_word(v) for v in (1, 2, 2.6, 9, 9.4, 10, 21)] == [
        "first", "second", "third", "ninth", "ninth", "10th", "21st"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Apple", "Apple's"),
        ("ConAgra Foods", "ConAgra Foods'"),
        ("Helix Microdevices", "Helix Microdevices'"),
    ],
)
def test_possessives_take_only_an_apostrophe_after_an_s(name, expected):
    assert apstyle.possessive(name) == expected
