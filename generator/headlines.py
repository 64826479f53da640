"""Which way a news headline points, read the same way by the writer and by the checker.

A headline that says a stock plunged, or that a company missed estimates, points down; one that
says it beat them, or that shares surged, points up. The writer gives a headline as a move's
cause only when it points the same way (the session's other news is reported with a contrast word,
never one about the shares themselves), and the checker's `claims.cause` flags an article that
gives a headline as the cause of a move the other way; both read the word lists in
rules/claims.yaml through here, so they cannot disagree. A headline with words of both directions,
or of neither, points nowhere.
"""

from __future__ import annotations

import re
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

_WORD = re.compile(r"[\w'’]+")


class HeadlineWords(BaseModel):
    """rules/claims.yaml `settings.headlines`: the words that give a headline a direction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rising: list[str] = Field(min_length=1)
    falling: list[str] = Field(min_length=1)
    price_words: list[str] = Field(default_factory=list)  # "shares": a headline about the price itself
    material: list[str] = Field(default_factory=list)  # "lawsuit", "recall": news a brief must not pass over

    @cached_property
    def _tables(self) -> dict[str, list[tuple[str, ...]]]:
        tables: dict[str, list[tuple[str, ...]]] = {}
        for name, phrases in (("rising", self.rising), ("falling", self.falling)):
            for phrase in phrases:
                words = tuple(w.lower() for w in re.split(r"[\s\-]+", phrase.strip()) if w)
                if words:
                    tables.setdefault(words[0], []).append((*words, f"\0{name}"))
        return tables

    @cached_property
    def _price_words(self) -> frozenset[str]:
        return frozenset(w.lower() for w in self.price_words)

    @cached_property
    def _material(self) -> frozenset[str]:
        return frozenset(w.lower() for w in self.material)

    def is_material(self, title: str) -> bool:
        """Whether the headline is of the kind a brief cites before any other (a lawsuit, a recall)."""
        return _has_word(title, self._material)

    def about_the_price(self, title: str) -> bool:
        """Whether the headline reports the stock's own move ("... lifts Zenithal shares")."""
        return _has_word(title, self._price_words)

    def direction(self, title: str) -> int:
        """+1 when the headline's words point up, -1 down, 0 for both or neither."""
        words = [m.group(0).lower() for m in _WORD.finditer(title)]
        found = set()
        for index, word in enumerate(words):
            for candidate in self._tables.get(word, ()):
                *phrase, kind = candidate
                if words[index : index + len(phrase)] == phrase:
                    found.add(kind)
        if found == {"\0rising"}:
            return 1
        if found == {"\0falling"}:
            return -1
        return 0


def _has_word(title: str, words: frozenset[str]) -> bool:
    """Whether any whole word of `title`, case aside, is one of `words` (lower-case)."""
    return any(m.group(0).lower() in words for m in _WORD.finditer(title))
