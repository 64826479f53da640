"""`newsdesk check` and `newsdesk rules`: find articles, check them (in parallel), report, exit.

Exit codes: 0 no article reaches --fail-on; 1 one does; 2 (a NewsdeskError, mapped by the CLI) for a
bad rules folder, a missing path, a glob that matches nothing or a path that holds no article.

Many files are checked in a process pool, in chunks, with the rules loaded once per worker (forked
workers inherit the parent's Checker); a handful are checked in-process, where a pool costs more
than it saves. This module must not import pandas, numpy or generator.writing.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

from generator.checks.config import load_rules
from generator.checks.engine import Checker
from generator.checks.formats import fails, render_github, render_json, render_junit, render_sarif, text_lines
from generator.checks.registry import RULES
from generator.errors import NewsdeskError
from generator.files import atomic_write
from generator.models import ArticleReport, CheckReport, ReportSummary, Verdict

POOL_MIN_FILES = 48  # below this, starting workers costs more than it saves
CHUNK_FILES = 25  # articles per task: large enough to amortise pickling, small enough to balance

_checker: Checker | None = None  # this process's Checker (the parent's, inherited by forked workers)


def run_check(
    paths: Sequence[Path | str], *, output_format: str, fail_on: str, fix: bool, rules_dir: Path | None
) -> int:
    """Check every article under `paths`, print the report in `output_format`, return the exit code."""
    global _checker
    rules = load_rules(rules_dir)
    files = discover(paths)
    _checker = Checker(rules)
    reports = _check_all(files, fix=fix, rules_dir=rules_dir)
    summary = ReportSummary(
        articles=len(reports),
        publish=sum(1 for r in reports if r.verdict is Verdict.PUBLISH),
        review=sum(1 for r in reports if r.verdict is Verdict.REVIEW),
        block=sum(1 for r in reports if r.verdict is Verdict.BLOCK),
    )
    report = CheckReport(summary=summary, articles=tuple(reports))
    if output_format == "text":
        _print_text(report)
    elif output_format == "json":
        sys.stdout.write(render_json(report))
    elif output_format == "junit":
        sys.stdout.write(render_junit(report, fail_on))
    elif output_format == "sarif":
        described = {rule.id: (rule, rules.severities[rule.id]) for rule in RULES}
        sys.stdout.write(render_sarif(report, described))
    elif output_format == "github":
        sys.stdout.write(render_github(report))
    else:
        raise NewsdeskError(f"unknown --format {output_format!r}")
    return 1 if any(fails(article.verdict, fail_on) for article in reports) else 0


def print_rules(rules_dir: Path | None) -> None:
    """Print every rule id, its severity (from the rules folder) and what it checks."""
    from rich.console import Console
    from rich.table import Table

    rules = load_rules(rules_dir)
    table = Table(title=f"Rules ({rules.directory})", title_justify="left")
    table.add_column("rule")
    table.add_column("severity")
    table.add_column("checks")
    for rule in RULES:
        table.add_row(rule.id, rules.severities[rule.id].value, rule.summary())
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """Expand files, folders (every *.md below, recursively) and globs, in order, without repeats."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given)
        if path.exists():
            matches = [path]
        elif glob.has_magic(str(given)):
            matches = [Path(match) for match in sorted(glob.glob(str(given), recursive=True))]  # noqa: PTH207
            if not matches:
                raise NewsdeskError(f"{given}: no file matches this pattern")
        else:
            raise NewsdeskError(f"{given}: no such file or folder")
        for match in matches:
            if match.is_dir():
                articles = sorted(p for p in match.rglob("*.md") if p.is_file())
                if not articles and match == path:
                    raise NewsdeskError(f"{given}: holds no article (*.md)")
                found.update(dict.fromkeys(articles))
            else:
                found[match] = None
    if not found:
        raise NewsdeskError("no article (*.md) found in the given paths")
    return list(found)


def _check_all(files: list[Path], *, fix: bool, rules_dir: Path | None) -> list[ArticleReport]:
    workers = min(os.cpu_count() or 1, len(files) // CHUNK_FILES + 1)
    if len(files) < POOL_MIN_FILES or workers < 2:
        return _check_chunk(files, fix)
    chunks = [files[i : i + CHUNK_FILES] for i in range(0, len(files), CHUNK_FILES)]
    method = "fork" if "fork" in get_all_start_methods() else None
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context(method), initializer=_init_worker, initargs=(rules_dir,)
    ) as pool:
        return [report for chunk in pool.map(_check_chunk, chunks, [fix] * len(chunks)) for report in chunk]


def _init_worker(rules_dir: Path | None) -> None:
    """Build this worker's Checker unless it was inherited by fork."""
    global _checker
    if _checker is None:
        _checker = Checker(load_rules(rules_dir))


def _check_chunk(files: list[Path], fix: bool) -> list[ArticleReport]:
    assert _checker is not None
    reports = []
    for path in files:
        result = _checker.check_file(path)
        if fix and result.report.tables_dropped:
            atomic_write(path, result.fixed_text, mode=path.stat().st_mode & 0o777)
        reports.append(result.report)
    return reports


def _print_text(report: CheckReport) -> None:
    """Plain lines when piped (flake8-style, grep-able); coloured by severity on a terminal."""
    if not sys.stdout.isatty():
        sys.stdout.write("".join(f"{line}\n" for _, line in text_lines(report)))
        return
    from rich.console import Console
    from rich.text import Text

    styles = {
        "error": "red",
        "warning": "yellow",
        "note": "cyan",
        "block": "bold red",
        "review": "bold yellow",
        "publish": "bold green",
        "summary": "bold",
    }
    console = Console(highlight=False)
    for style, line in text_lines(report):
        console.print(Text(line, style=styles.get(style, "")))
