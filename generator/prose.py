"""Sentences of prose, the one way the writer and the checker both split text.

The writer records which sentence each claim sits in; the checker reads claims sentence by sentence.
Both must agree on where a sentence ends, so the rule lives here. A sentence ends at `.`, `!` or `?`
(and any closing quote marks or brackets) followed by space and a capital, digit or opening mark —
unless the word before is an abbreviation (Inc., Corp., Nov., U.S.) or an initial (C.R.).
Linear time: one pass of a simple pattern over the text.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    {
        *("inc", "corp", "co", "ltd", "plc", "llc", "lp", "bros"),
        *("jan", "feb", "aug", "sept", "sep", "oct", "nov", "dec"),
        *("mr", "ms", "mrs", "dr", "st", "jr", "sr", "vs", "no", "dept", "est"),
        *("gov", "sen", "rep", "gen", "col", "lt", "sgt", "ft", "mt"),
    }
)
_END = re.compile(r"[.!?][”\"’')\]*_]*(?=\s)")  # closing marks, brackets and markdown emphasis
_INITIALS = re.compile(r"(?:[A-Z]\.)+$")
_OPENERS = "“\"‘'([*_"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `text`, surrounding whitespace excluded."""
    spans = []
    start = _skip_space(text, 0)
    for match in _END.finditer(text):
        end = match.end()
        following = _skip_space(text, end)
        if following >= len(text) or not _starts_sentence(text[following]):
            continue
        if text[match.start()] == "." and _is_abbreviation(text, start, match.start()):
            continue
        if end > start:
            spans.append((start, end))
        start = following
    tail = text[start:].rstrip()
    if tail:
        spans.append((start, start + len(tail)))
    return spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in _OPENERS


def _is_abbreviation(text: str, start: int, period: int) -> bool:
    """Whether the period at `period` closes an abbreviation or initial rather than a sentence."""
    word_start = period
    while word_start > start and not text[word_start - 1].isspace() and text[word_start - 1] not in '(“"':
        word_start -= 1
    word = text[word_start : period + 1]
    if _INITIALS.search(word) and len(word) <= 6:  # "C.R." or "U.S." or "E."
        return True
    return word[:-1].lower().strip(".") in ABBREVIATIONS
