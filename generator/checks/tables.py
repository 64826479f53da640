"""tables.*: a table that carries no information is removed from the published copy, never silently.

Tables are GFM pipe tables exactly as markdown-it-py (GitHub's rules) parses them, so a pipe table
inside a code fence is code, and `\\|` is a pipe inside a cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from generator.checks.base import Article, Hit, Rule
from generator.checks.document import Table
from generator.models import TableDrop

_LINE_END = re.compile(r"(\r\n|\r|\n)")


class TablesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_data_rows: int = Field(ge=0)
    min_columns: int = Field(ge=0)
    empty_share: float = Field(gt=0, le=1)  # at or above this share of empty/placeholder cells
    placeholders: list[str]


def low_information_reasons(table: Table, settings: TablesSettings) -> list[str]:
    """Why the table says nothing worth printing; [] when it is informative."""
    reasons = []
    rows, columns = len(table.rows), len(table.header)
    if rows < settings.min_data_rows:
        reasons.append(f"{rows} data row{'s' * (rows != 1)} (fewer than {settings.min_data_rows})")
    if columns < settings.min_columns:
        reasons.append(f"{columns} column{'s' * (columns != 1)} (fewer than {settings.min_columns})")
    cells = [_cell(row, i) for row in table.rows for i in range(columns)]
    placeholders = {value.casefold() for value in settings.placeholders}
    empty = sum(1 for cell in cells if not cell or cell.casefold() in placeholders)
    if cells and empty / len(cells) >= settings.empty_share:
        reasons.append(
            f"{empty} of {len(cells)} data cells empty or placeholders ({settings.empty_share:.0%} or more)"
        )
    if rows >= 2 and columns and all(len({_cell(row, i) for row in table.rows}) == 1 for i in range(columns)):
        reasons.append("no column varies across rows")
    return reasons


def _cell(row: list[str], index: int) -> str:
    return " ".join(row[index].split()) if index < len(row) else ""


def remove_lines(text: str, drops: Iterable[TableDrop]) -> str:
    """`text` without the dropped (1-based, inclusive) line ranges; every other byte is kept."""
    pieces = _LINE_END.split(text)
    lines = [line + end for line, end in zip(pieces[0::2], [*pieces[1::2], ""], strict=True)]
    for drop in sorted(drops, key=lambda drop: drop.line_start, reverse=True):
        del lines[drop.line_start - 1 : drop.line_end]
    return "".join(lines)


class TableLowInformation(Rule):
    """A table carries too little information to publish; it is removed from the published copy.

    Low-information means fewer data rows or columns than configured, too many empty or
    placeholder cells (-, n/a, TBD ...), or no column that varies across rows. The report gives
    the table's line range and reason; `newsdesk check --fix` removes it in place.

    Bad::

        | Item | Value |
        |---|---|
        | N/A | N/A |
        | - | - |

    Good::

        | Ticker | 1M return |
        |---|---|
        | HLXM | 4.8% |
        | ORBT | -2.1% |
    """

    id = "tables.low_information"
    settings: TablesSettings

    def check(self, article: Article) -> Iterable[Hit]:
        for table in article.document.tables:
            reasons = low_information_reasons(table, self.settings)
            if reasons:
                reason = "; ".join(reasons)
                yield Hit(
                    table.line_start,
                    1,
                    f"low-information table (lines {table.line_start}-{table.line_end}) removed "
                    f"from the published copy: {reason}",
                    drop=TableDrop(
                        line_start=table.line_start,
                        line_end=table.line_end,
                        reason=reason,
                        text="\n".join(article.document.lines[table.line_start - 1 : table.line_end]),
                    ),
                )
