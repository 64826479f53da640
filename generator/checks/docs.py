"""Write docs/rules.md from the registry and the rules folder, so the reference cannot drift.

    python -m generator.checks.docs > docs/rules.md

Each rule's docstring is its documentation; each family's YAML file (with its comments) documents
its thresholds and word lists. tests/checks/test_docs.py fails when docs/rules.md is stale.
"""

from __future__ import annotations

import inspect
import sys

from generator.checks.config import Rules, load_rules
from generator.checks.registry import FAMILIES, RULES

_INTRO = """\
# Publishing rules

`newsdesk check` (and the last stage of `newsdesk run`) applies these rules. Severities: **error**
blocks publication, **review** holds the article for an editor, **info** only reports. An article's
verdict is *block* if any error remains, else *review* if any review remains, else *publish*.
Severities, thresholds and word lists live in `rules/<family>.yaml` (shown under each family);
`newsdesk check --rules DIR` uses another folder. `newsdesk rules` prints the list below.

Silence a rule inline with `<!-- newsdesk-disable rule.id -->` ... `<!-- newsdesk-enable rule.id -->`
(to the end of the file without an enable) or `<!-- newsdesk-disable-next-line rule.id -->`; list
several ids separated by spaces or commas. A suppression that suppresses nothing is reported
(`structure.unused_suppression`).

This page is generated: `python -m generator.checks.docs > docs/rules.md`.
"""


def render(rules: Rules) -> str:
    """The whole reference page as markdown."""
    parts = [_INTRO]
    for family in FAMILIES:
        parts.append(f"\n## {family}.*\n")
        for rule in (rule for rule in RULES if rule.family() == family):
            doc = inspect.cleandoc(rule.__doc__ or "").replace("::\n", ":\n")
            parts.append(f"\n### `{rule.id}` ({rules.severities[rule.id]})\n\n{doc}\n")
        settings = (rules.directory / f"{family}.yaml").read_text(encoding="utf-8").rstrip()
        parts.append(f"\n`rules/{family}.yaml`:\n\n```yaml\n{settings}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(render(load_rules()))
