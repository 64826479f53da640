"""Load one rules/*.yaml file into a typed model, naming the file and key on any mistake.

Rules are data an editor may change; a typo there must read as a configuration error that points
at the line to fix, not as a traceback from deep inside a stage.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from generator.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> object:
    """Parse a YAML file with the safe loader; ConfigError on a missing file or bad syntax."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read rules file ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None


def load_rule_file(path: Path, model: type[Model]) -> Model:
    """Validate a rules file against `model`; the error names the first offending key."""
    data = read_yaml(path)
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe(exc)}") from None


def describe(exc: ValidationError) -> str:
    """One line for the most actionable error: an unknown key (usually a typo) before anything else."""
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    key = ".".join(str(part) for part in err["loc"]) or "(top level)"
    message = "unknown key (check the spelling)" if err["type"] == "extra_forbidden" else err["msg"]
    return f"key {key!r}: {message}"
