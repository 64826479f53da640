"""Changing an output folder all at once: a lock, staged changes applied as a row of renames, cleanup.

Everything a run or an editor's action changes is staged first — folders written beside the ones
they replace, files written to temporaries — and applied last by `Changeset.commit`, so a failure
or a kill before that leaves the folder as it was. The next writer clears or restores what a killed
one left (`clear_leftovers`). One writer at a time holds the folder's lock (`output_lock`).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PublishError
from generator.files import RETIRED_SUFFIX, retired_path, swap_folder, write_temporary
from generator.layout import SOURCES_DIR, Layout

STAGING_MARK = ".staging."
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}$")  # what tempfile.mkstemp(prefix=".<name>.") makes


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock; a second writer fails at once, clearly."""
    from filelock import FileLock, Timeout

    layout = Layout(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise PublishError(f"{out_dir}: is a file; the output must be a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.lock), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise PublishError(
            f"{out_dir}: another newsdesk run is writing here (lock {layout.lock}); wait for it to finish"
        ) from None
    try:
        yield
    finally:
        lock.release()


def require_current_layout(layout: Layout) -> None:
    """Refuse an output folder an older newsdesk wrote (no site/ and desk/), naming what to do."""
    old = layout.old_layout_file()
    if old is not None:
        raise PublishError(
            f"{old}: this output folder was written by an older newsdesk (no site/ and desk/ yet); "
            f"move it away or choose another --out"
        )


@dataclass
class Changeset:
    """Everything one run or approval changes, applied last as a row of renames.

    Folders replace their final copies whole (or remove them, with no staged copy); files are
    written to temporaries first; removals come last. A file inside a replaced folder is written
    into the staged copy, so it appears with the folder.
    """

    folders: dict[Path, Path | None] = field(default_factory=dict)  # final -> staged (None: remove)
    files: dict[Path, str] = field(default_factory=dict)
    removals: list[Path] = field(default_factory=list)

    def put(self, path: Path, text: str) -> None:
        staged = self.folders.get(path.parent)
        if staged is not None:
            write_new(staged / path.name, text, path.parent)
        else:
            self.files[path] = text

    def read_text(self, path: Path) -> str:
        """`path` as it will read once the changeset is committed."""
        if path in self.files:
            return self.files[path]
        staged = self.folders.get(path.parent)
        return (staged / path.name if staged is not None else path).read_text("utf-8")

    def commit(self) -> None:
        temporaries: dict[Path, Path] = {}
        try:
            for path, text in self.files.items():
                temporaries[path] = temporary(path, text)
        except BaseException:
            for written in temporaries.values():
                written.unlink(missing_ok=True)
            self.abort()
            raise
        for final, staged in self.folders.items():
            replace_folder(staged, final)
        for path, written in temporaries.items():
            written.replace(path)
        for path in self.removals:
            path.unlink(missing_ok=True)
        for folder in {path.parent for path in self.removals}:
            remove_if_empty(folder)

    def abort(self) -> None:
        for staged in self.folders.values():
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)


def temporary(path: Path, text: str) -> Path:
    """A temporary beside `path` holding `text` (a seam for tests that fail a write)."""
    return write_temporary(path, text)


def replace_folder(staged: Path | None, final: Path) -> None:
    """Swap a staged folder in place of `final`, or take `final` away when nothing is staged.

    A writer killed between the renames leaves the old copy at its retired path, which
    `clear_leftovers` puts back.
    """
    if staged is not None:
        swap_folder(staged, final)
    elif final.exists():
        retired = retired_path(final)
        shutil.rmtree(retired, ignore_errors=True)
        final.rename(retired)
        shutil.rmtree(retired, ignore_errors=True)


def remove_if_empty(folder: Path) -> None:
    """Drop a date folder the last article left (its sources/ copies go with it)."""
    try:
        entries = {p.name for p in folder.iterdir()}
    except OSError:
        return
    if entries <= {SOURCES_DIR}:
        shutil.rmtree(folder, ignore_errors=True)


def write_new(path: Path, text: str, final: Path) -> None:
    """Create a file that must not exist yet: never overwrite silently."""
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise PublishError(f"{final / path.name}: two articles in one run share this name") from None


def clear_leftovers(layout: Layout) -> None:
    """Undo what killed writers left in site/ and desk/: staging folders, retired copies, temporaries.

    A writer killed between retiring a date's folder and renaming the new one in leaves no
    `<date>/`; its retired copy is put back (whatever date runs next) so readers, feeds and
    approvals find those articles. Only a retired copy whose folder exists again is garbage.
    """
    for area in (layout.site, layout.desk):
        if not area.is_dir():
            continue
        for path in sorted(area.iterdir()):
            name = path.name
            if path.is_dir() and name.startswith(".") and name.endswith(RETIRED_SUFFIX):
                final = area / name[1 : -len(RETIRED_SUFFIX)]
                if final.exists():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.rename(final)
        folders = [area, *(p for p in area.iterdir() if p.is_dir() and not p.name.startswith("."))]
        folders += [f / SOURCES_DIR for f in folders[1:] if (f / SOURCES_DIR).is_dir()]
        for folder in folders:
            for path in folder.iterdir():
                if not path.name.startswith("."):
                    continue
                if path.is_dir() and STAGING_MARK in path.name:
                    shutil.rmtree(path, ignore_errors=True)
                elif path.is_file() and _TEMPORARY.match(path.name):  # not a user's .htaccess
                    path.unlink(missing_ok=True)
