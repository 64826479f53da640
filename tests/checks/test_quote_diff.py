"""The words a misquote changes, as the checker records them for review pages (character ranges)."""

from __future__ import annotations

from generator.checks.quote_diff import changed_ranges


def test_changed_ranges_mark_only_the_changed_words():
    """Punctuation at a word's edge and the kind of quote mark do not count as a change."""
    quoted = "We shipped more, and “faster” than ever"
    passage = "We shipped many more, and faster than before"
    in_quote, in_passage = changed_ranges(quoted, passage)
    assert [quoted[a:b] for a, b in in_quote] == ["ever"]
    assert [passage[a:b] for a, b in in_passage] == ["many", "before"]


def test_neighbouring_changed_words_form_one_range():
    quoted, passage = "as quick as a link", "as fast as the link"
    in_quote, in_passage = changed_ranges(quoted, passage)
    assert [quoted[a:b] for a, b in in_quote] == ["quick", "a"]
    assert [passage[a:b] for a, b in in_passage] == ["fast", "the"]
    assert changed_ranges("one two three", "one four five three") == (((4, 7),), ((4, 13),))


def test_curly_apostrophes_and_a_first_capital_are_no_change():
    assert changed_ranges("We don’t expect", "we don't expect") == ((), ())
    quoted, passage = "The quarter", "in the quarter"  # the first word is matched without its capital
    in_quote, in_passage = changed_ranges(quoted, passage)
    assert in_quote == () and [passage[a:b] for a, b in in_passage] == ["in"]
