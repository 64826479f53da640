"""Write a run's output: markdown, sidecar JSON and HTML per article, the index, feeds, a run record.

Guarantees feeds rely on:
- Nothing is written until every article is rendered and checked.
- A run replaces `<out>/<as_of>/` as a whole: it is built in a temporary folder beside it and renamed
  into place, so readers never see half a run and stale articles from an earlier run vanish.
- Feeds and the index are replaced (temporary file, then rename) only after the articles are in place;
  a crash before that leaves the previous feeds intact and consistent.
- Output is byte-identical across re-runs on the same snapshot: no run timestamps in articles, feeds
  or the index (they go to runs/<as_of>.json).
- One run at a time per output folder (a lock file); a second run exits with a clear message.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3

from generator.errors import PublishError
from generator.models import Approval, Sidecar, Verdict

INDEX_FILE = "index.json"
JSON_FEED = "feed.json"
ATOM_FEED = "atom.xml"
LOCK_FILE = ".newsdesk.lock"
SOURCES_DIR = "sources"
_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"table", "thead", "tbody", "tr", "th", "td", "sup", "section", "hr"}


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


def render_html(body: str, title: str) -> str:
    """Markdown body -> a standalone, sanitised HTML page (no script, no event handlers survive)."""
    converted = markdown.markdown(body, extensions=["tables", "footnotes"], output_format="html")
    return page(html.escape(title), sanitise(converted))


def sanitise(fragment: str) -> str:
    return nh3.clean(fragment, tags=_ALLOWED_TAGS, link_rel="noopener noreferrer")


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


def atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, then rename: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_articles(
    out_dir: Path, as_of: dt.date, articles: list[ArticleOutput], sources: dict[str, str]
) -> Path:
    """Replace `<out>/<as_of>/` with this run's articles and the source texts they cite.

    Approvals recorded in the previous copy carry over to an article whose content is unchanged.
    """
    final = out_dir / as_of.isoformat()
    previous = _approvals(final)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging.", dir=out_dir))
    try:
        seen: set[str] = set()
        for article in articles:
            if article.slug in seen:  # never overwrite silently
                raise PublishError(f"{final / article.slug}: two articles in one run share this slug")
            seen.add(article.slug)
            sidecar = _with_approval(article.sidecar, previous.get(article.slug))
            (staging / f"{article.slug}.md").write_text(article.markdown, "utf-8")
            (staging / f"{article.slug}.html").write_text(article.html, "utf-8")
            (staging / f"{article.slug}.json").write_text(sidecar_json(sidecar), "utf-8")
        if sources:
            (staging / SOURCES_DIR).mkdir()
            for relative, text in sorted(sources.items()):
                (staging / relative).write_text(text, "utf-8")
        _swap_in(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def sidecar_json(sidecar: Sidecar) -> str:
    return sidecar.model_dump_json(indent=2, exclude_none=True) + "\n"


def _swap_in(staging: Path, final: Path) -> None:
    if final.exists():
        retired = final.with_name(f".{final.name}.retired")
        shutil.rmtree(retired, ignore_errors=True)
        final.rename(retired)
        staging.rename(final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(final)


def _approvals(folder: Path) -> dict[str, Approval]:
    approvals = {}
    for path in folder.glob("*.json") if folder.is_dir() else ():
        try:
            sidecar = Sidecar.model_validate_json(path.read_text("utf-8"))
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


def update_index(out_dir: Path, as_of: dt.date, articles: Iterable[ArticleOutput]) -> list[IndexEntry]:
    """Replace this date's entries in index.json, keep other dates', newest first."""
    date = as_of.isoformat()
    kept = [e for e in read_index(out_dir) if e.date != date]
    fresh = [
        IndexEntry(
            a.slug,
            date,
            a.kind,
            a.title,
            a.verdict.value,
            False,
            f"{date}/{a.slug}.md",
            a.summary,
            tuple(a.sidecar.tickers),
        )
        for a in articles
    ]
    approved = {slug for slug, _ in _approvals(out_dir / date).items()}
    fresh = [_approved(e, e.slug in approved) for e in fresh]
    entries = sorted(kept + fresh, key=lambda e: (e.date, e.slug), reverse=True)
    entries = sorted(entries, key=lambda e: e.date, reverse=True)
    write_index(out_dir, entries)
    return entries


def _approved(entry: IndexEntry, approved: bool) -> IndexEntry:
    return IndexEntry(**{**entry.__dict__, "approved": approved})


def read_index(out_dir: Path) -> list[IndexEntry]:
    path = out_dir / INDEX_FILE
    if not path.is_file():
        return []
    try:
        raw = json.loads(path.read_text("utf-8"))
        return [IndexEntry(**{**item, "tickers": tuple(item.get("tickers", ()))}) for item in raw["articles"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(f"{path}: unreadable index ({exc}); delete it and re-run to rebuild") from None


def write_index(out_dir: Path, entries: list[IndexEntry]) -> None:
    items = [{**e.__dict__, "tickers": list(e.tickers)} for e in entries]
    atomic_write(
        out_dir / INDEX_FILE,
        json.dumps({"version": 1, "articles": items}, indent=2, ensure_ascii=False) + "\n",
    )


def write_feeds(
    out_dir: Path, entries: list[IndexEntry], *, title: str, site_url: str, max_items: int
) -> int:
    """JSON Feed 1.1 and Atom 1.0 of released articles only, newest first; returns the item count."""
    base = site_url.rstrip("/") + "/"
    released = [e for e in entries if e.released][:max_items]
    items = []
    for entry in released:
        url = f"{base}{entry.date}/{entry.slug}.html"
        content = _article_html(out_dir / entry.path)
        items.append(
            {
                "id": url,
                "url": url,
                "title": entry.title,
                "content_html": content,
                "summary": entry.summary,
                "date_published": f"{entry.date}T00:00:00Z",
                "tags": [entry.kind, *entry.tickers],
            }
        )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": base,
        "feed_url": f"{base}{JSON_FEED}",
        "language": "en",
        "items": items,
    }
    atomic_write(out_dir / JSON_FEED, json.dumps(feed, indent=2, ensure_ascii=False) + "\n")
    atomic_write(out_dir / ATOM_FEED, _atom(items, title=title, base=base))
    return len(items)


def _article_html(md_path: Path) -> str:
    """The sanitised article body from its HTML page (what a feed reader shows)."""
    try:
        text = md_path.with_suffix(".html").read_text("utf-8")
    except OSError:
        return ""
    start, end = text.find("<main>"), text.rfind("</main>")
    return text[start + len("<main>") : end].strip() if start >= 0 and end > start else ""


def _atom(items: list[dict], *, title: str, base: str) -> str:
    namespace = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", namespace)
    feed = ET.Element(f"{{{namespace}}}feed")

    def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
        element.text = text
        return element

    child(feed, "id", base)
    child(feed, "title", title)
    child(feed, "updated", items[0]["date_published"] if items else "1970-01-01T00:00:00Z")
    child(feed, "link", href=f"{base}{ATOM_FEED}", rel="self")
    child(feed, "link", href=base)
    author = child(feed, "author")
    child(author, "name", title)
    for item in items:
        entry = child(feed, "entry")
        child(entry, "id", item["id"])
        child(entry, "title", item["title"])
        child(entry, "updated", item["date_published"])
        child(entry, "published", item["date_published"])
        child(entry, "link", href=item["url"])
        child(entry, "summary", item["summary"])
        child(entry, "content", item["content_html"], type="html")
        for tag in item["tags"]:
            child(entry, "category", term=tag)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def write_run_record(out_dir: Path, as_of: dt.date, record: dict) -> Path:
    """Run metadata (timestamps, timings, counts): kept apart so articles and feeds stay reproducible."""
    path = out_dir / "runs" / f"{as_of.isoformat()}.json"
    atomic_write(path, json.dumps(record, indent=2, default=str) + "\n")
    return path
