"""Golden end-to-end test over the bundled sample (fixed as-of date 2026-11-20).

One article of each kind — and of a few brief structures (routine, news-led, record close) — is
kept verbatim (markdown and sidecar) in tests/golden/, and every output file is pinned by its
SHA-256 in tests/golden/manifest.json, so any change to any article shows up.
After an intended change, refresh with one command and review the diff:

    python -m pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from output_tree import readable

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = {
    "alpha_brief": "helix-microdevices-alpha-score-2026-11-20",  # routine: a year against the benchmark
    "alpha_brief (news)": "brightwell-silicon-alpha-score-2026-11-20",  # led by the day's headline
    "alpha_brief (record)": "sorrel-biosciences-alpha-score-2026-11-20",  # a 52-week closing high
    "market_movers": "meridian-80-market-movers-2026-11-20",
    "cohort_performance": "cohort-performance-2026-11-20",
    "thematic": "gpu-infrastructure-asset-class-2026-11-20",
}


def output_files(out: Path) -> dict[str, str]:
    """Every file of the site and the desk (run records excluded: they hold timestamps by design)."""
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(readable(out))
        if path.is_file()
        and path.relative_to(out).parts[:2] != ("desk", "runs")
        and not path.name.startswith(".")
    }


def test_output_matches_golden(sample_run, update_golden):
    out = sample_run.out_dir
    day = out / "site" / "2026-11-20"  # the examples are all published
    hashes = output_files(out)
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / "manifest.json").write_text(json.dumps(hashes, indent=2) + "\n")
        for slug in EXAMPLES.values():
            for suffix in (".md", ".json"):
                (GOLDEN / f"{slug}{suffix}").write_bytes((day / f"{slug}{suffix}").read_bytes())
        pytest.skip("golden files rewritten; review the diff and commit it")
    for kind, slug in EXAMPLES.items():
        for suffix in (".md", ".json"):
            expected = (GOLDEN / f"{slug}{suffix}").read_text()
            assert (day / f"{slug}{suffix}").read_text() == expected, f"{kind} {slug}{suffix} changed"
    expected_hashes = json.loads((GOLDEN / "manifest.json").read_text())
    changed = sorted(
        k for k in expected_hashes.keys() | hashes.keys() if expected_hashes.get(k) != hashes.get(k)
    )
    assert not changed, (
        f"{len(changed)} output files differ from tests/golden/manifest.json, e.g. {changed[:5]}"
    )


def test_every_kind_is_written(sample_run):
    kinds = {a.kind for a in sample_run.articles}
    assert kinds == {kind.split(" ")[0] for kind in EXAMPLES}  # score_changes needs an earlier run
    assert len(sample_run.articles) >= 20
