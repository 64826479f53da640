"""The `newsdesk` command: parse arguments, call one function, map errors to exit codes.

Exit codes: 0 success; 1 a check found something at or above --fail-on; 2 a user mistake (bad path,
bad option, bad config, bad data, no network), reported as one line on stderr.

Heavy libraries (pandas, pydantic, yfinance) are imported inside the commands that need them, so
`newsdesk --help` starts instantly and `newsdesk check` never loads pandas.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator import __version__

USAGE_ERROR = 2

_existing_dir = click.Path(exists=True, file_okay=False, path_type=Path)
_any_path = click.Path(path_type=Path)
_DAY = click.DateTime(["%Y-%m-%d"])
_input_file = click.Path(exists=True, dir_okay=False, path_type=Path)
_DB_HELP = (
    "Run history database, as an SQLAlchemy URL such as postgresql+psycopg://user@host/newsdesk "
    "(default: SQLite in OUT/.newsdesk/history/history.db)."
)
_AS_OF_HELP = (
    "Work on the snapshot as it stood at the close of this trading day (YYYY-MM-DD): prices, news and "
    "sources up to it, fundamentals only if dated by then."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="newsdesk")
def cli() -> None:
    """Write market news from a snapshot and refuse to publish what cannot be traced."""


_config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (newsdesk.toml, newsdesk.yaml or a pyproject.toml with [tool.newsdesk]) "
    "instead of the closest one found walking up.",
)
_isolated_option = click.option("--isolated", is_flag=True, help="Ignore every configuration file.")


@cli.command()
@click.option(
    "--snapshot", type=_existing_dir, help="Snapshot folder (default: the bundled fictional sample)."
)
@click.option("--out", type=_any_path, help="Output folder (default: ./output).")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: number of cores).")
@_config_option
@_isolated_option
@click.option("--quiet", "-q", is_flag=True, default=None, help="No progress bar; one summary line.")
@click.option("--as-of", "as_of", type=_DAY, multiple=True, help=_AS_OF_HELP + " Repeatable.")
@click.option(
    "--now",
    metavar="ISO-TIME",
    help="Judge embargoes as of this moment, e.g. 2026-11-21T14:30:00Z (default: the clock).",
)
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP)
def run(
    snapshot: Path | None,
    out: Path | None,
    jobs: int | None,
    config_file: Path | None,
    isolated: bool,
    quiet: bool | None,
    as_of: tuple,
    now: str | None,
    database_url: str | None,
) -> None:
    """Compute facts and scores, write articles, check them and publish what passes.

    Give --as-of several times to backfill sessions in order (oldest first), each run comparing
    with the ones before it.
    """
    from generator import pipeline
    from generator.config import load_settings
    from generator.console import print_run_summary, progress_bar

    settings = load_settings(
        config_file,
        isolated=isolated,
        snapshot=snapshot,
        out=out,
        jobs=jobs,
        quiet=quiet,
        now=now,
        database_url=database_url,
    )
    for day in sorted(as_of) or [None]:
        with progress_bar("writing articles", quiet=settings.quiet) as progress:
            result = pipeline.build(settings, progress=progress, as_of=day.date() if day else None)
        print_run_summary(result, quiet=settings.quiet)


@cli.command()
@click.option(
    "--snapshot", type=_existing_dir, help="Snapshot folder (default: the bundled fictional sample)."
)
@click.option("--from", "start", type=_DAY, required=True, help="First date (YYYY-MM-DD), inclusive.")
@click.option("--to", "end", type=_DAY, required=True, help="Last date (YYYY-MM-DD), inclusive.")
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: the dates one after another in this process; dask: each date a task on a Dask cluster.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --executor dask: the scheduler to use, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster "
    "of --jobs workers on this machine).",
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds to wait for --scheduler.",
)
@click.option("--out", type=_any_path, help="Output folder (default: ./output).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes per date (local), or LocalCluster workers (dask); default: number of cores.",
)
@_config_option
@_isolated_option
@click.option("--quiet", "-q", is_flag=True, default=None, help="One summary line, not one line a date.")
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP)
@click.option(
    "--now",
    metavar="ISO-TIME",
    help="Judge embargoes as of this moment, e.g. 2026-11-21T14:30:00Z (default: the clock).",
)
def backfill(
    snapshot: Path | None,
    start,
    end,
    executor: str,
    scheduler: str | None,
    connect_timeout: float,
    out: Path | None,
    jobs: int | None,
    config_file: Path | None,
    isolated: bool,
    quiet: bool | None,
    database_url: str | None,
    now: str | None,
) -> None:
    """Run every trading day from --from to --to, as `newsdesk run --as-of DAY` would, in date order.

    A rerun after an interruption skips the dates already committed. See README: Backfilling.
    """
    from generator.backfill import run_backfill
    from generator.config import load_settings

    settings = load_settings(
        config_file,
        isolated=isolated,
        snapshot=snapshot,
        out=out,
        jobs=jobs,
        quiet=quiet,
        now=now,
        database_url=database_url,
    )
    result = run_backfill(
        settings,
        start.date(),
        end.date(),
        executor=executor,
        scheduler=scheduler,
        connect_timeout=connect_timeout,
        echo=None if settings.quiet else click.echo,
    )
    skipped = f", {len(result.skipped)} already done" if result.skipped else ""
    here = f" ({len(result.rerun_here)} run again here)" if result.rerun_here else ""
    click.echo(
        f"newsdesk backfill: {len(result.done)} of {len(result.days)} dates run{here}{skipped}, "
        f"{result.articles} articles; site {result.out_dir / 'site'}, desk {result.out_dir / 'desk'}, "
        f"in {result.seconds:.1f} s"
    )


@cli.command()
@click.argument("ticker")
@click.option("--out", type=_any_path, help="Output folder whose history to read (default: ./output).")
@click.option("--db", "database_url", metavar="URL", help=_DB_HELP)
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json"]),
)
@_config_option
@_isolated_option
def history(
    ticker: str,
    out: Path | None,
    database_url: str | None,
    output_format: str,
    config_file: Path | None,
    isolated: bool,
) -> None:
    """A ticker's Alpha Score, signals and key facts over the recorded runs."""
    from generator.history.command import run_history

    run_history(
        ticker,
        out=out,
        database_url=database_url,
        output_format=output_format,
        config_file=config_file,
        isolated=isolated,
    )


def _selectors(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated and comma-separated values as one list: --ignore a,b --ignore c."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=_any_path)
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "junit", "sarif", "github"]),
    help="Report format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["block", "review"]),
    help="Exit 1 when an article's verdict is at or above this (default: fail-on in the configuration, "
    "else block).",
)
@click.option(
    "--exit-zero", is_flag=True, help="Exit 0 even when an article fails (2 still means a usage error)."
)
@click.option(
    "--fix", is_flag=True, help="Remove low-information tables in place (from stdin: print the result)."
)
@click.option("--rules", "rules_dir", type=_existing_dir, help="Rules folder (default: the configured one).")
@_config_option
@_isolated_option
@click.option(
    "--select", multiple=True, metavar="RULES", help="Only these rules or families (comma-separated)."
)
@click.option(
    "--extend-select", multiple=True, metavar="RULES", help="Rules or families to add to the selection."
)
@click.option("--ignore", multiple=True, metavar="RULES", help="Rules or families to leave out.")
@click.option("--exclude", multiple=True, metavar="PATTERNS", help="More gitignore-style patterns to skip.")
@click.option(
    "--force-exclude", is_flag=True, help="Apply exclusions to files named on the command line too."
)
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no verdict or summary lines.")
@click.option("--verbose", "-v", is_flag=True, help="Also list clean articles and the configuration used.")
@click.option("--output-file", "-o", type=_any_path, help="Write the report to this file, not stdout.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour text output (auto: on a terminal, unless NO_COLOR is set or FORCE_COLOR forces it).",
)
@click.option("--stdin-filename", metavar="PATH", help="With '-': the path the article on stdin stands for.")
def check(paths: tuple[Path, ...], quiet: bool, verbose: bool, **options) -> None:
    """Check articles (files, folders or globs; '-' for stdin) against the publishing rules."""
    from generator.checks.command import run_check

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    for name in ("select", "extend_select", "ignore", "exclude"):
        options[name] = _selectors(options[name])
    options["select"] = options["select"] or None  # not given: the configuration decides
    sys.exit(run_check(paths, quiet=quiet, verbose=verbose, **options))


@cli.command("rules")
@click.option("--rules", "rules_dir", type=_existing_dir, help="Rules folder (default: the configured one).")
@_config_option
@_isolated_option
def list_rules(rules_dir: Path | None, config_file: Path | None, isolated: bool) -> None:
    """List every rule id with its severity and what it checks."""
    from generator.checks.command import print_rules

    print_rules(rules_dir, config_file=config_file, isolated=isolated)


@cli.command()
@click.option(
    "--snapshot", type=_existing_dir, help="Snapshot folder (default: the bundled fictional sample)."
)
@click.option("--tickers", help="Comma-separated tickers (default: all).")
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json", "csv"]),
)
@click.option("--validate", is_flag=True, help="Measure point-in-time rank IC and quintile spreads instead.")
@click.option(
    "--fundamentals-as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="With --validate: the date the snapshot's fundamentals describe (default: the manifest's "
    "fundamentals_as_of, or editorial/desk.yaml's); value and quality are evaluated only from then on.",
)
@click.option("--as-of", "as_of", type=_DAY, help=_AS_OF_HELP)
def score(
    snapshot: Path | None,
    tickers: str | None,
    output_format: str,
    validate: bool,
    fundamentals_as_of,
    as_of,
) -> None:
    """Show Alpha Scores, or validate them against forward returns."""
    from generator.score_command import run_score

    run_score(
        snapshot,
        tickers=tickers,
        output_format=output_format,
        validate=validate,
        fundamentals_as_of=fundamentals_as_of.date() if fundamentals_as_of else None,
        as_of=as_of.date() if as_of else None,
    )


@cli.command()
@click.argument("output", required=False, type=_any_path)
@click.option(
    "--html", "as_html", is_flag=True, help="Write OUTPUT/desk/review.html instead of a terminal table."
)
def review(output: Path | None, as_html: bool) -> None:
    """List held and blocked articles with the reasons."""
    from generator.review.commands import run_review

    run_review(output, as_html=as_html)


@cli.command()
@click.argument("target", metavar="PATH|SLUG")
@click.option("--out", type=_any_path, help="Output folder (default: the one PATH is in, else ./output).")
@click.option("--by", "editor", help="Who re-checks (default: the current user).")
@click.option("--note", help="What was changed, for the article's record.")
def recheck(target: str, out: Path | None, editor: str | None, note: str | None) -> None:
    """Check an edited article again and publish or hold it by its new verdict."""
    from generator.review.commands import run_recheck

    run_recheck(target, out=out, editor=editor, note=note)


@cli.command()
@click.argument("slug")
@click.option("--note", help="Why the article may be released.")
@click.option("--out", type=_any_path, help="Output folder (default: ./output).")
@click.option("--by", "editor", help="Who approves (default: the current user).")
def approve(slug: str, note: str | None, out: Path | None, editor: str | None) -> None:
    """Release a held article: move it from the desk to the site and its feeds."""
    from generator.review.commands import run_approve

    run_approve(slug, note=note, out=out, editor=editor)


@cli.command()
@click.argument("slug")
@click.option("--reason", required=True, help="Why the article is not to be published.")
@click.option("--out", type=_any_path, help="Output folder (default: ./output).")
@click.option("--by", "editor", help="Who rejects (default: the current user).")
def reject(slug: str, reason: str, out: Path | None, editor: str | None) -> None:
    """Decide not to publish a held or blocked article (it leaves the queue, stays on the desk)."""
    from generator.review.commands import run_reject

    run_reject(slug, reason=reason, out=out, editor=editor)


@cli.command()
@click.argument("output", required=False, type=_any_path)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but loopback needs a token.",
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one)."
)
@click.option(
    "--by", "editor", help="The name actions are recorded under by default (default: the current user)."
)
def serve(output: Path | None, host: str, port: int, editor: str | None) -> None:
    """The editor's desk in a browser: review, edit, re-check, approve and reject."""
    from generator.review.commands import run_serve

    run_serve(output, host=host, port=port, editor=editor)


@cli.command()
@click.option("--tickers", help="Comma-separated tickers, e.g. AAPL,MSFT.")
@click.option(
    "--universe",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File with one ticker per line.",
)
@click.option("--benchmark", default="SPY", show_default=True, help="Benchmark ticker.")
@click.option(
    "--start", type=click.DateTime(["%Y-%m-%d"]), help="First date of history (default: 3 years back)."
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last date (default: the last completed NYSE session by its exchange calendar: today from 30 "
    "minutes after the close, else the session before; holidays and weekends give the session before).",
)
@click.option("--out", required=True, type=_any_path, help="Snapshot folder to write.")
@click.option(
    "--cache-dir",
    type=_any_path,
    help="Cache folder (default: $NEWSDESK_CACHE_DIR, else the user cache directory).",
)
@click.option(
    "--retries",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Attempts per request when Yahoo rate-limits, errs or does not answer.",
)
@click.option(
    "--backoff",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds to wait after the first failed attempt; doubled after each (up to 8 s), with jitter.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def fetch(
    tickers: str | None,
    universe: Path | None,
    benchmark: str,
    start,
    as_of,
    out: Path,
    cache_dir: Path | None,
    retries: int,
    backoff: float,
    quiet: bool,
) -> None:
    """Build a snapshot folder from Yahoo Finance."""
    from generator.market.fetch_command import run_fetch
    from generator.market.yahoo import RetryPolicy

    run_fetch(
        tickers=tickers,
        universe=universe,
        benchmark=benchmark,
        start=start,
        as_of=as_of,
        out=out,
        cache_dir=cache_dir,
        quiet=quiet,
        retry=RetryPolicy(attempts=retries, base_delay=backoff),
    )


@cli.command("import")
@click.option(
    "--prices", required=True, type=_input_file, help="Daily prices: a table, yfinance or Stooq file."
)
@click.option("--fundamentals", required=True, type=_input_file, help="One row per ticker.")
@click.option(
    "--benchmark",
    type=_input_file,
    help="Benchmark prices (date,close[,ticker]). Without it, an equal-weighted index of the imported "
    "stocks is derived and labelled as such.",
)
@click.option("--actions", type=_input_file, help="Corporate actions: date,ticker,split_ratio,dividend.")
@click.option(
    "--preset",
    default="generic",
    show_default=True,
    type=click.Choice(["generic", "yfinance", "stooq"]),
    help="Column names and units of a known export.",
)
@click.option(
    "--map", "mappings", multiple=True, metavar="COL=FIELD", help="Rename a column, e.g. Close=close."
)
@click.option(
    "--units",
    "units",
    multiple=True,
    metavar="COL=UNIT",
    help="Unit of a fundamentals column: fraction, percent, ratio, bn, mn or raw "
    "(e.g. returnOnEquity=fraction).",
)
@click.option("--no-unit-checks", is_flag=True, help="Skip the plausibility check of fundamentals' units.")
@click.option("--delimiter", help="Field delimiter (default: sniffed among , ; tab |).")
@click.option("--ticker", help="The ticker of a prices file that holds one ticker and no ticker column.")
@click.option(
    "--prices-adjusted",
    type=click.Choice(["none", "splits", "splits_and_dividends"]),
    help="How the prices relate to what traded (default: inferred for yfinance exports, else unstated).",
)
@click.option("--fundamentals-as-of", type=_DAY, help="The date the fundamentals describe.")
@click.option("--calendar", help="Exchange calendar the dates follow, e.g. XNYS (checked, then recorded).")
@click.option("--out", required=True, type=_any_path, help="Snapshot folder to write.")
@click.option("--name", help="Snapshot name (default: the folder name).")
@click.option("--as-of", "as_of", type=_DAY, help="As-of date (default: last price date).")
def import_(
    prices: Path,
    fundamentals: Path,
    benchmark: Path | None,
    actions: Path | None,
    preset: str,
    mappings: tuple[str, ...],
    units: tuple[str, ...],
    no_unit_checks: bool,
    delimiter: str | None,
    ticker: str | None,
    prices_adjusted: str | None,
    fundamentals_as_of,
    calendar: str | None,
    out: Path,
    name: str | None,
    as_of,
) -> None:
    """Build a snapshot folder from your own exports (yfinance, Stooq, any CSV or parquet)."""
    from generator.market.importer import ImportOptions, run_import

    options = ImportOptions(
        mappings=mappings,
        units=units,
        preset=preset,
        delimiter=delimiter.encode().decode("unicode_escape") if delimiter else None,  # "\t" -> tab
        ticker=ticker,
        prices_adjusted=prices_adjusted,
        fundamentals_as_of=fundamentals_as_of.date() if fundamentals_as_of else None,
        calendar=calendar,
        check_units=not no_unit_checks,
    )
    run_import(
        prices=prices,
        fundamentals=fundamentals,
        benchmark=benchmark,
        actions=actions,
        out=out,
        name=name,
        as_of=as_of,
        options=options,
    )


@cli.command()
@click.option("--tickers", "n_tickers", type=click.IntRange(min=10), default=80, show_default=True)
@click.option("--years", type=click.FloatRange(min=1.2), default=3.5, show_default=True)
@click.option("--seed", type=int, default=20261120, show_default=True)
@click.option("--out", required=True, type=_any_path, help="Snapshot folder to write.")
def sample(n_tickers: int, years: float, seed: int, out: Path) -> None:
    """Write a synthetic fictional universe of any size."""
    from generator.market.sample.generate import MAX_TICKERS, write_sample
    from generator.market.snapshot import check_out_folder

    if n_tickers > MAX_TICKERS:
        raise click.BadParameter(
            f"at most {MAX_TICKERS:,} (the sample runs out of company names)", param_hint="--tickers"
        )
    check_out_folder(out)  # before the work: a user's folder or file is never replaced
    path = write_sample(out, n_tickers=n_tickers, years=years, seed=seed)
    click.echo(f"wrote fictional snapshot of {n_tickers} tickers to {path}")


def main() -> None:
    """Entry point: run the CLI, turning user errors into one line and exit code 2.

    A user mistake (bad option, path, setting or data) and a problem of the machine (no network, a
    full disk, an unwritable folder: any OSError that reaches here) are reported the same way, as one
    line naming the culprit. Anything else is a bug and keeps its traceback.
    """
    from generator.errors import NewsdeskError  # light: no heavy imports

    # Unless told otherwise, NumPy asks the kernel for transparent huge pages for every large
    # array (it reads the setting when first imported, after this line). A run touches each array
    # a few times, so zeroing whole huge pages costs more than their fewer TLB misses save:
    # preparing 5,000 tickers took 1.1-1.4 s longer with them (README, Performance). A user's own
    # setting wins.
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx else "newsdesk"
        _fail(f"{exc.format_message()} (see '{where} --help')")
    except click.ClickException as exc:
        _fail(exc.format_message())
    except (click.Abort, KeyboardInterrupt):
        click.echo("newsdesk: interrupted", err=True)
        sys.exit(130)
    except NewsdeskError as exc:
        _fail(str(exc))
    except OSError as exc:
        culprit = f"{exc.filename}: " if exc.filename else ""
        _fail(f"{culprit}{exc.strerror or exc}")


def entry() -> None:
    """The `newsdesk` command: main(), then exit without the interpreter's teardown.

    Tearing down frees a run's heap object by object, a quarter of a second after a 5,000-ticker
    run (README, Performance), while the kernel takes a finished process's memory back at once.
    The atexit handlers (logging, file locks, multiprocessing, finalizers) still run and output is
    flushed; thread and process pools were shut by their `with` blocks. Output that cannot be
    flushed (a full disk, a closed pipe) exits 120, as the interpreter's own exit would; an error
    exits the ordinary way.
    """
    import atexit

    main()
    atexit._run_exitfuncs()  # what the interpreter runs at exit, before the teardown skipped here
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            os._exit(120)
    os._exit(0)


def _fail(message: str) -> None:
    click.echo(f"newsdesk: error: {' '.join(message.split())}", err=True)
    sys.exit(USAGE_ERROR)
