"""What an editor does to an article: re-check it (after an edit), approve it, or reject it.

Every action goes through the writer a run uses: under the output folder's lock, the article's
files, the index and every site-wide file (pages, feeds, ninjs, sitemap) are staged in one
`Changeset` and committed as a row of renames, so an action that fails changes nothing. Each is
recorded in the article's sidecar (`actions`: who, when, what, the note or reason, the verdict it
left) and handed to an optional `ActionRecorder`: the seam where a run database records it too.
The terminal commands and `newsdesk serve` call these functions and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import yaml
from pydantic import ValidationError

from generator.catalog import IndexEntry, read_index
from generator.changeset import Changeset, output_lock, prepare_output
from generator.config import Settings
from generator.errors import PublishError
from generator.layout import Layout
from generator.models import (
    Approval,
    EditorAction,
    FrontMatter,
    Rejection,
    Release,
    Sidecar,
    SourceRef,
    Verdict,
    is_slug,
)
from generator.publish import (
    CheckedArticle,
    carry_decisions,
    content_hash,
    is_source_path,
    read_article,
    split_front_matter,
    stage_article,
    stage_site,
    without_state,
)
from generator.release import embargoed, go_public, is_public, next_release, release_moment, whole_seconds
from generator.rulefiles import describe
from generator.site import SiteConfig

from .queue import require_output, state_of

MAX_NOTE_CHARS = 2000  # an approval's note or a rejection's reason


class ActionRecorder(Protocol):
    """Somewhere else an editor's actions are recorded, after the output folder has them.

    The run database (where an output folder has one) implements this; `recorder_for` finds it.
    `record` is called once per action, after its changes are committed.
    """

    def record(self, out_dir: Path, entry: IndexEntry, action: EditorAction) -> None: ...


def recorder_for(settings: Settings) -> ActionRecorder | None:
    """The recorder of the output folder's run database (generator/history/), once a run has
    made one; before that, actions are recorded in the sidecars alone."""
    from generator.history.recorder import history_recorder

    return history_recorder(settings)


@dataclass(frozen=True)
class ActionResult:
    """What an action left: the article's index entry and sidecar, and its verdict before."""

    entry: IndexEntry
    sidecar: Sidecar
    action: EditorAction
    verdict_before: Verdict | None


# ------------------------------------------------------------------------------------------- recheck


def recheck(
    settings: Settings,
    target: str,
    *,
    by: str,
    text: str | None = None,
    note: str | None = None,
    recorder: ActionRecorder | None = None,
) -> ActionResult:
    """Check an article again with the current rules and place it by its new verdict.

    `target` is a slug (its newest date's copy) or the path of its `.md`. With `text`, that is the
    edited article (as from the browser); without, the `.md` as it is on disk (edited by hand).
    Sidecar, verdict, findings, release stamps, its place (site or desk), the index, feeds, ninjs
    and sitemap are updated as a run would update them: an approval or rejection holds only while
    the content is the one approved or rejected, and changed content is a new release version.
    The text before and after an edit is kept in desk/versions/ for diffs.
    """
    _require_name(by)
    out_dir = settings.out
    layout = Layout(out_dir)
    with _editing(out_dir):
        entries = read_index(layout)
        position = _position(layout, entries, target)
        entry = entries[position]
        old, _ = read_article(layout, entry)
        md_path = layout.out / entry.path
        on_disk = without_state(_read(md_path))
        draft = without_state(text.replace("\r\n", "\n")) if text is not None else on_disk
        front = _front_matter(draft, md_path, entry)
        before = old.sidecar
        base = before.model_copy(
            update={
                "title": front.title,
                "kind": front.kind,
                "tickers": front.tickers,
                "sources": front.sources,
                "verdict": None,
                "findings": [],
                "tables_dropped": [],
                "content_hash": None,
            }
        )
        from generator.checks import Checker, load_rules  # the checker's rules load only when needed

        checker = Checker(load_rules(settings.rules_dir))
        result = checker.check(
            draft, path=str(md_path), sidecar=base, read_source=_source_reader(layout, entry)
        )
        report = result.report
        checked = result.fixed_text
        new_hash = content_hash(checked)
        sidecar = base.model_copy(
            update={
                "verdict": report.verdict,
                "findings": list(report.findings),
                "tables_dropped": list(report.tables_dropped),
                "content_hash": new_hash,
            }
        )
        article = carry_decisions(CheckedArticle(checked, sidecar, front.embargo_until, old.charts), before)
        changed = new_hash != before.content_hash
        now = _now(settings)
        action = EditorAction(
            action="edit" if changed else "recheck",
            by=by,
            at=now,
            note=_bounded(note),
            content_hash=new_hash,
            previous_hash=before.content_hash if changed else None,
            verdict=report.verdict,
        )
        article = _with_action(article, action)
        approval = article.sidecar.approval
        start = release_moment(front.date, settings.release_time)
        release = next_release(
            before.release,
            before.content_hash,
            new_hash,
            base=max(start, front.embargo_until or start),
            rank=_rank(entries, entry),
            now=now,
        )
        public = is_public(report.verdict, approval, front.embargo_until, now)
        if public:
            release = go_public(release, approval)
        kept: list[tuple[str, str]] = []
        if changed:
            if before.content_hash and content_hash(on_disk) == before.content_hash:
                kept.append((before.content_hash, on_disk))
            kept.append((new_hash, checked))
        placed = _place(
            layout,
            settings,
            entries,
            position,
            article,
            approval=approval,
            release=release,
            public=public,
            kept=kept,
        )
    return _done(recorder, layout, placed, action, before.verdict)


# ------------------------------------------------------------------------------------------- approve


def approve(
    settings: Settings,
    slug: str,
    *,
    by: str,
    note: str | None = None,
    recorder: ActionRecorder | None = None,
) -> ActionResult:
    """Release a held article: move it from the desk to the site, or keep it there under embargo.

    The approval goes into its sidecar and the index; the article, its page and ninjs document
    move to `site/<date>/` and the feeds, pages and sitemap are rebuilt, all through one changeset.
    Refused (PublishError) for an unknown slug, a blocked article (it must be fixed and re-checked),
    one already published, approved or rejected, and one whose markdown changed since it was checked.
    """
    _require_name(by)
    out_dir = settings.out
    layout = Layout(out_dir)
    with _editing(out_dir):
        entries = read_index(layout)
        position = _position(layout, entries, slug)
        entry = entries[position]
        article, recorded = read_article(layout, entry)
        sidecar = article.sidecar
        if sidecar.verdict is Verdict.BLOCK:
            raise PublishError(f"{entry.slug}: blocked: fix and re-check first")
        if sidecar.verdict is None or sidecar.content_hash is None:
            raise PublishError(f"{layout.out / entry.path}: not checked yet; run `newsdesk run` first")
        if recorded is not None or entry.approved:
            who = f" by {recorded.by} at {recorded.at:%Y-%m-%d %H:%M} UTC" if recorded else ""
            raise PublishError(f"{entry.slug}: already approved{who}")
        if sidecar.verdict is not Verdict.REVIEW or entry.released:
            raise PublishError(f"{entry.slug}: already published (it passed every rule)")
        _refuse_rejected(entry, sidecar)
        _require_unchanged(layout, entry, sidecar)
        now = _now(settings)
        approval = Approval(by=by, at=now, note=_bounded(note), content_hash=sidecar.content_hash)
        action = EditorAction(
            action="approve",
            by=by,
            at=now,
            note=approval.note,
            content_hash=sidecar.content_hash,
            verdict=sidecar.verdict,
        )
        article = _with_action(
            replace(article, sidecar=sidecar.model_copy(update={"approval": approval})), action
        )
        public = not embargoed(entry.embargo_until, now)
        assert sidecar.release is not None, entry.slug
        release = go_public(sidecar.release, approval) if public else sidecar.release
        placed = _place(
            layout, settings, entries, position, article, approval=approval, release=release, public=public
        )
    return _done(recorder, layout, placed, action, sidecar.verdict)


# -------------------------------------------------------------------------------------------- reject


def reject(
    settings: Settings,
    slug: str,
    *,
    by: str,
    reason: str,
    recorder: ActionRecorder | None = None,
) -> ActionResult:
    """Decide not to publish a held or blocked article; it stays on the desk, out of the queue.

    The rejection (who, when, why, the content rejected) goes into its sidecar and the index. It
    holds while the content is the same: a rerun that writes the same text keeps it, and an edit
    re-checked with `recheck` puts the article back in the queue.
    """
    _require_name(by)
    reason = _bounded(reason)
    if not reason:
        raise PublishError(f"{slug}: a rejection needs a reason")
    out_dir = settings.out
    layout = Layout(out_dir)
    with _editing(out_dir):
        entries = read_index(layout)
        position = _position(layout, entries, slug)
        entry = entries[position]
        article, _ = read_article(layout, entry)
        sidecar = article.sidecar
        state = state_of(entry)
        if state == "published":
            raise PublishError(f"{entry.slug}: already published (it passed every rule)")
        if state == "approved":
            raise PublishError(f"{entry.slug}: already approved")
        _refuse_rejected(entry, sidecar)
        if sidecar.verdict is None or sidecar.content_hash is None:
            raise PublishError(f"{layout.out / entry.path}: not checked yet; run `newsdesk run` first")
        _require_unchanged(layout, entry, sidecar)
        now = _now(settings)
        rejection = Rejection(by=by, at=now, reason=reason, content_hash=sidecar.content_hash)
        action = EditorAction(
            action="reject",
            by=by,
            at=now,
            note=reason,
            content_hash=sidecar.content_hash,
            verdict=sidecar.verdict,
        )
        article = _with_action(
            replace(article, sidecar=sidecar.model_copy(update={"rejection": rejection})), action
        )
        assert sidecar.release is not None, entry.slug
        placed = _place(
            layout, settings, entries, position, article, approval=None, release=sidecar.release, public=False
        )
    return _done(recorder, layout, placed, action, sidecar.verdict)


# ------------------------------------------------------------------------------------------ versions


@dataclass(frozen=True)
class Version:
    """One text an article had, as an editor's actions left it."""

    content_hash: str
    label: str  # e.g. "as checked by the run", "edited by kim at 2026-11-21 10:02 UTC"
    text: str | None  # None when the text was not kept (the file was edited by hand)


def versions(out_dir: Path, entry: IndexEntry, sidecar: Sidecar, current: str) -> list[Version]:
    """The article's texts, oldest first: before the first edit, after each edit; the last is now.

    `current` is the text as it is now (without its publishing state): the latest version's text.
    """
    layout = Layout(out_dir)
    found: list[Version] = []
    for action in sidecar.actions:
        if action.action != "edit":
            continue
        if not found and action.previous_hash:
            text = _kept(layout, entry, action.previous_hash)
            found.append(Version(action.previous_hash, "before the first edit", text))
        when = action.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        text = _kept(layout, entry, action.content_hash)
        found.append(Version(action.content_hash, f"edited by {action.by} at {when}", text))
    if found and found[-1].content_hash == sidecar.content_hash:
        found[-1] = replace(found[-1], text=current)
    elif sidecar.content_hash:
        found.append(Version(sidecar.content_hash, "as it stands", current))
    return found


def _kept(layout: Layout, entry: IndexEntry, digest: str) -> str | None:
    try:
        return layout.version(entry.date, entry.slug, digest).read_text("utf-8")
    except OSError:
        return None


def _keep_version(layout: Layout, entry: IndexEntry, digest: str, text: str, changes: Changeset) -> None:
    path = layout.version(entry.date, entry.slug, digest)
    if not path.exists():
        changes.put(path, text)


# ------------------------------------------------------------------------------------------- helpers


@contextmanager
def _editing(out_dir: Path) -> Iterator[None]:
    """The output folder's lock, held for one action, once the folder is known to be a newsdesk output."""
    require_output(out_dir)  # before the lock, which would create the folder and its lock file
    with output_lock(out_dir):
        require_output(out_dir)
        prepare_output(Layout(out_dir))
        yield


def _position(layout: Layout, entries: Sequence[IndexEntry], target: str) -> int:
    """The index position of the article named by a slug (its newest date) or by its .md path."""
    out = layout.out
    if is_slug(target):
        matches = [i for i, e in enumerate(entries) if e.slug == target]
        if not matches:
            raise PublishError(f"{out}: no article {target!r}; `newsdesk review {out}` lists held ones")
        return max(matches, key=lambda i: entries[i].date)
    if not target.endswith(".md"):
        raise PublishError(f"{target!r} is not an article slug (only a-z, 0-9 and -) or a .md path")
    wanted = Path(target).resolve()
    for i, entry in enumerate(entries):
        if (out / entry.path).resolve() == wanted:
            return i
    raise PublishError(f"{target}: not an article of {out} (its index lists no such file)")


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        raise PublishError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise PublishError(f"{path}: cannot read ({exc.strerror})") from None


def _front_matter(text: str, path: Path, entry: IndexEntry) -> FrontMatter:
    """The edited article's front matter; it must keep its slug and date (they name its files)."""
    front, _ = split_front_matter(text)
    if not front:
        raise PublishError(f"{path}: the edited article has no front matter (--- ... ---)")
    try:
        data = yaml.safe_load(front.strip().strip("-"))
        matter = FrontMatter.model_validate(data if isinstance(data, dict) else {})
    except yaml.YAMLError as exc:
        raise PublishError(f"{path}: front matter is not valid YAML ({' '.join(str(exc).split())})") from None
    except ValidationError as exc:
        raise PublishError(f"{path}: front matter: {describe(exc)}") from None
    if matter.slug != entry.slug:
        raise PublishError(f"{path}: an edit must keep the slug {entry.slug!r} (found {matter.slug!r})")
    if matter.date.isoformat() != entry.date:
        raise PublishError(f"{path}: an edit must keep the date {entry.date} (found {matter.date})")
    return matter


def _source_reader(layout: Layout, entry: IndexEntry):
    """Read a cited source from the copies beside the article (site or desk), only as sources/<name>."""
    folders = [
        (layout.out / entry.path).parent,
        *(layout.date_folder(p, entry.date) for p in ("desk", "site")),
    ]

    def read(ref: SourceRef) -> str | None:
        if not ref.path or not is_source_path(ref.path):
            return None
        for folder in folders:
            path = folder / ref.path
            if path.is_file() and path.resolve().is_relative_to(layout.out.resolve()):
                try:
                    return path.read_text("utf-8")
                except (OSError, UnicodeDecodeError):
                    return None
        return None

    return read


def _rank(entries: Sequence[IndexEntry], entry: IndexEntry) -> int:
    """The article's place among its date's stories, as a run stamps them (see release.py)."""
    ordered = sorted({e.slug for e in entries if e.date == entry.date})
    return len(ordered) - 1 - ordered.index(entry.slug)


def _require_unchanged(layout: Layout, entry: IndexEntry, sidecar: Sidecar) -> None:
    md_path = layout.out / entry.path
    if content_hash(_read(md_path)) != sidecar.content_hash:
        raise PublishError(
            f"{md_path}: changed since it was checked; `newsdesk recheck {entry.slug}` re-checks it first"
        )


def _refuse_rejected(entry: IndexEntry, sidecar: Sidecar) -> None:
    if entry.rejected or sidecar.rejection is not None:
        who = f" by {sidecar.rejection.by}" if sidecar.rejection else ""
        raise PublishError(f"{entry.slug}: rejected{who}; edit and re-check it to put it back in the queue")


def _require_name(by: str) -> None:
    if not by or not by.strip() or len(by) > 200 or any(not c.isprintable() for c in by):
        raise PublishError("who is acting? give a name (printable, at most 200 characters)")


def _bounded(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    if len(text) > MAX_NOTE_CHARS:
        raise PublishError(f"a note or reason is at most {MAX_NOTE_CHARS} characters")
    return text or None


def _now(settings: Settings) -> dt.datetime:
    return whole_seconds(settings.now or dt.datetime.now(dt.UTC))


def _with_action(article: CheckedArticle, action: EditorAction) -> CheckedArticle:
    sidecar = article.sidecar
    return replace(article, sidecar=sidecar.model_copy(update={"actions": [*sidecar.actions, action]}))


def _place(
    layout: Layout,
    settings: Settings,
    entries: list[IndexEntry],
    position: int,
    article: CheckedArticle,
    *,
    approval: Approval | None,
    release: Release,
    public: bool,
    kept: Sequence[tuple[str, str]] = (),
) -> IndexEntry:
    """Stage the article where it now belongs (with the texts to keep in versions/), the index and
    the site around it, and apply it all as one change."""
    config = SiteConfig.from_settings(settings)
    changes = Changeset(layout)
    entry = entries[position]
    placed = stage_article(
        layout,
        entry,
        article,
        approval=approval,
        release=release,
        public=public,
        changes=changes,
        config=config,
    )
    for digest, text in kept:
        _keep_version(layout, entry, digest, text, changes)
    entries = [*entries]
    entries[position] = placed
    stage_site(layout, entries, changes, config)
    changes.commit()
    if layout.review_page.exists():  # an editor uses it: keep it in step with the desk
        from .page import write_review_page

        write_review_page(layout.out)
    return placed


def _done(
    recorder: ActionRecorder | None,
    layout: Layout,
    placed: IndexEntry,
    action: EditorAction,
    verdict_before: Verdict | None,
) -> ActionResult:
    """The action's result as written, told to the recorder if there is one."""
    outcome = ActionResult(placed, _written_sidecar(layout, placed), action, verdict_before)
    if recorder is not None:
        recorder.record(layout.out, outcome.entry, outcome.action)
    return outcome


def _written_sidecar(layout: Layout, entry: IndexEntry) -> Sidecar:
    """The sidecar as the action left it on disk (with the release and approval it was placed with)."""
    return Sidecar.model_validate_json((layout.out / entry.path).with_suffix(".json").read_bytes())


__all__ = [
    "ActionRecorder",
    "ActionResult",
    "Version",
    "approve",
    "recheck",
    "recorder_for",
    "reject",
    "versions",
]
