"""What a run prints: a progress bar on a terminal, and a summary table at the end."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from generator.pipeline import RunResult

MAX_HELD_LISTED = 10


@contextmanager
def progress_bar(description: str, *, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on an interactive terminal; nothing when quiet or not a TTY."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def print_run_summary(result: RunResult, *, quiet: bool = False) -> None:
    """Counts by verdict and kind, where the files are, and the held stories' reasons; when quiet,
    one line (for cron jobs and CI logs)."""
    from generator.models import Verdict

    if quiet:
        counts = ", ".join(f"{result.count(verdict)} {verdict.value}" for verdict in Verdict)
        fiction = " (fictional sample data)" if result.fictional else ""
        sys.stdout.write(
            f"newsdesk run: {len(result.articles)} articles{fiction}: {counts}; "
            f"site {result.out_dir / 'site'}, desk {result.out_dir / 'desk'}, in {result.seconds:.1f} s\n"
        )
        return
    console = Console(highlight=False)
    kinds = sorted({a.kind for a in result.articles})
    table = Table(title=f"newsdesk run: {result.snapshot_name} as of {result.as_of}", title_justify="left")
    table.add_column("kind")
    for verdict in Verdict:
        table.add_column(verdict.value, justify="right")
    table.add_column("total", justify="right")
    counts = Counter((a.kind, a.verdict) for a in result.articles)
    for kind in kinds:
        row = [counts[(kind, v)] for v in Verdict]
        table.add_row(kind, *map(str, row), str(sum(row)))
    totals = [result.count(v) for v in Verdict]
    table.add_row("all", *map(str, totals), str(len(result.articles)), style="bold")
    console.print(table)
    held = [a for a in result.articles if a.verdict is not Verdict.PUBLISH]
    if held:
        console.print(f"held for an editor or blocked ({len(held)}):")
        for article in held[:MAX_HELD_LISTED]:
            console.print(f"  {article.verdict.value:7} {article.slug}: {', '.join(article.reasons)}")
        if len(held) > MAX_HELD_LISTED:
            console.print(f"  ... and {len(held) - MAX_HELD_LISTED} more: newsdesk review {result.out_dir}")
    fiction = " (fictional sample data)" if result.fictional else ""
    date = result.as_of.isoformat()
    site, desk = result.out_dir / "site", result.out_dir / "desk"
    console.print(
        f"{len(result.articles)} articles{fiction} in {result.seconds:.1f} s: published ones in "
        f"{site / date}, held, blocked and embargoed ones on the desk in {desk / date}; "
        f"{result.feed_items} in the feeds {site / 'feed.json'} and {site / 'atom.xml'}. "
        f"Serve {site} as it is."
    )
