"""Render a CheckReport for people (text, statistics) and for machines (json, junit, sarif, github).

json is contract 3. junit validates against the Jenkins JUnit XSD; sarif against the SARIF 2.1.0
schema and the SARIF Multitool's GitHub rules (the ones code scanning applies on upload). github
prints workflow commands, which the Actions runner turns into annotations on the pull request;
GitHub shows at most 10 of each kind per step, so the rest go to the log as plain lines, with one
notice saying how many were left out.

Machine formats name files relative to the repository root (`$GITHUB_WORKSPACE` in Actions, else
the git repository holding the working folder, else the working folder), as GitHub expects.
"""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from generator import __version__
from generator.checks.base import Rule
from generator.files import repository_root
from generator.models import ArticleReport, CheckReport, Finding, Severity, Verdict

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "SRCROOT"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.REVIEW: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.REVIEW: "warning", Severity.INFO: "notice"}
_RANK = {Verdict.PUBLISH: 0, Verdict.REVIEW: 1, Verdict.BLOCK: 2}
GITHUB_PER_LEVEL = 10  # annotations of one kind GitHub shows per step
GITHUB_PER_JOB = 50  # ... and in all, per job
_DESCRIPTION_CHARS = 1024  # GitHub's limit for shortDescription and fullDescription


def fails(verdict: Verdict, fail_on: str) -> bool:
    """True when the verdict is at or above --fail-on ("block" or "review")."""
    return _RANK[verdict] >= _RANK[Verdict(fail_on)]


def render_json(report: CheckReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def text_lines(report: CheckReport, *, verbose: bool = False) -> Iterable[tuple[str, str]]:
    """(style, line) pairs: one line per finding and a verdict line per article that has findings
    (every article when verbose), then the summary. One line each, never wrapped."""
    for article in report.articles:
        for finding in article.findings:
            yield (_SARIF_LEVEL[finding.severity], finding_line(article.path, finding))
        if article.findings or verbose:
            dropped = len(article.tables_dropped)
            tables = f", {dropped} table{'s' * (dropped != 1)} dropped" if dropped else ""
            count = len(article.findings)
            plural = "s" * (count != 1)
            yield (
                article.verdict.value,
                f"{article.path}: {article.verdict} ({count} finding{plural}{tables})",
            )
    yield ("summary", summary_line(report))


def finding_line(path: str, finding: Finding) -> str:
    """`path:line:column: severity rule message`, as flake8 and ruff print it (grep-able)."""
    message = " ".join(finding.message.split())
    return f"{path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} {message}"


def summary_line(report: CheckReport) -> str:
    summary = report.summary
    return (
        f"{summary.articles} article{'s' * (summary.articles != 1)}: {summary.publish} publish, "
        f"{summary.review} review, {summary.block} block"
    )


def statistics(report: CheckReport, rules: dict[str, tuple[type[Rule], Severity]]) -> list[dict]:
    """Findings counted per rule, most frequent first (`--statistics`)."""
    counts = Counter(finding.rule for article in report.articles for finding in article.findings)
    return [
        {
            "rule": rule_id,
            "severity": str(rules[rule_id][1]),
            "count": count,
            "articles": sum(1 for a in report.articles if any(f.rule == rule_id for f in a.findings)),
            "summary": rules[rule_id][0].summary(),
        }
        for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def statistics_lines(rows: list[dict]) -> list[str]:
    width = max((len(row["rule"]) for row in rows), default=0)
    return [
        f"{row['count']:>6}  {row['rule']:<{width}}  {row['severity']:<6}  {row['summary']}" for row in rows
    ]


def render_junit(report: CheckReport, failed: Callable[[ArticleReport], bool]) -> str:
    """One testcase per article; it fails when `failed(article)` (its verdict reaches fail-on)."""
    failures = sum(1 for article in report.articles if failed(article))
    counts = {"tests": str(len(report.articles)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", name="newsdesk check", **counts)
    suite = ET.SubElement(root, "testsuite", name="newsdesk check", skipped="0", **counts)
    for article in report.articles:
        case = ET.SubElement(suite, "testcase", name=article.path, classname="newsdesk.check")
        details = "\n".join(
            f"{f.line}:{f.column}: {f.severity} {f.rule} {f.message}" for f in article.findings
        )
        if failed(article):
            failure = ET.SubElement(
                case,
                "failure",
                type=article.verdict.value,
                message=f"{article.verdict}: {len(article.findings)} finding(s)",
            )
            failure.text = details
        elif details:
            ET.SubElement(case, "system-out").text = details
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def report_root() -> Path:
    """The folder machine formats make paths relative to: the repository GitHub checked out."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        return Path(workspace).absolute()
    cwd = Path.cwd()
    return repository_root(cwd) or cwd


def relative_path(path: str, root: Path) -> str | None:
    """`path` relative to `root` in posix form, or None when it lies outside (or is stdin)."""
    if path == "-":
        return None
    absolute = Path(os.path.normpath(Path(path).absolute()))
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else None


def render_sarif(
    report: CheckReport, rules: dict[str, tuple[type[Rule], Severity]], *, root: Path | None = None
) -> str:
    """A SARIF 2.1.0 log with one run, every rule described, one result per finding.

    Artifact URIs are relative to the SRCROOT base id (the repository root), so code scanning
    matches them to files in the repository; each result's `primaryLocationLineHash` hashes the
    rule, file and flagged text (not the line number), so an alert keeps its identity across runs
    and when lines move.
    """
    from generator.checks.docs import DOCS_URL  # the rule reference, only SARIF needs it

    root = root or report_root()
    ids = list(rules)
    driver = {
        "name": "newsdesk",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": DOCS_URL,
        "rules": [_sarif_rule(rule_id, rule, severity) for rule_id, (rule, severity) in rules.items()],
    }
    results = []
    for article in report.articles:
        relative = relative_path(article.path, root)
        if relative is not None:
            location: dict = {"uri": relative, "uriBaseId": SRCROOT}
        else:
            location = {"uri": "stdin" if article.path == "-" else Path(article.path).absolute().as_uri()}
        seen: Counter[str] = Counter()
        for finding in article.findings:
            key = hashlib.sha256(
                "\0".join((finding.rule, location["uri"], finding.excerpt or finding.message)).encode()
            ).hexdigest()[:16]
            seen[key] += 1
            region = {"startLine": finding.line, "startColumn": finding.column}
            if finding.end_line is not None and finding.end_column is not None:
                region |= {"endLine": finding.end_line, "endColumn": finding.end_column}
            results.append(
                {
                    "ruleId": finding.rule,
                    "ruleIndex": ids.index(finding.rule),
                    "level": _SARIF_LEVEL[finding.severity],
                    "message": {"text": _sentence(finding.message)},
                    "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
                    "partialFingerprints": {"primaryLocationLineHash": f"{key}:{seen[key]}"},
                }
            )
    run = {
        "tool": {"driver": driver},
        "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule_id: str, rule: type[Rule], severity: Severity) -> dict:
    from generator.checks.docs import rule_markdown, rule_text, rule_url

    text = rule_text(rule)
    why = text.split("\n\nBad", 1)[0]  # the summary and why, without the examples
    return {
        "id": rule_id,
        "name": rule.__name__,
        "shortDescription": {"text": _sentence(rule.summary())[:_DESCRIPTION_CHARS]},
        "fullDescription": {"text": _sentence(" ".join(why.split()))[:_DESCRIPTION_CHARS]},
        "help": {
            "text": text,
            "markdown": rule_markdown(rule) + f"\n\n[Rule reference]({rule_url(rule_id)})",
        },
        "helpUri": rule_url(rule_id),
        "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
        "properties": {"tags": ["newsdesk", rule.family()]},
    }


def _sentence(text: str) -> str:
    """SARIF messages and descriptions are sentences: one line, ending with a period."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def render_github(report: CheckReport, *, root: Path | None = None) -> str:
    """GitHub Actions workflow commands: ::error / ::warning / ::notice with file, line, column and
    their ends, at most GITHUB_PER_LEVEL of each kind and GITHUB_PER_JOB in all (one notice is kept
    back to say what was left out, and each left-out finding is still printed as a plain line)."""
    root = root or report_root()
    located = [(article.path, finding) for article in report.articles for finding in article.findings]
    budget = dict.fromkeys(_GITHUB_LEVEL.values(), GITHUB_PER_LEVEL)
    total = GITHUB_PER_JOB
    over = _over_limits(located)
    if over:  # keep one notice for the line that says what was left out
        budget["notice"] -= 1
        total -= 1
    lines, left_out = [], []
    for path, finding in located:
        level = _GITHUB_LEVEL[finding.severity]
        if budget[level] > 0 and total > 0:
            budget[level] -= 1
            total -= 1
            lines.append(_annotation(level, relative_path(path, root) or path, finding))
        else:
            left_out.append((path, finding))
    for path, finding in left_out:
        lines.append(finding_line(relative_path(path, root) or path, finding))
    if left_out:
        kinds = Counter(_GITHUB_LEVEL[finding.severity] for _, finding in left_out)
        detail = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        lines.append(
            f"::notice title=newsdesk check::{len(left_out)} more findings ({detail}) are not annotated: "
            f"GitHub shows {GITHUB_PER_LEVEL} of each kind per step; all are listed in the log above"
        )
    summary = report.summary
    lines.append(f"newsdesk check: {summary.publish} publish, {summary.review} review, {summary.block} block")
    return "\n".join(lines) + "\n"


def _over_limits(located: list[tuple[str, Finding]]) -> bool:
    kinds = Counter(_GITHUB_LEVEL[finding.severity] for _, finding in located)
    return len(located) > GITHUB_PER_JOB or any(count > GITHUB_PER_LEVEL for count in kinds.values())


def _annotation(level: str, path: str, finding: Finding) -> str:
    where = f"file={_property(path)},line={finding.line}"
    if finding.end_line is not None and finding.end_line != finding.line:
        where += f",endLine={finding.end_line}"  # columns only describe a span on one line
    else:
        where += f",col={finding.column}"
        if finding.end_column is not None:
            where += f",endColumn={finding.end_column}"
    return f"::{level} {where},title={_property(finding.rule)}::{_data(finding.message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
