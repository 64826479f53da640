"""Living stories: a rerun for the same date on changed data makes a new version that says so.

The sample is run, then one close is changed in a copy of its snapshot and the date is run again
into the same output folder: the articles whose figures changed become version 2 with an update
note naming each changed figure (new and old), published ones with a correction line; a third run
on the same data changes nothing.
"""

from __future__ import annotations

import gzip
import json
import shutil

import pytest
from output_tree import readable

from generator.config import load_settings
from generator.models import Sidecar
from generator.pipeline import build

DAY = "2026-11-20"
SLUG = "vaultline-data-centers-alpha-score-2026-11-20"
FIRST, SECOND, THIRD = "2026-11-21T06:00:00Z", "2026-11-21T09:30:00Z", "2026-11-21T11:00:00Z"


def read(out, slug):
    md = next(out.glob(f"*/{DAY}/{slug}.md"))
    return md.read_text(), Sidecar.model_validate_json(md.with_suffix(".json").read_text())


@pytest.fixture(scope="module")
def reruns(sample_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("living")
    snapshot = shutil.copytree(sample_dir, root / "snapshot")
    out = root / "out"
    build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True, now=FIRST))
    first = read(out, SLUG)
    prices = snapshot / "prices.csv.gz"
    lines = gzip.decompress(prices.read_bytes()).decode().splitlines()
    changed = []
    for line in lines:  # Vaultline's last close, 2% higher
        if line.startswith(f"{DAY},VLDC,"):
            parts = line.split(",")
            parts[5] = f"{float(parts[5]) * 1.02:.4f}"
            line = ",".join(parts)
        changed.append(line)
    prices.write_bytes(gzip.compress(("\n".join(changed) + "\n").encode(), mtime=0))
    build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True, now=SECOND))
    second = read(out, SLUG)
    files = {p: p.read_bytes() for p in readable(out) if p.is_file() and "runs" not in p.parts}
    build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True, now=THIRD))
    return out, first, second, files


def test_changed_data_makes_a_new_version_with_a_note_naming_each_changed_figure(reruns):
    _, (_, before), (text, after), _ = reruns
    assert before.release.version == 1 and after.release.version == 2
    assert after.release.first_created == before.release.first_created
    assert "2026-11-21T09:30" <= after.release.created.isoformat() < "2026-11-21T11"  # stamped at the rerun
    revision = after.revision
    assert revision.version == 2 and "stock:VLDC:close" in revision.changed
    old, new = ({f.id: f for f in s.facts}["stock:VLDC:close"] for s in (before, after))
    assert old.display != new.display
    note = next(line for line in text.splitlines() if line.startswith("_Updated Nov. 21, 2026"))
    assert f"the close is now {new.display}, from {old.display}" in note
    assert revision.block in text and text.index(revision.block) < text.index("AI-drafted from named sources")
    stated = {f.id: f for f in after.facts}
    assert stated["revision:1:stock:VLDC:close"].display == old.display  # the old figure is a fact too


def test_a_changed_published_figure_gets_a_correction_line(reruns):
    _, (_, before), (text, after), _ = reruns
    assert before.release.published is not None  # the first version was public
    close = {f.id: f for f in before.facts}["stock:VLDC:close"]
    assert (
        f"Correction: An earlier version of this story, published Nov. 20, 2026, gave the close as "
        f"{close.display}; it is " in text
    )
    assert all(c.published.isoformat() == DAY for c in after.revision.corrections)
    assert after.verdict.value == "publish" and not after.findings  # the note's figures trace


def test_the_feeds_carry_the_new_versions_date_modified(reruns):
    out, *_ = reruns
    items = json.loads((out / "site" / "feed.json").read_text())["items"]
    revised = 0
    for item in items:
        slug = item["id"].rsplit("/", 1)[1].removesuffix(".html")
        sidecar = read(out, slug)[1]
        if sidecar.revision is not None:
            revised += 1
            assert item["date_modified"] == sidecar.release.created.strftime("%Y-%m-%dT%H:%M:%SZ")
            assert "2026-11-21T09:30:00Z" <= item["date_modified"] < "2026-11-21T11:00:00Z"  # the rerun
            assert item["date_published"] < item["date_modified"]
        else:
            assert item["date_modified"] == item["date_published"]
    assert revised  # the cohort story's averages moved with Vaultline's close


def test_articles_the_change_did_not_touch_stay_as_they_were(reruns):
    out, _, _, _ = reruns
    untouched = [
        s
        for p in out.glob(f"site/{DAY}/*.json")
        if not p.name.endswith(".ninjs.json")
        for s in [Sidecar.model_validate_json(p.read_text())]
        if s.revision is None
    ]
    assert untouched and all(s.release.version == 1 for s in untouched)


def test_a_rerun_on_the_same_data_changes_nothing(reruns):
    out, _, _, files = reruns
    assert {p for p in readable(out) if p.is_file() and "runs" not in p.parts} == set(files)
    for path, content in files.items():
        assert path.read_bytes() == content, path
