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


# Discovery, as ruff does it: walking up from a folder, the closest configuration file wins.


def test_the_closest_configuration_file_wins(tmp_path):
    (tmp_path / "newsdesk.toml").write_text('publication = "Outer"\n')
    inner = tmp_path / "desk" / "articles"
    inner.mkdir(parents=True)
    (tmp_path / "desk" / "pyproject.toml").write_text('[tool.newsdesk]\npublication = "Inner"\n')
    settings = load_settings(discover_from=inner)
    assert settings.publication == "Inner"
    assert settings.config_file == tmp_path / "desk" / "pyproject.toml"
    assert settings.project_root == tmp_path / "desk"
    assert load_settings(discover_from=tmp_path).publication == "Outer"


def test_a_pyproject_without_a_newsdesk_table_is_passed_over(tmp_path):
    (tmp_path / "newsdesk.yaml").write_text("publication: From YAML\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text(
        "[tool.ruff]\nline-length = 100\n# newsdesk is mentioned\n"
    )
    assert load_settings(discover_from=tmp_path / "pkg").publication == "From YAML"


def test_newsdesk_toml_beats_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / "newsdesk.toml").write_text('publication = "Toml"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.newsdesk]\npublication = "Pyproject"\n')
    assert load_settings(discover_from=tmp_path).publication == "Toml"


def test_isolated_reads_no_file_and_config_names_one(tmp_path):
    (tmp_path / "newsdesk.toml").write_text('publication = "Found"\n')
    named = tmp_path / "other.yaml"
    named.write_text("publication: Named\n")
    isolated = load_settings(isolated=True, discover_from=tmp_path)
    assert isolated.publication == "Newsdesk" and isolated.config_file is None
    assert load_settings(named, discover_from=tmp_path).publication == "Named"


def test_the_check_table_with_hyphenated_keys_and_paths_relative_to_the_file(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.newsdesk]\n"
        'rules-dir = "policy"\n'
        "[tool.newsdesk.check]\n"
        'select = ["quotes", "risk"]\n'
        'extend-select = ["style.disclosure"]\n'
        'ignore = ["risk.thin"]\n'
        'per-file-ignores = {"drafts/*.md" = ["style"]}\n'
        'extend-exclude = ["archive/"]\n'
        'sources-root = "../shared-sources"\n'
        'fail-on = "review"\n'
    )
    settings = load_settings(discover_from=tmp_path)
    check = settings.check
    assert settings.rules_dir == tmp_path / "policy"
    assert check.select == ("quotes", "risk") and check.extend_select == ("style.disclosure",)
    assert check.ignore == ("risk.thin",)
    assert check.per_file_ignores == {"drafts/*.md": ("style",)}
    assert check.extend_exclude == ("archive/",) and ".git" in check.exclude
    assert check.sources_root == (tmp_path / "../shared-sources",)
    assert check.fail_on == "review"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[check]\nselcet = ["quotes"]\n', r"newsdesk\.toml: key 'check\.selcet': unknown key"),
        ('[check]\nfail-on = "never"\n', r"newsdesk\.toml: key 'check\.fail-on'"),
    ],
)
def test_a_bad_check_key_names_the_file_and_key(tmp_path, table, message):
    (tmp_path / "newsdesk.toml").write_text(table)
    with pytest.raises(ConfigError, match=message):
        load_settings(discover_from=tmp_path)


def test_run_finds_the_configuration_above_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "newsdesk.toml").write_text('publication = "Walked Up"\n')
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert load_settings().publication == "Walked Up"
