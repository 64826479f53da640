"""The day's largest Alpha Score upgrades and downgrades, and the signals that moved them.

Written only when the run history holds an earlier run of the same universe and at least one
score moved by the score_change trigger's points (rules/triggers.yaml); without history there is
no such story. Every change is a pair of facts — the earlier score, from the history, and the
difference — and the rankings compare every stock scored in both runs.
"""

from __future__ import annotations

from typing import ClassVar

from generator.writing.changes import Change
from generator.writing.render import Ranking
from generator.writing.stories.base import ArticlePlan, Draft, StoryDesk
from generator.writing.stories.views import ScoreChangesContext, ScoreMover

PER_SIDE = 5


class ScoreChanges:
    """One story a day, when there is an earlier run to compare with and a score moved enough."""

    kind: ClassVar[str] = "score_changes"
    context: ClassVar[type] = ScoreChangesContext
    templates: ClassVar[tuple[str, ...]] = ("score_changes",)

    def __init__(self, desk: StoryDesk) -> None:
        self.desk = desk
        self._changes: dict[str, list[Change]] | None = None

    @property
    def threshold(self) -> int:
        return int(self.desk.trigger_rules.threshold("score_change", "points") or 5)

    def changes(self) -> dict[str, list[Change]]:
        """Lead ticker of each company -> its score changes (Alpha Score first), for stocks scored
        in both runs."""
        if self._changes is None:
            desk = self.desk
            found = {}
            seen: set[str] = set()
            priced = desk.priced
            for listed in desk.facts.stocks.index:
                company = desk.names.company(listed)
                leading = [t for t in company.tickers if t in priced]
                ticker = leading[0] if leading else listed  # the class the company's brief leads with
                if ticker in seen or ticker not in priced:
                    continue
                seen.add(ticker)
                composite = desk.scores.table.composite.get(ticker)
                if composite is None or composite != composite:
                    continue
                if desk.history.points(ticker, int(composite)) is None:
                    continue
                changes = desk.history.changes(ticker, desk.score_facts(ticker))
                if changes and changes[0].name == "alpha":
                    found[ticker] = changes
            self._changes = found
        return self._changes

    def plan(self) -> list[ArticlePlan]:
        desk = self.desk
        if desk.history.since is None:
            return []
        moved = [c for c in self.changes().values() if abs(c[0].points) >= self.threshold]
        if not moved:
            return []
        slug = f"alpha-score-changes-{desk.as_of.isoformat()}"
        weight = desk.trigger_rules.kinds.get(self.kind, 0.0)
        return [ArticlePlan(self.kind, slug, "", (), newsworthiness=weight)]

    def draft(self, plan: ArticlePlan) -> Draft:
        desk = self.desk
        changes = self.changes()
        among = tuple(c[0].change for c in changes.values())
        ordered = sorted(changes.items(), key=lambda item: (-item[1][0].points, item[0]))
        ups = [(t, c) for t, c in ordered if c[0].points >= self.threshold][:PER_SIDE]
        downs = [(t, c) for t, c in reversed(ordered) if c[0].points <= -self.threshold][:PER_SIDE]
        up_tickers = tuple(t for t, c in changes.items() if c[0].points >= self.threshold)
        down_tickers = tuple(t for t, c in changes.items() if c[0].points <= -self.threshold)
        facts = desk.facts
        context = ScoreChangesContext(
            **desk.common(),
            when=desk.history.when(),
            since=desk.history.since,
            upgrades=[self._mover(t, c) for t, c in ups],
            downgrades=[self._mover(t, c) for t, c in downs],
            upgrade_rank=Ranking(ups[0][1][0].change, "first", among) if ups else None,
            downgrade_rank=Ranking(downs[0][1][0].change, "last", among) if downs else None,
            compared=facts.count("score_changes:compared", len(changes), "stocks scored in both runs"),
            moved_up=facts.count(
                "score_changes:up", len(up_tickers), "upgrades of the threshold or more", up_tickers
            ),
            moved_down=facts.count(
                "score_changes:down", len(down_tickers), "downgrades of the threshold or more", down_tickers
            ),
            threshold=facts.count("rules:score_change_points", self.threshold, "rules/triggers.yaml points"),
        )
        scores = [desk.scores.by_ticker[t] for t, _ in (*ups, *downs)]
        return Draft(context, self.kind, [], scores)

    def _mover(self, ticker: str, changes: list[Change]) -> ScoreMover:
        alpha, signals = changes[0], changes[1:]
        way = (alpha.points > 0) - (alpha.points < 0)
        moved = [c for c in signals if (c.points > 0) - (c.points < 0) == way]
        return ScoreMover(stock=self.desk.stock(ticker), alpha=alpha, lead_signal=moved[0] if moved else None)
