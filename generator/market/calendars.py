"""Exchange calendars: which days an exchange trades, when a session's close is final, holidays.

Backed by exchange_calendars (Apache-2.0, https://github.com/gerrymanoim/exchange_calendars), which
knows each exchange's holidays and early closes (the NYSE closes at 13:00 the day after
Thanksgiving). It takes about a second to import, so it is imported here, on first use, and only
`newsdesk fetch` and `newsdesk import --calendar` use this module.
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from typing import Any

import pandas as pd

from generator.errors import ConfigError

US_CALENDAR = "XNYS"  # the NYSE; Nasdaq (XNAS) keeps the same sessions
SETTLE = dt.timedelta(minutes=30)  # after the close, time for the closing auction's prints


@functools.cache
def calendar(name: str = US_CALENDAR) -> Any:
    """The exchange_calendars calendar `name` (e.g. XNYS), covering 1990 to a year ahead."""
    import exchange_calendars

    try:
        with warnings.catch_warnings():  # its pandas deprecations are not the user's business
            warnings.simplefilter("ignore")
            return exchange_calendars.get_calendar(name, start="1990-01-01")
    except exchange_calendars.errors.InvalidCalendarName:
        raise ConfigError(f"{name!r} is not an exchange calendar (e.g. XNYS, XNAS, XLON)") from None


def last_completed_session(now: dt.datetime, name: str = US_CALENDAR) -> dt.date:
    """The last session whose close had settled at `now` (aware): its close plus SETTLE.

    Before then today's bar is still moving, so an intraday price never passes for a close; on a
    holiday or weekend it is the session before; an early close (13:00) settles at 13:30.
    """
    exchange = calendar(name)
    stamp = pd.Timestamp(now).tz_convert("UTC")
    closes = exchange.closes  # session (naive date) -> close (UTC)
    settled = closes[closes + SETTLE <= stamp]
    return settled.index[-1].date()


def sessions_between(start: dt.date, end: dt.date, name: str = US_CALENDAR) -> pd.DatetimeIndex:
    """The sessions from `start` to `end`, both included (naive dates)."""
    return calendar(name).sessions_in_range(pd.Timestamp(start), pd.Timestamp(end))


def last_session_on_or_before(day: dt.date, name: str = US_CALENDAR) -> dt.date:
    """`day` if the exchange trades then, else the session before it (a holiday, a weekend)."""
    exchange = calendar(name)
    return exchange.date_to_session(pd.Timestamp(day), direction="previous").date()
