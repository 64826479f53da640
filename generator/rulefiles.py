"""Read YAML the one safe way, and load one rules/*.yaml file into a typed model.

Rules are data an editor may change; a typo there must read as a configuration error that points
at the line to fix, not as a traceback from deep inside a stage.

Every YAML newsdesk reads (rules, editorial files, configuration, a snapshot's cohorts, an
article's front matter) goes through `load_yaml`: the safe loader, with a budget. Aliases cost
nothing to parse but expand wherever the data is walked, so a 1 KB "billion laughs" file can hang
any code that walks it; the budget counts the nodes and depth of the data as aliases expand it
and refuses more than any real file holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from generator.errors import ConfigError, NewsdeskError
from generator.files import read_input_text

Model = TypeVar("Model", bound=BaseModel)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_CHARS = 8_000_000  # a cohorts file for 5,000 stocks is ~60 KB
MAX_YAML_NODES = 250_000  # values, keys and list items after aliases expand
MAX_YAML_DEPTH = 50


class YamlProblem(Exception):
    """Text that is not YAML newsdesk reads: `line` (1-based, when known) and one-line `reason`."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def load_yaml(text: str) -> object:
    """Parse YAML with the safe loader within the budget; YamlProblem otherwise."""
    if len(text) > MAX_YAML_CHARS:
        raise YamlProblem(f"{len(text):,} characters of YAML; at most {MAX_YAML_CHARS:,} are read")
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise YamlProblem(f"not valid YAML ({reason})", mark.line + 1 if mark else None) from None
    except RecursionError:  # the pure-Python loader, when libyaml is not installed
        raise YamlProblem(f"nested more than {MAX_YAML_DEPTH} levels deep") from None
    _within_budget(data)
    return data


def _within_budget(data: object) -> None:
    """Walk the data as aliases expand it, without recursion, and stop at the first excess."""
    stack: list[tuple[object, int]] = [(data, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_YAML_NODES:
            raise YamlProblem(
                f"more than {MAX_YAML_NODES:,} values once aliases (*name) are expanded; "
                "write the values out or use fewer aliases"
            )
        if depth > MAX_YAML_DEPTH:
            raise YamlProblem(f"nested more than {MAX_YAML_DEPTH} levels deep")
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for item in node.items() for child in item)
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)


def parse_yaml(text: str, where: object, *, error: type[NewsdeskError] = ConfigError) -> object:
    """`load_yaml`, with a problem reported as `error` naming `where` and the line."""
    try:
        return load_yaml(text)
    except YamlProblem as problem:
        line = f", line {problem.line}" if problem.line else ""
        raise error(f"{where}{line}: {problem.reason}") from None


def read_yaml(path: Path, *, error: type[NewsdeskError] = ConfigError) -> object:
    """Parse a YAML file; `error` on a missing or unreadable file, bad syntax or a blown budget."""
    return parse_yaml(read_input_text(path, error=error), path, error=error)


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
