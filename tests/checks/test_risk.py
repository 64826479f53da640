"""Risk phrases, by hand: whole words and phrases, spaces or hyphens alike, either apostrophe."""

from __future__ import annotations

import pytest

from generator.checks.risk import fold, phrase_pattern

PATTERN = phrase_pattern({"advice": ["strong buy", "must-own", "can't lose"], "legal": ["fraud"]})


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a strong buy here", [("advice", "strong buy")]),
        ("a Strong  Buy", [("advice", "Strong  Buy")]),  # case and runs of spaces
        ("a strong-buy", [("advice", "strong-buy")]),
        ("a must own stock, a must-own stock", [("advice", "must own"), ("advice", "must-own")]),
        ("you can’t lose", [("advice", "can’t lose")]),  # the curly apostrophe too
        ("strong buyer demand", []),  # a letter just after: part of another word
        ("a strong buy-back", []),  # a hyphen just after
        ("super-strong buy", []),  # a hyphen just before
        ("fraudulent", []),
        ("alleged fraud.", [("legal", "fraud")]),
        ("fraud's reach", []),  # an apostrophe just after: part of the word
    ],
)
def test_phrases_match_as_whole_words(text, found):
    assert [(m.lastgroup, m.group(0)) for m in PATTERN.finditer(text)] == found


def test_the_longest_phrase_of_a_group_wins():
    pattern = phrase_pattern({"advice": ["buy", "buy now"]})
    assert [m.group(0) for m in pattern.finditer("buy now")] == ["buy now"]


def test_fold_makes_spaces_hyphens_case_and_apostrophes_alike():
    assert fold("Can’t-Lose \n  Bets") == "can't lose bets"
    assert fold("") == ""
