"""docs/rules.md is generated from the rule classes and rules/*.yaml; it must not go stale."""

from __future__ import annotations

from pathlib import Path

from generator.checks.docs import render

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rules_reference_is_up_to_date(rules):
    expected = render(rules)
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run python -m generator.checks.docs > docs/rules.md"
    )
