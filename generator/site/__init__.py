"""What the site folder holds beyond the articles: pages, feeds, ninjs and the news sitemap.

Every renderer here is pure (data in, text out), so a run and an approval build the same bytes from
the same index, and generator/publish.py decides where and when they are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.config import Settings


@dataclass(frozen=True)
class SiteConfig:
    """The publication's identity and addresses, as the site's files state them."""

    publication: str
    author: str  # the byline
    base_url: str  # ends with "/"
    language: str  # BCP 47
    located: str | None
    feed_max_items: int
    feed_routine: bool = False  # routine briefs in the feeds too

    @classmethod
    def from_settings(cls, settings: Settings) -> SiteConfig:
        return cls(
            publication=settings.publication,
            author=settings.author,
            base_url=settings.site_url.rstrip("/") + "/",
            language=settings.language,
            located=settings.located,
            feed_max_items=settings.feed_max_items,
            feed_routine=settings.feed_routine,
        )

    def url(self, relative: str) -> str:
        """The absolute URL of a file in the site folder, given its path there."""
        return self.base_url + relative

    def article_url(self, date: str, slug: str) -> str:
        return self.url(f"{date}/{slug}.html")
