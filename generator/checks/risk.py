"""risk.*: stories an editor must see before they go out (severity review by default).

Thin stories, investment advice, promises about returns, legal exposure, figures the facts stage
suspects are distorted by a corporate action or that span a fall nothing explains, and scores built
on too few signals. Phrases match as whole words and phrases, case-insensitively, so "buyback" or
"strong buyer demand" stay quiet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, cast

from pydantic import BaseModel, ConfigDict, Field

from generator.checks.base import Article, Hit, Rule
from generator.checks.numbers import trace_figures
from generator.checks.quotes import word_count


class RiskSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    thin_min_words: int = Field(ge=0)
    thin_min_words_by_kind: dict[str, int]
    advice_phrases: list[str] = Field(min_length=1)
    promissory_phrases: list[str] = Field(min_length=1)
    legal_terms: list[str] = Field(min_length=1)
    corporate_action_flag: str
    unexplained_fall_flag: str
    min_signals: int = Field(ge=0)

    @cached_property
    def folded_phrases(self) -> tuple[str, ...]:
        """Every phrase folded as `fold` folds text: one must be a substring for any to match."""
        return tuple(fold(p) for p in (*self.advice_phrases, *self.promissory_phrases, *self.legal_terms))

    @cached_property
    def phrases(self) -> re.Pattern[str]:
        """One pass finds advice, promissory and legal phrases (named groups tell them apart)."""
        return phrase_pattern(
            {"advice": self.advice_phrases, "promissory": self.promissory_phrases, "legal": self.legal_terms}
        )


def phrase_pattern(groups: dict[str, list[str]]) -> re.Pattern[str]:
    """Whole-word, whole-phrase matching: spaces or hyphens between words, either apostrophe.

    A hyphen or letter just outside the phrase counts as part of a word, so "strong buy" does not
    fire inside "strong buyer" or "strong buy-back". Each list becomes a named group.
    """
    named = []
    for name, phrases in groups.items():
        alternatives = []
        for phrase in sorted(phrases, key=len, reverse=True):
            # "must-own" and "must own" are one phrase: split at spaces AND hyphens before joining
            words = [re.escape(word).replace("'", "['’]") for word in re.split(r"[\s\-]+", phrase) if word]
            alternatives.append(r"[\s\-]+".join(words))
        named.append(f"(?P<{name}>{'|'.join(alternatives)})")
    return re.compile(rf"(?<![\w\-'’])(?:{'|'.join(named)})(?![\w\-'’])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Phrase:
    kind: str  # the group that matched: advice | promissory | legal
    text: str
    line: int
    column: int
    in_title: bool


def fold(text: str) -> str:
    """Lower case, one apostrophe, and any run of spaces or hyphens as one space."""
    return " ".join(text.lower().replace("’", "'").replace("-", " ").split())


def find_phrases(article: Article) -> list[Phrase]:
    """Every risk phrase in the title and the body's prose.

    Most articles contain none, so a cheap substring test on the folded text comes first; the
    phrase regex (one pass per block) only runs when some phrase could be there.
    """
    settings = cast(RiskSettings, article.settings["risk"])
    doc = article.document
    title = doc.meta.get("title")
    folded = fold("\n".join([title if isinstance(title, str) else "", *(block.text for block in doc.blocks)]))
    if not any(phrase in folded for phrase in settings.folded_phrases):
        return []
    pattern = settings.phrases
    found = []
    if isinstance(title, str) and "title" in doc.key_lines:
        line = doc.key_lines["title"]
        for match in pattern.finditer(title):
            text = match.group(0)
            found.append(Phrase(str(match.lastgroup), text, line, doc.column(line, text), True))
    for block in doc.blocks:
        for match in pattern.finditer(block.text):
            line, column = doc.locate(block, match.start(), len(match.group(0)))
            found.append(Phrase(str(match.lastgroup), match.group(0), line, column, False))
    return found


def _phrase_hits(article: Article, kind: str, what: str) -> Iterable[Hit]:
    for phrase in article.analysis(find_phrases):
        if phrase.kind == kind:
            where = " in the title" if phrase.in_title else ""
            yield Hit(phrase.line, phrase.column, f"{what}{where}: {phrase.text!r}", phrase.text)


class RiskThin(Rule):
    """The story is thin: too few words of body text, or no sources listed.

    Words are counted in the body's prose: front matter, tables and code do not count, nor the
    headline where the body repeats it as a heading (a site's `title_heading`), so a story is as
    thin with it as without. The minimum can differ per article kind (`thin_min_words_by_kind`).

    Bad::

        Helix Microdevices shares rose 4.8% this month.   (one sentence, no sources)

    Good: a body of at least 120 words that lists the documents it draws on under `sources:`.
    """

    id = "risk.thin"
    settings: RiskSettings

    def check(self, article: Article) -> Iterable[Hit]:
        doc = article.document
        minimum = self.settings.thin_min_words_by_kind.get(article.kind or "", self.settings.thin_min_words)
        title = str(doc.meta.get("title", "")).strip()
        words = sum(
            word_count(block.text)
            for block in doc.blocks
            if block.kind != "cell" and not (block.kind == "heading" and block.text.strip() == title)
        )
        if words < minimum:
            yield Hit(doc.body_line, 1, f"thin story: {words} words of body text (minimum {minimum})")
        if not article.listed_sources:
            line = doc.key_lines.get("sources", doc.body_line)
            yield Hit(line, 1, "thin story: no sources listed in the front matter")


class RiskAdvice(Rule):
    """The article gives investment advice ("you should buy", "strong buy").

    Why: the desk reports; it does not tell readers what to trade. Matched as whole phrases, so
    "buyback" and "strong buyer demand" are fine.

    Bad::

        With a score like this, you should buy before the rest of the market notices.

    Good::

        The company approved a buyback, and analysts noted strong buyer demand.
    """

    id = "risk.advice"
    settings: RiskSettings

    def check(self, article: Article) -> Iterable[Hit]:
        return _phrase_hits(article, "advice", "investment advice")


class RiskPromissory(Rule):
    """The article promises returns ("guaranteed", "can't lose", "will double").

    Why: no one knows what a stock will do; a promise in print is a liability.

    Bad::

        Shares will double by next year; investors can't lose.

    Good::

        Analysts expect revenue growth to slow next year.
    """

    id = "risk.promissory"
    settings: RiskSettings

    def check(self, article: Article) -> Iterable[Hit]:
        return _phrase_hits(article, "promissory", "promissory language")


class RiskLegal(Rule):
    """The article mentions legal exposure (fraud, lawsuit, investigation, indictment, alleged).

    Why: legal claims about named companies need an editor's eye before they are published.

    Bad::

        The company is under investigation for alleged accounting fraud.

    Good::

        The company restated two quarters of revenue, it said in a filing.
    """

    id = "risk.legal"
    settings: RiskSettings

    def check(self, article: Article) -> Iterable[Hit]:
        return _phrase_hits(article, "legal", "legal term")


class _FlaggedFigures(Rule):
    """A hit on every figure that traces to a fact carrying the flag `flag` names."""

    settings: RiskSettings
    flag_setting: ClassVar[str]  # the RiskSettings field holding the flag
    concern: ClassVar[str]  # what the flag means, after the figure and its facts

    def check(self, article: Article) -> Iterable[Hit]:
        flag = getattr(self.settings, self.flag_setting)
        for figure in article.analysis(trace_figures):
            flagged = [fact.id for fact in figure.facts if flag in fact.flags]
            if flagged:
                yield Hit(
                    figure.line,
                    figure.column,
                    f"figure {figure.text!r} ({', '.join(flagged)}) {self.concern}",
                    figure.text,
                    facts=tuple(flagged),
                )


class RiskCorporateAction(_FlaggedFigures):
    """The article states a figure the facts stage flagged as a possible corporate action.

    Why: a split, spin-off or special dividend makes a price move look like news when it is not;
    an editor confirms before it is published.

    Bad (the sidecar's `hlxm.return_1m`, -48.9%, carries the flag `corporate_action`)::

        Helix Microdevices fell 48.9% over the month.

    Good: the figure is left out, or an editor confirms the move and approves the story.
    """

    id = "risk.corporate_action"
    flag_setting = "corporate_action_flag"
    concern = "may reflect a corporate action"


class RiskUnexplainedFall(_FlaggedFigures):
    """The article states a figure over a one-session fall that no split or action explains.

    Why: back-adjusted prices often leave spin-offs out, so a stock that shed a business reads as
    having crashed, and its returns, 52-week range and momentum over that day are false. A profit
    warning looks the same in the prices; an editor says which before it is published.

    Bad (HPE's closes fell 25.9% on April 3, 2017, the day of its services spin-off, and the
    sidecar's `stock:HPE:return:1Y` carries the flag `unexplained_fall`)::

        Over the past 12 months Hewlett Packard Enterprise fell 39.7%.

    Good: an editor confirms the fall was news and approves the story, or the figure is left out.
    """

    id = "risk.unexplained_fall"
    flag_setting = "unexplained_fall_flag"
    concern = (
        "spans a one-session fall that no split or action explains: news, or a corporate action "
        "the prices do not account for, such as a spin-off"
    )


class RiskLowCoverage(Rule):
    """The article is about a ticker whose Alpha Score rests on too few signals.

    A ticker with fewer than `min_signals` signals has no Alpha Score; a capped score (three of
    four signals) is publishable only with its cap sentence, the score's `summary`, in the body.

    Bad (the sidecar's score for HLXM has 2 of 4 signals and no score)::

        Helix Microdevices has an Alpha Score of 71.

    Good (3 of 4 signals, and the body carries the score's summary with its cap sentence)::

        Alpha Score of 68 reflects moderate overall profile with strong momentum, weak value,
        moderate quality. Based on 3 of 4 signals — score is capped at 90 until remaining data
        ingests.
    """

    id = "risk.low_coverage"
    settings: RiskSettings

    def check(self, article: Article) -> Iterable[Hit]:
        if article.sidecar is None:
            return
        tickers = set(article.tickers)
        prose = None
        for score in article.sidecar.scores:
            if score.ticker not in tickers:
                continue
            signals = sum(1 for signal in score.signals.values() if signal is not None)
            if score.score is None or signals < self.settings.min_signals:
                yield Hit(
                    article.document.body_line,
                    1,
                    f"{score.ticker} has no Alpha Score: {signals} signals ({score.coverage}), "
                    f"fewer than {self.settings.min_signals}",
                )
            elif score.capped and score.summary.strip():
                prose = prose or " ".join(" ".join(b.text for b in article.document.blocks).split())
                if " ".join(score.summary.split()) not in prose:
                    yield Hit(
                        article.document.body_line,
                        1,
                        f"{score.ticker}'s Alpha Score is capped ({score.coverage}) but the article "
                        "does not carry its cap sentence",
                    )
