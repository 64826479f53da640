"""Changing an output folder all at once: a lock, generations, and one atomic switch between them.

Readers see `<out>/site` and `<out>/desk`, two symbolic links into the current generation:

    <out>/site -> .newsdesk/current/site
    <out>/desk -> .newsdesk/current/desk
    <out>/.newsdesk/current -> g000042          the one link a change switches
    <out>/.newsdesk/g000042/{site,desk}/        the complete output as of the last change
    <out>/.newsdesk/history/                    the run history database, which no switch touches

A run or an editor's action never changes the current generation. `Changeset.commit` builds the
next one beside it: every file it keeps is hard-linked (cheap: no bytes are copied), staged folders
are moved in, new files are written; then `current` is switched with one rename. Articles, index,
pages and feeds therefore change together: a failure (a full disk) or a kill at any moment leaves
the previous complete output or the new one, never a mix, and a failed change can simply be
retried. The next writer deletes what a killed one left (`prepare_output`). One writer at a time
holds the folder's lock (`output_lock`).

An output folder an earlier newsdesk wrote (real site/ and desk/ folders) becomes generation one
the first time a writer takes it over; readers see it unchanged.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PublishError
from generator.files import (
    DIR_MODE,
    NO_HARD_LINKS,
    RETIRED_SUFFIX,
    create_file,
    create_or_link,
    write_temporary,
)
from generator.layout import AREAS, CURRENT, HISTORY_DIR, SOURCES_DIR, Layout

STAGING_MARK = ".staging."
_GENERATION = re.compile(r"^g(\d{6,})$")
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


# ------------------------------------------------------------------------------------ generations


def current_generation(layout: Layout) -> Path | None:
    """The folder `current` points to, or None when there is none yet (or the link is broken)."""
    link = layout.state / CURRENT
    try:
        target = str(link.readlink())
    except OSError:
        return None
    folder = layout.state / target
    return folder if _GENERATION.match(target) and folder.is_dir() else None


def own_folder(layout: Layout, *parts: str) -> Path | None:
    """`<current generation>/<parts...>` when every step below the generation (which `current`
    names, checked by `current_generation`) is a real folder, not a link; else None.

    Where a rerun looks for the copies it replaces: a link planted in the output (a date folder
    pointing elsewhere, say) is never followed to read, or hard-link, a file from outside.
    """
    folder = current_generation(layout)
    for part in parts:
        if folder is None:
            return None
        folder = folder / part
        if not _is_real_folder(folder):
            return None
    return folder


def prepare_output(layout: Layout) -> None:
    """Make the folder generational and clear what killed writers left; call under `output_lock`.

    Afterwards `site` and `desk` are links into the current generation (an earlier newsdesk's
    real folders are taken over as the first generation, or the one after the current), and
    nothing is left of an unfinished change: no half-built generation, no staging folder, no
    temporary file, no superseded generation.
    """
    for place in AREAS:
        _refuse_foreign_link(layout, place)
    layout.state.mkdir(exist_ok=True)
    if (layout.state / CURRENT).is_dir() and not (layout.state / CURRENT).is_symlink():
        _remove(layout.state / CURRENT)  # a copy of the output made without keeping its links
    current = current_generation(layout)
    legacy = [place for place in AREAS if _is_real_folder(layout.area(place))]
    if current is None or legacy:
        for place in legacy:
            _restore_retired(layout.area(place))
        building = _new_generation(layout, current)
        try:
            for place in AREAS:
                source = layout.area(place) if place in legacy else current / place if current else None
                _link_tree(source, building / place, skip=frozenset())
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        _switch(layout, building)
        current = building
    for place in AREAS:
        _link_area(layout, place)
    for path in layout.state.iterdir():
        if path.name not in (CURRENT, current.name, HISTORY_DIR):
            _remove(path)
    for place in AREAS:
        _clear_temporaries(current / place)


def _refuse_foreign_link(layout: Layout, place: str) -> None:
    """A `site` or `desk` link someone else made (to a web root, say) is not replaced silently."""
    area = layout.area(place)
    if area.is_symlink() and str(area.readlink()) != _area_target(layout, place):
        raise PublishError(
            f"{area}: is a link to {area.readlink()}; newsdesk keeps {place}/ as its own link into "
            f"{layout.state.name}/ (see output/README.md): remove the link and point your server at {area}"
        )


def _area_target(layout: Layout, place: str) -> str:
    return f"{layout.state.name}/{CURRENT}/{place}"


def _is_real_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _new_generation(layout: Layout, current: Path | None) -> Path:
    """An empty folder for the next generation, numbered after every one that exists."""
    numbers = [int(m.group(1)) for p in layout.state.iterdir() if (m := _GENERATION.match(p.name))]
    number = max([*numbers, int(current.name[1:]) if current else 0]) + 1
    folder = layout.state / f"g{number:06d}"
    folder.mkdir(mode=DIR_MODE)
    return folder


def _switch(layout: Layout, generation: Path) -> None:
    """Point `current` at `generation` with one rename: the moment the change becomes visible."""
    link = layout.state / f".{CURRENT}.{generation.name}"
    link.unlink(missing_ok=True)
    link.symlink_to(generation.name)
    try:
        link.replace(layout.state / CURRENT)
    except OSError:
        link.unlink(missing_ok=True)
        raise


def _link_area(layout: Layout, place: str) -> None:
    """`<out>/<place>` as a relative link through `current`, replacing an old real folder."""
    area = layout.area(place)
    target = _area_target(layout, place)
    link = layout.out / f".{place}.link"
    link.unlink(missing_ok=True)  # a killed writer's
    if area.is_symlink() and str(area.readlink()) == target:
        return
    if area.exists() and not area.is_dir():
        raise PublishError(f"{area}: is a file; newsdesk keeps its {place} folder there")
    try:
        link.symlink_to(target, target_is_directory=True)
    except OSError as exc:
        raise PublishError(
            f"{layout.out}: cannot create symbolic links here ({exc.strerror}); newsdesk needs them to "
            "switch a run's output in at once"
        ) from None
    if _is_real_folder(area):  # taken over into a generation already: its copy is current
        retired = layout.state / f".{place}{RETIRED_SUFFIX}"
        _remove(retired)
        area.rename(retired)
    link.replace(area)


def _link_tree(source: Path | None, target: Path, *, skip: frozenset[str]) -> None:
    """Recreate `source` at `target` with hard links (copies where the file system has none),
    leaving out paths in `skip` (relative, with forward slashes) and writers' leftovers.

    It runs over every file an output holds, so it works on strings, not Path objects.
    """
    target.mkdir(mode=DIR_MODE)
    if source is None or not source.is_dir():
        return
    stack = [(str(source), str(target), "")]
    while stack:
        here, there, prefix = stack.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if relative in skip or (entry.name[0] == "." and _is_leftover(entry)):
                    continue
                destination = f"{there}/{entry.name}"
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), destination)  # noqa: PTH211, PTH115
                elif entry.is_dir():
                    os.mkdir(destination)  # noqa: PTH102
                    os.chmod(destination, entry.stat().st_mode & 0o7777)  # noqa: PTH101
                    stack.append((entry.path, destination, relative + "/"))
                else:
                    _link_file(entry.path, destination)


def _link_file(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError as exc:
        if exc.errno not in NO_HARD_LINKS:
            raise
        shutil.copy2(source, destination)


def _is_leftover(entry: os.DirEntry) -> bool:
    """What a killed writer of an earlier newsdesk may have left inside a folder: never kept."""
    name = entry.name
    if entry.is_dir(follow_symlinks=False):
        return STAGING_MARK in name or name.endswith(RETIRED_SUFFIX)
    return bool(_TEMPORARY.match(name))  # not a site owner's .htaccess


def _restore_retired(area: Path) -> None:
    """An earlier newsdesk killed between retiring a date's folder and renaming the new one in
    left no `<date>/`: its retired copy is the folder (a retired copy beside one is garbage)."""
    for path in sorted(area.iterdir()):
        name = path.name
        if path.is_dir() and name.startswith(".") and name.endswith(RETIRED_SUFFIX):
            final = area / name[1 : -len(RETIRED_SUFFIX)]
            if not final.exists():
                path.rename(final)


def _clear_temporaries(area: Path) -> None:
    """Temporaries of single-file writes into the current generation (the review page)."""
    folders = [area, *(p for p in area.iterdir() if p.is_dir() and not p.is_symlink())]
    for folder in folders:
        for path in folder.iterdir():
            if path.name.startswith(".") and path.is_file() and _TEMPORARY.match(path.name):
                path.unlink(missing_ok=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def staging_folder(layout: Layout, name: str) -> Path:
    """A new folder to stage a replacement in, outside what readers see; cleared if abandoned."""
    staging = Path(tempfile.mkdtemp(prefix=f".{name}{STAGING_MARK}", dir=layout.state))
    staging.chmod(DIR_MODE)  # mkdtemp makes it owner-only; output is ordinary data
    return staging


# ------------------------------------------------------------------------------------ a changeset


@dataclass
class Changeset:
    """Everything one run or approval changes, applied by building the next generation.

    Paths are the ones readers use (`<out>/site/...`, `<out>/desk/...`). Folders replace their
    final copies whole (or remove them, with no staged copy); files are written; removals are left
    out. A file inside a replaced folder is written into the staged copy, so it comes with it.
    """

    layout: Layout
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
        """Build the next generation from the current one and this change, then switch to it."""
        layout = self.layout
        current = current_generation(layout)
        if current is None:
            raise PublishError(f"{layout.out}: not prepared for writing (prepare_output first)")
        building = _new_generation(layout, current)
        try:
            self._build(current, building)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            self.abort()
            raise
        _switch(layout, building)
        shutil.rmtree(current, ignore_errors=True)  # superseded; nobody is pointed at it now

    def _build(self, current: Path, building: Path) -> None:
        relative = self._relative
        skip = frozenset(relative(path) for path in [*self.folders, *self.files, *self.removals])
        for place in AREAS:
            _link_tree(current / place, building / place, skip=_within(skip, place))
        for final, staged in self.folders.items():
            if staged is not None:
                target = building / relative(final)
                target.parent.mkdir(parents=True, exist_ok=True)
                staged.rename(target)
        for path, text in self.files.items():
            target = building / relative(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary(target, text).replace(target)
        for folder in {building / relative(path.parent) for path in self.removals}:
            remove_if_empty(folder)

    def _relative(self, path: Path) -> str:
        """'site/2026-11-20/x.md' for `<out>/site/2026-11-20/x.md`."""
        try:
            relative = path.relative_to(self.layout.out).as_posix()
        except ValueError:
            raise PublishError(f"{path}: outside the output folder {self.layout.out}") from None
        if relative.split("/", 1)[0] not in AREAS:
            raise PublishError(f"{path}: neither in site/ nor in desk/")
        return relative

    def abort(self) -> None:
        for staged in self.folders.values():
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)


def _within(paths: frozenset[str], place: str) -> frozenset[str]:
    """`paths` inside `place`, relative to it."""
    prefix = f"{place}/"
    return frozenset(p[len(prefix) :] for p in paths if p.startswith(prefix))


def temporary(path: Path, text: str) -> Path:
    """A temporary beside `path` holding `text` (a seam for tests that fail a write)."""
    return write_temporary(path, text)


def remove_if_empty(folder: Path) -> None:
    """Drop a date folder the last article left (its sources/ copies go with it)."""
    try:
        entries = {p.name for p in folder.iterdir()}
    except OSError:
        return
    if entries <= {SOURCES_DIR}:
        shutil.rmtree(folder, ignore_errors=True)


def write_new(
    path: Path, text: str, final: Path, *, replaced: Path | None = None, shared: bool = False
) -> None:
    """Create a file that must not exist yet: never overwrite silently. With `replaced` (the copy
    it replaces), the file is a hard link to that copy when their bytes are the same. A `shared`
    file is one several writers stage with the same text (a cited source): whoever comes second
    finds it there and leaves it, once it has made sure it is that text in a plain file."""
    data = text.encode("utf-8")
    try:
        if replaced is None:
            create_file(path, data)
        else:
            create_or_link(path, data, replaced)
    except FileExistsError:
        if not (shared and holds(path, data)):
            raise PublishError(f"{final / path.name}: two articles in one run share this name") from None


def holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a regular file (not a link) holding exactly `data`."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode) and path.read_bytes() == data
    except OSError:
        return False
