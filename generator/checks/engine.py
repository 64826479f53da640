"""Run every rule on one article and decide its verdict.

One Checker per process holds what is expensive to build: the markdown parser, the rules with their
compiled patterns, and the source cache. `check` parses the article once, runs each rule, applies
inline suppressions, and returns the report plus the text with low-information tables removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.checks.base import Article, Hit, Rule
from generator.checks.config import Rules
from generator.checks.document import Document, ParsedBody, Parser
from generator.checks.registry import RULES
from generator.checks.selection import RuleSelection
from generator.checks.source_files import SourceRoots
from generator.checks.sources import ReadSource, SourceCache
from generator.checks.suppression import Suppressions
from generator.checks.tables import remove_lines
from generator.files import decode_utf8, read_input_bytes, read_regular_bytes
from generator.models import ArticleReport, Finding, Severity, Sidecar, Verdict
from generator.rulefiles import describe


@dataclass(frozen=True, slots=True)
class CheckResult:
    report: ArticleReport
    fixed_text: str  # the article without its low-information tables; otherwise byte-identical
    parsed: ParsedBody | None = None  # the parse of fixed_text's body, when no table was removed


def verdict_of(findings: tuple[Finding, ...]) -> Verdict:
    """block if any error, else review if any review, else publish."""
    severities = {finding.severity for finding in findings}
    if Severity.ERROR in severities:
        return Verdict.BLOCK
    if Severity.REVIEW in severities:
        return Verdict.REVIEW
    return Verdict.PUBLISH


class Checker:
    """Checks articles against a set of rules; build once per process, use for many articles."""

    def __init__(self, rules: Rules, selection: RuleSelection | None = None) -> None:
        self.rules = rules
        self.selection = selection  # None: every rule on every article
        self._parser = Parser()
        self._sources = SourceCache()
        self._rules: list[Rule] = [
            rule(rules.severities[rule.id], rules.settings[rule.family()]) for rule in RULES
        ]
        self._ids = frozenset(rule.id for rule in RULES)

    def check(
        self,
        text: str,
        *,
        path: str,
        sidecar: Sidecar | None = None,
        read_source: ReadSource | None = None,
        sidecar_problem: str | None = None,
        source_roots: SourceRoots | None = None,
        read_file: Callable[[str], str | None] | None = None,
        front_matter: dict[str, Any] | None = None,
    ) -> CheckResult:
        """Check one article held in memory.

        Without `read_source`, each listed source's `path` is read relative to the folder of
        `path`, and only inside `source_roots` (default: that folder); without `read_file` so is
        each chart. `sidecar_problem` reports a sidecar that exists but could not be loaded.
        `front_matter` is what reading the text's front matter gives, when the caller knows.
        """
        document = self._parser.parse(text, front_matter)
        article = Article(
            document,
            path=path,
            sidecar=sidecar,
            sidecar_problem=sidecar_problem,
            settings=self.rules.settings,
            load_source=partial(
                self._sources.load, article_path=path, read_source=read_source, roots=source_roots
            ),
            read_file=read_file,
        )
        enabled = self.selection.rules_for(path) if self.selection is not None else self._ids
        rules = [rule for rule in self._rules if rule.id in enabled]
        suppressions = Suppressions(document.comments, known=self._ids, last_line=len(document.lines))
        kept: list[tuple[Rule, Hit]] = []
        for rule in rules:
            if not rule.after_suppression:
                hits = rule.check(article)
                kept.extend((rule, hit) for hit in hits if not suppressions.suppressed(rule.id, hit.line))
        article.unused_suppressions = suppressions.unused(active=enabled)
        for rule in rules:
            if rule.after_suppression:
                kept.extend((rule, hit) for hit in rule.check(article))
        findings = tuple(
            sorted(
                (_finding(rule, hit, document) for rule, hit in kept),
                key=lambda finding: (finding.line, finding.column, finding.rule),
            )
        )
        drops = tuple(sorted((hit.drop for _, hit in kept if hit.drop), key=lambda drop: drop.line_start))
        report = ArticleReport(
            path=path, verdict=verdict_of(findings), findings=findings, tables_dropped=drops
        )
        if drops:
            return CheckResult(report, remove_lines(text, drops))
        return CheckResult(report, text, document.body)

    def check_file(
        self, path: Path, *, source_roots: SourceRoots | None = None, text: str | None = None
    ) -> CheckResult:
        """Check an article on disk (or `text` standing for it, as from stdin), with its
        `<stem>.json` sidecar when there is one."""
        if text is None:  # a named pipe given as an article is refused, not waited on
            text = decode_utf8(read_input_bytes(path), path)
        sidecar, problem = load_sidecar(path.with_suffix(".json"))
        return self.check(
            text, path=str(path), sidecar=sidecar, sidecar_problem=problem, source_roots=source_roots
        )


def _finding(rule: Rule, hit: Hit, document: Document) -> Finding:
    """A rule's hit as a located finding with its structured data; without an explicit end, it
    ends where its excerpt does on the start line, else at the end of that line."""
    if hit.end is not None:
        end_line, end_column = hit.end
    else:
        raw = document.lines[hit.line - 1] if 0 < hit.line <= len(document.lines) else ""
        found = raw.find(hit.excerpt, hit.column - 1) if hit.excerpt else -1
        end_line = hit.line
        end_column = (
            found + len(hit.excerpt) + 1 if found == hit.column - 1 else max(len(raw) + 1, hit.column)
        )
    closest = hit.closest
    return Finding(
        rule=rule.id,
        severity=rule.severity,
        line=hit.line,
        column=hit.column,
        message=hit.message,
        excerpt=hit.excerpt,
        source=closest.source if closest else hit.source,
        similarity=closest.similarity if closest else None,
        quoted=closest.quoted if closest else None,
        quoted_changes=closest.quoted_changes if closest else (),
        passage_changes=closest.passage_changes if closest else (),
        facts=hit.facts,
        passage=closest.passage if closest else hit.passage,
        end_line=end_line,
        end_column=end_column,
    )


def load_sidecar(path: Path) -> tuple[Sidecar | None, str | None]:
    """(sidecar, None), (None, None) when there is none, or (None, why it cannot be used)."""
    try:
        data = read_regular_bytes(path)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"{path.name}: cannot read ({exc.strerror})"
    try:
        return Sidecar.model_validate_json(data), None
    except ValidationError as exc:
        return None, f"{path.name} is not a valid sidecar: {describe(exc)}"
