"""What the claims checks, the charts and the run history cost on the 5,000-ticker run (issue 19).

    TMPDIR=/var/tmp python -m pytest tests/benchmarks/test_feature_costs.py --benchmark-only

One run in this process with one job (so every stage's CPU is this process's), with the functions
of each feature timed by process CPU: the claims.* and quotes.attribution rules of the checker
(with the sentence reading they share), the writers' claim records, chart drawing, and the run
history's reads and writes. The target: together at most 20% of the run's CPU. The first version
of the same run, before these features, took 21.6 s of CPU (issue 19's own table); the README
gives both.
"""

from __future__ import annotations

import time
import types
from collections import defaultdict
from pathlib import Path

from generator import pipeline
from generator.checks.registry import RULES
from generator.config import load_settings
from generator.history.store import RunHistory
from generator.writing import render
from tests.benchmarks.test_scale import universe  # noqa: F401  (the 5,000-ticker fixture)


def _timed(monkeypatch, owner, name: str, feature: str, spent: dict[str, float]) -> None:
    original = getattr(owner, name)
    depth = {"n": 0}  # a feature's function calling another of its own is counted once

    def wrapper(*args, **kwargs):
        if depth["n"]:
            return original(*args, **kwargs)
        depth["n"] += 1
        started = time.process_time()
        try:
            result = original(*args, **kwargs)
            # a rule's check is a generator: its work happens as the checker reads it
            return list(result) if isinstance(result, types.GeneratorType) else result
        finally:
            spent[feature] += time.process_time() - started
            depth["n"] -= 1

    monkeypatch.setattr(owner, name, wrapper)


def test_claims_charts_and_history_cost_at_most_a_fifth_of_the_run(
    benchmark,
    universe,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    spent: dict[str, float] = defaultdict(float)
    for rule in RULES:
        if rule.id.startswith("claims.") or rule.id == "quotes.attribution":
            _timed(monkeypatch, rule, "check", "claims checks", spent)
    _timed(monkeypatch, render.RenderState, "claim", "claim records", spent)
    _timed(monkeypatch, render, "_claims_in", "claim records", spent)
    _timed(monkeypatch, pipeline, "draw_charts", "charts", spent)
    for method in ("previous", "record", "recover", "migrate"):
        _timed(monkeypatch, RunHistory, method, "history", spent)
    settings = load_settings(snapshot=Path(universe), out=tmp_path / "out", jobs=1, quiet=True)

    def run() -> float:
        spent.clear()
        started = time.process_time()
        pipeline.build(settings)
        return time.process_time() - started

    total = benchmark.pedantic(run, rounds=1, iterations=1)
    shares = {feature: seconds / total for feature, seconds in spent.items()}
    benchmark.extra_info.update(
        run_cpu_seconds=round(total, 1),
        **{f"{feature} (s)": round(seconds, 2) for feature, seconds in spent.items()},
        **{f"{feature} (share)": round(share, 3) for feature, share in shares.items()},
    )
    assert spent["claims checks"] > 0 and spent["history"] > 0  # the timers saw the features run
    assert sum(shares.values()) <= 0.20
