"""Column names of the facts tables: built here, parsed here, nowhere else.

Window figures live in columns named `<kind>_<window>` ("ret_1M", "ew_YTD", "n_since 2024-01-02");
every module that reads or writes them goes through these helpers, so a rename is one edit.
"""

from __future__ import annotations

from collections.abc import Iterable

# stock table
RETURN = "ret"  # fraction: close at the end / close at the start - 1
BASE = "base"  # the close the window's return starts from
SUSPECT = "flag"  # the window holds a suspected unadjusted split of this stock
# group table
EQUAL_WEIGHTED = "ew"  # mean of the members' returns
CAP_WEIGHTED = "cw"  # members' returns weighted by market value at the start
COUNTED = "n"  # members with a return that the averages count
ROSE = "up"  # counted members that rose
FELL = "down"  # counted members that fell
LEFT_OUT = "excluded"  # members with a return left out (suspected unadjusted split)


def windowed(kind: str, window: str) -> str:
    """The column holding `kind` over `window`: windowed("ret", "1M") == "ret_1M"."""
    return f"{kind}_{window}"


def window_of(kind: str, column: str) -> str | None:
    """The window a `kind` column is about, or None when the column is not of that kind."""
    prefix = f"{kind}_"
    return column[len(prefix) :] if column.startswith(prefix) else None


def windows_in(kind: str, columns: Iterable[str]) -> dict[str, str]:
    """window -> column, for every `kind` column among `columns`."""
    found = {}
    for column in columns:
        window = window_of(kind, column)
        if window is not None:
            found[window] = column
    return found
