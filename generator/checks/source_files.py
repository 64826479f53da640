"""Where `newsdesk check` may read a listed source from, and reading it without surprises.

An article is data, possibly from a stranger: its `path:` must not make the checker read, and quote
back in a mismatch message, a file elsewhere on the machine, nor hang on a named pipe. So a listed
path is resolved against the article's folder, symlinks included, BEFORE it is compared with the
allowed roots (the project root, plus any `sources-root` the configuration names); only a regular
file inside them is opened, and a refusal says which setting would allow the file, never its text.
The pipeline passes source texts in memory and never comes here.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)


class SourceRefused(Exception):
    """A listed source that is not read, and why (one line for the sources.missing finding)."""


@dataclass(frozen=True, slots=True)
class SourceRoots:
    """The folders sources may be read from: the project root first, then configured sources-roots."""

    folders: tuple[Path, ...]  # resolved, so a symlinked checkout compares equal to its target
    config_file: Path | None = None  # named in refusals: where `sources-root` would go

    @classmethod
    def of(
        cls, project_root: Path, extra: tuple[Path, ...] = (), config_file: Path | None = None
    ) -> SourceRoots:
        folders = tuple(dict.fromkeys(folder.resolve() for folder in (project_root, *extra)))
        return cls(folders, config_file)

    def allows(self, resolved: Path) -> bool:
        return any(resolved == folder or resolved.is_relative_to(folder) for folder in self.folders)

    def refusal(self, resolved: Path) -> str:
        where = (
            f"the [check] table of {self.config_file}"
            if self.config_file
            else "a [check] table in newsdesk.toml (or [tool.newsdesk.check] in pyproject.toml)"
        )
        return (
            f"it resolves to {resolved}, outside the project root {self.folders[0]}; to allow it, add its "
            f"folder to `sources-root` in {where}"
        )


def locate(listed: str, article_dir: Path, roots: SourceRoots) -> Path:
    """The resolved path of a listed source that may be read; SourceRefused (or OSError) otherwise."""
    if Path(listed).is_absolute():
        raise SourceRefused("absolute paths are not read; list the source relative to the article")
    try:
        resolved = (article_dir / listed).resolve(strict=True)
    except FileNotFoundError:
        raise SourceRefused("file not found") from None
    except RuntimeError:  # a symlink loop (Python < 3.13)
        raise SourceRefused("a symlink loop") from None
    if not roots.allows(resolved):
        raise SourceRefused(roots.refusal(resolved))
    mode = resolved.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a pipe, socket or device)"
        raise SourceRefused(f"{kind}, so it is not read")
    return resolved


def read_regular_file(path: Path) -> bytes:
    """The bytes of `path`, opened without following a last-moment symlink and without blocking on
    a FIFO swapped in after `locate` looked; anything but a regular file is refused unread."""
    fd = os.open(path, _OPEN_FLAGS)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise SourceRefused("not a regular file (a pipe, socket or device), so it is not read")
        return handle.read()
