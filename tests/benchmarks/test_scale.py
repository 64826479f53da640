"""Opt-in benchmarks against the issue targets (measured on the 2-core machine in README.md):

    TMPDIR=/var/tmp python -m pytest tests/benchmarks --benchmark-only

| benchmark | target |
|---|---|
| generating a 5,000-ticker, 3-year fictional universe | well under 10 s |
| facts for 5,000 tickers | < 2 s |
| Alpha Scores for 5,000 tickers | < 1 s |
| rendering alpha briefs, one process | >= 2,500 articles/s per core |
| `newsdesk run` on 5,000 tickers, 3 years (2 jobs) | < 20 s wall, < 1.5 GiB peak memory |
| `newsdesk run` on ../shared/data/sp500-2017-11 | < 5 s wall |
| `newsdesk --help` | < 0.3 s |

Peak memory is the largest sum, over the run's process tree, of proportional set size (PSS: pages
shared by forked workers counted once), sampled every 250 ms from /proc (more often slows the run:
reading smaps_rollup locks the target's memory map); the peak RSS of the parent is reported too.
On this machine /tmp is slow to create files in (0.8 ms a file against 0.03 ms under /var/tmp),
which would dominate a run writing 15,000 files, hence TMPDIR above.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.facts import PricePanel, compute_facts, load_fact_rules, load_fundamentals_rules
from generator.market.sample.generate import build_sample, write_sample
from generator.market.snapshot import load_snapshot
from generator.resources import resource_dir
from generator.scoring import compute_scores, load_lexicon, load_scoring_rules

RULES = resource_dir("rules")
SHARED = Path(os.environ.get("NEWSDESK_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
SP500 = SHARED / "data" / "sp500-2017-11"
GIB = 1024**3


@pytest.fixture(scope="module")
def universe(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("scale") / "u5000", n_tickers=5000, years=3.0)


@pytest.fixture(scope="module")
def loaded(universe):
    return load_snapshot(universe)


def test_build_sample_5000_tickers(benchmark):
    snapshot = benchmark.pedantic(build_sample, args=(5000,), kwargs={"years": 3.0}, rounds=1, iterations=1)
    assert snapshot.prices["ticker"].nunique() == 5000
    assert benchmark.stats["max"] < 10


def facts_of(snapshot, rules):
    """The facts stage as a run does it: the price panel, then every figure."""
    panel = PricePanel.from_snapshot(snapshot, rules)
    return panel, compute_facts(snapshot, panel, rules, load_fundamentals_rules(RULES))


def test_facts_5000_tickers(benchmark, loaded):
    rules = load_fact_rules(RULES)
    _, facts = benchmark.pedantic(facts_of, args=(loaded, rules), rounds=3, iterations=1)
    assert len(facts.stocks) == 5000
    assert benchmark.stats["min"] < 2.0


def test_scores_5000_tickers(benchmark, loaded):
    panel, facts = facts_of(loaded, load_fact_rules(RULES))
    rules, lexicon = load_scoring_rules(RULES), load_lexicon(RULES)

    def score_everything():
        """The universe table and every ticker's record: records are built lazily, count them anyway."""
        scores = compute_scores(loaded, panel, facts, rules, lexicon)
        return scores, list(scores.by_ticker.values())

    _, records = benchmark.pedantic(score_everything, rounds=3, iterations=1)
    assert sum(a.score is not None for a in records) > 4000
    assert benchmark.stats["min"] < 1.0


def test_render_alpha_briefs_per_core(benchmark, universe):
    """Five rounds of 2,000 briefs in a fresh process (render_rate.py); the benchmark's own time is
    that whole subprocess, the rates are in extra_info."""
    script = Path(__file__).with_name("render_rate.py")

    def run() -> str:
        done = subprocess.run(
            [sys.executable, str(script), str(universe), "2000", "5"], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    briefs, best, median = benchmark.pedantic(run, rounds=1, iterations=1).split()
    rate = int(briefs) / float(best)
    benchmark.extra_info["briefs_per_second_best"] = round(rate)
    benchmark.extra_info["briefs_per_second_median"] = round(int(briefs) / float(median))
    assert rate >= 2500


class TreeMemory:
    """Samples a process and its children from /proc: peak summed PSS, and the parent's peak RSS."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_pss = 0
        self.peak_parent_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = [self.pid, *self._children(self.pid)]
            rss = [self._field(p, "status", "VmRSS:") for p in pids]
            self.peak_parent_rss = max(self.peak_parent_rss, rss[0])
            # A process's PSS never exceeds its RSS, so only when the RSS sum passes the peak can
            # the PSS sum have: smaps_rollup walks and locks the target's whole memory map (at
            # 50,000 tickers reading it every 250 ms added 8% to the run), /status does not.
            if sum(rss) > self.peak_pss:
                self.peak_pss = max(self.peak_pss, sum(self._field(p, "smaps_rollup", "Pss:") for p in pids))
            self._stop.wait(0.25)

    def _children(self, pid: int) -> list[int]:
        try:
            found = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []
        return found + [grandchild for child in found for grandchild in self._children(child)]

    @staticmethod
    def _field(pid: int, name: str, key: str) -> int:
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0


def timed_run(args: list[str], out: Path) -> tuple[float, TreeMemory]:
    """One run into `out`, which must be new: deleting thousands of files just before would slow
    the run's own file creation for minutes after (README → Performance)."""
    assert not out.exists()
    started = time.perf_counter()
    command = [sys.executable, "-m", "generator", *args, "--out", str(out), "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with TreeMemory(process.pid) as memory:
        _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    assert process.returncode == 0, stderr
    return seconds, memory


def test_full_run_5000_tickers(benchmark, universe, tmp_path):
    results: list[TreeMemory] = []

    def run() -> float:
        out = tmp_path / f"out-{len(results)}"
        seconds, memory = timed_run(["run", "--snapshot", str(universe), "--jobs", "2"], out)
        results.append(memory)
        return seconds

    benchmark.pedantic(run, rounds=2, iterations=1)
    peak = max(m.peak_pss for m in results)
    benchmark.extra_info["peak_pss_gib"] = round(peak / GIB, 3)
    benchmark.extra_info["peak_parent_rss_gib"] = round(max(m.peak_parent_rss for m in results) / GIB, 3)
    assert len(list((tmp_path / "out-1").glob("*/2026-11-20/*.md"))) > 5000  # site/ and desk/
    assert benchmark.stats["min"] < 20 and peak < 1.5 * GIB


def test_full_run_sp500(benchmark, tmp_path):
    if not (SP500 / "manifest.json").is_file():
        pytest.skip(f"shared data not found at {SP500}")
    results: list[TreeMemory] = []

    def run() -> float:
        seconds, memory = timed_run(["run", "--snapshot", str(SP500)], tmp_path / f"out-{len(results)}")
        results.append(memory)
        return seconds

    benchmark.pedantic(run, rounds=3, iterations=1)
    benchmark.extra_info["peak_pss_gib"] = round(max(m.peak_pss for m in results) / GIB, 3)
    assert benchmark.stats["min"] < 5


def test_help_is_instant(benchmark):
    def run() -> None:
        subprocess.run([sys.executable, "-m", "generator", "--help"], check=True, capture_output=True)

    benchmark.pedantic(run, rounds=5, iterations=1, warmup_rounds=1)
    assert benchmark.stats["min"] < 0.3
