"""numbers.*: every figure in an article with a facts sidecar must trace to a fact.

A figure is a number with a unit a reader would quote: a percentage, money, a multiple, a score, a
percentile, a count of something. Bare numbers (years, dates, quarter numbers) are not figures. A
figure traces to the facts whose unit fits its kind and whose display text shows it; only when no
display does, to those whose value it shows at its precision ("$5 billion" traces to 4.8e9 dollars).
Signs are ignored ("fell 3.2%" against -3.2): what the words say about a figure is claims.*'s job.
Figures inside a quote verified against its source are exempt: the quote is traced to the source
instead. The headline (the front-matter title) is read like the body, unless the body repeats it as
its first heading. The vocabulary is data, in rules/numbers.yaml.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from generator.checks.base import Article, Hit, Rule
from generator.checks.document import Block
from generator.checks.quotes import verify_quotes
from generator.models import Fact, Unit

FigureKind = Literal["percent", "points", "money", "multiple", "score", "percentile", "count"]
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_TOLERANCE = 1e-9
_DISPLAY_CACHE_LIMIT = 100_000
_LEADING_NUMBER = re.compile(rf"[-$]*({_NUMBER})")


class NumbersSettings(BaseModel):
    """The words that make a number a figure, and which fact units each kind of figure traces to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    percent_words: list[str] = Field(min_length=1)
    points_words: list[str] = Field(min_length=1)
    basis_points_words: list[str] = Field(min_length=1)
    currency_prefixes: list[str] = Field(min_length=1)
    currency_words: list[str]
    cents_words: list[str]
    multiple_words: list[str]
    percentile_words: list[str]
    score_suffixes: list[str]
    count_units: list[str]
    lead_ins: dict[str, FigureKind]
    scale_words: dict[str, float]
    kinds: dict[FigureKind, list[Unit]]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """One regex for every figure shape, compiled once per process."""

        def alt(words: Iterable[str]) -> str:
            escaped = [re.escape(word) for word in sorted(words, key=len, reverse=True)]
            return "|".join(escaped) or "(?!)"  # an empty list never matches

        suffixes = "|".join(
            [
                f"(?P<pct>{alt(self.percent_words)})",
                f"(?P<bps>{alt(self.basis_points_words)})",
                f"(?P<pts>{alt(self.points_words)})",
                f"(?P<mult>{alt(self.multiple_words)})",
                f"(?P<cents>{alt(self.cents_words)})",
                f"(?P<curw>{alt(self.currency_words)})",
                f"(?-i:(?P<unit>{alt(self.count_units)}))",  # "3M Company" is a name, not a count
                f"(?P<ssuf>{alt(self.score_suffixes)})",
            ]
        )
        return re.compile(
            rf"(?<![\w.,/])(?:(?P<lead>{alt(self.lead_ins)})\s+)?[+\-−±]?"
            rf"(?P<cur>{alt(self.currency_prefixes)})?\s?(?P<num>{_NUMBER})"
            rf"(?:(?P<pctl>st|nd|rd|th)\s(?:{alt(self.percentile_words)})(?!\w))?"
            rf"(?:\s?(?P<scale>{alt(self.scale_words)})(?![\w%]))?"
            rf"(?:\s?(?:{suffixes})(?!\w))?",
            re.IGNORECASE,
        )

    @cached_property
    def display_cache(self) -> dict[str, tuple[float, ...]]:
        """Figures parsed from fact display texts, which repeat across a run's articles."""
        return {}

    @cached_property
    def lead_in_kinds(self) -> dict[str, FigureKind]:
        return {phrase.casefold(): kind for phrase, kind in self.lead_ins.items()}

    @cached_property
    def scales(self) -> dict[str, float]:
        return {word.casefold(): value for word, value in self.scale_words.items()}


@dataclass(slots=True)
class Figure:
    """A figure as written, what it means, and the facts it traces to."""

    text: str
    kind: FigureKind
    number: float  # as written, in `scale` units, unsigned
    decimals: int
    scale: float  # multiply `number` by this for the value in the fact's base unit
    start: int = 0
    end: int = 0
    line: int = 0
    column: int = 0
    facts: list[Fact] = field(default_factory=list)
    block: Block | None = None  # the prose block it was found in (None for a display text)

    @property
    def magnitude(self) -> float:
        return self.number * self.scale


def parse_figures(text: str, settings: NumbersSettings) -> Iterable[Figure]:
    """Every figure in `text`; numbers without a unit are not figures and are skipped."""
    for match in settings.pattern.finditer(text):
        kind, scale = _classify(match, settings)
        if kind is None:
            continue
        raw = match.group("num")
        number = float(raw.replace(",", ""))
        decimals = len(raw.partition(".")[2])
        yield Figure(match.group(0), kind, number, decimals, scale, match.start(), match.end())


def _classify(match: re.Match[str], settings: NumbersSettings) -> tuple[FigureKind | None, float]:
    scale = settings.scales.get((match.group("scale") or "").casefold(), 1.0)
    if match.group("pct"):
        return "percent", 1.0
    if match.group("bps"):
        return "points", 0.01
    if match.group("pts"):
        return "points", 1.0
    if match.group("mult"):
        return "multiple", 1.0
    if match.group("pctl"):
        return "percentile", 1.0
    if match.group("cents"):
        return "money", 0.01
    if match.group("cur") or match.group("curw"):
        return "money", scale
    if match.group("unit"):
        return "count", scale
    if match.group("lead"):
        return settings.lead_in_kinds[match.group("lead").casefold()], 1.0
    if match.group("ssuf"):
        return "score", 1.0
    return None, 1.0


class FactIndex:
    """An article's facts indexed for tracing: by unit and magnitude, and by their displays' figures.

    Tracing a figure is then a binary search, not a scan of every fact: a brief states ~30 figures
    against ~30 facts, and the check must keep up with thousands of articles a run.
    """

    def __init__(self, facts: Iterable[Fact], settings: NumbersSettings) -> None:
        self._settings = settings
        by_unit: dict[Unit, list[tuple[float, int, Fact]]] = {}
        self._by_display: dict[tuple[Unit, float], list[Fact]] = {}
        for order, fact in enumerate(facts):
            if fact.unit is Unit.DATE:
                continue
            by_unit.setdefault(fact.unit, []).append((abs(fact.value), order, fact))
            for magnitude in _display_magnitudes(fact.display, settings):
                self._by_display.setdefault((fact.unit, _key(magnitude)), []).append(fact)
        self._order = {id(fact): order for entries in by_unit.values() for _, order, fact in entries}
        self._values = {
            unit: [v for v, _, _ in sorted(e, key=lambda x: x[:2])] for unit, e in by_unit.items()
        }
        self._facts = {unit: [f for _, _, f in sorted(e, key=lambda x: x[:2])] for unit, e in by_unit.items()}

    def trace(self, figure: Figure) -> list[Fact]:
        """Facts the figure is: those whose display it is, else those whose value it shows.

        A display match wins: "$10" is the fact displayed "$10" (a 52-week low), not also a close of
        $10.23 that rounds to it. Only a figure no display matches (a person's rounding, "about
        $5 billion") is traced by value at its precision.
        """
        shown: dict[int, Fact] = {}
        for unit in self._settings.kinds.get(figure.kind, ()):
            shown.update((id(f), f) for f in self._by_display.get((unit, _key(figure.magnitude)), ()))
        if shown:
            return sorted(shown.values(), key=lambda fact: self._order[id(fact)])
        found: dict[int, Fact] = {}
        half_step = 0.5 * 10**-figure.decimals
        for unit in self._settings.kinds.get(figure.kind, ()):
            values = self._values.get(unit)
            if values:
                low = (figure.number - half_step) * figure.scale
                high = (figure.number + half_step) * figure.scale
                slack = _TOLERANCE * max(1.0, abs(high))
                first = bisect_left(values, low - slack)
                last = bisect_right(values, high + slack)
                found.update((id(f), f) for f in self._facts[unit][first:last])
        return sorted(found.values(), key=lambda fact: self._order[id(fact)])

    def any_unit(self, figure: Figure) -> list[Fact]:
        """Facts of any unit displayed with the figure's number: what a mislabelled figure meant."""
        key = _key(figure.magnitude)
        return [
            fact for (_, magnitude), facts in self._by_display.items() if magnitude == key for fact in facts
        ]


def _key(magnitude: float) -> float:
    """Magnitudes equal up to float noise share a key."""
    return float(f"{magnitude:.9g}")


def _display_magnitudes(display: str, settings: NumbersSettings) -> tuple[float, ...]:
    cache = settings.display_cache
    if len(cache) > _DISPLAY_CACHE_LIMIT:  # a long-lived process checking many articles stays bounded
        cache.clear()
    if display not in cache:
        magnitudes = tuple(f.magnitude for f in parse_figures(display, settings))
        if not magnitudes:  # a display without its unit words, such as a percentile's "99th"
            leading = _LEADING_NUMBER.match(display)
            magnitudes = (float(leading.group(1).replace(",", "")),) if leading else ()
        cache[display] = magnitudes
    return cache[display]


def trace_figures(article: Article) -> list[Figure]:
    """Every figure outside verified quotes, with the facts it traces to; [] without a sidecar."""
    if article.sidecar is None:
        return []
    settings = cast(NumbersSettings, article.settings["numbers"])
    index = article.analysis(fact_index)
    exempt: dict[int, list[tuple[int, int]]] = {}
    for quote in article.analysis(verify_quotes):
        if quote.status == "verified":
            for block, start, end in quote.pieces:
                exempt.setdefault(id(block), []).append((start, end))
    doc = article.document
    figures = []
    for block in doc.prose:
        spans = exempt.get(id(block), ())
        for figure in parse_figures(block.text, settings):
            if any(start <= figure.start and figure.end <= end for start, end in spans):
                continue
            figure.line, figure.column = doc.locate(block, figure.start, len(figure.text))
            figure.facts = index.trace(figure)
            figure.block = block
            figures.append(figure)
    return figures


def fact_index(article: Article) -> FactIndex:
    """The article's sidecar facts indexed for tracing (empty without a sidecar), built once."""
    facts = article.sidecar.facts if article.sidecar is not None else []
    return FactIndex(facts, cast(NumbersSettings, article.settings["numbers"]))


class NumbersUntraced(Rule):
    """A figure in an article with a facts sidecar does not trace to any fact.

    Why: every number the desk publishes must come from a computed fact an editor can recompute.
    A figure traces when it equals a fact's display text, or the fact's value at the precision the
    figure shows; signs are ignored, and figures inside a verified quote are traced to the source.

    Bad (the sidecar's fact `hlxm.return_1m` is 4.8, unit percent)::

        Helix Microdevices rose 5.3% over the month.

    Good::

        Helix Microdevices rose 4.8% over the month.
    """

    id = "numbers.untraced"
    settings: NumbersSettings

    def check(self, article: Article) -> Iterable[Hit]:
        for figure in article.analysis(trace_figures):
            if not figure.facts:
                yield Hit(
                    figure.line,
                    figure.column,
                    f"figure {figure.text!r} does not trace to any fact in the sidecar",
                    figure.text,
                )
