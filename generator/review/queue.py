"""The review queue: every article an editor has to decide on, read from desk/index.json.

Held (verdict review, not approved) and blocked articles wait for an editor; approved, rejected and
published ones are counted but not queued. The queue is what `newsdesk review` prints, what
review.html shows and what `newsdesk serve` lists, filtered by kind, rule and verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from generator.catalog import IndexEntry, read_index
from generator.changeset import require_current_layout
from generator.errors import PublishError
from generator.layout import INDEX_FILE, Layout
from generator.models import Finding, Severity, Sidecar, Verdict
from generator.publish import without_state
from generator.rulefiles import describe

STATES = ("published", "approved", "held", "blocked", "rejected")
_VERDICT_ORDER = {Verdict.BLOCK: 0, Verdict.REVIEW: 1, Verdict.PUBLISH: 2}


@dataclass(frozen=True)
class QueueItem:
    """A held or blocked article as the review queue shows it."""

    entry: IndexEntry
    sidecar: Sidecar | None
    markdown: str | None  # as checked: without its publishing-state lines
    problem: str | None = None  # why the sidecar or the markdown could not be read

    @property
    def findings(self) -> list[Finding]:
        return list(self.sidecar.findings) if self.sidecar else []

    @property
    def holding(self) -> list[Finding]:
        """The findings that hold or block it (not the ones that only inform)."""
        return [f for f in self.findings if f.severity is not Severity.INFO]

    @property
    def rules(self) -> list[str]:
        """Rule ids of the findings that hold or block it, each once, in the order found."""
        return list(dict.fromkeys(f.rule for f in self.holding))


@dataclass(frozen=True)
class QueueFilter:
    """What an editor narrowed the queue to; None means any."""

    kind: str | None = None
    rule: str | None = None
    verdict: str | None = None  # review | block

    def admits(self, item: QueueItem) -> bool:
        entry = item.entry
        return (
            (self.kind is None or entry.kind == self.kind)
            and (self.verdict is None or entry.verdict == self.verdict)
            and (self.rule is None or self.rule in {f.rule for f in item.findings})
        )

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.kind, self.rule, self.verdict))


@dataclass(frozen=True)
class Queue:
    """Every article in the index, and the held (not yet approved) and blocked ones to look at."""

    out_dir: Path
    entries: list[IndexEntry]
    items: list[QueueItem]

    def counts(self) -> dict[str, int]:
        """Articles by state: published, approved (held, then released), held, blocked, rejected."""
        counts = Counter(state_of(e) for e in self.entries)
        return {state: counts[state] for state in STATES}

    def summary_line(self) -> str:
        counts = self.counts()
        rejected = f", {counts['rejected']} rejected" if counts["rejected"] else ""
        return (
            f"{counts['held']} held for review, {counts['blocked']} blocked, {counts['approved']} approved, "
            f"{counts['published']} published{rejected}; {len(self.entries)} articles in "
            f"{Layout(self.out_dir).index}"
        )

    def filtered(self, wanted: QueueFilter) -> list[QueueItem]:
        return [item for item in self.items if wanted.admits(item)]

    def rule_counts(self) -> list[tuple[str, str, int, int]]:
        """(rule, severity, findings, articles) over the queue, the most frequent rule first."""
        findings = [finding for item in self.items for finding in item.findings]
        severity = {finding.rule: finding.severity.value for finding in findings}
        per_rule = Counter(finding.rule for finding in findings)
        per_article = Counter(rule for item in self.items for rule in {f.rule for f in item.findings})
        return [
            (rule, severity[rule], count, per_article[rule])
            for rule, count in sorted(per_rule.items(), key=lambda pair: (-pair[1], pair[0]))
        ]

    def kinds(self) -> list[str]:
        return sorted({item.entry.kind for item in self.items})

    def find(self, slug: str) -> QueueItem | None:
        return next((item for item in self.items if item.entry.slug == slug), None)


def state_of(entry: IndexEntry) -> str:
    if entry.verdict == Verdict.PUBLISH:
        return "published"
    if entry.rejected:
        return "rejected"
    if entry.verdict == Verdict.BLOCK:
        return "blocked"
    return "approved" if entry.approved else "held"


def require_output(out_dir: Path) -> None:
    """One clear line when the folder is not a newsdesk output (or has nothing to review yet)."""
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir}: no such output folder; run `newsdesk run --out {out_dir}` first")
    layout = Layout(out_dir)
    require_current_layout(layout)
    if not layout.index.is_file():
        raise PublishError(
            f"{out_dir}: not a newsdesk output (no desk/{INDEX_FILE}); "
            f"run `newsdesk run --out {out_dir}` first"
        )


def load_queue(out_dir: Path) -> Queue:
    """Read desk/index.json and the sidecar and markdown of every held or blocked article.

    Blocked first, then held; within each, the most newsworthy first when the run rated the
    stories, then the newest date, then by slug.
    """
    require_output(out_dir)
    entries = read_index(Layout(out_dir))
    return Queue(out_dir, entries, [load_item(out_dir, e) for e in _pending(entries)])


def _pending(entries: Iterable[IndexEntry]) -> list[IndexEntry]:
    waiting = [e for e in entries if state_of(e) in ("held", "blocked")]
    return sorted(
        waiting,
        key=lambda e: (
            _VERDICT_ORDER[Verdict(e.verdict)],
            -(e.newsworthiness if e.newsworthiness is not None else float("-inf")),
            _descending(e.date),
            e.slug,
        ),
    )


def _descending(date: str) -> tuple[int, ...]:
    return tuple(-int(part) for part in date.split("-"))


def load_item(out_dir: Path, entry: IndexEntry) -> QueueItem:
    """The article as it was checked (findings' lines count without its publishing-state lines)."""
    md_path = out_dir / entry.path
    try:
        text = without_state(md_path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return QueueItem(entry, None, None, f"{md_path}: cannot read ({exc})")
    sidecar_path = md_path.with_suffix(".json")
    try:
        sidecar = Sidecar.model_validate_json(sidecar_path.read_bytes())
    except OSError as exc:
        return QueueItem(entry, None, text, f"{sidecar_path}: cannot read ({exc.strerror})")
    except ValidationError as exc:
        return QueueItem(entry, None, text, f"{sidecar_path}: not a valid sidecar ({describe(exc)})")
    return QueueItem(entry, sidecar, text)
