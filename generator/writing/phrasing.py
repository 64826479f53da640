"""Verbs that agree with the displayed figure, and reproducible variation between articles.

The verb is chosen from the number a reader sees, not the raw value: -0.04% displays as "0.0%", so
the stock "was little changed" rather than "fell 0.0%". Alternatives are picked by a per-article
random stream seeded from its slug and date: the same run always writes the same words, and two
articles on the same day do not read alike.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from generator.models import Fact
from generator.rulefiles import load_rule_file

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tenses(_Rules):
    """Alternatives per tense: past for a closed period, present for headlines, perfect for 'since'."""

    past: list[str] = Field(min_length=1)
    present: list[str] = Field(min_length=1)
    perfect: list[str] = Field(min_length=1)


class MoveBand(Tenses):
    above: float | None = None


class Moves(_Rules):
    flat: Tenses
    bands: list[MoveBand] = Field(min_length=1)


class RelativeWords(_Rules):
    flat: Tenses
    ahead: Tenses
    behind: Tenses


class WritingRules(_Rules):
    """rules/writing.yaml."""

    moves: Moves
    relative: RelativeWords
    windows: dict[str, list[str]]
    notable_volume_ratio: float = Field(gt=0)
    movers_per_side: int = Field(ge=1)


def load_writing_rules(rules_dir: Path) -> WritingRules:
    return load_rule_file(rules_dir / "writing.yaml", WritingRules)


def displayed_value(fact: Fact) -> float:
    """The number a reader sees in the fact's display text ("-3.2%" -> -3.2, "$1,204" -> 1204)."""
    head = fact.display.split(" ", 1)[0].replace(",", "").replace("$", "").rstrip("%")
    try:
        return float(head)
    except ValueError:
        pass  # words ("seven") or units before the number: search the whole text
    match = _NUMBER.search(fact.display)
    if match is None:
        raise ValueError(f"fact {fact.id} displays no number: {fact.display!r}")
    return float(match.group().replace(",", ""))


def magnitude(fact: Fact) -> str:
    """The display text without its sign, for prose where the verb carries the direction."""
    return fact.display.removeprefix("-")


class Voice:
    """One article's phrasing choices: verbs from the rules, alternatives from a seeded stream."""

    def __init__(self, rules: WritingRules, seed_text: str) -> None:
        self.rules = rules
        digest = hashlib.sha256(seed_text.encode("utf-8")).digest()
        self._random = random.Random(int.from_bytes(digest[:8], "big"))

    def choose(self, options: list[str] | tuple[str, ...]) -> str:
        return options[self._random.randrange(len(options))]

    def move(self, fact: Fact, tense: str = "past") -> str:
        """'rose 3.2%', 'has surged 115.0%', or 'was little changed' when the figure displays as zero."""
        shown = displayed_value(fact)
        moves = self.rules.moves
        if shown == 0:
            return self.choose(getattr(moves.flat, tense))
        band = next(b for b in moves.bands if b.above is None or shown > b.above)
        return f"{self.choose(getattr(band, tense))} {magnitude(fact)}"

    def versus(self, fact: Fact, other: str, tense: str = "past") -> str:
        """'outperformed the index by 3.2 percentage points', or 'roughly matched the index'."""
        shown = displayed_value(fact)
        words = self.rules.relative
        if shown == 0:
            return f"{self.choose(getattr(words.flat, tense))} {other}"
        verb = self.choose(getattr(words.ahead if shown > 0 else words.behind, tense))
        return f"{verb} {other} by {magnitude(fact)}"

    def window(self, name: str) -> str:
        """'over the past month' for '1M'; 'since March 3, 2024' style windows pass through."""
        return self.choose(self.rules.windows[name]) if name in self.rules.windows else name
