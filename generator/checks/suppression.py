"""Inline suppressions: `<!-- newsdesk-disable rule.id -->` ... `<!-- newsdesk-enable rule.id -->`
and `<!-- newsdesk-disable-next-line rule.id -->` (several ids may be listed, space or comma separated).

A disable without a matching enable lasts to the end of the file. Only HTML comments outside code
count. Every id of every directive must suppress something; what does not is reported, so stale
suppressions cannot pile up and hide the next real problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.checks.base import Hit
from generator.checks.document import Comment

_DIRECTIVE = re.compile(r"<!--\s*newsdesk-(disable-next-line|disable|enable)\b(.*?)-->", re.S)


@dataclass(slots=True)
class _Region:
    rule: str
    first: int
    last: int
    line: int  # where the directive is
    directive: str
    used: bool = False


class Suppressions:
    """The suppression regions of one article, and which of them were used."""

    def __init__(self, comments: Iterable[Comment], *, known: set[str], last_line: int) -> None:
        self._regions: list[_Region] = []
        self._problems: list[Hit] = []
        open_regions: dict[str, list[_Region]] = {}
        for comment in comments:
            for match in _DIRECTIVE.finditer(comment.text):
                action = match.group(1)
                ids = [part for part in re.split(r"[\s,]+", match.group(2)) if part]
                line = comment.line + comment.text.count("\n", 0, match.start())
                if not ids:
                    self._problems.append(Hit(line, 1, f"newsdesk-{action} names no rule id"))
                for rule in ids:
                    if rule not in known:
                        self._problems.append(Hit(line, 1, f"newsdesk-{action} names unknown rule {rule!r}"))
                    elif action == "disable-next-line":
                        self._regions.append(_Region(rule, line + 1, line + 1, line, action))
                    elif action == "disable":
                        region = _Region(rule, line, last_line, line, action)
                        open_regions.setdefault(rule, []).append(region)
                        self._regions.append(region)
                    elif rule in open_regions:
                        for region in open_regions.pop(rule):
                            region.last = line
                    else:
                        message = f"newsdesk-enable {rule} has no disable before it"
                        self._problems.append(Hit(line, 1, message))

    def suppressed(self, rule: str, line: int) -> bool:
        """True when a region covers this rule at this line (and mark the region used)."""
        hit = False
        for region in self._regions:
            if region.rule == rule and region.first <= line <= region.last:
                region.used = hit = True
        return hit

    def unused(self, active: frozenset[str] | None = None) -> list[Hit]:
        """Directives that suppressed nothing, and malformed ones, as info-level hits.

        A directive for a rule that did not run on this article (not in `active`, the rules the
        configuration selects for it) cannot be judged, so it is not reported.
        """
        stale = [
            Hit(region.line, 1, f"newsdesk-{region.directive} {region.rule} suppresses nothing")
            for region in self._regions
            if not region.used and (active is None or region.rule in active)
        ]
        return self._problems + stale
