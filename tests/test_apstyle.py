"""AP-style figures, and the fast number path proven equal to babel's en_US pattern."""

from __future__ import annotations

import datetime as dt

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


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_number_matches_babel_pattern(value, decimals):
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    assert apstyle.number(value, decimals) == babel_text(pattern, value)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_optional_decimals_match_babel(value):
    assert apstyle.number(value, 1, optional=True) == babel_text("#,##0.#", value)


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
