"""`newsdesk fetch`: today's numbers for the user's own tickers, written as a snapshot folder.

This module owns the command's conversation with the user (arguments, progress bar, the one
summary line) and the manifest; generator.market.yahoo owns everything about Yahoo and yfinance.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pandas as pd

from generator.errors import ConfigError, located
from generator.files import read_input_text
from generator.market import calendars, yahoo
from generator.market.snapshot import (
    CURRENCY,
    FUNDAMENTAL_FIELDS,
    Manifest,
    Snapshot,
    check_out_folder,
    write_snapshot,
)

DEFAULT_YEARS = 3
_TICKER = re.compile(r"^[A-Z0-9^][A-Z0-9.\-=^]{0,19}$")


def run_fetch(
    *,
    tickers: str | None,
    universe: Path | None,
    benchmark: str,
    start: dt.datetime | dt.date | None,
    as_of: dt.datetime | dt.date | None,
    out: Path,
    cache_dir: Path | None,
    quiet: bool,
    session: Any = None,
    retry: yahoo.RetryPolicy | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """Fetch from Yahoo Finance and write a snapshot to `out`; print one summary line.

    The as-of date is the last completed NYSE session (calendars.last_completed_session: the
    exchange calendar's closes, holidays and early closes), or the last session on or before
    `as_of` if earlier: a session still trading has no close yet, so asking for today at noon
    gives yesterday's closes rather than noon's prices labelled as a close.
    `session`, `retry` and `now` exist for tests (a fake HTTP session, a sleep that does not wait,
    a fixed clock).
    """
    now = now or dt.datetime.now(dt.UTC)
    symbols = parse_tickers(tickers, universe)
    bench = _ticker(benchmark, "--benchmark")
    market_now = now.astimezone(yahoo.MARKET_TIME)
    end = _day(as_of) or market_now.date()
    if end > market_now.date():
        raise click.BadParameter(
            f"{end} is in the future (it is {market_now:%Y-%m-%d %H:%M} in New York)", param_hint="--as-of"
        )
    end = calendars.last_session_on_or_before(min(end, calendars.last_completed_session(now)))
    first = _day(start) or _years_before(end, DEFAULT_YEARS)
    if first >= end:
        raise click.BadParameter(f"{first} is not before the as-of date {end}", param_hint="--start")
    check_out_folder(out)

    with _progress_bar(enabled=not quiet and len(symbols) > 1 and sys.stderr.isatty()) as on_progress:
        data = yahoo.fetch(
            symbols,
            benchmark=bench,
            start=first,
            end=end,
            cache_dir=yahoo.cache_root(cache_dir),
            session=session,
            retry=retry,
            on_progress=on_progress,
            now=now,
        )
    if data.cache_problem:
        click.echo(f"newsdesk: warning: {data.cache_problem}", err=True)
    path = write_snapshot(build_snapshot(data, name=out.name, benchmark=bench), out)
    click.echo(summary_line(data, len(symbols), path))
    return path


def parse_tickers(tickers: str | None, universe: Path | None) -> list[str]:
    """Tickers from --tickers (comma-separated) or --universe (one per line, # comments), deduplicated."""
    if bool(tickers) == bool(universe):
        raise click.UsageError("give either --tickers or --universe")
    if tickers:
        found = [_ticker(t, "--tickers") for t in tickers.split(",") if t.strip()]
    else:
        found = _universe(universe)
    if not found:
        raise click.BadParameter("no tickers given", param_hint="--tickers" if tickers else "--universe")
    return list(dict.fromkeys(found))


def _universe(path: Path) -> list[str]:
    lines = read_input_text(path, error=ConfigError).splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        # first field of each line, so a CSV export with a name column works too
        field = re.split(r"[,;\t ]", line.split("#", 1)[0].strip(), maxsplit=1)[0]
        if not field or (number == 1 and field.lower() in ("ticker", "symbol")):
            continue
        if not _TICKER.match(field.upper()):
            raise ConfigError(located(path, f"{field!r} is not a ticker", line=number))
        found.append(field.upper())
    return found


def _ticker(text: str, option: str) -> str:
    ticker = text.strip().upper()
    if not _TICKER.match(ticker):
        raise click.BadParameter(f"{text.strip()!r} is not a ticker", param_hint=option)
    return ticker


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _years_before(day: dt.date, years: int) -> dt.date:
    return (pd.Timestamp(day) - pd.DateOffset(years=years)).date()


def build_snapshot(data: yahoo.YahooData, *, name: str, benchmark: str) -> Snapshot:
    """The snapshot for one fetch, with a manifest that says where every number came from."""
    extra: dict[str, Any] = {
        "prices_adjustment": data.source["prices"],
        "fundamentals_note": f"Yahoo Finance Ticker.info as fetched on {data.source['fetched_on']}; "
        "not point-in-time",
        "missing_reasons": data.failed,
    }
    if data.news_failed:
        extra["news_missing"] = data.news_failed
    manifest = Manifest(
        name=name,
        as_of=data.as_of,
        currency=CURRENCY,
        units={c: FUNDAMENTAL_FIELDS[c] for c in data.fundamentals.columns if c in FUNDAMENTAL_FIELDS},
        sources=[data.source],
        missing_tickers=list(data.failed),
        fictional=False,
        benchmark_name=benchmark,
        prices_adjusted=data.price_basis,
        calendar=yahoo.CALENDAR,
        **extra,
    )
    fundamentals = data.fundamentals.set_index("ticker")
    return Snapshot(manifest, data.prices, data.benchmark, fundamentals, data.news, actions=data.actions)


def summary_line(data: yahoo.YahooData, asked: int, path: Path) -> str:
    """'fetched N of M tickers; could not fetch: X, Y (reason); wrote DIR (as of DATE)'."""
    fetched = asked - len(data.failed)
    parts = [f"fetched {fetched} of {asked} ticker{'s' if asked != 1 else ''}"]
    if data.failed:
        parts.append(f"could not fetch: {yahoo.describe_failures(data.failed)}")
    if data.news_failed:
        parts.append(f"no headlines for: {', '.join(data.news_failed)}")
    if len(data.actions):
        parts.append(f"{len(data.actions)} corporate action{'s' if len(data.actions) != 1 else ''}")
    source = "from today's cache, " if data.requests_made == 0 else ""
    parts.append(f"wrote {path} ({source}as of {data.as_of})")
    return "; ".join(parts)


@contextmanager
def _progress_bar(*, enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr for terminals; nothing at all otherwise."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def update(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total)

        yield update
