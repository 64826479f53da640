"""Golden end-to-end test over the bundled sample (fixed as-of date 2026-11-20).

An article of every kind and of every verdict is kept in tests/golden/ — its markdown verbatim and
its sidecar indented (it is written on one line), with the fields that change from version to
version or run to run normalised (`generator_version`) — so a change to any of them is a readable
diff in review. The sample publishes every kind and holds briefs for review; it blocks nothing, so the
blocked example is a published brief an editor re-checks after misquoting its source
(`newsdesk recheck`). Every other output file is pinned by its SHA-256 in tests/golden/manifest.json,
hashed after the same normalisation, so a version bump changes no golden file at all.

After an intended change, refresh with one command and review the diff:

    python -m pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from output_tree import readable

from generator import __version__
from generator.config import load_settings
from generator.review.actions import recheck

GOLDEN = Path(__file__).parent / "golden"
DATE = "2026-11-20"
# (kind, verdict) -> slug: every kind the sample publishes, and a held and a blocked brief.
EXAMPLES = {
    ("alpha_brief", "publish"): "helix-microdevices-alpha-score-2026-11-20",
    ("market_movers", "publish"): "meridian-80-market-movers-2026-11-20",
    ("cohort_performance", "publish"): "cohort-performance-2026-11-20",
    ("thematic", "publish"): "gpu-infrastructure-asset-class-2026-11-20",
    ("alpha_brief", "review"): "thinkloom-alpha-score-2026-11-20",  # a losing streak; "lawsuit" holds it
    ("alpha_brief", "block"): "helix-microdevices-alpha-score-2026-11-20",
}
# Brief structures beside the routine one above (a brief's structure follows its triggers), published:
# angle -> slug.
STRUCTURES = {
    "news": "vaultline-data-centers-alpha-score-2026-11-20",  # led by the day's headline
    "closing_high": "sorrel-biosciences-alpha-score-2026-11-20",  # a 52-week closing high
}
# The blocked example: the brief's quote of its chief executive, altered by an editor.
QUOTED = "We shipped more accelerators this quarter"
MISQUOTED = "We shipped twice as many accelerators this quarter"
VERSION = "<generator version>"
EDITED_AT = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)  # `now` for the editor's recheck


def kept_whole() -> list[tuple[str, str]]:
    """(verdict, slug) of every article kept verbatim: the examples, then the brief structures."""
    return [(verdict, slug) for (_, verdict), slug in EXAMPLES.items()] + [
        ("publish", slug) for slug in STRUCTURES.values()
    ]


# Volatile text, as the generator writes it: its version, in sidecars and the Atom feed. (The
# editor's recheck runs at a fixed `now`, so its actions and release stamps are pinned as written.)
_VOLATILE = (
    (re.compile(r'("generator_version": ?)"[^"]*"'), rf'\1"{VERSION}"'),
    (re.compile(r'(<generator\b[^>]*\bversion=)"[^"]*"'), rf'\1"{VERSION}"'),
)


def normalised(name: str, data: bytes) -> bytes:
    """A file as it is pinned: its volatile text replaced by placeholders, the rest verbatim."""
    if not name.endswith((".json", ".xml")):
        return data
    text = data.decode("utf-8")
    for pattern, placeholder in _VOLATILE:
        text = pattern.sub(placeholder, text)
    return text.encode("utf-8")


def output_files(out: Path) -> dict[str, bytes]:
    """Every file of the site and the desk (run records excluded: they hold timestamps by design)."""
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(readable(out))
        if path.is_file()
        and path.relative_to(out).parts[:2] != ("desk", "runs")
        and not path.name.startswith(".")
    }


@pytest.fixture(scope="module")
def blocked_out(sample_run, tmp_path_factory) -> Path:
    """A copy of the sample output in which an editor has misquoted Helix's chief executive."""
    out = Path(
        shutil.copytree(sample_run.out_dir, tmp_path_factory.mktemp("blocked") / "output", symlinks=True)
    )
    slug = EXAMPLES["alpha_brief", "block"]
    md = out / "site" / DATE / f"{slug}.md"
    assert QUOTED in md.read_text(encoding="utf-8")
    recheck(
        load_settings(out=out, now=EDITED_AT),
        slug,
        by="golden",
        text=md.read_text(encoding="utf-8").replace(QUOTED, MISQUOTED),
    )
    return out


def example_files(sample_run, blocked_out) -> dict[str, bytes]:
    """tests/golden/<verdict>/<slug>.{md,json} -> the normalised file the run (or recheck) wrote."""
    files = {}
    for verdict, slug in kept_whole():
        out = blocked_out if verdict == "block" else sample_run.out_dir
        folder = out / ("site" if verdict == "publish" else "desk") / DATE
        for suffix in (".md", ".json"):
            name = f"{slug}{suffix}"
            files[f"{verdict}/{name}"] = indented(name, normalised(name, (folder / name).read_bytes()))
    return files


def indented(name: str, data: bytes) -> bytes:
    """A sidecar indented, so that a change is a readable diff (the manifest pins it as written:
    on one line)."""
    if not name.endswith(".json"):
        return data
    return (json.dumps(json.loads(data), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def test_examples_match_golden(sample_run, blocked_out, update_golden):
    files = example_files(sample_run, blocked_out)
    if update_golden:
        for name, data in files.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_bytes(data)
        pytest.skip("golden examples rewritten; review the diff and commit it")
    for name, data in files.items():
        assert (GOLDEN / name).read_text(encoding="utf-8") == data.decode("utf-8"), (
            f"tests/golden/{name} changed"
        )
    kept = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.glob("*/*") if p.is_file()}
    assert kept == set(files), f"files in tests/golden that no example writes: {sorted(kept - set(files))}"


def test_every_other_output_file_matches_the_manifest(sample_run, update_golden):
    """The rest of the run's output, hashed after normalisation (the examples' markdown is compared
    whole; their sidecars both ways, since the kept copies are indented)."""
    compared_whole = {
        f"{'site' if verdict == 'publish' else 'desk'}/{DATE}/{slug}.md"
        for verdict, slug in kept_whole()
        if verdict != "block"
    }
    hashes = {
        name: hashlib.sha256(normalised(name, data)).hexdigest()
        for name, data in output_files(sample_run.out_dir).items()
        if name not in compared_whole
    }
    if update_golden:
        (GOLDEN / "manifest.json").write_text(json.dumps(hashes, indent=2) + "\n")
        pytest.skip("golden manifest rewritten; review the diff and commit it")
    expected = json.loads((GOLDEN / "manifest.json").read_text())
    changed = sorted(k for k in expected.keys() | hashes.keys() if expected.get(k) != hashes.get(k))
    assert not changed, (
        f"{len(changed)} output files differ from tests/golden/manifest.json, e.g. {changed[:5]}"
    )


def test_the_examples_have_the_kind_and_verdict_they_stand_for(sample_run, blocked_out):
    """And the sample still plants every kind and the held stories the examples need."""
    for (kind, verdict), slug in EXAMPLES.items():
        data = json.loads(example_files(sample_run, blocked_out)[f"{verdict}/{slug}.json"])
        assert (data["kind"], data["verdict"]) == (kind, verdict), slug
    blocked = json.loads(
        example_files(sample_run, blocked_out)[f"block/{EXAMPLES['alpha_brief', 'block']}.json"]
    )
    assert [f["rule"] for f in blocked["findings"] if f["severity"] == "error"] == ["quotes.mismatch"]
    routine = json.loads(
        example_files(sample_run, blocked_out)[f"publish/{EXAMPLES['alpha_brief', 'publish']}.json"]
    )
    assert routine["routine"] and routine["triggers"] == []
    for angle, slug in STRUCTURES.items():
        data = json.loads(example_files(sample_run, blocked_out)[f"publish/{slug}.json"])
        assert (data["verdict"], data["angle"], data["triggers"][0]) == ("publish", angle, angle), slug
    assert {a.kind for a in sample_run.articles} == {kind for kind, _ in EXAMPLES}
    assert {a.verdict.value for a in sample_run.articles} == {"publish", "review"}


def test_a_new_version_changes_no_golden_file():
    for indent in (None, 2):  # a sidecar as written, and as kept readable
        sidecar = json.dumps({"generator_version": __version__, "slug": "x"}, indent=indent)
        assert VERSION in normalised("x.json", sidecar.encode()).decode()
        bumped = sidecar.replace(__version__, "99.0.0")
        assert normalised("x.json", sidecar.encode()) == normalised("x.json", bumped.encode())
    atom = f'<generator version="{__version__}">newsdesk</generator>'
    assert normalised("atom.xml", atom.encode()) == normalised(
        "atom.xml", atom.replace(__version__, "9").encode()
    )
    assert (
        normalised("x.md", b"generator_version: 0.1.0") == b"generator_version: 0.1.0"
    )  # markdown as written
