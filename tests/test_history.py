"""The run history: a versioned schema, one transaction per run, recovery of a killed run's journal,
comparisons with the latest earlier run, and `newsdesk history`.

Every database here is SQLite in a temporary folder. The PostgreSQL path runs the same SQLAlchemy
Core statements and is not exercised by these tests.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from output_tree import leftovers, readable

from generator.cli import main as cli_entry
from generator.config import load_settings
from generator.history import (
    ArticleRow,
    HistoryError,
    RunHistory,
    RunJournal,
    ScoreRow,
    StockRow,
    database_url,
    open_history,
)
from generator.history import schema as history_schema
from generator.history.journal import journal_path
from generator.models import Sidecar
from generator.pipeline import build

DAY1, DAY2 = dt.date(2026, 11, 19), dt.date(2026, 11, 20)  # two sessions of the bundled sample
NOW = "2026-11-21T06:00:00Z"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def journal(token: str, as_of: dt.date, universe: str = "Meridian 80", score: int = 60) -> RunJournal:
    return RunJournal.build(
        token=token,
        as_of=as_of,
        universe=universe,
        snapshot="test",
        generator_version="0",
        started_at=dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
        scores=[ScoreRow("HLXM", score, 70, 50, None, 40, 3, True)],
        stocks=[StockRow("HLXM", 953.14, 3.4, 1.1, 2, None, False, False, 0)],
        articles=[
            ArticleRow(
                "helix-brief",
                as_of.isoformat(),
                "alpha_brief",
                "HLXM",
                1,
                "h",
                "publish",
                "site",
                None,
                None,
                0,
                "",
            )
        ],
    )


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["newsdesk", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli_entry()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return exit_info.value.code or 0, captured.out, captured.err


# ------------------------------------------------------------------------------------- the schema


def test_a_new_database_gets_the_current_schema_in_wal_mode(tmp_path):
    url = sqlite_url(tmp_path / "history.db")
    open_history(url).close()
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        versions = [row[0] for row in connection.execute(sa.text("SELECT version FROM schema_version"))]
        tables = set(sa.inspect(connection).get_table_names())
        mode = connection.execute(sa.text("PRAGMA journal_mode")).scalar()
    engine.dispose()
    assert versions == [1, 2]
    assert {"runs", "scores", "stock_facts", "articles", "editor_actions", "schema_version"} <= tables
    assert mode == "wal"
    open_history(url).close()  # opening again changes nothing
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM schema_version")).scalar() == 2
    engine.dispose()


def test_a_database_from_a_newer_newsdesk_is_refused(tmp_path):
    url = sqlite_url(tmp_path / "history.db")
    open_history(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00+00:00')"))
    engine.dispose()
    with pytest.raises(HistoryError, match="schema version 99 was written by a newer newsdesk"):
        open_history(url)


def test_migrations_apply_in_order_and_keep_what_was_recorded(tmp_path, monkeypatch):
    url = sqlite_url(tmp_path / "history.db")
    real = list(history_schema.MIGRATIONS)
    monkeypatch.setattr(history_schema, "MIGRATIONS", real[:1])  # a database of the first version
    monkeypatch.setattr(history_schema, "SCHEMA_VERSION", 1)
    history = open_history(url)
    history.record(journal("a", DAY1))
    history.close()

    def add_note(connection):
        connection.execute(sa.text("ALTER TABLE runs ADD COLUMN note TEXT"))

    monkeypatch.setattr(history_schema, "MIGRATIONS", [*real, add_note])
    monkeypatch.setattr(history_schema, "SCHEMA_VERSION", 3)
    assert open_history(url).migrate() == 3
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert [r[0] for r in connection.execute(sa.text("SELECT version FROM schema_version"))] == [1, 2, 3]
        assert "editor_actions" in sa.inspect(connection).get_table_names()  # version 2
        assert "note" in {c["name"] for c in sa.inspect(connection).get_columns("runs")}
        assert connection.execute(sa.text("SELECT token FROM runs")).scalar() == "a"
    engine.dispose()


def test_an_unusable_database_url_is_one_line_naming_it(tmp_path, monkeypatch, capsys):
    code, _, err = cli(monkeypatch, capsys, "run", "--out", str(tmp_path / "out"), "--db", "nosuch://x", "-q")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "database_url" in err and "nosuch://x" in err
    assert not (tmp_path / "out" / "site").exists()


# ------------------------------------------------------------------------------------- recording


def test_the_previous_run_is_the_latest_run_of_the_latest_earlier_date(tmp_path):
    history = open_history(sqlite_url(tmp_path / "history.db"))
    history.record(journal("first", DAY1, score=50))
    history.record(journal("rerun", DAY1, score=55))  # a rerun of the same date: the later run counts
    history.record(journal("other", DAY1, universe="S&P 500", score=10))
    history.record(journal("today", DAY2, score=62))
    previous = history.previous("Meridian 80", DAY2)
    assert previous.as_of == DAY1 and previous.scores["HLXM"].score == 55
    assert history.previous("Meridian 80", DAY1) is None  # the same date is not earlier
    assert history.previous("S&P 500", DAY2).scores["HLXM"].score == 10
    assert history.previous("Meridian 80", dt.date(2026, 11, 23)).as_of == DAY2
    history.close()


def test_a_journal_is_recorded_once(tmp_path):
    history = open_history(sqlite_url(tmp_path / "history.db"))
    assert history.record(journal("once", DAY1)) is not None
    assert history.record(journal("once", DAY1)) is None
    assert len(history.ticker_history("HLXM")) == 1
    history.close()


def test_recovery_records_journals_the_database_lacks(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    journal_path(runs, DAY1).write_text(journal("killed-after-commit", DAY1).to_json())
    history = open_history(sqlite_url(tmp_path / "history.db"))
    assert history.recover(runs) == ["killed-after-commit"]
    assert history.recover(runs) == []
    assert history.recorded("killed-after-commit")
    (runs / "2026-11-20.history.json").write_text("{not json")
    with pytest.raises(HistoryError, match=r"2026-11-20\.history\.json: unreadable run journal"):
        history.recover(runs)
    history.close()


# ------------------------------------------------------------------------------------- end to end


def dated_sample(folder: Path) -> Path:
    """The sample with its fundamentals dated Nov. 2, so earlier sessions are scored too (point in
    time, fundamentals dated after a session are unknown on it)."""
    from generator.resources import sample_snapshot_dir

    snapshot = shutil.copytree(sample_snapshot_dir(), folder)
    manifest = json.loads((snapshot / "manifest.json").read_text())
    manifest["fundamentals_as_of"] = "2026-11-02"
    (snapshot / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return snapshot


@pytest.fixture(scope="module")
def two_sessions(tmp_path_factory) -> Path:
    """The sample backfilled over two sessions into one output folder."""
    root = tmp_path_factory.mktemp("history")
    snapshot, out = dated_sample(root / "snapshot"), root / "out"
    for day in (DAY1, DAY2):
        build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True, now=NOW), as_of=day)
    return out


def brief_scores(out: Path, ticker: str) -> dict[dt.date, float]:
    found = {}
    for path in out.glob("*/20*/*-alpha-score-*.json"):
        if path.name.endswith(".ninjs.json"):
            continue
        sidecar = Sidecar.model_validate_json(path.read_text())
        for fact in sidecar.facts:
            if fact.id == f"score:{ticker}:alpha":
                found[sidecar.date] = fact.value
    return found


def test_every_run_records_scores_facts_and_articles(two_sessions):
    history = RunHistory(database_url(None, two_sessions))
    rows = history.ticker_history("HLXM")
    assert [row["as_of"] for row in rows] == [DAY1, DAY2]
    assert {row["as_of"]: float(row["score"]) for row in rows} == brief_scores(two_sessions, "HLXM")
    engine = history.engine
    with engine.connect() as connection:
        runs = connection.execute(sa.text("SELECT id FROM runs ORDER BY id")).all()
        for (run_id,) in runs:
            articles = connection.execute(
                sa.text("SELECT count(*), count(DISTINCT content_hash) FROM articles WHERE run_id = :r"),
                {"r": run_id},
            ).one()
            assert articles[0] == 83 and articles[1] == 83  # each article's version and content hash
    history.close()


def test_newsdesk_history_prints_a_ticker_over_the_recorded_runs(two_sessions, monkeypatch, capsys):
    code, out, _ = cli(monkeypatch, capsys, "history", "HLXM", "--out", str(two_sessions))
    assert code == 0 and "HLXM: 2 recorded runs (Meridian 80)" in out
    assert "2026-11-19" in out and "2026-11-20" in out
    code, out, _ = cli(monkeypatch, capsys, "history", "hlxm", "--out", str(two_sessions), "--format", "json")
    data = json.loads(out)
    assert code == 0 and [run["as_of"] for run in data["runs"]] == ["2026-11-19", "2026-11-20"]
    scores = brief_scores(two_sessions, "HLXM")
    assert [run["score"] for run in data["runs"]] == [scores[DAY1], scores[DAY2]]
    assert all(run["brief"] == f"helix-microdevices-alpha-score-{run['as_of']}" for run in data["runs"])


@pytest.mark.parametrize("ticker", ["NOPE", None])
def test_history_without_runs_is_one_line_and_exit_2(two_sessions, tmp_path, monkeypatch, capsys, ticker):
    folder = two_sessions if ticker else tmp_path / "empty"
    code, _, err = cli(monkeypatch, capsys, "history", ticker or "HLXM", "--out", str(folder))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert ("NOPE" in err) if ticker else ("no run history yet" in err and "newsdesk run" in err)


def test_the_second_session_compares_with_the_first(two_sessions):
    """Score comparisons name the earlier run's score, a session earlier, as facts of their own."""
    compared = 0
    for path in (two_sessions / "site" / "2026-11-20").glob("*-alpha-score-*.json"):
        if path.name.endswith(".ninjs.json"):
            continue
        sidecar = Sidecar.model_validate_json(path.read_text())
        history = [f for f in sidecar.facts if f.id.startswith("history:")]
        assert not history or all(f.start == DAY1 for f in history)
        compared += bool(history)
    first_day = [
        f
        for path in (two_sessions / "site" / "2026-11-19").glob("*.json")
        if not path.name.endswith(".ninjs.json")
        for f in Sidecar.model_validate_json(path.read_text()).facts
        if f.id.startswith("history:")
    ]
    assert compared and not first_day  # without an earlier run, nothing is compared


# ------------------------------------------------------------------------------------- editors

HELD = "brookmere-financial-alpha-score-2026-11-20"  # held for review on the second session


def held_entry(out: Path) -> dict:
    index = json.loads((out / "desk" / "index.json").read_text())["articles"]
    return next(e for e in index if e["slug"] == HELD)


def test_an_editors_approval_is_recorded_in_the_history_once(two_sessions, tmp_path, monkeypatch, capsys):
    out = shutil.copytree(two_sessions, tmp_path / "out", symlinks=True)
    assert held_entry(out)["verdict"] == "review"
    code, _, err = cli(
        monkeypatch, capsys, "approve", HELD, "--out", str(out), "--by", "kim", "--note", "checked"
    )
    assert code == 0, err
    history = RunHistory(database_url(None, out))
    (row,) = history.actions(HELD)
    sidecar = Sidecar.model_validate_json((out / held_entry(out)["path"]).with_suffix(".json").read_text())
    (action,) = sidecar.actions
    assert (row["action"], row["by"], row["note"], row["date"]) == ("approve", "kim", "checked", "2026-11-20")
    assert (
        row["at"] == action.at.strftime("%Y-%m-%dT%H:%M:%SZ") and row["content_hash"] == action.content_hash
    )
    # a rerun of the date carries the approval and its action in its journal: still one row
    build(
        load_settings(snapshot=dated_sample(tmp_path / "snapshot"), out=out, jobs=1, quiet=True, now=NOW),
        as_of=DAY2,
    )
    assert [r["action"] for r in history.actions(HELD)] == ["approve"]
    history.close()


def test_an_approval_killed_before_the_database_reaches_it_with_the_next_run(two_sessions, tmp_path):
    from test_kills import newsdesk

    out = shutil.copytree(two_sessions, tmp_path / "out", symlinks=True)
    killed = newsdesk(
        "approve", HELD, "--out", str(out), "--by", "kim",
        point="generator.history.recorder:HistoryRecorder.record:before", cwd=tmp_path,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert held_entry(out)["approved"]  # the output has it (the switch came first) ...
    history = RunHistory(database_url(None, out))
    assert history.actions(HELD) == []  # ... the database not yet
    snapshot = dated_sample(tmp_path / "snapshot")
    build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True, now=NOW), as_of=DAY2)
    (row,) = history.actions(HELD)
    assert (row["action"], row["by"]) == ("approve", "kim")
    history.close()


def test_no_history_no_recorder(tmp_path):
    from generator.review.actions import recorder_for

    assert recorder_for(load_settings(out=tmp_path / "none")) is None  # an action alone makes no database
    assert not (tmp_path / "none").exists()


# ------------------------------------------------------------------------------------- killed runs


def output_state(out: Path) -> dict[str, str]:
    """Every article, page and feed a reader sees (run records and journals aside)."""
    import hashlib

    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(readable(out))
        if p.is_file() and p.relative_to(out).parts[:2] != ("desk", "runs")
    }


def database_state(out: Path) -> list[tuple]:
    """What the history holds, as the next reader sees it (pending journals recorded first)."""
    from generator.history.command import read_history

    url = database_url(None, out)
    if not Path(url.removeprefix("sqlite:///")).is_file():
        return []
    read_history("HLXM", out, None)  # recovers what a killed run committed, like any reader
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT r.as_of, count(DISTINCT s.ticker), count(DISTINCT a.slug) FROM runs r "
                "JOIN scores s ON s.run_id = r.id JOIN articles a ON a.run_id = r.id "
                "GROUP BY r.id ORDER BY r.id"
            )
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


@pytest.fixture(scope="module")
def killable(tmp_path_factory) -> dict:
    """The sample's first session recorded, and the same after its second session: the two states
    a run of the second session killed at any moment may leave."""
    root = tmp_path_factory.mktemp("history-kills")
    snapshot = dated_sample(root / "snapshot")
    base = root / "base"
    build(load_settings(snapshot=snapshot, out=base, jobs=1, quiet=True, now=NOW), as_of=DAY1)
    done = shutil.copytree(base, root / "done", symlinks=True)
    build(load_settings(snapshot=snapshot, out=done, jobs=1, quiet=True, now=NOW), as_of=DAY2)
    before = (output_state(base), database_state(base))
    after = (output_state(done), database_state(done))
    assert before != after and len(before[1]) == 1 and len(after[1]) == 2
    return {"snapshot": snapshot, "base": base, "before": before, "after": after}


def run_args(snapshot: Path, out: Path) -> list[str]:
    """A run of the second session, as the references made it."""
    options = f"--as-of {DAY2} --now {NOW} --jobs 1 --quiet".split()
    return ["run", *options, "--snapshot", str(snapshot), "--out", str(out)]


# Where a run of the second session dies (tests/test_kills.py's KILLER: "module:function:when", nth
# call): staging, just before and just after the output's switch, inside the database transaction
# (the run row inserted, the other rows not), and just after the database's commit.
HISTORY_KILLS = [
    ("generator.publish:RunWriter.write:after", 3),
    ("generator.changeset:_switch:before", 1),
    ("generator.changeset:_switch:after", 1),
    ("generator.history.store:RunHistory.record:before", 1),
    ("generator.history.journal:RunJournal.rows:before", 1),
    ("generator.history.store:RunHistory.close:before", 1),
]


@pytest.mark.parametrize(("point", "nth"), HISTORY_KILLS, ids=[p for p, _ in HISTORY_KILLS])
def test_a_run_killed_at_each_step_leaves_output_and_history_before_or_after(point, nth, killable, tmp_path):
    from test_kills import newsdesk

    out = shutil.copytree(killable["base"], tmp_path / "out", symlinks=True)
    done = newsdesk(*run_args(killable["snapshot"], out), point=point, nth=nth, cwd=tmp_path)
    assert done.returncode == -signal.SIGKILL, done.stderr
    state = (output_state(out), database_state(out))
    assert state in (killable["before"], killable["after"]), f"neither before nor after, killed at {point}"
    before_switch = point.startswith(("generator.publish", "generator.changeset:_switch:before"))
    expected = "before" if before_switch else "after"
    assert state == killable[expected]  # after the switch, the next reader records the journal
    again = newsdesk(*run_args(killable["snapshot"], out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    output, runs = killable["after"]
    # The killed run is in the history once (if it got as far as its switch), and the retry once more.
    assert (output_state(out), database_state(out)) == (output, runs + runs[-1:] * (expected == "after"))
    assert leftovers(out) == []


def test_a_run_killed_at_random_moments_leaves_output_and_history_before_or_after(killable, tmp_path):
    command = [sys.executable, "-m", "generator", *run_args(killable["snapshot"], tmp_path / "timing")]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    duration = time.monotonic() - started
    rng = random.Random(14)
    for trial in range(4):
        out = shutil.copytree(killable["base"], tmp_path / f"killed-{trial}", symlinks=True)
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", *run_args(killable["snapshot"], out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(duration * (trial + rng.random()) / 4)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = (output_state(out), database_state(out))
        assert state in (killable["before"], killable["after"]), f"trial {trial}: a mixed state"
