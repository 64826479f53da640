"""The terminal side of the desk: `newsdesk review`, `recheck`, `approve`, `reject` and `serve`.

Each prints what it did in a line or a table and leaves the work to generator.review.actions, the
same functions the desk server calls.
"""

from __future__ import annotations

import getpass
import sys
from collections import Counter
from pathlib import Path

from generator.changeset import output_lock
from generator.config import load_settings
from generator.errors import PublishError
from generator.layout import DESK, SITE
from generator.models import Verdict

from .actions import ActionResult, approve, recheck, recorder_for, reject
from .page import write_review_page
from .queue import Queue, QueueItem, load_queue, require_output

REASON_CHARS = 90  # first finding message in the terminal table, truncated to this


def run_review(output: Path | None, *, as_html: bool) -> None:
    """`newsdesk review [OUTPUT] [--html]`: print the queue, or write OUTPUT/desk/review.html."""
    out_dir = output if output is not None else load_settings().out
    if as_html:
        require_output(out_dir)  # before the lock, which would create the folder and its lock file
        with output_lock(out_dir):
            path, queue = write_review_page(out_dir)
        print(f"wrote {path}: {queue.summary_line()}")
    else:
        print_queue(load_queue(out_dir))


def print_queue(queue: Queue) -> None:
    """The held and blocked articles as a terminal table, then one line of counts."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    if queue.items:
        table = Table(title=f"review queue: {queue.out_dir}", title_justify="left")
        table.add_column("slug", no_wrap=True)
        table.add_column("kind")
        table.add_column("verdict")
        table.add_column("reasons", overflow="fold")
        table.add_column("path", overflow="fold")
        for item in queue.items:
            verdict = item.entry.verdict
            table.add_row(
                item.entry.slug,
                item.entry.kind,
                verdict,
                _reasons(item),
                str(queue.out_dir / item.entry.path),
                style="red" if verdict == Verdict.BLOCK else None,
            )
        console.print(table)
    else:
        console.print("nothing is held or blocked")
    console.print(queue.summary_line(), markup=False)


def _reasons(item: QueueItem) -> str:
    """Rule ids (with counts) of what holds the article, then the first message."""
    if item.problem:
        return item.problem
    holding = item.holding
    if not holding:
        return "(no findings recorded)"
    rules = Counter(f.rule for f in holding)
    ids = ", ".join(rule if n == 1 else f"{rule} ×{n}" for rule, n in rules.items())
    return f"{ids}\n{_truncate(holding[0].message, REASON_CHARS)}"


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_recheck(target: str, *, out: Path | None, editor: str | None, note: str | None) -> None:
    """`newsdesk recheck PATH|SLUG`: check an edited article again and place it by its verdict."""
    settings = load_settings(out=out if out is not None else output_of(target))
    result = recheck(
        settings, target, by=editor or current_user(), note=note, recorder=recorder_for(settings)
    )
    entry = result.entry
    before = result.verdict_before.value if result.verdict_before else "unchecked"
    what = "edited; " if result.action.action == "edit" else ""
    print(
        f"rechecked {entry.slug}: {what}verdict {before} -> {entry.verdict}; {_where(settings.out, result)}"
    )
    for finding in result.sidecar.findings:
        print(
            f"  {finding.line}:{finding.column} {finding.rule} [{finding.severity.value}] {finding.message}"
        )


def output_of(target: str) -> Path | None:
    """The output folder a `.md` path is in (`<out>/site|desk/<date>/<slug>.md`), else None."""
    if not target.endswith(".md"):
        return None
    path = Path(target).resolve()
    if len(path.parents) >= 3 and path.parents[1].name in (SITE, DESK):
        return path.parents[2]
    raise PublishError(f"{target}: not an article of a newsdesk output (<out>/site|desk/<date>/<slug>.md)")


def run_approve(slug: str, *, note: str | None, out: Path | None, editor: str | None) -> None:
    """`newsdesk approve SLUG`: release a held article to the site and its feeds."""
    settings = load_settings(out=out)
    result = approve(settings, slug, by=editor or current_user(), note=note, recorder=recorder_for(settings))
    approval = result.sidecar.approval
    assert approval is not None
    print(f"approved {slug} (by {approval.by} at {approval.at.isoformat()}); {_where(settings.out, result)}")


def run_reject(slug: str, *, reason: str, out: Path | None, editor: str | None) -> None:
    """`newsdesk reject SLUG --reason TEXT`: decide not to publish a held or blocked article."""
    settings = load_settings(out=out)
    result = reject(
        settings, slug, by=editor or current_user(), reason=reason, recorder=recorder_for(settings)
    )
    rejection = result.sidecar.rejection
    assert rejection is not None
    print(f"rejected {slug} (by {rejection.by} at {rejection.at.isoformat()}): {rejection.reason}")


def run_serve(output: Path | None, *, host: str, port: int, editor: str | None) -> None:
    """`newsdesk serve [OUTPUT]`: the desk in a browser (starlette and uvicorn load only here)."""
    from .server import serve

    settings = load_settings(out=output)
    serve(settings, host=host, port=port, editor=editor or current_user())


def _where(out_dir: Path, result: ActionResult) -> str:
    entry = result.entry
    if entry.public:
        return f"published in {out_dir / entry.path}; feeds rebuilt"
    if entry.released and entry.embargo_until is not None:
        return (
            f"embargoed until {entry.embargo_until:%Y-%m-%d %H:%M} UTC: the first run after then publishes it"
        )
    if entry.rejected:
        return f"rejected, on the desk in {out_dir / entry.path}"
    return f"on the desk in {out_dir / entry.path}"


def current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        raise PublishError("cannot tell who is acting; pass --by NAME") from None
