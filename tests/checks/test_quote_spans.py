"""Where quotes are, by hand: each span's words, each unbalanced mark and what it leaves unchecked."""

from __future__ import annotations

from generator.checks.document import Parser
from generator.checks.quote_spans import scan_document

FRONT = "---\ntitle: T\nslug: t\ndate: 2026-11-20\nkind: k\n---\n"


def scan(body: str, front: str = FRONT):
    result = scan_document(Parser().parse(front + body))
    spans = [(span.text, span.attribution) for span in result.spans]
    strays = [(u.block.text[u.offset], u.opening, u.unchecked) for u in result.unbalanced]
    return spans, strays


def test_double_marks_straight_and_curly():
    spans, strays = scan('He said "one two" and “three four” and “five.\n')
    assert spans == [("one two", None), ("three four", None)]
    assert strays == [("“", True, "five.")]


def test_a_curly_opening_inside_an_open_quote_abandons_it():
    spans, strays = scan("“one two “three four” end.\n")
    assert spans == [("three four", None)]
    assert strays == [("“", True, "one two ")]


def test_a_closing_mark_with_nothing_open_reports_the_text_before_it():
    spans, strays = scan("“a b” then c d” and e.\n")
    assert spans == [("a b", None)]
    assert strays == [("”", False, " then c d")]


def test_a_quote_continued_across_paragraphs_is_one_span():
    spans, strays = scan("“First part of it.\n\n“Second part.\n\n“Third part,” she said.\n")
    assert spans == [("First part of it.\nSecond part.\nThird part,", None)]
    assert strays == []


def test_a_paragraph_that_does_not_reopen_leaves_the_quote_unbalanced():
    spans, strays = scan("“First part of it.\n\nShe said so.\n\n“Another,” he said.\n")
    assert spans == [("Another,", None)]
    assert strays == [("“", True, "First part of it.")]
    spans, strays = scan("“First part.\n\n“Second part, and then “a new one” closes.\n")
    assert ("a new one", None) in spans and strays[0][1] is True


def test_a_heading_does_not_carry_a_quote_into_the_next_block():
    spans, strays = scan("# “An open heading\n\n“Body,” she said.\n")
    assert spans == [("Body,", None)]
    assert strays == [("“", True, "An open heading")]


def test_single_marks_count_in_headings_and_the_title_but_not_apostrophes():
    spans, strays = scan("# Helix's chief: 'We don't expect it' and ‘more’\n\nBody with 'single' marks.\n")
    assert spans == [("We don't expect it", None), ("more", None)]
    assert strays == []
    title = '---\ntitle: "Investors\' money: ‘a bet’"\nslug: t\ndate: 2026-11-20\nkind: k\n---\n'
    spans, strays = scan("Body.\n", front=title)
    assert spans == [("a bet", None)]
    spans, strays = scan("# ‘Built in our genes’ says CEO\n")
    assert spans == [("Built in our genes", None)]  # a possessive-looking mark that must close
    spans, strays = scan("# ‘Never closed, says CEO\n")
    assert strays == [("‘", True, "Never closed, says CEO")]


def test_blockquote_paragraphs_and_their_attribution():
    spans, _ = scan("> First paragraph.\n>\n> Second paragraph.\n>\n> — Dana Whitfield, chief executive\n")
    assert spans == [("First paragraph.", None), ("Second paragraph.", None)]
    spans, _ = scan("> Demand held up well.\n> — Dana Whitfield, chief executive\n")
    assert spans == [("Demand held up well.", "Dana Whitfield, chief executive")]
    spans, _ = scan("> Margins fell -- and then recovered.\n")
    assert spans == [("Margins fell -- and then recovered.", None)]  # a dash inside is not an attribution
    spans, _ = scan("> Demand held.\n> -- 3 analysts agreed\n")
    assert spans == [("Demand held.\n-- 3 analysts agreed", None)]  # a dash before a number is not a name
    spans, _ = scan("> One.\n\nBetween.\n\n> — Not an attribution of the first\n")
    assert spans == [("One.", None)]  # a last paragraph that is all attribution is left out
