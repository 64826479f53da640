"""Document parsing: GFM tables exactly as the spec's examples, lines in the original file."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.checks.document import CODE_MARK, Parser

FRONT = "---\ntitle: T\nslug: t\ndate: 2026-11-20\nkind: k\n---\n"  # six lines


class _Tables(HTMLParser):
    """Header cells and data rows of every <table> in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("th", "td"):
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            header, rows = self.tables[-1]
            if self._in_head:
                header.extend(self._row)
            else:
                rows.append(self._row)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _spec_table_examples(spec_text: str) -> list[tuple[str, str]]:
    fence = "`" * 32
    pattern = re.compile(rf"{fence} example table\n(.*?)\n\.\n(.*?){fence}", re.S)
    return [(m.group(1).replace("→", "\t") + "\n", m.group(2)) for m in pattern.finditer(spec_text)]


def test_tables_match_every_gfm_spec_example():
    shared = os.environ.get("NEWSDESK_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")
    spec = Path(shared) / "spec" / "gfm-spec.txt"
    if not spec.is_file():
        pytest.skip(f"GFM spec not found at {spec}")
    examples = _spec_table_examples(spec.read_text(encoding="utf-8"))
    assert len(examples) == 8
    parser = Parser()
    for markdown, html in examples:
        expected = _Tables()
        expected.feed(html)
        document = parser.parse(FRONT + markdown)
        got = [(table.header, table.rows) for table in document.tables]
        assert got == expected.tables, markdown


def test_table_lines_are_file_lines_and_cells_unescape_pipes():
    text = FRONT + "\nIntro.\n\n| f\\|oo | b |\n| --- | --- |\n| b `\\|` az | 1 |\n| 2 |\n\nAfter.\n"
    table = Parser().parse(text).tables[0]
    assert (table.line_start, table.line_end) == (10, 13)
    assert table.header == ["f|oo", "b"]
    assert table.rows == [["b | az", "1"], ["2", ""]]


def test_a_table_in_a_code_fence_is_code():
    text = FRONT + "```\n| a | b |\n|---|---|\n| 1 | 2 |\n```\n"
    document = Parser().parse(text)
    assert document.tables == []
    assert document.blocks == []


def test_prose_blocks_keep_lines_and_drop_code_comments_and_destinations():
    text = FRONT + (
        'Para `code "x y"` and <!-- a comment -->\n'
        'second line [link text](https://x.invalid/a "title") end.\n'
        "\n> quoted\n> more\n\n# Heading\n"
    )
    document = Parser().parse(text)
    para, quote, heading = document.blocks
    assert para.text == f"Para {CODE_MARK} and \nsecond line link text end."
    assert (para.line, para.line_at(para.text.index("second"))) == (7, 8)
    assert (quote.kind, quote.in_blockquote, quote.line, quote.text) == (
        "paragraph",
        True,
        10,
        "quoted\nmore",
    )
    assert (heading.kind, heading.line, heading.text) == ("heading", 13, "Heading")
    assert [(c.line, c.text) for c in document.comments] == [(7, "<!-- a comment -->")]


def test_crlf_files_keep_their_line_numbers():
    text = FRONT.replace("\n", "\r\n") + "First.\r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n"
    document = Parser().parse(text)
    assert document.blocks[0].line == 7
    assert (document.tables[0].line_start, document.tables[0].line_end) == (9, 11)


def test_front_matter_keys_and_problems():
    document = Parser().parse(FRONT + "Body.\n")
    assert document.meta["slug"] == "t"
    assert document.key_lines == {"title": 2, "slug": 3, "date": 4, "kind": 5}
    assert (document.meta_end, document.body_line) == (6, 7)

    broken = Parser().parse('---\ntitle: "open\nslug: t\n---\nBody.\n')
    assert broken.meta == {}
    assert "not valid YAML" in broken.meta_problem.message

    unclosed = Parser().parse("---\ntitle: T\nBody.\n")
    assert "never closed" in unclosed.meta_problem.message


def test_locate_finds_the_column_on_the_original_line():
    text = FRONT + 'He said **"never"** twice, "then again and again and again".\n'
    document = Parser().parse(text)
    block = document.blocks[0]
    offset = block.text.index('"then')
    assert document.locate(block, offset) == (7, text.splitlines()[6].index('"then') + 1)


def test_blockquotes_are_counted_from_one_and_nested_ones_belong_to_the_outer():
    text = FRONT + "Before.\n\n> one\n>\n> > inner\n\nBetween.\n\n> two\n\nAfter.\n"
    blocks = Parser().parse(text).blocks
    assert [(b.text, b.in_blockquote, b.blockquote) for b in blocks] == [
        ("Before.", False, 0),
        ("one", True, 1),
        ("inner", True, 1),
        ("Between.", False, 0),
        ("two", True, 2),
        ("After.", False, 0),
    ]


def test_cells_tables_and_rows():
    text = FRONT + "| a | `b` |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n\nAfter.\n"
    document = Parser().parse(text)
    [table] = document.tables
    assert (table.line_start, table.line_end, table.header, table.rows) == (
        7,
        10,
        ["a", "b"],
        [["1", "2"], ["3", "4"]],
    )
    kinds = [(b.kind, b.text, b.line) for b in document.blocks]
    assert kinds[:2] == [
        ("cell", "a", 7),
        ("cell", CODE_MARK, 7),
    ]  # the code span's words are in the row, not the prose
    assert kinds[-1] == ("paragraph", "After.", 12)


def test_comments_inline_and_in_blocks_keep_their_lines():
    text = FRONT + "<!-- block\nspans -->\n<!-- next -->\n\nText <!-- in\nline --> after\nand more.\n"
    document = Parser().parse(text)
    assert [(c.line, c.text) for c in document.comments] == [
        (7, "<!-- block\nspans -->"),
        (9, "<!-- next -->"),
        (11, "<!-- in\nline -->"),
    ]
    [para] = document.blocks
    assert para.text == "Text \n after\nand more." and para.line_at(para.text.index("and")) == 13


def test_a_title_is_prose_unless_the_body_opens_with_it():
    head = '---\ntitle: "Helix  rises"\nslug: t\ndate: 2026-11-20\nkind: k\n---\n'
    repeated = Parser().parse(head + "# Helix rises\n\nBody.\n")
    assert repeated.title is None and repeated.prose == repeated.blocks
    other = Parser().parse(head + "# Another heading\n\nBody.\n")
    assert (other.title.kind, other.title.text, other.title.line) == ("title", "Helix  rises", 2)
    assert other.prose[0] is other.title
    paragraph_first = Parser().parse(head + "Helix rises\n")
    assert paragraph_first.title is not None  # a paragraph is not its heading
    for meta in ('title: ""\n', "title: 7\n", ""):
        assert Parser().parse(f"---\n{meta}slug: t\n---\n# x\n").title is None


def test_front_matter_edge_cases():
    bom = Parser().parse("\ufeff---\ntitle: T\n...\nBody.\n")
    assert (bom.meta, bom.meta_end, bom.body_line) == ({"title": "T"}, 3, 4)
    empty = Parser().parse("---\n---\n\n\nBody.\n")
    assert (empty.meta, empty.meta_problem, empty.body_line) == ({}, None, 5)
    listed = Parser().parse("---\n- a\n- b\n---\n")
    assert listed.meta_problem.message == "front matter must be a mapping of keys to values"
    assert listed.meta_problem.line == 2
    broken = Parser().parse("---\ntitle: T\nslug: [open\n---\n")
    assert broken.meta_problem.line == 4 and broken.key_lines == {"title": 2, "slug": 3}
    none = Parser().parse("Just a body.\n")
    assert none.meta_problem.message.startswith("no front matter") and none.meta_end == 0
    assert none.body_line == 1 and none.blocks[0].line == 1
    blank = Parser().parse("---\ntitle: T\n---\n")
    assert blank.body_line == 4  # no body: the line after the front matter


def test_columns_and_lines_found_in_the_original_text():
    text = FRONT + "rose 3% and rose 3% again\n"
    document = Parser().parse(text)
    assert document.column(7, "rose 3%") == 1 and document.column(7, "rose 3%", nth=1) == 13
    assert document.column(7, "rose 3%", nth=5) == 1  # past the last: the first
    assert document.column(7, "fell") == 1 and document.column(99, "x") == 1
    assert document.find_line("slug", 1, 6) == 3 and document.find_line("slug", 4, 6) is None
    assert document.find_line("again", 0, 99) == 7
    block = document.blocks[0]
    assert document.locate(block, block.text.index("rose", 1)) == (7, 13)


def test_locate_counts_repeats_from_the_start_of_the_figures_own_line():
    text = FRONT + "It rose 3% today\nand rose 3% again, rose 3% twice.\n"
    document = Parser().parse(text)
    [block] = document.blocks
    second_line = block.text.index("and")
    first_on_line_8 = block.text.index("rose 3%", second_line)
    second_on_line_8 = block.text.index("rose 3%", first_on_line_8 + 1)
    assert document.locate(block, block.text.index("rose 3%")) == (7, 4)
    assert document.locate(block, first_on_line_8) == (8, 5)
    assert document.locate(block, second_on_line_8) == (8, 20)
    assert block.line_offset(second_on_line_8) == second_line and block.line_offset(3) == 0


def test_locate_stops_the_needle_at_a_code_span_and_at_the_line_end():
    text = FRONT + "x `c` y and more rose `d` z\nrose\n"
    document = Parser().parse(text)
    [block] = document.blocks
    assert document.locate(block, block.text.index("rose")) == (7, 18)  # "rose " found, not "rose ⎕ z"
    assert document.locate(block, block.text.rindex("rose")) == (8, 1)
    assert document.locate(block, block.text.index(CODE_MARK)) == (7, 1)  # nothing to look for: column 1
    assert document.locate(block, block.text.index(" y")) == (7, 6)


def test_column_and_find_line_at_their_bounds():
    document = Parser().parse(FRONT + "rose 3% and rose 3% again\nlast a b a")  # no final newline
    assert document.column(7, "3%", nth=5) == 6  # past the last occurrence: the first one's column
    assert document.column(7, "3%", nth=1) == 18
    assert document.column(8, "b") == 8  # the very last line
    assert document.column(0, "rose") == 1 and document.column(9, "a") == 1  # no such line
    assert document.find_line("---", 1, 6) == 1  # the first line is searched
    assert document.find_line("kind", 1, 5) == 5  # and the last line asked for
    assert document.find_line("kind", 1, 4) is None
    assert document.find_line("absent", 0, 99) is None  # an end past the file is the file's end
    assert document.find_line("b a", 0, 99) == 8


@pytest.mark.parametrize(
    ("front_matter", "line", "message"),
    [
        ("title: [unclosed\n", 2, None),  # not YAML: the parser's own message
        ('title: "T"\nslug: t\ndate: 2026-11-20\n', 1, "front matter: missing required key 'kind'"),
        (
            'title: "T"\nslug: t\ndate: 2026-11-20\nkind: alpha_brief\nsources:\n  - title: "R"\n',
            6,
            "front matter: missing required key 'sources.0.id'",
        ),
        (
            'title: "T"\nslug: t\ndate: 2026-11-20\nkind: alpha_brief\ntickers: [[1]]\n',
            6,
            "front matter: key 'tickers.0': Input should be a valid string",
        ),
    ],
)
def test_front_matter_findings_start_at_the_first_column_and_name_nested_keys(
    checker, front_matter, line, message
):
    text = f"---\n{front_matter}---\nBody.\n"
    found = [
        f for f in checker.check(text, path="a.md").report.findings if f.rule == "structure.front_matter"
    ]
    assert found and all(f.column == 1 for f in found)
    if message is not None:
        assert (found[0].line, found[0].message) == (line, message)
