"""`news-sitemap.xml`: a Google News sitemap of the stories published in the last two days.

Google News reads at most 1,000 URLs and only stories from the last two days. "The last two days"
is measured back from the newest published story, not from the clock, so reruns on the same
snapshot write the same file; a daily run on the day's snapshot keeps it current. The file is only
written when there is a published story (the sitemap schema requires at least one URL).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from generator.catalog import IndexEntry
from generator.models import utc_stamp
from generator.site import SiteConfig

NEWS_SITEMAP = "news-sitemap.xml"
MAX_URLS = 1000
WINDOW = dt.timedelta(days=2)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


def recent(entries: Sequence[IndexEntry]) -> list[IndexEntry]:
    """Stories published within two days of the newest one, newest first, at most 1,000."""
    published = [e for e in entries if e.release is not None and e.release.published is not None]
    if not published:
        return []
    newest = max(e.release.published for e in published)  # type: ignore[union-attr]
    window = [e for e in published if newest - e.release.published < WINDOW]  # type: ignore[union-attr]
    return window[:MAX_URLS]


def news_sitemap(entries: Sequence[IndexEntry], config: SiteConfig) -> str | None:
    """The sitemap of `entries` (newest first), or None when nothing is published."""
    stories = recent(entries)
    if not stories:
        return None
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("news", NEWS_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    language = config.language.split("-")[0].lower()  # Google wants ISO 639, e.g. "en"
    if config.language.lower() in ("zh-cn", "zh-tw"):
        language = config.language.lower()
    for entry in stories:
        url = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = config.article_url(entry.date, entry.slug)
        news = ET.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = ET.SubElement(news, f"{{{NEWS_NS}}}publication")
        ET.SubElement(publication, f"{{{NEWS_NS}}}name").text = config.publication
        ET.SubElement(publication, f"{{{NEWS_NS}}}language").text = language
        ET.SubElement(news, f"{{{NEWS_NS}}}publication_date").text = utc_stamp(entry.release.published)  # type: ignore[union-attr,arg-type]
        ET.SubElement(news, f"{{{NEWS_NS}}}title").text = entry.title
    ET.indent(urlset)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, encoding="unicode") + "\n"
