"""What makes a story news: its triggers, a newsworthiness score, and the angle a brief takes.

Thresholds and weights are policy, in rules/triggers.yaml. A trigger fires from facts (the stock's
move against its own volatility, a new 52-week closing high, a cross of its long moving average,
its volume, a streak), from the run history (a change in its Alpha Score since the previous recorded
run) or from the news (a headline of the day the tape does not contradict). The first trigger that
fires, in the file's order, is the brief's angle; without one the brief is routine, and its angle
says what is still notable about the stock (its range, its year against the benchmark, its score).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from generator.facts import MarketFacts
from generator.facts import columns as col
from generator.rulefiles import load_rule_file
from generator.writing.phrasing import displayed_value

TRIGGERS = (
    "news",
    "big_move",
    "score_change",
    "closing_high",
    "closing_low",
    "moving_average",
    "volume",
    "streak",
)
ROUTINE_ANGLES = (
    "routine_unscored",
    "routine_range",
    "routine_trend",
    "routine_sector",
    "routine_score",
    "routine_quiet",
)


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TriggerRule(_Rules):
    weight: float = Field(ge=0, le=100)
    multiple: float | None = Field(default=None, gt=0)  # big_move
    min_move: float | None = Field(default=None, ge=0)  # big_move, percent
    points: int | None = Field(default=None, ge=1)  # score_change
    min_days: int | None = Field(default=None, ge=1)  # moving_average
    ratio: float | None = Field(default=None, gt=0)  # volume
    sessions: int | None = Field(default=None, ge=2)  # streak


class RoutineRules(_Rules):
    near_high: float = Field(ge=0)
    year_gap: float = Field(ge=0)
    month_gap: float = Field(ge=0)
    strong_score: int = Field(ge=0, le=100)
    weak_score: int = Field(ge=0, le=100)


_NEEDS = {
    "big_move": ("multiple", "min_move"),
    "score_change": ("points",),
    "moving_average": ("min_days",),
    "volume": ("ratio",),
    "streak": ("sessions",),
}


class TriggerRules(_Rules):
    """rules/triggers.yaml."""

    triggers: dict[str, TriggerRule]
    kinds: dict[str, float]
    routine: RoutineRules

    @model_validator(mode="after")
    def _known(self) -> TriggerRules:
        unknown = [name for name in self.triggers if name not in TRIGGERS]
        if unknown:
            raise ValueError(f"unknown trigger {unknown[0]!r} (known: {', '.join(TRIGGERS)})")
        for name, keys in _NEEDS.items():
            rule = self.triggers.get(name)
            missing = [k for k in keys if rule is not None and getattr(rule, k) is None]
            if missing:
                raise ValueError(f"trigger {name!r} needs {missing[0]!r}")
        return self

    def threshold(self, trigger: str, key: str) -> float | None:
        rule = self.triggers.get(trigger)
        return None if rule is None else getattr(rule, key)


def load_trigger_rules(rules_dir: Path) -> TriggerRules:
    return load_rule_file(rules_dir / "triggers.yaml", TriggerRules)


@dataclass(frozen=True)
class Assessment:
    """Why a story is news (or routine): triggers in priority order, score and the angle taken."""

    angle: str
    triggers: tuple[str, ...]
    newsworthiness: float

    @property
    def routine(self) -> bool:
        return not self.triggers


def assess_stock(
    facts: MarketFacts,
    ticker: str,
    rules: TriggerRules,
    *,
    has_news: bool,
    score: int | None,
    score_change: int | None,
    min_yardstick_members: int,
) -> Assessment:
    """The triggers that fire for one stock's brief, from its facts, the news and its score change."""
    value = facts.value
    fired: list[str] = []
    for name, rule in rules.triggers.items():
        if _fires(name, rule, facts, ticker, has_news=has_news, score_change=score_change):
            fired.append(name)
    if fired:
        weight = sum(rules.triggers[name].weight for name in fired)
        return Assessment(fired[0], tuple(fired), float(min(100.0, weight)))
    routine = rules.routine
    if score is None:
        return Assessment("routine_unscored", (), 0.0)
    distance = _number(value(ticker, "pct_from_high"))
    year = "1Y" in facts.windows
    gap = _number(value(ticker, col.windowed(col.RETURN, "1Y"))) if year else math.nan
    benchmark = _number(facts.benchmark_value("1Y")) if year else math.nan
    flagged_year = bool(value(ticker, col.windowed(col.SUSPECT, "1Y"))) if year else True
    if not math.isnan(distance) and -distance * 100 <= routine.near_high:
        angle = "routine_range"
    elif not flagged_year and abs(gap - benchmark) * 100 >= routine.year_gap:  # NaN compares false
        angle = "routine_trend"
    elif abs(_month_gap(facts, ticker, min_yardstick_members)) * 100 >= routine.month_gap:
        angle = "routine_sector"
    elif score >= routine.strong_score or score <= routine.weak_score:
        angle = "routine_score"
    else:
        angle = "routine_quiet"
    return Assessment(angle, (), 0.0)


def _fires(
    name: str,
    rule: TriggerRule,
    facts: MarketFacts,
    ticker: str,
    *,
    has_news: bool,
    score_change: int | None,
) -> bool:
    value = facts.value
    if name == "news":
        return has_news
    if name == "score_change":
        return score_change is not None and abs(score_change) >= (rule.points or 0)
    if name == "big_move":
        move = _number(value(ticker, col.windowed(col.RETURN, "1D")))
        multiple = _number(value(ticker, "move_multiple"))
        flagged = bool(value(ticker, col.windowed(col.SUSPECT, "1D")))
        return (
            not flagged
            and multiple >= (rule.multiple or math.inf)
            and abs(move) * 100 >= (rule.min_move or 0)
        )
    if name == "closing_high":
        return bool(value(ticker, "closing_high_52w_new"))
    if name == "closing_low":
        return bool(value(ticker, "closing_low_52w_new"))
    if name == "moving_average":
        since = value(ticker, "ma_since_date")
        cross = _number(value(ticker, "ma_cross"))
        return (
            cross in (1.0, -1.0)
            and isinstance(since, dt.date)
            and (facts.as_of - since).days >= (rule.min_days or 0)
        )
    if name == "volume":
        return _number(value(ticker, "volume_ratio")) >= (rule.ratio or math.inf)
    if name == "streak":  # not ending on a session a reader sees as unchanged (a one-cent move)
        longest = max(_number(value(ticker, "up_streak")), _number(value(ticker, "down_streak")), key=_key)
        last = facts.stock_return(ticker, "1D")
        return longest >= (rule.sessions or math.inf) and last is not None and displayed_value(last) != 0
    return False


def yardstick_sector(facts: MarketFacts, ticker: str, min_yardstick_members: int) -> str | None:
    """The sector whose month a stock's month is set beside: its own, when at least
    `min_yardstick_members` stocks make its average (rules/writing.yaml); else None. Of a handful
    of stocks, the stock's own move is much of the average."""
    if "1M" not in facts.windows:
        return None
    group = facts.sector_of(ticker)
    if group is None or len(facts.counted(group, "1M")) < min_yardstick_members:
        return None
    return group


def _month_gap(facts: MarketFacts, ticker: str, min_yardstick_members: int) -> float:
    """The stock's month return minus its yardstick sector's average (NaN when either is unknown)."""
    group = yardstick_sector(facts, ticker, min_yardstick_members)
    if group is None or bool(facts.value(ticker, col.windowed(col.SUSPECT, "1M"))):
        return math.nan
    mine = _number(facts.value(ticker, col.windowed(col.RETURN, "1M")))
    return mine - _number(facts.group_value(group, col.windowed(col.EQUAL_WEIGHTED, "1M")))


def _number(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return number


def _key(number: float) -> float:
    return -math.inf if math.isnan(number) else number
