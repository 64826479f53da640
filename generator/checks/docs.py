"""Write docs/rules.md from the registry and the rules folder, so the reference cannot drift.

    python -m generator.checks.docs > docs/rules.md

Each rule's docstring is its documentation; each family's YAML file (with its comments) documents
its thresholds and word lists. tests/checks/test_docs.py fails when docs/rules.md is stale. The
same text is each rule's `help` in SARIF reports, whose `helpUri` points at the rule's heading: a
heading is the rule id alone, so its anchor (`#quotesmismatch`) survives a change of severity.
"""

from __future__ import annotations

import inspect
import re
import sys

from generator.checks.base import Rule
from generator.checks.config import Rules, load_rules
from generator.checks.registry import FAMILIES, RULES

DOCS_URL = "https://newsdesk.example.invalid/docs/rules.md"  # where docs/rules.md is published

_INTRO = """\
# Publishing rules

`newsdesk check` (and the last stage of `newsdesk run`) applies these rules. Severities: **error**
blocks publication, **review** holds the article for an editor, **info** only reports. An article's
verdict is *block* if any error remains, else *review* if any review remains, else *publish*.
Severities, thresholds and word lists live in `rules/<family>.yaml` (shown under each family);
`rules_dir` in the configuration, or `newsdesk check --rules DIR`, uses another folder. `newsdesk
rules` prints the list below. Which rules run on which files is configuration: `select`, `ignore`,
`extend-select` and `per-file-ignores` in the `[check]` table of `newsdesk.toml` (see the README).

Silence a rule inline with `<!-- newsdesk-disable rule.id -->` ... `<!-- newsdesk-enable rule.id -->`
(to the end of the file without an enable) or `<!-- newsdesk-disable-next-line rule.id -->`; list
several ids separated by spaces or commas. A suppression that suppresses nothing is reported
(`structure.unused_suppression`).

This page is generated: `python -m generator.checks.docs > docs/rules.md`.
"""


def rule_text(rule: type[Rule]) -> str:
    """The rule's documentation as plain text (its docstring, dedented)."""
    return inspect.cleandoc(rule.__doc__ or "")


def rule_markdown(rule: type[Rule]) -> str:
    """The rule's documentation as markdown: "Bad::" introduces an indented (code) example."""
    return rule_text(rule).replace("::\n", ":\n")


def rule_anchor(rule_id: str) -> str:
    """The anchor GitHub gives the rule's heading (`### \\`quotes.mismatch\\``): lower case,
    punctuation other than hyphens and underscores dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", rule_id.lower()).replace(" ", "-")


def rule_url(rule_id: str) -> str:
    return f"{DOCS_URL}#{rule_anchor(rule_id)}"


def render(rules: Rules) -> str:
    """The whole reference page as markdown."""
    parts = [_INTRO]
    for family in FAMILIES:
        parts.append(f"\n## {family}.*\n")
        for rule in (rule for rule in RULES if rule.family() == family):
            severity = rules.severities[rule.id]
            heading = f"\n### `{rule.id}`\n\nSeverity: **{severity}** (`rules/{family}.yaml`)\n\n"
            parts.append(f"{heading}{rule_markdown(rule)}\n")
        settings = (rules.directory / f"{family}.yaml").read_text(encoding="utf-8").rstrip()
        parts.append(f"\n`rules/{family}.yaml`:\n\n```yaml\n{settings}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(render(load_rules()))
