"""Editors' actions into the run history: the `ActionRecorder` generator/review/actions.py calls.

An action is recorded in the article's sidecar first (in the output's one atomic switch), then
here, keyed by article, moment and action so recording it twice changes nothing. An action whose
command was killed in between reaches the database with the next run of the article's date: the
run's journal carries the actions of the approved and rejected articles it writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.history.journal import ActionRow
from generator.history.store import database_url, open_history
from generator.models import EditorAction, utc_stamp

if TYPE_CHECKING:
    from generator.catalog import IndexEntry
    from generator.config import Settings


def action_row(slug: str, date: str, action: EditorAction) -> ActionRow:
    return ActionRow(
        slug=slug,
        date=date,
        at=utc_stamp(action.at),
        action=action.action,
        by=action.by,
        note=action.note,
        content_hash=action.content_hash,
        previous_hash=action.previous_hash,
        verdict=action.verdict.value,
    )


class HistoryRecorder:
    """Records each editor's action in the history database at `url`."""

    def __init__(self, url: str) -> None:
        self.url = url

    def record(self, out_dir: Path, entry: IndexEntry, action: EditorAction) -> None:
        history = open_history(self.url)
        try:
            history.record_action(action_row(entry.slug, entry.date, action))
        finally:
            history.close()


def history_recorder(settings: Settings) -> HistoryRecorder | None:
    """The output folder's history as a recorder: the configured database, or the SQLite file a
    run created; None before any run recorded one (nothing is created for an action alone)."""
    url = database_url(settings.database_url, settings.out)
    if settings.database_url is None and not Path(url.removeprefix("sqlite:///")).is_file():
        return None
    return HistoryRecorder(url)
