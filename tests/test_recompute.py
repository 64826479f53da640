"""Every figure in every article, recomputed from the raw snapshot files with plain pandas.

This is an oracle that does not share code with the facts stage: it reads prices.csv(.gz),
benchmark.csv and actions.csv itself, applies the documented conventions (a window's return runs from
the last close on or before its start to the last close on or before its end; a split in actions.csv
divides earlier prices by its ratio; a group's average is the mean of its members' returns), and
compares with each fact an article's sidecar lists — value and the number its display shows —
including the session-history figures (streaks, a move against the stock's own volatility, the last
move as big, the long moving average and the last close on its side). Comparisons with an earlier
run are checked against what that run's own briefs in the same output folder stated. It also checks
that each claim's words are in the article and that rising and falling claims agree with the sign
of their figure.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.models import Measure, Sidecar, Unit

_NUMBER = re.compile(r"-?[\d,]+(?:\.(\d+))?")
MAX_FILL = 5  # rules/facts.yaml max_fill_days


class Raw:
    """A snapshot's raw prices, adjusted for the splits its actions.csv lists."""

    def __init__(self, folder: Path) -> None:
        name = next(n for n in ("prices.csv.gz", "prices.csv") if (folder / n).exists())
        prices = pd.read_csv(folder / name, parse_dates=["date"])
        actions_file = folder / "actions.csv"
        if actions_file.exists():
            for row in (
                pd.read_csv(actions_file, parse_dates=["date"]).dropna(subset=["split_ratio"]).itertuples()
            ):
                before = (prices["ticker"] == row.ticker) & (prices["date"] < row.date)
                prices.loc[before, ["open", "high", "low", "close"]] /= row.split_ratio
        self.close = prices.pivot(index="date", columns="ticker", values="close").sort_index()
        self.high = prices.pivot(index="date", columns="ticker", values="high").sort_index()
        self.low = prices.pivot(index="date", columns="ticker", values="low").sort_index()
        benchmark = pd.read_csv(folder / "benchmark.csv", parse_dates=["date"])
        self.benchmark = benchmark.pivot(index="date", columns="ticker", values="close").sort_index()
        self.sector = pd.read_csv(folder / "fundamentals.csv").set_index("ticker")["sector"]

    def sector_members(self, slug: str, start: dt.date, end: dt.date) -> list[str]:
        """Tickers of the sector whose slug is `slug` that have a close at both ends of the window."""
        names = {re.sub(r"[^a-z0-9]+", "-", str(s).lower()).strip("-"): s for s in self.sector.unique()}
        tickers = self.sector.index[self.sector == names[slug]]
        return sorted(
            t for t in tickers if t in self.close and not np.isnan(self.stock_return(t, start, end))
        )

    @staticmethod
    def at(frame: pd.DataFrame, ticker: str, day: dt.date) -> float:
        """The last value on or before `day`, carried at most MAX_FILL sessions (rules/facts.yaml's
        max_fill_days): a stock that stopped trading longer ago has no value, unknown not stale."""
        window = frame[ticker].loc[: pd.Timestamp(day)]
        recent = window.iloc[-(MAX_FILL + 1) :].dropna()
        return float(recent.iloc[-1]) if len(recent) else float("nan")

    def stock_return(self, ticker: str, start: dt.date, end: dt.date) -> float:
        return (self.at(self.close, ticker, end) / self.at(self.close, ticker, start) - 1) * 100

    def benchmark_return(self, ticker: str, start: dt.date, end: dt.date) -> float:
        return (self.at(self.benchmark, ticker, end) / self.at(self.benchmark, ticker, start) - 1) * 100

    def year(self, frame: pd.DataFrame, ticker: str, end: dt.date) -> pd.Series:
        first = pd.Timestamp(end) - pd.DateOffset(years=1)
        return frame[ticker].loc[(frame.index > first) & (frame.index <= pd.Timestamp(end))].dropna()

    def closes(self, ticker: str, end: dt.date) -> pd.Series:
        """Closes on the benchmark's sessions to `end`, gaps carried at most MAX_FILL sessions."""
        sessions = self.benchmark.index[self.benchmark.index <= pd.Timestamp(end)]
        return self.close[ticker].reindex(sessions).ffill(limit=MAX_FILL)

    def streak(self, ticker: str, end: dt.date, up: bool) -> float:
        """Sessions in a row, to `end`, closing above (below) the close before."""
        moves = self.closes(ticker, end).pct_change().dropna()
        count = 0
        for move in reversed(moves.to_numpy()):
            if (move > 0) if up else (move < 0):
                count += 1
            else:
                break
        return float(count)

    def move_multiple(self, ticker: str, end: dt.date, days: int = 63) -> float:
        """|last move| / the sample standard deviation of the `days` moves before it."""
        moves = self.closes(ticker, end).pct_change()
        return abs(moves.iloc[-1]) / moves.iloc[-(days + 1) : -1].std(ddof=1)

    def biggest_move_since(self, ticker: str, end: dt.date) -> float:
        """The last earlier session with a move at least as large the same way (ordinal day)."""
        moves = self.closes(ticker, end).pct_change()
        today = moves.iloc[-1]
        earlier = moves.iloc[:-1]
        hits = earlier[earlier >= today] if today > 0 else earlier[earlier <= today]
        return float(hits.index[-1].date().toordinal())

    def moving_average(self, ticker: str, end: dt.date, days: int = 200) -> pd.Series:
        return self.closes(ticker, end).rolling(days, min_periods=days).mean()

    def moving_average_since(self, ticker: str, end: dt.date, days: int = 200) -> float:
        """For a close across its long average: the last earlier close on the same side (ordinal)."""
        closes, average = self.closes(ticker, end), self.moving_average(ticker, end, days)
        above = closes.iloc[-1] > average.iloc[-1]
        side = (closes > average) if above else (closes < average)
        earlier = side.iloc[:-1]
        return float(earlier[earlier].index[-1].date().toordinal())


class Outputs:
    """What earlier articles in the same output folder stated: the score history's own oracle.

    A comparison with an earlier run ("rose to 72 from 58") must give the score that run's own
    brief stated for that date, and the change must be today's score minus it.
    """

    def __init__(self, out: Path) -> None:
        self.scores: dict[tuple[str, str, dt.date], float] = {}
        for path in out.glob("*/20*/*.json"):
            if path.name.endswith(".ninjs.json"):
                continue
            sidecar = Sidecar.model_validate_json(path.read_text())
            for fact in sidecar.facts:
                parts = fact.id.split(":")
                if parts[0] == "score" and (parts[2] == "alpha" or parts[2].startswith("signal.")):
                    self.scores[(parts[1], parts[2], sidecar.date)] = fact.value

    def expected(self, fact, day: dt.date) -> float | None:
        """An earlier score as that day's brief stated it; a change as today's brief's score minus it."""
        parts = fact.id.split(":")  # history:<ticker>:<key>:<date> or history:<ticker>:<key>:change:<date>
        ticker, key, since = parts[1], parts[2], dt.date.fromisoformat(parts[-1])
        before = self.scores.get((ticker, key, since))
        if before is None:
            return None
        if parts[3] != "change":
            return before
        current = self.scores.get((ticker, key, day))
        return None if current is None else current - before


def expected(raw: Raw, fact) -> float | None:
    """The fact's value recomputed from raw data, or None when this oracle does not cover it."""
    subject, measure, start, end = fact.subject, fact.measure, fact.start, fact.end
    if subject is None or measure is None or end is None:
        return None
    if subject.startswith("benchmark:") and measure is Measure.RETURN:
        return raw.benchmark_return(subject.split(":", 1)[1], start, end)
    if fact.id.startswith("group:") and measure is Measure.AVERAGE and "return_ew" in fact.id:
        members = list(fact.members)
        if subject.startswith("sector:") and not fact.left_out:
            members = raw.sector_members(
                subject.split(":", 1)[1], start, end
            )  # every member, not just the listed
        return float(np.mean([raw.stock_return(t, start, end) for t in members]))
    if ":" in subject or not fact.id.startswith("stock:"):
        return None
    ticker = subject
    if measure is Measure.RETURN and ":one_day_move:" not in fact.id:
        return raw.stock_return(ticker, start, end)
    if measure is Measure.DIFFERENCE and ":relative:" in fact.id:
        benchmark = fact.id.split(":relative:")[1].split(":")[0]
        return raw.stock_return(ticker, start, end) - raw.benchmark_return(benchmark, start, end)
    if measure is Measure.CLOSE:
        return raw.at(raw.close, ticker, end)
    if measure is Measure.INTRADAY_HIGH:
        return float(raw.year(raw.high, ticker, end).max())
    if measure is Measure.INTRADAY_LOW:
        return float(raw.year(raw.low, ticker, end).min())
    if measure is Measure.CLOSING_HIGH:
        return float(raw.year(raw.close, ticker, end).max())
    if measure is Measure.CLOSING_LOW:
        return float(raw.year(raw.close, ticker, end).min())
    if measure is Measure.DISTANCE and fact.id.endswith(":pct_from_high"):
        return (raw.at(raw.close, ticker, end) / float(raw.year(raw.high, ticker, end).max()) - 1) * 100
    if measure is Measure.STREAK:
        return raw.streak(ticker, end, up=fact.id.endswith(":up_streak"))
    if measure is Measure.VOLATILITY_MULTIPLE:
        return raw.move_multiple(ticker, end)
    if measure is Measure.MOVING_AVERAGE:
        return float(raw.moving_average(ticker, end).iloc[-1])
    if measure is Measure.PREVIOUS_OCCURRENCE and fact.id.endswith(":biggest_move_since_date"):
        return raw.biggest_move_since(ticker, end)
    if measure is Measure.PREVIOUS_OCCURRENCE and fact.id.endswith(":ma_since_date"):
        return raw.moving_average_since(ticker, end)
    return None


def shown(display: str) -> tuple[float, int] | None:
    """The number a display text shows and its decimals ("-3.2%" -> (-3.2, 1), "$10" -> (10, 0))."""
    match = _NUMBER.search(display.replace("$", ""))
    if match is None:
        return None
    return float(match.group(0).replace(",", "")), len(match.group(1) or "")


def check_run(out: Path, raw: Raw) -> tuple[int, list[str]]:
    checked, wrong = 0, []
    outputs = Outputs(out)
    for path in sorted(out.glob("*/20*/*.md")):  # site/<date>/ and desk/<date>/
        sidecar = Sidecar.model_validate_json(path.with_suffix(".json").read_text())
        body = path.read_text()
        facts = {fact.id: fact for fact in sidecar.facts}
        for fact in sidecar.facts:
            if fact.id.startswith("history:"):
                value = outputs.expected(fact, sidecar.date)
                if value is None:
                    wrong.append(f"{path.name}: {fact.id} has no earlier brief stating that score")
                    continue
            else:
                value = expected(raw, fact)
            if value is None:
                continue
            checked += 1
            if fact.unit is Unit.DATE:
                day = dt.date.fromordinal(int(value))
                # AP: the year only when it is not the article's ("Sept. 15" in a story of 2017)
                year_shown = str(day.year) in fact.display
                ending = f" {day.day}, {day.year}" if year_shown else f" {day.day}"
                right_year = year_shown != (day.year == fact.as_of.year)
                if not np.isclose(value, fact.value) or not fact.display.endswith(ending) or not right_year:
                    wrong.append(f"{path.name}: {fact.id} shows {fact.display}, raw data gives {day}")
                continue
            display = shown(fact.display)
            if not np.isclose(value, fact.value, rtol=1e-9, atol=1e-6):
                wrong.append(f"{path.name}: {fact.id} is {fact.value}, raw data gives {value}")
            elif display is not None:
                number, decimals = display
                if abs(abs(round(value, decimals)) - abs(number)) > 10**-decimals / 2 + 1e-9:
                    wrong.append(f"{path.name}: {fact.id} shows {fact.display}, raw data gives {value}")
        for chart in sidecar.charts:
            for series in chart.series:
                if series.fact is None or not series.points:
                    continue  # bars: each is a fact, checked above
                checked += 1
                wrong += [
                    f"{path.name}: chart {chart.file} {problem}" for problem in path_problems(raw, series)
                ]
        for claim in sidecar.claims:
            if claim.text and claim.text not in body.replace("**", ""):
                wrong.append(f"{path.name}: claim {claim.text!r} is not in the article")
            if claim.predicate in ("rose", "fell", "outperformed", "underperformed"):
                fact = facts[claim.facts[0]]
                rising = claim.predicate in ("rose", "outperformed")
                if (fact.value > 0) != rising:
                    wrong.append(f"{path.name}: {claim.text!r} on {fact.id} = {fact.display}")
    return checked, wrong


def path_problems(raw: Raw, series) -> list[str]:
    """A line's points: each session's cumulative return since the first, from the raw closes —
    the mean over its members for a group, the benchmark's own for a benchmark (gaps carried at
    most MAX_FILL sessions, as for every other figure)."""
    days = pd.DatetimeIndex([pd.Timestamp(point.label) for point in series.points])
    if (series.subject or "").startswith("benchmark:"):
        closes = raw.benchmark[[series.subject.split(":", 1)[1]]]
    else:
        closes = raw.close[list(series.members)]
    closes = closes.reindex(raw.benchmark.index).ffill(limit=MAX_FILL).reindex(days)
    values = ((closes / closes.iloc[0] - 1) * 100).mean(axis=1).to_numpy()
    return [
        f"{series.id} on {day.date()} is {point.value}, raw data gives {value}"
        for day, point, value in zip(days, series.points, values, strict=True)
        if not np.isclose(value, point.value, rtol=1e-9, atol=1e-6)
    ]


def test_every_sample_figure_recomputes_from_the_raw_files(sample_run, sample_dir):
    checked, wrong = check_run(sample_run.out_dir, Raw(sample_dir))
    assert checked > 500  # every brief states several recomputable figures
    assert wrong == []


@pytest.mark.shared_data
def test_every_sp500_figure_recomputes_from_the_raw_files(sp500_run, sp500_dir):
    checked, wrong = check_run(sp500_run.out_dir, Raw(sp500_dir))
    assert checked > 3000  # about seven recomputable figures a brief: news, not a dump of numbers
    assert wrong == []
