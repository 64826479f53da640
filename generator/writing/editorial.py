"""Editorial config: what the desk chooses to write about (editorial/*.yaml).

Rules say what may be published; editorial config says what to write: the start date of the cohort
story and the themes editors define for thematic stories (title, thesis paragraphs, tickers, sources,
what to watch). Editors own these words; the generator only adds traced figures around them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from generator.market.snapshot import Snapshot
from generator.models import SLUG_PATTERN, PriceBasis
from generator.rulefiles import load_rule_file


class _Editorial(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CohortStory(_Editorial):
    since: dt.date | None = None  # None: from the start of the year (the last close of the one before)
    # Why the story starts then, as a phrase that follows the date: "when the index was rebalanced".
    since_label: str | None = Field(default=None, min_length=3, max_length=120)
    subgroups_of_leader: bool = True  # break the leading cohort into its sub-groups
    min_group_size: int = Field(default=2, ge=1)  # smaller cohorts and sub-groups are not reported


class SnapshotFacts(_Editorial):
    """What a desk knows about a snapshot that its manifest does not say (the manifest wins)."""

    universe_name: str | None = None  # e.g. "S&P 500": "the equal-weighted S&P 500"
    benchmark_name: str | None = None  # e.g. "S&P 500 ETF (SPY)"
    prices_adjusted: PriceBasis | None = None  # none | splits | splits_and_dividends
    fundamentals_as_of: dt.date | None = None  # the date the fundamentals describe
    calendar: str | None = None  # the exchange calendar, e.g. "XNYS"
    universe_as_of: dt.date | None = None  # the date the membership list describes
    sub_industries_as_of: dt.date | None = None  # the date the sub-industry classification describes


class Desk(_Editorial):
    """editorial/desk.yaml."""

    cohort_story: CohortStory = CohortStory()
    # Per snapshot name: display names and data dates for snapshots whose manifest lacks them.
    snapshots: dict[str, SnapshotFacts] = Field(default_factory=dict)


class Theme(_Editorial):
    """One thematic story an editor defined."""

    id: str = Field(pattern=SLUG_PATTERN, max_length=60)
    title: str = Field(min_length=10)
    thesis: list[str] = Field(min_length=1)
    tickers: list[str] = Field(min_length=1)
    sources: list[str] = Field(default_factory=list)  # ids of snapshot source documents
    what_to_watch: list[str] = Field(min_length=1)
    # Held on the desk, out of the site and every feed, until this moment (ISO 8601 with a zone).
    embargo_until: AwareDatetime | None = None


class Themes(_Editorial):
    """editorial/themes.yaml."""

    themes: list[Theme] = Field(default_factory=list)


class Editorial(_Editorial):
    desk: Desk
    themes: tuple[Theme, ...]


def load_editorial(folder: Path) -> Editorial:
    """Read editorial/desk.yaml and editorial/themes.yaml; either may be absent."""
    desk = load_rule_file(folder / "desk.yaml", Desk) if (folder / "desk.yaml").is_file() else Desk()
    themes = (
        load_rule_file(folder / "themes.yaml", Themes) if (folder / "themes.yaml").is_file() else Themes()
    )
    return Editorial(desk=desk, themes=tuple(themes.themes))


def with_desk_metadata(snapshot: Snapshot, editorial: Editorial) -> Snapshot:
    """Fill what the manifest does not say (names, price basis, data dates) from editorial/desk.yaml."""
    manifest = snapshot.manifest
    known = editorial.desk.snapshots.get(manifest.name)
    if known is None:
        return snapshot
    update = {
        key: value
        for key, value in known.model_dump().items()
        if value is not None and getattr(manifest, key) is None
    }
    return dataclasses.replace(snapshot, manifest=manifest.model_copy(update=update))
