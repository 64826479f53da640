"""`newsdesk import`: a snapshot from a user's own CSV or parquet exports (any data vendor).

The user's tables are renamed to contract-1 columns (`--map Col=field`, plus case-insensitive
matches such as "Close"), staged row for row and validated by the snapshot loader itself, so a bad
cell is reported exactly as in any snapshot, but naming the user's file, line and column. Only a
snapshot that loads is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from generator.errors import SnapshotError
from generator.market.snapshot import (
    BENCHMARK_COLUMNS,
    CURRENCY,
    FUNDAMENTAL_FIELDS,
    IDENTITY_COLUMNS,
    PRICE_COLUMNS,
    Manifest,
    Snapshot,
    check_out_folder,
    load_snapshot,
    write_snapshot,
)

DERIVED_BENCHMARK = "EQUAL-WEIGHT"
DERIVED_BENCHMARK_NAME = "equal-weighted average of the imported stocks"
KNOWN_FIELDS = tuple(dict.fromkeys((*PRICE_COLUMNS, *IDENTITY_COLUMNS, *FUNDAMENTAL_FIELDS)))
_REQUIRED = {
    "prices": ("date", "ticker", "close"),
    "benchmark": ("date", "close"),
    "fundamentals": ("ticker", "name", "sector"),
}
_KEPT = {
    "prices": PRICE_COLUMNS,
    "benchmark": BENCHMARK_COLUMNS,
    "fundamentals": (*IDENTITY_COLUMNS, *FUNDAMENTAL_FIELDS),
}
_MAX_BN = 1e5  # USD bn: no company is worth a hundred trillion dollars
_CSV_SUFFIXES = (".csv", ".csv.gz", ".txt")  # .txt: comma-separated text under another name
_PARQUET_SUFFIXES = (".parquet", ".pq")


def run_import(
    *,
    prices: Path,
    fundamentals: Path,
    benchmark: Path | None,
    mappings: Iterable[str],
    out: Path,
    name: str | None,
    as_of: dt.datetime | dt.date | None,
) -> Path:
    """Validate the user's files, write a snapshot to `out` and print one line saying what was written.

    Without a benchmark file, the benchmark is an equal-weighted index of the imported tickers
    (each day's mean close-to-close return, rebased to 100), labelled as such in the manifest.
    """
    renames = parse_mappings(mappings)
    check_out_folder(out)
    paths = {"prices": prices, "fundamentals": fundamentals, "benchmark": benchmark}
    tables = {kind: _Table.read(path, renames, kind) for kind, path in paths.items() if path is not None}
    unused = [column for column in renames if not any(column in t.renamed for t in tables.values())]
    if unused:
        files = ", ".join(t.path.name for t in tables.values())
        raise click.BadParameter(f"no column {unused[0]!r} in {files}", param_hint="--map")

    loaded = _validated(tables)
    cutoff = pd.Timestamp(
        (as_of.date() if isinstance(as_of, dt.datetime) else as_of) or loaded.prices["date"].max()
    )
    price_rows = loaded.prices[loaded.prices["date"] <= cutoff]
    if price_rows.empty:
        raise SnapshotError(f"{prices}: no prices on or before the as-of date {cutoff.date()}")
    if benchmark is None:
        bench, bench_name = equal_weight_benchmark(price_rows), DERIVED_BENCHMARK_NAME
    else:
        bench = loaded.benchmark[loaded.benchmark["date"] <= cutoff]
        if bench.empty:
            raise SnapshotError(
                f"{benchmark}: no benchmark prices on or before the as-of date {cutoff.date()}"
            )
        bench_name = str(bench["ticker"].iloc[0])

    priced = set(price_rows["ticker"])
    described = set(loaded.fundamentals.index)
    manifest = Manifest(
        name=name or out.name,
        as_of=cutoff.date(),
        currency=CURRENCY,
        units={c: FUNDAMENTAL_FIELDS[c] for c in loaded.fundamentals.columns if c in FUNDAMENTAL_FIELDS},
        sources=_sources(tables, derived_benchmark=benchmark is None),
        missing_tickers=sorted(described - priced),
        fictional=False,
        benchmark_name=bench_name,
    )
    path = write_snapshot(Snapshot(manifest, price_rows, bench, loaded.fundamentals), out)
    count = f"{len(priced)} ticker{'s' if len(priced) != 1 else ''}"
    notes = [f"imported {count} to {path} (as of {cutoff.date()}; benchmark: {bench_name})"]
    if priced - described:
        notes.append(f"no fundamentals for: {', '.join(sorted(priced - described))}")
    ignored = [f"{c} ({t.path.name})" for t in tables.values() for c in t.ignored]
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored)}")
    click.echo("; ".join(notes))
    return path


def parse_mappings(mappings: Iterable[str]) -> dict[str, str]:
    """'Col=field' pairs as {vendor column: contract-1 field}; an unknown field is an error naming it.

    Two columns may map to one field here: they may sit in different files (a prices file's
    "Symbol" and a fundamentals file's "Code"). `_renaming` refuses them within one file.
    """
    renames: dict[str, str] = {}
    for mapping in mappings:
        source, sep, target = (part.strip() for part in mapping.partition("="))
        if not sep or not source or not target:
            raise click.BadParameter(f"{mapping!r}: expected COL=FIELD, e.g. Close=close", param_hint="--map")
        if target not in KNOWN_FIELDS:
            fields = ", ".join(KNOWN_FIELDS)
            raise click.BadParameter(
                f"{mapping!r}: unknown field {target!r} (fields: {fields})", param_hint="--map"
            )
        if renames.get(source, target) != target:
            raise click.BadParameter(
                f"{source!r} is mapped twice, to {renames[source]!r} and to {target!r}", param_hint="--map"
            )
        renames[source] = target
    return renames


def equal_weight_benchmark(prices: pd.DataFrame) -> pd.DataFrame:
    """An index of the universe: each day's mean close-to-close return over its tickers, from 100."""
    closes = prices.pivot(index="date", columns="ticker", values="close").sort_index()
    returns = closes.pct_change(fill_method=None).mean(axis=1, skipna=True).fillna(0.0)
    level = 100 * (1 + returns).cumprod()
    return pd.DataFrame({"date": level.index, "ticker": DERIVED_BENCHMARK, "close": level.to_numpy()})


class _Table:
    """One user file as text, columns renamed to contract-1 names; remembers the user's names."""

    def __init__(self, path: Path, frame: pd.DataFrame, renamed: dict[str, str], ignored: list[str]) -> None:
        self.path = path
        self.frame = frame  # only contract-1 columns, in the user's row order
        self.renamed = renamed  # user column -> contract column
        self.ignored = ignored  # user columns the contract has no place for

    @classmethod
    def read(cls, path: Path, renames: dict[str, str], kind: str) -> _Table:
        frame = _read(path)
        renamed = _renaming(path, list(frame.columns), renames)
        kept = [c for c in frame.columns if renamed.get(c) in _KEPT[kind]]
        table = cls(
            path, frame[kept].rename(columns=renamed), renamed, [c for c in frame.columns if c not in kept]
        )
        for column in _REQUIRED[kind]:
            if column not in table.frame.columns:
                names = ", ".join(frame.columns)
                raise SnapshotError(
                    f"{path}: no column {column!r} (columns: {names}); name one with --map COL={column}"
                )
        return table

    def user_name(self, column: str) -> str:
        return next((user for user, ours in self.renamed.items() if ours == column), column)

    def place(self, position: int) -> str:
        """Where the frame's row `position` is in the user's file: 'line N' of a CSV, 'row N' of parquet."""
        row = int(self.frame.index[position])  # the index keeps row numbers from before blank rows went
        return f"row {row + 1}" if self.path.name.lower().endswith(_PARQUET_SUFFIXES) else f"line {row + 2}"


def _renaming(path: Path, columns: list[str], renames: dict[str, str]) -> dict[str, str]:
    """{user column: contract column} for one file: its --map entries, then names that match.

    Two columns of one file must not become one field: two --map entries naming the same field,
    or an entry onto a field the file already has a column of exactly that name for (the file
    itself says which column that is). A near match ("Close") is only a guess, so an explicit
    mapping overrides it: "Adj Close=close" leaves the vendor's "Close" unused.
    """
    renamed: dict[str, str] = {}
    for column in columns:
        if column not in renames:
            continue
        target = renames[column]
        other = next((c for c, t in renamed.items() if t == target), None)
        if other is None and target in columns and target not in renames:
            other = target
        if other is not None:
            raise click.BadParameter(
                f"{path}: columns {other!r} and {column!r} would both be {target!r}; map only one",
                param_hint="--map",
            )
        renamed[column] = target
    for column in columns:  # "Close" and " close " are close, unless something else is
        target = column.strip().lower()
        if column not in renamed and target in KNOWN_FIELDS and target not in renamed.values():
            renamed[column] = target
    return renamed


def _read(path: Path) -> pd.DataFrame:
    """CSV (optionally gzipped) or parquet as text, so the loader parses every cell; blank rows go."""
    name = path.name.lower()
    try:
        if name.endswith(_PARQUET_SUFFIXES):
            frame = pd.read_parquet(path)
            for column in frame.columns:
                if pd.api.types.is_datetime64_any_dtype(frame[column]):
                    frame[column] = frame[column].dt.strftime("%Y-%m-%d")
            frame = frame.astype("string").fillna("")
        elif name.endswith(_CSV_SUFFIXES):
            # blank lines are read (and dropped below) so the index still counts every line
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig"
            )
        else:
            expected = ", ".join((*_CSV_SUFFIXES, *_PARQUET_SUFFIXES))
            raise SnapshotError(f"{path}: unsupported file type; expected one of {expected}")
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SnapshotError(f"{path}: cannot be read ({reason})") from None
    frame.columns = [str(c) for c in frame.columns]
    return frame[~(frame == "").all(axis=1)]


def _validated(tables: dict[str, _Table]) -> Snapshot:
    """Load the staged tables with the snapshot loader, its errors re-aimed at the user's files."""
    staging = Path(tempfile.mkdtemp(prefix="newsdesk-import-"))
    try:
        staged = _stage(tables, staging)
        try:
            return load_snapshot(staging)
        except SnapshotError as exc:
            raise SnapshotError(_aim(str(exc), staged)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stage(tables: dict[str, _Table], staging: Path) -> dict[Path, _Table]:
    """Write the tables as contract-1 CSVs, row for row, plus a manifest the loader accepts."""
    prices = tables["prices"].frame.reindex(columns=list(PRICE_COLUMNS), fill_value="")  # blank = unknown
    _check_scale(tables["fundamentals"])
    staged = {
        staging / "prices.csv": (tables["prices"], prices),
        staging / "fundamentals.csv": (tables["fundamentals"], tables["fundamentals"].frame),
    }
    dates = [prices["date"]]
    if "benchmark" in tables:
        bench = tables["benchmark"].frame
        if "ticker" not in bench.columns:
            bench = bench.assign(ticker=tables["benchmark"].path.name.split(".")[0].upper())
        tickers = bench["ticker"].str.strip().str.upper().replace("", pd.NA).dropna().unique()
        if len(tickers) > 1:
            raise SnapshotError(f"{tables['benchmark'].path}: holds {len(tickers)} tickers; expected one")
        staged[staging / "benchmark.csv"] = (tables["benchmark"], bench[list(BENCHMARK_COLUMNS)])
        dates.append(bench["date"])
    parsed = pd.to_datetime(pd.concat(dates).str.strip(), format="%Y-%m-%d", errors="coerce")
    last = parsed.max() if parsed.notna().any() else pd.Timestamp.today().normalize()
    if "benchmark" not in tables:  # a stand-in so the loader has one; the real one is derived later
        staged_bench = pd.DataFrame(
            {"date": [f"{last:%Y-%m-%d}"], "ticker": [DERIVED_BENCHMARK], "close": ["1"]}
        )
        staged_bench.to_csv(staging / "benchmark.csv", index=False)
    for path, (_, frame) in staged.items():
        frame.to_csv(path, index=False, lineterminator="\n")
    manifest = {"name": "import", "as_of": f"{last:%Y-%m-%d}", "currency": CURRENCY}
    (staging / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return {path: table for path, (table, _) in staged.items()}


def _check_scale(table: _Table) -> None:
    """Catch market cap, EBITDA or enterprise value given in dollars where the contract wants USD bn."""
    for column in (c for c, unit in FUNDAMENTAL_FIELDS.items() if unit == "USD bn"):
        if column not in table.frame.columns:
            continue
        too_big = pd.to_numeric(table.frame[column].str.strip(), errors="coerce").abs() > _MAX_BN
        if too_big.any():
            position = int(too_big.to_numpy().argmax())
            raise SnapshotError(
                f"{table.path}, {table.place(position)}, column {table.user_name(column)!r}: "
                f"{table.frame[column].iloc[position]} is not in USD bn (divide by 1e9)"
            )


def _aim(message: str, staged: dict[Path, _Table]) -> str:
    """Rewrite a loader error about a staged file so it names the user's file, line and column."""
    for path, table in staged.items():
        if not message.startswith(str(path)):
            continue
        message = str(table.path) + message[len(str(path)) :]
        line = re.search(r", line (\d+)", message)
        if line:  # staged line N holds the frame's row N-2
            message = message.replace(line.group(0), f", {table.place(int(line.group(1)) - 2)}", 1)
        column = re.search(r", column '([^']+)'", message)
        if column:
            message = message.replace(column.group(0), f", column {table.user_name(column.group(1))!r}", 1)
        return message
    return message


def _sources(tables: dict[str, _Table], *, derived_benchmark: bool) -> list[dict[str, Any]]:
    today = dt.date.today().isoformat()
    sources: list[dict[str, Any]] = [
        {"path": str(table.path.resolve()), "imported_on": today, "used_for": kind}
        for kind, table in tables.items()
    ]
    if derived_benchmark:
        sources.append(
            {
                "used_for": "benchmark",
                "derived": "equal-weighted mean of the imported tickers' daily close-to-close returns, "
                "rebased to 100 on the first date",
            }
        )
    return sources
