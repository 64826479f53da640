"""Rules files: the bundled ones load; a malformed one is a ConfigError naming the file and the key."""

from __future__ import annotations

import shutil

import pytest

from generator.checks import Checker, load_rules
from generator.checks.registry import FAMILIES, RULES
from generator.errors import ConfigError
from generator.models import Severity
from generator.resources import resource_dir


@pytest.fixture
def rules_copy(tmp_path):
    """A private copy of the checker's rules files, to break one at a time."""
    folder = tmp_path / "rules"
    folder.mkdir()
    for family in FAMILIES:
        shutil.copy(resource_dir("rules") / f"{family}.yaml", folder / f"{family}.yaml")
    return folder


def test_bundled_rules_give_every_rule_a_severity(rules):
    assert set(rules.severities) == {rule.id for rule in RULES}
    assert rules.severities["quotes.mismatch"] is Severity.ERROR
    assert rules.severities["risk.thin"] is Severity.REVIEW
    assert rules.severities["tables.low_information"] is Severity.INFO
    assert rules.settings["quotes"].min_words == 4


@pytest.mark.parametrize(
    ("family", "old", "new", "expected"),
    [
        ("quotes", "min_words: 4", "min_word: 4", "quotes.yaml: key 'settings.min_word'"),
        ("quotes", "min_words: 4", "min_words: four", "quotes.yaml: key 'settings.min_words'"),
        (
            "tables",
            "severity: info",
            "severity: fatal",
            "tables.yaml: key 'rules.tables.low_information.severity'",
        ),
        ("risk", "  risk.thin:\n    severity: review\n", "", "risk.yaml: key 'rules.risk.thin': missing"),
        (
            "style",
            "style.disclosure:",
            "style.disclosur:",
            "style.yaml: key 'rules.style.disclosur': unknown rule",
        ),
        (
            "risk",
            "risk.thin:",
            "risk.thim:",
            "risk.yaml: key 'rules.risk.thim': unknown rule (this file has risk.advice, "
            "risk.corporate_action, risk.legal, risk.low_coverage, risk.promissory, risk.thin, "
            "risk.unexplained_fall)",
        ),
        ("style", "publishing rules", "publishing (rules", "style.yaml: key 'settings.disclosure_pattern'"),
        ("numbers", "money: [usd]", "money: [dollars]", "numbers.yaml: key 'settings.kinds.money.0'"),
        ("sources", "rules:", "rules: [", "sources.yaml, line"),
    ],
)
def test_a_malformed_rules_file_names_the_file_and_key(rules_copy, family, old, new, expected):
    path = rules_copy / f"{family}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_rules(rules_copy)
    assert expected in str(raised.value)
    assert str(path.parent) in str(raised.value)


def test_a_missing_rules_file_is_named(rules_copy):
    (rules_copy / "tables.yaml").unlink()
    with pytest.raises(ConfigError, match=r"tables\.yaml"):
        load_rules(rules_copy)


def test_thresholds_come_from_the_rules_folder(rules_copy, default_front_matter):
    """Per-kind overrides and severities are read, not hard-coded."""
    path = rules_copy / "risk.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "thin_min_words_by_kind: {}", "thin_min_words_by_kind: {brief: 3}"
    )
    path.write_text(text.replace("  risk.thin:\n    severity: review", "  risk.thin:\n    severity: error"))
    checker = Checker(load_rules(rules_copy))
    body = "Shares rose on heavy volume.\n"
    brief = checker.check(default_front_matter({"s": ""}, kind="brief") + body, path="a.md").report
    other = checker.check(default_front_matter({"s": ""}, kind="other") + body, path="a.md").report
    assert [f.rule for f in brief.findings if f.rule == "risk.thin"] == []
    thin = [f for f in other.findings if f.rule == "risk.thin"]
    assert [f.severity for f in thin] == [Severity.ERROR]
