"""Every rule's YAML cases (tests/checks/rule_cases/<family>.yml), in the manner of sqlfluff's rule cases.

A case names its `rule` and gives either `pass_str` (the article must have no finding of that rule)
or `fail_str` (at least one; `lines` pins their lines, `message` a phrase every message contains,
`fix_str` the body after `--fix`). A body without front matter gets a default one listing the case's
`sources` (id -> text; null lists a file that does not exist); then `lines` count from the first
body line. `unlisted` writes source files the article does not list; `files` writes files beside
the article (name -> text, such as a chart); `sidecar` writes <stem>.json from a short spec (see
conftest.sidecar_json), `sidecar_raw` writes it verbatim. `findings` pins every finding of the
rule, in order, exactly: each a mapping of the fields it gives (`line`, `column`, `end` as
[line, column], `message`, `excerpt`), lines counted as for `lines`, written by hand from the rule.

`configs` overrides settings of rules/*.yaml for the case, family by family, as sqlfluff's cases
do (`configs: {quotes: {min_words: 6}}`; a word list given replaces the file's). `boundary` names
the numeric settings (`quotes.min_words`) the case sits at the edge of: every threshold in the
checker's rules files has a passing and a failing case at its edge (a meta-test below checks).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.checks import Checker, load_rules
from generator.checks.config import Rules
from generator.checks.registry import FAMILIES, RULES
from generator.resources import resource_dir

CASES_DIR = Path(__file__).parent / "rule_cases"
_CASE_KEYS = {"rule", "pass_str", "fail_str", "lines", "message", "fix_str", "sources", "unlisted", "sidecar",
              "sidecar_raw", "files", "configs", "boundary", "findings"}  # fmt: skip
# Numeric settings that are not thresholds (so need no boundary cases), and why.
NOT_THRESHOLDS = {
    "numbers.scale_words": "factors that convert 'billion' or 'bn' to a number; the tracing cases use them",
}


def _load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        for name, case in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if name.startswith("_"):  # shared material for YAML anchors, not a case
                continue
            cases.append((f"{path.stem}:{name}", case))
    return cases


CASES = _load_cases()


def configured(rules: Rules, configs: dict[str, dict]) -> Rules:
    """`rules` with a case's settings overridden, validated as the rules file itself would be."""
    settings = dict(rules.settings)
    for family, overrides in configs.items():
        assert family in FAMILIES, f"configs: unknown family {family!r}"
        model = FAMILIES[family]
        current = settings[family].model_dump(mode="json")
        unknown = set(overrides) - set(current)
        assert not unknown, f"configs.{family}: unknown settings {sorted(unknown)}"
        settings[family] = model.model_validate(current | overrides)
    return Rules(directory=rules.directory, severities=rules.severities, settings=settings)


def run_case(case, checker, write_article, **folder):
    """Write the case's article and check it: (result, the findings of the case's rule)."""
    path = write_article(
        case.get("pass_str", case.get("fail_str")),
        sources=case.get("sources"),
        unlisted=case.get("unlisted"),
        sidecar=case.get("sidecar"),
        sidecar_raw=case.get("sidecar_raw"),
        files=case.get("files"),
        **folder,
    )
    result = checker.check_file(path)
    return result, [finding for finding in result.report.findings if finding.rule == case["rule"]]


@pytest.mark.parametrize("case", [case for _, case in CASES], ids=[name for name, _ in CASES])
def test_rule_case(case, checker, rules, write_article, default_front_matter):
    assert set(case) <= _CASE_KEYS, f"unknown keys {set(case) - _CASE_KEYS}"
    if "configs" in case:
        checker = Checker(configured(rules, case["configs"]))
    assert ("pass_str" in case) != ("fail_str" in case), "a case has exactly one of pass_str / fail_str"
    body = case.get("pass_str", case.get("fail_str"))
    result, found = run_case(case, checker, write_article)
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
    if "findings" in case:
        given = [f.model_dump(exclude_defaults=True) for f in found]
        assert len(found) == len(case["findings"]), given
        pairs = zip(found, case["findings"], strict=True)
        assert [_given_fields(f, wanted, offset) for f, wanted in pairs] == case["findings"], given
    if "fix_str" in case:
        assert result.fixed_text.splitlines(keepends=True)[offset:] == case["fix_str"].splitlines(
            keepends=True
        )


def _given_fields(finding, expected: dict, offset: int) -> dict:
    """The fields of `finding` that a case's `findings` entry gives, lines counted from the body."""
    fields = {
        "line": finding.line - offset,
        "column": finding.column,
        "end": None if finding.end_line is None else [finding.end_line - offset, finding.end_column],
        "message": finding.message,
        "excerpt": finding.excerpt,
    }
    return {key: fields[key] for key in expected}


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


def _numeric_settings(value, path: str):
    """Dotted paths of the numbers in a settings tree (a mapping's numbers count as one setting)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield path
    elif isinstance(value, dict):
        if value and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()):
            yield path
        else:
            for key, item in value.items():
                yield from _numeric_settings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _numeric_settings(item, path)


def test_every_threshold_has_a_passing_and_a_failing_case_at_its_edge():
    """Each number in the checker's rules files (and each per-kind mapping of numbers) is pinned
    from both sides by cases that declare it as their `boundary`."""
    thresholds = set()
    for family in FAMILIES:
        data = yaml.safe_load((resource_dir("rules") / f"{family}.yaml").read_text(encoding="utf-8"))
        for name, value in (data.get("settings") or {}).items():
            thresholds.update(_numeric_settings(value, f"{family}.{name}"))
    thresholds -= set(NOT_THRESHOLDS)
    thresholds.add("risk.thin_min_words_by_kind")  # an empty mapping by default, but a threshold
    sides: dict[str, set[str]] = {threshold: set() for threshold in thresholds}
    for name, case in CASES:
        for threshold in case.get("boundary", []):
            assert threshold in sides, f"{name}: boundary {threshold!r} is not a numeric setting"
            sides[threshold].add("pass" if "pass_str" in case else "fail")
    missing = {threshold: sorted({"pass", "fail"} - found) for threshold, found in sides.items()}
    assert not {t: m for t, m in missing.items() if m}, missing


def test_configs_are_validated_like_the_rules_files(rules):
    with pytest.raises(AssertionError, match="unknown settings"):
        configured(rules, {"quotes": {"min_word": 3}})
    with pytest.raises(ValueError, match="min_words"):
        configured(rules, {"quotes": {"min_words": 0}})
    assert configured(rules, {"quotes": {"min_words": 6}}).settings["quotes"].min_words == 6
    assert load_rules().settings["quotes"].min_words == 4  # the bundled rules are untouched


EDGES = [
    (f"{name}:{threshold}", case, threshold)
    for name, case in CASES
    for threshold in case.get("boundary", [])
    if threshold in {"quotes.min_words", "quotes.max_insertion_words", "tables.min_data_rows",
                     "tables.min_columns", "claims.cue_window", "claims.after_window", "claims.stale_days",
                     "claims.rank_window", "risk.thin_min_words", "risk.min_signals"}
]  # fmt: skip


@pytest.mark.parametrize(("case", "threshold"), [e[1:] for e in EDGES], ids=[e[0] for e in EDGES])
def test_a_boundary_case_sits_at_the_edge(case, threshold, rules, write_article, tmp_path):
    """Moving its whole-number threshold one step (up or down) turns the case's outcome round."""
    family, key = threshold.split(".")
    value = getattr(configured(rules, case.get("configs", {})).settings[family], key)
    outcomes = set()
    for step in (-1, 1):
        configs = {name: dict(settings) for name, settings in case.get("configs", {}).items()}
        configs.setdefault(family, {})[key] = value + step
        try:
            checker = Checker(configured(rules, configs))
        except ValueError:  # the threshold's lowest allowed value: only the other step exists
            continue
        _, found = run_case(case, checker, write_article, folder=tmp_path / f"step{step}")
        outcomes.add("fail" if found else "pass")
    assert ("pass" if "fail_str" in case else "fail") in outcomes, f"{threshold} = {value} is not its edge"
