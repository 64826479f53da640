"""Opt-in benchmark of `newsdesk backfill`: 20 sessions here and on a two-worker LocalCluster.

    TMPDIR=/var/tmp python -m pytest tests/benchmarks/test_backfill_bench.py --benchmark-only -s

Each case backfills the 20 sessions to 2026-11-20 of a generated universe (fundamentals dated
before them, so every session is scored and compares with the one before) into a fresh folder,
as a user runs it (a subprocess), and reports wall time and the CPU time of the whole process
tree (user + system, the LocalCluster's workers included). Both executors must write the same
files and history rows (the issue's "Done when"); the figures go to README.md (Backfilling).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from output_tree import history_rows, output_files

from generator.market.sample.generate import write_sample

FIRST, LAST, SESSIONS = "2026-10-26", "2026-11-20", 20
NOW = "2026-11-21T06:00:00Z"


@pytest.fixture(scope="module", params=[80, 1000], ids=lambda n: f"{n}-tickers")
def universe(request, tmp_path_factory) -> Path:
    path = write_sample(tmp_path_factory.mktemp("backfill") / "u", n_tickers=request.param, years=1.5)
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["fundamentals_as_of"] = "2026-10-01"
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return path


@pytest.fixture(scope="module")
def outputs(universe) -> dict[str, Path]:
    return {}


def backfill(universe: Path, out: Path, executor: str) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator", "backfill", "--snapshot", str(universe), "--from", FIRST,
         "--to", LAST, "--out", str(out), "--executor", executor, "--jobs", "2", "--now", NOW,
         "--isolated", "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stderr
    assert f"{SESSIONS} of {SESSIONS} dates run, " in done.stdout, done.stdout
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_backfill_20_sessions(benchmark, universe, outputs, tmp_path, executor):
    out = tmp_path / "out"
    figures = benchmark.pedantic(backfill, args=(universe, out, executor), rounds=1, iterations=1)
    benchmark.extra_info.update(figures)
    print(f"\n{universe.parent.name} {executor}: {figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU")
    outputs[executor] = out
    if len(outputs) == 2:  # the second executor: both wrote the same files and rows
        assert output_files(outputs["dask"]) == output_files(outputs["local"])
        assert history_rows(outputs["dask"]) == history_rows(outputs["local"])
