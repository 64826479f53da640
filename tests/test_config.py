"""Settings: defaults < config file < NEWSDESK_* variables < flags, and errors that name the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_settings
from generator.errors import ConfigError


@pytest.fixture
def config(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "newsdesk.toml"
    path.write_text('publication = "File Desk"\njobs = 3\nout = "from-file"\n')
    return path


def test_the_file_beats_defaults_and_is_relative_to_itself(config):
    settings = load_settings()
    assert settings.publication == "File Desk" and settings.jobs == 3
    assert settings.out.resolve() == (config.parent / "from-file").resolve()


def test_the_environment_beats_the_file_and_flags_beat_both(config, monkeypatch):
    monkeypatch.setenv("NEWSDESK_PUBLICATION", "Env Desk")
    assert load_settings().publication == "Env Desk"
    assert load_settings().jobs == 3  # untouched keys still come from the file
    assert load_settings(publication="Flag Desk").publication == "Flag Desk"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda c, m: c.write_text('publicaton = "typo"\n'),
            r"newsdesk\.toml: key 'publicaton': unknown key",
        ),
        (lambda c, m: c.write_text("jobs = [\n"), r"newsdesk\.toml: not valid TOML"),
        (lambda c, m: m.setenv("NEWSDESK_JOBS", "abc"), r"^NEWSDESK_JOBS: key 'jobs'"),
        (lambda c, m: c.write_text("jobs = 0\n"), r"newsdesk\.toml: key 'jobs'"),
    ],
)
def test_errors_name_where_the_bad_value_came_from(config, monkeypatch, setup, message):
    setup(config, monkeypatch)
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_a_bad_flag_value_names_the_flag(config):
    with pytest.raises(ConfigError, match=r"^--jobs: key 'jobs'"):
        load_settings(jobs=0)
