"""Run settings: defaults, then a config file, then NEWSDESK_* environment variables, then CLI flags.

Settings say where things are and what the publication is called. What the rules are (thresholds,
word lists, score weights and bands) lives in rules/*.yaml, so editors change policy without code.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import AwareDatetime, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from generator.errors import ConfigError
from generator.resources import resource_dir, sample_snapshot_dir
from generator.rulefiles import describe

ENV_PREFIX = "NEWSDESK_"
CONFIG_ENV = f"{ENV_PREFIX}CONFIG"
DEFAULT_CONFIG_NAMES = ("newsdesk.toml", "newsdesk.yaml")


class Settings(BaseSettings):
    """Everything a run needs to know that is not market data or publishing policy."""

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


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Settings from defaults < a TOML/YAML file < NEWSDESK_* variables < `overrides` (flags; None = unset).

    Without `config_file`, $NEWSDESK_CONFIG or ./newsdesk.toml / ./newsdesk.yaml is used if present.
    An error names where the bad value came from: the file, the variable or the flag.
    """
    path = config_file or _default_config_file()
    from_file = _read_config_file(path) if path else {}
    from_env = {name for name in Settings.model_fields if f"{ENV_PREFIX}{name.upper()}" in os.environ}
    flags = {k: v for k, v in overrides.items() if v is not None}
    values = {k: v for k, v in from_file.items() if k not in from_env}  # the environment beats the file
    values.update(flags)
    try:
        return Settings(**values)
    except ValidationError as exc:
        key = str(exc.errors()[0]["loc"][0]) if exc.errors()[0]["loc"] else ""
        if key in flags:
            where = f"--{key.replace('_', '-')}: "
        elif key in from_env:
            where = f"{ENV_PREFIX}{key.upper()}: "
        else:
            where = f"{path}: " if path else "settings: "
        raise ConfigError(where + describe(exc)) from None


def _default_config_file() -> Path | None:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    for name in DEFAULT_CONFIG_NAMES:
        if Path(name).is_file():
            return Path(name)
    return None


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not valid {path.suffix.lstrip('.').upper()} ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a table of settings")
    base = path.parent
    for key in ("snapshot", "out", "rules_dir", "templates_dir", "editorial_dir"):
        if isinstance(data.get(key), str):
            data[key] = base / data[key]
    return data
