"""One company's Alpha Score, what drives it, and how its stock has traded."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from generator import apstyle
from generator.models import SIGNALS, AlphaScore, SourceRef
from generator.scoring import FUNDAMENTAL_SIGNALS, UNIVERSE_PEERS, ScoreFacts
from generator.slugs import GENERATED_SLUG_LENGTH, slugify
from generator.writing.render import Ranking
from generator.writing.sources import source_ref
from generator.writing.stories.base import (
    ArticlePlan,
    Draft,
    StoryDesk,
    mentions_company,
    parse_date,
    present,
    unflagged,
)
from generator.writing.stories.views import (
    BriefContext,
    DriverView,
    HeadlineView,
    QuoteView,
    SignalView,
    SplitView,
)

BRIEF_WINDOWS = ("1D", "1M", "YTD", "1Y")
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
    templates: ClassVar[tuple[str, ...]] = ("alpha_brief",)

    def __init__(self, desk: StoryDesk) -> None:
        self.desk = desk

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
            plans.append(ArticlePlan(self.kind, f"{name}{suffix}", tickers[0], tickers))
        return plans

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
        quote, quote_sources = self._company_quote(ticker)
        headline, headline_sources = self._headline(ticker)
        moves = {w: unflagged(facts.stock_return(ticker, w)) for w in BRIEF_WINDOWS}
        sector_id = desk.sector_id(ticker)
        sector_month = desk.group(sector_id, "1M") if sector_id else None
        context = BriefContext(
            **desk.common(),
            stock=desk.stock(ticker),
            other_classes=[desk.share_class(t) for t in plan.tickers[1:]],
            score=alpha,
            score_facts=figures,
            signals=signals,
            best=ranked[0] if ranked else None,
            best_rank=Ranking(ranked[0].score, "first", among) if len(ranked) > 1 else None,
            best_names=apstyle.join(leading) if leading else None,
            best_many=len(leading) > 1,
            worst=ranked[-1] if ranked else None,
            worst_rank=Ranking(ranked[-1].score, "last", among) if len(ranked) > 1 else None,
            worst_names=apstyle.join(trailing) if trailing else None,
            worst_many=len(trailing) > 1,
            fundamental_signals=any(s.name in FUNDAMENTAL_SIGNALS for s in present_signals),
            moves=present(moves),
            relative_1y=unflagged(facts.stock_relative(ticker, "1Y")),
            figures=present({c: facts.stock_figure(ticker, c) for c in BRIEF_FIGURES}),
            high_date=facts.value(ticker, "high_52w_date"),
            today={
                f"{name}{suffix}": bool(facts.value(ticker, f"{name}{suffix}"))
                for name in ("high_52w", "low_52w", "closing_high_52w", "closing_low_52w")
                for suffix in ("_today", "_new")
            },
            notable_volume=desk.notable_volume(ticker),
            sector_month=sector_month if sector_month and sector_month.move is not None else None,
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
            quote=quote,
            headline=headline,
            lookback_days=desk.scoring_rules.sentiment_lookback_days,
        )
        return Draft(context, self.kind, [*quote_sources, *headline_sources], [alpha])

    def _signal(self, name: str, alpha: AlphaScore, figures: ScoreFacts) -> SignalView:
        signal = alpha.signals.get(name)
        if signal is None:
            return SignalView(
                name=name,
                missing=True,
                reason=self._missing_reason(name),
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
                value=figures[f"metric.{m.name}"],
                rank=figures[f"rank.{m.name}"],
                peers=self._peers(m.peer_group),
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

    def _missing_reason(self, signal: str) -> str:
        """Why a signal has no score, in the terms the template words it."""
        if signal == "sentiment":
            return "no_recent_news" if self.desk.has_news else "no_news_feed"
        return "no_history" if signal == "momentum" else "no_inputs"

    def _peers(self, peer_group: str) -> str:
        if peer_group == UNIVERSE_PEERS:
            return f"among all stocks in the {self.desk.facts.universe_name}"
        return f"among {peer_group} stocks"

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

    def _headline(self, ticker: str) -> tuple[HeadlineView | None, list[SourceRef]]:
        """The newest headline worth quoting (the library holds only the lookback's news)."""
        for item in self.desk.library.headlines.get(ticker, ()):
            if len(item.title.split()) >= 4 and item.published.date() <= self.desk.as_of:
                view = HeadlineView(title=item.title, publisher=item.publisher, date=item.published.date())
                return view, [source_ref(item.source)]
        return None, []


def split_ratio_words(ratio: float) -> str:
    """AP figures for a split: 4.0 -> "4-for-1", 1.5 -> "3-for-2", 0.1 -> "1-for-10"."""
    if ratio >= 1:
        whole = round(ratio)
        return f"{whole}-for-1" if abs(ratio - whole) < 1e-9 else f"{round(ratio * 2)}-for-2"
    return f"1-for-{round(1 / ratio)}"
