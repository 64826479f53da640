"""A theme an editor defined: the editor's thesis, an Alpha Score per stock, the basket's year."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from generator.errors import ConfigError
from generator.facts import columns as col
from generator.models import SourceRef
from generator.writing.charts import bar_chart
from generator.writing.editorial import Theme
from generator.writing.render import Ranking
from generator.writing.sources import source_ref
from generator.writing.stories.base import ArticlePlan, Draft, StoryDesk, chart_view, unflagged
from generator.writing.stories.views import QuoteView, ThematicContext, ThemeMember, TopStock


class Thematic:
    """One story per theme in editorial/themes.yaml with at least two stocks that have prices."""

    kind: ClassVar[str] = "thematic"
    context: ClassVar[type] = ThematicContext
    templates: ClassVar[tuple[str, ...]] = ("thematic",)

    def __init__(self, desk: StoryDesk) -> None:
        self.desk = desk

    def plan(self) -> list[ArticlePlan]:
        desk = self.desk
        priced = desk.priced
        plans = []
        limit = desk.writer.rules.headline_max_chars
        for theme in desk.editorial.themes:
            if len(theme.title) > limit:
                raise ConfigError(
                    f"editorial/themes.yaml: theme {theme.id!r}: title is {len(theme.title)} characters; "
                    f"headlines may have {limit} (rules/writing.yaml headline_max_chars)"
                )
            tickers = tuple(t for t in theme.tickers if t in priced)
            if len(tickers) >= 2:
                slug = f"{theme.id}-{desk.as_of.isoformat()}"
                weight = desk.trigger_rules.kinds.get(self.kind, 0.0)
                plans.append(ArticlePlan(self.kind, slug, theme.id, tickers, newsworthiness=weight))
        return plans

    def draft(self, plan: ArticlePlan) -> Draft:
        desk = self.desk
        theme = next(t for t in desk.editorial.themes if t.id == plan.subject)
        facts = desk.facts
        basket = basket_id(theme)
        members = []
        for ticker in plan.tickers:
            score, year = desk.scores.by_ticker[ticker], unflagged(facts.stock_return(ticker, "1Y"))
            members.append(
                ThemeMember(
                    stock=desk.stock(ticker),
                    score=score,
                    score_facts=desk.score_facts(ticker),
                    year=year,
                    momentum_peers=desk.momentum_peers(score, year),
                )
            )
        members.sort(key=lambda m: (m.score.score is None, -(m.score.score or 0), m.stock.name))
        scored = [m for m in members if m.score.score is not None]
        sector_ids = dict.fromkeys(desk.facts.sector_of(m.stock.ticker) for m in members if m.stock.sector)
        sectors = [desk.group(g, "1Y") for g in sector_ids if g is not None]
        sectors = sorted((s for s in sectors if s.move is not None), key=lambda s: -s.move.value)
        quote, quote_sources = self._theme_quote(theme)
        scores_among = tuple(m.score_facts["alpha"] for m in scored)
        has_basket = basket in facts.group_members
        leader, leader_rank, fell = self._basket_leader(basket) if has_basket else (None, None, None)
        bars = [(f"{m.stock.short} ({m.stock.ticker})", m.year) for m in members if m.year is not None]
        bars.sort(key=lambda bar: -bar[1].value)  # the members best first, then basket and benchmark
        basket_move = facts.group_return(basket, "1Y") if has_basket else None
        benchmark = facts.benchmark_return("1Y") if "1Y" in facts.windows else None
        if basket_move is not None:
            bars.append(("Theme basket, equal-weighted", basket_move))
        if benchmark is not None:
            bars.append((facts.benchmark_name, benchmark))
        chart = (
            bar_chart(plan.slug, f"{theme.title}: one-year returns", bars, what="one-year returns")
            if len(bars) >= 2
            else None
        )
        context = ThematicContext(
            **desk.common(),
            theme=theme,
            members=members,
            top_rank=Ranking(scores_among[0], "first", scores_among) if len(scored) > 1 else None,
            scored=facts.count(f"{basket}:scored", len(scored), "theme stocks with an Alpha Score"),
            member_count=facts.count(f"{basket}:members", len(members), "theme stocks with prices"),
            basket=desk.group(basket, "1Y") if has_basket else None,
            excluded=desk.exclusions(basket, "1Y") if has_basket else None,
            sectors=sectors,
            quote=quote,
            basket_leader=leader,
            basket_leader_rank=leader_rank,
            basket_fell=fell,
            chart=chart_view(chart),
        )
        charts = [chart] if chart else []
        scores = [m.score for m in members]
        return Draft(context, self.kind, quote_sources, scores, charts, [fact for _, fact in bars])

    def _basket_leader(self, basket: str):
        """The basket's best member over the year and how many fell: what an average can hide."""
        desk = self.desk
        moves = tuple(desk.returns(desk.field(basket, "1Y"), "1Y"))
        if len(moves) < 2:
            return None, None, None
        best = max(moves, key=lambda f: f.value)
        return (
            TopStock(stock=desk.stock(str(best.subject)), move=best),
            Ranking(best, "first", moves),
            desk.facts.group_count(basket, col.FELL, "1Y"),
        )

    def _theme_quote(self, theme: Theme) -> tuple[QuoteView | None, list[SourceRef]]:
        library = self.desk.library
        for source_id in theme.sources:
            document = library.documents.get(source_id)
            quotes = library.quotes(document) if document else []
            if quotes:
                return self.desk.quote_view(quotes[0]), [source_ref(document)]
        return None, []


def basket_id(theme: Theme) -> str:
    return f"basket:{theme.id}"


def theme_baskets(themes: Iterable[Theme]) -> dict[str, tuple[str, list[str]]]:
    """Theme stocks as groups for the facts stage, so basket returns are facts like any other."""
    return {basket_id(t): (t.title, list(t.tickers)) for t in themes}
