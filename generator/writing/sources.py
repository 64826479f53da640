"""The documents articles may quote: snapshot sources plus news headlines, indexed once per run.

An article that quotes must list what it quotes in its front matter, and the published copy carries
the text beside it (output/<date>/sources/), so anyone can re-check the quotes later. News items
become small source documents (headline, publisher, link, summary) for the same reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from generator.attribution import attributed_quotes
from generator.facts.rules import MarketClose
from generator.market.snapshot import SourceDocument
from generator.models import SourceRef
from generator.slugs import slugify

SOURCES_DIR = "sources"
_MIN_QUOTE_CHARS = 20  # shorter quoted spans are terms or titles, not statements worth quoting


@dataclass(frozen=True)
class Quote:
    """A statement a source attributes to a named person, ready to quote exactly."""

    text: str  # the words inside the quote marks, without the comma AP puts before the closing mark
    speaker: str
    role: str | None
    organisation: str | None  # the speaker's organisation, from the role or the document's header
    source: SourceDocument

    @property
    def sentence(self) -> str:
        """The quoted words ending in sentence punctuation, for quoting at the end of a sentence."""
        return self.text if self.text[-1] in ".!?" else f"{self.text}."


@dataclass(frozen=True)
class Headline:
    """A recent news item about a ticker, as a quotable source, with the market's dates for it.

    Its document is built when an article first cites it: a big universe's news runs to tens of
    thousands of items, and a brief cites one or two. Its dates are computed for the whole news
    table at once (MarketClose): converting one timestamp's time zone costs more than a brief's
    other use of it.
    """

    title: str
    publisher: str | None
    published: pd.Timestamp
    date: dt.date  # the market's date when it ran: the date a report is dated
    first_day: dt.date  # the first date whose session it can move (the next one after the close)
    item: Any = field(repr=False, compare=False)  # the news row (snapshot.news)

    @cached_property
    def source(self) -> SourceDocument:
        return _news_document(self.item)


class SourceLibrary:
    """Every quotable document of a run, by id, by ticker and by article-relative path."""

    def __init__(self, documents: list[SourceDocument], headlines: dict[str, list[Headline]]) -> None:
        self.documents = {d.id: d for d in documents}
        self.headlines = headlines
        self._by_ticker: dict[str, list[SourceDocument]] = defaultdict(list)
        for document in documents:
            for ticker in document.tickers:
                self._by_ticker[ticker].append(document)
        self._quotes = {d.id: _quotes(d) for d in documents}
        self._texts = {ref_path(d): d.text for d in documents}
        self._news = {_path(_news_filename(h.item)): h for items in headlines.values() for h in items}

    @classmethod
    def build(
        cls, sources: tuple[SourceDocument, ...], news: pd.DataFrame, close: MarketClose
    ) -> SourceLibrary:
        """The library of `sources` and `news`, each headline dated by the market that `close` ends."""
        headlines: dict[str, list[Headline]] = defaultdict(list)
        if news.empty:  # a snapshot without news may not even type its columns
            return cls(list(sources), {})
        news = news.sort_values(["published", "title"], ascending=[False, True])
        dates, first_days = close.local_dates(news["published"]), close.first_days(news["published"])
        for item, date, first_day in zip(news.itertuples(index=False), dates, first_days, strict=True):
            headline = Headline(
                item.title, _text(item.publisher), item.published, date.date(), first_day.date(), item
            )
            headlines[item.ticker].append(headline)
        return cls(list(sources), {ticker: _first_runs(items) for ticker, items in headlines.items()})

    def for_ticker(self, ticker: str) -> list[SourceDocument]:
        return self._by_ticker.get(ticker, [])

    def quotes(self, document: SourceDocument) -> list[Quote]:
        return self._quotes.get(document.id, [])

    def text_for(self, ref: SourceRef) -> str | None:
        """The text behind a front-matter source entry (for checking before anything is written)."""
        return self.text_at(ref.path or "")

    def text_at(self, path: str) -> str | None:
        """The text of the document an article cites at `path` (relative to the article)."""
        text = self._texts.get(path)
        if text is None and path in self._news:
            return self._news[path].source.text
        return text


def _first_runs(headlines: list[Headline]) -> list[Headline]:
    """A ticker's headlines (newest first) without the later runs of one already published: the
    outlet that ran a headline first gets the credit, and a story of two weeks ago that another
    outlet runs again today is not the day's news."""
    seen: set[str] = set()
    kept = []
    for headline in reversed(headlines):
        key = " ".join(headline.title.casefold().split())
        if key not in seen:
            seen.add(key)
            kept.append(headline)
    return kept[::-1]


def ref_path(document: SourceDocument) -> str:
    return _path(document.filename)


def _path(filename: str) -> str:
    """Where an article finds a source file: beside it, in its folder's sources/."""
    return f"{SOURCES_DIR}/{filename}"


def source_ref(document: SourceDocument) -> SourceRef:
    return SourceRef(id=document.id, title=document.title, url=document.url, path=ref_path(document))


def _quotes(document: SourceDocument) -> list[Quote]:
    """Each attributed statement in the document's body, one quoted span each.

    A span is only quoted with its speaker: a span the text attributes to no one is not quotable.
    Whitespace inside a span is collapsed, as quote checking compares normalised text anyway.
    """
    quotes = []
    for found in attributed_quotes(document.body):
        text = " ".join(found.text.split())
        if found.speaker is None or len(text) < _MIN_QUOTE_CHARS:
            continue
        organisation = found.organisation or (
            document.organisation if found.speaker == document.speaker else None
        )
        role = found.role or (document.role if found.speaker == document.speaker else None)
        quotes.append(Quote(text, found.speaker, role, organisation, document))
    return quotes


def _text(value: object) -> str | None:
    return (
        None if value is None or (isinstance(value, float) and value != value) else str(value).strip() or None
    )


def _news_identifier(item) -> str:
    key = hashlib.sha1(f"{item.ticker}|{item.published.isoformat()}|{item.title}".encode()).hexdigest()[:10]
    return f"news-{slugify(str(item.ticker), 20)}-{key}"


def _news_filename(item) -> str:
    return f"{_news_identifier(item)}.txt"


def _news_document(item) -> SourceDocument:
    """A news item as a source file: headline as title, then publisher/url/published headers, summary."""
    identifier = _news_identifier(item)
    headers = {
        "tickers": item.ticker,
        "publisher": _text(item.publisher),
        "url": _text(item.url),
        "published": item.published.isoformat(),
    }
    lines = [str(item.title).strip(), *(f"{k}: {v}" for k, v in headers.items() if v)]
    summary = _text(item.summary)
    text = "\n".join(lines) + "\n\n" + (summary + "\n" if summary else "")
    return SourceDocument(
        id=identifier,
        title=str(item.title).strip(),
        text=text,
        body=summary or "",
        filename=_news_filename(item),
        tickers=(str(item.ticker),),
        url=headers["url"],
        published=headers["published"],
        publisher=headers["publisher"],
        organisation=_text(getattr(item, "organisation", None)) or headers["publisher"],
        speaker=_text(getattr(item, "speaker", None)),
        role=_text(getattr(item, "role", None)),
        kind=_text(getattr(item, "kind", None)) or "news",
    )
