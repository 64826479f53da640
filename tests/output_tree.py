"""Helpers for tests that read an output folder as its readers do.

`<out>/site` and `<out>/desk` are links into the current generation (generator/changeset.py), so a
test lists what a reader sees by walking those two links, never `<out>/.newsdesk` itself.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path


def readable(out: Path) -> Iterator[Path]:
    """Every path under `<out>/site` and `<out>/desk`, named through the links (site/..., desk/...)."""
    for area in ("site", "desk"):
        if (out / area).is_dir():
            yield from (out / area).rglob("*")


def leftovers(out: Path) -> list[str]:
    """What an unfinished change could leave: any dotfile a reader sees (but a site owner's
    `.htaccess`), and anything in `<out>/.newsdesk` besides `current` and the generation it names."""
    state = out / ".newsdesk"
    found = [p.relative_to(out).as_posix() for p in readable(out) if p.name.startswith(".")]
    found = [name for name in found if not name.endswith("/.htaccess")]
    if state.is_dir():
        current = (state / "current").readlink().name if (state / "current").is_symlink() else None
        kept = ("current", current, "history")  # history: the run database, outside the generations
        found += [f".newsdesk/{p.name}" for p in state.iterdir() if p.name not in kept]
    found += [
        p.name
        for p in out.iterdir()
        if p.name.startswith(".") and p.name not in (".newsdesk", ".newsdesk.lock")
    ]
    return sorted(found)


# Comparing two outputs of the same runs (the backfill's tests): everything but each run's own clock.
RUN_TIMES = ("started_at", "finished_at", "seconds")  # a run record's own clock
JOURNAL_RUN = ("token", "started_at")  # what is unique to each run in its journal


def output_files(out: Path) -> dict[str, bytes]:
    """Every file a reader sees, by path; run records and journals without their run's clock and token."""
    files = {}
    for path in readable(out):
        if not path.is_file():
            continue
        name = path.relative_to(out).as_posix()
        data = path.read_bytes()
        if name.startswith("desk/runs/"):
            if name.endswith(".history.json"):
                journal = json.loads(data)
                data = json.dumps({k: v for k, v in journal.items() if k not in JOURNAL_RUN}).encode()
            elif name.endswith(".json"):
                record = json.loads(data)
                data = json.dumps({k: v for k, v in record.items() if k not in RUN_TIMES}).encode()
        files[name] = data
    return files


def history_rows(out: Path) -> dict[str, list[tuple]]:
    """Every row of the history database, run timestamps and tokens aside."""
    with sqlite3.connect(out / ".newsdesk" / "history" / "history.db") as db:
        rows = {
            "runs": db.execute(
                "select id, as_of, universe, snapshot, generator_version from runs order by id"
            ).fetchall()
        }
        for table in ("scores", "stock_facts", "articles", "editor_actions"):
            columns = [c[1] for c in db.execute(f"pragma table_info({table})") if c[1] != "recorded_at"]
            rows[table] = sorted(db.execute(f"select {', '.join(columns)} from {table}").fetchall(), key=repr)
    return rows
