"""Inline suppressions, line by line: which lines each directive covers and what it reports."""

from __future__ import annotations

from generator.checks.document import Comment
from generator.checks.suppression import Suppressions

KNOWN = {"quotes.mismatch", "risk.legal", "risk.advice"}


def regions(*comments: tuple[int, str], last_line: int = 20) -> Suppressions:
    return Suppressions([Comment(line, text) for line, text in comments], known=KNOWN, last_line=last_line)


def test_disable_next_line_covers_exactly_the_next_line():
    s = regions((4, "<!-- newsdesk-disable-next-line risk.legal -->"))
    assert [s.suppressed("risk.legal", line) for line in (4, 5, 6)] == [False, True, False]
    assert not s.suppressed("risk.advice", 5)  # only the rules it names
    assert s.unused() == []


def test_a_region_runs_from_its_disable_to_its_enable_or_the_end():
    s = regions(
        (3, "<!-- newsdesk-disable risk.legal, risk.advice -->"),
        (8, "<!-- newsdesk-enable risk.legal -->"),
        last_line=12,
    )
    assert [s.suppressed("risk.legal", line) for line in (2, 3, 8, 9)] == [False, True, True, False]
    assert [s.suppressed("risk.advice", line) for line in (3, 12, 13)] == [True, True, False]


def test_two_disables_of_one_rule_both_end_at_its_enable():
    s = regions(
        (2, "<!-- newsdesk-disable risk.legal -->"),
        (5, "<!-- newsdesk-disable risk.legal -->"),
        (9, "<!-- newsdesk-enable risk.legal -->"),
    )
    assert s.suppressed("risk.legal", 9) and not s.suppressed("risk.legal", 10)


def test_directives_on_the_lines_of_a_multi_line_comment():
    s = regions((10, "<!--\nnote -->\n<!-- newsdesk-disable-next-line quotes.mismatch -->"))
    assert s.suppressed("quotes.mismatch", 13) and not s.suppressed("quotes.mismatch", 11)


def test_what_is_stale_or_malformed_is_reported_where_it_is():
    s = regions(
        (2, "<!-- newsdesk-disable-next-line risk.legal -->"),
        (4, "<!-- newsdesk-disable risk.bogus -->"),
        (6, "<!-- newsdesk-enable risk.advice -->"),
        (7, "<!-- newsdesk-disable -->"),
        (9, "<!-- newsdesk-disable quotes.mismatch -->"),
    )
    s.suppressed("quotes.mismatch", 10)
    assert [(hit.line, hit.message) for hit in s.unused()] == [
        (4, "newsdesk-disable names unknown rule 'risk.bogus'"),
        (6, "newsdesk-enable risk.advice has no disable before it"),
        (7, "newsdesk-disable names no rule id"),
        (2, "newsdesk-disable-next-line risk.legal suppresses nothing"),
    ]
    # a directive for a rule that did not run cannot be judged stale
    assert [hit.line for hit in s.unused(active=frozenset({"quotes.mismatch"}))] == [4, 6, 7]


def test_other_comments_are_not_directives():
    s = regions((1, "<!-- newsdesk: disable risk.legal -->"), (2, "<!-- newsdesk-disabled risk.legal -->"))
    assert not s.suppressed("risk.legal", 2) and not s.suppressed("risk.legal", 3) and s.unused() == []
