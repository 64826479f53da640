"""When an article is public, and the stamps that say so: versions, release times, embargoes.

Feeds, ninjs, JSON-LD and the news sitemap all state when a story was made and published. Those
stamps must be the story's own and must not move when a run is repeated, so they are derived from
the data date and the content, never from the clock of a rerun:

- A data date's stories are released at `release_time` (UTC, after the markets' close) on that date,
  one second apart in slug order, so each has its own moment and reruns give the same one.
- An embargoed story's release moment is its `embargo_until` when that is later.
- A version lasts as long as the content does: while a rerun writes the same content (by its hash)
  the stamps carry over; a rerun that changes it makes the next version, stamped with the run's
  `now` (the clock, or the `now` setting), and keeps the first publication time.
- A story is public when it passed every rule or an editor approved this content, and its embargo
  (if any) is over at `now`. Public stories go to the site; everything else stays on the desk.
"""

from __future__ import annotations

import datetime as dt

from generator.models import Approval, Release, Verdict

ONE_SECOND = dt.timedelta(seconds=1)


def release_moment(date: dt.date, release_time: dt.time) -> dt.datetime:
    """When a data date's stories are released: the date at `release_time`, read as UTC."""
    return dt.datetime.combine(date, release_time.replace(tzinfo=None), tzinfo=dt.UTC)


def whole_seconds(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def released(verdict: Verdict, approval: Approval | None) -> bool:
    """Passed every rule, or held and approved by an editor (a blocked story never is)."""
    return verdict is Verdict.PUBLISH or (verdict is Verdict.REVIEW and approval is not None)


def embargoed(embargo_until: dt.datetime | None, now: dt.datetime) -> bool:
    return embargo_until is not None and now < embargo_until


def is_public(verdict: Verdict, approval: Approval | None, embargo_until: dt.datetime | None,
              now: dt.datetime) -> bool:  # fmt: skip
    return released(verdict, approval) and not embargoed(embargo_until, now)


def next_release(
    previous: Release | None,
    previous_hash: str | None,
    content_hash: str,
    *,
    base: dt.datetime,
    rank: int,
    now: dt.datetime,
) -> Release:
    """The release record of the content a run writes, given what the previous copy had.

    `base` is the date's release moment (or the embargo's end, if later) and `rank` the story's
    place in slug order among the date's stories: the second it is stamped at within the run.
    """
    if previous is not None and previous_hash == content_hash:
        return previous
    offset = rank * ONE_SECOND
    if previous is None:
        created = base + offset
        return Release(version=1, created=created, first_created=created)
    created = max(whole_seconds(now), base) + offset
    created = max(created, previous.created + ONE_SECOND)
    return Release(
        version=previous.version + 1,
        created=created,
        first_created=previous.first_created,
        published=previous.published,
    )


def go_public(release: Release, approval: Approval | None) -> Release:
    """The release of a story that is public now: its first publication time, kept once set.

    A story approved after it was made goes public at the approval; one that passed every rule at
    its version's stamp (an embargoed one at the embargo's end, which its stamp already is).
    """
    if release.published is not None:
        return release
    published = release.created
    if approval is not None:
        published = max(published, whole_seconds(approval.at))
    return release.model_copy(update={"published": published})


def last_modified(release: Release) -> dt.datetime:
    """A feed's `updated`: the later of this version's stamp and the first publication."""
    return max(release.created, release.published or release.created)
