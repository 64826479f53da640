"""The site-wide files, built from the index: index pages, feeds and archives, ninjs feed, sitemap."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence

from generator.catalog import IndexEntry, public_entries
from generator.site import SiteConfig
from generator.site.feeds import Story, feed_files
from generator.site.ninjs import NINJS_FEED, NINJS_SUFFIX, feed_document
from generator.site.pages import DayLink, StoryLink, absolute_images, article_body, render_story_list
from generator.site.sitemap import NEWS_SITEMAP, news_sitemap

INDEX_PAGE = "index.html"
ReadFile = Callable[[IndexEntry, str], str]  # (entry, suffix) -> text of that article's file


def site_files(entries: Sequence[IndexEntry], read: ReadFile, config: SiteConfig) -> dict[str, str | None]:
    """Path in the site folder -> text (None: remove) of everything built from the index.

    The feeds and their archives, the ninjs feed, the news sitemap, index.html and each date's
    index page; archive pages a shrinking site no longer needs are removed. Routine briefs (no
    trigger fired) are on the pages and in the sitemap but not in the feeds, unless the
    `feed_routine` setting puts them there.
    """
    public = public_entries(entries)
    fed = [entry for entry in public if config.feed_routine or not entry.routine]
    stories = [
        Story(entry, absolute_images(article_body(read(entry, ".html")), config.url(f"{entry.date}/")))
        for entry in fed
    ]
    files: dict[str, str | None] = dict(feed_files(stories, config))
    documents = [json.loads(read(entry, NINJS_SUFFIX)) for entry in fed[: config.feed_max_items]]
    files[NINJS_FEED] = feed_document(documents, config)
    files[NEWS_SITEMAP] = news_sitemap(public, config)
    by_date: dict[str, list[IndexEntry]] = {}
    for entry in public:
        by_date.setdefault(entry.date, []).append(entry)
    days = sorted(by_date, reverse=True)
    root_days = [
        DayLink(f"{day}/{INDEX_PAGE}", dt.date.fromisoformat(day), len(by_date[day])) for day in days
    ]
    newest = public[: config.feed_max_items]
    files[INDEX_PAGE] = render_story_list(
        config,
        heading=config.publication,
        groups=_groups(newest, prefix=""),
        days=root_days,
        root="",
        canonical=config.url(INDEX_PAGE),
    )
    for day in days:
        files[f"{day}/{INDEX_PAGE}"] = render_story_list(
            config,
            heading=f"Stories of {dt.date.fromisoformat(day):%B} {int(day[8:])}, {day[:4]}",
            groups=_groups(by_date[day], prefix=None),
            days=[],
            root="../",
            canonical=config.url(f"{day}/{INDEX_PAGE}"),
        )
    return files


def _groups(entries: Sequence[IndexEntry], *, prefix: str | None) -> list[tuple[dt.date, list[StoryLink]]]:
    """Stories by data date, newest first; links from the site root (`prefix` "") or a date page."""
    groups: dict[str, list[StoryLink]] = {}
    for entry in entries:
        href = f"{entry.slug}.html" if prefix is None else f"{prefix}{entry.date}/{entry.slug}.html"
        assert entry.release is not None and entry.release.published is not None
        groups.setdefault(entry.date, []).append(
            StoryLink(href, entry.title, entry.summary, entry.release.published)
        )
    return [(dt.date.fromisoformat(day), stories) for day, stories in sorted(groups.items(), reverse=True)]
