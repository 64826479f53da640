"""Parse an article once into what the rules read: front matter, prose blocks, GFM tables, comments.

Rules never re-parse markdown. Every position is a 1-based line in the ORIGINAL file (front matter
included), so a finding points where an editor's cursor must go. Prose excludes everything a reader
does not read as prose: code blocks, code spans (kept as a placeholder so nothing spans across them),
HTML comments, link destinations and image alt text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.markdown_depth import deepest_line
from generator.rulefiles import YamlProblem, load_yaml

CODE_MARK = "\ufffc"  # stands in for a code span in prose: never a word, a digit or a quote mark
NEWLINE = re.compile(r"\r\n|\r|\n")  # what markdown-it treats as a line break
_TOP_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CELL_PARENTS = {"th_open", "td_open"}


@dataclass(slots=True)
class Block:
    """One run of inline prose: a paragraph, heading or table cell, as a reader sees it.

    Soft and hard line breaks are "\\n", so an offset maps back to a file line by counting them.
    """

    kind: str  # "title" (the front-matter title) | "paragraph" | "heading" | "cell"
    text: str
    line: int  # file line of text[0]
    in_blockquote: bool
    blockquote: int = 0  # which (outermost) blockquote holds it, counting from 1; 0 outside any

    def line_at(self, offset: int) -> int:
        return self.line + self.text.count("\n", 0, offset)

    def line_offset(self, offset: int) -> int:
        """Offset in `text` where the line holding `offset` starts."""
        return self.text.rfind("\n", 0, offset) + 1


@dataclass(slots=True)
class Table:
    """A GFM pipe table: 1-based inclusive file lines, header cells and data rows as plain text."""

    line_start: int
    line_end: int
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class Comment:
    """An HTML comment outside code, where inline suppressions live."""

    line: int
    text: str


@dataclass(slots=True)
class MetaProblem:
    """Why the front matter could not be read, located in the file."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class ParsedBody:
    """An article body and markdown-it's tokens for exactly that text: the checker's parse, which
    the site renders HTML from instead of parsing the body again (generator/site/token_html.py)."""

    text: str
    tokens: list[Token]


@dataclass(slots=True)
class Document:
    text: str
    lines: list[str]  # original lines, without line endings
    meta: dict[str, Any]  # parsed front matter; {} when absent or unreadable
    meta_problem: MetaProblem | None
    key_lines: dict[str, int]  # top-level front matter key -> file line
    meta_end: int  # last file line of the front matter (0 when there is none)
    body_line: int  # first non-blank file line of the body
    blocks: list[Block]  # the body's prose
    tables: list[Table]
    comments: list[Comment]
    title: Block | None = None  # the front-matter title, unless the body opens with it as a heading
    too_deep_line: int | None = None  # file line where nesting reaches what markdown-it reads
    body: ParsedBody | None = None  # the body as markdown-it parsed it

    @property
    def prose(self) -> list[Block]:
        """The headline (when the body does not repeat it), then the body's prose."""
        return [self.title, *self.blocks] if self.title is not None else self.blocks

    def column(self, line: int, needle: str, nth: int = 0) -> int:
        """1-based column of the nth occurrence of `needle` on `line`; 1 when it is not found verbatim."""
        raw = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        pos = -1
        for _ in range(nth + 1):
            pos = raw.find(needle, pos + 1)
            if pos < 0:
                return 1 if nth == 0 else self.column(line, needle)
        return pos + 1

    def locate(self, block: Block, offset: int, width: int = 12) -> tuple[int, int]:
        """File line and column of `block.text[offset]`, found by its text on the original line."""
        line = block.line_at(offset)
        start = block.line_offset(offset)
        end = block.text.find("\n", offset)
        end = len(block.text) if end < 0 else end
        needle = block.text[offset : min(end, offset + width)]
        if CODE_MARK in needle:
            needle = needle.split(CODE_MARK, 1)[0]
        if not needle.strip():
            return line, 1
        nth = block.text.count(needle, start, offset)
        return line, self.column(line, needle, nth)

    def find_line(self, needle: str, start: int, end: int) -> int | None:
        """First file line in [start, end] whose text contains `needle`."""
        for number in range(max(start, 1), min(end, len(self.lines)) + 1):
            if needle in self.lines[number - 1]:
                return number
        return None


class Parser:
    """Holds the one markdown-it instance a process needs (GFM tables on, as GitHub parses them)."""

    def __init__(self) -> None:
        self._md = MarkdownIt("commonmark").enable("table")

    def parse(self, text: str, front_matter: dict[str, Any] | None = None) -> Document:
        """`text` as rules read it. `front_matter`, when given, is what reading the text's front
        matter gives (the run that wrote it knows: Article.front_matter_as_read), so it is not read."""
        lines = NEWLINE.split(text)
        meta, problem, key_lines, meta_end, body = _split_front_matter(lines, front_matter)
        tokens = self._md.parse(body)
        blocks, tables, comments = _walk(tokens, offset=meta_end)
        deep = deepest_line(tokens)
        body_line = next(
            (n for n in range(meta_end + 1, len(lines) + 1) if lines[n - 1].strip()), meta_end + 1
        )
        return Document(
            text=text,
            lines=lines,
            meta=meta,
            meta_problem=problem,
            key_lines=key_lines,
            meta_end=meta_end,
            body_line=body_line,
            blocks=blocks,
            tables=tables,
            comments=comments,
            title=_title_block(meta, key_lines, blocks),
            too_deep_line=None if deep is None else deep + meta_end + 1,
            body=ParsedBody(body, tokens),
        )


def _title_block(meta: dict[str, Any], key_lines: dict[str, int], blocks: list[Block]) -> Block | None:
    """The front-matter title as prose, so rules read the headline whether or not the body repeats it.

    Published articles carry their headline only in the front matter; an article whose body opens
    with an H1 of the same text already has it as a heading block, so it is not read twice.
    """
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip() or "title" not in key_lines:
        return None
    first = blocks[0] if blocks else None
    if (
        first is not None
        and first.kind == "heading"
        and " ".join(first.text.split()) == " ".join(title.split())
    ):
        return None
    return Block("title", title, key_lines["title"], in_blockquote=False)


def _split_front_matter(
    lines: list[str], known: dict[str, Any] | None
) -> tuple[dict[str, Any], MetaProblem | None, dict[str, int], int, str]:
    """Return (meta, problem, key lines, last front matter line, body text); `known` is the meta."""
    if not lines or lines[0].removeprefix("\ufeff").rstrip() != "---":
        return (
            {},
            MetaProblem(1, "no front matter (the article must start with a '---' line)"),
            {},
            0,
            "\n".join(lines),
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            meta, problem, key_lines = _read_meta("\n".join(lines[1:index]), known)
            return meta, problem, key_lines, index + 1, "\n".join(lines[index + 1 :])
    problem = MetaProblem(1, "front matter opened on line 1 is never closed with '---'")
    return {}, problem, {}, 0, "\n".join(lines)


def _read_meta(
    header: str, known: dict[str, Any] | None
) -> tuple[dict[str, Any], MetaProblem | None, dict[str, int]]:
    key_lines: dict[str, int] = {}
    for number, raw in enumerate(header.split("\n"), start=2):
        match = _TOP_KEY.match(raw)
        if match:
            key_lines.setdefault(match.group(1), number)
    if known is not None:
        return known, None, key_lines
    try:
        data = load_yaml(header)
    except YamlProblem as problem:
        line = problem.line + 1 if problem.line is not None else 1
        reason = problem.reason
        message = f"front matter is {reason}" if reason.startswith("not valid") else f"front matter: {reason}"
        return {}, MetaProblem(line, message), key_lines
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, MetaProblem(2, "front matter must be a mapping of keys to values"), key_lines
    return data, None, key_lines


def _walk(tokens: list[Token], *, offset: int) -> tuple[list[Block], list[Table], list[Comment]]:
    """One pass over the token stream; `offset` is the number of file lines before the body."""
    blocks: list[Block] = []
    tables: list[Table] = []
    comments: list[Comment] = []
    quote_depth = 0
    blockquotes = 0
    parent = ""
    table: Table | None = None
    row: list[str] = []
    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            quote_depth += 1
            blockquotes += quote_depth == 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind in ("paragraph_open", "heading_open", "th_open", "td_open"):
            parent = kind
        elif kind == "table_open" and token.map:
            table = Table(token.map[0] + offset + 1, token.map[1] + offset, header=[])
            tables.append(table)
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and table is not None:
            if table.header:
                table.rows.append(row)
            else:
                table.header = row
        elif kind == "table_close":
            table = None
        elif kind == "html_block" and token.map:
            _collect_comments(token.content, token.map[0] + offset + 1, comments)
        elif kind == "inline" and token.map:
            line = token.map[0] + offset + 1
            prose, plain = _inline_text(token.children or [], line, comments)
            block_kind = "cell" if parent in _CELL_PARENTS else parent.removesuffix("_open")
            blocks.append(Block(block_kind, prose, line, quote_depth > 0, blockquotes if quote_depth else 0))
            if parent in _CELL_PARENTS:
                row.append(plain.strip())
    return blocks, tables, comments


def _inline_text(children: list[Token], line: int, comments: list[Comment]) -> tuple[str, str]:
    """Return (prose, plain): prose has code spans as CODE_MARK, plain keeps their content."""
    prose: list[str] = []
    plain: list[str] = []
    breaks = 0
    for child in children:
        kind = child.type
        if kind == "text":
            prose.append(child.content)
            plain.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            prose.append("\n")
            plain.append("\n")
            breaks += 1
        elif kind == "code_inline":
            prose.append(CODE_MARK)
            plain.append(child.content)
        elif kind == "html_inline":
            _collect_comments(child.content, line + breaks, comments)
            newlines = "\n" * child.content.count("\n")  # keep later text on its own line
            prose.append(newlines)
            plain.append(newlines)
            breaks += len(newlines)
    return "".join(prose), "".join(plain)


def _collect_comments(html: str, line: int, comments: list[Comment]) -> None:
    for match in _COMMENT.finditer(html):
        comments.append(Comment(line + html.count("\n", 0, match.start()), match.group(0)))
