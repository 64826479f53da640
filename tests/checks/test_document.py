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
