"""Contract 1: the snapshot folder — read it, validate it, write it.

A snapshot fully describes a market as of one date. Everything downstream trusts what this module
returns, so validation happens here, once, and a bad cell is reported by file, line and column.
Validation is vectorised: a clean file costs one pass of dtype checks; only a column that fails is
searched for its first bad line.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from generator.attribution import HEADER_KEYS, document_headers
from generator.errors import ConfigError, NewsdeskError, SnapshotError, located
from generator.files import DIR_MODE, read_input_text, swap_folder
from generator.models import PriceBasis
from generator.rulefiles import describe, parse_yaml

PRICE_COLUMNS = ("date", "ticker", "open", "high", "low", "close", "volume")
BENCHMARK_COLUMNS = ("date", "ticker", "close")
IDENTITY_COLUMNS = ("ticker", "name", "sector", "sub_industry")
FUNDAMENTAL_FIELDS: dict[str, str] = {
    # column -> default unit, used when the manifest does not declare one
    "price": "USD per share",
    "pe": "ratio",
    "dividend_yield": "percent",
    "eps": "USD per share",
    "week52_low": "USD per share",
    "week52_high": "USD per share",
    "market_cap": "USD bn",
    "ebitda": "USD bn",
    "enterprise_value": "USD bn",
    "price_to_sales": "ratio",
    "price_to_book": "ratio",
    "roe": "percent",
    "profit_margin": "percent",
    "debt_to_equity": "ratio",
    "revenue_growth": "percent",
}
# Who speaks in a source document or news item (contract 1): optional everywhere.
ATTRIBUTION_FIELDS = ("organisation", "speaker", "role", "kind")
DOCUMENT_KINDS = ("press_release", "research_note", "news", "filing")
NEWS_FIELDS = ("ticker", "published", "title", "summary", "publisher", "url", *ATTRIBUTION_FIELDS)
CURRENCY = "USD"  # of every snapshot newsdesk builds from real data (fetch, import)
SOURCE_HEADER_KEYS = HEADER_KEYS
ACTION_COLUMNS = ("date", "ticker", "split_ratio", "dividend")
_PRICE_FILES = ("prices.parquet", "prices.csv.gz", "prices.csv")
_BENCHMARK_FILES = ("benchmark.parquet", "benchmark.csv.gz", "benchmark.csv")


class Manifest(BaseModel):
    """manifest.json. Unknown keys are kept: producers may record more than we read."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    name: str
    as_of: dt.date
    currency: str
    units: dict[str, str] = Field(default_factory=dict)
    sources: list[Any] = Field(default_factory=list)
    missing_tickers: list[str] = Field(
        default_factory=list, validation_alias=AliasChoices("missing_tickers", "tickers_without_prices")
    )
    fictional: bool = False
    benchmark_name: str | None = None  # display name for the benchmark series, e.g. "S&P 500"
    universe_name: str | None = None  # display name for the whole universe, e.g. "S&P 500"
    # How past prices relate to what traded: "none" (as traded), "splits" or "splits_and_dividends"
    # (back-adjusted). None: the producer did not say.
    prices_adjusted: PriceBasis | None = None
    # The date the fundamentals describe, when older than as_of (None: as of as_of).
    fundamentals_as_of: dt.date | None = None
    calendar: str | None = None  # the exchange calendar the trading days follow, e.g. "XNYS"
    # The date the universe's membership list describes, when older than as_of (an index's members
    # as of then: stories say so), and the date the sub-industry classification describes (stories
    # do not group an earlier market by a later classification).
    universe_as_of: dt.date | None = None
    sub_industries_as_of: dt.date | None = None

    def unit(self, column: str) -> str:
        return self.units.get(column) or FUNDAMENTAL_FIELDS.get(column, "")


@dataclass(frozen=True)
class SourceDocument:
    """A quotable text from sources/*.txt: first line is the title, optional `key: value` headers follow."""

    id: str
    title: str
    text: str  # the whole file, as quotes are checked against it
    body: str  # the text after the title and headers
    filename: str
    tickers: tuple[str, ...] = ()
    url: str | None = None
    published: str | None = None
    publisher: str | None = None
    organisation: str | None = None  # who issued it, e.g. "Helix Microdevices"
    speaker: str | None = None  # the one person it speaks for, when it has one
    role: str | None = None  # the speaker's role, e.g. "chief executive"
    kind: str | None = None  # press_release | research_note | news | filing


@dataclass(frozen=True)
class Cohort:
    """A named group of tickers from cohorts.yaml, possibly split into sub-groups."""

    name: str
    tickers: tuple[str, ...]
    groups: tuple[Cohort, ...] = ()
    key: str = field(default="", compare=False)  # in cohorts.yaml, e.g. "AI infrastructure.Semiconductors"


@dataclass(frozen=True)
class Snapshot:
    """Everything known about one market on one date. Frames are validated and typed."""

    manifest: Manifest
    prices: (
        pd.DataFrame
    )  # date (datetime64), ticker (categorical str), open, high, low, close, volume (float)
    benchmark: pd.DataFrame  # date, ticker, close
    fundamentals: pd.DataFrame  # index ticker; name, sector, sub_industry, numeric columns (NaN = unknown)
    news: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(NEWS_FIELDS)))
    sources: tuple[SourceDocument, ...] = ()
    cohorts: tuple[Cohort, ...] = ()
    path: Path | None = None
    # Corporate actions as the vendor reports them: date, ticker, split_ratio (new shares per old
    # share: 4 for a four-for-one split, 0.1 for a one-for-ten reverse split), dividend (cash per
    # share). Blank = no such action that day.
    actions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(ACTION_COLUMNS)))

    @property
    def as_of(self) -> dt.date:
        return self.manifest.as_of

    @property
    def benchmark_ticker(self) -> str:
        return str(self.benchmark["ticker"].iloc[0])


# ---------------------------------------------------------------------------------------------- reading


def load_snapshot(folder: str | os.PathLike[str], *, coverage: bool = True) -> Snapshot:
    """Read and validate a snapshot folder; raise SnapshotError naming the culprit on bad data.

    `coverage`: also require prices up to as_of and a benchmark close on every day of the prices
    (`newsdesk import` checks its parts before it has cut them to one as-of date, then this).
    """
    root = Path(folder)
    if not root.is_dir():
        raise SnapshotError(f"{root}: snapshot folder not found")
    manifest = _read_manifest(root / "manifest.json")
    prices = _read_prices(_first_existing(root, _PRICE_FILES), manifest.as_of)
    benchmark = _read_benchmark(_first_existing(root, _BENCHMARK_FILES), manifest.as_of)
    fundamentals = _read_fundamentals(root / "fundamentals.csv")
    news = _read_news(root / "news.jsonl", manifest.as_of)
    sources = _read_sources(root / "sources", manifest.as_of)
    known = set(fundamentals.index) | set(prices["ticker"].cat.categories)
    cohorts = _read_cohorts(root / "cohorts.yaml", known)
    actions = _read_actions(root / "actions.csv", manifest.as_of)
    if coverage and (problem := as_of_gap(manifest, prices)):
        raise SnapshotError(f"{root / 'manifest.json'}: {problem}")
    if coverage and (problem := benchmark_gap(prices, benchmark)):
        raise SnapshotError(f"{_first_existing(root, _BENCHMARK_FILES)}: {problem}")
    return Snapshot(manifest, prices, benchmark, fundamentals, news, sources, cohorts, root, actions)


def _first_existing(root: Path, names: Iterable[str]) -> Path:
    names = tuple(names)
    for name in names:
        if (root / name).is_file():
            return root / name
    raise SnapshotError(f"{root}: missing {' or '.join(names)}")


def _read_manifest(path: Path) -> Manifest:
    if not path.is_file():
        raise SnapshotError(f"{path}: missing (every snapshot needs a manifest.json)")
    try:
        raw = json.loads(read_input_text(path, error=SnapshotError), parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        raise SnapshotError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise SnapshotError(f"{path}: expected a JSON object")
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise SnapshotError(f"{path}: {describe(exc)}") from None


BATCH_ROWS = 1 << 20  # rows of a long column decoded, checked or scattered at a time (facts/panel.py)
_READ_THREADS = 2  # parquet columns decoded at once


def _read_table(path: Path, required: Iterable[str], text_columns: Iterable[str]) -> pd.DataFrame:
    """Read CSV (optionally gzip) or parquet; blanks become NaN, text columns stay text."""
    try:
        if path.suffix == ".parquet":
            frame = _read_parquet(path)
        else:
            frame = pd.read_csv(
                path,
                dtype=dict.fromkeys(text_columns, "string"),
                keep_default_na=False,
                na_values=[""],
                skipinitialspace=True,
                engine="c",
                low_memory=False,
            )
    except (OSError, ValueError, pd.errors.ParserError, EOFError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path}: cannot be read ({_first_line(exc)})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SnapshotError(located(path, f"missing required column {missing[0]!r}", line=1))
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    """A parquet file's columns as plain NumPy columns, whatever pandas dtypes wrote it.

    Its pandas metadata would rebuild nullable columns (a volume written as Int64), masked arrays
    that cost a second over 3.9 million rows and are converted to floats right after; an index
    saved with the frame comes back as an ordinary column. Columns are read two at a time, on two
    threads (decoding releases the GIL), so at most two columns' Arrow buffers are held beside the
    frame, not the whole table's; a numeric column streams in batches into its array (`_streamed`).
    Arrow allocates through the system allocator unless ARROW_DEFAULT_MEMORY_POOL says otherwise:
    mimalloc keeps freed columns mapped, so a big run would carry the table it has let go of.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq  # pandas' own parquet engine, imported only when a snapshot is read

    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        pa.set_memory_pool(pa.system_memory_pool())
    names = pq.ParquetFile(path).schema_arrow.names

    def column(name: str) -> pd.Series:
        parquet = pq.ParquetFile(path)  # one reader per column: a reader is not shared by threads
        streamed = _streamed(parquet, name)
        if streamed is None:
            return parquet.read(columns=[name]).to_pandas(ignore_metadata=True, self_destruct=True)[name]
        return pd.Series(streamed, name=name, copy=False)

    with ThreadPoolExecutor(_READ_THREADS) as pool:
        columns = dict(zip(names, pool.map(column, names), strict=True))
    if len({len(values) for values in columns.values()}) > 1:  # each reader opened the file anew
        raise ValueError("the file changed while it was read")
    return pd.DataFrame(columns, copy=False)


def _streamed(parquet: Any, name: str) -> np.ndarray | None:
    """A float, integer or timestamp column read batch by batch into one array, or None for any
    other column (and for an integer column with blanks, which pandas reads as floats).

    Reading a whole column allocates its Arrow buffers and then a NumPy copy, both fresh memory,
    which costs more than decoding it; batches of a million rows reuse the same small buffers.
    """
    import pyarrow as pa

    kind = parquet.schema_arrow.field(name).type
    if not (pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_timestamp(kind)):
        return None
    if getattr(kind, "tz", None) is not None:
        return None
    dtype = np.dtype(kind.to_pandas_dtype())
    out = np.empty(parquet.metadata.num_rows, dtype)
    start = 0
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=[name]):
        column = batch.column(0)
        if column.null_count and dtype.kind in "iu":
            return None
        out[start : start + len(column)] = column.to_numpy(zero_copy_only=False)
        start += len(column)
    if start != len(out):
        raise ValueError(f"column {name!r} has {start:,} rows, the file says {len(out):,}")
    return out


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _bad_line(
    path: Path, frame: pd.DataFrame, where: pd.Series | int, column: str, problem: str
) -> SnapshotError:
    """Error for row `where`, or the first row where the mask `where` holds; CSV line = data row
    + 2 (1-based, after the header)."""
    position = where if isinstance(where, int) else int(where.to_numpy().argmax())
    value = frame[column].iloc[position]
    shown = "blank" if pd.isna(value) else repr(str(value))
    return SnapshotError(located(path, f"{shown} {problem}", line=position + 2, column=column))


def _first_row(test: Callable[..., np.ndarray], *columns: np.ndarray) -> int | None:
    """The first row at which `test` of the columns' values holds, or None if it holds at none.

    Tested a block of rows at a time: a whole-column mask of a 50,000-stock history is larger than
    the C allocator recycles, so every check would take fresh memory from the kernel, and fresh
    memory costs more than the check (README, Performance). Blocks are reused memory.
    """
    for start in range(0, len(columns[0]), BATCH_ROWS):
        hits = test(*(column[start : start + BATCH_ROWS] for column in columns))
        if hits.any():
            return start + int(hits.argmax())
    return None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _numeric(path: Path, frame: pd.DataFrame, column: str, *, required: bool) -> pd.Series:
    """A numeric column as float64, blank = NaN (unknown). Infinity is no measurement: refused."""
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        values = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
        bad = values.isna() & frame[column].notna()
        if bad.any():
            raise _bad_line(path, frame, bad, column, "is not a number")
    values = values.astype("float64")
    if (row := _first_row(np.isinf, values.to_numpy())) is not None:
        raise _bad_line(path, frame, row, column, "is not a finite number")
    if required and (row := _first_row(np.isnan, values.to_numpy())) is not None:
        raise _bad_line(path, frame, row, column, "is required")
    return values


def _dates(path: Path, frame: pd.DataFrame, as_of: dt.date) -> pd.Series:
    raw = frame["date"]
    if pd.api.types.is_datetime64_any_dtype(raw):
        dates = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) else raw
        if (row := _first_row(np.isnat, dates.to_numpy())) is not None:
            raise _bad_line(path, frame, row, "date", "is required")
    else:
        dates = pd.to_datetime(raw.astype("string").str.strip(), format="%Y-%m-%d", errors="coerce")
        if dates.isna().any():
            raise _bad_line(path, frame, dates.isna(), "date", "is not a date (expected YYYY-MM-DD)")
    last = np.datetime64(as_of, "D")
    if (row := _first_row(lambda day: day > last, dates.to_numpy())) is not None:
        raise _bad_line(path, frame, row, "date", f"is after the snapshot's as_of date {as_of}")
    return dates.astype("datetime64[ns]")


def _tickers(path: Path, frame: pd.DataFrame) -> pd.Series:
    """Upper-case, stripped tickers as a categorical with sorted categories.

    Cleaning runs once per distinct ticker, not once per row: a 5,000-stock history has millions of rows.
    """
    raw = frame["ticker"]
    if (row := _first_blank(raw)) is not None:
        raise _bad_line(path, frame, row, "ticker", "is required")
    if _clean_categorical(raw):
        return pd.Series(raw.array, index=frame.index, copy=False)  # as newsdesk writes parquet
    codes, uniques = pd.factorize(raw)
    cleaned = pd.Index(uniques).astype(str).str.strip().str.upper()
    blank = np.flatnonzero(cleaned == "")
    if len(blank):
        raise _bad_line(
            path, frame, pd.Series(np.isin(codes, blank), index=frame.index), "ticker", "is required"
        )
    final_codes, categories = pd.factorize(cleaned, sort=True)
    return pd.Series(pd.Categorical.from_codes(final_codes[codes], categories=categories), index=frame.index)


def _first_blank(column: pd.Series) -> int | None:
    """The first blank row of a column: of a categorical, a row without a category."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _first_row(lambda codes: codes < 0, category_codes(column))
    blank = column.isna()
    return int(blank.to_numpy().argmax()) if blank.any() else None


def _clean_categorical(tickers: pd.Series) -> bool:
    """Whether a categorical column already is what `_tickers` makes: sorted, clean categories,
    each of them used."""
    if not isinstance(tickers.dtype, pd.CategoricalDtype):
        return False
    categories = tickers.cat.categories
    if not categories.is_monotonic_increasing or not categories.is_unique:
        return False
    cleaned = pd.Index(categories.astype(str).str.strip().str.upper())
    if not cleaned.equals(pd.Index(categories.astype(str))) or (cleaned == "").any():
        return False
    return uses_every_category(tickers)


def uses_every_category(column: pd.Series) -> bool:
    """Whether every row of a categorical column has a category and every category has a row."""
    if _first_blank(column) is not None:
        return False
    codes, categories = category_codes(column), len(column.cat.categories)
    rows = np.zeros(categories, np.int64)
    for start in range(0, len(codes), BATCH_ROWS):  # bincount's index copy of a block, not a column
        rows += np.bincount(codes[start : start + BATCH_ROWS], minlength=categories)
    return bool(rows.all())


def category_codes(column: pd.Series) -> np.ndarray:
    """A categorical column's codes as they are stored (`.cat.codes` copies them: fresh memory)."""
    return column.array.codes


def _read_prices(path: Path, as_of: dt.date) -> pd.DataFrame:
    frame = _read_table(path, PRICE_COLUMNS, ("ticker",))
    out = pd.DataFrame({"date": _dates(path, frame, as_of), "ticker": _tickers(path, frame)}, copy=False)
    for column in ("open", "high", "low", "close", "volume"):
        out[column] = _numeric(path, frame, column, required=column == "close")
    for column in ("open", "high", "low", "close"):  # a blank (unknown) open, high or low is allowed
        if (row := _first_row(lambda price: price <= 0, out[column].to_numpy())) is not None:
            raise _bad_line(path, frame, row, column, "is not a positive price")
    if (row := _first_row(lambda volume: volume < 0, out["volume"].to_numpy())) is not None:
        raise _bad_line(path, frame, row, "volume", "is negative")
    if (row := _first_row(np.less, out["high"].to_numpy(), out["low"].to_numpy())) is not None:
        raise _bad_line(path, frame, row, "high", "is below the low of the same row")
    if out.empty:
        raise SnapshotError(f"{path}: holds no prices")
    days = out["date"].to_numpy()
    if _first_row(lambda day: day != days[0], days) is None:
        raise SnapshotError(
            f"{path}: holds prices for one day only ({out['date'].iloc[0].date()}); a snapshot needs at "
            "least two trading days, since every move is measured from one close to another"
        )
    return _sorted_unique(path, frame, out)


def _sorted_unique(path: Path, frame: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by ticker then date, each (ticker, date) once.

    Files written by newsdesk are already in that order, which one vectorised comparison proves;
    only an unordered file pays for a sort. A repeated (ticker, date) names its second line.
    """
    tickers = category_codes(out["ticker"])
    dates = out["date"].to_numpy().view("i8")
    if _first_row(_not_after, tickers[:-1], dates[:-1], tickers[1:], dates[1:]) is None:
        return out
    order = np.lexsort((np.arange(len(out)), dates, tickers))
    repeated = (tickers[order][1:] == tickers[order][:-1]) & (dates[order][1:] == dates[order][:-1])
    if repeated.any():
        mask = pd.Series(False, index=frame.index)
        mask.iloc[order[1:][repeated][0]] = True
        raise _bad_line(path, frame, mask, "date", "repeats a date already given for this ticker")
    return out.iloc[order].reset_index(drop=True)


def _not_after(
    ticker: np.ndarray, date: np.ndarray, next_ticker: np.ndarray, next_date: np.ndarray
) -> np.ndarray:
    """Rows whose next row is not a later date of the same ticker or a later ticker."""
    return (next_ticker < ticker) | ((next_ticker == ticker) & (next_date <= date))


def _read_benchmark(path: Path, as_of: dt.date) -> pd.DataFrame:
    frame = _read_table(path, BENCHMARK_COLUMNS, ("ticker",))
    out = pd.DataFrame(
        {
            "date": _dates(path, frame, as_of),
            "ticker": _tickers(path, frame).astype(object),
            "close": _numeric(path, frame, "close", required=True),
        }
    )
    nonpositive = out["close"] <= 0
    if nonpositive.any():
        raise _bad_line(path, frame, nonpositive, "close", "is not a positive price")
    duplicate = out.duplicated(["ticker", "date"])
    if duplicate.any():
        raise _bad_line(path, frame, duplicate, "date", "repeats a date already given for this ticker")
    if out.empty:
        raise SnapshotError(f"{path}: holds no benchmark prices")
    return out.sort_values(["ticker", "date"], kind="stable", ignore_index=True)


def _read_actions(path: Path, as_of: dt.date) -> pd.DataFrame:
    """actions.csv (optional): one row per corporate action, a split ratio or a dividend or both."""
    if not path.is_file():
        return pd.DataFrame(columns=list(ACTION_COLUMNS))
    frame = _read_table(path, ("date", "ticker"), ("ticker",))
    out = pd.DataFrame({"date": _dates(path, frame, as_of), "ticker": _tickers(path, frame).astype(object)})
    for column in ("split_ratio", "dividend"):
        out[column] = (
            _numeric(path, frame, column, required=False)
            if column in frame
            else pd.Series(np.nan, frame.index)
        )
    bad_split = out["split_ratio"] <= 0
    if bad_split.any():
        raise _bad_line(path, frame, bad_split, "split_ratio", "is not a positive ratio")
    bad_dividend = out["dividend"] < 0
    if bad_dividend.any():
        raise _bad_line(path, frame, bad_dividend, "dividend", "is negative")
    empty = out["split_ratio"].isna() & out["dividend"].isna()
    if empty.any():
        raise _bad_line(
            path, frame, empty, "split_ratio", "(and so is dividend): give a split ratio, a dividend or both"
        )
    return out.sort_values(["ticker", "date"], kind="stable", ignore_index=True)


def _read_fundamentals(path: Path) -> pd.DataFrame:
    """One row per ticker. Built column by column into a dict, then framed once: inserting columns
    one at a time into a DataFrame is quadratic, and a vendor export may have thousands."""
    if not path.is_file():
        raise SnapshotError(f"{path}: missing (every snapshot needs fundamentals.csv)")
    frame = _read_table(path, ("ticker", "name", "sector"), IDENTITY_COLUMNS)
    tickers = _tickers(path, frame).astype(object)
    columns: dict[str, pd.Series] = {"ticker": tickers}
    for column in ("name", "sector", "sub_industry"):
        text = (
            _label(path, frame, column)
            if column in frame
            else pd.Series(None, index=frame.index, dtype=object)
        )
        columns[column] = text
    if columns["sector"].isna().any():
        raise _bad_line(path, frame, columns["sector"].isna(), "sector", "is required")
    columns["name"] = columns["name"].fillna(tickers)
    for column in frame.columns:
        if column not in IDENTITY_COLUMNS:
            columns[column] = _numeric(path, frame, column, required=False)
    out = pd.DataFrame(columns, index=frame.index)
    duplicate = out["ticker"].duplicated()
    if duplicate.any():
        raise _bad_line(path, frame, duplicate, "ticker", "appears twice")
    return out.set_index("ticker")


MAX_LABEL_CHARS = 200  # the longest company names are under 100 characters
_CONTROL = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"


def _label(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    """A name, sector or sub-industry: one line of ordinary text (articles print it inside their
    own lines, so a line break or a control character in it would change the article's layout)."""
    text = frame[column].astype("string").str.strip()
    control = text.str.contains(_CONTROL, regex=True).fillna(False).astype(bool)
    if control.any():
        raise _bad_line(path, frame, control, column, "holds a line break or control character")
    long = (text.str.len() > MAX_LABEL_CHARS).fillna(False).astype(bool)
    if long.any():
        position = int(long.to_numpy().argmax())
        raise SnapshotError(
            located(
                path,
                f"is {len(text.iloc[position]):,} characters long (at most {MAX_LABEL_CHARS})",
                line=position + 2,
                column=column,
            )
        )
    return text.astype(object).where(text.notna() & (text != ""), None)


_NEWS_REQUIRED = ("ticker", "published", "title")
_NEWS_ONE_LINE = ("ticker", "title", "publisher", *ATTRIBUTION_FIELDS)  # printed inside a line


def _read_news(path: Path, as_of: dt.date) -> pd.DataFrame:
    """news.jsonl: one object per line, text fields as text. An item published after the end of the
    as-of day (UTC, as `newsdesk fetch` and point-in-time views cut news) is from the future of the
    data: refused, never published as if it had been known."""
    columns = list(NEWS_FIELDS)
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    rows: list[dict[str, Any]] = []
    lines = read_input_text(path, error=SnapshotError).splitlines()
    numbers: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line, parse_constant=_no_constant)
        except (json.JSONDecodeError, ValueError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise SnapshotError(located(path, f"not valid JSON ({reason})", line=number)) from None
        if not isinstance(item, dict):
            raise SnapshotError(located(path, "expected a JSON object", line=number))
        for key in columns:
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                kind = type(value).__name__.replace("dict", "object").replace("list", "array")
                raise SnapshotError(
                    located(path, f"expected text, got a JSON {kind}", line=number, column=key)
                )
            if key in _NEWS_ONE_LINE and value and re.search(_CONTROL, value):
                raise SnapshotError(
                    located(path, "holds a line break or control character", line=number, column=key)
                )
        for key in _NEWS_REQUIRED:
            if not (item.get(key) or "").strip():
                raise SnapshotError(located(path, "is required", line=number, column=key))
        kind = item.get("kind")
        if kind is not None and kind not in DOCUMENT_KINDS:
            raise SnapshotError(
                located(
                    path, f"{kind!r} is not one of {', '.join(DOCUMENT_KINDS)}", line=number, column="kind"
                )
            )
        rows.append({key: item.get(key) for key in columns})
        numbers.append(number)
    news = pd.DataFrame(rows, columns=columns)
    published = pd.to_datetime(news["published"], utc=True, errors="coerce", format="ISO8601")
    if published.isna().any():
        line = numbers[int(published.isna().to_numpy().argmax())]
        raise SnapshotError(located(path, "is not an ISO date-time", line=line, column="published"))
    late = published >= pd.Timestamp(as_of + dt.timedelta(days=1), tz="UTC")
    if late.any():
        position = int(late.to_numpy().argmax())
        raise SnapshotError(
            located(
                path,
                f"{news['published'].iloc[position]} is after the snapshot's as_of date {as_of}",
                line=numbers[position],
                column="published",
            )
        )
    news["published"] = published
    news["ticker"] = news["ticker"].str.strip().str.upper()
    return news


def _read_sources(folder: Path, as_of: dt.date) -> tuple[SourceDocument, ...]:
    if not folder.is_dir():
        return ()
    return tuple(parse_source(path, as_of) for path in sorted(folder.glob("*.txt")))


def parse_source(path: Path, as_of: dt.date | None = None) -> SourceDocument:
    """Read one source document: title line, optional `key: value` header lines, blank line, body.

    A document `published:` after `as_of` is from the future of the data, so it is refused.
    """
    text = read_input_text(path, error=SnapshotError)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise SnapshotError(located(path, "the first line must be the document's title", line=1))
    _, headers, body_start = document_headers(text)
    body = "\n".join(lines[body_start:]).strip()
    kind = headers.get("kind")
    if kind is not None and kind not in DOCUMENT_KINDS:
        raise SnapshotError(
            located(
                path,
                f"kind {kind!r} is not one of {', '.join(DOCUMENT_KINDS)}",
                line=_header_line(lines, "kind"),
            )
        )
    published = headers.get("published")
    if as_of is not None and published and _day(published) is not None and _day(published) > as_of:
        raise SnapshotError(
            located(
                path,
                f"published {published} is after the snapshot's as_of date {as_of}",
                line=_header_line(lines, "published"),
            )
        )
    tickers = tuple(t.strip().upper() for t in headers.get("tickers", "").split(",") if t.strip())
    return SourceDocument(
        id=path.stem,
        title=lines[0].strip(),
        text=text,
        body=body,
        filename=path.name,
        tickers=tickers,
        url=headers.get("url"),
        published=headers.get("published"),
        publisher=headers.get("publisher"),
        organisation=headers.get("organisation"),
        speaker=headers.get("speaker"),
        role=headers.get("role"),
        kind=kind,
    )


def _header_line(lines: list[str], key: str) -> int:
    """The 1-based line of a source document's `key:` header."""
    return 1 + next(i for i, raw in enumerate(lines[1:], start=1) if raw.lower().startswith(key))


def _day(text: str) -> dt.date | None:
    """The date a `published:` header starts with, if it starts with one."""
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _read_cohorts(path: Path, known: set[str]) -> tuple[Cohort, ...]:
    """cohorts.yaml; every ticker must be one the snapshot has prices or fundamentals for (a typo
    is an error, not a stock silently left out of its cohort)."""
    if not path.is_file():
        return ()
    raw = parse_yaml(read_input_text(path, error=SnapshotError), path, error=SnapshotError)
    if not isinstance(raw, dict):
        raise SnapshotError(f"{path}: expected a mapping of cohort name to tickers")
    cohorts = tuple(_cohort(path, str(name), value, str(name)) for name, value in raw.items())
    for cohort in _leaves(cohorts):
        unknown = [t for t in cohort.tickers if t not in known]
        if unknown:
            raise SnapshotError(
                f"{path}: key {cohort.key!r}: {', '.join(unknown)} "
                f"{'is' if len(unknown) == 1 else 'are'} in neither the prices nor fundamentals.csv"
            )
    return cohorts


def _leaves(cohorts: Iterable[Cohort]) -> Iterable[Cohort]:
    for cohort in cohorts:
        if cohort.groups:
            yield from _leaves(cohort.groups)
        else:
            yield cohort


def _cohort(path: Path, name: str, value: object, key: str) -> Cohort:
    if isinstance(value, list):
        if not value or not all(isinstance(t, str) and t.strip() for t in value):
            raise SnapshotError(f"{path}: key {key!r}: expected a non-empty list of tickers")
        return Cohort(name, tuple(dict.fromkeys(t.strip().upper() for t in value)), key=key)
    if isinstance(value, dict) and value:
        groups = tuple(_cohort(path, str(sub), v, f"{key}.{sub}") for sub, v in value.items())
        tickers = tuple(dict.fromkeys(t for g in groups for t in g.tickers))
        return Cohort(name, tickers, groups, key=key)
    raise SnapshotError(f"{path}: key {key!r}: expected a list of tickers or a mapping of sub-groups")


def as_of_gap(manifest: Manifest, prices: pd.DataFrame) -> str | None:
    """Why the prices do not reach the as-of date, if they do not.

    Stories call the last close "the latest session" and date it as_of, so a months-old close must
    not pass for it. Days between the last close and as_of are allowed when no session falls on
    them: a weekend, or a holiday of the manifest's `calendar` (without a calendar, up to two
    weekdays, the longest run of exchange holidays in ordinary years).
    """
    last = prices["date"].max().date()
    gap = _sessions_after(last, manifest)
    if len(gap) <= (0 if manifest.calendar else 2):
        return None
    return (
        f"as_of {manifest.as_of} is {len(gap)} trading days after the last prices ({last}); "
        "set as_of to the last close or add the missing prices"
    )


def benchmark_gap(prices: pd.DataFrame, benchmark: pd.DataFrame) -> str | None:
    """Why the benchmark does not cover the prices, if it does not: the first run of days the
    prices have and the benchmark lacks. Without a close, comparisons would vanish without a word."""
    days = prices["date"].drop_duplicates().sort_values().to_numpy()
    covered = np.isin(days, benchmark["date"].to_numpy())
    if covered.all():
        return None
    first = int(np.argmin(covered))
    end = first + int(np.argmax(covered[first:])) - 1 if covered[first:].any() else len(days) - 1
    on = [pd.Timestamp(days[i]).date() for i in (first, end, 0, -1)]
    stretch = f"on {on[0]}" if end == first else f"from {on[0]} to {on[1]}"
    return (
        f"no {benchmark['ticker'].iloc[0]} close {stretch} ({int((~covered).sum())} of the {len(days)} "
        f"days the prices cover, {on[2]} to {on[3]}); the benchmark must cover every day of the prices"
    )


def _sessions_after(last: dt.date, manifest: Manifest) -> pd.DatetimeIndex:
    """Trading days after `last` up to as_of: the manifest calendar's sessions, else weekdays."""
    start = last + dt.timedelta(days=1)
    weekdays = pd.bdate_range(start, manifest.as_of)
    if not len(weekdays) or not manifest.calendar:
        return weekdays
    from generator.market import calendars  # about a second to import: only when there is a gap

    try:
        return calendars.sessions_between(start, manifest.as_of, manifest.calendar)
    except (ConfigError, ValueError):  # a calendar it does not know, or dates beyond its range
        return weekdays


# ---------------------------------------------------------------------------------------------- writing


SNAPSHOT_ENTRIES = frozenset(
    {"manifest.json", *_PRICE_FILES, *_BENCHMARK_FILES, "fundamentals.csv", "news.jsonl", "sources"}
    | {"cohorts.yaml", "actions.csv"}
)
_OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # a file browser's, regenerated


def check_out_folder(out: Path) -> None:
    """Refuse to replace anything but a snapshot: writing a snapshot replaces the whole folder.

    A folder is replaced only when it is empty or holds nothing but what a snapshot holds, so a
    user's own file beside a snapshot (notes, a .git folder) is never deleted with it.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise NewsdeskError(f"{out}: exists and is not a snapshot folder; refusing to replace it")
    entries = {path.name for path in out.iterdir()}
    foreign = sorted(entries - SNAPSHOT_ENTRIES - _OS_LITTER)
    if entries and "manifest.json" not in entries:
        raise NewsdeskError(f"{out}: exists and is not a snapshot folder; refusing to replace it")
    if foreign:
        raise NewsdeskError(
            f"{out}: holds {foreign[0]!r}, which is not part of a snapshot; refusing to replace the "
            "folder (move it, or choose another folder)"
        )


def write_snapshot(
    snapshot: Snapshot, folder: str | os.PathLike[str], *, prices_format: str = "csv.gz"
) -> Path:
    """Write a snapshot folder atomically: build it beside the target, then rename into place.

    An interrupted write leaves either the old folder or none, never half of one. Output is
    deterministic (sorted rows, fixed float format, gzip without a timestamp) so generators can be
    checked for reproducibility byte for byte.
    """
    target = Path(folder)
    check_out_folder(target)
    staging: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        staging.chmod(DIR_MODE)  # mkdtemp makes it owner-only; a snapshot is ordinary data
        _write_contents(snapshot, staging, prices_format)
        swap_folder(staging, target)
    except OSError as exc:  # it would name the staging folder, not the folder the user asked for
        raise SnapshotError(f"{target}: cannot write the snapshot ({exc.strerror or exc})") from None
    finally:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _write_contents(snapshot: Snapshot, root: Path, prices_format: str) -> None:
    manifest = snapshot.manifest.model_dump(mode="json", exclude_none=True)
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    prices = snapshot.prices.sort_values(["ticker", "date"], kind="stable")[list(PRICE_COLUMNS)]
    prices = prices.assign(volume=prices["volume"].round().astype("Int64"))
    if prices_format == "parquet":
        prices.to_parquet(root / "prices.parquet", index=False)
    elif prices_format == "csv.gz":
        _write_csv_gz(prices, root / "prices.csv.gz")
    elif prices_format == "csv":
        (root / "prices.csv").write_text(_csv_text(prices), "utf-8")
    else:
        raise ValueError(f"unknown prices format {prices_format!r}")
    benchmark = snapshot.benchmark.sort_values(["ticker", "date"], kind="stable")[list(BENCHMARK_COLUMNS)]
    (root / "benchmark.csv").write_text(_csv_text(benchmark), "utf-8")
    (root / "fundamentals.csv").write_text(_csv_text(snapshot.fundamentals.reset_index()), "utf-8")
    if len(snapshot.news):
        (root / "news.jsonl").write_text(_news_jsonl(snapshot.news), "utf-8")
    if snapshot.sources:
        (root / "sources").mkdir()
        for document in snapshot.sources:
            (root / "sources" / document.filename).write_text(document.text, "utf-8")
    if len(snapshot.actions):
        (root / "actions.csv").write_text(_csv_text(snapshot.actions[list(ACTION_COLUMNS)]), "utf-8")
    if snapshot.cohorts:
        cohorts = {c.name: _cohort_yaml(c) for c in snapshot.cohorts}
        (root / "cohorts.yaml").write_text(
            yaml.safe_dump(cohorts, sort_keys=False, allow_unicode=True), "utf-8"
        )


def _csv_text(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n")


def _write_csv_gz(frame: pd.DataFrame, path: Path) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(_csv_text(frame).encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def _news_jsonl(news: pd.DataFrame) -> str:
    lines = []
    for item in news.to_dict("records"):
        published = item["published"]
        if isinstance(published, pd.Timestamp):
            item["published"] = published.isoformat().replace("+00:00", "Z")
        cleaned = {k: (None if _is_missing(v) else v) for k, v in item.items()}
        # attribution fields are optional: written only when known, so older readers see no change
        cleaned = {k: v for k, v in cleaned.items() if v is not None or k not in ATTRIBUTION_FIELDS}
        lines.append(json.dumps(cleaned, ensure_ascii=False, sort_keys=False))
    return "\n".join(lines) + "\n"


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _cohort_yaml(cohort: Cohort) -> object:
    if cohort.groups:
        return {g.name: _cohort_yaml(g) for g in cohort.groups}
    return list(cohort.tickers)
