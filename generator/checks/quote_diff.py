"""Which words differ between a misquote and the source passage most like it.

The checker records the answer in the finding (character ranges into each text), so a review page
marks the changed words from data. Words compare without the punctuation at their edges and with
one kind of apostrophe, so a moved comma or a curly apostrophe is not shown as a changed word; the
first word's case is free, as it is when quotes are matched ("revenue rose" may open a quote "Revenue rose").
"""

from __future__ import annotations

import difflib
import re

Ranges = tuple[tuple[int, int], ...]

_WORD = re.compile(r"\S+")
_EDGE_PUNCTUATION = "\"“”‘’'.,;:!?()"


def changed_ranges(quoted: str, passage: str) -> tuple[Ranges, Ranges]:
    """[start, end) ranges of the words of `quoted` not in `passage`, and of `passage` not in `quoted`.

    Neighbouring changed words form one range, so "fast as the" for "quick as a" is marked as the
    runs a reader sees, not word by word.
    """
    old = _words(quoted)
    new = _words(passage)
    matcher = difflib.SequenceMatcher(None, [w for *_, w in old], [w for *_, w in new], autojunk=False)
    old_ranges: list[tuple[int, int]] = []
    new_ranges: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            old_ranges.append((old[i1][0], old[i2 - 1][1]))
        if j2 > j1:
            new_ranges.append((new[j1][0], new[j2 - 1][1]))
    return tuple(old_ranges), tuple(new_ranges)


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, comparable form) of each word; the first word compares in lower case."""
    words = [(m.start(), m.end(), _comparable(m.group())) for m in _WORD.finditer(text)]
    if words:
        start, end, first = words[0]
        words[0] = (start, end, first.lower())
    return words


def _comparable(word: str) -> str:
    return word.replace("’", "'").strip(_EDGE_PUNCTUATION) or word
