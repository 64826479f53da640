"""Verbs that fit the displayed figure, its window and its comparison; reproducible variation.

The verb is chosen from the number a reader sees, not the raw value: -0.04% displays as "0.0%", so
the stock "barely moved" rather than "fell 0.0%". How strong a verb is depends on the window
(a 5% day "surged"; a 5% year only "rose") and on the comparison beside it: a stock that trailed its
benchmark did not "soar". Alternatives are picked by a per-article random stream seeded from its
slug and date, so the same run always writes the same words, two articles on the same day do not
read alike, and a verb just used is not used again in the next few choices.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import deque
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from generator.models import Fact, Measure
from generator.rulefiles import load_rule_file

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_RECENT = 3  # verbs remembered so a sentence does not repeat one
_AUXILIARIES = frozenset({"has", "have", "had", "was", "is", "been", "were"})


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tenses(_Rules):
    """Alternatives per tense: past for a closed period, present for headlines, perfect for 'since'."""

    past: list[str] = Field(min_length=1)
    present: list[str] = Field(min_length=1)
    perfect: list[str] = Field(min_length=1)


class MoveBand(Tenses):
    above: float | None = None
    strong: bool = False


class Scale(_Rules):
    days: int = Field(ge=1)
    scale: float = Field(gt=0)


class Moves(_Rules):
    scales: list[Scale] = Field(min_length=1)
    flat: Tenses
    bands: list[MoveBand] = Field(min_length=1)

    def scale(self, days: int | None) -> float:
        """The band multiplier for a window `days` long (1 when the window is unknown)."""
        if days is None:
            return 1.0
        for entry in self.scales:
            if days <= entry.days:
                return entry.scale
        last = self.scales[-1]
        return last.scale * math.sqrt(days / 365.25)


class RelativeWords(_Rules):
    flat: Tenses
    ahead: Tenses
    behind: Tenses


class ScoreWords(_Rules):
    """How a score's change is told: "rose to 72 from 58", "slipped to 40 from 46", "held at 58".

    A change of `slight_points` or fewer takes the `slight_up`/`slight_down` verbs ("edged up to 57
    from 56"): "climbed" for one point, or "slipped" for ten, overstates or understates it.
    """

    up: Tenses
    down: Tenses
    flat: Tenses
    slight_points: int = Field(ge=0)
    slight_up: Tenses
    slight_down: Tenses


class WritingRules(_Rules):
    """rules/writing.yaml."""

    moves: Moves
    relative: RelativeWords
    score_changes: ScoreWords
    headline_max_chars: int = Field(ge=20)

    @cached_property
    def lemmas(self) -> dict[str, str]:
        """Every verb phrase, in any tense, -> its past-tense verb: "has sunk" and "sinks" -> "sank".

        Alternatives are listed in the same order in each tense, so one position is one verb.
        """
        table: dict[str, str] = {}
        groups = [
            self.moves.flat,
            *self.moves.bands,
            self.relative.flat,
            self.relative.ahead,
            self.relative.behind,
            self.score_changes.up,
            self.score_changes.down,
            self.score_changes.flat,
            self.score_changes.slight_up,
            self.score_changes.slight_down,
        ]
        for tenses in groups:
            for index, past in enumerate(tenses.past):
                for phrase in (past, *_at(tenses.present, index), *_at(tenses.perfect, index)):
                    table.setdefault(phrase, _main_verb(past))
        return table

    windows: dict[str, list[str]]
    whole_number_measures: list[Measure] = Field(default_factory=list)
    notable_volume_ratio: float = Field(gt=0)
    movers_per_side: int = Field(ge=1)
    min_sector_members: int = Field(ge=1)
    min_yardstick_members: int = Field(ge=1)
    min_days_since_bigger_move: int = Field(ge=1)
    min_streak_told: int = Field(ge=2)


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


def direction(fact: Fact) -> int:
    """1, 0 or -1: the sign of the figure as displayed."""
    shown = displayed_value(fact)
    return (shown > 0) - (shown < 0)


def magnitude(fact: Fact) -> str:
    """The display text without its sign, for prose where the verb carries the direction."""
    return fact.display.removeprefix("-")


def window_days(fact: Fact) -> int | None:
    if fact.start is None or fact.end is None or fact.measure not in _CHANGES:
        return None
    return max(1, (fact.end - fact.start).days)


_CHANGES = (Measure.RETURN, Measure.AVERAGE)


def _at(options: list[str], index: int) -> list[str]:
    return [options[index]] if index < len(options) else []


def _main_verb(phrase: str) -> str:
    """ "has surged" -> "surged", "edged up" -> "edged": the word a reader hears as the verb."""
    return next((word for word in phrase.split() if word not in _AUXILIARIES), phrase)


class Voice:
    """One article's phrasing choices: verbs from the rules, alternatives from a seeded stream."""

    def __init__(self, rules: WritingRules, seed_text: str) -> None:
        self.rules = rules
        digest = hashlib.sha256(seed_text.encode("utf-8")).digest()
        self._random = random.Random(int.from_bytes(digest[:8], "big"))
        self._recent: deque[str] = deque(maxlen=_RECENT)
        self._for_fact: dict[str, str] = {}  # fact id -> the verb (as a lemma) it was told with

    def choose(self, options: list[str] | tuple[str, ...]) -> str:
        return options[self._random.randrange(len(options))]

    def verb(self, options: list[str], fact: Fact | None = None) -> str:
        """A verb phrase from `options`: the one a fact was told with before, if it is among them
        (one figure, one verb, from headline to takeaways), else one whose verb — in any tense —
        was not among the last few chosen, so a sentence does not say "sank ... has sunk"."""
        lemma = self.rules.lemmas.get
        if fact is not None and fact.id in self._for_fact:
            same = [o for o in options if lemma(o, o) == self._for_fact[fact.id]]
            if same:
                self._recent.append(self._for_fact[fact.id])
                return same[0]
        fresh = [o for o in options if lemma(o, o) not in self._recent]
        if not fresh:  # every option was just used: the one used longest ago, never the last one
            recent = list(self._recent)
            fresh = [min(options, key=lambda o: recent.index(lemma(o, o)))]
        chosen = self.choose(fresh)
        self._recent.append(lemma(chosen, chosen))
        if fact is not None:
            self._for_fact[fact.id] = lemma(chosen, chosen)
        return chosen

    def move(self, fact: Fact, tense: str = "past", against: Fact | None = None) -> str:
        """'rose 3.2%', 'has surged 115.0%', or 'barely moved' when the figure displays as zero.

        `against` is the comparison printed beside the move (a difference in percentage points); a
        strong verb is not used when it points the other way.
        """
        shown = displayed_value(fact)
        moves = self.rules.moves
        if shown == 0:
            return self.verb(getattr(moves.flat, tense), fact)
        scale = moves.scale(window_days(fact))
        index = next(i for i, b in enumerate(moves.bands) if b.above is None or shown > b.above * scale)
        band = moves.bands[index]
        if band.strong and against is not None and direction(against) * (1 if shown > 0 else -1) < 0:
            band = moves.bands[index + 1 if shown > 0 else index - 1]
        return f"{self.verb(getattr(band, tense), fact)} {magnitude(fact)}"

    def versus(self, fact: Fact, other: str, tense: str = "past") -> str:
        """'outperformed the index by 3.2 percentage points', or 'roughly matched the index'."""
        shown = displayed_value(fact)
        words = self.rules.relative
        if shown == 0:
            return f"{self.verb(getattr(words.flat, tense), fact)} {other}"
        verb = self.verb(getattr(words.ahead if shown > 0 else words.behind, tense), fact)
        return f"{verb} {other} by {magnitude(fact)}"

    def change(self, change: Fact, current: Fact, previous: Fact, tense: str = "past") -> str:
        """'rose to 72 from 58', 'has slipped to 40 from 46', or 'held at 58' when unchanged."""
        words = self.rules.score_changes
        shown = displayed_value(change)
        if shown == 0:
            return f"{self.verb(getattr(words.flat, tense), change)} {current.display}"
        if abs(shown) <= words.slight_points:
            verbs = words.slight_up if shown > 0 else words.slight_down
        else:
            verbs = words.up if shown > 0 else words.down
        verb = self.verb(getattr(verbs, tense), change)
        return f"{verb} to {current.display} from {previous.display}"

    def snapshot(self) -> tuple:
        """Everything a choice changes, so a headline tried and not used leaves no trace."""
        return self._random.getstate(), tuple(self._recent), dict(self._for_fact)

    def restore(self, state: tuple) -> None:
        random_state, recent, for_fact = state
        self._random.setstate(random_state)
        self._recent.clear()
        self._recent.extend(recent)
        self._for_fact = for_fact

    def window(self, name: str) -> str:
        """'over the past month' for '1M'; 'since March 3, 2024' style windows pass through."""
        return self.choose(self.rules.windows[name]) if name in self.rules.windows else name
