"""A writer killed at any moment leaves the previous complete output or the new one, and nothing running.

Each case runs the real CLI in a subprocess that SIGKILLs itself at one point of its work (before,
during and after the articles are staged, between the articles and the feeds, on either side of
the switch), then compares everything a reader sees under site/ and desk/ with two references
written without interruption: the output before the command and the output after it. Only those
two states may ever be seen. The next command cleans up and finishes the job.

`--kill-runs N` (opt-in, slow) adds N kills of `newsdesk run` after a random delay.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from output_tree import leftovers, readable

NOW = "2026-11-21T12:00:00Z"
TIMEOUT = 120

# Runs the CLI with a kill armed: argv = point, n, then the newsdesk arguments. A point is
# "module:function:before|after" (the nth call; "Class.method" allowed), "progress" (the parent,
# after the first chunk of articles is back from the workers), "slow" (no kill: every article
# takes n tenths of a second longer, so a test can catch the workers at work) or "none".
KILLER = r"""
import importlib, os, signal, sys

point, nth = sys.argv[1], int(sys.argv[2])
args = sys.argv[3:]
calls = [0]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def arm(target, name, when):
    real = getattr(target, name)
    def wrapper(*a, **k):
        calls[0] += 1
        if when == "before" and calls[0] == nth:
            die()
        result = real(*a, **k)
        if when == "after" and calls[0] == nth:
            die()
        return result
    setattr(target, name, wrapper)

if point == "progress":
    from generator import pipeline
    real_write_all = pipeline.write_all
    def write_all(*a, **k):
        return real_write_all(*a, **{**k, "progress": lambda done, total: die()})
    pipeline.write_all = write_all
elif point == "slow":
    import time
    from generator import pipeline
    real_stage = pipeline.Desk.stage
    def stage(self, plan, writer):
        time.sleep(nth / 10)
        return real_stage(self, plan, writer)
    pipeline.Desk.stage = stage
elif point != "none":
    module, function, when = point.split(":")
    target = importlib.import_module(module)
    *owners, name = function.split(".")
    for owner in owners:
        target = getattr(target, owner)
    arm(target, name, when)

sys.argv = ["newsdesk", *args]
from generator.cli import main
main()
"""


def newsdesk(*args: str, point: str = "none", nth: int = 1, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env["NEWSDESK_NOW"] = NOW  # approvals and releases stamped alike in every run
    return subprocess.run(
        [sys.executable, "-c", KILLER, point, str(nth), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=TIMEOUT,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def state(out: Path) -> dict[str, str]:
    """What readers see: every file under site/ and desk/ by SHA-256 (run records hold times)."""
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(readable(out))
        if path.is_file() and path.relative_to(out).parts[:2] != ("desk", "runs")
    }


def agreeing(out: Path) -> None:
    """Articles, index and feeds of one state: every public index entry's files and feed item."""
    index = json.loads((out / "desk" / "index.json").read_text())["articles"]
    feed_ids = {
        item["id"].rsplit("/", 1)[-1]
        for item in json.loads((out / "site" / "feed.json").read_text())["items"]
    }
    for entry in index:
        md = out / entry["path"]
        assert md.is_file() and md.with_suffix(".json").is_file(), entry["path"]
        if entry["place"] == "site":
            if not entry["routine"]:  # a routine brief is on the site, in no feed (rules/triggers.yaml)
                assert f"{entry['slug']}.html" in feed_ids, entry["slug"]
            sidecar = json.loads(md.with_suffix(".json").read_text())
            assert sidecar["content_hash"] == entry["content_hash"], entry["slug"]


def workers_of(out: Path) -> list[int]:
    """Live processes whose command line names `out` (a killed run's forked workers would)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            status = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(out).encode() in cmdline and status != "Z":
            found.append(int(proc.name))
    return found


def gone(out: Path, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (alive := workers_of(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


# ------------------------------------------------------------------------------------- references


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> tuple[Path, Path]:
    """A small fictional universe, and the same a day's prices later (every close 3% higher on the
    last day), so a run of the second changes articles, index and feeds of the first."""
    from generator.market.sample.generate import write_sample

    root = tmp_path_factory.mktemp("kill-snapshots")
    before = write_sample(root / "before", n_tickers=12, years=1.5)
    after = shutil.copytree(before, root / "after")
    path = after / "prices.csv.gz"
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    last = max(line.split(",", 1)[0] for line in lines[1:])
    header = lines[0].split(",")
    for i, line in enumerate(lines[1:], start=1):
        if line.startswith(last):
            cells = line.split(",")
            for column in ("open", "high", "low", "close"):
                cells[header.index(column)] = f"{float(cells[header.index(column)]) * 1.03:.4f}"
            lines[i] = ",".join(cells)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return before, after


def run_args(snapshot: Path, out: Path, jobs: int) -> list[str]:
    return [
        "run",
        "--snapshot",
        str(snapshot),
        "--out",
        str(out),
        "--quiet",
        "--jobs",
        str(jobs),
        "--now",
        NOW,
    ]


@pytest.fixture(scope="module")
def references(snapshots, tmp_path_factory) -> dict:
    before, after = snapshots
    root = tmp_path_factory.mktemp("kill-references")
    previous = root / "previous"
    assert newsdesk(*run_args(before, previous, 1), cwd=root).returncode == 0
    new = shutil.copytree(previous, root / "new", symlinks=True)
    assert newsdesk(*run_args(after, new, 1), cwd=root).returncode == 0
    assert state(previous) != state(new)
    return {"dir": previous, "previous": state(previous), "new": state(new)}


RUN_KILLS = [
    (1, "generator.publish:RunWriter.write:after", 3),  # while articles are staged
    (1, "pathlib:Path.rename:after", 1),  # just after the articles, before the index and feeds
    (1, "generator.changeset:temporary:after", 2),  # half of the index and feeds written
    (1, "generator.changeset:_switch:before", 1),  # everything built, not switched
    (1, "generator.changeset:_switch:after", 1),  # switched, the old generation still there
    (2, "progress", 1),  # the parent, while its workers render
    (2, "generator.publish:write_new:after", 5),  # a worker, mid-article
]

RECOVERED = {"generator.publish:RunWriter.write:after", "generator.changeset:_switch:after", "progress"}


@pytest.mark.parametrize(("jobs", "point", "nth"), RUN_KILLS, ids=[f"jobs{j}-{p}" for j, p, _ in RUN_KILLS])
def test_a_killed_run_leaves_the_previous_or_the_new_output(
    jobs, point, nth, snapshots, references, tmp_path
):
    out = shutil.copytree(references["dir"], tmp_path / "out", symlinks=True)
    done = newsdesk(*run_args(snapshots[1], out, jobs), point=point, nth=nth, cwd=tmp_path)
    assert done.returncode in (-signal.SIGKILL, 2), done.stderr  # 2: a worker died, the run says so
    assert "Traceback" not in done.stderr
    assert gone(out) == [], "a killed run left processes running"
    seen = state(out)
    assert seen in (references["previous"], references["new"]), f"a mixed state after a kill at {point}"
    agreeing(out)
    if point in RECOVERED:  # the next run finishes the job (a few cases: each costs a run)
        again = newsdesk(*run_args(snapshots[1], out, jobs), cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert state(out) == references["new"]
        assert leftovers(out) == []


def test_a_killed_runs_workers_end_with_it(snapshots, tmp_path):
    """kill -9 of the parent while its workers render: the kernel (or a watch thread) ends them."""
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLER, "slow", "3", *run_args(snapshots[0], out, 2)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")},
    )
    deadline = time.monotonic() + 60
    while len(workers_of(out)) < 3 and time.monotonic() < deadline:  # the parent and two workers
        time.sleep(0.02)
        if process.poll() is not None:
            pytest.fail("the run ended before its workers could be seen")
    workers = [pid for pid in workers_of(out) if pid != process.pid]
    assert workers
    process.kill()
    process.wait()
    assert gone(out) == []


# ------------------------------------------------------------------------------------------ approve


@pytest.fixture(scope="module")
def approvable(tmp_path_factory) -> dict:
    """The bundled sample's output (it holds stories for review), and the same after one approval."""
    root = tmp_path_factory.mktemp("kill-approve")
    previous = root / "previous"
    args = ["run", "--out", str(previous), "--quiet", "--jobs", "1", "--now", NOW]
    assert newsdesk(*args, cwd=root).returncode == 0
    index = json.loads((previous / "desk" / "index.json").read_text())["articles"]
    slug = next(e["slug"] for e in index if e["verdict"] == "review")
    new = shutil.copytree(previous, root / "new", symlinks=True)
    assert newsdesk("approve", slug, "--out", str(new), "--by", "kim", cwd=root).returncode == 0
    return {"dir": previous, "slug": slug, "previous": state(previous), "new": state(new)}


APPROVE_KILLS = ["generator.changeset:temporary:after", "generator.changeset:_switch:after"]


@pytest.mark.parametrize("point", APPROVE_KILLS)
def test_a_killed_approval_leaves_the_previous_or_the_new_output(point, approvable, tmp_path):
    out = shutil.copytree(approvable["dir"], tmp_path / "out", symlinks=True)
    slug = approvable["slug"]
    done = newsdesk("approve", slug, "--out", str(out), "--by", "kim", point=point, cwd=tmp_path)
    assert done.returncode == -signal.SIGKILL, done.stderr
    seen = state(out)
    assert seen in (approvable["previous"], approvable["new"]), f"a mixed state after a kill at {point}"
    agreeing(out)
    retry = newsdesk("approve", slug, "--out", str(out), "--by", "kim", cwd=tmp_path)
    if seen == approvable["previous"]:  # not approved: a retry goes through
        assert retry.returncode == 0, retry.stderr
        assert state(out) == approvable["new"]
        assert leftovers(out) == []
    else:
        assert retry.returncode == 2 and "already approved" in retry.stderr


# ------------------------------------------------------------------------------------------ opt-in


def test_random_kills_of_a_run(request, snapshots, references, tmp_path):
    """`--kill-runs N`: N runs killed after a random delay, each seen whole."""
    runs = request.config.getoption("--kill-runs")
    if not runs:
        pytest.skip("opt-in: --kill-runs N")
    rng = random.Random(20261120)
    for attempt in range(runs):
        out = tmp_path / f"out-{attempt}"
        shutil.copytree(references["dir"], out, symlinks=True)
        process = subprocess.Popen(
            [sys.executable, "-c", KILLER, "none", "0", *run_args(snapshots[1], out, rng.choice((1, 2)))],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 3.0))
        process.kill()
        process.wait()
        assert gone(out) == []
        assert state(out) in (references["previous"], references["new"]), f"attempt {attempt}"
        agreeing(out)
        shutil.rmtree(out)
