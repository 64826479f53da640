"""The text a quote is checked against, from each kind of source file the checker reads.

Press releases arrive as web pages and filings as PDF; quoting them is no different from quoting a
text file once their words are out. Plain text (`.txt` and anything unrecognised) is read as UTF-8;
`.md` through the checker's own markdown parser (markup gone, code left out); `.html` with lxml's
HTML parser (scripts, styles and templates dropped, block elements kept apart); `.pdf` with pypdf,
page by page. The parsers are imported only when such a source is listed, so checking plain text
stays fast.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from generator.checks.document import CODE_MARK, Parser


class UnreadableSource(Exception):
    """The file was read but holds no usable text; the message is one line for the finding."""


_MARKDOWN = (".md", ".markdown")
_HTML = (".html", ".htm", ".xhtml")
_PDF = (".pdf",)
_DROPPED_HTML = ("script", "style", "noscript", "template")
_BLOCK_HTML = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "title",
        "tr",
        "ul",
    ]
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset", re.IGNORECASE)
_parser: Parser | None = None


def source_text(path: Path, data: bytes) -> str:
    """The words of a source file, chosen by its suffix."""
    suffix = path.suffix.lower()
    if suffix in _PDF:
        return _pdf_text(data)
    if suffix in _HTML:
        return _html_text(data)
    text = _utf8(data)
    return _markdown_text(text) if suffix in _MARKDOWN else text


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableSource("not UTF-8 text") from None


def _markdown_text(text: str) -> str:
    global _parser
    _parser = _parser or Parser()
    document = _parser.parse(text)
    return "\n\n".join(block.text.replace(CODE_MARK, " ") for block in document.blocks)


def _html_text(data: bytes) -> str:
    from lxml import etree, html  # only an HTML source pays for the parser

    # Without a <meta charset>, libxml2 would read bytes as Latin-1; the web's default is UTF-8.
    source: bytes | str = data if _META_CHARSET.search(data[:4096]) else _utf8(data)
    if isinstance(source, str) and source.lstrip().startswith("<?xml"):
        source = source.split("?>", 1)[1]  # lxml refuses str input that declares its encoding
    try:
        root = html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableSource(f"no text in this HTML ({exc})") from None
    for element in list(root.iter(*_DROPPED_HTML)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_HTML:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    return root.text_content()


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # only a PDF source pays for it
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a malformed PDF is reported once, below
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableSource("an encrypted PDF")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableSource(f"not a readable PDF ({exc})") from None
    if not text.strip():
        raise UnreadableSource("a PDF without extractable text (a scan needs OCR first)")
    return text
