"""How deeply markdown nests, so the checker and the HTML renderer never disagree about the text.

markdown-it, the checker's parser, stops reading where containers nest `MAX_LEVEL` deep (its
maxNesting) and silently drops the rest of the document; Python-Markdown, the HTML renderer,
recurses once per level and dies on a few hundred nested list markers (a company name or an
editor's bullet of "- - - - ..."). So an article that nests that deep is an error for the checker
(`structure.nesting`: it cannot verify what it cannot read), and the renderer flattens it to plain
paragraphs: no text a reader sees goes unchecked, and nothing crashes a run.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

MAX_LEVEL = 20  # markdown-it's maxNesting: a list adds two levels, a block quote one
_DEEP_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]{5,}", re.MULTILINE)


def deepest_line(tokens: Sequence[Token]) -> int | None:
    """The 0-based line (of the parsed text) where nesting reaches the limit, or None.

    A token at level MAX_LEVEL - 1 is as deep as markdown-it goes: anything deeper was dropped.
    """
    line = 0
    for token in tokens:
        if token.map:
            line = token.map[0]
        if token.level >= MAX_LEVEL - 1:
            return line
    return None


def too_deep(markdown_text: str) -> bool:
    """Whether `deepest_line` would find the limit reached; parses only when a line could nest.

    Each list or block quote a line is inside costs it at least one column of prefix (a marker or
    indentation; a tab is at most four), so reaching MAX_LEVEL needs a line starting with five or
    more such characters. Articles have none, and the parse (a millisecond) is skipped.
    """
    if not _DEEP_PREFIX.search(markdown_text):
        return False
    return deepest_line(_parser().parse(markdown_text)) is not None


def flattened_html(markdown_text: str) -> str:
    """The text as escaped paragraphs, markup and all: what the renderer shows of a too-deep body."""
    blocks = (block.strip() for block in markdown_text.split("\n\n"))
    return "\n".join(f"<p>{html.escape(block)}</p>" for block in blocks if block)


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")
