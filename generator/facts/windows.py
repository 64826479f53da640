"""Return windows: how far back each starts, resolved to the trading days whose closes bound it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator


class WindowSpec(BaseModel):
    """How far back a window starts; exactly one field is set."""

    model_config = ConfigDict(extra="forbid")

    trading_days: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)
    years: int | None = Field(default=None, ge=1)
    ytd: bool = False

    @model_validator(mode="after")
    def _exactly_one(self) -> WindowSpec:
        given = [k for k in ("trading_days", "days", "months", "years") if getattr(self, k)] + (
            ["ytd"] if self.ytd else []
        )
        if len(given) != 1:
            raise ValueError("give exactly one of trading_days, days, months, years, ytd")
        return self


@dataclass(frozen=True)
class Window:
    """A resolved window: the trading dates whose closes bound it."""

    name: str  # "1M", or "since 2023-06-01"
    start: dt.date
    end: dt.date
    start_row: int
    end_row: int

    @property
    def text(self) -> str:
        """How provenance names it: "1M: 2026-10-20 to 2026-11-20"."""
        return f"{self.name}: {self.start} to {self.end}"


def since_window_name(start: dt.date) -> str:
    return f"since {start.isoformat()}"


def resolve_windows(
    dates: pd.DatetimeIndex, as_of: dt.date, specs: dict[str, WindowSpec], since: Sequence[dt.date]
) -> dict[str, Window]:
    """Each window's start: the last trading day on or before its target date; too-early ones drop out."""
    end_row = len(dates) - 1
    end = dates[end_row].date()
    windows: dict[str, Window] = {}
    targets: list[tuple[str, pd.Timestamp | int]] = []
    anchor = pd.Timestamp(as_of)
    for name, spec in specs.items():
        if spec.trading_days:
            targets.append((name, end_row - spec.trading_days))
        elif spec.ytd:
            targets.append((name, pd.Timestamp(as_of.year - 1, 12, 31)))
        else:
            offset = pd.DateOffset(days=spec.days or 0, months=spec.months or 0, years=spec.years or 0)
            targets.append((name, anchor - offset))
    targets += [(since_window_name(start), pd.Timestamp(start)) for start in since]
    for name, target in targets:
        row = target if isinstance(target, int) else int(dates.searchsorted(target, side="right")) - 1
        if 0 <= row < end_row:
            windows[name] = Window(name, dates[row].date(), end, row, end_row)
    return windows
