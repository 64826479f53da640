"""Living stories: a rerun that changes an article makes a new version that says what changed.

A published article never changes silently. When a rerun for the same date writes different
content, the new version carries an update note naming the figures that changed (the new figure
and the one it replaces, both facts) and, for a figure a published version stated, a correction
line. The note sits between the body and the disclosure; the sidecar's `revision` holds its exact
text, so the next rerun can compare the article without it — and carry the same note on unchanged
when nothing changed again, which keeps reruns byte-identical. Version numbers and stamps are
generator/release.py's; this module only writes the words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from generator import apstyle
from generator.models import Article, Claim, Correction, Fact, Measure, Provenance, Revision, Sidecar, Unit
from generator.writing.context import View
from generator.writing.render import ArticleWriter

TEMPLATE = "partials/revision"
MAX_NAMED = 5
_WINDOWS = {
    "1D": "the session's move",
    "2D": "the two-session move",
    "1W": "the one-week return",
    "1M": "the one-month return",
    "3M": "the three-month return",
    "6M": "the six-month return",
    "YTD": "the return so far this year",
    "1Y": "the one-year return",
}
_FIGURES = {
    "close": "the close",
    "high_52w": "the 52-week high",
    "low_52w": "the 52-week low",
    "closing_high_52w": "the 52-week closing high",
    "closing_low_52w": "the 52-week closing low",
    "pct_from_high": "the distance from the 52-week intraday high",
    "volume": "the session's volume",
    "volume_ratio": "volume against its average",
    "move_multiple": "the move against the stock's typical day",
    "ma_long": "the long moving average",
}


@dataclass(frozen=True)
class Previous:
    """The copy of an article a rerun replaces: its checked text and sidecar."""

    text: str  # without publishing state
    sidecar: Sidecar

    @property
    def published(self) -> dt.date | None:
        release = self.sidecar.release
        return release.published.date() if release and release.published else None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeLine(View):
    label: str
    new: Fact
    old: Fact


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrectionLine(View):
    label: str
    right: Fact
    wrong: Fact
    published: dt.date


@dataclass(frozen=True, slots=True, kw_only=True)
class RevisionContext(View):
    updated: dt.date
    changes: list[ChangeLine]
    more: Fact | None  # how many other figures changed, beyond those named
    corrections: list[CorrectionLine]


def without_revision(text: str, revision: Revision | None) -> str:
    """The article as it reads without its revision block."""
    if revision is None or not revision.block:
        return text
    return text.replace(f"\n\n{revision.block}", "", 1)


def revise(
    article: Article,
    previous: Previous,
    *,
    version: int,
    today: dt.date,
    writer: ArticleWriter,
    seed: str,
) -> tuple[Article, Revision]:
    """The article with its revision block before the disclosure, and the revision's record."""
    before = {fact.id: fact for fact in previous.sidecar.facts if not fact.id.startswith("revision:")}
    subjects = set(article.front_matter.tickers)
    changed = [
        (fact, before[fact.id])
        for fact in article.facts
        if fact.id in before and before[fact.id].display != fact.display
    ]
    old_version = version - 1
    lines = [
        ChangeLine(label=label(new, subjects), new=new, old=_as_stated(old, old_version))
        for new, old in changed[:MAX_NAMED]
    ]
    corrections = _corrections(previous, changed, old_version)
    now = {fact.id: fact for fact in article.facts}
    correction_lines = [
        CorrectionLine(
            label=label(now[c.fact], subjects), right=now[c.fact], wrong=c.wrong, published=c.published
        )
        for c in corrections
        if c.fact in now
    ]
    more = len(changed) - len(lines)
    context = RevisionContext(
        updated=today,
        changes=lines,
        more=_count(more, version, today) if more > 0 else None,
        corrections=correction_lines,
    )
    block, facts, claims = writer.fragment(TEMPLATE, context, seed=seed)
    block = block.strip()
    revision = Revision(
        version=version,
        updated=today,
        changed=[new.id for new, _ in changed],
        corrections=[c for c in corrections if c.fact in now],
        block=block,
    )
    return _with_block(article, block, facts, claims), revision


def carry(article: Article, revision: Revision, previous: Previous) -> Article:
    """The article with the previous version's revision block as it stood (nothing changed again)."""
    facts = [f for f in previous.sidecar.facts if f.id.startswith("revision:")]
    claims = [c for c in previous.sidecar.claims if c.sentence and c.sentence in revision.block]
    return _with_block(article, revision.block, facts, claims)


def _with_block(article: Article, block: str, facts: list[Fact], claims: list[Claim]) -> Article:
    """Insert the block before the body's last paragraph (the disclosure)."""
    body = article.body.rstrip("\n")
    head, _, disclosure = body.rpartition("\n\n")
    known = {fact.id for fact in article.facts}
    return article.model_copy(
        update={
            "body": f"{head}\n\n{block}\n\n{disclosure}\n",
            "facts": [*article.facts, *(f for f in facts if f.id not in known)],
            "claims": [*article.claims, *claims],
        }
    )


def _corrections(previous: Previous, changed: list[tuple[Fact, Fact]], old_version: int) -> list[Correction]:
    """Earlier corrections still standing, with one for each figure a published version stated."""
    kept = {c.fact: c for c in (previous.sidecar.revision.corrections if previous.sidecar.revision else [])}
    published = previous.published
    if published is not None:
        for new, old in changed:
            kept[new.id] = Correction(fact=new.id, wrong=_as_stated(old, old_version), published=published)
    return list(kept.values())


def _as_stated(old: Fact, version: int) -> Fact:
    """An earlier version's figure as a fact of its own (so the note's figures trace)."""
    return replace(
        old,
        id=f"revision:{version}:{old.id}",
        provenance=Provenance(
            series=old.provenance.series,
            window=old.provenance.window,
            formula=f"as version {version} of this article stated it",
        ),
    )


def _count(value: int, version: int, today: dt.date) -> Fact:
    return Fact(
        id=f"revision:{version}:count",
        value=float(value),
        unit=Unit.COUNT,
        display=apstyle.count(value),
        as_of=today,
        provenance=Provenance(series="this article", window=f"version {version}", formula="figures changed"),
        measure=Measure.COUNT,
    )


_RETURN = re.compile(r"^stock:[^:]+:return:(?P<window>[^:]+)$")


def label(fact: Fact, subjects: set[str]) -> str:
    """How an update note names a figure: "the close", "the one-month return", "the Alpha Score"."""
    parts = fact.id.split(":")
    words = None
    if parts[0] == "stock" and len(parts) >= 3:
        match = _RETURN.match(fact.id)
        if match:
            words = _WINDOWS.get(match.group("window"), "a return")
        elif parts[2] == "relative":
            window = parts[-1]
            words = f"the gap to the benchmark over {_WINDOWS.get(window, window).split(' ', 1)[-1]}"
        else:
            words = _FIGURES.get(parts[2])
    elif parts[0] == "score" and len(parts) >= 3:
        key = parts[2]
        if key == "alpha":
            words = "the Alpha Score"
        elif key.startswith("signal."):
            words = f"the {key.removeprefix('signal.')} score"
        elif key.startswith(("metric.", "rank.")):
            words = "an input to the score"
    elif parts[0] == "group":
        words = "a group average"
    elif parts[0] == "benchmark":
        words = "the benchmark's return"
    words = words or f"a {fact.measure.value.replace('_', ' ') if fact.measure else 'figure'}"
    ticker = fact.subject if fact.subject and ":" not in fact.subject else None
    if ticker and (len(subjects) != 1 or ticker not in subjects):
        words = f"{words} of {ticker}"
    return words
