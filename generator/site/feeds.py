"""JSON Feed 1.1 and Atom 1.0 of the site's stories, with archive pages past `feed_max_items`.

The subscription feeds (feed.json, atom.xml) carry the newest `feed_max_items` stories. Older
stories are kept in archive pages of exactly `feed_max_items` stories each, counted from the oldest
(archive/atom-1.xml and archive/feed-1.json hold the first ones published), so an archive page does
not change when new stories arrive. Atom archives follow RFC 5005 ("Feed Paging and Archiving",
section 4: archived feeds, with `prev-archive`, `next-archive` and `current` links and an
`fh:archive` marker); JSON Feed pages are chained with `next_url`, newest page first. A reader that
follows the chain from the subscription feed sees every published story.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from generator import __version__
from generator.catalog import IndexEntry
from generator.models import utc_stamp
from generator.release import last_modified
from generator.site import SiteConfig

JSON_FEED = "feed.json"
ATOM_FEED = "atom.xml"
ARCHIVE_DIR = "archive"
ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"  # RFC 5005
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RFC3339_UTC = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


class FeedItem(BaseModel):
    """One JSON Feed 1.1 item; the Atom entry carries the same fields."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="the article's URL: stable across runs")
    url: str
    title: str
    content_html: str = Field(description="the sanitised article body, without the headline")
    summary: str
    date_published: str = Field(pattern=_RFC3339_UTC, description="when the story went public")
    date_modified: str = Field(
        pattern=_RFC3339_UTC, description="when its current version was made, or published"
    )
    tags: list[str] = Field(description="the article kind, then its tickers")


class Author(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str


class JsonFeed(BaseModel):
    """`feed.json` and `archive/feed-<n>.json`: JSON Feed 1.1 of published stories, newest first."""

    model_config = ConfigDict(extra="forbid")

    version: Literal["https://jsonfeed.org/version/1.1"] = "https://jsonfeed.org/version/1.1"
    title: str
    home_page_url: str
    feed_url: str = Field(description="the subscription feed's URL, on every page")
    language: str
    authors: list[Author]
    next_url: str | None = Field(default=None, description="the next older page; absent on the oldest")
    items: list[FeedItem]


@dataclass(frozen=True)
class Story:
    """A published story as the feeds list it."""

    entry: IndexEntry
    content_html: str


def feed_files(stories: Sequence[Story], config: SiteConfig) -> dict[str, str]:
    """Path in the site folder -> text, for the subscription feeds and every archive page.

    `stories` are the site's stories, newest publication first.
    """
    size = config.feed_max_items
    items = [_item(story, config) for story in stories]
    pages = (len(items) - 1) // size if len(items) > size else 0
    oldest_first = items[::-1]
    files = {
        JSON_FEED: _json_feed(items[:size], config, next_page=pages or None),
        ATOM_FEED: _atom(items[:size], config, page=None, pages=pages),
    }
    for page in range(1, pages + 1):
        chunk = oldest_first[(page - 1) * size : page * size][::-1]
        files[f"{ARCHIVE_DIR}/feed-{page}.json"] = _json_feed(chunk, config, next_page=page - 1 or None)
        files[f"{ARCHIVE_DIR}/atom-{page}.xml"] = _atom(chunk, config, page=page, pages=pages)
    return files


def _item(story: Story, config: SiteConfig) -> FeedItem:
    entry = story.entry
    release = entry.release
    assert release is not None and release.published is not None, entry.slug
    url = config.article_url(entry.date, entry.slug)
    return FeedItem(
        id=url,
        url=url,
        title=entry.title,
        content_html=story.content_html,
        summary=entry.summary,
        date_published=utc_stamp(release.published),
        date_modified=utc_stamp(last_modified(release)),
        tags=[entry.kind, *entry.tickers],
    )


def _json_feed(items: list[FeedItem], config: SiteConfig, *, next_page: int | None) -> str:
    feed = JsonFeed(
        title=config.publication,
        home_page_url=config.base_url,
        feed_url=config.url(JSON_FEED),
        language=config.language,
        authors=[Author(name=config.author)],
        next_url=config.url(f"{ARCHIVE_DIR}/feed-{next_page}.json") if next_page else None,
        items=items,
    )
    data = feed.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _atom(items: list[FeedItem], config: SiteConfig, *, page: int | None, pages: int) -> str:
    """The subscription document (`page` None) or archive page `page` of `pages`."""
    ET.register_namespace("", ATOM_NS)
    ET.register_namespace("fh", HISTORY_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: config.language})

    def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
        element.text = text
        return element

    def link(rel: str, relative: str) -> None:
        child(feed, "link", href=config.url(relative), rel=rel, type="application/atom+xml")

    child(feed, "id", config.base_url)
    child(feed, "title", config.publication)
    updated = max((item.date_modified for item in items), default="1970-01-01T00:00:00Z")
    child(feed, "updated", updated)
    child(feed, "generator", "newsdesk", version=__version__)
    author = child(feed, "author")
    child(author, "name", config.author)
    child(feed, "link", href=config.base_url, rel="alternate", type="text/html")
    if page is None:
        link("self", ATOM_FEED)
        if pages:
            link("prev-archive", f"{ARCHIVE_DIR}/atom-{pages}.xml")
    else:
        ET.SubElement(feed, f"{{{HISTORY_NS}}}archive")
        link("self", f"{ARCHIVE_DIR}/atom-{page}.xml")
        link("current", ATOM_FEED)
        if page > 1:
            link("prev-archive", f"{ARCHIVE_DIR}/atom-{page - 1}.xml")
        if page < pages:
            link("next-archive", f"{ARCHIVE_DIR}/atom-{page + 1}.xml")
    for item in items:
        entry = child(feed, "entry")
        child(entry, "id", item.id)
        child(entry, "title", item.title)
        child(entry, "updated", item.date_modified)
        child(entry, "published", item.date_published)
        child(entry, "link", href=item.url, rel="alternate", type="text/html")
        child(entry, "summary", item.summary)
        child(entry, "content", item.content_html, type="html")
        for tag in item.tags:
            child(entry, "category", term=tag)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
