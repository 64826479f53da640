"""How each cohort (or sector) has done against the equal-weighted universe over a stated period."""

from __future__ import annotations

from typing import ClassVar

from generator import apstyle
from generator.facts import UNIVERSE
from generator.facts.selections import movers
from generator.models import Chart, Fact
from generator.writing.charts import path_chart
from generator.writing.phrasing import displayed_value
from generator.writing.render import Ranking
from generator.writing.stories.base import ArticlePlan, Draft, StoryDesk, chart_view
from generator.writing.stories.views import CohortContext, GroupView, TopStock


class CohortPerformance:
    """One story a day when two or more cohorts (or sectors) have a return over the period."""

    kind: ClassVar[str] = "cohort_performance"
    context: ClassVar[type] = CohortContext
    templates: ClassVar[tuple[str, ...]] = ("cohort_performance",)

    def __init__(self, desk: StoryDesk) -> None:
        self.desk = desk

    def plan(self) -> list[ArticlePlan]:
        desk = self.desk
        if desk.cohort_window not in desk.facts.windows or len(self.cohorts()) < 2:
            return []
        weight = desk.trigger_rules.kinds.get(self.kind, 0.0)
        slug = f"cohort-performance-{desk.as_of.isoformat()}"
        return [ArticlePlan(self.kind, slug, "", (), newsworthiness=weight)]

    def cohorts(self) -> list[GroupView]:
        """The groups the story ranks, best first: cohorts, or sectors when there are none."""
        return self._groups()[0]

    def _groups(self) -> tuple[list[GroupView], list[GroupView]]:
        """The groups ranked, best first, and the sectors too small to rank (none of cohorts)."""
        desk = self.desk
        minimum = desk.editorial.desk.cohort_story.min_group_size
        if desk.has_cohorts:
            return desk.ranked_groups("cohort", desk.cohort_window, minimum_size=minimum), []
        return desk.ranked_sectors(desk.cohort_window, minimum_size=minimum)

    def draft(self, plan: ArticlePlan) -> Draft:
        desk = self.desk
        facts, window = desk.facts, desk.cohort_window
        story = desk.editorial.desk.cohort_story
        cohorts, unranked = self._groups()
        leader = cohorts[0]
        if desk.has_cohorts:
            parts = [desk.group(g, window) for g in facts.subgroups(leader.id)]
        elif desk.sub_industries_usable:
            parts = self._sub_industries(leader.id, window)
        else:
            parts = []
        parts = sorted(
            (p for p in parts if p.move is not None and p.counted.value >= story.min_group_size),
            key=lambda p: -p.move.value,
        )
        if not story.subgroups_of_leader:
            parts = []
        cohort_moves = tuple(c.move for c in cohorts)
        unranked_moves = tuple(g.move for g in unranked)
        field = desk.field(leader.id, window)
        member_moves = tuple(desk.returns(field, window))
        left_out = tuple(desk.returns(facts.left_out(leader.id, window), window))
        top, _ = movers(facts, window, 3, field, company_of=desk.names.company_key)
        laggard = cohorts[-1] if len(cohorts) > 1 else None
        chart, plotted = self._chart(plan, [*cohorts, *unranked])
        context = CohortContext(
            **desk.common(),
            grouping="cohort" if desk.has_cohorts else "sector",
            since=facts.windows[window].start,
            until=facts.windows[window].end,
            ytd=window == "YTD",
            since_reason=story.since_label,
            chart=chart_view(chart),
            cohorts=cohorts,
            cohort_count=facts.count("cohorts:count", len(cohorts), "groups compared in the story"),
            unranked=unranked,
            unranked_lead=any(
                g.move.value > leader.move.value or (g.relative is not None and g.relative.value >= 0)
                for g in unranked
            ),
            leader=leader,
            leader_rank=Ranking(leader.move, "first", cohort_moves, unranked_moves),
            laggard=laggard,
            laggard_rank=Ranking(laggard.move, "last", cohort_moves, unranked_moves) if laggard else None,
            parts=parts,
            parts_rank=Ranking(parts[0].move, "first", tuple(p.move for p in parts)) if parts else None,
            parts_ahead=[p for p in parts if p.relative is not None and displayed_value(p.relative) > 0],
            top_stocks=[TopStock(stock=desk.stock(t), move=facts.stock_return(t, window)) for t in top],
            top_rank=desk.rank(top, "first", member_moves, left_out),
            universe_move=facts.group_return(UNIVERSE, window),
            benchmark_move=facts.benchmark_return(window),
            excluded=desk.exclusions(UNIVERSE, window),
            not_counted=desk.not_counted(UNIVERSE, window),
        )
        return Draft(context, self.kind, charts=[chart] if chart else [], chart_facts=plotted)

    def _chart(self, plan: ArticlePlan, cohorts: list[GroupView]) -> tuple[Chart | None, list[Fact]]:
        """Each group's cumulative return over the period, with the benchmark's."""
        desk = self.desk
        facts, window = desk.facts, desk.cohort_window
        lines = [(c.name, c.id, c.move) for c in cohorts if c.move is not None]
        benchmark = facts.benchmark_return(window)
        if benchmark is not None:
            lines.append((facts.benchmark_name, f"benchmark:{facts.benchmark_ticker}", benchmark))
        start = apstyle.date(facts.windows[window].start)
        grouping = "cohort" if desk.has_cohorts else "sector"
        chart = path_chart(
            plan.slug,
            f"Return since {start}: each {grouping} against the benchmark",
            facts,
            window,
            lines,
            what=f"each {grouping}'s equal-weighted cumulative return and the benchmark's",
        )
        return chart, [fact for _, _, fact in lines] if chart else []

    def _sub_industries(self, sector_id: str, window: str) -> list[GroupView]:
        """Sub-industries wholly inside a sector: the sub-groups of a sector-as-cohort."""
        desk = self.desk
        sector = set(desk.facts.group_members[sector_id].tickers)
        table = desk.facts.groups
        ids = [
            g
            for g in table.index[table["kind"] == "sub_industry"]
            if set(desk.facts.group_members[g].tickers) <= sector
        ]
        return [desk.group(g, window) for g in ids]
