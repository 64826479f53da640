"""HTML pages: one per article, an index of published stories, one index per data date.

An article page carries what a reader and a search engine look for: the headline once, the byline,
the publication and data dates, the body (rendered from markdown, then sanitised with nh3), the
linked list of sources, a canonical link, a meta description from the lede, feed autodiscovery
links and schema.org NewsArticle JSON-LD. Everything from an article, a source or a snapshot is
escaped by the template or sanitised; the JSON-LD is escaped so no text can close its script.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import markdown
import nh3
from markupsafe import Markup

from generator.apstyle import date as ap_date
from generator.markdown_depth import flattened_html, too_deep
from generator.models import Release, SourceRef, utc_stamp
from generator.release import last_modified
from generator.site import SiteConfig
from generator.site.token_html import html_from_tokens

if TYPE_CHECKING:
    from generator.checks.document import ParsedBody

TITLE_CHARS = 70  # longer page titles are cut in search results
DESCRIPTION_CHARS = 160
BODY_START, BODY_END = "<!-- article body -->", "<!-- /article body -->"
_ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"table", "thead", "tbody", "tr", "th", "td", "sup", "section", "hr"}
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def first_paragraph(body: str) -> str:
    """The first paragraph as plain text: an article's summary in the index and feeds."""
    for block in body.split("\n\n"):
        text = block.strip()
        if text and not text.startswith(("#", "|", "-", ">", "```")):
            return re.sub(r"[*_`]", "", " ".join(text.split()))
    return ""


def body_html(body: str, charts: Collection[str] = (), parsed: ParsedBody | None = None) -> str:
    """Markdown body -> sanitised HTML fragment. No script, event handler or foreign image survives.

    `parsed`, the checker's markdown-it parse of the same body, saves converting it again where
    the HTML written from its tokens is python-markdown's own (generator/site/token_html.py).

    The only images kept are the article's own charts (`charts`: file names beside the article,
    listed in its sidecar); any other image, such as one arriving through data (a company name, a
    quote), loses its source and loads nothing. An SVG shown through <img> cannot run scripts.
    """
    html = markdown_html(body, parsed=parsed)
    if not charts:
        return sanitise(html, images=False)
    allowed = frozenset(charts)

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            return value if value in allowed else None
        return value

    return nh3.clean(html, tags=_ALLOWED_TAGS, link_rel="noopener noreferrer", attribute_filter=keep)


_CHART_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([a-z0-9]+(?:-[a-z0-9]+)*\.svg)(")')


def absolute_images(fragment: str, base: str) -> str:
    """A body's own chart images with absolute addresses, for feeds and wires read elsewhere."""
    return _CHART_SRC.sub(lambda m: f"{m.group(1)}{base}{m.group(2)}{m.group(3)}", fragment)


def markdown_html(text: str, *, footnotes: bool = True, parsed: ParsedBody | None = None) -> str:
    """Markdown -> HTML (not yet sanitised); nested too deep to render, it is shown flattened.

    With `parsed` (markdown-it's tokens for the same text, up to blank lines around it) the HTML
    is written from the tokens when they stay in the subset where that is python-markdown's HTML.
    """
    if too_deep(text):
        return flattened_html(text)
    if parsed is not None and parsed.text.strip() == text.strip():
        html = html_from_tokens(parsed.text, parsed.tokens)
        if html is not None:
            return html
    return _converter(footnotes).reset().convert(text)


@cache
def _converter(footnotes: bool) -> markdown.Markdown:
    """One converter per process, reset per article: building one costs more than converting."""
    extensions = ["tables", "footnotes"] if footnotes else ["tables"]
    return markdown.Markdown(extensions=extensions, output_format="html")


def sanitise(fragment: str, *, images: bool = True) -> str:
    """Keep safe markup only; `images=False` also drops <img>, so a page loads nothing from anywhere."""
    tags = _ALLOWED_TAGS if images else _ALLOWED_TAGS - {"img"}
    return nh3.clean(fragment, tags=tags, link_rel="noopener noreferrer")


def page_title(headline: str, publication: str) -> str:
    """The <title>: headline and publication when they fit, else the headline cut at a word."""
    with_name = f"{headline} | {publication}"
    if len(with_name) <= TITLE_CHARS:
        return with_name
    return _cut(headline, TITLE_CHARS)


def description(summary: str) -> str:
    return _cut(summary, DESCRIPTION_CHARS)


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"


def human_time(moment: dt.datetime) -> str:
    """'Nov. 20, 2026, 22:00 UTC': the AP date and a 24-hour UTC time."""
    moment = moment.astimezone(dt.UTC)
    return f"{ap_date(moment.date())}, {moment:%H:%M} UTC"


@dataclass(frozen=True)
class ArticlePage:
    """Everything an article page shows, gathered by the publisher."""

    slug: str
    date: dt.date
    title: str
    body: str  # markdown, without the title heading
    summary: str
    tickers: Sequence[str]
    sources: Sequence[SourceRef]
    release: Release
    draft: bool  # on the desk: held, blocked or embargoed
    embargo_until: dt.datetime | None = None
    charts: Sequence[str] = ()  # the article's own chart files, which the page may show
    parsed: ParsedBody | None = None  # the checker's parse of `body`, if it has one


def render_article_page(page: ArticlePage, config: SiteConfig) -> str:
    url = config.article_url(page.date.isoformat(), page.slug)
    published = page.release.published if not page.draft else None
    return (
        _environment()
        .get_template("article.html.j2")
        .render(
            page=page,
            page_title=page_title(page.title, config.publication),
            description=description(page.summary),
            canonical=url,
            config=config,
            published=published,
            published_text=human_time(published) if published else None,
            published_stamp=utc_stamp(published) if published else None,
            data_date_text=ap_date(page.date),
            embargo_text=human_time(page.embargo_until) if page.embargo_until else None,
            body=Markup(body_html(page.body, page.charts, page.parsed)),
            body_start=Markup(BODY_START),
            body_end=Markup(BODY_END),
            sources=[_source_view(source) for source in page.sources],
            json_ld=Markup(_json_ld(page, config, url, published)),
        )
    )


def article_body(page_html: str) -> str:
    """The sanitised body of an article page, as a feed or a wire carries it (no headline)."""
    start, end = page_html.find(BODY_START), page_html.rfind(BODY_END)
    if start < 0 or end < start:
        return ""
    return page_html[start + len(BODY_START) : end].strip()


_COPY_PATH = re.compile(r"^sources/[^/\\\x00.][^/\\\x00]*$")


def _source_view(source: SourceRef) -> dict[str, str | None]:
    """A source's link (a web URL only) and its copy beside the article (a `sources/<name>` only):
    an edited front matter cannot turn either into a `javascript:` link or a path elsewhere."""
    url = source.url if source.url and source.url.startswith(("https://", "http://")) else None
    copy = source.path if source.path and _COPY_PATH.match(source.path) else None
    return {"title": source.title, "url": url, "text_path": copy}


def _json_ld(page: ArticlePage, config: SiteConfig, url: str, published: dt.datetime | None) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title,
        "description": description(page.summary),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": config.language,
        "isAccessibleForFree": True,
        "author": [{"@type": "Organization", "name": config.author}],
        "publisher": {"@type": "Organization", "name": config.publication},
    }
    if published is not None:
        data["datePublished"] = utc_stamp(published)
        data["dateModified"] = utc_stamp(last_modified(page.release))
    if page.tickers:
        data["about"] = [{"@type": "Corporation", "tickerSymbol": ticker} for ticker in page.tickers]
    citations = [s.url for s in page.sources if s.url and s.url.startswith(("https://", "http://"))]
    if citations:
        data["citation"] = citations
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


@dataclass(frozen=True)
class StoryLink:
    """One story in a list page."""

    href: str  # relative to the list page
    title: str
    summary: str
    published: dt.datetime


@dataclass(frozen=True)
class DayLink:
    href: str
    date: dt.date
    count: int


def render_story_list(
    config: SiteConfig,
    *,
    heading: str,
    groups: Sequence[tuple[dt.date, Sequence[StoryLink]]],
    days: Sequence[DayLink],
    root: str,  # from the page to the site folder: "" or "../"
    canonical: str,
) -> str:
    """index.html and <date>/index.html: stories newest first, grouped by data date."""
    return (
        _environment()
        .get_template("stories.html.j2")
        .render(
            config=config,
            heading=heading,
            page_title=page_title(heading, config.publication) if heading != config.publication else heading,
            groups=[(ap_date(day), day.isoformat(), stories) for day, stories in groups],
            days=[(link.href, ap_date(link.date), link.count) for link in days],
            root=root,
            canonical=canonical,
            human_time=human_time,
            utc_stamp=utc_stamp,
        )
    )


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        auto_reload=False,  # the package's own templates: no stat() per page
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
