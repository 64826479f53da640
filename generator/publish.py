"""Write a run's output: markdown, sidecar JSON and HTML per article, the index, feeds, a run record.

Guarantees feeds rely on:
- A run replaces `<out>/<as_of>/` as a whole: articles are staged in a temporary folder beside it
  (worker processes write their own articles there) and the folder is renamed into place once every
  article is written, so readers never see half a run and stale articles from an earlier run vanish.
- Feeds and the index are replaced (temporary file, then rename) only after the articles are in place;
  a crash before that leaves the previous feeds intact and consistent.
- Output is byte-identical across re-runs on the same snapshot: no run timestamps in articles, feeds
  or the index (they go to runs/<as_of>.json).
- One run at a time per output folder (a lock file); a second run exits with a clear message.
- Only [a-z0-9-] slugs and `sources/<name>` paths are written: data never steers a path outside.
- Files are readable as the umask allows (not mkstemp's 0600): a web server serves them as they are.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import markdown
import nh3
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.errors import PublishError
from generator.files import DIR_MODE, RETIRED_SUFFIX, atomic_write, atomic_write_all, swap_folder
from generator.models import Approval, Sidecar, Verdict, is_slug
from generator.rulefiles import describe

INDEX_FILE = "index.json"
JSON_FEED = "feed.json"
ATOM_FEED = "atom.xml"
LOCK_FILE = ".newsdesk.lock"
REVIEW_PAGE = "review.html"
SOURCES_DIR = "sources"
_ATOMIC_FILES = (INDEX_FILE, JSON_FEED, ATOM_FEED, REVIEW_PAGE)
_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"table", "thead", "tbody", "tr", "th", "td", "sup", "section", "hr"}
_STAGING_MARK = ".staging."


@dataclass(frozen=True)
class ArticleOutput:
    """One article, fully rendered and checked, ready to write."""

    slug: str
    kind: str
    title: str
    verdict: Verdict
    markdown: str  # the published copy: front matter + checked body
    html: str
    sidecar: Sidecar
    summary: str  # first paragraph, for feeds


# ---------------------------------------------------------------------------------------------- HTML


def first_paragraph(body: str) -> str:
    """The first paragraph as plain text: an article's summary in the index and feeds."""
    for block in body.split("\n\n"):
        text = block.strip()
        if text and not text.startswith(("#", "|", "-", ">", "```")):
            return re.sub(r"[*_`]", "", " ".join(text.split()))
    return ""


def render_html(body: str, title: str) -> str:
    """Markdown body -> a standalone, sanitised HTML page.

    No script, event handler or image survives: generated articles have no images, so one that
    arrives through data (a company name, a quote) is dropped rather than loaded by every reader.
    """
    converted = _converter().reset().convert(body)
    return page(html.escape(title), sanitise(converted, images=False))


@cache
def _converter() -> markdown.Markdown:
    """One converter per process, reset per article: building one costs more than converting."""
    return markdown.Markdown(extensions=["tables", "footnotes"], output_format="html")


def sanitise(fragment: str, *, images: bool = True) -> str:
    """Keep safe markup only; `images=False` also drops <img>, so a page loads nothing from anywhere."""
    tags = _ALLOWED_TAGS if images else _ALLOWED_TAGS - {"img"}
    return nh3.clean(fragment, tags=tags, link_rel="noopener noreferrer")


def page(title: str, content: str, *, style: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{_BASE_STYLE}{style}</style>\n</head>\n<body>\n<main>\n"
        f"{content}\n</main>\n</body>\n</html>\n"
    )


_BASE_STYLE = (
    "body{font:17px/1.55 Georgia,serif;margin:0;background:#fafafa;color:#1a1a1a}"
    "main{max-width:46rem;margin:2rem auto;padding:0 1rem}"
    "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem}"
    "blockquote{border-left:3px solid #999;margin-left:0;padding-left:1rem;color:#444}"
)


# ---------------------------------------------------------------------------------------------- writing


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock for a run; a second concurrent run fails at once, clearly."""
    from filelock import FileLock, Timeout

    if out_dir.exists() and not out_dir.is_dir():
        raise PublishError(f"{out_dir}: is a file; the output must be a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out_dir / LOCK_FILE), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise PublishError(
            f"{out_dir}: another newsdesk run is writing here (lock {out_dir / LOCK_FILE}); "
            "wait for it to finish"
        ) from None
    try:
        yield
    finally:
        lock.release()


class RunWriter:
    """One run's articles in the making: staged beside `<out>/<as_of>/`, then swapped in whole.

    Forked worker processes call `write` for their own articles, so the files never cross a process
    boundary; the parent calls `commit` (or `abort`) once. Create it under `output_lock`: it first
    clears what a killed run may have left behind. Approvals recorded for the previous copy of an
    article carry over when its content is unchanged.
    """

    def __init__(self, out_dir: Path, as_of: dt.date) -> None:
        self.out_dir = out_dir
        self.date = as_of.isoformat()
        self.final = out_dir / self.date
        _clear_leftovers(out_dir)
        self._approvals = _previous_approvals(out_dir, self.date)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.final.name}{_STAGING_MARK}", dir=out_dir))
        self.staging.chmod(DIR_MODE)

    def write(self, article: ArticleOutput) -> IndexEntry:
        """Stage one article's markdown, HTML and sidecar; a second article with its slug fails."""
        _check_slug(article.slug, self.final)
        sidecar = _with_approval(article.sidecar, self._approvals.get(article.slug))
        for suffix, text in (
            (".md", article.markdown),
            (".html", article.html),
            (".json", sidecar_json(sidecar)),
        ):
            _write_new(self.staging / f"{article.slug}{suffix}", text, self.final)
        return IndexEntry(
            article.slug,
            self.date,
            article.kind,
            article.title,
            article.verdict.value,
            sidecar.approval is not None,
            f"{self.date}/{article.slug}.md",
            article.summary,
            tuple(sidecar.tickers),
        )

    def commit(self, sources: dict[str, str]) -> Path:
        """Add the cited source texts and swap the staged folder in."""
        try:
            if sources:
                (self.staging / SOURCES_DIR).mkdir()
                for relative, text in sorted(sources.items()):
                    _check_source_path(relative, self.final)
                    _write_new(self.staging / relative, text, self.final)
            swap_folder(self.staging, self.final)
        except BaseException:
            self.abort()
            raise
        return self.final

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _write_new(path: Path, text: str, final: Path) -> None:
    """Create a file that must not exist yet: never overwrite silently."""
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        raise PublishError(f"{final / path.name}: two articles in one run share this name") from None


def sidecar_json(sidecar: Sidecar) -> str:
    return sidecar.model_dump_json(indent=2) + "\n"


def _check_slug(slug: str, folder: Path) -> None:
    """The last line of defence: a slug is a file name, so it must be [a-z0-9-] and bounded."""
    if not is_slug(slug):
        raise PublishError(f"{folder}: refusing to write article with unsafe slug {slug!r}")


def _check_source_path(relative: str, folder: Path) -> None:
    """A cited source is written as `sources/<name>`, never anywhere else."""
    parts = relative.split("/")
    if (
        len(parts) != 2
        or parts[0] != SOURCES_DIR
        or parts[1] in ("", ".", "..")
        or any(c in parts[1] for c in "\\\0")
    ):
        raise PublishError(f"{folder}: refusing to write source outside {SOURCES_DIR}/: {relative!r}")


def _clear_leftovers(out_dir: Path) -> None:
    """Undo what killed runs left, for every date: staging folders, retired copies, temporary files.

    A run killed between retiring a date's folder and renaming the new one in leaves no `<date>/`;
    its retired copy is put back (whatever date this run is for) so readers, feeds and approvals
    find those articles. Only a retired copy whose date folder exists is garbage.
    """
    for path in sorted(out_dir.iterdir()):
        name = path.name
        if path.is_dir() and name.startswith(".") and name.endswith(RETIRED_SUFFIX):
            date_folder = out_dir / name[1 : -len(RETIRED_SUFFIX)]
            if date_folder.exists():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.rename(date_folder)
    for path in out_dir.iterdir():
        name = path.name
        if not name.startswith("."):
            continue
        if path.is_dir() and _STAGING_MARK in name:
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file() and name.startswith(tuple(f".{f}." for f in _ATOMIC_FILES)):
            path.unlink(missing_ok=True)


def _previous_approvals(out_dir: Path, date: str) -> dict[str, Approval]:
    """Approvals of the date's current articles, read from the sidecars the index marks approved."""
    approvals = {}
    for entry in read_index(out_dir):
        if entry.date != date or not entry.approved:
            continue
        try:
            sidecar = Sidecar.model_validate_json(
                (out_dir / entry.path).with_suffix(".json").read_text("utf-8")
            )
        except (OSError, ValueError):
            continue
        if sidecar.approval is not None:
            approvals[sidecar.slug] = sidecar.approval
    return approvals


def _with_approval(sidecar: Sidecar, approval: Approval | None) -> Sidecar:
    if (
        approval is None
        or approval.content_hash != sidecar.content_hash
        or sidecar.verdict is not Verdict.REVIEW
    ):
        return sidecar
    return sidecar.model_copy(update={"approval": approval})


# ------------------------------------------------------------------------------------- index and feeds


@dataclass(frozen=True)
class IndexEntry:
    """What feeds and the review queue need to know about one written article."""

    slug: str
    date: str
    kind: str
    title: str
    verdict: str
    approved: bool
    path: str  # relative to the output folder
    summary: str
    tickers: tuple[str, ...]

    @property
    def released(self) -> bool:
        return self.verdict == Verdict.PUBLISH or (self.verdict == Verdict.REVIEW and self.approved)


def update_index(out_dir: Path, date: str, fresh: Iterable[IndexEntry]) -> list[IndexEntry]:
    """Replace one date's entries in index.json, keep other dates', newest first (then by slug)."""
    kept = [e for e in read_index(out_dir) if e.date != date]
    entries = sorted([*kept, *fresh], key=lambda e: e.slug)
    entries.sort(key=lambda e: e.date, reverse=True)
    write_index(out_dir, entries)
    return entries


class IndexFile(BaseModel):
    """`index.json`: every written article of every date, newest first (feeds and review read it)."""

    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    articles: list[IndexEntry]


def read_index(out_dir: Path) -> list[IndexEntry]:
    path = out_dir / INDEX_FILE
    if not path.is_file():
        return []
    try:
        return IndexFile.model_validate_json(path.read_bytes()).articles
    except OSError as exc:
        raise PublishError(f"{path}: cannot read index ({exc.strerror})") from None
    except ValidationError as exc:
        raise PublishError(f"{path}: unreadable index ({describe(exc)}); delete it and re-run") from None


def write_index(out_dir: Path, entries: list[IndexEntry]) -> None:
    data = IndexFile(articles=entries).model_dump(mode="json")
    atomic_write(out_dir / INDEX_FILE, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


_RFC3339_UTC = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


class FeedItem(BaseModel):
    """One JSON Feed 1.1 item; the Atom entry carries the same fields."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="the article's URL: stable across runs")
    url: str
    title: str
    content_html: str = Field(description="the sanitised article body")
    summary: str
    date_published: str = Field(pattern=_RFC3339_UTC, description="the data as-of date, midnight UTC")
    tags: list[str] = Field(description="the article kind, then its tickers")


class JsonFeed(BaseModel):
    """`feed.json`: JSON Feed 1.1 of released articles only, newest first."""

    model_config = ConfigDict(extra="forbid")

    version: Literal["https://jsonfeed.org/version/1.1"] = "https://jsonfeed.org/version/1.1"
    title: str
    home_page_url: str
    feed_url: str
    language: str
    items: list[FeedItem]


def write_feeds(
    out_dir: Path, entries: list[IndexEntry], *, title: str, site_url: str, max_items: int
) -> int:
    """JSON Feed 1.1 and Atom 1.0 of released articles only, newest first; returns the item count."""
    base = site_url.rstrip("/") + "/"
    released = [e for e in entries if e.released][:max_items]
    items = [
        FeedItem(
            id=f"{base}{entry.date}/{entry.slug}.html",
            url=f"{base}{entry.date}/{entry.slug}.html",
            title=entry.title,
            content_html=_article_html(out_dir / entry.path),
            summary=entry.summary,
            date_published=f"{entry.date}T00:00:00Z",
            tags=[entry.kind, *entry.tickers],
        )
        for entry in released
    ]
    feed = JsonFeed(
        title=title, home_page_url=base, feed_url=f"{base}{JSON_FEED}", language="en", items=items
    )
    feed_json = json.dumps(feed.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    atom = _atom(items, title=title, base=base)
    atomic_write_all({out_dir / JSON_FEED: feed_json, out_dir / ATOM_FEED: atom})
    return len(items)


def _article_html(md_path: Path) -> str:
    """The sanitised article body from its HTML page (what a feed reader shows).

    A released article without its page is an inconsistent output folder: refuse to publish an empty
    item rather than hide the problem.
    """
    page_path = md_path.with_suffix(".html")
    try:
        text = page_path.read_text("utf-8")
    except OSError as exc:
        raise PublishError(
            f"{page_path}: released article's page is unreadable ({exc.strerror}); re-run its date"
        ) from None
    start, end = text.find("<main>"), text.rfind("</main>")
    return text[start + len("<main>") : end].strip() if start >= 0 and end > start else ""


def _atom(items: list[FeedItem], *, title: str, base: str) -> str:
    namespace = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", namespace)
    feed = ET.Element(f"{{{namespace}}}feed")

    def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
        element.text = text
        return element

    child(feed, "id", base)
    child(feed, "title", title)
    child(feed, "updated", items[0].date_published if items else "1970-01-01T00:00:00Z")
    child(feed, "link", href=f"{base}{ATOM_FEED}", rel="self")
    child(feed, "link", href=base)
    author = child(feed, "author")
    child(author, "name", title)
    for item in items:
        entry = child(feed, "entry")
        child(entry, "id", item.id)
        child(entry, "title", item.title)
        child(entry, "updated", item.date_published)
        child(entry, "published", item.date_published)
        child(entry, "link", href=item.url)
        child(entry, "summary", item.summary)
        child(entry, "content", item.content_html, type="html")
        for tag in item.tags:
            child(entry, "category", term=tag)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def write_run_record(out_dir: Path, as_of: dt.date, record: dict) -> Path:
    """Run metadata (timestamps, timings, counts): kept apart so articles and feeds stay reproducible."""
    path = out_dir / "runs" / f"{as_of.isoformat()}.json"
    atomic_write(path, json.dumps(record, indent=2, default=str) + "\n")
    return path
