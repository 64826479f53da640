"""Whole runs at 5,000, 20,000 and 50,000 tickers: wall time, CPU and peak memory of the process tree.

    TMPDIR=/var/tmp python -m pytest tests/benchmarks/test_universe_sizes.py --benchmark-only

About 15 minutes on the 2-core machine, most of it generating the universes (a 50,000-ticker one
takes about 2 minutes and 4.5 GiB). The targets (issue 19): CPU grows in proportion to the
tickers (each size's CPU per ticker within 15% of the 5,000-ticker run's), 50,000 tickers finish
in under 3 minutes with the whole process tree under 4 GiB, and 5,000 in under 12 s on a quiet
machine. CPU is user plus system time of newsdesk and every worker it ran, from the kernel's
accounting of waited-for children; memory is TreeMemory's peak summed PSS (tests/benchmarks/
test_scale.py). Each size writes into a folder of its own and the outputs are deleted only after
the last size, and the sampler reads the expensive smaps_rollup only when the peak may have
grown: both would otherwise slow what they measure.
"""

from __future__ import annotations

import resource
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.market.sample.generate import write_sample
from tests.benchmarks.test_scale import GIB, TreeMemory, timed_run

SIZES = (5000, 20000, 50000)
_CPU_PER_TICKER: dict[int, float] = {}


def run_tree(snapshot: Path, out: Path) -> tuple[float, float, TreeMemory]:
    """Wall seconds, CPU seconds (user + system, the whole tree) and memory of one run into a new
    folder `out`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, memory = timed_run(["run", "--snapshot", str(snapshot), "--jobs", "2"], out)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, memory


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Iterator[Path]:
    """Where each size's run writes. Nothing is deleted until every size is measured: a run just
    after thousands of files were deleted creates its own files several times more slowly."""
    folder = tmp_path_factory.mktemp("sizes-out")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("tickers", SIZES)
def test_run_cost_grows_with_the_universe(benchmark, tickers, tmp_path_factory, outputs):
    universe = write_sample(tmp_path_factory.mktemp("sizes") / f"u{tickers}", n_tickers=tickers, years=3.0)
    out = outputs / f"out-{tickers}"
    measured: list[tuple[float, TreeMemory]] = []

    def run() -> float:
        wall, cpu, memory = run_tree(universe, out)
        measured.append((cpu, memory))
        return wall

    benchmark.pedantic(run, rounds=1, iterations=1)
    cpu, memory = measured[0]
    benchmark.extra_info.update(
        cpu_seconds=round(cpu, 1),
        cpu_ms_per_ticker=round(cpu / tickers * 1000, 2),
        peak_pss_gib=round(memory.peak_pss / GIB, 2),
        peak_parent_rss_gib=round(memory.peak_parent_rss / GIB, 2),
    )
    shutil.rmtree(universe.parent, ignore_errors=True)  # a 50,000-ticker universe is 1.2 GB
    _CPU_PER_TICKER[tickers] = cpu / tickers
    if tickers != SIZES[0] and SIZES[0] in _CPU_PER_TICKER:
        assert cpu / tickers <= 1.15 * _CPU_PER_TICKER[SIZES[0]]
    if tickers == 50000:
        assert benchmark.stats["min"] < 180 and memory.peak_pss < 4 * GIB
    if tickers == 5000:
        assert benchmark.stats["min"] < 12
