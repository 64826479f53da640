"""python-markdown's HTML for the markdown newsdesk writes, rendered from markdown-it's tokens.

The checker already parses every article with markdown-it; converting the same body a second time
with python-markdown (the site's renderer) cost about a tenth of an article's CPU. For the plain
subset the templates produce (paragraphs, ATX headings, one-line bullet items, GFM tables, bold and
italic text, the article's chart image), this module writes from those tokens the HTML
python-markdown would write, byte for byte. Anything beyond that subset, or any text where the two
parsers could read the markdown differently (escapes, HTML, entities, code, links, nesting,
underscores, blocks not set off by blank lines, stray asterisks), returns None and the caller
converts with python-markdown as before, so the output never depends on which path ran.
tests/site/test_token_html.py compares the two on every generated article and on random markdown.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from html import escape

from markdown_it.token import Token

# Text in which the two parsers may disagree: escapes, raw HTML, code, entities, footnote and
# reference syntax, tabs, underscores (emphasis rules differ), hard breaks and indentation.
_UNSAFE = re.compile(r"[\\<`\t\r_~]|&#|&[A-Za-z][A-Za-z0-9]*;|\[\^|\]:|  \n|^[ \t]|[ \t]$|\*\*\*", re.M)
_CHART_SRC = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.svg")
_ALIGN = {"left": "left", "right": "right", "center": "center"}
_BLOCKS = {"paragraph_open", "heading_open", "bullet_list_open", "table_open"}


class _Beyond(Exception):
    """The tokens hold something outside the subset: python-markdown renders this body."""


def html_from_tokens(body: str, tokens: Sequence[Token]) -> str | None:
    """python-markdown's HTML (tables extension, output_format="html") for `body`, written from
    `tokens` (markdown-it's parse of exactly `body`); None when the body is beyond the subset."""
    if _UNSAFE.search(body):
        return None
    lines = body.split("\n")
    try:
        return "\n".join(_blocks(tokens, lines))
    except _Beyond:
        return None


def _blocks(tokens: Sequence[Token], lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type not in _BLOCKS or token.level != 0 or token.map is None:
            raise _Beyond
        _set_off(token.map, lines)
        if token.type == "paragraph_open":
            out.append(f"<p>{_inline(tokens[i + 1])}</p>")
            i = _expect(tokens, i + 2, "paragraph_close")
        elif token.type == "heading_open":
            if token.markup != "#" * int(token.tag[1]):
                raise _Beyond  # a setext heading
            out.append(f"<{token.tag}>{_inline(tokens[i + 1])}</{token.tag}>")
            i = _expect(tokens, i + 2, "heading_close")
        elif token.type == "bullet_list_open":
            items, i = _list(tokens, i + 1, lines)
            out.append("<ul>\n" + "\n".join(items) + "\n</ul>")
            if i < len(tokens) and tokens[i].type == "bullet_list_open":
                raise _Beyond  # markdown-it starts a new list where the marker changes
        else:
            table, i = _table(tokens, i + 1)
            out.append(table)
    return out


def _set_off(span: list[int], lines: list[str]) -> None:
    """python-markdown reads blocks between blank lines: each block must be set off by them."""
    start, end = span
    while end > start and not lines[end - 1].strip():
        end -= 1  # a list's span takes in the blank line after it
    if (start > 0 and lines[start - 1].strip()) or (end < len(lines) and lines[end].strip()):
        raise _Beyond


def _expect(tokens: Sequence[Token], i: int, kind: str) -> int:
    if i >= len(tokens) or tokens[i].type != kind:
        raise _Beyond
    return i + 1


def _list(tokens: Sequence[Token], i: int, lines: list[str]) -> tuple[list[str], int]:
    """One-line items, either all adjacent (a tight list) or all one blank line apart (a loose one,
    each item a paragraph): python-markdown decides looseness item by item, markdown-it per list."""
    items: list[str] = []
    rows: list[int] = []
    loose = False
    while tokens[i].type == "list_item_open":
        span = tokens[i].map
        filled = [n for n in range(*span) if lines[n].strip()] if span else []
        if len(filled) != 1 or tokens[i + 1].type != "paragraph_open":
            raise _Beyond  # an item over several lines: the parsers join lines differently
        rows.append(filled[0])
        loose = not tokens[i + 1].hidden
        text = _inline(tokens[i + 2])
        items.append(f"<li>\n<p>{text}</p>\n</li>" if loose else f"<li>{text}</li>")
        i = _expect(tokens, i + 3, "paragraph_close")
        i = _expect(tokens, i, "list_item_close")
    gaps = {b - a for a, b in itertools.pairwise(rows)}
    if gaps - {2 if loose else 1}:
        raise _Beyond
    return items, _expect(tokens, i, "bullet_list_close")


def _table(tokens: Sequence[Token], i: int) -> tuple[str, int]:
    parts = ["<table>"]
    i = _expect(tokens, i, "thead_open")
    parts.append("<thead>")
    i = _row(tokens, i, "th", parts)
    i = _expect(tokens, i, "thead_close")
    parts.append("</thead>")
    i = _expect(tokens, i, "tbody_open")  # python-markdown writes an empty body; markdown-it none
    parts.append("<tbody>")
    while tokens[i].type == "tr_open":
        i = _row(tokens, i, "td", parts)
    i = _expect(tokens, i, "tbody_close")
    parts += ["</tbody>", "</table>"]
    return "\n".join(parts), _expect(tokens, i, "table_close")


def _row(tokens: Sequence[Token], i: int, cell: str, parts: list[str]) -> int:
    i = _expect(tokens, i, "tr_open")
    parts.append("<tr>")
    while tokens[i].type == f"{cell}_open":
        style = tokens[i].attrGet("style")
        align = _ALIGN.get(str(style).removeprefix("text-align:")) if style else None
        if style and align is None:
            raise _Beyond
        opening = f'<{cell} style="text-align: {align};">' if align else f"<{cell}>"
        parts.append(f"{opening}{_inline(tokens[i + 1])}</{cell}>")
        i = _expect(tokens, i + 2, f"{cell}_close")
    parts.append("</tr>")
    return _expect(tokens, i, "tr_close")


def _inline(token: Token) -> str:
    if token.type != "inline":
        raise _Beyond
    out = []
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            if "*" in child.content:
                raise _Beyond  # an asterisk markdown-it left as text; python-markdown may not
            out.append(escape(child.content, quote=False))
        elif kind in ("strong_open", "strong_close", "em_open", "em_close"):
            out.append(f"<{'/' if kind.endswith('close') else ''}{child.tag}>")
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "image":
            out.append(_image(child))
        else:
            raise _Beyond
    return "".join(out)


def _image(token: Token) -> str:
    """The article's own chart: a plain alt text and a file name, no title."""
    src = str(token.attrGet("src") or "")
    children = token.children or []
    if not _CHART_SRC.fullmatch(src) or token.attrGet("title") is not None:
        raise _Beyond
    if any(child.type != "text" for child in children) or "*" in token.content:
        raise _Beyond
    alt = escape(token.content, quote=False).replace('"', "&quot;")
    return f'<img alt="{alt}" src="{src}">'
