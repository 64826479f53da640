"""Which articles to write, and the facts each one gets: one class per story kind.

Every kind follows the `Story` protocol (generator/writing/stories/base.py): it plans the articles
a snapshot supports and drafts each as a typed template context (generator/writing/stories/views.py)
whose figures are `Fact` records, never bare numbers, so everything the text states is traceable.
A figure that is unknown is None in the context and the template says nothing about it. Rankings
come as `Ranking` records that name every fact compared and every member left out, so the checker
can verify "the biggest gain" over the whole field.

The kinds are registered here, in the order their articles are planned.
"""

from __future__ import annotations

import dataclasses

from generator.models import Article
from generator.slugs import slugify
from generator.writing.stories.base import ArticlePlan, Draft, Story, StoryDesk
from generator.writing.stories.brief import AlphaBrief, split_ratio_words
from generator.writing.stories.cohorts import CohortPerformance
from generator.writing.stories.movers import MarketMovers
from generator.writing.stories.score_changes import ScoreChanges
from generator.writing.stories.thematic import Thematic, basket_id, theme_baskets

STORY_KINDS: tuple[type[Story], ...] = (MarketMovers, ScoreChanges, CohortPerformance, Thematic, AlphaBrief)


class Newsroom(StoryDesk):
    """Plans and writes one snapshot's articles through the registered story kinds."""

    def __init__(self, **desk) -> None:
        super().__init__(**desk)
        self.kinds: dict[str, Story] = {kind.kind: kind(self) for kind in STORY_KINDS}

    def plan(self) -> list[ArticlePlan]:
        """Every article this snapshot supports, with unique slugs, in a stable order."""
        return _unique_slugs([plan for kind in self.kinds.values() for plan in kind.plan()])

    def draft(self, plan: ArticlePlan) -> Draft:
        return self.kinds[plan.kind].draft(plan)

    def write(self, plan: ArticlePlan) -> Article:
        draft = self.draft(plan)
        return self.writer.render(
            kind=plan.kind,
            template=draft.template,
            slug=plan.slug,
            date=self.as_of,
            tickers=list(plan.tickers),
            sources=[self.data_source, *draft.sources],
            scores=draft.scores,
            context=draft.context,
            charts=draft.charts,
            chart_facts=draft.chart_facts,
        )


def _unique_slugs(plans: list[ArticlePlan]) -> list[ArticlePlan]:
    """Disambiguate repeated slugs with the subject, then a counter; never two files at one path."""
    seen: set[str] = set()
    unique = []
    for plan in plans:
        slug = plan.slug
        if slug in seen:
            stem, _, date = slug.rpartition("-alpha-score-") if "-alpha-score-" in slug else (slug, "", "")
            slug = f"{stem}-{slugify(plan.subject, 12)}-alpha-score-{date}" if date else f"{slug}-2"
        counter = 2
        while slug in seen:
            slug = f"{plan.slug}-{counter}"
            counter += 1
        seen.add(slug)
        unique.append(dataclasses.replace(plan, slug=slug))
    return unique


__all__ = [
    "STORY_KINDS",
    "AlphaBrief",
    "ArticlePlan",
    "CohortPerformance",
    "Draft",
    "MarketMovers",
    "Newsroom",
    "ScoreChanges",
    "Story",
    "StoryDesk",
    "Thematic",
    "basket_id",
    "split_ratio_words",
    "theme_baskets",
]
