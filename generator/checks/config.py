"""Load and validate rules/*.yaml: every severity, threshold and word list the checker uses.

One file per rule family (quotes.yaml, tables.yaml ...), each with two keys:

    rules:      # every rule of the family, with its severity (error | review | info)
      quotes.mismatch: {severity: error}
    settings:   # the family's thresholds and word lists (see the comments in each file)
      min_words: 4

Nothing has a default in code: a missing or misspelt key is a ConfigError naming the file and the
key, raised before any article is read. Other files in the folder (scoring.yaml ...) are not ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from generator.checks.registry import FAMILIES, RULES
from generator.errors import ConfigError, located
from generator.models import Severity
from generator.resources import resource_dir
from generator.rulefiles import load_rule_file


@dataclass(frozen=True)
class Rules:
    """Validated rules: a severity per rule id and the settings of each family."""

    directory: Path
    severities: Mapping[str, Severity]
    settings: Mapping[str, BaseModel]


class _RuleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: Severity


@cache
def _file_model(family: str) -> type[BaseModel]:
    settings_model = FAMILIES[family]
    settings_field: Any = (settings_model, ...) if settings_model.model_fields else (settings_model, None)
    return create_model(
        f"{family.title()}RulesFile",
        __config__=ConfigDict(extra="forbid"),
        rules=(dict[str, _RuleEntry], ...),
        settings=settings_field,
    )


def load_rules(rules_dir: Path | None = None) -> Rules:
    """Read every family's rules file from `rules_dir` (default: the bundled rules/ folder)."""
    directory = Path(rules_dir) if rules_dir is not None else resource_dir("rules")
    if not directory.is_dir():
        raise ConfigError(f"{directory}: rules folder not found")
    severities: dict[str, Severity] = {}
    settings: dict[str, BaseModel] = {}
    for family, settings_model in FAMILIES.items():
        path = directory / f"{family}.yaml"
        parsed: Any = load_rule_file(path, _file_model(family))
        expected = {rule.id for rule in RULES if rule.family() == family}
        for rule_id in sorted(set(parsed.rules) - expected):
            known = ", ".join(sorted(expected))
            raise ConfigError(located(path, f"key 'rules.{rule_id}': unknown rule (this file has {known})"))
        for rule_id in sorted(expected - set(parsed.rules)):
            raise ConfigError(located(path, f"key 'rules.{rule_id}': missing (every rule needs a severity)"))
        severities.update({rule_id: entry.severity for rule_id, entry in parsed.rules.items()})
        settings[family] = parsed.settings if parsed.settings is not None else settings_model()
    return Rules(directory=directory, severities=severities, settings=settings)
