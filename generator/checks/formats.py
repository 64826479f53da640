"""Render a CheckReport for people (text) and for machines (json, junit, sarif, github).

json is contract 3. junit validates against the Jenkins JUnit XSD and sarif against the SARIF 2.1.0
schema (both vendored under tests/checks/schemas). github prints workflow commands, which the
Actions runner turns into annotations on the pull request.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from generator import __version__
from generator.checks.base import Rule
from generator.models import CheckReport, Severity, Verdict

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.REVIEW: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.REVIEW: "warning", Severity.INFO: "notice"}
_RANK = {Verdict.PUBLISH: 0, Verdict.REVIEW: 1, Verdict.BLOCK: 2}


def fails(verdict: Verdict, fail_on: str) -> bool:
    """True when the verdict is at or above --fail-on ("block" or "review")."""
    return _RANK[verdict] >= _RANK[Verdict(fail_on)]


def render_json(report: CheckReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def text_lines(report: CheckReport) -> Iterable[tuple[str, str]]:
    """(style, line) pairs: one line per finding and a verdict line per article that has findings."""
    for article in report.articles:
        for finding in article.findings:
            yield (
                _SARIF_LEVEL[finding.severity],
                f"{article.path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} "
                f"{finding.message}",
            )
        if article.findings:
            dropped = len(article.tables_dropped)
            tables = f", {dropped} table{'s' * (dropped != 1)} dropped" if dropped else ""
            count = len(article.findings)
            plural = "s" * (count != 1)
            yield (
                article.verdict.value,
                f"{article.path}: {article.verdict} ({count} finding{plural}{tables})",
            )
    summary = report.summary
    yield (
        "summary",
        f"{summary.articles} article{'s' * (summary.articles != 1)}: {summary.publish} publish, "
        f"{summary.review} review, {summary.block} block",
    )


def render_junit(report: CheckReport, fail_on: str) -> str:
    """One testcase per article; it fails when the verdict reaches --fail-on."""
    failed = sum(1 for article in report.articles if fails(article.verdict, fail_on))
    counts = {"tests": str(len(report.articles)), "failures": str(failed), "errors": "0"}
    root = ET.Element("testsuites", name="newsdesk check", **counts)
    suite = ET.SubElement(root, "testsuite", name="newsdesk check", skipped="0", **counts)
    for article in report.articles:
        case = ET.SubElement(suite, "testcase", name=article.path, classname="newsdesk.check")
        details = "\n".join(
            f"{f.line}:{f.column}: {f.severity} {f.rule} {f.message}" for f in article.findings
        )
        if fails(article.verdict, fail_on):
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


def render_sarif(report: CheckReport, rules: dict[str, tuple[type[Rule], Severity]]) -> str:
    """A SARIF 2.1.0 log with one run, every rule described, one result per finding."""
    ids = list(rules)
    driver = {
        "name": "newsdesk",
        "version": __version__,
        "rules": [
            {
                "id": rule_id,
                "shortDescription": {"text": rule.summary()},
                "fullDescription": {"text": " ".join((rule.__doc__ or "").split())},
                "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
            }
            for rule_id, (rule, severity) in rules.items()
        ],
    }
    results = [
        {
            "ruleId": finding.rule,
            "ruleIndex": ids.index(finding.rule),
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(article.path)},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
        }
        for article in report.articles
        for finding in article.findings
    ]
    run = {"tool": {"driver": driver}, "results": results}
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def render_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: ::error / ::warning / ::notice with file, line and column."""
    lines = [
        f"::{_GITHUB_LEVEL[f.severity]} file={_property(article.path)},line={f.line},col={f.column},"
        f"title={_property(f.rule)}::{_data(f.message)}"
        for article in report.articles
        for f in article.findings
    ]
    summary = report.summary
    lines.append(f"newsdesk check: {summary.publish} publish, {summary.review} review, {summary.block} block")
    return "\n".join(lines) + "\n"


def _uri(path: str) -> str:
    as_path = Path(path)
    return as_path.as_uri() if as_path.is_absolute() else as_path.as_posix()


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
