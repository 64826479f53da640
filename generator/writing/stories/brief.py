"""One company's Alpha Score, what drives it, and how its stock has traded."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import ClassVar

import pandas as pd

from generator import apstyle
from generator.models import SIGNALS, AlphaScore, SourceRef
from generator.scoring import FUNDAMENTAL_SIGNALS, ScoreFacts
from generator.slugs import GENERATED_SLUG_LENGTH, slugify
from generator.writing.changes import Change
from generator.writing.context import Lazy
from generator.writing.names import Company
from generator.writing.news import LinkedHeadline, contrary_news, earlier_news, lead_news, news_of_the_day
from generator.writing.newsworthiness import (
    ROUTINE_ANGLES,
    TRIGGERS,
    Assessment,
    assess_stock,
    yardstick_sector,
)
from generator.writing.render import Ranking
from generator.writing.sources import source_ref
from generator.writing.stories.base import (
    ArticlePlan,
    Draft,
    StoryDesk,
    mentions_company,
    parse_date,
    unflagged,
)
from generator.writing.stories.views import (
    BriefContext,
    DriverView,
    NewsView,
    QuoteView,
    ScoreChangeView,
    SectorMove,
    SessionView,
    SignalView,
    SplitView,
)

BRIEF_WINDOWS = ("1D", "1W", "1M", "3M", "YTD", "1Y")
BRIEF_FIGURES = (
    "close",
    "high_52w",
    "low_52w",
    "closing_high_52w",
    "closing_low_52w",
    "pct_from_high",
    "volume",
    "volume_ratio",
)


class AlphaBrief:
    """One brief per company with prices; share classes of one company share a brief."""

    kind: ClassVar[str] = "alpha_brief"
    context: ClassVar[type] = BriefContext
    # one structure per angle (generator/writing/newsworthiness.py): the first trigger, or routine
    templates: ClassVar[tuple[str, ...]] = tuple(f"alpha_brief/{a}" for a in (*TRIGGERS, *ROUTINE_ANGLES))

    def __init__(self, desk: StoryDesk) -> None:
        self.desk = desk

    # read once, not per brief: how each inverted measure's percentile reads (rules/scoring.yaml),
    # and what makes a session a big move (rules/triggers.yaml big_move)
    @cached_property
    def _ranked(self) -> dict[str, str | None]:
        signals = self.desk.scoring_rules.signals
        return {spec.name: spec.ranked for specs in signals.values() for spec in specs}

    @cached_property
    def _big_move(self) -> tuple[float, float] | None:
        rule = self.desk.trigger_rules.triggers.get("big_move")
        return (rule.multiple, rule.min_move or 0.0) if rule and rule.multiple is not None else None

    def plan(self) -> list[ArticlePlan]:
        desk = self.desk
        priced = desk.priced
        suffix = f"-alpha-score-{desk.as_of.isoformat()}"
        briefed: set[str] = set()
        plans = []
        for ticker in desk.facts.stocks.index:
            if ticker not in priced or ticker in briefed:
                continue
            company = desk.names.company(ticker)
            tickers = tuple(t for t in company.tickers if t in priced)
            briefed.update(tickers)
            name = slugify(company.name, GENERATED_SLUG_LENGTH - len(suffix))
            assessment = self.assess(tickers[0])
            plans.append(
                ArticlePlan(
                    self.kind,
                    f"{name}{suffix}",
                    tickers[0],
                    tickers,
                    angle=assessment.angle,
                    triggers=assessment.triggers,
                    newsworthiness=assessment.newsworthiness,
                )
            )
        return plans

    def assess(self, ticker: str) -> Assessment:
        desk = self.desk
        composite = desk.scores.table.composite.get(ticker)
        score = None if composite is None or pd.isna(composite) else int(composite)
        return assess_stock(
            desk.facts,
            ticker,
            desk.trigger_rules,
            has_news=lead_news(self._day_news(ticker)) is not None,
            score=score,
            score_change=desk.history.points(ticker, score),
            min_yardstick_members=desk.writer.rules.min_yardstick_members,
        )

    def _day_news(self, ticker: str) -> list[LinkedHeadline]:
        desk = self.desk
        if ticker not in desk.library.headlines:
            return []
        return news_of_the_day(desk.library, desk.facts, ticker, desk.headline_words)

    def draft(self, plan: ArticlePlan) -> Draft:
        desk = self.desk
        ticker = plan.subject
        facts = desk.facts
        alpha = desk.scores.by_ticker[ticker]
        figures = desk.score_facts(ticker)
        signals = [self._signal(name, alpha, figures) for name in SIGNALS]
        present_signals = [s for s in signals if not s.missing]
        ranked = sorted(present_signals, key=lambda s: -s.score.value)
        among = tuple(s.score for s in present_signals)
        leading = [s.name for s in ranked if s.score.value == ranked[0].score.value]
        trailing = [s.name for s in ranked if s.score.value == ranked[-1].score.value]
        ranks = len(ranked) > 1 and len(leading) < len(ranked)  # not when every signal scores the same
        quote, quote_sources = self._company_quote(ticker)
        day_news = self._day_news(ticker)
        linked = lead_news(day_news)
        news = self._news_view(linked, desk.names.company(ticker)) if linked else None
        # with nothing the tape agrees with, the session's news it contradicts comes before older news
        earlier = (None if linked else contrary_news(day_news, desk.headline_words)) or earlier_news(
            desk.library, desk.facts, ticker, desk.headline_words, linked.headline if linked else None
        )
        earlier_view = self._news_view(earlier, desk.names.company(ticker)) if earlier else None
        news_sources = [source_ref(item.headline.source) for item in (linked, earlier) if item]
        changes = desk.history.changes(ticker, figures)
        moves = Lazy(BRIEF_WINDOWS, lambda w: unflagged(facts.stock_return(ticker, w)))
        share_factor = facts.value(ticker, "share_factor")  # not 1: a split since the fundamentals' date
        sector_id = yardstick_sector(facts, ticker, desk.writer.rules.min_yardstick_members)
        sector_return = facts.group_return(sector_id, "1M") if sector_id else None
        sector_month = (
            SectorMove(name=facts.group_members[sector_id].name, move=sector_return)
            if sector_return
            else None
        )
        context = BriefContext(
            **desk.common(),
            stock=desk.stock(ticker),
            split_adjusted=bool(pd.notna(share_factor) and share_factor != 1),
            other_classes=[desk.share_class(t) for t in plan.tickers[1:]],
            score=alpha,
            score_facts=figures,
            signals=signals,
            best=ranked[0] if ranked else None,
            best_rank=Ranking(ranked[0].score, "first", among) if ranks else None,
            best_names=apstyle.join(leading) if leading else None,
            best_many=len(leading) > 1,
            worst=ranked[-1] if ranked else None,
            worst_rank=Ranking(ranked[-1].score, "last", among) if ranks else None,
            worst_names=apstyle.join(trailing) if trailing else None,
            worst_many=len(trailing) > 1,
            fundamental_signals=[s.name for s in present_signals if s.name in FUNDAMENTAL_SIGNALS],
            moves=moves,
            relative_1y=unflagged(facts.stock_relative(ticker, "1Y")),
            figures=Lazy(BRIEF_FIGURES, lambda c: facts.stock_figure(ticker, c)),
            high_date=facts.value(ticker, "high_52w_date"),
            today={
                f"{name}{suffix}": bool(facts.value(ticker, f"{name}{suffix}"))
                for name in ("high_52w", "low_52w", "closing_high_52w", "closing_low_52w")
                for suffix in ("_today", "_new")
            },
            notable_volume=desk.notable_volume(ticker),
            sector_month=sector_month,
            splits=[
                SplitView(
                    date=split.date,
                    ratio=split_ratio_words(split.ratio),
                    reverse=split.ratio < 1,
                    suspected=split.suspected,
                    move=move,
                )
                for split, move in facts.split_moves(ticker)
            ],
            falls=facts.fall_moves(ticker),
            quote=quote,
            lookback_days=desk.scoring_rules.sentiment_lookback_days,
            angle=plan.angle or "routine_quiet",
            triggers=list(plan.triggers),
            news=news,
            earlier_news=earlier_view,
            score_change=self._score_change(changes),
            session=self._session(ticker),
        )
        template = f"{self.kind}/{context.angle}"
        return Draft(context, template, [*news_sources, *quote_sources], [alpha])

    def _news_view(self, linked: LinkedHeadline, company: Company) -> NewsView:
        item = linked.headline
        title = item.title.strip()
        topic = None
        for name in (company.name, company.short):
            rest = title[len(name) :].strip() if title.startswith(f"{name} ") else ""
            if rest[:1].islower() and not rest.startswith(("shares ", "stock ")):
                topic = rest
                break
        if topic and topic.split(" ", 1)[0].endswith("ed"):
            topic = f"is {topic}"  # a headline's "X downgraded to sell" is "X is downgraded to sell"
        short = topic.split(", ")[0] if topic else None
        for joint in (" as ", " after ", " amid ", " on "):
            if short and joint in short:
                short = short.split(joint)[0]
        return NewsView(
            title=title,
            title_end="" if title[-1] in ".!?" else ".",
            publisher=item.publisher or "One outlet",
            date=item.date,
            session=linked.session,
            move=linked.move,
            causal=linked.causal,
            contradicted=not linked.agrees,
            topic=topic,
            topic_short=short if short != topic else None,
        )

    def _score_change(self, changes: list[Change]) -> ScoreChangeView | None:
        history = self.desk.history
        if not changes or history.since is None:
            return None
        alpha = changes[0] if changes[0].name == "alpha" else None
        signals = [c for c in changes if c.name != "alpha"]
        way = 0 if alpha is None else (alpha.points > 0) - (alpha.points < 0)
        same_way = [c for c in signals if way and (c.points > 0) - (c.points < 0) == way]
        return ScoreChangeView(
            alpha=alpha,
            signals=signals,
            lead_signal=same_way[0] if same_way else None,
            when=history.when(),
            since=history.since,
        )

    def _session(self, ticker: str) -> SessionView:
        cross = self.desk.facts.value(ticker, "ma_cross")  # a NumPy integer, or a float NaN when unknown
        cross = 0 if cross is None or pd.isna(cross) else int(cross)
        return SessionView(
            facts=self.desk.facts,
            ticker=ticker,
            ma_days=self.desk.ma_days,
            ma_cross=cross,
            min_days_since=self.desk.writer.rules.min_days_since_bigger_move,
            min_streak_told=self.desk.writer.rules.min_streak_told,
            big_move=self._big_move,
        )

    def _signal(self, name: str, alpha: AlphaScore, figures: ScoreFacts) -> SignalView:
        signal = alpha.signals.get(name)
        if signal is None:
            return SignalView(
                name=name,
                missing=True,
                reason=self._missing_reason(alpha.ticker, name),
                score=None,
                label=None,
                drivers=[],
                dated=False,
            )
        # The measures that explain the label: for a score of 50 or more the highest-ranked first,
        # below 50 the lowest; one that ranks on the other side of 50 would read as a contradiction.
        strong = signal.score >= 50
        metrics = sorted(signal.metrics, key=lambda m: -m.rank if strong else m.rank)
        same_side = [m for m in metrics if (m.rank >= 50) == strong]
        drivers = [
            DriverView(
                label=m.label,
                peers=self.desk.peers(m.peer_group),
                metric=m.name,
                score_facts=figures,
                ranked=self._ranked.get(m.name),
            )
            for m in (same_side or metrics)[:2]
        ]
        return SignalView(
            name=name,
            missing=False,
            reason=None,
            score=figures[f"signal.{name}"],
            label=signal.label,
            drivers=drivers,
            dated=name in FUNDAMENTAL_SIGNALS and self.desk.fundamentals_date is not None,
        )

    def _missing_reason(self, ticker: str, signal: str) -> str:
        """Why a signal has no score, in the terms the template words it."""
        if signal == "sentiment":
            return "no_recent_news" if self.desk.has_news else "no_news_feed"
        facts = self.desk.facts
        if signal == "value" and pd.isna(facts.value(ticker, "share_factor")):
            # per-share inputs there, but not known on today's share count (facts/tables.py)
            if pd.notna(facts.value(ticker, "price")):
                return "share_basis"
            if "eps" in facts.stocks and pd.notna(facts.value(ticker, "eps")):
                return "no_reference_price"
        return "no_history" if signal == "momentum" else "no_inputs"

    def _company_quote(self, ticker: str) -> tuple[QuoteView | None, list[SourceRef]]:
        """The best-attributed quote about the company: its own statement first, then its executives
        quoted elsewhere, then others (a research note), newest first within each."""
        desk = self.desk
        company = desk.names.company(ticker)
        candidates = []
        for document in desk.library.for_ticker(ticker):
            own_document = desk.is_company(document.organisation or document.publisher, company)
            for position, quote in enumerate(desk.library.quotes(document)):
                own_speaker = desk.is_company(quote.organisation, company)
                rank = 0 if own_document and own_speaker else 1 if own_speaker else 2 if own_document else 3
                if rank == 3 and not mentions_company(quote.text, company):
                    continue  # a third party's words about something else are not about this company
                published = parse_date(document.published) or dt.date.min
                candidates.append((rank, -published.toordinal(), document.id, position, quote))
        if not candidates:
            return None, []
        rank, *_, quote = min(candidates, key=lambda c: c[:4])
        return desk.quote_view(quote, own_statement=rank == 0), [source_ref(quote.source)]


def split_ratio_words(ratio: float) -> str:
    """AP figures for a split: 4.0 -> "4-for-1", 1.5 -> "3-for-2", 0.1 -> "1-for-10"."""
    if ratio >= 1:
        whole = round(ratio)
        return f"{whole}-for-1" if abs(ratio - whole) < 1e-9 else f"{round(ratio * 2)}-for-2"
    return f"1-for-{round(1 / ratio)}"
