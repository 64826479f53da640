"""Read a user's export as the tool that wrote it laid it out: one table of text, one row per ticker-day.

Layouts recognised from the file itself:
- a plain table, any delimiter (sniffed among , ; tab |, or given), optionally gzipped, or parquet;
- yfinance `download(...).to_csv()`: two header rows of field and ticker (either order, as
  `group_by` chose) over a `Date` row, one column per field and ticker. It is turned long: one row
  per date and ticker, columns Date, Ticker and the fields; dates on which a ticker has no bar go;
- Stooq's daily files: `<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,...` (the angle brackets are part of
  the header).

Every row keeps the line of the user's file it came from (the frame's index is that line minus 2,
as for a plain CSV), so any later error still names the user's line.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from generator.errors import SnapshotError
from generator.files import decode_utf8, read_input_bytes

CSV_SUFFIXES = (".csv", ".csv.gz", ".txt", ".txt.gz")  # .txt: Stooq's files, and CSV under another name
PARQUET_SUFFIXES = (".parquet", ".pq")
DELIMITERS = ",;\t|"
YFINANCE_FIELDS = ("Open", "High", "Low", "Close", "Adj Close", "Volume", "Dividends", "Stock Splits")
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Export:
    """One user file as text. `frame.index` + 2 is the user's line (parquet: + 1 is the row)."""

    path: Path
    frame: pd.DataFrame
    layout: str  # table | yfinance-wide | yfinance-history | stooq | parquet
    delimiter: str | None

    @property
    def description(self) -> str:
        return {
            "table": f"table, delimiter {self.delimiter!r}",
            "yfinance-wide": "yfinance download() CSV, one column per field and ticker",
            "yfinance-history": "yfinance Ticker.history() CSV",
            "stooq": "Stooq daily file (<TICKER>,<PER>,<DATE>,...)",
            "parquet": "parquet table",
        }[self.layout]


def read_export(path: Path, delimiter: str | None = None) -> Export:
    """Read `path` in whichever supported layout it has; SnapshotError naming the file otherwise."""
    name = path.name.lower()
    try:
        if name.endswith(PARQUET_SUFFIXES):
            return Export(path, _parquet(path), "parquet", None)
        if not name.endswith(CSV_SUFFIXES):
            expected = ", ".join((*CSV_SUFFIXES, *PARQUET_SUFFIXES))
            raise SnapshotError(f"{path}: unsupported file type; expected one of {expected}")
        text = _text(path)
        sep = delimiter or _sniff(text)
        head = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:3])), delimiter=sep))
        if _is_yfinance_wide(head):
            return Export(path, _yfinance_wide(text, sep, head), "yfinance-wide", sep)
        # blank lines are read (and dropped below) so the index still counts every line
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False
        )
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError, EOFError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SnapshotError(f"{path}: cannot be read ({reason})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if "<TICKER>" in frame.columns or "<DATE>" in frame.columns:
        layout = "stooq"
    elif {"Date", "Close", "Dividends", "Stock Splits"} <= set(frame.columns):
        layout = "yfinance-history"  # Ticker.history().to_csv(): one ticker, actions beside prices
    else:
        layout = "table"
    return Export(path, frame[~(frame == "").all(axis=1)], layout, sep)


def _text(path: Path) -> str:
    data = read_input_bytes(path, error=SnapshotError)  # a named pipe is refused, not waited on
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return decode_utf8(data, path, error=SnapshotError)


def _sniff(text: str) -> str:
    """The delimiter of the header line and a few rows; a comma when nothing else is clear."""
    sample = "\n".join(text[:_SNIFF_BYTES].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _parquet(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    if not isinstance(frame.index, pd.RangeIndex):  # a date or ticker index written with the frame
        frame = frame.reset_index()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    frame = frame.astype("string").fillna("").astype(object)
    frame.columns = [str(c) for c in frame.columns]
    frame.index = frame.index - 1  # so that index + 2 is the row's 1-based number in the file
    return frame[~(frame == "").all(axis=1)]


def _is_yfinance_wide(head: list[list[str]]) -> bool:
    """Two header rows (fields and tickers) over a row holding only the index name, Date."""
    if len(head) < 3 or len(head[2]) < 2:
        return False
    index_row = head[2]
    return index_row[0] in ("Date", "Datetime") and not any(cell.strip() for cell in index_row[1:])


def _yfinance_wide(text: str, sep: str, head: list[list[str]]) -> pd.DataFrame:
    first, second = head[0], head[1]
    fields_first = first[0] == "Price" or (
        first[0] != "Ticker" and all(cell in YFINANCE_FIELDS for cell in first[1:])
    )
    fields, tickers = (first, second) if fields_first else (second, first)
    data = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        header=None,
        skiprows=3,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
    )
    data.index = data.index + 2  # data row 0 is line 4 of the file
    data = data.reindex(columns=range(len(tickers)), fill_value="")  # a short row: blank cells
    values = data.drop(columns=[0])
    values.columns = pd.MultiIndex.from_arrays(
        [[fields[i] for i in values.columns], [tickers[i].strip() for i in values.columns]],
        names=["field", "Ticker"],
    )
    # One reshape, not one slice per ticker: a 5,000-ticker download has 30,000 columns.
    long = values.stack(level="Ticker", future_stack=True).fillna("")
    long = long[~(long == "").all(axis=1)]  # download() gives every ticker every date
    long.columns.name = None
    lines, names = long.index.get_level_values(0), long.index.get_level_values("Ticker")
    order = {ticker: rank for rank, ticker in enumerate(dict.fromkeys(values.columns.get_level_values(1)))}
    ranks = names.map(order).to_numpy()  # tickers in the order of the header, then by line
    frame = long.reset_index(level="Ticker").assign(Date=data[0].reindex(lines).to_numpy())
    frame = frame.iloc[np.lexsort((lines.to_numpy(), ranks))]
    return frame[["Date", "Ticker", *[c for c in frame.columns if c not in ("Date", "Ticker")]]]
