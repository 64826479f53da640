"""The checker where linters live: a pre-commit hook and a GitHub Action, each run for real.

- `.pre-commit-hooks.yaml`: validated by pre-commit itself, then run with `pre-commit try-repo` on a
  temporary repository (pre-commit installs newsdesk into its own environment from a git copy of
  this checkout, so the test takes a while; it skips without pre-commit).
- `action.yml`: validated by GitHub's own parser (npm @actions/workflow-parser, installed by .ci/run),
  by actionlint when it is on PATH, and its check step's script run with bash as the runner would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SOURCE = "Helix reports results\n\nRevenue rose sharply in the quarter, the company said.\n"
DISCLOSURE = "AI-drafted from named sources and checked against Newsdesk publishing rules before release.\n"
BODY = " ".join(["Shares moved higher on the news as investors weighed the quarter."] * 12)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def article(path: Path, quote: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '---\ntitle: "Helix results"\nslug: helix\ndate: 2026-11-20\nkind: alpha_brief\nsources:\n'
        '  - id: release\n    title: "Release"\n    path: ../sources/release.txt\n---\n'
        f"{BODY}\n\n{quote}\n\n{DISCLOSURE}",
        encoding="utf-8",
    )


def site(root: Path) -> Path:
    """A repository of articles: one good, one misquoting, a draft the configuration excludes, a README."""
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "release.txt").write_text(SOURCE, encoding="utf-8")
    article(root / "articles" / "good.md", "“Revenue rose sharply in the quarter,” the company said.")
    article(root / "articles" / "bad.md", "“Revenue rose strongly in the quarter,” the company said.")
    article(root / "drafts" / "wip.md", "“Revenue fell in the quarter, the company said,” it read.")
    (root / "README.md").write_text("# Our articles\n\nNo front matter: not an article.\n", encoding="utf-8")
    (root / "newsdesk.toml").write_text('[check]\nextend-exclude = ["drafts/"]\n', encoding="utf-8")
    return root


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def test_the_hook_manifest_is_valid_for_pre_commit():
    clientlib = pytest.importorskip("pre_commit.clientlib")
    [hook] = clientlib.load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "newsdesk-check" and hook["types"] == ["markdown"]
    assert hook["entry"] == "newsdesk check --force-exclude"
    excluded = re.compile(hook["exclude"])
    for name in (
        "README.md",
        "docs/readme.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        ".github/PULL_REQUEST_TEMPLATE.md",
    ):
        assert excluded.search(name), name
    for name in ("articles/helix.md", "readmeish/story.md", "news/2026/results.md", "articles/news.md"):
        assert not excluded.search(name), name


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_try_repo_runs_the_hook(tmp_path):
    pytest.importorskip("pre_commit")
    # try-repo installs from a git repository; copy this checkout's files (committed or not) into one.
    copy = tmp_path / "newsdesk"
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    if listing.returncode != 0:
        pytest.skip("this checkout is not a git work tree")
    listed = listing.stdout.split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, copy / name)
    git("init", "-q", cwd=copy)
    git("add", "-A", cwd=copy)
    git("commit", "-q", "-m", "snapshot", cwd=copy)
    repo = site(tmp_path / "site")
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_CACHE_DIR": "1"}
    env.pop("VIRTUAL_ENV", None)
    command = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(copy),
        "newsdesk-check",
        "--all-files",
        "-v",
    ]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, env=env, timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output  # bad.md misquotes
    assert "articles/bad.md:" in output and "quotes.mismatch" in output
    assert "articles/good.md:" not in output  # passes, so it prints no finding line
    assert "README.md:" not in output  # README-like files are never articles
    assert "drafts/wip.md" not in output  # excluded by the site's newsdesk.toml (--force-exclude)
    assert "2 articles: 1 publish, 0 review, 1 block" in output


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def test_the_action_is_valid_for_githubs_own_parser(npm_tool, tmp_path):
    parser = npm_tool("@actions", "workflow-parser")
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    script = REPO / "tests" / "tools" / "parse_action.mjs"
    done = subprocess.run(
        ["node", str(script), str(REPO / "action.yml"), str(parser)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    parsed = json.loads(done.stdout)
    assert parsed["using"] == "composite" and "paths" in parsed["inputs"]
    # The parser is live: a misspelt key and a missing shell are errors.
    broken = tmp_path / "action.yml"
    broken.write_text((REPO / "action.yml").read_text().replace("using: composite", "using: compsite"))
    done = subprocess.run(["node", str(script), str(broken), str(parser)], capture_output=True, text=True)
    assert done.returncode == 1 and "Unexpected value 'compsite'" in done.stdout


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not on PATH")
def test_actionlint_accepts_the_action_through_a_workflow_that_uses_it(tmp_path):
    """actionlint checks an action's metadata where a workflow uses it as a local action."""
    shutil.copy(REPO / "action.yml", tmp_path / "action.yml")
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "check.yml").write_text(
        "on: pull_request\npermissions:\n  contents: read\n  security-events: write\njobs:\n  check:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n      - uses: ./\n"
        "        with:\n          paths: articles\n          args: --fail-on review\n"
    )
    git("init", "-q", cwd=tmp_path)
    done = subprocess.run(["actionlint", "-color=false"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_actions_check_step_writes_sarif_annotates_and_keeps_the_exit_code(tmp_path):
    """The step's bash script, run as the runner runs it (inputs as env, GITHUB_OUTPUT a file)."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    [step] = [step for step in _action()["runs"]["steps"] if step.get("id") == "check"]
    workspace = site(tmp_path / "workspace")
    outputs = tmp_path / "github-output"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # this newsdesk
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(outputs),
        "PATHS": "articles drafts/*.md",
        "ARGS": "--fail-on review",
        "SARIF_FILE": "newsdesk.sarif",
    }
    if shutil.which("newsdesk", path=env["PATH"]) is None:
        pytest.skip("the newsdesk command is not installed beside this Python")
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr  # the step itself succeeds; the exit code is an output
    assert outputs.read_text().strip() == "exit-code=1"
    sarif = json.loads((workspace / "newsdesk.sarif").read_text())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
    }
    assert uris == {"articles/bad.md", "drafts/wip.md"}  # named by the glob, so checked
    annotation = next(line for line in done.stdout.splitlines() if "quotes.mismatch" in line)
    assert annotation.startswith("::error file=articles/bad.md,line=")
