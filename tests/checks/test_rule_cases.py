"""Every rule's YAML cases (tests/checks/rule_cases/<family>.yml), in the manner of sqlfluff's rule cases.

A case names its `rule` and gives either `pass_str` (the article must have no finding of that rule)
or `fail_str` (at least one; `lines` pins their lines, `message` a phrase every message contains,
`fix_str` the body after `--fix`). A body without front matter gets a default one listing the case's
`sources` (id -> text; null lists a file that does not exist); then `lines` count from the first
body line. `unlisted` writes source files the article does not list; `files` writes files beside
the article (name -> text, such as a chart); `sidecar` writes <stem>.json from a short spec (see
conftest.sidecar_json), `sidecar_raw` writes it verbatim.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.checks.registry import RULES

CASES_DIR = Path(__file__).parent / "rule_cases"
_CASE_KEYS = {"rule", "pass_str", "fail_str", "lines", "message", "fix_str", "sources", "unlisted", "sidecar",
              "sidecar_raw", "files"}  # fmt: skip


def _load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        for name, case in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if name.startswith("_"):  # shared material for YAML anchors, not a case
                continue
            cases.append((f"{path.stem}:{name}", case))
    return cases


CASES = _load_cases()


@pytest.mark.parametrize("case", [case for _, case in CASES], ids=[name for name, _ in CASES])
def test_rule_case(case, checker, write_article, default_front_matter):
    assert set(case) <= _CASE_KEYS, f"unknown keys {set(case) - _CASE_KEYS}"
    assert ("pass_str" in case) != ("fail_str" in case), "a case has exactly one of pass_str / fail_str"
    body = case.get("pass_str", case.get("fail_str"))
    path = write_article(
        body,
        sources=case.get("sources"),
        unlisted=case.get("unlisted"),
        sidecar=case.get("sidecar"),
        sidecar_raw=case.get("sidecar_raw"),
        files=case.get("files"),
    )
    result = checker.check_file(path)
    found = [finding for finding in result.report.findings if finding.rule == case["rule"]]
    if "pass_str" in case:
        assert found == [], [f.message for f in found]
        return
    assert found, f"expected a {case['rule']} finding; got {[f.rule for f in result.report.findings]}"
    offset = 0 if body.startswith("---") else default_front_matter(case.get("sources")).count("\n")
    if "lines" in case:
        assert [finding.line - offset for finding in found] == case["lines"]
    if "message" in case:
        for finding in found:
            assert case["message"] in finding.message
    if "fix_str" in case:
        assert result.fixed_text.splitlines(keepends=True)[offset:] == case["fix_str"].splitlines(
            keepends=True
        )


def test_every_rule_is_documented_and_has_pass_and_fail_cases():
    """Docs and code stay in step: a docstring with a bad and a good example, and both kinds of case."""
    kinds: dict[str, set[str]] = {rule.id: set() for rule in RULES}
    for name, case in CASES:
        assert case["rule"] in kinds, f"{name} names an unregistered rule {case['rule']!r}"
        assert name.split(":")[0] == case["rule"].split(".")[0], (
            f"{name} belongs in {case['rule'].split('.')[0]}.yml"
        )
        kinds[case["rule"]].add("pass" if "pass_str" in case else "fail")
    for rule in RULES:
        assert rule.summary(), f"{rule.id} has no docstring"
        assert "Bad" in rule.__doc__ and "Good" in rule.__doc__, (
            f"{rule.id}'s docstring needs Bad and Good examples"
        )
        assert kinds[rule.id] == {"pass", "fail"}, f"{rule.id} has cases: {sorted(kinds[rule.id]) or 'none'}"


def test_registry_ids_are_unique_and_well_formed():
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    families = {"quotes", "tables", "risk", "numbers", "claims", "charts", "style", "structure", "sources"}
    assert all(rule_id.count(".") == 1 and rule_id.split(".")[0] in families for rule_id in ids)
