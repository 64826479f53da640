"""Render alpha briefs in one fresh process, the way a run's worker does; print the best rate.

    python tests/benchmarks/render_rate.py SNAPSHOT [BRIEFS] [ROUNDS]

Used by test_scale.py so the measurement does not inherit the test process's heap.
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

from generator import pipeline
from generator.config import load_settings


def main() -> None:
    snapshot, briefs, rounds = (
        Path(sys.argv[1]),
        int(sys.argv[2] if len(sys.argv) > 2 else 2000),
        int(sys.argv[3] if len(sys.argv) > 3 else 5),
    )
    with tempfile.TemporaryDirectory() as out:
        desk = pipeline.prepare(load_settings(snapshot=snapshot, out=Path(out), jobs=1, quiet=True))
    gc.freeze()  # as build() does before forking workers
    plans = [p for p in desk.newsroom.plan() if p.kind == "alpha_brief"][:briefs]
    for plan in plans[:200]:  # warm up: compile templates, fill caches
        desk.newsroom.write(plan)
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        for plan in plans:
            desk.newsroom.write(plan)
        seconds.append(time.perf_counter() - started)
    print(f"{len(plans)} {min(seconds):.6f} {statistics.median(seconds):.6f}")


if __name__ == "__main__":
    main()
