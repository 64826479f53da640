"""Fixtures shared by every test module.

Tests that read ../shared (real S&P 500 data) skip cleanly when it is absent: a user's clone has none.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("NEWSDESK_SHARED_DIR", REPO_ROOT.parent / "shared"))
SP500_DIR = SHARED_DIR / "data" / "sp500-2017-11"


@pytest.fixture(scope="session")
def sp500_dir() -> Path:
    """The real S&P 500 snapshot as of 2017-11-10, or a skip when ../shared is not there."""
    if not (SP500_DIR / "manifest.json").is_file():
        pytest.skip(f"shared data not found at {SP500_DIR}")
    return SP500_DIR


@pytest.fixture(scope="session")
def sp500_snapshot(sp500_dir):
    from generator.market.snapshot import load_snapshot

    return load_snapshot(sp500_dir)


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    from generator.resources import sample_snapshot_dir

    return sample_snapshot_dir()


@pytest.fixture(scope="session")
def sample_snapshot(sample_dir):
    from generator.market.snapshot import load_snapshot

    return load_snapshot(sample_dir)
