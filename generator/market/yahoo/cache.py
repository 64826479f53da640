"""What was fetched today, per ticker, so a second fetch the same day makes no request."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pandas as pd
import platformdirs

from generator.errors import FetchError
from generator.files import atomic_write

CACHE_ENV = "NEWSDESK_CACHE_DIR"
CACHE_DAYS_KEPT = 7
BAR_COLUMNS = ("date", "open", "high", "low", "close", "volume", "dividend", "split_ratio")


def cache_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder: --cache-dir, else $NEWSDESK_CACHE_DIR, else the user cache directory."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(platformdirs.user_cache_dir("newsdesk"))


class DayCache:
    """What was fetched today, per ticker: a second fetch the same day makes no request.

    Layout: <root>/yahoo/<day>/<TICKER>/{info.json, news.json, prices-<start>-<end>.json}.
    Files are written atomically; an unreadable file counts as a miss. Days older than a week go.
    """

    def __init__(self, root: Path, day: dt.date) -> None:
        base = root / "yahoo"
        self.folder = base / day.isoformat()
        self.problem: str | None = None  # the first write that failed, for one warning
        self._lock = threading.Lock()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FetchError(
                f"{root}: cannot create the cache folder ({exc.strerror}); use --cache-dir or ${CACHE_ENV}"
            ) from None
        cutoff = (day - dt.timedelta(days=CACHE_DAYS_KEPT)).isoformat()
        for old in base.iterdir():
            if old.is_dir() and old.name < cutoff:
                shutil.rmtree(old, ignore_errors=True)

    def _path(self, ticker: str, name: str) -> Path:
        return self.folder / re.sub(r"[^A-Za-z0-9.^=_-]", "_", ticker) / f"{name}.json"

    def load(self, ticker: str, name: str) -> Any:
        try:
            return json.loads(self._path(ticker, name).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, ticker: str, name: str, value: Any) -> None:
        """Write one entry. A failure (read-only folder, full disk) is noted, not raised: the cache
        only saves requests, and what was fetched is as good without it."""
        path = self._path(ticker, name)
        try:
            atomic_write(path, json.dumps(value, default=str))  # never a half-written entry
        except OSError as exc:
            with self._lock:
                self.problem = self.problem or f"cache not written: {path}: {exc.strerror or exc}"

    def prices(self, ticker: str, start: dt.date, end: dt.date) -> pd.DataFrame | None:
        """Daily bars with the day's dividend and split (BAR_COLUMNS); an entry without them is a miss."""
        records = self.load(ticker, f"prices-{start}-{end}")
        if not records or not isinstance(records, list) or set(BAR_COLUMNS) - set(records[0]):
            return None
        rows = pd.DataFrame(records, columns=list(BAR_COLUMNS))
        rows["date"] = pd.to_datetime(rows["date"])
        return rows.astype(dict.fromkeys(BAR_COLUMNS[1:], "float64"))

    def save_prices(self, ticker: str, start: dt.date, end: dt.date, rows: pd.DataFrame) -> None:
        plain = rows.assign(date=rows["date"].dt.strftime("%Y-%m-%d")).astype(object)
        records = plain.where(plain.notna(), None).to_dict("records")
        self.save(ticker, f"prices-{start}-{end}", records)
