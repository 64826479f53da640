"""Write a run's output and an editor's approvals into the site folder and the desk folder.

A checked article goes to the site when it is public (it passed every rule or an editor approved
this content, and any embargo is over) and to the desk otherwise; generator/release.py decides,
generator/layout.py says where. Guarantees feeds and sites rely on:

- Everything is computed and staged before anything a reader sees changes: a run's articles are
  written into staging folders (worker processes write their own), then the index, pages, feeds,
  ninjs, sitemap and run record are built from the staged files; the last step is one atomic
  switch to a new generation of site/ and desk/ (`Changeset.commit`). A run or an approval that
  fails or is killed at any moment leaves the previous complete output or the new one, and the
  next writer clears what a killed one left (`prepare_output`).
- A run replaces its date's folders as a whole, so stale articles vanish; an approval (or an
  embargo's end) moves one article from the desk to the site through the same changeset.
- Reruns on the same snapshot write the same bytes: no run timestamps in articles, sidecars, the
  index, pages or feeds (they go to desk/runs/<date>.json); release stamps come from the data.
- One writer at a time per output folder (a lock file); a second one exits with a clear message.
- Only [a-z0-9-] slugs and `sources/<name>` paths are written: data never steers a path outside.
- Files are readable as the umask allows (not mkstemp's 0600): a web server serves them as they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from generator.catalog import IndexEntry, read_index, render_index
from generator.changeset import (
    Changeset,
    own_folder,
    prepare_output,
    require_current_layout,
    staging_folder,
    write_new,
)
from generator.errors import PublishError
from generator.layout import DESK, SITE, SOURCES_DIR, Layout, Place
from generator.models import Approval, EditorAction, Release, Sidecar, Verdict, is_slug
from generator.release import go_public, is_public, next_release, release_moment
from generator.rulefiles import describe
from generator.site import SiteConfig
from generator.site.assemble import site_files
from generator.site.feeds import ARCHIVE_DIR
from generator.site.ninjs import NINJS_SUFFIX, render_document, story_document
from generator.site.pages import (
    ArticlePage,
    absolute_images,
    article_body,
    first_paragraph,
    render_article_page,
)

if TYPE_CHECKING:
    from generator.checks.document import ParsedBody

CHART_SUFFIX = ".svg"  # an article's chart is <slug>.svg beside it
# the files one article has in its folder
ARTICLE_SUFFIXES = (".md", ".html", ".json", NINJS_SUFFIX, CHART_SUFFIX)
STATE_KEYS = ("verdict", "draft", "status", "approved", "rejected")


# ------------------------------------------------------------------------------------- the article


@dataclass(frozen=True)
class CheckedArticle:
    """One article rendered and checked, before the publisher decides where it goes."""

    text: str  # the markdown as checked: front matter without publishing state, then the body
    sidecar: Sidecar  # with verdict, findings, tables dropped and content hash
    embargo_until: dt.datetime | None = None
    charts: Mapping[str, str] = field(default_factory=dict)  # chart file name -> its SVG
    parsed: ParsedBody | None = field(default=None, compare=False, repr=False)  # the checker's parse

    @property
    def slug(self) -> str:
        return self.sidecar.slug

    @property
    def verdict(self) -> Verdict:
        assert self.sidecar.verdict is not None, self.slug
        return self.sidecar.verdict

    @property
    def body(self) -> str:
        return split_front_matter(self.text)[1]

    @cached_property
    def summary(self) -> str:
        return first_paragraph(self.body)

    @property
    def content_hash(self) -> str:
        assert self.sidecar.content_hash is not None, self.slug
        return self.sidecar.content_hash

    @property
    def cited(self) -> tuple[str, ...]:
        """Paths of the source copies it lists, relative to the article."""
        return tuple(ref.path for ref in self.sidecar.sources if ref.path)


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter with its `---` lines, body); ("", text) when there is none."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end >= 0:
            return text[: end + 5], text[end + 5 :]
    return "", text


def content_hash(text: str) -> str:
    """SHA-256 of an article without its publishing-state lines: what an approval is tied to."""
    return hashlib.sha256(without_state(text).encode("utf-8")).hexdigest()


def without_state(text: str) -> str:
    """The article with the front matter's publishing-state lines (verdict, draft, ...) taken out."""
    front, body = split_front_matter(text)
    if not front:
        return text
    lines = [line for line in front.split("\n") if line.split(":", 1)[0] not in STATE_KEYS]
    return "\n".join(lines) + body


def with_state(text: str, *, verdict: Verdict, public: bool, approved: bool, rejected: bool = False) -> str:
    """The article with its publishing state at the end of the front matter.

    `draft: true` is what Hugo, Jekyll and Eleventy leave out of a build and `status: draft` what
    Pelican does, so even a copy of a desk folder publishes nothing.
    """
    front, body = split_front_matter(without_state(text))
    if not front:
        return text
    state = [
        f"verdict: {verdict.value}",
        f"draft: {'false' if public else 'true'}",
        f"status: {'published' if public else 'draft'}",
    ]
    if approved:
        state.append("approved: true")
    if rejected:
        state.append("rejected: true")
    return front[: -len("---\n")] + "\n".join(state) + "\n---\n" + body


def inert_shortcodes(body: str) -> str:
    """The body with `{{<` and `{{%` written `{{&lt;` and `{{&#37;`.

    Hugo runs those as shortcodes in content: a company name or headline holding
    `{{< youtube ... >}}` would embed a video (or a gist, a script) in every Hugo-built page.
    Markdown renderers show the entity as the character, so readers see the text as it was.
    """
    return body.replace("{{<", "{{&lt;").replace("{{%", "{{&#37;")


def without_title_heading(body: str) -> str:
    """The body without the H1 that opens it: the title is in the front matter, shown once."""
    first, _, rest = body.partition("\n")
    if not first.startswith("# "):
        return body
    return rest.lstrip("\n")


def sidecar_json(sidecar: Sidecar) -> str:
    """The sidecar on one line, like a story's ninjs document: it is the largest file an article
    has (a group figure lists every member), and indenting it made it half as large again."""
    return sidecar.model_dump_json() + "\n"


def place_article(
    article: CheckedArticle,
    *,
    approval: Approval | None,
    release: Release,
    public: bool,
    config: SiteConfig,
) -> tuple[IndexEntry, dict[str, str]]:
    """The article's index entry and files (suffix -> text) for the place it goes to."""
    _check_slug(article.slug, article.sidecar.date.isoformat())  # before an index entry is made of it
    sidecar = article.sidecar.model_copy(update={"approval": approval, "release": release})
    place: Place = SITE if public else DESK
    page = render_article_page(
        ArticlePage(
            slug=sidecar.slug,
            date=sidecar.date,
            title=sidecar.title,
            body=without_title_heading(article.body),  # the page shows the title once, in its header
            parsed=article.parsed,
            summary=article.summary,
            tickers=sidecar.tickers,
            sources=sidecar.sources,
            release=release,
            draft=not public,
            embargo_until=article.embargo_until,
            charts=[chart.file for chart in sidecar.charts],
        ),
        config,
    )
    files = {
        ".md": with_state(
            article.text,
            verdict=article.verdict,
            public=public,
            approved=approval is not None,
            rejected=sidecar.rejection is not None,
        ),
        ".html": page,
        ".json": sidecar_json(sidecar),
    }
    for chart in sidecar.charts:
        if chart.file != f"{sidecar.slug}{CHART_SUFFIX}" or chart.file not in article.charts:
            raise PublishError(f"{sidecar.slug}: chart {chart.file!r} is not the article's own drawn chart")
        files[CHART_SUFFIX] = article.charts[chart.file]
    if public:
        document = story_document(
            sidecar,
            body_html=absolute_images(article_body(page), config.url(f"{sidecar.date.isoformat()}/")),
            summary=article.summary,
            embargo_until=article.embargo_until,
            config=config,
        )
        files[NINJS_SUFFIX] = render_document(document)
    date = sidecar.date.isoformat()
    entry = IndexEntry(
        slug=sidecar.slug,
        date=date,
        kind=sidecar.kind,
        title=sidecar.title,
        verdict=article.verdict.value,
        approved=approval is not None,
        path=f"{place}/{date}/{sidecar.slug}.md",
        summary=article.summary,
        tickers=tuple(sidecar.tickers),
        place=place,
        content_hash=article.content_hash,
        embargo_until=article.embargo_until,
        release=release,
        rejected=sidecar.rejection is not None,
        newsworthiness=sidecar.newsworthiness,
        triggers=tuple(sidecar.triggers),
        routine=sidecar.routine,
    )
    return entry, files


def stage_site(layout: Layout, entries: Sequence[IndexEntry], changes: Changeset, config: SiteConfig) -> None:
    """Add the index and every site-wide file to `changes`, built as the site will be."""

    def read(entry: IndexEntry, suffix: str) -> str:
        path = layout.article(entry.place, entry.date, entry.slug, suffix)
        try:
            return changes.read_text(path)
        except OSError as exc:
            raise PublishError(
                f"{path}: published article's file is unreadable ({exc.strerror}); re-run its date"
            ) from None

    produced = set()
    for relative_path, text in site_files(entries, read, config).items():
        path = layout.site / relative_path
        if text is None:
            changes.removals.append(path)
        else:
            changes.put(path, text)
            produced.add(path)
    archive = layout.site / ARCHIVE_DIR
    if archive.is_dir():
        changes.removals.extend(p for p in sorted(archive.iterdir()) if p.is_file() and p not in produced)
    changes.put(layout.index, render_index(list(entries)))


# --------------------------------------------------------------------------- promotions and approvals


def read_article(layout: Layout, entry: IndexEntry) -> tuple[CheckedArticle, Approval | None]:
    """An article as it stands in its folder, for approving it or releasing it from an embargo."""
    md_path = layout.out / entry.path
    sidecar_path = md_path.with_suffix(".json")
    try:
        text = md_path.read_text("utf-8")
        sidecar = Sidecar.model_validate_json(sidecar_path.read_bytes())
    except OSError as exc:
        raise PublishError(f"{exc.filename}: cannot read ({exc.strerror})") from None
    except ValidationError as exc:
        raise PublishError(f"{sidecar_path}: not a valid sidecar ({describe(exc)})") from None
    charts = {}
    for chart in sidecar.charts:
        try:
            charts[chart.file] = (md_path.parent / f"{entry.slug}{CHART_SUFFIX}").read_text("utf-8")
        except OSError as exc:
            raise PublishError(f"{exc.filename}: cannot read the article's chart ({exc.strerror})") from None
    article = CheckedArticle(without_state(text), sidecar, entry.embargo_until, charts)
    return article, sidecar.approval


def move_to_site(
    layout: Layout,
    entry: IndexEntry,
    article: CheckedArticle,
    approval: Approval | None,
    changes: Changeset,
    config: SiteConfig,
) -> IndexEntry:
    """Stage one desk article's move to the site: its files there, its cited sources, then removals."""
    assert article.sidecar.release is not None, entry.slug
    release = go_public(article.sidecar.release, approval)
    return stage_article(
        layout,
        entry,
        article,
        approval=approval,
        release=release,
        public=True,
        changes=changes,
        config=config,
    )


def stage_article(
    layout: Layout,
    entry: IndexEntry,
    article: CheckedArticle,
    *,
    approval: Approval | None,
    release: Release,
    public: bool,
    changes: Changeset,
    config: SiteConfig,
) -> IndexEntry:
    """Stage one article's files in the place its state gives it; returns its new index entry.

    What an editor's action changes goes through here: an approval, an embargo's end, a rejection,
    a re-check of edited text. When the article changes place (desk to site or back) its cited
    sources are copied along and its files in the old place are removed with the commit.
    """
    placed, files = place_article(article, approval=approval, release=release, public=public, config=config)
    placed = replace(placed, newsworthiness=entry.newsworthiness)
    folder = layout.date_folder(placed.place, entry.date)
    old_folder = (layout.out / entry.path).parent
    for source in article.cited:
        _check_source_path(source, folder)
        if not (folder / source).exists() and (old_folder / source).is_file():
            changes.put(folder / source, (old_folder / source).read_text("utf-8"))
    for suffix, text in files.items():
        changes.put(folder / f"{entry.slug}{suffix}", text)
    if folder != old_folder:
        changes.removals.extend(old_folder / f"{entry.slug}{suffix}" for suffix in ARTICLE_SUFFIXES)
    return placed


def release_embargoes(
    layout: Layout,
    entries: list[IndexEntry],
    now: dt.datetime,
    changes: Changeset,
    config: SiteConfig,
) -> list[IndexEntry]:
    """Move every released desk article whose embargo is over to the site; returns the new entries."""
    result = []
    for entry in entries:
        if (
            entry.place == DESK
            and entry.released
            and entry.embargo_until is not None
            and entry.embargo_until <= now
        ):
            article, approval = read_article(layout, entry)
            entry = move_to_site(layout, entry, article, approval, changes, config)
        result.append(entry)
    return result


# -------------------------------------------------------------------------------------- a run


class Placement:
    """Where each of a date's articles goes and how it is stamped, from what the date's previous
    copies had (none for a new date): what `RunWriter.write` decides before it writes. Needs no
    output folder, so a backfill's worker places a new date's articles (generator/backfill.py).
    """

    def __init__(
        self,
        as_of: dt.date,
        slugs: Iterable[str],
        *,
        config: SiteConfig,
        now: dt.datetime,
        release_time: dt.time,
        newsworthiness: Mapping[str, float] | None = None,
        previous: Mapping[str, IndexEntry] | None = None,
        decided: Mapping[str, Sidecar] | None = None,
    ) -> None:
        self.config = config
        self.now = now
        self.base = release_moment(as_of, release_time)
        self.previous = dict(previous or {})  # slug -> the date's current entry this run replaces
        self.decided = dict(decided or {})  # slug -> sidecar of a current article an editor decided on
        # The most newsworthy story gets the latest stamp, so newest-first feeds and pages lead with
        # it; stories of equal newsworthiness read A to Z.
        weight = newsworthiness or {}
        ordered = sorted(set(slugs), key=lambda slug: (-weight.get(slug, 0.0), slug))
        self._ranks = {slug: len(ordered) - 1 - i for i, slug in enumerate(ordered)}

    def place(self, article: CheckedArticle) -> tuple[IndexEntry, dict[str, str]]:
        """The article's index entry and files (suffix -> text), decisions on its previous copy carried."""
        slug = article.slug
        previous = self.previous.get(slug)
        article = carry_decisions(article, self.decided.get(slug))
        approval = article.sidecar.approval
        release = next_release(
            previous.release if previous else None,
            previous.content_hash if previous else None,
            article.content_hash,
            base=max(self.base, article.embargo_until or self.base),
            rank=self._ranks.get(slug, 0),
            now=self.now,
        )
        public = is_public(article.verdict, approval, article.embargo_until, self.now)
        if public:
            release = go_public(release, approval)
        return place_article(article, approval=approval, release=release, public=public, config=self.config)


class RunWriter:
    """One run's articles in the making: staged beside `site/<date>/` and `desk/<date>/`.

    Forked worker processes call `write` for their own articles, so the files never cross a process
    boundary; the parent calls `commit` (or `stage`, or `abort`) once. Create it under
    `output_lock`: it first prepares the folder and clears what a killed writer may have left.
    Approvals and release stamps recorded for the previous copy of an article carry over while
    its content is unchanged.
    """

    def __init__(
        self,
        out_dir: Path,
        as_of: dt.date,
        slugs: Iterable[str],
        *,
        config: SiteConfig,
        now: dt.datetime,
        release_time: dt.time,
        newsworthiness: Mapping[str, float] | None = None,
    ) -> None:
        self.layout = Layout(out_dir)
        require_current_layout(self.layout)
        self.date = as_of.isoformat()
        self.config = config
        self.now = now
        prepare_output(self.layout)
        self._entries = read_index(self.layout)
        self._previous = {e.slug: e for e in self._entries if e.date == self.date}
        self._decided = _previous_decisions(self.layout, self._previous.values())
        self.placement = Placement(
            as_of,
            slugs,
            config=config,
            now=now,
            release_time=release_time,
            newsworthiness=newsworthiness,
            previous=self._previous,
            decided=self._decided,
        )
        self.staging = {place: staging_folder(self.layout, f"{place}-{self.date}") for place in (SITE, DESK)}
        # The date's folders as they are now, where a rerun's unchanged files are linked from
        # (found from the layout, never from the index's paths, and through no planted link).
        self._replaced = {place: own_folder(self.layout, place, self.date) for place in (SITE, DESK)}
        self._replaced_sources = {
            place: own_folder(self.layout, place, self.date, SOURCES_DIR) if self.replaces else None
            for place in (SITE, DESK)
        }
        self._source_folders: set[Path] = set()  # staged sources/ folders this process has made

    @property
    def replaces(self) -> bool:
        """Whether the date has articles already, which this run replaces."""
        return bool(self._previous)

    def write(self, article: CheckedArticle, sources: Mapping[str, str] | None = None) -> IndexEntry:
        """Stage one article's files where it belongs, with the `sources` it cites (path -> text);
        a second article with its slug fails."""
        entry, files = self.placement.place(article)
        self.store(entry, files)
        for path, text in (sources or {}).items():
            self.stage_source(entry.place, path, text)
        return entry

    def store(self, entry: IndexEntry, files: Mapping[str, str]) -> None:
        """Stage an article's files as `Placement.place` gave them; a second article with its slug
        fails. A file the same as the one it replaces is a hard link to it."""
        _check_slug(entry.slug, self.layout.date_folder(DESK, self.date))
        staging, final = self.staging[entry.place], self.layout.date_folder(entry.place, self.date)
        previous = self._previous.get(entry.slug)
        folder = self._replaced.get(previous.place) if previous else None
        for suffix, text in files.items():
            name = f"{entry.slug}{suffix}"
            write_new(staging / name, text, final, replaced=folder / name if folder else None)

    def stage_source(self, place: Place, path: str, text: str) -> None:
        """Stage a cited source (`sources/<name>`) in `place`'s folder once, however many articles
        cite it: workers stage the sources of the articles they write, so a run's thousands of
        source copies are written in parallel rather than one by one at the end, and whichever
        worker comes second finds it there (its text is the same: one source library)."""
        staging, final = self.staging[place], self.layout.date_folder(place, self.date)
        _check_source_path(path, final)
        target = staging / path
        if target.parent not in self._source_folders:
            target.parent.mkdir(exist_ok=True)
            self._source_folders.add(target.parent)
        replaced = self._replaced_sources[place]
        copy = replaced / target.name if replaced else None
        write_new(target, text, final, replaced=copy, shared=True)

    def previous_copy(self, slug: str) -> tuple[str, Sidecar] | None:
        """The copy of `slug` this run replaces, as its folder holds it (text without publishing
        state, and sidecar); None for a new article or one whose files cannot be read."""
        entry = self._previous.get(slug)
        if entry is None:
            return None
        md_path = self.layout.out / entry.path
        try:
            text = md_path.read_text("utf-8")
            sidecar = Sidecar.model_validate_json(md_path.with_suffix(".json").read_bytes())
        except (OSError, ValueError):
            return None
        return without_state(text), sidecar

    def decisions_of(self, entry: IndexEntry) -> tuple[Approval | None, list[EditorAction]]:
        """The approval a written article carries (None when it carries none), and the record of
        editors' actions it carried over from its previous copy."""
        decided = self._decided.get(entry.slug)
        if decided is None:
            return None, []
        return (decided.approval if entry.approved else None), list(decided.actions)

    def commit(
        self, entries: Sequence[IndexEntry], cited: Mapping[str, Sequence[str]], sources: Mapping[str, str]
    ) -> list[IndexEntry]:
        """`stage` everything, then switch it in; returns the index as written."""
        index, changes = self.stage(entries, cited, sources)
        changes.commit()
        return index

    def stage(
        self, entries: Sequence[IndexEntry], cited: Mapping[str, Sequence[str]], sources: Mapping[str, str]
    ) -> tuple[list[IndexEntry], Changeset]:
        """Add the cited sources `sources` holds and build the site-wide files and the index: the
        run's changeset, to which the caller may add files (the run record) before committing it.

        `cited` maps each slug to the source paths its article lists, `sources` such paths
        (`sources/<name>`) to their texts: those no worker staged (a backfill's committer is given
        them all); each folder gets the ones its own articles list.
        """
        changes = Changeset(self.layout)
        try:
            for place in (DESK, SITE):
                here = [e for e in entries if e.place == place]
                staging = self.staging[place]
                final = self.layout.date_folder(place, self.date)
                paths = sorted({path for e in here for path in cited.get(e.slug, ()) if path in sources})
                for path in paths:  # those the workers did not stage (a backfill's committer stages all)
                    self.stage_source(place, path, sources[path])
                changes.folders[final] = staging if here else None
                if not here:
                    shutil.rmtree(staging, ignore_errors=True)
            others = [e for e in self._entries if e.date != self.date]
            others = release_embargoes(self.layout, others, self.now, changes, self.config)
            index = [*others, *entries]
            stage_site(self.layout, index, changes, self.config)
        except BaseException:
            changes.abort()
            self.abort()
            raise
        return index, changes

    def abort(self) -> None:
        for staging in self.staging.values():
            shutil.rmtree(staging, ignore_errors=True)


def _previous_decisions(layout: Layout, entries: Iterable[IndexEntry]) -> dict[str, Sidecar]:
    """Sidecars of a date's current articles that an editor approved or rejected (as the index says)."""
    decided = {}
    for entry in entries:
        if not (entry.approved or entry.rejected):
            continue
        try:
            sidecar = Sidecar.model_validate_json((layout.out / entry.path).with_suffix(".json").read_bytes())
        except (OSError, ValueError):
            continue
        decided[sidecar.slug] = sidecar
    return decided


def carry_decisions(article: CheckedArticle, previous: Sidecar | None) -> CheckedArticle:
    """The article with the editor's decision on its previous copy, while the content is the same.

    An approval holds for the content it approved (and only while the checker still holds, not
    blocks, it); a rejection for the content it rejected. The record of what editors did stays.
    """
    if previous is None:
        return article
    same = article.content_hash
    approval = previous.approval
    if approval is not None and (approval.content_hash != same or article.verdict is not Verdict.REVIEW):
        approval = None
    rejection = previous.rejection
    if rejection is not None and rejection.content_hash != same:
        rejection = None
    sidecar = article.sidecar.model_copy(
        update={"approval": approval, "rejection": rejection, "actions": previous.actions}
    )
    return replace(article, sidecar=sidecar)


def _check_slug(slug: str, where: Path | str) -> None:
    """The last line of defence: a slug is a file name, so it must be [a-z0-9-] and bounded."""
    if not is_slug(slug):
        raise PublishError(f"{where}: refusing to write article with unsafe slug {slug!r}")


def is_source_path(relative_path: str) -> bool:
    """A cited source lives at `sources/<name>` beside its article, and nowhere else."""
    parts = relative_path.split("/")
    return not (
        len(parts) != 2
        or parts[0] != SOURCES_DIR
        or parts[1] in ("", ".", "..")
        or parts[1].startswith(".")
        or any(c in parts[1] for c in "\\\0")
    )


def _check_source_path(relative_path: str, folder: Path) -> None:
    """A cited source is written as `sources/<name>`, never anywhere else."""
    if not is_source_path(relative_path):
        raise PublishError(f"{folder}: refusing to write source outside {SOURCES_DIR}/: {relative_path!r}")


def run_record_file(out_dir: Path, as_of: dt.date, record: dict) -> tuple[Path, str]:
    """Run metadata (timestamps, timings, counts): kept apart so articles and feeds stay reproducible."""
    return Layout(out_dir).run_record(as_of.isoformat()), json.dumps(record, indent=2, default=str) + "\n"
