"""claims.*: what a sentence says about its figures must be true of the facts behind them.

numbers.* proves a figure's value; these rules prove its words. They read the article sentence by
sentence (generator.prose splits sentences as the writer does), find each figure's facts through
numbers.trace_figures — narrowed to the facts the sidecar's claims say that sentence states — and
check the words around it against what the facts mean: the measure ("closed at" needs a closing
price), the direction ("rose" needs a rise), rankings over the members compared, the date of old
inputs, and what the data can know at all. They need a facts sidecar; without one there is nothing
to hold the words against.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import cast

from pydantic import BaseModel, ConfigDict, Field

from generator import apstyle
from generator.checks.base import Article, Hit, Rule
from generator.checks.document import Block
from generator.checks.numbers import Figure, fact_index, trace_figures
from generator.headlines import HeadlineWords
from generator.models import Claim, Fact, Measure, Unit
from generator.prose import sentence_spans

_SIGNED = re.compile(r"^\s*([+\-−])")


class MeasureCue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: list[str] = Field(min_length=1)
    fits: list[Measure] = Field(min_length=1)


class ClaimsSettings(BaseModel):
    """rules/claims.yaml: the words that state a measure, a direction, a ranking or an absence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cue_window: int = Field(ge=1)
    measure_cues: dict[str, MeasureCue]
    points_fit: list[Measure]
    rising: list[str]
    falling: list[str]
    ahead: list[str]
    behind: list[str]
    after_rising: list[str]
    after_falling: list[str]
    after_window: int = Field(ge=0)
    directional: list[Measure]
    last_place: list[str]
    first_place: list[str]
    strong_rise: list[str]
    strong_fall: list[str]
    contrast: list[str]
    stale_days: int = Field(ge=0)
    rank_window: int = Field(ge=0)
    top: list[str]
    bottom: list[str]
    absence: dict[str, list[str]]
    headlines: HeadlineWords
    causal: list[str]

    @cached_property
    def cues(self) -> Phrases:
        """One pattern for every phrase the rules look for; the group name says which list."""
        groups: dict[str, list[str]] = {
            "rising": self.rising,
            "falling": self.falling,
            "ahead": self.ahead,
            "behind": self.behind,
            "top": self.top,
            "bottom": self.bottom,
        }
        groups.update({f"measure_{name}": cue.phrases for name, cue in self.measure_cues.items()})
        return Phrases(groups)

    @cached_property
    def after_cues(self) -> Phrases:
        return Phrases({"rising": self.after_rising, "falling": self.after_falling})

    @cached_property
    def tone_lists(self) -> dict[str, list[str]]:
        """The lists claims.contradiction weighs against each other, and the contrast words."""
        return {
            "last_place": self.last_place,
            "first_place": self.first_place,
            "strong_rise": self.strong_rise,
            "strong_fall": self.strong_fall,
            "ahead": self.ahead,
            "behind": self.behind,
            "contrast": self.contrast,
        }

    @cached_property
    def tone(self) -> Phrases:
        return Phrases(self.tone_lists)

    @cached_property
    def words(self) -> dict[str, tuple[str, ...]]:
        """Each tone list in lower case, for a substring test before any pattern runs."""
        return {name: tuple(p.lower() for p in phrases) for name, phrases in self.tone_lists.items()}

    @cached_property
    def absent(self) -> Phrases:
        return Phrases(self.absence)


@dataclass(frozen=True, slots=True)
class Found:
    """A phrase found in a text: which list it is from, and where."""

    kind: str
    start: int
    end: int
    text: str


class Phrases:
    """Whole-word phrases from several named lists, found in one pass over a text's words.

    A phrase matches its words in order, case aside, with spaces or hyphens between them, and the
    longest phrase starting at a word wins. Looking each word up in a table of first words is several
    times faster than one regular expression of a hundred alternatives, and this runs on every
    sentence of every article.
    """

    _WORD = re.compile(r"[\w'’]+")

    def __init__(self, groups: dict[str, list[str]]) -> None:
        self._first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for name, phrases in groups.items():
            for phrase in phrases:
                words = tuple(w.lower() for w in re.split(r"[\s\-]+", phrase.strip()) if w)
                if words:
                    self._first.setdefault(words[0], []).append((words, name))
        for candidates in self._first.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Found]:
        end = len(text) if end is None else end
        words, starts, ends = _tokens(text)
        tokens = words[bisect.bisect_left(starts, start) : bisect.bisect_right(ends, end)]
        first = self._first
        found = []
        resume = 0  # the word after the last phrase found: phrases do not overlap
        for index in [i for i, token in enumerate(tokens) if token[0] in first]:
            if index < resume:
                continue
            for phrase, kind in first[tokens[index][0]]:
                last = index + len(phrase) - 1
                if last < len(tokens) and _spells(text, tokens, index, phrase):
                    begin, final = tokens[index][1], tokens[last][2]
                    found.append(Found(kind, begin, final, text[begin:final]))
                    resume = last + 1
                    break
        return found


@lru_cache(maxsize=512)
def _tokens(text: str) -> tuple[list[tuple[str, int, int]], list[int], list[int]]:
    """A text's words, lower-cased, with their offsets, and the start and end offsets on their own
    (in order, for bisecting a sentence's words out): computed once however many lists look."""
    words = [(m.group(0).lower(), m.start(), m.end()) for m in Phrases._WORD.finditer(text)]
    return words, [word[1] for word in words], [word[2] for word in words]


def _spells(text: str, tokens: list[tuple[str, int, int]], index: int, words: tuple[str, ...]) -> bool:
    """Whether the tokens from `index` are `words`, joined by nothing but spaces or hyphens."""
    for offset, word in enumerate(words):
        if tokens[index + offset][0] != word:
            return False
        if offset and text[tokens[index + offset - 1][2] : tokens[index + offset][1]].strip(" -\n"):
            return False
    return True


# ============================================================================ reading sentences


@dataclass(slots=True)
class Cue:
    kind: str  # the list it came from: rising, falling, top, measure_closing_price...
    start: int  # offsets in the block's text
    end: int


@dataclass(slots=True)
class Sentence:
    """One sentence of a prose block, its figures and the facts each figure states."""

    block: Block
    start: int
    end: int
    figures: list[Figure] = field(default_factory=list)
    facts: dict[int, list[Fact]] = field(default_factory=dict)  # id(figure) -> the facts it states
    cues: list[Cue] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.block.text[self.start : self.end]


def read_sentences(article: Article) -> list[Sentence]:
    """Every sentence holding a traced figure, with its figures, their facts and its cue words."""
    if article.sidecar is None:
        return []
    settings = cast(ClaimsSettings, article.settings["claims"])
    by_block: dict[int, list[Figure]] = {}
    for figure in article.analysis(trace_figures):
        if figure.block is not None:
            by_block.setdefault(id(figure.block), []).append(figure)
    claimed = _claims_by_sentence(article.sidecar.claims)
    facts_by_id = {fact.id: fact for fact in article.sidecar.facts}
    index = article.analysis(fact_index)
    sentences = []
    for block in article.document.blocks:
        figures = by_block.get(id(block))
        if not figures:
            continue
        cues = [Cue(f.kind, f.start, f.end) for f in settings.cues.find(block.text)]
        for start, end in sentence_spans(block.text):
            inside = [f for f in figures if start <= f.start < end]
            if not inside:
                continue
            sentence = Sentence(block, start, end, inside, cues=[c for c in cues if start <= c.start < end])
            stated = claimed.get(_key(sentence.text), [])
            for figure in inside:
                sentence.facts[id(figure)] = _stated_facts(figure, stated, facts_by_id) or index.any_unit(
                    figure
                )
            sentences.append(sentence)
    return sentences


def _claims_by_sentence(claims: Sequence[Claim]) -> dict[str, list[Claim]]:
    found: dict[str, list[Claim]] = {}
    for claim in claims:
        if claim.sentence:
            found.setdefault(_key(claim.sentence), []).append(claim)
    return found


def _key(sentence: str) -> str:
    return " ".join(sentence.replace("*", "").replace("_", "").split())


def _stated_facts(figure: Figure, claims: list[Claim], facts_by_id: dict[str, Fact]) -> list[Fact]:
    """The figure's traced facts, narrowed to those a claim of its sentence states with its text."""
    traced = figure.facts
    if not claims or not traced:
        return traced
    wanted = {fact_id for claim in claims if figure.text.strip() in claim.text for fact_id in claim.facts}
    narrowed = [fact for fact in traced if fact.id in wanted]
    return narrowed or traced


def _words_between(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _cue_before(sentence: Sentence, figure: Figure, kinds: Iterable[str], window: int) -> Cue | None:
    """The nearest cue of `kinds` before the figure, within `window` words, with no figure between."""
    wanted = set(kinds)
    text = sentence.block.text
    best = None
    for cue in sentence.cues:
        if cue.kind not in wanted or cue.end > figure.start:
            continue
        if any(cue.end <= other.start < figure.start for other in sentence.figures if other is not figure):
            continue
        if _words_between(text, cue.end, figure.start) > window:
            continue
        if best is None or cue.end > best.end:
            best = cue
    return best


def _shown_sign(fact: Fact) -> int:
    """The sign of the fact as displayed: a value that rounds to zero has none."""
    text = fact.display.strip()
    digits = re.sub(r"[^0-9]", "", text)
    if not digits or int(digits) == 0:
        return 0
    return -1 if text.startswith("-") else 1


def _is_directional(fact: Fact, settings: ClaimsSettings) -> bool:
    if fact.measure is not None:
        return fact.measure in settings.directional
    return fact.unit in (Unit.PERCENT, Unit.POINTS)  # a person's sidecar may not say what it measures


def _located(sentence: Sentence, figure: Figure, message: str) -> Hit:
    """A finding on the figure as written, naming the facts the sentence states with it."""
    facts = tuple(fact.id for fact in sentence.facts.get(id(figure), ()))
    return Hit(figure.line, figure.column, message, figure.text.strip(), facts=facts)


# ============================================================================ rules


class ClaimsMeasure(Rule):
    """The words around a figure state another measure than its fact's.

    A closing price, an intraday high or low, a return and a difference in percentage points are
    different things; "closed at" a figure that is the session's intraday low is false even when the
    number is right. The phrases and the measures they fit are in rules/claims.yaml.

    Bad (the sidecar's fact for $10 is the 52-week intraday low; the close was $10.23)::

        It closed at a 52-week low of $10.

    Good::

        It closed at $10.23, and during the session touched $10, its lowest price in 52 weeks.
    """

    id = "claims.measure"
    settings: ClaimsSettings

    def check(self, article: Article) -> Iterable[Hit]:
        settings = self.settings
        for sentence in article.analysis(read_sentences):
            for figure in sentence.figures:
                facts = [f for f in sentence.facts[id(figure)] if f.measure is not None]
                if not facts:
                    continue
                kinds = [f"measure_{name}" for name in settings.measure_cues]
                cue = _cue_before(sentence, figure, kinds, settings.cue_window)
                if cue is not None:
                    fits = settings.measure_cues[cue.kind.removeprefix("measure_")].fits
                    if not any(f.measure in fits for f in facts):
                        words = sentence.block.text[cue.start : cue.end]
                        yield _located(
                            sentence,
                            figure,
                            f"{words!r} does not describe {figure.text.strip()!r}: it is "
                            f"{_what(facts)}, not {' or '.join(m.value.replace('_', ' ') for m in fits)}",
                        )
                        continue
                if figure.kind == "points" and not any(f.measure in settings.points_fit for f in facts):
                    yield _located(
                        sentence,
                        figure,
                        f"{figure.text.strip()!r} is written in percentage points, but it is {_what(facts)}",
                    )


def _what(facts: list[Fact]) -> str:
    measures = dict.fromkeys(f.measure.value.replace("_", " ") for f in facts if f.measure is not None)
    ids = ", ".join(f.id for f in facts[:2])
    words = " or ".join(measures)
    return f"{'an' if words[:1] in 'aeiou' else 'a'} {words} ({ids})"


class ClaimsDirection(Rule):
    """A rising word on a falling figure, or a falling word on a rising one.

    The verb before a figure ("rose", "trailed") or the word right after it ("higher", "below")
    must agree with the sign of the figure's fact, as must an explicit sign written on the figure.
    Works on any article with a facts sidecar, written by people too.

    Bad (the sidecar's fact for the stock's move is -3.0%)::

        Shares rose 3% on the day.

    Good::

        Shares fell 3% on the day.
    """

    id = "claims.direction"
    settings: ClaimsSettings

    def check(self, article: Article) -> Iterable[Hit]:
        settings = self.settings
        expect = {"rising": 1, "ahead": 1, "falling": -1, "behind": -1}
        for sentence in article.analysis(read_sentences):
            text = sentence.block.text
            for figure in sentence.figures:
                facts = [f for f in sentence.facts[id(figure)] if _is_directional(f, settings)]
                signs = {_shown_sign(f) for f in facts} - {0}
                if not signs:
                    continue
                wanted, words = None, ""
                explicit = _SIGNED.match(figure.text)
                if explicit:
                    wanted, words = (
                        (-1 if explicit.group(1) in "-−" else 1),
                        f"the sign {explicit.group(1)!r}",
                    )
                else:
                    cue = _cue_before(sentence, figure, expect, settings.cue_window)
                    after = self._after(text, figure, sentence.end)
                    if cue is not None:
                        wanted, words = expect[cue.kind], repr(text[cue.start : cue.end])
                    elif after is not None:
                        wanted, words = after
                if wanted is not None and wanted not in signs:
                    direction = "rise" if wanted > 0 else "fall"
                    shown = ", ".join(f"{f.display} ({f.id})" for f in facts[:2])
                    yield _located(
                        sentence,
                        figure,
                        f"{words} says {figure.text.strip()!r} is a {direction}, but its fact is {shown}",
                    )

    def _after(self, text: str, figure: Figure, limit: int) -> tuple[int, str] | None:
        pattern = self.settings.after_cues
        for match in pattern.find(text, figure.end, limit):
            if _words_between(text, figure.end, match.start) > self.settings.after_window:
                return None
            return (1 if match.kind == "rising" else -1), repr(match.text)
        return None


class ClaimsContradiction(Rule):
    """A sentence whose parts contradict each other, with no contrast word between them.

    A last place beside a strong rise ("brought up the rear ... soared"), a first place beside a
    strong fall, or a strong rise beside underperformance reads as a mistake even when every figure
    is right; a contrast word ("but", "though", "still") tells the reader it is not one.

    Bad::

        AI software brought up the rear: it has soared 32.6%.

    Good::

        AI software brought up the rear, though it has still gained 32.6%.
    """

    id = "claims.contradiction"
    settings: ClaimsSettings

    _CLASHES = (
        ("last_place", "strong_rise"),
        ("first_place", "strong_fall"),
        ("strong_rise", "behind"),
        ("strong_fall", "ahead"),
    )

    def check(self, article: Article) -> Iterable[Hit]:
        pattern = self.settings.tone
        doc = article.document
        folded = "\n".join(block.text for block in doc.blocks).lower()
        if not any(self._could_clash(folded, first, second) for first, second in self._CLASHES):
            return  # most articles hold no word of one side of every clash: skip the sentence scan
        for block in doc.blocks:
            if block.kind == "cell":
                continue
            matches = pattern.find(block.text)
            if len(matches) < 2:
                continue
            for start, end in sentence_spans(block.text):
                found: dict[str, Found] = {}
                for match in matches:
                    if start <= match.start < end:
                        found.setdefault(match.kind, match)
                if "contrast" in found:
                    continue
                for first, second in self._CLASHES:
                    if first in found and second in found:
                        a, b = found[first], found[second]
                        line, column = doc.locate(block, min(a.start, b.start))
                        last_line, last_column = doc.locate(block, max(a.end, b.end) - 1, 1)
                        yield Hit(
                            line,
                            column,
                            f"{a.text!r} and {b.text!r} pull against each other in one sentence; "
                            "add a contrast (but, though, still) or choose other words",
                            block.text[start:end].strip()[:160],
                            end=(last_line, last_column + 1),  # from the first of the two words to the second
                        )
                        break

    def _could_clash(self, folded: str, first: str, second: str) -> bool:
        words = self.settings.words
        return any(w in folded for w in words[first]) and any(w in folded for w in words[second])


class ClaimsStale(Rule):
    """A figure whose inputs are old is stated without their date in its sentence or paragraph.

    Fundamentals are often months older than prices. A figure computed from inputs older than
    `stale_days` before the article's date must say when they date from, in its sentence or
    paragraph ("on fundamentals dated March 8, 2017"), or a reader takes it as current.

    Bad (the sidecar's fact for the earnings yield has inputs_as_of 2017-03-08; the article is dated
    2017-11-10)::

        Earnings yield of 4.8% ranks in the 88th percentile.

    Good::

        On fundamentals dated March 8, 2017, earnings yield of 4.8% ranks in the 88th percentile.
    """

    id = "claims.stale"
    settings: ClaimsSettings

    def check(self, article: Article) -> Iterable[Hit]:
        date = article.sidecar.date if article.sidecar is not None else None
        if date is None:
            return
        for sentence in article.analysis(read_sentences):
            paragraph = sentence.block.text
            for figure in sentence.figures:
                facts = sentence.facts[id(figure)]
                dated = [f.inputs_as_of for f in facts if f.inputs_as_of is not None]
                if not facts or len(dated) < len(facts):
                    continue
                newest = max(dated)
                if (date - newest).days <= self.settings.stale_days:
                    continue
                if any(_mentions(paragraph, day) for day in set(dated)):
                    continue
                yield _located(
                    sentence,
                    figure,
                    f"{figure.text.strip()!r} rests on inputs dated {newest}, "
                    f"{(date - newest).days} days before the article; say so in its sentence or paragraph",
                )


def _mentions(text: str, day) -> bool:
    """Whether `text` gives the date: AP ("March 8, 2017", "March 8"), ISO, or month and year."""
    ap = apstyle.date(day)
    month = ap.split(" ")[0]
    options = (ap, apstyle.date(day, year=False), day.isoformat(), f"{month} {day.year}")
    return any(option in text for option in options)


class ClaimsRanking(Rule):
    """A ranking that is false over the members compared, or true only because some were left out.

    "The biggest gain", "the strongest sector", "led" claim first place. The sidecar's claims list
    the facts each ranking compared (`among`) and the members it left out (`left_out`): the ranked
    figure must be the highest (or lowest) among them, and a left-out member that would have ranked
    above it must be named in the article (a stock by its ticker, a group by its id or by the name
    its id spells, capitalised). Without such a claim, a ranking word beside a figure is
    checked against the sidecar's other facts of the same measure, window and kind of subject.

    Bad (another sector in the sidecar rose 4.1% over the same window)::

        Utilities, the strongest sector, rose 2.8%.

    Good::

        Utilities rose 2.8%, behind Technology's 4.1%.
    """

    id = "claims.ranking"
    settings: ClaimsSettings

    def check(self, article: Article) -> Iterable[Hit]:
        sidecar = article.sidecar
        if sidecar is None:
            return
        facts = {fact.id: fact for fact in sidecar.facts}
        text = " ".join(block.text for block in article.document.blocks)
        checked: set[str] = set()
        for claim in sidecar.claims:
            if claim.predicate not in ("ranks_first", "ranks_last") or not claim.facts:
                continue
            ranked = facts.get(claim.facts[0])
            if ranked is None:
                continue
            checked.add(ranked.id)
            problem = _ranking_problem(ranked, claim, facts, text)
            if problem:
                line, column = _find(article, claim.text)
                yield Hit(line, column, problem, claim.text, facts=claim.facts)
        yield from self._unclaimed(article, facts, checked)

    def _unclaimed(self, article: Article, facts: dict[str, Fact], checked: set[str]) -> Iterable[Hit]:
        """Rankings no claim declares: a ranking phrase right beside a figure, against its peers."""
        ranked_sentences = {
            _key(c.sentence) for c in article.sidecar.claims if c.predicate.startswith("ranks_")
        }
        for sentence in article.analysis(read_sentences):
            if _key(sentence.text) in ranked_sentences:
                continue  # the generator declared this sentence's rankings; they are checked exactly
            for figure in sentence.figures:
                cue = _cue_nearby(sentence, figure, ("top", "bottom"), self.settings.rank_window)
                stated = [f for f in sentence.facts[id(figure)] if f.id not in checked]
                if cue is None or len(stated) != 1 or stated[0].measure is None:
                    continue
                fact = stated[0]
                peers = [p for p in facts.values() if _peers(p, fact)]
                if len(peers) < 2:
                    continue
                values = [p.value for p in peers]
                top = cue.kind == "top"
                if (fact.value < max(values)) if top else (fact.value > min(values)):
                    best = max(peers, key=lambda p: p.value) if top else min(peers, key=lambda p: p.value)
                    yield _located(
                        sentence,
                        figure,
                        f"{sentence.block.text[cue.start : cue.end]!r} ranks {figure.text.strip()!r} "
                        f"{'first' if top else 'last'}, but {best.id} is {best.display}",
                    )


def _cue_nearby(sentence: Sentence, figure: Figure, kinds: Sequence[str], window: int) -> Cue | None:
    text = sentence.block.text
    for cue in sentence.cues:
        if cue.kind not in kinds:
            continue
        gap = (cue.end, figure.start) if cue.end <= figure.start else (figure.end, cue.start)
        between = [o for o in sentence.figures if o is not figure and gap[0] <= o.start < gap[1]]
        if not between and _words_between(text, *gap) <= window:
            return cue
    return None


def _peers(candidate: Fact, fact: Fact) -> bool:
    """Facts a ranking of `fact` compares it with: same measure and window, another subject of the
    same kind (a stock against stocks, a sector against sectors)."""
    if candidate.measure != fact.measure or (candidate.start, candidate.end) != (fact.start, fact.end):
        return False
    if candidate is not fact and candidate.subject == fact.subject:
        return False
    return _subject_kind(candidate.subject) == _subject_kind(fact.subject)


def _subject_kind(subject: str | None) -> str:
    if subject is None:
        return ""
    return subject.split(":", 1)[0] if ":" in subject else "stock"


def _ranking_problem(ranked: Fact, claim: Claim, facts: dict[str, Fact], text: str) -> str | None:
    first = claim.predicate == "ranks_first"
    compared = [facts[i] for i in claim.among if i in facts]
    beaten = [f for f in compared if (f.value > ranked.value if first else f.value < ranked.value)]
    place = "first" if first else "last"
    if beaten:
        best = max(beaten, key=lambda f: f.value) if first else min(beaten, key=lambda f: f.value)
        return f"{claim.text!r} ranks {ranked.display} {place}, but {best.id} is {best.display}"
    for fact in (facts[i] for i in claim.left_out if i in facts):
        outranks = fact.value > ranked.value if first else fact.value < ranked.value
        if outranks and fact.subject and not _names(fact.subject, text):
            return (
                f"{claim.text!r} ranks {ranked.display} {place} only because {fact.subject} "
                f"({fact.display}) was left out, and the article does not say so"
            )
    return None


def _names(subject: str, text: str) -> bool:
    """Whether the text names a subject: by its id, or a group by the name its id spells,
    capitalised as a name is ("sector:telecommunications-services" is named by "Telecommunications
    Services, with four stocks, is too small to rank")."""
    if subject in text:
        return True
    slug = subject.partition(":")[2]
    if not slug:
        return False
    spelled = r"\W+".join(re.escape(word) for word in slug.split("-"))
    return any(m.group(0)[0].isupper() for m in re.finditer(rf"(?<!\w){spelled}(?!\w)", text, re.IGNORECASE))


def _find(article: Article, words: str) -> tuple[int, int]:
    doc = article.document
    for block in doc.blocks:
        at = block.text.find(words)
        if at >= 0:
            return doc.locate(block, at)
    return doc.body_line, 1


class ClaimsAbsence(Rule):
    """A sentence says something did not happen that the article's data could not have seen.

    "No headlines about the company" is a finding only when the data has a news feed; from data
    that has none it is unknown, not absent. The sidecar's `snapshot.data` lists the feeds the data
    holds; the phrases per feed are in rules/claims.yaml.

    Bad (the sidecar's snapshot data is ["prices", "benchmark", "fundamentals"])::

        No headlines about the company appeared in the past 30 days.

    Good::

        News coverage is not tracked for this report.
    """

    id = "claims.absence"
    settings: ClaimsSettings

    def check(self, article: Article) -> Iterable[Hit]:
        sidecar = article.sidecar
        if sidecar is None or sidecar.snapshot is None:
            return
        held = set(sidecar.snapshot.data)
        missing = [feed for feed in self.settings.absence if feed not in held]
        if not missing:
            return
        doc = article.document
        folded = " ".join(" ".join(block.text for block in doc.blocks).lower().split())
        if not any(phrase.lower() in folded for feed in missing for phrase in self.settings.absence[feed]):
            return  # a substring test first: the phrases are rare
        pattern = self.settings.absent
        for block in doc.blocks:
            for match in pattern.find(block.text):
                if match.kind not in held:
                    line, column = doc.locate(block, match.start)
                    yield Hit(
                        line,
                        column,
                        f"{match.text!r}: the data has no {match.kind} feed, so it cannot say there was none",
                        match.text,
                    )


_QUOTED = re.compile(r"[“\"]([^”\"]{3,}?)[”\"]")


class ClaimsCause(Rule):
    """A news headline is given as the cause of a move it contradicts.

    A sentence that quotes (or repeats) the title of a listed source and ties it to a move with a
    causal word ("after", "as", "on news", in rules/claims.yaml) says the news moved the stock. When
    the headline points one way ("plunge", "misses", "downgraded") and the move the sentence states
    went the other, the headline cannot be its cause: it is about another day, or the stock shrugged
    it off, and the story must not say otherwise. Which way a headline points is read from the word
    lists in rules/claims.yaml, as the writer reads them; needs a facts sidecar for the move's sign.

    Bad (the sidecar's fact for the move is +2.4%; the listed news source is titled "Bluestem
    Power & Light shares plunge after weak guidance")::

        Bluestem Power & Light rose 2.4% after Wirepoint reported “Bluestem Power & Light shares
        plunge after weak guidance.”

    Good::

        Bluestem Power & Light rose 2.4% on the day.
    """

    id = "claims.cause"
    settings: ClaimsSettings

    @cached_property
    def _causal(self) -> Phrases:
        return Phrases({"causal": self.settings.causal})

    def check(self, article: Article) -> Iterable[Hit]:
        titles = {_title_key(s.ref.title): s.ref.title for s in article.listed_sources if s.ref.title}
        titles.pop("", None)
        if not titles:
            return
        words = self.settings.headlines
        for sentence in article.analysis(read_sentences):
            text = sentence.text
            found = self._headlines(text, titles)
            if not found:
                continue
            outside = _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
            for title in found:
                outside = outside.replace(title, " " * len(title))
            if not self._causal.find(outside):
                continue
            for title in found:
                tone = words.direction(title)
                if tone == 0:
                    continue
                for figure in sentence.figures:
                    moves = [f for f in sentence.facts[id(figure)] if _is_directional(f, self.settings)]
                    signs = {_shown_sign(f) for f in moves} - {0}
                    if signs and tone not in signs:
                        way = "up" if tone > 0 else "down"
                        shown = ", ".join(f"{f.display} ({f.id})" for f in moves[:2])
                        yield _located(
                            sentence,
                            figure,
                            f"the headline “{title}” points {way}, but the move it is given as the "
                            f"cause of is {shown}: do not link them",
                        )
                        break

    @staticmethod
    def _headlines(text: str, titles: dict[str, str]) -> list[str]:
        """Listed sources' titles the sentence quotes or repeats, as they stand in the sentence."""
        found = []
        for match in _QUOTED.finditer(text):
            if _title_key(match.group(1)) in titles:
                found.append(match.group(1))
        folded = text.casefold()
        for key, title in titles.items():
            at = folded.find(title.casefold())
            if at >= 0 and not any(_title_key(f) == key for f in found):
                found.append(text[at : at + len(title)])
        return found


def _title_key(title: str) -> str:
    """A title as compared: case, curly quotes and closing punctuation aside."""
    return " ".join(title.replace("’", "'").casefold().strip().rstrip(".!?,").split())
