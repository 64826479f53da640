"""The CLI's contract: help everywhere, a version, and one line plus exit 2 for anything a user gets wrong."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from generator import __version__


def newsdesk(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize(
    "command", ["", "run", "check", "rules", "score", "review", "approve", "fetch", "import", "sample"]
)
def test_help_everywhere(command):
    done = newsdesk(*command.split(), "--help")
    assert done.returncode == 0 and "Usage: " in done.stdout


def test_version():
    assert newsdesk("--version").stdout.strip() == f"newsdesk, version {__version__}"


_HUGE_PAGES_AFTER_A_COMMAND = """
import atexit, sys
sys.argv = ["newsdesk", "--version"]
from generator import cli

@atexit.register
def report():
    import numpy
    print("huge pages:", numpy._core.multiarray._get_madvise_hugepage())

cli.main()
"""


@pytest.mark.parametrize(("setting", "expected"), [(None, "False"), ("1", "True")])
def test_numpy_asks_for_no_huge_pages_unless_the_user_says_so(monkeypatch, setting, expected):
    """A run's arrays are touched a few times each: zeroing huge pages costs more than they save."""
    if setting is None:
        monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    else:
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", setting)
    done = subprocess.run(
        [sys.executable, "-c", _HUGE_PAGES_AFTER_A_COMMAND], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip().splitlines()[-1] == f"huge pages: {expected}"


_EXIT_HANDLER_AFTER_A_COMMAND = """
import atexit, sys
sys.argv = ["newsdesk", "sample", "--tickers", "10", "--years", "1.2", "--out", sys.argv[1]]
from generator import cli

atexit.register(lambda: print("exit handler ran"))  # buffered: stdout is a pipe
cli.entry()
print("after entry")
"""


def test_the_command_runs_exit_handlers_and_flushes_then_skips_the_teardown(tmp_path):
    """`newsdesk` ends with os._exit after a command that succeeds: exit handlers still run and
    their buffered output still arrives; nothing after the command runs."""
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-c", _EXIT_HANDLER_AFTER_A_COMMAND, str(tmp_path / "universe")],
        capture_output=True,
        text=True,
        check=False,
        env=buffered,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("wrote fictional snapshot of 10 tickers")
    assert lines[-1] == "exit handler ran"
    assert "after entry" not in done.stdout
    assert (tmp_path / "universe" / "manifest.json").is_file()


_FULL_DISK_UNDER_STDOUT = """
import sys
from generator import cli

class FullDisk:
    def write(self, text):
        return len(text)

    def flush(self):
        raise OSError(28, "No space left on device")

cli.main = lambda: None  # a command that succeeded, its output still buffered
sys.stdout = FullDisk()
cli.entry()
"""


def test_output_that_cannot_be_flushed_exits_120():
    """As Python's own exit does: 0 would tell a pipeline that all went well."""
    done = subprocess.run([sys.executable, "-c", _FULL_DISK_UNDER_STDOUT], capture_output=True, check=False)
    assert done.returncode == 120


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--snapshot", "/nonexistent"], "Invalid value for '--snapshot'"),
        (["run", "--jobs", "0"], "Invalid value for '--jobs'"),
        (["run", "--bogus"], "No such option '--bogus'"),
        (["run", "--now", "2026-11-21T12:00:00"], "--now: key 'now': Input should have timezone info"),
        (["nonsense"], "No such command 'nonsense'"),
        (["check", "/nonexistent/article.md"], "/nonexistent/article.md"),
        (["score", "--tickers", "NOPE"], "--tickers: not in the snapshot: NOPE"),
        (["sample", "--tickers", "10", "--out", "/proc/newsdesk-cannot-write-here"], "/proc/"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(args, message):
    done = newsdesk(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("newsdesk: error: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_an_output_path_that_is_a_file_is_named(tmp_path):
    target = tmp_path / "output"
    target.write_text("not a folder")
    done = newsdesk("run", "--out", str(target))
    assert done.returncode == 2 and f"{target}: is a file" in done.stderr and done.stderr.count("\n") == 1


def test_bad_data_names_file_line_and_column(tmp_path, sample_dir):
    import shutil

    snapshot = shutil.copytree(sample_dir, tmp_path / "snap")
    lines = (snapshot / "benchmark.csv").read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",abc"
    (snapshot / "benchmark.csv").write_text("\n".join(lines) + "\n")
    done = newsdesk("run", "--snapshot", str(snapshot), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert (
        done.stderr
        == f"newsdesk: error: {snapshot / 'benchmark.csv'}, line 4, column 'close': 'abc' is not a number\n"
    )
    assert not (tmp_path / "out" / "2026-11-20").exists()  # nothing half-written
