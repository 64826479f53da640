"""Helpers for tests that read an output folder as its readers do.

`<out>/site` and `<out>/desk` are links into the current generation (generator/changeset.py), so a
test lists what a reader sees by walking those two links, never `<out>/.newsdesk` itself.
"""

from __future__ import annotations

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
