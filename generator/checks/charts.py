"""charts.*: a chart an article shows must exist beside it and plot exactly its facts.

The sidecar lists each chart (`charts`): its file, and the series it plots, each point naming the
fact it shows (a bar) or the fact the series ends at (a line). The drawn file carries the digest
of that data (generator/models.chart_digest), so the file, the sidecar's series and its facts can
be held against each other without reading the drawing. An SVG the markdown shows must be listed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from generator.checks.base import Article, Hit, Rule
from generator.models import CHART_DIGEST_MARK, CHART_FILE_PATTERN, chart_digest

_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FILE = re.compile(CHART_FILE_PATTERN)
_DIGEST = re.compile(re.escape(CHART_DIGEST_MARK) + r"([0-9a-f]{64})")


def _images(article: Article) -> list[tuple[str, int]]:
    """Local SVG files the markdown shows, with the file line of each."""
    found = []
    for number, line in enumerate(article.document.lines, start=1):
        if number <= article.document.meta_end:
            continue
        for match in _IMAGE.finditer(line):
            target = match.group(1)
            if target.endswith(".svg") and "://" not in target and not target.startswith("data:"):
                found.append((target, number))
    return found


def _line_of(article: Article, name: str) -> int:
    for target, number in _images(article):
        if target == name:
            return number
    return article.document.body_line


class ChartsMissing(Rule):
    """A chart the article shows or its sidecar lists has no file beside the article.

    A reader, a feed and a site generator all load `<name>.svg` from the article's folder; a chart
    that is not there is a broken picture where a figure should be. Only plain file names beside
    the article count as charts (no folders, no web addresses).

    Bad (no ``movers.svg`` next to the article)::

        ![Bar chart of the day's biggest moves](movers.svg)

    Good: the article's folder holds ``movers.svg``, drawn by `newsdesk run` with the article.
    """

    id = "charts.missing"

    def check(self, article: Article) -> Iterable[Hit]:
        listed = [chart.file for chart in article.sidecar.charts] if article.sidecar else []
        seen = set()
        for name, line in [*_images(article), *((name, None) for name in listed)]:
            if name in seen:
                continue
            seen.add(name)
            where = line or _line_of(article, name)
            if not _FILE.match(name):
                yield Hit(where, 1, f"chart {name!r} is not a plain file name beside the article", name)
            elif article.read_file(name) is None:
                yield Hit(where, 1, f"chart {name!r} is missing: no such file beside the article", name)


class ChartsData(Rule):
    """A chart's data does not match the facts it claims to plot, or its file draws other data.

    Each bar must equal the fact it names, each line must end at the fact it names, the sidecar's
    digest must be the digest of its series, and the drawn file must carry that digest. An SVG the
    markdown shows without a sidecar entry cannot be checked, and is reported too.

    Bad (the sidecar's bar for NVDA says 5.2, its fact ``stock:NVDA:return:1D`` is 4.2)::

        "points": [{"label": "Nvidia (NVDA)", "value": 5.2, "fact": "stock:NVDA:return:1D"}]

    Good: every bar's value is its fact's value, as `newsdesk run` writes them.
    """

    id = "charts.data"

    def check(self, article: Article) -> Iterable[Hit]:
        sidecar = article.sidecar
        charts = sidecar.charts if sidecar else []
        listed = {chart.file for chart in charts}
        if sidecar is not None:
            for name, line in _images(article):
                if name not in listed:
                    yield Hit(line, 1, f"chart {name!r} has no data in the sidecar to check it against", name)
        if not charts:
            return
        facts = {fact.id: fact for fact in sidecar.facts}
        for chart in charts:
            line = _line_of(article, chart.file)
            for problem in _problems(chart, facts):
                yield Hit(line, 1, f"chart {chart.file!r}: {problem}", chart.file)
            if chart.digest != chart_digest(chart.series):
                yield Hit(line, 1, f"chart {chart.file!r}: its digest is not that of its series", chart.file)
                continue
            drawn = article.read_file(chart.file) if _FILE.match(chart.file) else None
            if drawn is None:
                continue  # charts.missing reports it
            match = _DIGEST.search(drawn)
            if match is None or match.group(1) != chart.digest:
                yield Hit(
                    line, 1, f"chart {chart.file!r}: the drawn file is not of the sidecar's data", chart.file
                )


def _problems(chart, facts) -> Iterable[str]:
    for series in chart.series:
        for point in series.points:
            if point.fact is None:
                continue
            fact = facts.get(point.fact)
            if fact is None:
                yield f"{point.label!r} plots {point.fact}, which the sidecar does not list"
            elif not math.isclose(point.value, fact.value, rel_tol=1e-9, abs_tol=1e-9):
                yield f"{point.label!r} plots {point.value}, but {fact.id} is {fact.display}"
        if series.fact is not None:
            fact = facts.get(series.fact)
            if fact is None:
                yield f"series {series.label!r} ends at {series.fact}, which the sidecar does not list"
            elif not series.points or not math.isclose(
                series.points[-1].value, fact.value, rel_tol=1e-6, abs_tol=1e-6
            ):
                last = series.points[-1].value if series.points else None
                yield f"series {series.label!r} ends at {last}, but {fact.id} is {fact.display}"
