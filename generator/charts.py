"""Charts as SVG files, drawn with matplotlib from a `Chart` (generator/models.py), byte for byte
the same on every run.

matplotlib is imported here only, when the first chart is drawn, so nothing else pays its import.
Determinism: the SVG backend's ids are seeded from `svg.hashsalt`, its date and creator (which
names matplotlib's version) metadata are dropped, text is drawn as paths from DejaVu Sans (which
ships with matplotlib), and each chart is its own Figure (no pyplot state). The file carries the
chart's data digest in its description, so the checker can tell the drawing is of the data the
sidecar lists without reading the drawing.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache

from generator.models import CHART_DIGEST_MARK, Chart, Unit

_INK, _GRID, _BENCHMARK = "#1f2328", "#d0d7de", "#1f2328"
_PALETTE = (
    "#0969da",
    "#bf3989",
    "#1a7f37",
    "#9a6700",
    "#8250df",
    "#cf222e",
    "#0550ae",
    "#6e7781",
    "#116329",
    "#953800",
    "#4b2b8a",
    "#a40e26",
)
_RC = {
    "svg.hashsalt": "newsdesk",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": _GRID,
    "axes.labelcolor": _INK,
    "xtick.color": _INK,
    "ytick.color": _INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "path.simplify": False,
}


@cache
def _matplotlib():
    import matplotlib
    import matplotlib.dates
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    return matplotlib, Figure, FigureCanvasSVG


def draw_svg(chart: Chart) -> str:
    """The chart as an SVG document."""
    matplotlib, Figure, FigureCanvasSVG = _matplotlib()
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(7.2, 4.2) if chart.kind == "line" else (7.2, 0.9 + 0.32 * _bars(chart)))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        if chart.kind == "line":
            _line(axes, chart)
        else:
            _bar(axes, chart)
        axes.set_title(chart.title, loc="left", fontsize=10, color=_INK)
        axes.grid(True, axis="y" if chart.kind == "line" else "x", color=_GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(
            buffer,
            format="svg",
            metadata={
                "Date": None,
                "Creator": None,  # names matplotlib's version: an upgrade alone would change the file
                "Title": chart.title,
                "Description": f"{CHART_DIGEST_MARK}{chart.digest}",
            },
        )
    return buffer.getvalue()


def _bars(chart: Chart) -> int:
    return sum(len(series.points) for series in chart.series)


def _line(axes, chart: Chart) -> None:
    for index, series in enumerate(chart.series):
        dates = [dt.date.fromisoformat(point.label) for point in series.points]
        values = [point.value for point in series.points]
        benchmark = (series.subject or "").startswith("benchmark:")
        axes.plot(
            dates,
            values,
            label=series.label,
            color=_BENCHMARK if benchmark else _PALETTE[index % len(_PALETTE)],
            linewidth=2.0 if benchmark else 1.2,
            linestyle="--" if benchmark else "-",
        )
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=4, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.axhline(0, color=_INK, linewidth=0.6)
    axes.yaxis.set_major_formatter(_percent())
    axes.legend(loc="upper left", fontsize=7, frameon=False, ncol=2 if len(chart.series) > 6 else 1)


def _bar(axes, chart: Chart) -> None:
    labels, values, colors = [], [], []
    for index, series in enumerate(chart.series):
        for point in series.points:
            labels.append(point.label)
            values.append(point.value)
            colors.append(_PALETTE[index % len(_PALETTE)] if point.value >= 0 else "#cf222e")
    positions = list(range(len(values)))[::-1]
    axes.barh(positions, values, color=colors, height=0.6)
    axes.set_yticks(positions, labels)
    axes.axvline(0, color=_INK, linewidth=0.6)
    if chart.unit is Unit.PERCENT:
        axes.xaxis.set_major_formatter(_percent())
    for position, value in zip(positions, values, strict=True):
        axes.annotate(
            f"{value:+.1f}%",
            (value, position),
            xytext=(3 if value >= 0 else -3, 0),
            textcoords="offset points",
            ha="left" if value >= 0 else "right",
            va="center",
            fontsize=7,
            color=_INK,
        )
    low, high = min(0.0, *values), max(0.0, *values)
    pad = (high - low) * 0.18 or 1.0
    axes.set_xlim(low - pad, high + pad)


def _percent():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: f"{value:g}%")
