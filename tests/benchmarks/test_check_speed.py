"""Opt-in benchmark: `newsdesk check` on the 2,000-article corpus, the way CI would run it.

    python -m pytest tests/benchmarks --benchmark-only

The corpus comes from ../shared/bench/make_corpus.py (2,000 articles of about 650 words sharing 50
sources; each has a verified quote, a misquote, a dropped table and a code block). The target is
under 3 s wall on a 2-core machine with the default rules, process start-up included. The default
test run skips this (`--benchmark-skip` in pyproject.toml's addopts, which `--benchmark-only`
overrides and `--benchmark-enable` does not). By hand:

    python ../shared/bench/make_corpus.py /tmp/corpus
    time newsdesk check /tmp/corpus --format json > /dev/null
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("NEWSDESK_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
TARGET_SECONDS = 3.0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"benchmark corpus script not found at {MAKE_CORPUS}")
    folder = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(folder)], check=True)
    return folder


def test_check_2000_articles(benchmark, corpus):
    def run() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "generator", "check", str(corpus), "--format", "json"]
        return subprocess.run(command, capture_output=True, text=True)

    done = benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=1)
    assert done.returncode == 1, done.stderr  # every corpus article misquotes and lacks the disclosure
    report = json.loads(done.stdout)
    assert report["summary"]["articles"] == 2000
    rules = {finding["rule"] for article in report["articles"] for finding in article["findings"]}
    assert rules == {"quotes.mismatch", "tables.low_information", "style.disclosure"}
    assert benchmark.stats["min"] < TARGET_SECONDS
