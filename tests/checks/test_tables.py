"""Removing low-information tables: every other byte of the article stays as it was."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.checks.tables import remove_lines
from generator.models import TableDrop

LOW = ["| Item | Value |", "|---|---|", "| n/a | n/a |"]
GOOD = ["| Ticker | Return |", "|---|---|", "| HLXM | 4.8% |", "| ORBT | 2.1% |"]

_prose = st.lists(
    st.text(alphabet="abc xyz,.\u00a0“”", min_size=1, max_size=30).map(lambda s: "Word " + s),
    min_size=0,
    max_size=4,
)


@settings(max_examples=80, deadline=None)
@given(before=_prose, after=_prose, newline=st.sampled_from(["\n", "\r\n"]), trailing=st.booleans())
def test_fix_removes_only_the_low_information_table(
    checker, default_front_matter, before, after, newline, trailing
):
    """Property: the fixed text is the original with exactly the table's lines taken out."""
    head = default_front_matter().splitlines()
    lines = [*head, *before, "", *LOW, "", *after, "", *GOOD]
    text = newline.join(lines) + (newline if trailing else "")
    result = checker.check(text, path="x.md")
    (drop,) = result.report.tables_dropped
    assert (drop.line_start, drop.line_end) == (len(head) + len(before) + 2, len(head) + len(before) + 4)
    expected = [*head, *before, "", "", *after, "", *GOOD]
    assert result.fixed_text == newline.join(expected) + (newline if trailing else "")


def test_fixed_text_is_the_input_when_nothing_is_dropped(checker, default_front_matter):
    text = default_front_matter() + "\n".join(GOOD) + "\n"
    result = checker.check(text, path="x.md")
    assert result.report.tables_dropped == ()
    assert result.fixed_text is text


def test_remove_lines_takes_out_exactly_the_ranges():
    drops = [TableDrop(line_start=4, line_end=4, reason="r"), TableDrop(line_start=2, line_end=3, reason="r")]
    assert remove_lines("a\r\nT\r\nT\r\nU\nb\r\n", drops) == "a\r\nb\r\n"
    assert remove_lines("a\n\nT\nT", [TableDrop(line_start=3, line_end=4, reason="r")]) == "a\n\n"
    assert remove_lines("T\nT\n", [TableDrop(line_start=1, line_end=2, reason="r")]) == ""


def test_a_dropped_table_keeps_its_text_for_the_review_page(checker, default_front_matter):
    table = "| Item | Value |\n|---|---|\n| N/A | N/A |\n| - | - |"
    text = default_front_matter({}) + f"Before.\n\n{table}\n\nAfter.\n"
    report = checker.check(text, path="a.md").report
    [drop] = report.tables_dropped
    assert drop.text == table


def test_a_table_repeating_one_row_is_dropped_with_the_reason(checker, default_front_matter):
    head = default_front_matter()
    start = head.count("\n") + 1
    text = head + "| Sector | Rating |\n|---|---|\n| Energy | Hold |\n| Energy | Hold |\n"
    [finding] = [
        f for f in checker.check(text, path="a.md").report.findings if f.rule == "tables.low_information"
    ]
    assert (finding.line, finding.column) == (start, 1)
    assert finding.message == (
        f"low-information table (lines {start}-{start + 3}) removed from the published copy: "
        "no column varies across rows"
    )
