"""`newsdesk history TICKER`: a ticker's score, signals and key facts over the recorded runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from generator.history.store import HistoryError, RunHistory, database_url, open_history

COLUMNS = (
    ("as_of", "date"),
    ("score", "score"),
    ("momentum", "momentum"),
    ("value", "value"),
    ("quality", "quality"),
    ("sentiment", "sentiment"),
    ("close", "close"),
    ("return_1d", "day"),
    ("volume_ratio", "volume x"),
    ("streak", "streak"),
    ("high_low", "52-week"),
    ("verdict", "brief"),
    ("triggers", "triggers"),
)


def run_history(
    ticker: str,
    *,
    out: Path | None,
    database_url: str | None,
    output_format: str,
    config_file: Path | None = None,
    isolated: bool = False,
) -> None:
    from generator.config import load_settings

    settings = load_settings(config_file, isolated=isolated, out=out, database_url=database_url)
    rows = read_history(ticker.strip().upper(), settings.out, settings.database_url)
    if output_format == "json":
        print(json.dumps({"ticker": ticker.upper(), "runs": rows}, indent=2, default=_json))
    else:
        print_table(ticker.upper(), rows)


def read_history(ticker: str, out_dir: Path, url: str | None) -> list[dict]:
    """The rows `newsdesk history` prints; pending journals are recorded first when the output
    folder is free (a run in progress will record its own)."""
    from filelock import FileLock, Timeout

    from generator.layout import RUNS_DIR, Layout

    url = database_url(url, out_dir)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise HistoryError(
            f"{out_dir}: no run history yet ({url.removeprefix('sqlite:///')}); "
            f"run `newsdesk run --out {out_dir}` first"
        )
    history = open_history(url)
    try:
        layout = Layout(out_dir)
        if layout.lock.parent.is_dir():
            lock = FileLock(str(layout.lock), timeout=0)
            try:
                with lock:
                    history.recover(layout.desk / RUNS_DIR)
            except Timeout:
                pass  # a run holds the folder: it records what is pending itself
        rows = history_rows(history, ticker)
    finally:
        history.close()
    if not rows:
        raise HistoryError(f"{ticker}: no recorded run scored this ticker (check the spelling or --out)")
    return rows


def history_rows(history: RunHistory, ticker: str) -> list[dict]:
    rows = []
    for row in history.ticker_history(ticker):
        up, down = row["up_streak"], row["down_streak"]
        streak = f"+{up}" if up and up > 1 else f"-{down}" if down and down > 1 else ""
        high_low = "high" if row["closing_high_52w"] else "low" if row["closing_low_52w"] else ""
        rows.append(
            {
                "as_of": row["as_of"],
                "universe": row["universe"],
                "run": row["run_id"],
                "score": row["score"],
                "momentum": row["momentum"],
                "value": row["value"],
                "quality": row["quality"],
                "sentiment": row["sentiment"],
                "close": row["close"],
                "return_1d": row["return_1d"],
                "volume_ratio": row["volume_ratio"],
                "streak": streak,
                "high_low": high_low,
                "brief": row["slug"],
                "verdict": row["verdict"] or "",
                "triggers": row["triggers"] or "",
            }
        )
    return rows


def print_table(ticker: str, rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    universes = sorted({row["universe"] for row in rows})
    table = Table(title=f"{ticker}: {len(rows)} recorded runs ({', '.join(universes)})")
    for key, heading in COLUMNS:
        table.add_column(
            heading, justify="right" if key not in ("verdict", "triggers", "high_low") else "left"
        )
    for row in rows:
        table.add_row(*(_cell(key, row[key]) for key, _ in COLUMNS))
    Console(width=140).print(table)


def _cell(key: str, value: object) -> str:
    if value is None:
        return "—"
    if key == "close":
        return f"{value:,.2f}"
    if key == "return_1d":
        return f"{value:+.1f}%"
    if key == "volume_ratio":
        return f"{value:.1f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
