"""The one configuration loader `newsdesk run`, `check` and `rules` share.

Settings come from defaults, then a configuration file, then NEWSDESK_* environment variables, then
flags. The file is found the way ruff finds its own: walking up from a starting folder (the working
folder for `run`, each checked article's folder for `check`), the closest `newsdesk.toml`,
`newsdesk.yaml` or `pyproject.toml` with a `[tool.newsdesk]` table wins. `--config FILE` (or
$NEWSDESK_CONFIG) names one instead; `--isolated` ignores every file.

Settings say where things are, what the publication is called and, under `check`, which rules run
where. What the rules are (thresholds, word lists, severities, score weights and bands) lives in
rules/*.yaml, so editors change policy without code.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from generator.errors import ConfigError
from generator.files import decode_utf8, read_input_bytes, read_input_text
from generator.resources import resource_dir, sample_snapshot_dir
from generator.rulefiles import describe, parse_yaml

ENV_PREFIX = "NEWSDESK_"
CONFIG_ENV = f"{ENV_PREFIX}CONFIG"
CONFIG_NAMES = ("newsdesk.toml", "newsdesk.yaml", "pyproject.toml")  # in one folder, the first wins
_PATH_KEYS = ("snapshot", "out", "rules_dir", "templates_dir", "editorial_dir")
# Folders no article lives in: version control, virtual environments, caches, installed packages.
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    "site-packages",
)


class CheckSettings(BaseModel):
    """The `[check]` table: which rules run on which files, where sources may be read, when to fail.

    Keys are written with hyphens, as in ruff (`extend-select`); underscores are accepted too.
    Rule selectors are a rule id (`quotes.mismatch`), a family (`quotes`) or `ALL`.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        alias_generator=lambda name: name.replace("_", "-"),
    )

    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)  # glob -> selectors
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False  # apply exclude to files named on the command line too (pre-commit)
    sources_root: tuple[Path, ...] = ()  # folders outside the project sources may be read from
    fail_on: Literal["block", "review"] = "block"


class Settings(BaseSettings):
    """Everything a run or a check needs to know that is not market data or publishing policy."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    snapshot: Path = Field(default_factory=sample_snapshot_dir, description="snapshot folder to read")
    out: Path = Field(default=Path("output"), description="output folder")
    publication: str = Field(default="Newsdesk", description="name used in the disclosure line and feeds")
    site_url: str = Field(
        default="https://newsdesk.example.invalid/", description="base URL for feed links and ids"
    )
    rules_dir: Path = Field(default_factory=lambda: resource_dir("rules"))
    templates_dir: Path = Field(default_factory=lambda: resource_dir("templates"))
    editorial_dir: Path = Field(default_factory=lambda: resource_dir("editorial"))
    jobs: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    quiet: bool = False
    feed_max_items: int = Field(
        default=200,
        ge=1,
        description="newest published articles in each feed; older ones go to archive pages",
    )
    byline: str | None = Field(default=None, description="who the articles are by (default: the publication)")
    language: str = Field(
        default="en",
        pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
        description="BCP 47 language of the articles",
    )
    located: str | None = Field(
        default=None, description="where the stories are filed from (ninjs `located`)"
    )
    title_heading: bool = Field(
        default=False, description="also start each markdown body with the title as an H1"
    )
    release_time: dt.time = Field(
        default=dt.time(22, 0),
        description="UTC time of day a data date's stories are released (after the markets' close)",
    )
    now: AwareDatetime | None = Field(
        default=None, description="the moment embargoes are judged against (default: the clock at start)"
    )
    feed_routine: bool = Field(
        default=False, description="also put routine briefs (no trigger fired) in the feeds"
    )
    database_url: str | None = Field(
        default=None,
        description="run history database (SQLAlchemy URL); default SQLite in "
        "<out>/.newsdesk/history/history.db",
    )
    serve_token: str | None = Field(
        default=None,
        min_length=16,
        description="the token `newsdesk serve` asks of every request (default: one made up at start "
        "when it listens beyond loopback)",
    )

    @property
    def author(self) -> str:
        """The byline articles carry: the `byline` setting, else the publication's name."""
        return self.byline or self.publication

    check: CheckSettings = Field(default_factory=CheckSettings)

    _config_file: Path | None = PrivateAttr(default=None)

    @property
    def config_file(self) -> Path | None:
        """The configuration file these settings were read from, if any."""
        return self._config_file

    @property
    def project_root(self) -> Path | None:
        """The folder of the configuration file: what exclude and per-file-ignores patterns are
        relative to, and where `newsdesk check` may read sources from."""
        return self._config_file.parent.absolute() if self._config_file else None


def load_settings(
    config_file: Path | None = None,
    *,
    isolated: bool = False,
    discover_from: Path | None = None,
    **overrides: Any,
) -> Settings:
    """Settings from defaults < a configuration file < NEWSDESK_* variables < `overrides` (flags;
    None = unset).

    The file is `config_file`, else $NEWSDESK_CONFIG, else the closest one found walking up from
    `discover_from` (default: the working folder); `isolated` reads none. An error names where the
    bad value came from: the file, the variable or the flag.
    """
    path = None if isolated else (config_file or config_file_from_env() or find_config_file(discover_from))
    from_file = read_config_file(path) if path else {}
    from_env = {name for name in Settings.model_fields if f"{ENV_PREFIX}{name.upper()}" in os.environ}
    flags = {k: v for k, v in overrides.items() if v is not None}
    values = {k: v for k, v in from_file.items() if k not in from_env}  # the environment beats the file
    values.update(flags)
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        key = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else ""
        if key in flags:
            where = f"--{key.replace('_', '-')}: "
        elif key in from_env:
            where = f"{ENV_PREFIX}{key.upper()}: "
        else:
            where = f"{path}: " if path else "settings: "
        raise ConfigError(where + describe(exc)) from None
    settings._config_file = path
    return settings


def find_config_file(start: Path | None = None, memo: dict[Path, Path | None] | None = None) -> Path | None:
    """The closest configuration file in `start` (a folder; default: the working folder) or above it.

    `memo` (folder -> its own configuration file) spares a caller that asks for many folders of one
    tree from looking at the same parents again.
    """
    folder = Path(start if start is not None else Path.cwd()).absolute()
    for candidate in (folder, *folder.parents):
        if memo is None:
            found = _config_in(candidate)
        elif candidate in memo:
            found = memo[candidate]
        else:
            found = memo[candidate] = _config_in(candidate)
        if found is not None:
            return found
    return None


def _config_in(folder: Path) -> Path | None:
    """The configuration file of one folder: newsdesk.toml, newsdesk.yaml, or a pyproject.toml that
    has a [tool.newsdesk] table (one without it belongs to someone else and is passed over)."""
    for name in CONFIG_NAMES:
        path = folder / name
        if path.is_file() and (name != "pyproject.toml" or _has_newsdesk_table(path)):
            return path
    return None


def _has_newsdesk_table(pyproject: Path) -> bool:
    try:
        data = read_input_bytes(pyproject, error=ConfigError)
    except ConfigError:
        return False  # someone else's file, unreadable to us: not a newsdesk configuration
    if b"newsdesk" not in data:  # cheap test before parsing
        return False
    text = decode_utf8(data, pyproject, error=ConfigError)  # it may configure newsdesk: must be text
    try:
        return isinstance(tomllib.loads(text).get("tool", {}).get("newsdesk"), dict)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: not valid TOML ({exc})") from None


def config_file_from_env() -> Path | None:
    value = os.environ.get(CONFIG_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise ConfigError(f"{CONFIG_ENV}: {path}: no such configuration file")
    return path


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings table of a configuration file, with its relative paths made relative to it."""
    text = read_input_text(path, error=ConfigError)
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    else:
        data = parse_yaml(text, path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("newsdesk")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a table of settings")
    data = {key.replace("-", "_") if isinstance(key, str) else key: value for key, value in data.items()}
    base = path.parent
    for key in _PATH_KEYS:
        if isinstance(data.get(key), str):
            data[key] = base / data[key]
    check = data.get("check")
    if isinstance(check, dict):
        check = {
            key.replace("_", "-") if isinstance(key, str) else key: value for key, value in check.items()
        }
        roots = check.get("sources-root")
        if isinstance(roots, str):
            roots = [roots]
        if isinstance(roots, list):
            check["sources-root"] = [base / root if isinstance(root, str) else root for root in roots]
        data["check"] = check
    return data
