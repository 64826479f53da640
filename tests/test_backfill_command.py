"""`newsdesk backfill`: the same files and history rows as `newsdesk run --as-of` date by date,
whether the dates run here or as tasks on a two-worker Dask LocalCluster; a killed backfill
resumes without redoing finished dates; and every mistake is one line and exit code 2.

The oracle is the command the backfill stands for: `newsdesk run --as-of DAY` for each day in
order, into a fresh folder. Three sessions of a generated 40-ticker universe keep it to seconds;
its fundamentals are dated before them, so every session is scored and the last two compare with
the session before (score changes in every brief, a score-changes story): the history's part of
each date's work is exercised. The 20-date comparison and its timings are the benchmark
(tests/benchmarks/test_backfill_bench.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from command_line import run_cli
from output_tree import history_rows, output_files

DAYS = ("2026-11-18", "2026-11-19", "2026-11-20")  # three consecutive sessions of the sample
NOW = "2026-11-21T06:00:00Z"
COMMON = ("--now", NOW, "--isolated", "--jobs", "2", "--quiet")


def backfill_args(out: Path, executor: str) -> tuple[str, ...]:
    return ("backfill", "--from", DAYS[0], "--to", DAYS[-1], "--out", str(out), "--executor", executor)


def run_tokens(out: Path) -> dict[str, list[str]]:
    with sqlite3.connect(out / ".newsdesk" / "history" / "history.db") as db:
        found: dict[str, list[str]] = {}
        for as_of, token in db.execute("select as_of, token from runs order by id"):
            found.setdefault(as_of, []).append(token)
    return found


@pytest.fixture(scope="module")
def universe(tmp_path_factory) -> Path:
    """40 fictional tickers over a year and a half to 2026-11-20, fundamentals dated 2026-11-02."""
    from generator.market.sample.generate import write_sample

    path = write_sample(tmp_path_factory.mktemp("universe") / "u40", n_tickers=40, years=1.5, seed=20261120)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["fundamentals_as_of"] = "2026-11-02"
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return path


@pytest.fixture(scope="module")
def common(universe) -> tuple[str, ...]:
    return ("--snapshot", str(universe), *COMMON)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory, common) -> Path:
    """The dates run one by one with `newsdesk run --as-of`."""
    out = tmp_path_factory.mktemp("oracle") / "out"
    monkeypatch = pytest.MonkeyPatch()
    try:
        for day in DAYS:
            code, _, err = _cli(monkeypatch, "run", "--as-of", day, "--out", str(out), *common)
            assert code == 0, err
    finally:
        monkeypatch.undo()
    return out


def _cli(monkeypatch, *args: str) -> tuple[int, str, str]:
    """run_cli without capsys (module fixtures have none): exit code and empty captures."""
    monkeypatch.setattr(sys, "argv", ["newsdesk", *args])
    from generator import cli

    try:
        cli.main()
    except SystemExit as exc:
        return exc.code or 0, "", ""
    return 0, "", ""


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory, common) -> dict[str, Path]:
    """The same dates backfilled here and on a two-worker LocalCluster, reached at its scheduler's
    address as a cluster in production is (the backfill's own LocalCluster is used further down)."""
    from distributed import LocalCluster

    outs = {}
    monkeypatch = pytest.MonkeyPatch()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0", silence_logs=50
    )
    try:
        for executor, more in (("local", ()), ("dask", ("--scheduler", cluster.scheduler_address))):
            out = tmp_path_factory.mktemp(executor) / "out"
            code, _, _ = _cli(monkeypatch, *backfill_args(out, executor), *more, *common)
            assert code == 0
            outs[executor] = out
    finally:
        cluster.close()
        monkeypatch.undo()
    return outs


def test_the_oracle_compares_each_day_with_the_one_before(oracle):
    """Guards the comparisons below: without history the dates would not depend on each other."""
    for day, before in zip(DAYS[1:], DAYS, strict=False):
        briefs = [json.loads(p.read_text()) for p in oracle.glob(f"*/{day}/*-alpha-score-{day}.json")]
        compared = [b for b in briefs if any(f["id"].startswith("history:") for f in b["facts"])]
        assert len(briefs) == 40 and len(compared) > 30  # all but the briefs of stocks without a score
        starts = {f["start"] for b in compared for f in b["facts"] if f["id"].startswith("history:")}
        assert starts == {before}
        assert list(oracle.glob(f"*/{day}/alpha-score-changes-{day}.md"))
    assert [row[1] for row in history_rows(oracle)["runs"]] == list(DAYS)


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_backfill_writes_the_files_the_runs_one_by_one_write(oracle, backfilled, executor):
    expected, got = output_files(oracle), output_files(backfilled[executor])
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if got[name] != expected[name]] == []


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_backfill_records_the_history_rows_the_runs_one_by_one_record(oracle, backfilled, executor):
    expected, got = history_rows(oracle), history_rows(backfilled[executor])
    assert len(got["scores"]) == len(expected["scores"]) > 0
    assert got == expected


def test_a_wrong_prediction_of_the_previous_run_is_caught_and_the_date_run_here(
    oracle, common, tmp_path, monkeypatch, capsys
):
    """With the history's next run id mispredicted, every date after the first would compare with a
    run that does not exist: the client sees it before committing and runs those dates itself."""
    from generator.history.store import RunHistory

    monkeypatch.setattr(RunHistory, "last_run_id", lambda self: 40)
    out = tmp_path / "out"
    code, stdout, err = run_cli(
        monkeypatch, capsys, "backfill", "--from", DAYS[0], "--to", DAYS[-1], "--out", str(out),
        "--executor", "dask", *common,
    )  # fmt: skip
    assert code == 0, err
    assert "3 of 3 dates run (2 run again here)" in stdout
    assert output_files(out) == output_files(oracle)
    assert history_rows(out) == history_rows(oracle)


# ------------------------------------------------------------------------------------ killed and resumed

KILLER = """
import os, signal, sys
from generator.history.store import RunHistory
from generator.cli import main

point, nth = sys.argv[1], int(sys.argv[2])
record, seen = RunHistory.record, []

def recording(self, journal):
    seen.append(journal.as_of)
    if point == "before-record" and len(seen) == nth:  # the date's output is committed, not recorded
        os.kill(os.getpid(), signal.SIGKILL)
    recorded = record(self, journal)
    if point == "after-record" and len(seen) == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return recorded

RunHistory.record = recording
sys.argv = ["newsdesk", *sys.argv[3:]]
main()
"""


@pytest.mark.parametrize(
    ("executor", "point", "finished"),
    [("local", "after-record", 1), ("dask", "before-record", 2)],
)
def test_a_killed_backfill_resumes_without_redoing_finished_dates(
    oracle, common, tmp_path, monkeypatch, capsys, executor, point, finished
):
    out = tmp_path / "out"
    args = backfill_args(out, executor)
    marker = f"NEWSDESK_TEST_KILLED_BACKFILL={tmp_path.name}"  # inherited by every process it starts
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, point, str(finished), *args, *common],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore", marker.split("=")[0]: tmp_path.name},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _still_running(marker) == []  # its workers (forked, or the LocalCluster's) died with it
    journals = {
        day: json.loads((out / "desk" / "runs" / f"{day}.history.json").read_text())["token"]
        for day in DAYS[:finished]
    }
    assert not (out / "desk" / "runs" / f"{DAYS[finished]}.history.json").exists()

    code, stdout, err = run_cli(monkeypatch, capsys, *args, *common)
    assert code == 0, err
    assert f"{len(DAYS) - finished} of {len(DAYS)} dates run, {finished} already done" in stdout
    tokens = run_tokens(out)
    assert {day: tokens[day] for day in DAYS[:finished]} == {day: [t] for day, t in journals.items()}
    assert all(len(tokens[day]) == 1 for day in DAYS)  # each date run once in all
    assert output_files(out) == output_files(oracle)
    assert history_rows(out) == history_rows(oracle)


def _still_running(marker: str, wait: float = 10.0) -> list[int]:
    """Processes whose environment holds `marker`, after giving them `wait` seconds to end."""
    deadline = time.monotonic() + wait
    while True:
        found = []
        for environ in Path("/proc").glob("[0-9]*/environ"):
            try:
                if marker.encode() in environ.read_bytes().split(b"\0"):
                    found.append(int(environ.parent.name))
            except OSError:  # ended meanwhile, or not ours to read
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_finished_backfill_run_again_does_nothing(backfilled, common, monkeypatch, capsys):
    out = backfilled["local"]
    before = output_files(out)
    code, stdout, _ = run_cli(
        monkeypatch, capsys, "backfill", "--from", DAYS[0], "--to", DAYS[-1], "--out", str(out), *common
    )
    assert code == 0
    assert "0 of 3 dates run, 3 already done, 0 articles" in stdout
    assert output_files(out) == before


# ------------------------------------------------------------------------------------------------ errors


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-11-20", "--to", "2026-11-18"), "--from 2026-11-20 is after --to 2026-11-18"),
        (("--from", "2026-13-01", "--to", "2026-11-18"), "'2026-13-01' does not match the format"),
        (("--from", "2026-11-21", "--to", "2026-11-22"), "no trading day from 2026-11-21 to 2026-11-22"),
        (("--from", "2030-01-01", "--to", "2030-01-31"), "(the snapshot's sessions run from 20"),
        (("--from", "2026-11-18", "--to", "2026-11-20", "--executor", "spark"), "'spark' is not one of"),
        (
            ("--from", "2026-11-18", "--to", "2026-11-20", "--scheduler", "tcp://127.0.0.1:8786"),
            "--scheduler tcp://127.0.0.1:8786: only used with --executor dask",
        ),
    ],
)
def test_mistakes_are_one_line_and_exit_2(tmp_path, monkeypatch, capsys, args, message):
    out = tmp_path / "out"
    code, _, err = run_cli(monkeypatch, capsys, "backfill", *args, "--out", str(out), "--isolated")
    assert code == 2
    assert err.startswith("newsdesk: error: ") and err.count("\n") == 1, err
    assert message in err
    assert not out.exists()  # nothing written before the mistake was found


def test_an_unreachable_scheduler_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = dt.datetime.now()
    code, _, err = run_cli(
        monkeypatch, capsys, "backfill", "--from", DAYS[0], "--to", DAYS[-1], "--out", str(tmp_path / "o"),
        "--executor", "dask", "--scheduler", address, "--connect-timeout", "1", "--isolated",
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"newsdesk: error: --scheduler {address}: cannot reach the Dask scheduler ")
    assert "within 1 s" in err and err.count("\n") == 1
    assert (dt.datetime.now() - started).total_seconds() < 30
    assert not (tmp_path / "o").exists()


def test_dask_not_installed_names_the_extra(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    code, _, err = run_cli(
        monkeypatch, capsys, "backfill", "--from", DAYS[0], "--to", DAYS[-1], "--out", str(tmp_path / "o"),
        "--executor", "dask", "--isolated",
    )  # fmt: skip
    assert code == 2
    assert "needs dask.distributed, which is not installed: python -m pip install 'newsdesk[dask]'" in err
    assert err.count("\n") == 1
