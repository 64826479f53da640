"""Findings carry what a review page needs as data: the flagged text's span, misquotes' closest
source passage with the differing words, the facts and sources a finding is about."""

from __future__ import annotations

LOW = {
    "facts": [
        {
            "id": "stock:AES:low_52w",
            "value": 10.0,
            "unit": "usd",
            "display": "$10",
            "measure": "intraday_low",
        },
        {"id": "stock:AES:close", "value": 10.23, "unit": "usd", "display": "$10.23", "measure": "close"},
    ]
}


def only(result, rule):
    (finding,) = [f for f in result.report.findings if f.rule == rule]
    return finding


def test_a_phrase_finding_spans_the_phrase(checker, write_article):
    path = write_article("The filing says the company faces a lawsuit from its landlord.\n")
    finding = only(checker.check_file(path), "risk.legal")
    line = path.read_text().splitlines()[finding.line - 1]
    assert finding.end_line == finding.line
    assert line[finding.column - 1 : finding.end_column - 1] == "lawsuit" == finding.excerpt


def test_a_misquote_names_its_source_the_passage_and_the_words_that_differ(checker, write_article):
    source = "Helix said revenue rose sharply in the quarter, led by data-center demand."
    path = write_article(
        "“Revenue rose strongly in the quarter, led by data-center demand,” the company said.\n",
        sources={"hlxm-release": source},
    )
    finding = only(checker.check_file(path), "quotes.mismatch")
    assert finding.source == "hlxm-release"
    assert finding.quoted == "Revenue rose strongly in the quarter, led by data-center demand,"
    assert [finding.quoted[a:b] for a, b in finding.quoted_changes] == ["strongly"]
    assert [finding.passage[a:b] for a, b in finding.passage_changes] == ["sharply"]
    assert 80 <= finding.similarity < 100
    line = path.read_text().splitlines()[finding.line - 1]
    marked = line[finding.column - 1 : finding.end_column - 1]
    assert marked.startswith("“Revenue rose") and marked.endswith("demand,”")  # the quote, marks and all


def test_the_part_of_a_quote_that_fails_is_the_one_compared(checker, write_article):
    source = "We grew in every region. Margins widened as costs fell."
    path = write_article(
        "“We grew in every region … margins narrowed as costs fell,” she said.\n",
        sources={"call": source},
    )
    finding = only(checker.check_file(path), "quotes.mismatch")
    assert finding.quoted == "margins narrowed as costs fell,"
    assert [finding.quoted[a:b] for a, b in finding.quoted_changes] == ["narrowed"]


def test_a_claims_finding_names_the_facts_it_was_checked_against(checker, write_article):
    path = write_article("It closed at a 52-week low of $10.\n", sidecar=LOW)
    finding = only(checker.check_file(path), "claims.measure")
    assert finding.facts == ("stock:AES:low_52w",)
    line = path.read_text().splitlines()[finding.line - 1]
    assert line[finding.column - 1 : finding.end_column - 1] == "$10"
