"""The charts stories carry, built from the same facts their text states.

Every plotted value is a fact the sidecar lists (a bar names its fact; a line ends at its group's
return fact and its points are computed the same way, day by day), and the alt text is written
from those facts' display texts, so a reader without the picture reads the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from generator import apstyle
from generator.facts import MarketFacts
from generator.models import Chart, ChartPoint, ChartSeries, Fact, Measure, Provenance, Unit, chart_digest


def chart_file(slug: str) -> str:
    return f"{slug}.svg"


def bar_chart(slug: str, title: str, bars: Sequence[tuple[str, Fact]], *, what: str) -> Chart:
    """Horizontal bars, one per (label, fact), in the order given."""
    series = [
        ChartSeries(
            id="bars",
            label=what,
            points=[ChartPoint(label=label, value=fact.value, fact=fact.id) for label, fact in bars],
        )
    ]
    listed = "; ".join(f"{label}, {fact.display}" for label, fact in bars)
    return Chart(
        file=chart_file(slug),
        kind="bar",
        title=title,
        alt=f"Bar chart of {what}: {listed}.",
        unit=Unit.PERCENT,
        series=series,
        digest=chart_digest(series),
    )


def path_chart(
    slug: str,
    title: str,
    facts: MarketFacts,
    window: str,
    lines: Sequence[tuple[str, str, Fact]],
    *,
    what: str,
) -> Chart | None:
    """One line per (label, path id, closing fact): the group's (or benchmark's) cumulative return
    at every session of the window; None when a path is missing."""
    series = []
    for label, path_id, fact in lines:
        path = facts.paths.get((path_id, window))
        if not path:
            return None
        series.append(
            ChartSeries(
                id=path_id,
                label=label,
                subject=fact.subject,
                measure=fact.measure,
                fact=fact.id,
                provenance=Provenance(
                    series=fact.provenance.series,
                    window=fact.provenance.window,
                    formula="at each session: "
                    + (
                        "mean of member closes / their close at the start - 1"
                        if fact.measure is Measure.AVERAGE
                        else "close / close at the start - 1"
                    ),
                ),
                members=fact.members,
                points=[ChartPoint(label=day.isoformat(), value=value) for day, value in path],
            )
        )
    start, end = _bounds(series)
    listed = "; ".join(f"{label}, {fact.display}" for label, _, fact in lines)
    return Chart(
        file=chart_file(slug),
        kind="line",
        title=title,
        # AP: a full date in running text is set off by commas ("from Dec. 30, 2016, to ...").
        alt=f"Line chart of {what} from {apstyle.date(start)}, to {apstyle.date(end)}, ending at: {listed}.",
        unit=Unit.PERCENT,
        series=series,
        digest=chart_digest(series),
    )


def _bounds(series: list[ChartSeries]) -> tuple[dt.date, dt.date]:
    first = series[0].points
    return dt.date.fromisoformat(first[0].label), dt.date.fromisoformat(first[-1].label)
