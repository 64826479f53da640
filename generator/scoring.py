"""Facts and snapshot -> Alpha Scores: four signals, ranked within sectors, combined with a coverage cap.

How a score is built (policy numbers live in rules/scoring.yaml):
1. Each metric (e.g. earnings yield) becomes a percentile rank, 0-100, among the ticker's sector
   peers that have a value for it — or among all stocks when fewer than `min_peer_group` peers do.
2. A signal is the mean of its available metric ranks, re-ranked across the universe to 0-100 and
   rounded. A signal with no metric is missing, never zero.
3. The composite is the weighted mean of the available (rounded) signal scores, weights renormalised
   over them, rounded half up, then capped by coverage (3 of 4 signals: at most 90). With fewer than
   `min_signals` signals there is no score.

The table functions work on whole-universe frames so validation can score any past date the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from generator import apstyle
from generator.facts import MarketFacts, PricePanel
from generator.facts.typed import UNEXPLAINED_FALL
from generator.market.snapshot import Snapshot
from generator.models import (
    SIGNALS,
    AlphaScore,
    Fact,
    Measure,
    MetricScore,
    Provenance,
    SignalName,
    SignalScore,
    Unit,
)
from generator.rulefiles import load_rule_file

UNIVERSE_PEERS = "all stocks"
MONEY_COLUMNS = ("ebitda", "market_cap", "enterprise_value")  # fundamentals whose units must agree
MetricName = Literal[
    "relative_return_6m",
    "relative_return_12m",
    "distance_to_52w_high",
    "trend_50_200",
    "earnings_yield",
    "book_to_price",
    "sales_to_price",
    "ebitda_to_ev",
    "roe",
    "profit_margin",
    "debt_to_equity",
    "revenue_growth",
    "ebitda_margin",
    "headline_tone",
]
METRIC_UNITS: dict[str, Unit] = {
    "relative_return_6m": Unit.POINTS,
    "relative_return_12m": Unit.POINTS,
    "distance_to_52w_high": Unit.PERCENT,
    "trend_50_200": Unit.PERCENT,
    "earnings_yield": Unit.PERCENT,
    "book_to_price": Unit.RATIO,
    "sales_to_price": Unit.RATIO,
    "ebitda_to_ev": Unit.PERCENT,
    "roe": Unit.PERCENT,
    "profit_margin": Unit.PERCENT,
    "debt_to_equity": Unit.RATIO,
    "revenue_growth": Unit.PERCENT,
    "ebitda_margin": Unit.PERCENT,
    "headline_tone": Unit.RATIO,
}
METRIC_MEASURES: dict[str, Measure] = {
    "relative_return_6m": Measure.DIFFERENCE,
    "relative_return_12m": Measure.DIFFERENCE,
    "distance_to_52w_high": Measure.DISTANCE,
    "trend_50_200": Measure.DISTANCE,
    "earnings_yield": Measure.RATE,
    "book_to_price": Measure.RATIO,
    "sales_to_price": Measure.RATIO,
    "ebitda_to_ev": Measure.RATE,
    "roe": Measure.RATE,
    "profit_margin": Measure.RATE,
    "debt_to_equity": Measure.RATIO,
    "revenue_growth": Measure.RATE,
    "ebitda_margin": Measure.RATE,
    "headline_tone": Measure.RATIO,
}
# Signals whose metrics come from the fundamentals, so they carry the fundamentals' date.
FUNDAMENTAL_SIGNALS = ("value", "quality")


# ============================================================================================ rules


class MetricSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: MetricName
    label: str
    higher_is_better: bool = True
    # For a measure ranked low values first, what a reader needs to read its percentile the right
    # way round ("the least indebted ranking highest"): a 99th percentile debt-to-equity ratio
    # would otherwise read as the most indebted.
    ranked: str | None = None

    @model_validator(mode="after")
    def _inverted_ranks_say_so(self) -> MetricSpec:
        if not self.higher_is_better and not self.ranked:
            raise ValueError(
                f"{self.name}: ranks low values highest (higher_is_better: false); say so for readers in "
                "`ranked`, e.g. 'the least indebted ranking highest'"
            )
        return self


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min: float
    label: str


class Coverage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_signals: int = Field(ge=1, le=len(SIGNALS))
    caps: dict[int, int] = Field(default_factory=dict)


class Sentences(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scored: str
    capped: str
    unscored: str


class ScoringRules(BaseModel):
    """rules/scoring.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: dict[SignalName, float]
    bands: list[Band]
    coverage: Coverage
    min_peer_group: int = Field(ge=1)
    sentiment_lookback_days: int = Field(ge=1)
    signals: dict[SignalName, list[MetricSpec]]
    sentences: Sentences

    @field_validator("weights")
    @classmethod
    def _all_weights(cls, weights: dict[str, float]) -> dict[str, float]:
        missing = [s for s in SIGNALS if s not in weights]
        if missing or any(w <= 0 for w in weights.values()):
            raise ValueError(f"give a positive weight for each of {', '.join(SIGNALS)}")
        return weights

    @field_validator("bands")
    @classmethod
    def _bands_descending(cls, bands: list[Band]) -> list[Band]:
        if (
            not bands
            or [b.min for b in bands] != sorted((b.min for b in bands), reverse=True)
            or bands[-1].min > 0
        ):
            raise ValueError("list bands from the highest `min` down to a band with min 0")
        return bands

    @model_validator(mode="after")
    def _every_signal_has_metrics(self) -> ScoringRules:
        missing = [s for s in SIGNALS if not self.signals.get(s)]
        if missing:
            raise ValueError(f"signals: list at least one metric for {', '.join(missing)}")
        return self

    def band(self, score: float) -> str:
        return next(b.label for b in self.bands if score >= b.min)


class WordList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)


class Lexicon(BaseModel):
    """rules/sentiment.yaml: the finance word lists behind headline tone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    negation_window: int = Field(ge=0)
    negators: list[str]
    positive: WordList
    negative: WordList

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        terms = [
            *self.negators,
            *self.positive.phrases,
            *self.negative.phrases,
            *self.positive.words,
            *self.negative.words,
        ]
        alternatives = "|".join(re.escape(t.lower()) for t in sorted(set(terms), key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])|[\w'-]+")

    @cached_property
    def _polarity(self) -> dict[str, int]:
        table = {t.lower(): 1 for t in (*self.positive.phrases, *self.positive.words)}
        table.update({t.lower(): -1 for t in (*self.negative.phrases, *self.negative.words)})
        return table

    def tone(self, headline: str) -> float:
        """(positive - negative) / (positive + negative) over the headline's terms; 0 when it has none."""
        tokens = self._pattern.findall(headline.lower())
        negators = {n.lower() for n in self.negators}
        positive = negative = 0
        last_negator = -10_000
        for position, token in enumerate(tokens):
            if token in negators:
                last_negator = position
                continue
            polarity = self._polarity.get(token, 0)
            if polarity and position - last_negator <= self.negation_window:
                polarity = -polarity
            positive += polarity > 0
            negative += polarity < 0
        total = positive + negative
        return (positive - negative) / total if total else 0.0


def load_scoring_rules(rules_dir: Path) -> ScoringRules:
    return load_rule_file(rules_dir / "scoring.yaml", ScoringRules)


def load_lexicon(rules_dir: Path) -> Lexicon:
    return load_rule_file(rules_dir / "sentiment.yaml", Lexicon)


# ============================================================================================ metrics


def momentum_metrics(panel: PricePanel, row: int) -> pd.DataFrame:
    """Momentum inputs as of `row` of the panel, using only closes up to that row (point in time)."""
    dates, filled, benchmark_close = panel.dates, panel.filled, panel.benchmark_close
    at = dates[row]

    def back(months: int) -> int:
        return int(dates.searchsorted(at - pd.DateOffset(months=months), side="right")) - 1

    def relative(months: int) -> np.ndarray:
        start = back(months)
        if start < 0:
            return np.full(filled.shape[1], np.nan)
        mine = filled[row] / filled[start] - 1
        theirs = benchmark_close[row] / benchmark_close[start] - 1
        return (mine - theirs) * 100

    year = (dates > at - pd.DateOffset(years=1)) & (dates <= at)
    highs = panel.high[year]
    with np.errstate(invalid="ignore", divide="ignore"):
        high = np.where(
            np.all(np.isnan(highs), axis=0), np.nan, np.nanmax(np.nan_to_num(highs, nan=-np.inf), axis=0)
        )
        distance = (filled[row] / high - 1) * 100
        trend = (_moving_mean(filled, row, 50) / _moving_mean(filled, row, 200) - 1) * 100
    # a stock without a close at `row` (it stopped trading) has no momentum, however recent its past
    trend = np.where(np.isnan(filled[row]), np.nan, trend)
    return pd.DataFrame(
        {
            "relative_return_6m": relative(6),
            "relative_return_12m": relative(12),
            "distance_to_52w_high": distance,
            "trend_50_200": trend,
        },
        index=panel.tickers,
    )


def _moving_mean(filled: np.ndarray, row: int, days: int, min_share: float = 0.9) -> np.ndarray:
    """Mean close over the `days` rows ending at `row`; NaN with under 90% of them present."""
    if row + 1 < days:
        return np.full(filled.shape[1], np.nan)
    block = filled[row + 1 - days : row + 1]
    present = np.sum(~np.isnan(block), axis=0)
    with np.errstate(invalid="ignore"):
        return np.where(
            present >= days * min_share, np.nanmean(np.where(present >= 1, block, 0), axis=0), np.nan
        )


def fundamental_metrics(
    fundamentals: pd.DataFrame, close: pd.Series, units: dict[str, str], *, dated: bool
) -> pd.DataFrame:
    """Value and quality inputs from whatever fundamentals columns the snapshot has.

    Value ratios are recomputed at `close` (the as-of close) from per-share inputs: earnings per
    share, and book and sales per share (the fundamentals' price over its price-to-book and
    price-to-sales), so a ratio never mixes an old price with today's. A `share_factor` column (new
    shares per old since the fundamentals' date, from the facts stage) puts the close on the
    fundamentals' share count, so a split in between does not triple a yield; where it is unknown
    the ratios are too. Enterprise value moves with the market value between the two dates.
    When the fundamentals carry no price to derive the
    per-share inputs, their ratios are used as reported — unless they are `dated` (older than the
    close), in which case those value metrics are missing rather than mixed.
    """

    def column(name: str) -> pd.Series:
        return fundamentals[name] if name in fundamentals else pd.Series(np.nan, index=fundamentals.index)

    close = close.reindex(fundamentals.index)
    price, eps, pe = column("price"), column("eps"), column("pe")
    price = price.where(price > 0)
    ptb, pts = column("price_to_book"), column("price_to_sales")
    ptb, pts = ptb.where(ptb != 0), pts.where(pts > 0)
    # the close on the fundamentals' share count: a 3-for-1 split since then triples it
    factor = column("share_factor") if "share_factor" in fundamentals else pd.Series(1.0, fundamentals.index)
    at_close = (close * factor).where(close > 0)
    eps = eps.fillna(price / pe.where(pe != 0))
    if dated:
        reported_yield = reported_book = reported_sales = pd.Series(np.nan, index=fundamentals.index)
    else:
        reported_yield, reported_book, reported_sales = 100 / pe.where(pe != 0), 1 / ptb, 1 / pts
    out = pd.DataFrame(
        {
            "earnings_yield": (eps / at_close * 100).fillna(reported_yield),
            "book_to_price": (price / ptb / at_close).fillna(reported_book),
            "sales_to_price": (price / pts / at_close).fillna(reported_sales),
            "roe": column("roe"),
            "profit_margin": column("profit_margin"),
            "debt_to_equity": column("debt_to_equity"),
            "revenue_growth": column("revenue_growth"),
        },
        index=fundamentals.index,
    )

    def same_unit(a: str, b: str) -> bool:  # a ratio of two money columns needs one scale
        return units.get(a, "").lower() == units.get(b, "").lower() != ""

    if same_unit("ebitda", "market_cap"):
        sales = column("market_cap") / column("price_to_sales").where(column("price_to_sales") > 0)
        out["ebitda_margin"] = column("ebitda") / sales.where(sales > 0) * 100
    if same_unit("ebitda", "enterprise_value"):
        enterprise_value = column("enterprise_value")
        if same_unit("market_cap", "enterprise_value"):
            # the market value's change from the fundamentals' price to the close moves EV with it
            moved = column("market_cap") * (at_close / price - 1)
            at_the_close = enterprise_value + moved
            enterprise_value = at_the_close if dated else at_the_close.fillna(enterprise_value)
        out["ebitda_to_ev"] = column("ebitda") / enterprise_value.where(enterprise_value > 0) * 100
    return out


def sentiment_metrics(
    news: pd.DataFrame, tickers: pd.Index, as_of: dt.date, lookback_days: int, lexicon: Lexicon
) -> pd.DataFrame:
    """Mean headline tone over the lookback; tickers without headlines there have no value."""
    end = pd.Timestamp(as_of, tz="UTC") + pd.Timedelta(days=1)
    recent = news[
        (news["published"] >= end - pd.Timedelta(days=lookback_days + 1)) & (news["published"] < end)
    ]
    tone = pd.Series([lexicon.tone(str(t)) for t in recent["title"]], index=recent.index, dtype=float)
    by_ticker = tone.groupby(recent["ticker"]).mean() if len(recent) else pd.Series(dtype=float)
    return pd.DataFrame({"headline_tone": by_ticker.reindex(tickers)}, index=tickers)


# ============================================================================================ scoring


@dataclass(frozen=True)
class ScoreTable:
    """Universe-wide scoring results; one row per ticker."""

    metrics: pd.DataFrame  # raw metric values
    ranks: pd.DataFrame  # percentile ranks 0-100 (NaN where the metric is missing)
    peers: pd.DataFrame  # the peer group each rank was taken in
    signals: pd.DataFrame  # rounded signal scores 0-100, NaN where missing
    composite: pd.Series  # final score (NaN when unscored)
    available: pd.Series  # how many signals each ticker has
    capped: pd.Series  # whether a coverage cap applies


def score_table(metrics: pd.DataFrame, sectors: pd.Series, rules: ScoringRules) -> ScoreTable:
    """Rank metrics within sectors, combine into signals and a capped composite — vectorised."""
    sectors = sectors.reindex(metrics.index)
    ranks, peers, signals = {}, {}, {}
    for signal, specs in rules.signals.items():
        signal_ranks = []
        for spec in specs:
            if spec.name not in metrics:
                continue
            values = metrics[spec.name] if spec.higher_is_better else -metrics[spec.name]
            peer_count = values.notna().groupby(sectors).transform("sum")
            in_sector = sectors.notna() & (peer_count >= rules.min_peer_group)
            sector_rank = values.groupby(sectors).rank(pct=True) * 100
            ranks[spec.name] = sector_rank.where(in_sector, values.rank(pct=True) * 100)
            peers[spec.name] = sectors.where(in_sector, UNIVERSE_PEERS)
            signal_ranks.append(ranks[spec.name])
        mean_rank = (
            pd.concat(signal_ranks, axis=1).mean(axis=1) if signal_ranks else pd.Series(np.nan, metrics.index)
        )
        signals[signal] = _round_half_up(mean_rank.rank(pct=True) * 100)
    signal_frame = pd.DataFrame(signals, index=metrics.index)[list(SIGNALS)]
    weights = pd.Series(rules.weights)[list(SIGNALS)]
    present = signal_frame.notna()
    available = present.sum(axis=1)
    weighted = (signal_frame.fillna(0) * weights).sum(axis=1) / present.mul(weights).sum(axis=1).replace(
        0, np.nan
    )
    composite = _round_half_up(weighted)
    caps = available.map(rules.coverage.caps).astype(float)
    composite = composite.where(caps.isna(), np.minimum(composite, caps))
    composite = composite.where(available >= rules.coverage.min_signals)
    return ScoreTable(
        metrics=metrics,
        ranks=pd.DataFrame(ranks, index=metrics.index),
        peers=pd.DataFrame(peers, index=metrics.index),
        signals=signal_frame,
        composite=composite,
        available=available,
        capped=caps.notna() & (available >= rules.coverage.min_signals),
    )


def _round_half_up(values: pd.Series) -> pd.Series:
    return np.floor(values + 0.5)


class AlphaScores(Mapping[str, AlphaScore]):
    """Each ticker's AlphaScore record (explanations and sentence), built when first read.

    The numbers are all in the ScoreTable already; a run builds each record where its brief is
    written, in a worker process, instead of building 5,000 up front in the parent.
    """

    def __init__(self, table: ScoreTable, rules: ScoringRules) -> None:
        self._rules = rules
        self._row = {ticker: i for i, ticker in enumerate(table.metrics.index)}
        columns = list(table.ranks.columns)
        self._metric_values = table.metrics.reindex(columns=columns).to_numpy(dtype=float)
        self._ranks = table.ranks.to_numpy(dtype=float)
        self._peers = table.peers.to_numpy()
        self._signals = table.signals[list(SIGNALS)].to_numpy(dtype=float)
        self._composite = table.composite.to_numpy(dtype=float)
        column_of = {name: k for k, name in enumerate(columns)}
        self._members = {
            signal: [
                (spec.name, spec.label, column_of[spec.name]) for spec in specs if spec.name in column_of
            ]
            for signal, specs in rules.signals.items()
        }
        self._built: dict[str, AlphaScore] = {}

    def __getitem__(self, ticker: str) -> AlphaScore:
        score = self._built.get(ticker)
        if score is None:
            score = self._built[ticker] = self._build(ticker, self._row[ticker])
        return score

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def _build(self, ticker: str, i: int) -> AlphaScore:
        rules = self._rules
        signals: dict[str, SignalScore | None] = {}
        for j, signal in enumerate(SIGNALS):
            score = self._signals[i, j]
            if np.isnan(score):
                signals[signal] = None
                continue
            metrics = [
                MetricScore(
                    name=name,
                    label=label,
                    value=float(self._metric_values[i, k]),
                    display=apstyle.display(float(self._metric_values[i, k]), METRIC_UNITS[name]),
                    rank=float(self._ranks[i, k]),
                    peer_group=str(self._peers[i, k]),
                )
                for name, label, k in self._members[signal]
                if not np.isnan(self._ranks[i, k])
            ]
            metrics.sort(key=lambda m: -abs(m.rank - 50))  # the metrics that moved the signal most first
            signals[signal] = SignalScore(score=int(score), label=rules.band(score), metrics=tuple(metrics))
        return _alpha_score(ticker, signals, self._composite[i], rules)


def _alpha_score(
    ticker: str, signals: dict[str, SignalScore | None], composite: float, rules: ScoringRules
) -> AlphaScore:
    present = [name for name in SIGNALS if signals[name] is not None]
    available, total = len(present), len(SIGNALS)
    cap = rules.coverage.caps.get(available)
    sentences = rules.sentences
    if np.isnan(composite):
        count = apstyle.count  # one to nine in words, as AP writes them
        summary = sentences.unscored.format(
            available=count(available), total=count(total), minimum=count(rules.coverage.min_signals)
        )
        score = profile = None
    else:
        score = int(composite)
        profile = rules.band(score)
        listed = ", ".join(f"{signals[name].label} {name}" for name in present)
        summary = sentences.scored.format(score=score, profile=profile, signals=listed)
        if cap is not None:
            summary += " " + sentences.capped.format(available=available, total=total, cap=cap)
    return AlphaScore(
        ticker=ticker,
        score=score,
        profile=profile,
        signals=signals,
        coverage=f"{available}/{total}",
        capped=score is not None and cap is not None,
        summary=summary,
    )


@dataclass(frozen=True)
class Scores:
    """The scoring stage's output: the universe table plus one AlphaScore per ticker."""

    table: ScoreTable
    by_ticker: AlphaScores
    fundamentals_as_of: dt.date  # the date value and quality inputs describe


def compute_scores(
    snapshot: Snapshot, panel: PricePanel, facts: MarketFacts, rules: ScoringRules, lexicon: Lexicon
) -> Scores:
    """Score every ticker with prices or fundamentals as of the snapshot date."""
    tickers = facts.stocks.index
    momentum = momentum_metrics(panel, len(panel.dates) - 1).reindex(tickers)
    units = {column: snapshot.manifest.unit(column) for column in MONEY_COLUMNS}
    dated = facts.fundamentals_as_of < facts.as_of
    fundamental = fundamental_metrics(facts.stocks, facts.stocks["close"], units, dated=dated)
    sentiment = sentiment_metrics(
        snapshot.news, tickers, snapshot.as_of, rules.sentiment_lookback_days, lexicon
    )
    metrics = pd.concat([momentum, fundamental, sentiment], axis=1)
    table = score_table(metrics, facts.stocks["sector"], rules)
    return Scores(table, AlphaScores(table, rules), facts.fundamentals_as_of)


class ScoreFacts(Mapping[str, Fact]):
    """The figures an article may state about one score, as traceable facts, built when first read.

    Keys: "alpha", "available", "total", "cap", "minimum", "signal.<name>", "metric.<name>",
    "rank.<name>". A brief prints about half of them; working out only those keeps rendering fast.
    Value and quality figures carry the fundamentals' date as the date of their inputs. With
    `fell_in_year` (an unexplained fall in the stock's last 52 weeks, which momentum looks back
    over), the momentum figures and the score carry the flag `unexplained_fall`.
    """

    def __init__(
        self,
        alpha: AlphaScore,
        as_of: dt.date,
        rules: ScoringRules,
        fundamentals_as_of: dt.date,
        *,
        fell_in_year: bool = False,
    ) -> None:
        self._alpha, self._as_of, self._rules = alpha, as_of, rules
        self._fundamentals_as_of = fundamentals_as_of
        self._fell_in_year = fell_in_year
        self._available = sum(signal is not None for signal in alpha.signals.values())
        self._built: dict[str, Fact] = {}

    def __getitem__(self, key: str) -> Fact:
        fact = self._built.get(key)
        if fact is None:
            spec = self._spec(key)
            if spec is None:
                raise KeyError(key)
            value, unit, measure, formula, display, signal = spec
            ticker = self._alpha.ticker
            dated = signal in FUNDAMENTAL_SIGNALS
            over_fall = self._fell_in_year and (signal == "momentum" or key == "alpha")
            fact = self._built[key] = Fact(
                id=f"score:{ticker}:{key}",
                value=float(value),
                unit=unit,
                display=display or apstyle.display(float(value), unit),
                as_of=self._as_of,
                provenance=Provenance(
                    series=f"alpha_score[{ticker}]", window=f"as of {self._as_of}", formula=formula
                ),
                subject=ticker,
                measure=measure,
                end=self._as_of,
                inputs_as_of=self._fundamentals_as_of if dated else self._as_of,
                flags=(UNEXPLAINED_FALL,) if over_fall else (),
            )
        return fact

    def _spec(self, key: str) -> tuple[float, Unit, Measure, str, str | None, str | None] | None:
        """(value, unit, measure, formula, display or None, signal or None); None: no such figure."""
        alpha, available = self._alpha, self._available
        if key == "available":
            return available, Unit.COUNT, Measure.COUNT, "signals with at least one metric", None, None
        if key == "total":
            return len(SIGNALS), Unit.COUNT, Measure.COUNT, "signals in the model", None, None
        if key == "minimum":
            minimum = self._rules.coverage.min_signals
            if alpha.score is not None:
                return None
            return minimum, Unit.COUNT, Measure.THRESHOLD, "signals a score needs", None, None
        if key == "alpha":
            formula = "weighted mean of available signal scores, capped"
            return (
                None if alpha.score is None else (alpha.score, Unit.SCORE, Measure.SCORE, formula, None, None)
            )
        if key == "cap":
            cap = self._rules.coverage.caps.get(available)
            formula = f"coverage cap for {available} of {len(SIGNALS)} signals"
            return None if cap is None else (cap, Unit.SCORE, Measure.THRESHOLD, formula, None, None)
        kind, _, name = key.partition(".")
        if kind == "signal" and (signal := alpha.signals.get(name)) is not None:
            formula = f"mean of {name} metric ranks, re-ranked"
            return signal.score, Unit.SCORE, Measure.SCORE, formula, None, name
        for signal_name, signal in alpha.signals.items():
            for metric in signal.metrics if signal is not None else ():
                if metric.name == name and kind == "metric":
                    unit, measure = METRIC_UNITS[name], METRIC_MEASURES[name]
                    return metric.value, unit, measure, metric.label, metric.display, signal_name
                if metric.name == name and kind == "rank":
                    formula = f"percentile rank among {metric.peer_group}, shown from 1st to 99th"
                    return metric.rank, Unit.PERCENTILE, Measure.PERCENTILE, formula, None, signal_name
        return None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self._built or self._spec(key) is not None)

    def __iter__(self) -> Iterator[str]:
        keys = ["available", "total", "minimum", "alpha", "cap"]
        for name, signal in self._alpha.signals.items():
            if signal is not None:
                keys.append(f"signal.{name}")
                for metric in signal.metrics:
                    keys += [f"metric.{metric.name}", f"rank.{metric.name}"]
        return (key for key in keys if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)
