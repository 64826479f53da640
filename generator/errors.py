"""One error type for everything a user can get wrong.

The CLI turns a NewsdeskError into one line on stderr and exit code 2; anything else is a bug and
keeps its traceback. Subclasses exist so callers can catch one family, and every message names the
culprit (file, row, column, key) so the user can act on it without reading code.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """A user-facing problem: bad input, bad configuration, unreachable service."""


class SnapshotError(NewsdeskError):
    """A snapshot folder is missing, incomplete or holds bad data."""


class ConfigError(NewsdeskError):
    """A settings file, rules file or editorial file is invalid."""


class RenderError(NewsdeskError):
    """A template failed to render (missing variable, syntax error)."""


class FetchError(NewsdeskError):
    """Live market data could not be fetched."""


class PublishError(NewsdeskError):
    """Output could not be written, or an editor action was refused."""


def located(path: object, message: str, *, line: int | None = None, column: str | None = None) -> str:
    """Format 'path, line N, column 'c': message' — the one shape every data error takes.

    `line` is the 1-based line of a text file (the header of a CSV is line 1).
    """
    where = str(path)
    if line is not None:
        where += f", line {line}"
    if column is not None:
        where += f", column {column!r}"
    return f"{where}: {message}"
