"""`newsdesk ARGS...` run in the test's own process, as a user runs it (tests import it by name:
pyproject's `pythonpath = ["tests"]`)."""

from __future__ import annotations

import sys

import pytest

from generator import cli


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of one command."""
    monkeypatch.setattr(sys, "argv", ["newsdesk", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
        sys.exit(0)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err
