"""The day's biggest gainers and decliners in the universe, with breadth and sector context."""

from __future__ import annotations

from typing import ClassVar

from generator import apstyle
from generator.facts import UNIVERSE
from generator.facts import columns as col
from generator.facts.selections import movers
from generator.facts.typed import unflagged_context
from generator.slugs import slugify
from generator.writing.charts import bar_chart
from generator.writing.render import Ranking
from generator.writing.stories.base import ArticlePlan, Draft, StoryDesk, chart_view
from generator.writing.stories.views import MoversContext, MoverView


class MarketMovers:
    """One story a day: leaders and laggards over the session; a company takes one slot."""

    kind: ClassVar[str] = "market_movers"
    context: ClassVar[type] = MoversContext
    templates: ClassVar[tuple[str, ...]] = ("market_movers",)

    def __init__(self, desk: StoryDesk) -> None:
        self.desk = desk

    def plan(self) -> list[ArticlePlan]:
        desk = self.desk
        slug = f"{slugify(desk.facts.universe_name)}-market-movers-{desk.as_of.isoformat()}"
        weight = desk.trigger_rules.kinds.get(self.kind, 0.0)
        return [ArticlePlan(self.kind, slug, "", (), newsworthiness=weight)]

    def draft(self, plan: ArticlePlan) -> Draft:
        desk, facts = self.desk, self.desk.facts
        rules = desk.writer.rules
        field = desk.field(UNIVERSE, "1D")
        leaders, laggards = movers(
            facts, "1D", rules.movers_per_side, field, company_of=desk.names.company_key
        )
        among = tuple(desk.returns(field, "1D"))
        left_out = tuple(desk.returns(facts.left_out(UNIVERSE, "1D"), "1D"))
        sectors, unranked = desk.ranked_sectors("1D")
        sector_moves = tuple(s.move for s in sectors)
        unranked_moves = tuple(g.move for g in unranked)
        several = len(sectors) > 1
        gains = [self._mover(t) for t in leaders]
        falls = [self._mover(t) for t in laggards]
        decline_first = bool(gains and falls and abs(falls[0].move.value) > gains[0].move.value)
        bars = [(f"{m.stock.short} ({m.stock.ticker})", m.move) for m in (*gains, *falls)]
        chart = (
            bar_chart(
                plan.slug,
                f"Biggest moves in the {facts.universe_name}, {apstyle.date(desk.as_of)}",
                bars,
                what=f"the session's biggest gains and declines in the {facts.universe_name}",
            )
            if bars
            else None
        )
        context = MoversContext(
            **desk.common(),
            leaders=gains,
            laggards=falls,
            lead_rank=desk.rank(leaders, "first", among, left_out),
            lag_rank=desk.rank(laggards, "last", among, left_out),
            universe_move=facts.group_return(UNIVERSE, "1D"),
            benchmark_move=facts.benchmark_return("1D"),
            advancers=facts.group_count(UNIVERSE, col.ROSE, "1D"),
            decliners=facts.group_count(UNIVERSE, col.FELL, "1D"),
            counted=facts.group_count(UNIVERSE, col.COUNTED, "1D"),
            best_sector=sectors[0] if sectors else None,
            best_sector_rank=(
                Ranking(sectors[0].move, "first", sector_moves, unranked_moves) if several else None
            ),
            worst_sector=sectors[-1] if several else None,
            worst_sector_rank=(
                Ranking(sectors[-1].move, "last", sector_moves, unranked_moves) if several else None
            ),
            unranked_sectors=unranked if several else [],
            excluded=desk.exclusions(UNIVERSE, "1D"),
            decline_first=decline_first,
            chart=chart_view(chart),
        )
        return Draft(
            context, self.kind, charts=[chart] if chart else [], chart_facts=[fact for _, fact in bars]
        )

    def _mover(self, ticker: str) -> MoverView:
        desk, facts = self.desk, self.desk.facts
        return MoverView(
            stock=desk.stock(ticker),
            other_classes=desk.other_classes(ticker),
            move=facts.stock_return(ticker, "1D"),
            month=unflagged_context(facts.stock_return(ticker, "1M")),
            close=facts.stock_figure(ticker, "close"),
            volume_ratio=facts.stock_figure(ticker, "volume_ratio") if desk.notable_volume(ticker) else None,
        )
