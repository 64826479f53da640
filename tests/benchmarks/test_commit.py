"""Opt-in benchmark: what the one atomic switch costs on an output folder that has grown.

    TMPDIR=/var/tmp python -m pytest tests/benchmarks/test_commit.py --benchmark-only

Every change (a run, an approval) builds the next generation of site/ and desk/ by hard-linking
each file it keeps, then deletes the previous one (generator/changeset.py), so its cost grows with
the files the folder holds, not with the change. Target: an approval-sized change to a folder of
100,000 files (25 days of 1,000 stories) in under 5 s.
"""

from __future__ import annotations

import pytest

from generator.changeset import Changeset, output_lock, prepare_output
from generator.layout import Layout

DAYS, STORIES, SUFFIXES = 25, 1000, (".md", ".html", ".json", ".ninjs.json")


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    out = tmp_path_factory.mktemp("commit") / "out"
    with output_lock(out):
        prepare_output(Layout(out))
    for day in range(1, DAYS + 1):
        folder = out / "site" / f"2026-10-{day:02d}"
        folder.mkdir()
        for story in range(STORIES):
            for suffix in SUFFIXES:
                (folder / f"story-{story}{suffix}").write_text("x" * 2000)
    return out


def test_a_small_change_to_a_folder_of_100k_files(benchmark, grown):
    layout = Layout(grown)

    def commit() -> None:
        with output_lock(grown):
            changes = Changeset(layout)
            changes.put(layout.site / "feed.json", "{}")
            changes.commit()

    benchmark.pedantic(commit, rounds=3, iterations=1)
    assert len(list((grown / "site").glob("2026-10-*/*.md"))) == DAYS * STORIES
    assert benchmark.stats["min"] < 5
