"""What every story kind shares: the plan of an article, the protocol a kind follows, the desk.

A story kind is one class (see generator/writing/stories/__init__.py for the registry): it plans the
articles a snapshot supports and drafts one — a typed template context, the template to render it
with, the sources it cites and the scores it reports. The `StoryDesk` holds what every kind reads
(facts, scores, names, sources, editorial config) and the helpers that turn facts into the records
templates read (a stock's names, a group's figures, a ranking with every member compared).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

import pandas as pd

from generator.apstyle import possessive
from generator.facts import MarketFacts
from generator.facts import columns as col
from generator.facts.selections import ranked_groups
from generator.facts.typed import unflagged
from generator.headlines import HeadlineWords
from generator.history import PreviousRun
from generator.models import AlphaScore, Chart, Fact, SourceRef
from generator.scoring import UNIVERSE_PEERS, ScoreFacts, Scores, ScoringRules
from generator.writing.changes import ScoreHistory
from generator.writing.editorial import Editorial
from generator.writing.names import Company, Names
from generator.writing.newsworthiness import TriggerRules
from generator.writing.phrasing import displayed_value
from generator.writing.render import ArticleWriter, Ranking
from generator.writing.sources import Quote, SourceLibrary
from generator.writing.stories.views import (
    ChartView,
    Common,
    Exclusions,
    GroupView,
    NotCounted,
    QuoteView,
    ShareClassView,
    StockView,
)

MAX_NAMED_EXCLUSIONS = 5
_MEDIAN_SCORE = 50  # signals are 0-100 percentile scores


def reads_against(score: float, move: float, rules: ScoringRules) -> bool:
    """Whether a signal's band reads against a move as displayed: after a gain, a band that lies
    wholly below the median ("weak", "poor"); after a fall, the top band ("strong")."""
    bands = rules.bands  # highest first (rules/scoring.yaml, as validated)
    band = next(i for i, b in enumerate(bands) if score >= b.min)
    below_median = band > 0 and bands[band - 1].min <= _MEDIAN_SCORE  # its upper bound
    return (move > 0 and below_median) or (move < 0 and band == 0)


@dataclass(frozen=True)
class ArticlePlan:
    """One article to write: its kind, unique slug and subject (ticker, group or theme id), and why
    it is news: the triggers that fired, its newsworthiness (0-100) and the angle it takes."""

    kind: str
    slug: str
    subject: str
    tickers: tuple[str, ...]
    angle: str = ""
    triggers: tuple[str, ...] = ()
    newsworthiness: float = 0.0

    @property
    def routine(self) -> bool:
        """A brief no trigger fired for: written and indexed, kept out of the feeds by default."""
        return self.kind == "alpha_brief" and not self.triggers


@dataclass(frozen=True)
class Draft:
    """What a story kind hands the writer for one article."""

    context: Common
    template: str  # template name without ".md.j2", e.g. "alpha_brief"
    sources: list[SourceRef] = field(default_factory=list)
    scores: list[AlphaScore] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    chart_facts: list[Fact] = field(default_factory=list)  # what the charts plot, for the sidecar


class Story(Protocol):
    """A story kind: plans its articles for a snapshot and drafts each one."""

    kind: ClassVar[str]
    context: ClassVar[type[Common]]  # the record its templates read
    templates: ClassVar[tuple[str, ...]]  # every template its drafts may name

    def __init__(self, desk: StoryDesk) -> None: ...

    def plan(self) -> list[ArticlePlan]:
        """The articles of this kind the snapshot supports (slugs made unique by the newsroom)."""
        ...

    def draft(self, plan: ArticlePlan) -> Draft:
        """The typed context, template, sources and scores of one planned article."""
        ...


class StoryDesk:
    """One snapshot's facts, scores and sources, and the helpers every story kind uses."""

    def __init__(
        self,
        *,
        facts: MarketFacts,
        scores: Scores,
        scoring_rules: ScoringRules,
        editorial: Editorial,
        names: Names,
        library: SourceLibrary,
        writer: ArticleWriter,
        data_source: SourceRef,
        has_cohorts: bool,
        has_news: bool,
        cohort_window: str,
        trigger_rules: TriggerRules,
        headline_words: HeadlineWords,
        previous: PreviousRun | None = None,
        universe_as_of: dt.date | None = None,
        sub_industries_as_of: dt.date | None = None,
    ) -> None:
        self.facts = facts
        self.scores = scores
        self.scoring_rules = scoring_rules
        self.editorial = editorial
        self.names = names
        self.library = library
        self.writer = writer
        self.data_source = data_source
        self.has_cohorts = has_cohorts
        self.has_news = has_news
        self.cohort_window = cohort_window
        self.trigger_rules = trigger_rules
        self.headline_words = headline_words
        self.history = ScoreHistory(previous, facts)
        self.as_of = facts.as_of
        self.ma_days = facts.count(
            "rules:moving_average_days", facts.moving_average_days, "rules/facts.yaml moving_average_days"
        )
        name, ticker = facts.benchmark_name, facts.benchmark_ticker
        self.benchmark_label = f"the benchmark {ticker}" if name == ticker else f"the {name}"
        # Value and quality read fundamentals of this date; stories say so when it is not as_of.
        self.fundamentals_date = facts.fundamentals_as_of if facts.fundamentals_as_of < self.as_of else None
        # An index's membership list of an earlier date is named with that date.
        self.universe_date = universe_as_of if universe_as_of and universe_as_of < self.as_of else None
        # A classification of a later date does not describe this market: no sub-industry groups.
        self.sub_industries_usable = sub_industries_as_of is None or sub_industries_as_of <= self.as_of

    @property
    def priced(self) -> set[str]:
        stocks = self.facts.stocks
        return set(stocks.index[stocks["close"].notna()])

    def common(self) -> dict[str, object]:
        """The fields of `Common`, for a kind's context."""
        return {
            "as_of": self.as_of,
            "universe_name": self.facts.universe_name,
            "benchmark_label": self.benchmark_label,
            "fundamentals_date": self.fundamentals_date,
            "universe_date": self.universe_date,
            "dividend_adjusted": self.facts.basis == "splits_and_dividends",
        }

    # ------------------------------------------------------------------ stocks

    def stock(self, ticker: str) -> StockView:
        sector, sub_industry = self.facts.value(ticker, "sector"), self.facts.value(ticker, "sub_industry")
        sector = sector if isinstance(sector, str) else None
        sub_industry = sub_industry if isinstance(sub_industry, str) else None
        company = self.names.company(ticker)
        share_class = self.names.share_class(ticker)
        classes = len(company.tickers) > 1
        return StockView(
            ticker=ticker,
            tickers=", ".join(company.tickers) if ticker == company.tickers[0] else ticker,
            # how a company with several share classes names the one a figure is about
            shares=(f"Class {share_class} stock" if share_class else f"{ticker} stock") if classes else None,
            share_class=share_class if classes else None,
            called=(
                f"{possessive(company.name)} Class {share_class} stock"
                if classes and share_class
                else company.name
            ),
            called_again=(
                f"{possessive(company.short)} Class {share_class} stock"
                if classes and share_class
                else company.short
            ),
            name=company.name,
            short=company.short,
            sector=sector,
            sub_industry=sub_industry,
            industry=sub_industry or sector,
        )

    def share_class(self, ticker: str) -> ShareClassView:
        return ShareClassView(
            ticker=ticker,
            share_class=self.names.share_class(ticker),
            move=unflagged(self.facts.stock_return(ticker, "1D")),
            close=self.facts.stock_figure(ticker, "close"),
        )

    def other_classes(self, ticker: str) -> list[ShareClassView]:
        return [self.share_class(t) for t in self.names.company(ticker).tickers if t != ticker]

    def score_facts(self, ticker: str) -> ScoreFacts:
        return ScoreFacts(
            self.scores.by_ticker[ticker],
            self.as_of,
            self.scoring_rules,
            self.scores.fundamentals_as_of,
            fell_in_year=self.facts.fell_in_year(ticker),
        )

    def peers(self, peer_group: str) -> str:
        """Whom a metric ranks a stock among: "among Financials stocks", or the whole universe."""
        if peer_group == UNIVERSE_PEERS:
            return f"among all stocks in the {self.facts.universe_name}"
        return f"among {peer_group} stocks"

    def momentum_peers(self, score: AlphaScore, year: Fact | None) -> str | None:
        """Whom the momentum signal ranks the stock among, when its band reads against the year's
        move (`reads_against`): momentum is a ranking against peers, so a stock can rise 60% and
        still rank weak, and the story must say which it is."""
        momentum = score.signals.get("momentum")
        if momentum is None or year is None or not momentum.metrics:
            return None
        if not reads_against(momentum.score, float(displayed_value(year)), self.scoring_rules):
            return None
        groups = {metric.peer_group for metric in momentum.metrics}
        return self.peers(groups.pop()) if len(groups) == 1 else "against its peers"

    def notable_volume(self, ticker: str) -> bool:
        ratio = self.facts.value(ticker, "volume_ratio")
        return bool(pd.notna(ratio) and ratio >= self.writer.rules.notable_volume_ratio)

    # ------------------------------------------------------------------ groups

    def group(self, group_id: str, window: str) -> GroupView:
        facts = self.facts
        move = facts.group_return(group_id, window)
        cap_weighted = facts.group_return(group_id, window, weighting=col.CAP_WEIGHTED)
        return GroupView(
            id=group_id,
            name=facts.group_members[group_id].name,
            move=move,
            cap_weighted=cap_weighted,
            cap_tilt=_cap_tilt(move, cap_weighted),
            relative=facts.group_relative(group_id, window),
            size=facts.group_count(group_id, "size"),
            counted=facts.group_count(group_id, col.COUNTED, window),
            contribution=facts.group_contribution(group_id, window),
        )

    def ranked_groups(self, kind: str, window: str, minimum_size: int = 1) -> list[GroupView]:
        """Groups of a kind with a known return, best first."""
        return [self.group(g, window) for g in ranked_groups(self.facts, kind, window, minimum_size)]

    def ranked_sectors(self, window: str, minimum_size: int = 1) -> tuple[list[GroupView], list[GroupView]]:
        """Sectors with a known return, best first, split into those large enough to rank
        (rules/writing.yaml `min_sector_members`) and those too small, which a story names instead:
        with a handful of members one stock's move would be the sector's."""
        groups = self.ranked_groups("sector", window, minimum_size)
        smallest = self.writer.rules.min_sector_members
        return [g for g in groups if g.size.value >= smallest], [g for g in groups if g.size.value < smallest]

    def field(self, group_id: str, window: str) -> list[str]:
        """The members a ranking over `window` compares: those with a return, suspected splits out."""
        return list(self.facts.counted(group_id, window))

    def returns(self, tickers: Iterable[str], window: str) -> list[Fact]:
        found = (self.facts.stock_return(t, window) for t in tickers)
        return [fact for fact in found if fact is not None]

    def rank(
        self, chosen: Sequence[str], position: str, among: tuple[Fact, ...], left_out: tuple[Fact, ...]
    ) -> Ranking | None:
        if not chosen:
            return None
        fact = next(f for f in among if f.subject == chosen[0])
        return Ranking(fact, position, among, left_out)

    def exclusions(self, group_id: str, window: str) -> Exclusions | None:
        """Who a group figure left out for a suspected split, for the exclusions partial."""
        tickers = self.facts.left_out(group_id, window)
        if not tickers:
            return None
        names = [f"{self.names.name(t)} ({t})" for t in tickers[:MAX_NAMED_EXCLUSIONS]]
        more = len(tickers) - len(names)
        return Exclusions(
            names=names,
            count=len(tickers),
            more=self.facts.count(f"group:{group_id}:excluded:{window}", more, "further stocks left out")
            if more
            else None,
        )

    def not_counted(self, group_id: str, window: str) -> NotCounted | None:
        """Members with no return over the window (listed later, or stopped trading), for the story."""
        counted = set(self.facts.counted(group_id, window)) | set(self.facts.left_out(group_id, window))
        missing = [t for t in self.facts.group_members[group_id].tickers if t not in counted]
        if not missing:
            return None
        names = [f"{self.names.name(t)} ({t})" for t in missing[:MAX_NAMED_EXCLUSIONS]]
        fact = self.facts.count(
            f"group:{group_id}:not_counted:{window}", len(missing), "members without a return"
        )
        return NotCounted(names=names, count=fact, all_named=len(missing) <= MAX_NAMED_EXCLUSIONS)

    # ------------------------------------------------------------------ quotes

    def quote_view(self, quote: Quote, *, own_statement: bool = False) -> QuoteView:
        document = quote.source
        published = parse_date(document.published)
        if published is not None and published > self.as_of:
            published = None  # never date a statement after the story's own date
        return QuoteView(
            text=quote.text,
            sentence=quote.sentence,
            lead_in=quote.text if quote.text[-1] in ".!?" else f"{quote.text},",
            speaker=quote.speaker,
            role=quote.role,
            organisation=quote.organisation,
            issuer=document.organisation or document.publisher,
            speaker_of_issuer=same_organisation(quote.organisation, document.organisation),
            kind=document.kind or "document",
            title=document.title,
            published=published,
            own_statement=own_statement,
        )

    def is_company(self, organisation: str | None, company: Company) -> bool:
        if not organisation:
            return False
        return org_key(organisation) in {org_key(company.name), org_key(company.short)}


# ---------------------------------------------------------------------------------------- helpers


def chart_view(chart: Chart | None) -> ChartView | None:
    return ChartView(file=chart.file, alt=chart.alt) if chart else None


def present(figures: dict[str, Fact | None]) -> dict[str, Fact]:
    return {key: fact for key, fact in figures.items() if fact is not None}


def _cap_tilt(equal_weighted: Fact | None, cap_weighted: Fact | None) -> str | None:
    """Whether the largest members ('larger') or the rest ('smaller') did better, as displayed."""
    if equal_weighted is None or cap_weighted is None:
        return None
    difference = displayed_value(cap_weighted) - displayed_value(equal_weighted)
    return "larger" if difference > 0 else "smaller" if difference < 0 else None


def mentions_company(text: str, company: Company) -> bool:
    return company.short in text or company.name in text


def same_organisation(a: str | None, b: str | None) -> bool:
    """Whether two organisation names are one: equal, or one begins the other ("Calder & Voss")."""
    if not a or not b:
        return False
    mine, theirs = org_key(a).split(), org_key(b).split()
    shorter, longer = sorted((mine, theirs), key=len)
    return bool(shorter) and longer[: len(shorter)] == shorter


def org_key(name: str) -> str:
    """An organisation name for comparison: case, punctuation and legal suffixes ignored."""
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    while words and words[-1] in {"inc", "corp", "co", "ltd", "plc", "llc", "corporation", "company"}:
        words.pop()
    return " ".join(words)


def parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
