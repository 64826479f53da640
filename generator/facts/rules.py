"""rules/facts.yaml and rules/fundamentals.yaml: the windows, guards and data rules facts follow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from generator.facts.windows import WindowSpec
from generator.rulefiles import load_rule_file


class SplitRules(BaseModel):
    """When a one-day move on prices not adjusted for splits is a suspected split."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    forward: list[float] = Field(min_length=1)  # k-for-1 splits: 2 means two-for-one
    reverse: list[float] = Field(min_length=1)  # 1-for-k reverse splits: 10 means one-for-ten
    tolerance: float = Field(gt=0, lt=1)  # the day's price ratio, times the split ratio, within 1 ± this


class MarketClose(BaseModel):
    """When the market closes: the session a headline can first move depends on it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: dt.time
    zone: str

    @field_validator("time", mode="before")
    @classmethod
    def _quoted_time(cls, value: object) -> object:
        if not isinstance(value, str | dt.time):  # YAML reads an unquoted 16:00 as the number 960
            raise ValueError('give the time in quotes, as "16:00"')
        return value

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America", a folder of zones
            raise ValueError(f"{zone!r} is not a time zone (e.g. America/New_York)") from None
        return zone

    def local_dates(self, moments: pd.Series) -> pd.DatetimeIndex:
        """The market's date at each of a column of aware timestamps (as midnights): the date a
        report is dated."""
        return pd.DatetimeIndex(moments.dt.tz_convert(self.zone).dt.tz_localize(None).dt.normalize())

    def first_days(self, moments: pd.Series) -> pd.DatetimeIndex:
        """The first date whose session can move on news of each of a column of aware timestamps
        (as midnights): its own date before the close, the next after it."""
        local = moments.dt.tz_convert(self.zone)
        late = pd.to_timedelta((local.dt.time >= self.time).astype(int), unit="D")
        return pd.DatetimeIndex(local.dt.tz_localize(None).dt.normalize() + late)


class FactRules(BaseModel):
    """rules/facts.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    splits: SplitRules
    # On back-adjusted prices, how far dividends may have lowered the adjusted price on the
    # fundamentals' date below what traded that day (0.12: 12%) when reading off a split since then,
    # for a stock whose dividend yield is unknown.
    max_dividend_adjustment: float = Field(ge=0, lt=1)
    # A one-session fall at least this deep (0.2: 20%) that no split or action explains flags the
    # figures over windows containing it for an editor (generator/facts/panel.unexplained_falls).
    min_unexplained_fall: float = Field(gt=0, lt=1)
    max_fill_days: int = Field(ge=0)
    volatility_days: int = Field(ge=2)
    min_volatility_observations: int = Field(ge=2)
    volume_average_days: int = Field(ge=1)
    moving_average_days: int = Field(ge=2)  # the long moving average closes are compared with
    market_close: MarketClose
    windows: dict[str, WindowSpec]

    def split_ratios(self) -> list[float]:
        """Every split ratio as new shares per old share: 2.0 (two-for-one), 0.1 (one-for-ten)."""
        return [*self.splits.forward, *(1 / k for k in self.splits.reverse)]


class ZeroRule(BaseModel):
    """Where a 0 in a fundamentals column means "not reported" rather than zero."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sectors: Literal["all"] | list[str]
    why: str = Field(min_length=1)


class FundamentalsRules(BaseModel):
    """rules/fundamentals.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zero_is_unreported: dict[str, ZeroRule]


def load_fact_rules(rules_dir: Path) -> FactRules:
    return load_rule_file(rules_dir / "facts.yaml", FactRules)


def load_fundamentals_rules(rules_dir: Path) -> FundamentalsRules:
    return load_rule_file(rules_dir / "fundamentals.yaml", FundamentalsRules)
