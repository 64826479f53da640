"""Comparisons over time from the run history: a score against the one recorded before it.

Every comparison a story states is a fact with its own measure, dates and provenance: the earlier
score (measure `score`, dated the earlier run's date, from the history database) and the change
(measure `score_change`, from that date to today). Without an earlier run there are no such facts,
so a story simply says less; it never invents a comparison.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator import apstyle
from generator.facts import MarketFacts
from generator.history import PreviousRun
from generator.models import SIGNALS, Fact, Measure, Provenance, Unit
from generator.scoring import ScoreFacts
from generator.writing.context import View


@dataclass(frozen=True, slots=True)
class Change(View):
    """One score now, before, and the difference, as facts."""

    name: str  # "alpha" or a signal name
    current: Fact
    previous: Fact
    change: Fact

    @property
    def points(self) -> float:
        return self.change.value


class ScoreHistory:
    """Score comparisons with the previous recorded run of an earlier date (or none)."""

    def __init__(self, previous: PreviousRun | None, facts: MarketFacts) -> None:
        self.previous = previous
        self.facts = facts
        self.as_of = facts.as_of

    @property
    def since(self) -> dt.date | None:
        return self.previous.as_of if self.previous else None

    def points(self, ticker: str, current: int | None) -> int | None:
        """How far the Alpha Score moved since the previous run, when both are known."""
        if self.previous is None or current is None:
            return None
        row = self.previous.scores.get(ticker)
        return None if row is None or row.score is None else current - row.score

    def when(self) -> str:
        """How a story dates the earlier run: "a session earlier", "a week earlier" or "on Nov. 3"."""
        since = self.since
        assert since is not None
        windows = self.facts.windows
        if "1D" in windows and windows["1D"].start == since:
            return "a session earlier"
        if "1W" in windows and windows["1W"].start == since:
            return "a week earlier"
        return f"on {apstyle.date(since, year=since.year != self.as_of.year)}"

    def changes(self, ticker: str, score_facts: ScoreFacts) -> list[Change]:
        """The Alpha Score's change first (if known), then each signal's, largest move first."""
        if self.previous is None:
            return []
        row = self.previous.scores.get(ticker)
        if row is None:
            return []
        found = []
        alpha = score_facts.get("alpha")
        if alpha is not None and row.score is not None:
            found.append(self._change(ticker, "alpha", alpha, row.score))
        signals = []
        for name in SIGNALS:
            current, before = score_facts.get(f"signal.{name}"), getattr(row, name)
            if current is not None and before is not None:
                signals.append(self._change(ticker, f"signal.{name}", current, before))
        signals.sort(key=lambda c: (-abs(c.points), c.name))
        return found + signals

    def _change(self, ticker: str, key: str, current: Fact, before: int) -> Change:
        previous = self.previous
        assert previous is not None
        since = previous.as_of
        what = "Alpha Score" if key == "alpha" else f"{key.removeprefix('signal.')} signal score"
        source = Provenance(
            series=f"history.scores[{ticker}].{key.removeprefix('signal.') if key != 'alpha' else 'score'}",
            window=f"run of {since} (run {previous.run_id})",
            formula=f"{what} recorded by the latest run for {since}",
        )
        earlier = Fact(
            id=f"history:{ticker}:{key}:{since}",
            value=float(before),
            unit=Unit.SCORE,
            display=apstyle.display(float(before), Unit.SCORE),
            as_of=self.as_of,
            provenance=source,
            subject=ticker,
            measure=Measure.SCORE,
            start=since,
            end=since,
            inputs_as_of=since,
        )
        difference = current.value - before
        change = Fact(
            id=f"history:{ticker}:{key}:change:{since}",
            value=float(difference),
            unit=Unit.SCORE,
            display=apstyle.display(float(difference), Unit.SCORE),
            as_of=self.as_of,
            provenance=Provenance(
                series=f"{current.provenance.series}, {source.series}",
                window=f"{since} to {self.as_of}",
                formula=f"{what} as of {self.as_of} ({current.display}) - as of {since} ({before})",
            ),
            subject=ticker,
            measure=Measure.SCORE_CHANGE,
            start=since,
            end=self.as_of,
            inputs_as_of=min(since, current.inputs_as_of or self.as_of),
        )
        return Change(key.removeprefix("signal."), current, earlier, change)
