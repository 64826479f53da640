"""The editor's side of publishing: the review queue (a terminal table or one static page) and approvals.

What an editor needs to decide on a held story is on the page that lists it: each held or blocked
article rendered, every finding marked where it sits in the text, a misquote beside the closest
source passage with the differing words highlighted, and each dropped table with its reason.

Findings locate themselves by line and column in the article as checked, before low-information
tables were removed; the published copy has those lines taken out, so lines are mapped back through
the sidecar's `tables_dropped` and each excerpt is then found on (or next to) its mapped line.

Everything on the page that comes from an article, a source or a finding is escaped, or rendered
from markdown and sanitised with nh3, before the marks are added; the marks are the only markup
this module writes around article text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import getpass
import html
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from markupsafe import Markup
from pydantic import ValidationError

from generator.catalog import IndexEntry, read_index
from generator.changeset import Changeset, output_lock, prepare_output, require_current_layout
from generator.config import Settings, load_settings
from generator.errors import PublishError
from generator.files import atomic_write
from generator.layout import INDEX_FILE, Layout
from generator.models import Approval, Finding, Severity, Sidecar, TableDrop, Verdict, is_slug
from generator.publish import (
    content_hash,
    move_to_site,
    read_article,
    stage_site,
    update_desk_sidecar,
    without_state,
)
from generator.release import embargoed, whole_seconds
from generator.rulefiles import describe
from generator.site import SiteConfig
from generator.site.pages import markdown_html, sanitise

TEMPLATE = "review_page.html.j2"
REASON_CHARS = 90  # first finding message in the terminal table, truncated to this
_VERDICT_ORDER = {Verdict.BLOCK: 0, Verdict.REVIEW: 1, Verdict.PUBLISH: 2}

# Private-use code points stand in for marks while markdown and nh3 run, then become <mark> tags.
# Each finding gets its own opening and closing character, each dropped table a placeholder.
_OPEN, _CLOSE, _DROP, _SPAN = 0xF0000, 0xF4000, 0xF8000, 0x4000
_MARKERS = re.compile("[\U000f0000-\U000fbfff]")
_MARKER_SPLIT = re.compile("([\U000f0000-\U000fbfff])")
_BLOCK_PREFIX = re.compile(r"^\s{0,3}(?:(?:#{1,6}|[-*+]|\d{1,9}[.)]|>)\s+)*")
_SIMILAR = re.compile(
    r'closest passage in (?P<source>\S+) \((?P<similarity>\d+)% similar\): "(?P<passage>.*)"\s*$', re.S
)
_PART = re.compile(r"\bpart (\d+) of (\d+) of this quote")
_ELLIPSIS = re.compile(r"\s*(?:…|\.(?:\s?\.){2,})\s*")
_EDGE_PUNCTUATION = "\"“”‘’'.,;:!?()"


# ------------------------------------------------------------------------------------------ the queue


@dataclass(frozen=True)
class QueueItem:
    """A held or blocked article as the review queue shows it."""

    entry: IndexEntry
    sidecar: Sidecar | None
    markdown: str | None
    problem: str | None = None  # why the sidecar or the markdown could not be read

    @property
    def findings(self) -> list[Finding]:
        return list(self.sidecar.findings) if self.sidecar else []


@dataclass(frozen=True)
class Queue:
    """Every article in the index, and the held (not yet approved) and blocked ones to look at."""

    out_dir: Path
    entries: list[IndexEntry]
    items: list[QueueItem]

    def counts(self) -> dict[str, int]:
        """Articles by state: published, approved (held, then released), held, blocked."""
        counts = Counter(_state(e) for e in self.entries)
        return {state: counts[state] for state in ("published", "approved", "held", "blocked")}

    def summary_line(self) -> str:
        counts = self.counts()
        return (
            f"{counts['held']} held for review, {counts['blocked']} blocked, {counts['approved']} approved, "
            f"{counts['published']} published; {len(self.entries)} articles in {Layout(self.out_dir).index}"
        )


def _state(entry: IndexEntry) -> str:
    if entry.verdict == Verdict.PUBLISH:
        return "published"
    if entry.verdict == Verdict.BLOCK:
        return "blocked"
    return "approved" if entry.approved else "held"


def require_output(out_dir: Path) -> None:
    """One clear line when there is nothing to review yet."""
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir}: no such output folder; run `newsdesk run --out {out_dir}` first")
    layout = Layout(out_dir)
    require_current_layout(layout)
    if not layout.index.is_file():
        raise PublishError(f"{out_dir}: no desk/{INDEX_FILE} here; run `newsdesk run --out {out_dir}` first")


def load_queue(out_dir: Path) -> Queue:
    """Read desk/index.json and the sidecar and markdown of every held or blocked article."""
    require_output(out_dir)
    entries = read_index(Layout(out_dir))
    pending = sorted(
        (e for e in entries if not e.released),
        key=lambda e: (_VERDICT_ORDER[Verdict(e.verdict)], _descending(e.date), e.slug),
    )
    return Queue(out_dir, entries, [_load_item(out_dir, e) for e in pending])


def _descending(date: str) -> tuple[int, ...]:
    return tuple(-int(part) for part in date.split("-"))


def _load_item(out_dir: Path, entry: IndexEntry) -> QueueItem:
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


# ------------------------------------------------------------------------------------ `newsdesk review`


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
    holding = [f for f in item.findings if f.severity is not Severity.INFO]
    if not holding:
        return "(no findings recorded)"
    rules = Counter(f.rule for f in holding)
    ids = ", ".join(rule if n == 1 else f"{rule} ×{n}" for rule, n in rules.items())
    first = _truncate(holding[0].message, REASON_CHARS)
    return f"{ids}\n{first}"


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------- `newsdesk approve`


def run_approve(slug: str, *, note: str | None, out: Path | None, editor: str | None) -> None:
    """`newsdesk approve SLUG`: release a held article to the site and its feeds."""
    settings = load_settings(out=out)
    approval, entry = approve_entry(settings, slug, by=editor or _current_user(), note=note)
    where = f"published in {settings.out / entry.path}; feeds rebuilt"
    if not entry.public:
        where = (
            f"embargoed until {entry.embargo_until:%Y-%m-%d %H:%M} UTC: the first run after then publishes it"
        )
    print(f"approved {slug} (by {approval.by} at {approval.at.isoformat()}); {where}")


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        raise PublishError("cannot tell who is approving; pass --by NAME") from None


def approve(settings: Settings, slug: str, *, by: str, note: str | None = None) -> Approval:
    """Release a held article: see `approve_entry`; returns the approval recorded."""
    return approve_entry(settings, slug, by=by, note=note)[0]


def approve_entry(
    settings: Settings, slug: str, *, by: str, note: str | None = None
) -> tuple[Approval, IndexEntry]:
    """Record an editor's release of a held article and move it from the desk to the site.

    The approval goes into its sidecar and the index; the article, its page and ninjs document
    move to `site/<date>/` and the feeds, pages and sitemap are rebuilt, all through one changeset
    (see generator/publish.py). An embargoed article keeps its place on the desk until a run
    after the embargo. Refused (PublishError) for an unknown slug, a blocked article (it must be
    fixed and re-checked), one already published or approved, and one whose markdown changed
    since it was checked.
    """
    out_dir = settings.out
    layout = Layout(out_dir)
    if not is_slug(slug):
        raise PublishError(f"{slug!r} is not an article slug (only a-z, 0-9 and -)")
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir}: no such output folder")
    with output_lock(out_dir):
        require_output(out_dir)
        prepare_output(layout)
        entries = read_index(layout)
        matches = [i for i, e in enumerate(entries) if e.slug == slug]
        if not matches:
            raise PublishError(f"{out_dir}: no article {slug!r}; `newsdesk review {out_dir}` lists held ones")
        position = max(matches, key=lambda i: entries[i].date)  # the newest date's copy
        entry = entries[position]
        article, recorded = read_article(layout, entry)
        sidecar = article.sidecar
        if sidecar.verdict is Verdict.BLOCK:
            raise PublishError(f"{slug}: blocked: fix and re-check first")
        if sidecar.verdict is None or sidecar.content_hash is None:
            raise PublishError(f"{layout.out / entry.path}: not checked yet; run `newsdesk run` first")
        if recorded is not None or entry.approved:
            who = f" by {recorded.by} at {recorded.at:%Y-%m-%d %H:%M} UTC" if recorded else ""
            raise PublishError(f"{slug}: already approved{who}")
        if sidecar.verdict is not Verdict.REVIEW or entry.released:
            raise PublishError(f"{slug}: already published (it passed every rule)")
        md_path = layout.out / entry.path
        try:
            text = md_path.read_text("utf-8")
        except OSError as exc:
            raise PublishError(f"{md_path}: cannot read ({exc.strerror})") from None
        if content_hash(text) != sidecar.content_hash:
            raise PublishError(f"{md_path}: changed since it was checked; re-run to re-check it first")
        now = settings.now or dt.datetime.now(dt.UTC)
        approval = Approval(by=by, at=whole_seconds(now), note=note, content_hash=sidecar.content_hash)
        changes = Changeset(layout)
        config = SiteConfig.from_settings(settings)
        if embargoed(entry.embargo_until, now):
            entry = update_desk_sidecar(layout, entry, article, approval, changes)
        else:
            entry = move_to_site(layout, entry, article, approval, changes, config)
        entries[position] = entry
        stage_site(layout, entries, changes, config)
        changes.commit()
        if layout.review_page.is_file():  # keep an existing page in step with the queue
            write_review_page(out_dir)
    return approval, entry


# ---------------------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class QuoteDiff:
    """A misquote beside the closest source passage, as word runs: (text, changed?)."""

    anchor: str
    source: str
    similarity: str
    quote: list[tuple[str, bool]]
    passage: list[tuple[str, bool]]


@dataclass(frozen=True)
class DropView:
    """A table removed from the published copy: where it was, why, and its text when recorded."""

    anchor: str
    drop: TableDrop
    table_html: Markup | None


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    anchor: str | None  # id of its mark (or dropped-table box) on the page; None when not placed
    where: str


@dataclass
class ArticleView:
    """Everything the page shows for one queued article."""

    item: QueueItem
    anchor: str
    title_html: Markup
    body_html: Markup
    findings: list[FindingView] = field(default_factory=list)
    quotes: list[QuoteDiff] = field(default_factory=list)
    drops: list[DropView] = field(default_factory=list)


def write_review_page(out_dir: Path) -> tuple[Path, Queue]:
    """Write `<out>/desk/review.html` atomically; call under `output_lock`."""
    queue = load_queue(out_dir)
    path = Layout(out_dir).review_page
    atomic_write(path, render_review_page(queue))
    return path, queue


def render_review_page(queue: Queue) -> str:
    """One self-contained HTML page: a summary, then each queued article with its findings marked."""
    articles = [_article_view(item, number) for number, item in enumerate(queue.items, 1)]
    findings = [finding for item in queue.items for finding in item.findings]
    severity = {finding.rule: finding.severity.value for finding in findings}
    per_rule = Counter(finding.rule for finding in findings)
    per_article = Counter(rule for item in queue.items for rule in {f.rule for f in item.findings})
    rules = [
        (rule, severity[rule], count, per_article[rule])
        for rule, count in sorted(per_rule.items(), key=lambda pair: (-pair[1], pair[0]))
    ]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template(TEMPLATE).render(
        out_dir=str(queue.out_dir),
        counts=queue.counts(),
        total=len(queue.entries),
        rules=rules,
        articles=articles,
    )


def _article_view(item: QueueItem, number: int) -> ArticleView:
    anchor = f"a{number}"
    title = item.sidecar.title if item.sidecar else item.entry.title
    view = ArticleView(item, anchor, Markup(html.escape(title)), Markup(""))
    if item.markdown is None:
        return view
    text = _MARKERS.sub("", item.markdown)
    lines = text.split("\n")
    body_start = _body_start(lines)
    drops = sorted(item.sidecar.tables_dropped, key=lambda d: d.line_start) if item.sidecar else []
    mapping = _LineMap(drops, lines)
    spans: list[tuple[int, int, int, int]] = []  # (line index, start, end, finding number)
    marks: dict[int, tuple[str, str, str]] = {}  # finding number -> (css class, tooltip, anchor)
    title_mark: tuple[int, int, str, str, str] | None = None
    for index, finding in enumerate(item.findings):
        number_in_article = index + 1
        mark_id = f"{anchor}-f{number_in_article}"
        css = f"finding rule-{re.sub(r'[^a-z0-9]+', '-', finding.rule.lower())} sev-{finding.severity.value}"
        tooltip = f"{finding.rule}: {finding.message}"
        if finding.rule == "quotes.mismatch":
            diff = _quote_diff(finding, f"{mark_id}-diff")
            if diff is not None:
                view.quotes.append(diff)
        dropped = mapping.drop_of(finding.line)
        if dropped is not None:
            where = f"in the table removed at lines {drops[dropped].line_start}-{drops[dropped].line_end}"
            view.findings.append(FindingView(finding, f"{anchor}-t{dropped + 1}", where))
            continue
        line = mapping.published(finding.line) - 1
        location = f"line {finding.line}, column {finding.column}"
        if line < body_start:
            position = title.find(finding.excerpt) if finding.excerpt else -1
            if position >= 0 and title_mark is None:
                title_mark = (position, position + len(finding.excerpt), css, tooltip, mark_id)
                view.findings.append(FindingView(finding, mark_id, f"{location} (front matter: the title)"))
            else:
                view.findings.append(FindingView(finding, None, f"{location} (front matter)"))
            continue
        span = _locate(lines, line, finding, body_start)
        if span is None:
            view.findings.append(FindingView(finding, None, location))
            continue
        spans.append((*span, number_in_article))
        marks[number_in_article] = (css, tooltip, mark_id)
        view.findings.append(FindingView(finding, mark_id, location))
    if title_mark is not None:
        start, end, css, tooltip, mark_id = title_mark
        view.title_html = Markup(
            f"{html.escape(title[:start])}{_mark_open(css, tooltip, mark_id)}"
            f"{html.escape(title[start:end])}</mark>{html.escape(title[end:])}"
        )
    for number_in_drop, drop in enumerate(drops, 1):
        view.drops.append(DropView(f"{anchor}-t{number_in_drop}", drop, _dropped_table_html(drop)))
    _insert_marks(lines, spans)
    placeholders = {}
    for position, drop_index in sorted(((mapping.position(i), i) for i in range(len(drops))), reverse=True):
        marker = chr(_DROP + drop_index)
        placeholders[marker] = view.drops[drop_index]
        at = max(position, body_start)
        lines[at:at] = ["", marker, ""]
    body = "\n".join(lines[body_start:])
    converted = markdown_html(body)
    rendered = sanitise(converted, images=False)  # the page must load nothing, not even a pixel
    writer = _MarkWriter(marks)
    writer.feed(rendered)
    writer.close()
    view.body_html = Markup(_place_drops(writer.result(), placeholders))
    return view


def _body_start(lines: list[str]) -> int:
    """Index of the first body line: after the front matter's closing `---`, if there is one."""
    if lines and lines[0].removeprefix("\ufeff").rstrip() == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                return index + 1
    return 0


class _LineMap:
    """Lines of the article as checked -> lines of the published copy (dropped tables taken out).

    Where a removed table sat between two non-blank lines, the checker left one empty line in its
    place; that line is recognised in the published text so later lines map exactly.
    """

    def __init__(self, drops: Sequence[TableDrop], published: list[str]) -> None:
        self._drops = list(drops)
        self._starts = [d.line_start for d in self._drops]
        self._shifts: list[int] = []  # lines removed up to and including each drop
        self._positions: list[int] = []  # 0-based published index where each table was
        removed = 0
        for drop in self._drops:
            at = drop.line_start - 1 - removed
            self._positions.append(at)
            kept_blank = (
                0 < at < len(published) - 1
                and not published[at].strip()
                and bool(published[at - 1].strip())
                and bool(published[at + 1].strip())
            )
            removed += drop.line_end - drop.line_start + 1 - kept_blank
            self._shifts.append(removed)

    def drop_of(self, line: int) -> int | None:
        index = bisect.bisect_right(self._starts, line) - 1
        if index >= 0 and line <= self._drops[index].line_end:
            return index
        return None

    def published(self, line: int) -> int:
        index = bisect.bisect_right(self._starts, line) - 1
        return line - (self._shifts[index] if index >= 0 else 0)

    def position(self, drop_index: int) -> int:
        return self._positions[drop_index]


def _locate(lines: list[str], line: int, finding: Finding, body_start: int) -> tuple[int, int, int] | None:
    """(line index, start, end) of the text a finding is about, on or next to its mapped line.

    The excerpt is looked for at the finding's column first, then anywhere on the line, then on
    the lines around (a mapping off by one after a removed table); without an excerpt, the line's
    text after its markdown prefix is marked.
    """
    excerpt = finding.excerpt.rstrip("…").strip()
    candidates = [line, line - 1, line + 1, line - 2, line + 2]
    if excerpt:
        for index in candidates:
            if body_start <= index < len(lines):
                text = lines[index]
                at = text.find(excerpt, max(finding.column - 1, 0)) if index == line else -1
                at = at if at >= 0 else text.find(excerpt)
                if at >= 0:
                    return index, at, at + len(excerpt)
    if not body_start <= line < len(lines) or not lines[line].strip():
        return None
    text = lines[line]
    start = max(_BLOCK_PREFIX.match(text).end(), min(finding.column - 1, len(text.rstrip())))
    if text.lstrip().startswith("|"):  # a table row: mark the one cell the column is in
        cell_start = text.rfind("|", 0, start + 1) + 1
        cell_end = text.find("|", start + 1)
        start, end = cell_start, cell_end if cell_end >= 0 else len(text)
    else:
        end = len(text.rstrip())
    while start < end and text[start].isspace():
        start += 1
    return (line, start, end) if start < end else None


def _insert_marks(lines: list[str], spans: Iterable[tuple[int, int, int, int]]) -> None:
    """Put each finding's opening and closing marker characters around its span, in place."""
    events: dict[int, list[tuple[int, int, int, str]]] = {}
    for line, start, end, number in spans:
        if number >= _SPAN:
            continue
        # At one position: closings before openings; the longer of two spans opens first (outermost).
        events.setdefault(line, []).append((end, 0, end - start, chr(_CLOSE + number)))
        events.setdefault(line, []).append((start, 1, start - end, chr(_OPEN + number)))
    for line, items in events.items():
        text = lines[line]
        pieces, previous = [], 0
        for position, _, _, marker in sorted(items):
            pieces.append(text[previous:position])
            pieces.append(marker)
            previous = position
        pieces.append(text[previous:])
        lines[line] = "".join(pieces)


def _mark_open(css: str, tooltip: str, mark_id: str | None) -> str:
    id_attribute = f' id="{html.escape(mark_id)}"' if mark_id else ""
    return f'<mark class="{html.escape(css)}" title="{html.escape(tooltip)}"{id_attribute}>'


class _MarkWriter(HTMLParser):
    """Re-serialise sanitised HTML, turning marker characters in text into well-nested <mark> tags.

    A mark never spans a tag: it is closed before any tag and opened again at the next text, so a
    finding that crosses an emphasis or a link stays valid HTML. Markers in attributes are dropped.
    """

    def __init__(self, marks: dict[int, tuple[str, str, str]]) -> None:
        super().__init__(convert_charrefs=True)
        self._marks = marks
        self._out: list[str] = []
        self._active: list[int] = []  # finding numbers whose mark is open in the text
        self._emitted = 0  # how many of them are open in the output right now
        self._placed: set[int] = set()

    def result(self) -> str:
        self._close_emitted()
        return "".join(self._out)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_emitted()
        self._out.append(f"<{tag}{_attributes(attrs)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_emitted()
        self._out.append(f"<{tag}{_attributes(attrs)}>")

    def handle_endtag(self, tag: str) -> None:
        self._close_emitted()
        self._out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        for piece in _MARKER_SPLIT.split(data):
            if not piece:
                continue
            code = ord(piece) if len(piece) == 1 else 0
            if _OPEN <= code < _CLOSE:
                if code - _OPEN in self._marks:
                    self._active.append(code - _OPEN)
            elif _CLOSE <= code < _DROP:
                if code - _CLOSE in self._active:
                    self._close_emitted()
                    self._active.remove(code - _CLOSE)
            elif _DROP <= code < _DROP + _SPAN:
                self._close_emitted()
                self._out.append(piece)  # replaced by the dropped-table box afterwards
            else:
                if piece.strip():
                    self._open_pending()
                self._out.append(html.escape(piece, quote=False))

    def _open_pending(self) -> None:
        for number in self._active[self._emitted :]:
            css, tooltip, mark_id = self._marks[number]
            self._out.append(_mark_open(css, tooltip, None if number in self._placed else mark_id))
            self._placed.add(number)
        self._emitted = len(self._active)

    def _close_emitted(self) -> None:
        self._out.append("</mark>" * self._emitted)
        self._emitted = 0


def _attributes(attrs: list[tuple[str, str | None]]) -> str:
    return "".join(
        f" {name}" if value is None else f' {name}="{html.escape(_MARKERS.sub("", value))}"'
        for name, value in attrs
    )


def _place_drops(rendered: str, placeholders: dict[str, DropView]) -> str:
    """Swap each dropped-table placeholder for its box (it sits alone in a paragraph)."""
    for marker, drop in placeholders.items():
        box = _drop_box(drop)
        if f"<p>{marker}</p>" in rendered:
            rendered = rendered.replace(f"<p>{marker}</p>", box)
        elif marker in rendered:
            rendered = rendered.replace(marker, box)
        else:
            rendered += box
    return rendered


def _drop_box(view: DropView) -> str:
    drop = view.drop
    table = f'<del class="dropped-table">{view.table_html}</del>' if view.table_html is not None else ""
    return (
        f'<aside class="dropped" id="{html.escape(view.anchor)}"><p><strong>Table removed from the '
        f"published copy</strong> (lines {drop.line_start}-{drop.line_end} of the checked article): "
        f"{html.escape(drop.reason)}</p>{table}</aside>"
    )


def _dropped_table_html(drop: TableDrop) -> Markup | None:
    """The removed table, rendered and sanitised, when the sidecar records its text."""
    text = drop.text
    if not text:
        return None
    converted = markdown_html(_MARKERS.sub("", text), footnotes=False)
    return Markup(sanitise(converted, images=False))


def _quote_diff(finding: Finding, anchor: str) -> QuoteDiff | None:
    """The misquote and the closest passage (the finding's `passage`, else its message), word-diffed."""
    match = _SIMILAR.search(finding.message)
    passage = finding.passage or (match.group("passage") if match else None)
    if not passage or not finding.excerpt:
        return None
    quote = finding.excerpt
    part = _PART.search(finding.message)
    if part:
        pieces = [p for p in _ELLIPSIS.split(quote) if p.strip()]
        k, n = int(part.group(1)), int(part.group(2))
        if len(pieces) == n:
            quote = pieces[k - 1]
    quote_runs, passage_runs = word_diff(quote, passage)
    return QuoteDiff(
        anchor,
        match.group("source") if match else "the listed sources",
        f"{match.group('similarity')}% similar" if match else "",
        quote_runs,
        passage_runs,
    )


def word_diff(old: str, new: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Word-level difference of two texts: runs of (text, changed?) for each side.

    Words compare without the punctuation at their edges and with one kind of quote mark, so a
    moved comma or a curly apostrophe is not shown as a changed word.
    """
    old_words, new_words = old.split(), new.split()
    matcher = difflib.SequenceMatcher(
        None, [_comparable(w) for w in old_words], [_comparable(w) for w in new_words], autojunk=False
    )
    old_runs: list[tuple[str, bool]] = []
    new_runs: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        if i2 > i1:
            old_runs.append((" ".join(old_words[i1:i2]), changed))
        if j2 > j1:
            new_runs.append((" ".join(new_words[j1:j2]), changed))
    return old_runs, new_runs


def _comparable(word: str) -> str:
    return word.replace("’", "'").strip(_EDGE_PUNCTUATION) or word
