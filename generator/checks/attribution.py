"""quotes.attribution: a verified quote must be attributed to whoever its source says said it.

A quote can match its source word for word and still be wrong: put in the mouth of another person,
credited to another company, or called "a statement" when it comes from a third party's research
note. For each verified quote this rule reads who the source attributes it to (generator.attribution,
the same reader the writer uses) and who the article names beside it, and compares: the speaker,
the speaker's organisation, the kind of document, and — under a company heading or with "said in a
statement" — whether the quote is the article's own company speaking.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from generator.attribution import Attributed, attribution_beside, organisation_of
from generator.checks.base import Article, Hit, Rule
from generator.checks.quotes import QuotesSettings, verify_quotes
from generator.checks.sources import SourceIndex, normalize_text
from generator.models import Subject


def _same_name(a: str, b: str) -> bool:
    """Organisations match on their words, ignoring case, punctuation and legal suffixes; a name of
    two words or more also matches a longer form it begins ("Calder & Voss" of "Calder & Voss Research")."""
    mine, theirs = _words(a), _words(b)
    shorter, longer = sorted((mine, theirs), key=len)
    return mine == theirs or (len(shorter) >= 2 and longer[: len(shorter)] == shorter)


def _words(name: str) -> list[str]:
    words = "".join(c if c.isalnum() else " " for c in name.lower()).split()
    while words and words[-1] in {"inc", "corp", "co", "ltd", "plc", "llc", "corporation", "company"}:
        words.pop()
    return words


def _names_company(organisation: str, company: Subject) -> bool:
    return _same_name(organisation, company.name) or bool(
        company.short and _same_name(organisation, company.short)
    )


def _same_person(article_name: str, source_name: str) -> bool:
    """A full name, or the surname alone on a later reference ("Quell said")."""
    mine, theirs = _words(article_name), _words(source_name)
    return mine == theirs or (len(mine) == 1 and bool(theirs) and mine[0] == theirs[-1])


class QuoteAttribution(Rule):
    """A verified quote is attributed to a speaker, organisation or kind of document its source does not name.

    Why: the words may be right and the speaker wrong. The source says who said each quotation
    ("…,” said Mara Quell, chief executive of Helix Microdevices); the article must name that person
    and organisation, call a research note a research note, and keep "said in a statement" and a
    company heading ("From the company") for the company's own statements.

    Bad (the source says Mara Quell said it)::

        “Customers are planning whole campuses,” Devin Oyelaran, chief financial officer, said.

    Good::

        “Customers are planning whole campuses,” Mara Quell, chief executive of Helix Microdevices, said.
    """

    id = "quotes.attribution"
    settings: QuotesSettings

    def check(self, article: Article) -> Iterable[Hit]:
        quotes_settings = cast(QuotesSettings, article.settings["quotes"])
        indexes = [(source.ref.id, source.index) for source in article.sources if source.index is not None]
        if not indexes:
            return
        headings = self._headings(article)
        sidecar = article.sidecar
        companies = [s for s in sidecar.subjects if s.kind == "ticker"] if sidecar is not None else []
        for quote in article.analysis(verify_quotes):
            if quote.status != "verified":
                continue
            found = _source_attribution(normalize_text(quote.text), indexes, quotes_settings)
            if found is None:
                continue
            attributed, index, source_id = found
            end = quote.end_at
            block = quote.block
            speaker, role = attribution_beside(block.text, quote.start, quote.end)
            clause = block.text[quote.end : quote.end + 400].split(". ", 1)[0].lower()
            headers = index.headers()
            source_speaker = attributed.speaker or headers.get("speaker")
            source_orgs = [o for o in (attributed.organisation, headers.get("organisation")) if o]
            for problem in self._problems(
                speaker, role, clause, source_speaker, source_orgs, headers.get("kind")
            ):
                yield Hit(quote.line, quote.column, problem, quote.excerpt, source=source_id, end=end)
            if companies and (self._claims_own(clause) or headings.get(quote.line)):
                speaker_org = attributed.organisation or headers.get("organisation")
                if speaker_org and not any(_names_company(speaker_org, company) for company in companies):
                    yield Hit(
                        quote.line,
                        quote.column,
                        f"presented as the company's own statement, but the source attributes it to "
                        f"{source_speaker or 'someone'} of {speaker_org}",
                        quote.excerpt,
                        source=source_id,
                        end=end,
                    )

    def _problems(
        self,
        speaker: str | None,
        role: str | None,
        clause: str,
        source_speaker: str | None,
        source_orgs: list[str],
        source_kind: str | None,
    ) -> Iterable[str]:
        wrong_person = speaker and source_speaker and not _same_person(speaker, source_speaker)
        # "Helix said" for its own release names the organisation, not a person
        if wrong_person and not any(_same_name(speaker, org) for org in source_orgs):
            yield f"attributed to {speaker}, but the source says {source_speaker} said it"
        organisation = organisation_of(role)
        if organisation and source_orgs and not any(_same_name(organisation, o) for o in source_orgs):
            yield f"attributed to someone of {organisation}, but the source names {' / '.join(source_orgs)}"
        kind = self._kind_named(clause)
        if kind and source_kind and kind != source_kind:
            yield f"called a {kind.replace('_', ' ')}, but the source is a {source_kind.replace('_', ' ')}"

    def _kind_named(self, clause: str) -> str | None:
        for word, kind in self.settings.attribution.words_to_kind:
            if f" {word}" in f" {clause}":
                return kind
        return None

    def _claims_own(self, clause: str) -> bool:
        return any(word in clause for word in self.settings.attribution.own_statement_words)

    def _headings(self, article: Article) -> dict[int, str]:
        """Quote line -> the company heading it sits under, if any."""
        wanted = {h.lower() for h in self.settings.attribution.company_headings}
        under: dict[int, str] = {}
        current = None
        for block in article.document.blocks:
            if block.kind == "heading":
                current = block.text.strip() if block.text.strip().lower() in wanted else None
            elif current:
                for offset in range(block.text.count("\n") + 1):
                    under[block.line + offset] = current
        return under


def _source_attribution(
    quoted: str, indexes: list[tuple[str, SourceIndex]], settings: QuotesSettings
) -> tuple[Attributed, SourceIndex, str] | None:
    """The source quotation that holds the quoted words, its source and the source's id."""
    strip = settings.closing_punctuation + " "
    wanted = quoted.strip(strip)
    if not wanted:
        return None
    for source_id, index in indexes:
        for text, attributed in index.attributions():
            if wanted in text or wanted[:1].swapcase() + wanted[1:] in text:
                return attributed, index, source_id
    return None
