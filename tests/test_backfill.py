"""Backfilling five S&P 500 sessions into one output folder: the last day's stories compare.

Five full runs of the real snapshot take half a minute, so this runs on a slice of it (two
sectors and Apple, about 100 stocks), written to a temporary folder with the snapshot's own name,
so editorial/desk.yaml's metadata still applies. The figures for the whole snapshot are measured by
the command in the README (`newsdesk run --snapshot ... --as-of ... x5`).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from generator.config import load_settings
from generator.models import Sidecar
from generator.pipeline import build

SESSIONS = [dt.date(2017, 11, day) for day in (6, 7, 8, 9, 10)]
SECTORS = ("Information Technology", "Utilities")

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def backfilled(sp500_dir, tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("backfill")
    snapshot = root / "sp500-2017-11"
    snapshot.mkdir()
    fundamentals = pd.read_csv(sp500_dir / "fundamentals.csv", dtype=str, keep_default_na=False)
    kept = fundamentals[fundamentals["sector"].isin(SECTORS) | (fundamentals["ticker"] == "AAPL")]
    kept.to_csv(snapshot / "fundamentals.csv", index=False)
    prices = pd.read_csv(sp500_dir / "prices.csv.gz", dtype=str)
    prices[prices["ticker"].isin(set(kept["ticker"]))].to_csv(
        snapshot / "prices.csv.gz", index=False, compression={"method": "gzip", "mtime": 0}
    )
    for name in ("benchmark.csv", "manifest.json"):
        (snapshot / name).write_bytes((sp500_dir / name).read_bytes())
    out = root / "out"
    settings = load_settings(snapshot=snapshot, out=out, jobs=2, quiet=True, now="2017-11-11T06:00:00Z")
    for day in SESSIONS:
        build(settings, as_of=day)
    return snapshot, out


def sidecars(out: Path, day: dt.date) -> list[Sidecar]:
    return [
        Sidecar.model_validate_json(p.read_text())
        for p in sorted(out.glob(f"*/{day.isoformat()}/*.json"))
        if not p.name.endswith(".ninjs.json")
    ]


def test_history_shows_five_rows_for_apple(backfilled, monkeypatch, capsys):
    from generator.cli import main

    _, out = backfilled
    monkeypatch.setattr(sys, "argv", ["newsdesk", "history", "AAPL", "--out", str(out), "--format", "json"])
    main()
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert [run["as_of"] for run in runs] == [day.isoformat() for day in SESSIONS]
    assert all(run["score"] is not None and run["brief"].startswith("apple-inc-alpha-score") for run in runs)


def test_the_last_days_stories_state_what_changed_since_the_runs_before(backfilled):
    _, out = backfilled
    first, last = sidecars(out, SESSIONS[0]), sidecars(out, SESSIONS[-1])
    assert not any(f.id.startswith("history:") for s in first for f in s.facts)  # nothing to compare yet
    briefs = [s for s in last if s.kind == "alpha_brief" and s.scores and s.scores[0].score is not None]
    comparing = [s for s in briefs if any(f.id.startswith("history:") for f in s.facts)]
    assert len(comparing) == len(briefs) > 80  # every scored brief says how its score compares
    for sidecar in comparing:
        stated = [c for c in sidecar.claims if any(i.startswith("history:") for i in c.facts)]
        assert stated and all(c.sentence for c in stated)
        earlier = {f.start for f in sidecar.facts if f.id.startswith("history:")}
        assert earlier == {SESSIONS[-2]}  # compared with the previous session's run


def test_a_score_changes_story_lists_the_days_upgrades_and_downgrades(backfilled):
    _, out = backfilled
    (story,) = [s for s in sidecars(out, SESSIONS[-1]) if s.kind == "score_changes"]
    changes = [f for f in story.facts if f.id.startswith("history:") and ":change:" in f.id]
    ranked = [c for c in story.claims if c.predicate.startswith("ranks_")]
    assert changes and ranked
    for claim in ranked:  # the largest upgrade (downgrade) is ranked among every stock compared
        assert len(claim.among) > 80
    assert not [s for s in sidecars(out, SESSIONS[0]) if s.kind == "score_changes"]


def test_every_figure_of_the_backfill_recomputes(backfilled):
    from tests.test_recompute import Raw, check_run

    snapshot, out = backfilled
    checked, wrong = check_run(out, Raw(snapshot))
    assert checked > 2000 and wrong == []


def test_the_backfills_sentences_say_what_their_facts_mean(backfilled):
    """Every comparison sentence the history adds passes the claims, quotes and numbers rules."""
    from tests.test_pipeline import check_articles

    _, out = backfilled
    assert len(check_articles(out)) > 5 * 90


def test_the_backfills_sentences_are_free_of_the_copy_desks_defects(backfilled):
    """The sentences only history writes (score changes, "was 72 a session earlier, too", the
    score_changes story) read as the copy desk wants every sentence to: no repeated verb, no
    process talk, dated old figures."""
    from tests.test_sentences import check_run

    _, out = backfilled
    assert check_run(out, has_news=False) == []
