"""AP-style display text for figures: "3.2%", "$4.8 billion", "65 cents", "seven", "Nov. 20, 2026".

The facts stage uses these to give every Fact its display text, and templates use the same functions
through filters, so the text an article prints is exactly the text the checker traces. AP's own
conventions (cents under a dollar, no ".00" on whole dollars, words for millions and up, numerals from
10) are applied on top of locale number formatting.

Numbers are grouped as Python's format() groups them, which is en_US's (tests/test_apstyle.py checks it
against babel's en_US pattern), and rounded correctly from the stored value, which is
what an editor recomputing a figure with Python or a spreadsheet gets; babel itself rounds the decimal
text half-even, which differs on exact half-cent ties (38.005). Formatting through babel also costs
~30 µs a number against ~1 µs here, and a run formats hundreds of thousands. tests/test_apstyle.py
checks both against an exact-decimal oracle.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import cache

import humanize
from babel import Locale
from babel.numbers import get_currency_symbol

from generator.models import Unit

_LOCALE = Locale.parse("en_US")
_DOLLAR = get_currency_symbol("USD", locale=_LOCALE)
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
# AP abbreviates these months before a day; March to July are always spelled out.
_AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)


def number(value: float, decimals: int = 1, *, optional: bool = False) -> str:
    """Group digits and round: number(1234.56) == "1,234.6"; optional decimals drop trailing zeros.

    The value is rounded as stored, correctly (as Python's round() and format() do, and as anyone
    recomputing a figure from the data gets): a price of 38.005, stored just below it, shows as
    "38.00". Grouping is en_US's: "," between thousands, "." before decimals. A value that rounds
    to zero prints without a sign: never "-0.0".
    """
    text = f"{float(value):,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    if optional and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def percent(value: float, decimals: int = 1) -> str:
    """A percentage whose value is already in percent: percent(3.21) == "3.2%"."""
    return f"{number(value, decimals)}%"


def points(value: float, decimals: int = 1) -> str:
    """A difference of two percentages: points(3.2) == "3.2 percentage points"."""
    text = number(value, decimals)
    return f"{text} percentage {'point' if text in ('1', '1.0', '-1', '-1.0') else 'points'}"


def money(value: float) -> str:
    """Dollars the AP way: "65 cents", "$12", "$12.50", "$1,234.56", "$4.8 million", "$1.2 trillion"."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    scale = _scale(amount, round(amount, 2))
    if scale is not None:
        threshold, word = scale
        return f"{sign}{_DOLLAR}{number(amount / threshold, 1, optional=True)} {word}"
    cents_shown = round(amount, 2)  # the stored value rounded once, as number() does
    if cents_shown < 1:
        cents = round(cents_shown * 100)  # never "100 cents": 0.995 is stored below it, so 99
        return f"{sign}{cents} {'cent' if cents == 1 else 'cents'}"
    whole = cents_shown == round(amount)
    return f"{sign}{_DOLLAR}{number(amount, 0 if whole else 2)}"


def ratio(value: float) -> str:
    """A plain multiple such as a price-earnings ratio: "16.8"; two decimals below 1 ("0.45")."""
    return number(value, 2 if abs(round(value, 1)) < 1 else 1)


def count(value: float) -> str:
    """A count in AP style: one to nine spelled out, numerals from 10 ("seven", "12", "1,204")."""
    return _count(round(value))


def ordinal(value: float) -> str:
    """A rank such as a percentile: "18th"."""
    return _ordinal(round(value))


def percentile(value: float) -> str:
    """A percentile rank as readers know them, 1st to 99th: a rank of 100 reads "99th", 0 "1st"."""
    return _ordinal(min(99, max(1, round(value))))


@cache  # whole numbers repeat across every article; humanize's translation lookup does not need repeating
def _count(whole: int) -> str:
    return humanize.apnumber(whole) if 0 <= whole < 10 else number(whole, 0)


@cache
def _ordinal(whole: int) -> str:
    return humanize.ordinal(whole)


_ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def ordinal_word(value: float) -> str:
    """AP ordinals: "first" to "ninth" in words, then figures ("10th", "21st")."""
    whole = round(value)
    return _ORDINAL_WORDS[whole - 1] if 1 <= whole <= 9 else _ordinal(whole)


def shares(value: float) -> str:
    """Trading volume: "12.3 million shares", "840,000 shares"."""
    scale = _scale(value, round(value))
    if scale is not None:
        threshold, word = scale
        return f"{number(value / threshold, 1, optional=True)} {word} shares"
    return f"{number(value, 0)} shares"


def _scale(amount: float, shown_unscaled: float) -> tuple[float, str] | None:
    """The largest scale word the amount reaches as the form below it would show it: 999.96
    million shows as "1,000.0 million", so it is "1 billion", while 960 million stays "960 million"
    (a scale is never reached by rounding at its own precision). `shown_unscaled` is the amount as
    printed without a scale word (whole shares, dollars and cents); None: no scale word."""
    for (threshold, word), below in zip(_SCALES, (1e9, 1e6, None), strict=True):
        shown = round(amount / below, 1) * below if below is not None else shown_unscaled
        if shown >= threshold:
            return threshold, word
    return None


def date(value: dt.date, *, year: bool = True) -> str:
    """An AP date: "Nov. 20, 2026", "March 3" (year dropped on request)."""
    text = f"{_AP_MONTHS[value.month - 1]} {value.day}"
    return f"{text}, {value.year}" if year else text


def possessive(name: str) -> str:
    """AP possessives: "Apple's", but "ConAgra Foods'" for a name ending in s."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def join(items: list[str]) -> str:
    """A list in prose without the Oxford comma: "semis, data centers and cloud"."""
    return humanize.natural_list(list(items))


def plural(how_many: float, one: str, other: str) -> str:
    """The form that agrees with `how_many` by the locale's plural rule: plural(1, "stock", "stocks")."""
    return one if _LOCALE.plural_form(abs(how_many)) == "one" else other


def display(value: float, unit: Unit, *, whole: bool = False) -> str:
    """The canonical display text of a fact's value, by unit; `whole` drops ".0" from whole numbers."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"cannot display {value!r}: unknown values are not stated")
    decimals = 0 if whole and value == round(value) else 1
    if unit is Unit.PERCENT:
        return percent(value, decimals)
    if unit is Unit.POINTS:
        return points(value, decimals)
    if unit is Unit.USD:
        return money(value)
    if unit is Unit.RATIO:
        return ratio(value)
    if unit in (Unit.SCORE, Unit.COUNT):
        return count(value) if unit is Unit.COUNT else number(value, 0)
    if unit is Unit.PERCENTILE:
        return percentile(value)
    if unit is Unit.SHARES:
        return shares(value)
    if unit is Unit.DATE:
        return date(dt.date.fromordinal(int(value)))
    raise ValueError(f"no display rule for unit {unit!r}")
