"""`newsdesk import`: a snapshot from a user's own exports (yfinance, Stooq, any vendor's CSV or parquet).

Each file is read in the layout its tool wrote (generator.market.exports), its columns renamed to
contract-1 fields (`--map Col=field`, then a preset's vendor names, then case-insensitive matches
such as "Close"), its dates and tickers normalised, its fundamentals converted to the snapshot's
units from the units declared for them (`--units`, a preset) and checked for plausibility
(generator.market.units). The result is staged row for row and validated by the snapshot loader
itself, so a bad cell is reported exactly as in any snapshot, but naming the user's file, line and
column. Only a snapshot that loads is written; its provenance names files by name and hash, never by
the user's folders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shlex
import shutil
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pandas as pd

from generator.errors import SnapshotError
from generator.market import units as unit_rules
from generator.market.exports import PARQUET_SUFFIXES, Export, read_export
from generator.market.snapshot import (
    ACTION_COLUMNS,
    BENCHMARK_COLUMNS,
    CURRENCY,
    FUNDAMENTAL_FIELDS,
    IDENTITY_COLUMNS,
    PRICE_COLUMNS,
    Manifest,
    PriceBasis,
    Snapshot,
    as_of_gap,
    benchmark_gap,
    check_out_folder,
    load_snapshot,
    write_snapshot,
)
from generator.market.units import PRESETS, Preset

DERIVED_BENCHMARK = "EQUAL-WEIGHT"
DERIVED_BENCHMARK_NAME = "equal-weighted average of the imported stocks"
ACTION_FIELDS = ("split_ratio", "dividend")
KNOWN_FIELDS = tuple(dict.fromkeys((*PRICE_COLUMNS, *IDENTITY_COLUMNS, *FUNDAMENTAL_FIELDS, *ACTION_FIELDS)))
_REQUIRED = {
    "prices": ("date", "ticker", "close"),
    "benchmark": ("date", "close"),
    "fundamentals": ("ticker", "name", "sector"),
    "actions": ("date", "ticker"),
}
_KEPT = {
    "prices": (*PRICE_COLUMNS, *ACTION_FIELDS),  # yfinance history() carries Dividends, Stock Splits
    "benchmark": BENCHMARK_COLUMNS,
    "fundamentals": (*IDENTITY_COLUMNS, *FUNDAMENTAL_FIELDS),
    "actions": ACTION_COLUMNS,
}
# names vendors use for a field, matched like the field's own name (case and <> ignored)
_ALIASES = {"vol": "volume", "dividends": "dividend", "stock splits": "split_ratio"}
_STOOQ_MARKET = re.compile(r"^(?P<symbol>.+)\.(?P<market>[A-Z]{1,3})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_DAY = re.compile(r"^\d{8}$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?([+-]\d{2}:?\d{2}|Z)?$")
_IN_WORDS = {
    "fraction": "fractions (0.38 = 38%)",
    "percent": "percentages (157.79 = 1.5779)",
    "ratio": "ratios",
    "bn": "billions",
    "mn": "millions",
    "raw": "plain amounts (dollars, not billions)",
}
_SHOWN_IGNORED = 8  # an info export has a hundred columns: name the first few, count the rest


@dataclass(frozen=True)
class ImportOptions:
    """How to read the user's files: `newsdesk import`'s flags, beyond the files themselves."""

    mappings: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    preset: str = "generic"
    delimiter: str | None = None
    ticker: str | None = None  # for a prices file of one ticker without a ticker column
    prices_adjusted: PriceBasis | None = None
    fundamentals_as_of: dt.date | None = None
    calendar: str | None = None
    check_units: bool = True


def run_import(
    *,
    prices: Path,
    fundamentals: Path,
    benchmark: Path | None,
    out: Path,
    name: str | None,
    as_of: dt.datetime | dt.date | None,
    actions: Path | None = None,
    mappings: Iterable[str] = (),
    options: ImportOptions | None = None,
) -> Path:
    """Validate the user's files, write a snapshot to `out` and print one line saying what was written.

    Without a benchmark file, the benchmark is an equal-weighted index of the imported tickers
    (each day's mean close-to-close return, rebased to 100), labelled as such in the manifest.
    """
    options = options or ImportOptions()
    preset = _preset(options.preset)
    renames = parse_mappings([*options.mappings, *mappings])
    declared = parse_units(options.units)
    check_out_folder(out)
    paths = {"prices": prices, "fundamentals": fundamentals, "benchmark": benchmark, "actions": actions}
    tables = {
        kind: _Table.read(read_export(path, options.delimiter), kind, renames, preset, declared, options)
        for kind, path in paths.items()
        if path is not None
    }
    _refuse_unused(tables, renames, declared)
    loaded = _validated(tables, check_units=options.check_units)
    cutoff = pd.Timestamp(
        (as_of.date() if isinstance(as_of, dt.datetime) else as_of) or loaded.prices["date"].max()
    )
    price_rows = loaded.prices[loaded.prices["date"] <= cutoff]
    if price_rows.empty:
        raise SnapshotError(f"{prices}: no prices on or before the as-of date {cutoff.date()}")
    if options.calendar:
        check_sessions(tables["prices"], options.calendar)
    if benchmark is None:
        bench, bench_name = equal_weight_benchmark(price_rows), DERIVED_BENCHMARK_NAME
    else:
        bench = loaded.benchmark[loaded.benchmark["date"] <= cutoff]
        if bench.empty:
            raise SnapshotError(
                f"{benchmark}: no benchmark prices on or before the as-of date {cutoff.date()}"
            )
        bench_name = str(bench["ticker"].iloc[0])
        if problem := benchmark_gap(price_rows, bench):
            raise SnapshotError(f"{benchmark}: {problem}")

    priced = set(price_rows["ticker"])
    described = set(loaded.fundamentals.index)
    basis, basis_note = price_basis(tables["prices"], options.prices_adjusted, preset)
    extra = {"prices_adjustment": basis_note} if basis_note else {}
    manifest = Manifest(
        name=name or out.name,
        as_of=cutoff.date(),
        currency=CURRENCY,
        units={c: FUNDAMENTAL_FIELDS[c] for c in loaded.fundamentals.columns if c in FUNDAMENTAL_FIELDS},
        sources=_sources(tables, preset, derived_benchmark=benchmark is None),
        missing_tickers=sorted(described - priced),
        fictional=False,
        benchmark_name=bench_name,
        prices_adjusted=basis,
        fundamentals_as_of=options.fundamentals_as_of,
        calendar=options.calendar,
        **extra,
    )
    if problem := as_of_gap(manifest, price_rows):
        raise SnapshotError(f"--as-of: {problem}")
    actions_rows = loaded.actions[pd.to_datetime(loaded.actions["date"]) <= cutoff]
    snapshot = Snapshot(manifest, price_rows, bench, loaded.fundamentals, actions=actions_rows)
    path = write_snapshot(snapshot, out)
    click.echo(_summary(path, tables, priced, described, cutoff.date(), bench_name, basis, len(actions_rows)))
    return path


def parse_mappings(mappings: Iterable[str]) -> dict[str, str]:
    """'Col=field' pairs as {vendor column: contract-1 field}; an unknown field is an error naming it.

    Two columns may map to one field here: they may sit in different files (a prices file's
    "Symbol" and a fundamentals file's "Code"). `_Table` refuses them within one file.
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


def parse_units(declarations: Iterable[str]) -> dict[str, str]:
    """'col=unit' pairs as {column or field: unit}; the unit must be one of unit_rules.DECLARED_UNITS."""
    declared: dict[str, str] = {}
    for declaration in declarations:
        column, sep, unit = (part.strip() for part in declaration.partition("="))
        if not sep or not column or unit not in unit_rules.DECLARED_UNITS:
            units = "|".join(unit_rules.DECLARED_UNITS)
            raise click.BadParameter(
                f"{declaration!r}: expected COL={units}, e.g. returnOnEquity=fraction", param_hint="--units"
            )
        declared[column] = unit
    return declared


def equal_weight_benchmark(prices: pd.DataFrame) -> pd.DataFrame:
    """An index of the universe: each day's mean close-to-close return over its tickers, from 100."""
    closes = prices.pivot(index="date", columns="ticker", values="close").sort_index()
    returns = closes.pct_change(fill_method=None).mean(axis=1, skipna=True).fillna(0.0)
    level = 100 * (1 + returns).cumprod()
    return pd.DataFrame({"date": level.index, "ticker": DERIVED_BENCHMARK, "close": level.to_numpy()})


def _preset(name: str) -> Preset:
    if name not in PRESETS:
        raise click.BadParameter(
            f"unknown preset {name!r} (presets: {', '.join(PRESETS)})", param_hint="--preset"
        )
    return PRESETS[name]


# ---------------------------------------------------------------------------------------- one file


@dataclass
class _Table:
    """One user file as text, columns renamed to contract-1 fields; remembers the user's names."""

    export: Export
    kind: str
    frame: pd.DataFrame  # only contract-1 columns, in the user's row order; index + 2 = user's line
    renamed: dict[str, str]  # user column -> contract field
    ignored: list[str]  # user columns the contract has no place for
    declared: dict[str, str] = field(default_factory=dict)  # field -> unit its values were given in

    @property
    def path(self) -> Path:
        return self.export.path

    @classmethod
    def read(
        cls,
        export: Export,
        kind: str,
        renames: dict[str, str],
        preset: Preset,
        units: dict[str, str],
        options: ImportOptions,
    ) -> _Table:
        columns = list(export.frame.columns)
        sources = _field_sources(export.path, columns, renames, preset, kind)
        frame = pd.DataFrame(index=export.frame.index)
        declared: dict[str, str] = {}
        for target, users in sources.items():
            frame[target] = export.frame[users[0]].astype(str)
            if kind == "fundamentals" and target in FUNDAMENTAL_FIELDS:
                declared[target] = _declared_unit(target, users[0], units, preset, renames)
                frame[target] = _converted(frame[target], target, declared[target])
            for filler in users[1:]:  # a preset's fallback column, where the first is blank
                values = export.frame[filler].astype(str)
                if target in FUNDAMENTAL_FIELDS:
                    unit = _declared_unit(target, filler, units, preset, renames)
                    values = _converted(values, target, unit)
                frame[target] = frame[target].where(frame[target].str.strip() != "", values)
        renamed = {users[0]: target for target, users in sources.items()}
        used = {user for users in sources.values() for user in users}
        table = cls(export, kind, frame, renamed, [c for c in columns if c not in used], declared)
        table._normalise(options, preset)
        for column in _REQUIRED[kind]:
            if column not in table.frame.columns:
                raise SnapshotError(table._missing(column, columns, preset))
        return table

    def _normalise(self, options: ImportOptions, preset: Preset) -> None:
        """Dates to YYYY-MM-DD, Stooq tickers to ours, a single-ticker file given its ticker."""
        if "date" in self.frame:
            self.frame["date"] = normalise_dates(self.frame["date"])
        if self.kind == "prices" and options.ticker:
            if "ticker" in self.frame:
                raise click.BadParameter(
                    f"{self.path} has a ticker column ({self.user_name('ticker')!r}); --ticker is for a "
                    "file of one ticker without one",
                    param_hint="--ticker",
                )
            self.frame["ticker"] = options.ticker.strip().upper()
        stooq = self.export.layout == "stooq" or preset.name == "stooq"
        if stooq and "ticker" in self.frame:
            self.frame["ticker"] = self._stooq_tickers()
        if stooq and "<PER>" in self.export.frame:
            period = self.export.frame["<PER>"].str.strip().str.upper()
            not_daily = (period != "D") & (period != "")
            if not_daily.any():
                position = int(not_daily.to_numpy().argmax())
                raise SnapshotError(
                    f"{self.path}, {self.place(position)}, column '<PER>': {period.iloc[position]!r} is "
                    "not a daily bar (Stooq <PER> D); export daily data"
                )

    def _stooq_tickers(self) -> pd.Series:
        """Stooq names a US listing AAPL.US and a class share BRK-B.US: ours are AAPL and BRK.B."""
        raw = self.frame["ticker"].str.strip().str.upper()
        parts = raw.str.extract(_STOOQ_MARKET)
        foreign = parts["market"].notna() & (parts["market"] != "US")
        if foreign.any():
            position = int(foreign.to_numpy().argmax())
            market = parts["market"].iloc[position]
            raise SnapshotError(
                f"{self.path}, {self.place(position)}, column {self.user_name('ticker')!r}: "
                f"{raw.iloc[position]!r} is not a US listing (Stooq market .{market}); "
                f"a snapshot is in {CURRENCY}"
            )
        return parts["symbol"].where(parts["market"].notna(), raw).str.replace("-", ".", regex=False)

    def _missing(self, column: str, columns: list[str], preset: Preset) -> str:
        names = ", ".join(columns[:12]) + (f" and {len(columns) - 12} more" if len(columns) > 12 else "")
        if self.kind == "prices" and column == "ticker":
            fix = "for a file of one ticker give --ticker SYMBOL, or name the column with --map COL=ticker"
        elif self.kind == "fundamentals" and preset.name != "yfinance" and "returnOnEquity" in columns:
            fix = "this looks like a yfinance .info export: add --preset yfinance"
        else:
            fix = f"name one with --map COL={column}"
        return f"{self.path}: no column {column!r} (columns: {names}); {fix}"

    def user_name(self, column: str) -> str:
        return next((user for user, ours in self.renamed.items() if ours == column), column)

    def place(self, position: int) -> str:
        """Where the frame's row `position` is in the user's file: 'line N' of a CSV, 'row N' of parquet;
        for yfinance's one-column-per-ticker layout, which ticker's column too."""
        number = int(self.frame.index[position]) + 2
        where = f"row {number}" if self.path.name.lower().endswith(PARQUET_SUFFIXES) else f"line {number}"
        if self.export.layout == "yfinance-wide" and "ticker" in self.frame:
            where += f" ({self.frame['ticker'].iloc[position]})"
        return where


def _field_sources(
    path: Path, columns: list[str], renames: dict[str, str], preset: Preset, kind: str
) -> dict[str, list[str]]:
    """{field: the user columns it comes from, first choice first} for one file.

    An explicit --map wins; then the preset's vendor names (the first present is the field, the
    others fill its blanks); then a column whose name is the field's, ignoring case, spaces and <>.
    Two columns of one file must not become one field: two --map entries naming the same field,
    or an entry onto a field the file already has a column of exactly that name for (the file
    itself says which column that is). A near match ("Close") is only a guess, so an explicit
    mapping overrides it: "Adj Close=close" leaves the vendor's "Close" unused.
    """
    kept = _KEPT[kind]
    sources: dict[str, list[str]] = {}
    for column in columns:
        if column not in renames or renames[column] not in kept:
            continue
        target = renames[column]
        other = sources.get(target, [None])[0]
        if other is None and target in columns and target not in renames:
            other = target
        if other is not None:
            raise click.BadParameter(
                f"{path}: columns {other!r} and {column!r} would both be {target!r}; map only one",
                param_hint="--map",
            )
        sources[target] = [column]
    taken = {c for users in sources.values() for c in users} | set(renames)
    for target, vendor_names in preset.columns.items():
        present = [c for c in vendor_names if c in columns and c not in taken]
        if target in kept and target not in sources and present:
            sources[target] = present
            taken.update(present)
    for column in columns:  # "Close", " close " and "<CLOSE>" are close, unless something else is
        key = column.strip().strip("<>").strip().lower()
        target = _ALIASES.get(key, key)
        if column not in taken and target in kept and target not in sources:
            sources[target] = [column]
            taken.add(column)
    return sources


def _declared_unit(
    target: str, column: str, units: dict[str, str], preset: Preset, renames: dict[str, str]
) -> str:
    """--units for the user's column or the field, else the preset's unit for its vendor name, else
    the snapshot's own unit. A unit the field cannot have is an error naming both."""
    unit = units.get(column) or units.get(target)
    if unit is None:
        vendor = dict(unit_rules.YFINANCE_INFO.get(target, ())) if preset.name == "yfinance" else {}
        unit = vendor.get(column) if column not in renames else None
    unit = unit or unit_rules.native_unit(target)
    try:
        unit_rules.factor(target, unit)
    except ValueError as exc:
        raise click.BadParameter(f"{column}: {exc}", param_hint="--units") from None
    return unit


def _converted(values: pd.Series, target: str, unit: str) -> pd.Series:
    """Numbers rescaled to the snapshot's unit, as text; anything else left for the loader to name."""
    scale = unit_rules.factor(target, unit)
    if scale == 1.0:
        return values
    numbers = pd.to_numeric(values.str.strip(), errors="coerce") * scale
    shown = numbers.map(lambda v: f"{v:.12g}", na_action="ignore")  # drops float noise: 6.1000000000000005
    return shown.where(numbers.notna(), values)


def normalise_dates(values: pd.Series) -> pd.Series:
    """Dates as the loader reads them, YYYY-MM-DD, from the forms exports use: YYYYMMDD (Stooq) and a
    midnight timestamp with or without its zone (yfinance history()). Anything else is left as it
    is, for the loader to name; an ambiguous 04/01/2024 is never guessed."""
    text = values.astype(str).str.strip()
    compact = text.str.fullmatch(_COMPACT_DAY.pattern)
    text = text.where(~compact, text.str[:4] + "-" + text.str[4:6] + "-" + text.str[6:8])
    stamp = text.str.extract(_MIDNIGHT)[0]
    return text.where(stamp.isna(), stamp)


def check_sessions(table: _Table, calendar: str) -> None:
    """Refuse a price dated on a day the exchange calendar has no session (a holiday or a weekend)."""
    import exchange_calendars  # lazy: a second or so to import, and only --calendar needs it

    dates = pd.to_datetime(table.frame["date"], format="%Y-%m-%d")
    try:
        with warnings.catch_warnings():  # its pandas deprecations are not the user's business
            warnings.simplefilter("ignore")
            exchange = exchange_calendars.get_calendar(calendar, start=dates.min(), end=dates.max())
    except exchange_calendars.errors.InvalidCalendarName:
        raise click.BadParameter(
            f"{calendar!r} is not an exchange calendar (e.g. XNYS, XNAS, XLON)", param_hint="--calendar"
        ) from None
    off = ~dates.isin(exchange.sessions)
    if off.any():
        position = int(off.to_numpy().argmax())
        raise SnapshotError(
            f"{table.path}, {table.place(position)}, column {table.user_name('date')!r}: "
            f"{table.frame['date'].iloc[position]} is not a {calendar} session (a holiday or a weekend)"
        )


def price_basis(table: _Table, given: PriceBasis | None, preset: Preset) -> tuple[PriceBasis | None, str]:
    """How the closes relate to what traded: the user's word, else what a yfinance export shows.

    yfinance's download() and history() write Yahoo's OHLC, already split-adjusted, with an
    "Adj Close" column that also takes out dividends when auto_adjust=False; with auto_adjust=True
    (the default since yfinance 0.2.51) there is no "Adj Close" and OHLC are adjusted for both
    (https://ranaroussi.github.io/yfinance/advanced/price_adjustment.html).
    """
    if given is not None:
        return given, ""
    if not table.export.layout.startswith("yfinance") and preset.name != "yfinance":
        return None, ""
    close = table.user_name("close")
    if close == "Adj Close":
        return "splits_and_dividends", "inferred: yfinance 'Adj Close' (split- and dividend-adjusted)"
    if "Adj Close" in table.export.frame.columns:
        return "splits", "inferred: yfinance 'Close' beside 'Adj Close' (auto_adjust=False: split-adjusted)"
    return "splits_and_dividends", "inferred: yfinance export without 'Adj Close' (auto_adjust=True)"


def _refuse_unused(tables: dict[str, _Table], renames: dict[str, str], declared: dict[str, str]) -> None:
    files = ", ".join(t.path.name for t in tables.values())
    unused = [c for c in renames if not any(c in t.renamed or c in t.export.frame for t in tables.values())]
    if unused:
        raise click.BadParameter(f"no column {unused[0]!r} in {files}", param_hint="--map")
    fundamentals = tables["fundamentals"]
    for key in declared:
        if key not in fundamentals.renamed and key not in fundamentals.frame.columns:
            raise click.BadParameter(
                f"no fundamentals column or field {key!r} in {fundamentals.path.name}", param_hint="--units"
            )


# ----------------------------------------------------------------------------------- validation


def _validated(tables: dict[str, _Table], *, check_units: bool) -> Snapshot:
    """Load the staged tables with the snapshot loader, its errors re-aimed at the user's files."""
    staging = Path(tempfile.mkdtemp(prefix="newsdesk-import-"))
    try:
        staged = _stage(tables, staging)
        try:
            loaded = load_snapshot(staging, coverage=False)  # checked once cut to the as-of date
        except SnapshotError as exc:
            raise SnapshotError(_aim(str(exc), staged)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if check_units:
        _check_units(tables["fundamentals"], loaded.fundamentals)
    return loaded


def _check_units(table: _Table, fundamentals: pd.DataFrame) -> None:
    """Columns whose values cannot be in their declared unit: the first (in the file's order) with
    its file, line and column, and every one with its fix, in one line."""
    found = {
        target: problem
        for target, unit in table.declared.items()
        if (problem := unit_rules.implausible(target, fundamentals[target], unit)) is not None
    }
    if not found:
        return
    order = list(table.export.frame.columns)
    targets = sorted(found, key=lambda t: order.index(table.user_name(t)))
    fixes = [_unit_fix(table.user_name(t), found[t]) for t in targets]
    first, problem = targets[0], found[targets[0]]
    column = table.user_name(first)
    value = table.export.frame[column].iloc[problem.position].strip()
    also = f"; also {'; '.join(fixes[1:])}" if len(fixes) > 1 else ""
    raise SnapshotError(
        f"{table.path}, {table.place(problem.position)}, column {column!r}: {value} read as "
        f"{table.declared[first]} {problem.problem}; {fixes[0]}{also} (or --no-unit-checks if right)"
    )


def _unit_fix(column: str, problem: unit_rules.Implausible) -> str:
    if problem.likely is None:
        return f"check {column!r} and its unit"
    declaration = shlex.quote(f"{column}={problem.likely}")
    return f"if {column!r} gives {_IN_WORDS[problem.likely]}, declare --units {declaration}"


def _stage(tables: dict[str, _Table], staging: Path) -> dict[Path, _Table]:
    """Write the tables as contract-1 CSVs, row for row, plus a manifest the loader accepts."""
    price_table = tables["prices"]
    prices = price_table.frame.reindex(columns=list(PRICE_COLUMNS), fill_value="")  # blank = unknown
    staged = {
        staging / "prices.csv": (price_table, prices),
        staging / "fundamentals.csv": (tables["fundamentals"], tables["fundamentals"].frame),
    }
    if "actions" in tables:
        actions = tables["actions"].frame.reindex(columns=list(ACTION_COLUMNS), fill_value="")
        staged[staging / "actions.csv"] = (tables["actions"], actions)
    elif any(c in price_table.frame for c in ACTION_FIELDS):  # yfinance: 0 means no such action
        actions = price_table.frame.reindex(columns=list(ACTION_COLUMNS), fill_value="")
        for column in ACTION_FIELDS:
            zero = pd.to_numeric(actions[column].str.strip(), errors="coerce") == 0
            actions[column] = actions[column].where(~zero, "")
        actions = actions[
            (actions["split_ratio"].str.strip() != "") | (actions["dividend"].str.strip() != "")
        ]
        staged[staging / "actions.csv"] = (price_table, actions)
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


# ----------------------------------------------------------------------------------- provenance


def _sources(tables: dict[str, _Table], preset: Preset, *, derived_benchmark: bool) -> list[dict[str, Any]]:
    """What was imported, by file name and SHA-256: the user's folders stay on the user's machine."""
    today = dt.date.today().isoformat()
    sources: list[dict[str, Any]] = []
    for kind, table in tables.items():
        record: dict[str, Any] = {
            "file": table.path.name,
            "sha256": hashlib.sha256(table.path.read_bytes()).hexdigest(),
            "layout": table.export.description,
            "imported_on": today,
            "used_for": kind,
        }
        if preset.name != "generic":
            record["preset"] = preset.name
        converted = {
            table.user_name(f): f"{u} -> {FUNDAMENTAL_FIELDS[f]}"
            for f, u in table.declared.items()
            if u != unit_rules.native_unit(f)
        }
        if converted:
            record["units_converted"] = converted
        sources.append(record)
    if derived_benchmark:
        sources.append(
            {
                "used_for": "benchmark",
                "derived": "equal-weighted mean of the imported tickers' daily close-to-close returns, "
                "rebased to 100 on the first date",
            }
        )
    return sources


def _summary(
    path: Path,
    tables: dict[str, _Table],
    priced: set[str],
    described: set[str],
    as_of: dt.date,
    bench_name: str,
    basis: str | None,
    actions: int,
) -> str:
    count = f"{len(priced)} ticker{'s' if len(priced) != 1 else ''}"
    notes = [f"imported {count} to {path} (as of {as_of}; benchmark: {bench_name})"]
    notes.append(f"prices: {basis or 'basis not given (--prices-adjusted)'}")
    if actions:
        notes.append(f"{actions} corporate action{'s' if actions != 1 else ''}")
    converted = [
        f"{t.user_name(f)} {u}->{FUNDAMENTAL_FIELDS[f]}"
        for t in tables.values()
        for f, u in t.declared.items()
        if u != unit_rules.native_unit(f)
    ]
    if converted:
        notes.append(f"converted: {', '.join(converted)}")
    if priced - described:
        notes.append(f"no fundamentals for: {', '.join(sorted(priced - described))}")
    ignored = [f"{c} ({t.path.name})" for t in tables.values() for c in t.ignored]
    if ignored:
        more = len(ignored) - _SHOWN_IGNORED
        shown = ", ".join(ignored[:_SHOWN_IGNORED]) + (f" and {more} more" if more > 0 else "")
        notes.append(f"ignored columns: {shown}")
    return "; ".join(notes)
