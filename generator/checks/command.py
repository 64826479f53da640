"""`newsdesk check` and `newsdesk rules`: find articles, check them (in parallel), report, exit.

Exit codes: 0 no article reaches fail-on (or --exit-zero); 1 one does; 2 (a NewsdeskError, mapped
by the CLI) for a bad configuration or rules folder, a missing path, a glob that matches nothing or
a path that holds no article.

Each article is checked under its own configuration (see project.py). Many files are checked in a
process pool, in chunks, with the rules loaded once per worker (forked workers inherit the parent's
Checkers); a handful are checked in-process, where a pool costs more than it saves. This module
must not import pandas, numpy or generator.writing.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import TextIO

from generator.checks.formats import (
    fails,
    render_github,
    render_json,
    render_junit,
    render_sarif,
    statistics,
    statistics_lines,
    summary_line,
    text_lines,
)
from generator.checks.project import CommandLine, Project, Projects
from generator.checks.registry import RULES
from generator.errors import NewsdeskError
from generator.files import atomic_write
from generator.layout import CURRENT, STATE_DIR
from generator.models import ArticleReport, CheckReport, ReportSummary, Verdict

POOL_MIN_FILES = 48  # below this, starting workers costs more than it saves
CHUNK_FILES = 25  # articles per task: large enough to amortise pickling, small enough to balance
STDIN = "-"
FORMATS = ("text", "json", "junit", "sarif", "github")

_projects: list[Project] = []  # this process's Projects (the parent's, inherited by forked workers)


@dataclass(frozen=True)
class CheckOptions:
    """Everything `newsdesk check` can be told on its command line."""

    output_format: str = "text"
    fail_on: str | None = None  # None: the configuration's fail-on (default block)
    fix: bool = False
    rules_dir: Path | None = None
    config_file: Path | None = None
    isolated: bool = False
    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    exclude: Sequence[str] = ()
    force_exclude: bool = False
    statistics: bool = False
    exit_zero: bool = False
    quiet: bool = False
    verbose: bool = False
    output_file: Path | None = None
    color: str = "auto"  # auto | always | never
    stdin_filename: str | None = None


@dataclass(frozen=True, slots=True)
class _Task:
    path: Path
    project: int  # index into _projects


def run_check(paths: Sequence[Path | str], **options: object) -> int:
    """Check every article under `paths` (or stdin for "-"), report, and return the exit code."""
    global _projects
    opts = CheckOptions(**options)  # type: ignore[arg-type]
    if opts.output_format not in FORMATS:
        raise NewsdeskError(f"unknown --format {opts.output_format!r}")
    if opts.statistics and opts.output_format not in ("text", "json"):
        raise NewsdeskError("--statistics prints text or json; drop --format or choose one of those")
    projects = Projects(
        CommandLine(
            config_file=opts.config_file,
            isolated=opts.isolated,
            rules_dir=opts.rules_dir,
            select=opts.select,
            extend_select=opts.extend_select,
            ignore=opts.ignore,
            exclude=opts.exclude,
            force_exclude=opts.force_exclude,
            fail_on=opts.fail_on,
        )
    )
    from_stdin = STDIN in [str(path) for path in paths]
    if from_stdin:
        reports, failing, excluded = _check_stdin(paths, opts, projects)
    else:
        tasks, excluded = discover(paths, projects)
        _projects = projects.all
        reports = _check_all(tasks, fix=opts.fix, command_line=projects.command_line)
        failing = [
            fails(r.verdict, _projects[t.project].fail_on) for t, r in zip(tasks, reports, strict=True)
        ]
    report = CheckReport(
        summary=ReportSummary(
            articles=len(reports),
            publish=sum(1 for r in reports if r.verdict is Verdict.PUBLISH),
            review=sum(1 for r in reports if r.verdict is Verdict.REVIEW),
            block=sum(1 for r in reports if r.verdict is Verdict.BLOCK),
        ),
        articles=tuple(reports),
    )
    if opts.verbose:
        _describe(projects, excluded)
    # With --fix on stdin, stdout carries the fixed article (as ruff does) and the report goes to stderr.
    stream = sys.stderr if from_stdin and opts.fix else sys.stdout
    _write_report(report, opts, projects, dict(zip((id(r) for r in reports), failing, strict=True)), stream)
    return 1 if any(failing) and not opts.exit_zero else 0


def print_rules(rules_dir: Path | None, *, config_file: Path | None = None, isolated: bool = False) -> None:
    """Print every rule id, its severity (from the configured rules folder) and what it checks."""
    from rich.console import Console
    from rich.table import Table

    projects = Projects(CommandLine(config_file=config_file, isolated=isolated, rules_dir=rules_dir))
    project = projects.for_folder(Path.cwd())
    rules = project.rules
    enabled = project.checker.selection.enabled if project.checker.selection else None
    table = Table(title=f"Rules ({rules.directory})", title_justify="left")
    table.add_column("rule")
    table.add_column("severity")
    table.add_column("checks")
    for rule in RULES:
        severity = rules.severities[rule.id].value
        if enabled is not None and rule.id not in enabled:
            severity += " (not selected)"
        table.add_row(rule.id, severity, rule.summary())
    Console(width=None if sys.stdout.isatty() else 160).print(table)


def discover(paths: Iterable[Path | str], projects: Projects) -> tuple[list[_Task], int]:
    """Expand files, folders (every *.md below, recursively) and globs, in order, without repeats;
    return the articles with the project governing each, and how many files were excluded.

    Folders are walked with each configuration's `exclude` applied; a file named on the command
    line is checked even if excluded, unless force-exclude is on (as for pre-commit).
    """
    found: dict[Path, int] = {}
    excluded = 0
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
                project = projects.for_folder(match)
                if project.force_exclude and project.excludes(match, is_dir=True):
                    excluded += 1
                    continue
                articles, skipped = _walk(match, projects)
                excluded += skipped
                if not articles and not skipped and match == path:
                    raise NewsdeskError(f"{given}: holds no article (*.md)")
                for article, project in articles:
                    found.setdefault(article, project.index)
            else:
                project = projects.for_article(match)
                if project.force_exclude and project.excludes(match):
                    excluded += 1
                    continue
                found.setdefault(match, project.index)
    if not found and not excluded:
        raise NewsdeskError("no article (*.md) found in the given paths")
    return [_Task(path, project) for path, project in found.items()], excluded


def _walk(top: Path, projects: Projects) -> tuple[list[tuple[Path, Project]], int]:
    """Every *.md under `top` that its configuration does not exclude, sorted by path.

    An output folder is read as its readers see it: its `site` and `desk` links are followed, and
    the generations they point into (`.newsdesk/`) are not walked themselves.
    """
    articles: list[tuple[Path, Project]] = []
    skipped = 0
    tops = [top]
    while tops:
        start = tops.pop()
        for folder, subfolders, files in os.walk(start):
            here = Path(folder)
            project = projects.for_folder(here)
            tops += [here / name for name in subfolders if _is_output_link(here / name)]
            subfolders[:] = [name for name in subfolders if name != STATE_DIR]
            kept = [
                name for name in subfolders if not project.excludes(here / name, is_dir=True, walked_from=top)
            ]
            skipped += len(subfolders) - len(kept)
            subfolders[:] = kept
            for name in files:
                if not name.endswith(".md") or not (here / name).is_file():
                    continue
                if project.excludes(here / name, walked_from=top):
                    skipped += 1
                else:
                    articles.append((here / name, project))
    articles.sort(key=lambda item: str(item[0]))
    return articles, skipped


def _is_output_link(path: Path) -> bool:
    """`<out>/site` or `<out>/desk`: a link into the output folder's current generation."""
    return path.is_symlink() and Path(path.readlink()).parts[:2] == (STATE_DIR, CURRENT)


def _check_stdin(
    paths: Sequence[Path | str], opts: CheckOptions, projects: Projects
) -> tuple[list[ArticleReport], list[bool], int]:
    """Check the article on standard input, as if it were at --stdin-filename."""
    if len(paths) != 1:
        raise NewsdeskError("'-' (standard input) cannot be combined with other paths")
    name = opts.stdin_filename or STDIN
    path = Path(name)
    project = projects.for_article(path)
    if opts.stdin_filename and project.force_exclude and project.excludes(path):
        return [], [], 1
    try:
        text = sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError:
        raise NewsdeskError(f"{name}: standard input is not UTF-8 text") from None
    result = project.checker.check_file(path, source_roots=project.source_roots(path), text=text)
    if opts.fix:
        sys.stdout.write(result.fixed_text)  # the fixed article replaces stdin, as ruff does
    return [result.report], [fails(result.report.verdict, project.fail_on)], 0


def _check_all(tasks: list[_Task], *, fix: bool, command_line: CommandLine) -> list[ArticleReport]:
    workers = min(os.cpu_count() or 1, len(tasks) // CHUNK_FILES + 1)
    if len(tasks) < POOL_MIN_FILES or workers < 2:
        return _check_chunk(tasks, fix)
    chunks = [tasks[i : i + CHUNK_FILES] for i in range(0, len(tasks), CHUNK_FILES)]
    method = "fork" if "fork" in get_all_start_methods() else None
    configs = [project.config_file for project in _projects]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context(method),
        initializer=_init_worker,
        initargs=(command_line, configs),
    ) as pool:
        return [report for chunk in pool.map(_check_chunk, chunks, [fix] * len(chunks)) for report in chunk]


def _init_worker(command_line: CommandLine, configs: list[Path | None]) -> None:
    """Build this worker's Projects unless they were inherited by fork."""
    global _projects
    if not _projects:
        projects = Projects(command_line)
        _projects = [projects.for_config(config) for config in configs]


def _check_chunk(tasks: list[_Task], fix: bool) -> list[ArticleReport]:
    reports = []
    for task in tasks:
        project = _projects[task.project]
        result = project.checker.check_file(task.path, source_roots=project.source_roots(task.path))
        if fix and result.report.tables_dropped:
            atomic_write(task.path, result.fixed_text, mode=task.path.stat().st_mode & 0o777)
        reports.append(result.report)
    return reports


def _describe(projects: Projects, excluded: int) -> None:
    """--verbose: which configuration and rules each group of articles used, on stderr."""
    for project in projects.all:
        source = project.config_file or "no configuration file (defaults)"
        sys.stderr.write(
            f"newsdesk check: {source}: rules {project.rules.directory}, fail-on {project.fail_on}\n"
        )
    if excluded:
        sys.stderr.write(f"newsdesk check: {excluded} file(s) or folder(s) excluded by configuration\n")


def _write_report(
    report: CheckReport, opts: CheckOptions, projects: Projects, failing: dict[int, bool], stream: TextIO
) -> None:
    described = _described_rules(projects)
    if opts.statistics:
        rows = statistics(report, described)
        if opts.output_format == "json":
            import json

            _emit(json.dumps(rows, indent=2) + "\n", opts, stream)
        else:
            lines = [("", line) for line in statistics_lines(rows)]
            _emit_lines(lines + ([] if opts.quiet else [("summary", summary_line(report))]), opts, stream)
        return
    if opts.output_format == "text":
        lines = list(text_lines(report, verbose=opts.verbose))
        if opts.quiet:
            lines = [(style, line) for style, line in lines if style in ("error", "warning", "note")]
        _emit_lines(lines, opts, stream)
    elif opts.output_format == "json":
        _emit(render_json(report), opts, stream)
    elif opts.output_format == "junit":
        _emit(render_junit(report, lambda article: failing[id(article)]), opts, stream)
    elif opts.output_format == "sarif":
        _emit(render_sarif(report, described), opts, stream)
    else:
        _emit(render_github(report), opts, stream)


def _described_rules(projects: Projects) -> dict:
    """Each rule with its severity, from the first project's rules folder (the bundled one if none)."""
    rules = projects.all[0].rules if projects.all else projects.for_folder(Path.cwd()).rules
    return {rule.id: (rule, rules.severities[rule.id]) for rule in RULES}


def _emit(text: str, opts: CheckOptions, stream: TextIO) -> None:
    if opts.output_file is not None:
        atomic_write(opts.output_file, text)
    else:
        stream.write(text)


def _emit_lines(lines: list[tuple[str, str]], opts: CheckOptions, stream: TextIO) -> None:
    """Plain lines to a file or a pipe; coloured by severity when colour is on (one line each)."""
    if opts.output_file is not None or not use_color(opts.color, stream):
        _emit("".join(f"{line}\n" for _, line in lines), opts, stream)
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
    console = Console(
        file=stream,
        force_terminal=True,
        no_color=False,
        color_system="standard",
        highlight=False,
        soft_wrap=True,
    )
    for style, line in lines:
        console.print(Text(line, style=styles.get(style, "")))


def use_color(choice: str, stream: TextIO) -> bool:
    """--color always|never decides; auto follows FORCE_COLOR, then NO_COLOR (each when set and not
    empty, as force-color.org and no-color.org ask), then whether `stream` is a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()
