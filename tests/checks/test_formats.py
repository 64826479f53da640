"""Report formats: JSON is contract 3; JUnit and SARIF validate against their vendored schemas."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from generator.checks.formats import render_github, render_json, render_junit, render_sarif, text_lines
from generator.checks.registry import RULES
from generator.models import ArticleReport, CheckReport, Finding, ReportSummary, Verdict

BAD_QUOTE = "“Revenue rose strongly in the quarter,” the company said.\n"
SOURCE = {"release": "Revenue rose sharply in the quarter, the company said.\n"}


@pytest.fixture
def report(checker, write_article) -> CheckReport:
    """Three articles: one blocked, one held for review, one publishable (with a dropped table)."""
    disclosure = (
        "\nAI-drafted from named sources and checked against Newsdesk publishing rules before release.\n"
    )
    words = " ".join(["Shares moved on the news."] * 30)
    paths = [
        write_article(BAD_QUOTE, sources=SOURCE, name="blocked"),
        write_article(words + "\n\nIt faces a lawsuit.\n" + disclosure, sources=SOURCE, name="held"),
        write_article(
            words + "\n\n| a | b |\n|---|---|\n| - | - |\n" + disclosure, sources=SOURCE, name="fine"
        ),
    ]
    reports = tuple(checker.check_file(path).report for path in paths)
    assert [r.verdict for r in reports] == [Verdict.BLOCK, Verdict.REVIEW, Verdict.PUBLISH]
    summary = ReportSummary(articles=3, publish=1, review=1, block=1)
    return CheckReport(summary=summary, articles=reports)


def test_json_is_contract_3(report):
    data = json.loads(render_json(report))
    assert data["version"] == 1
    assert data["summary"] == {"articles": 3, "publish": 1, "review": 1, "block": 1}
    blocked, _, fine = data["articles"]
    assert set(blocked) >= {"path", "verdict", "findings", "tables_dropped"}
    assert set(blocked["findings"][0]) >= {"rule", "severity", "line", "column", "message", "excerpt"}
    assert (
        fine["tables_dropped"][0]["reason"]
        == "1 data row (fewer than 2); 2 of 2 data cells empty or placeholders (50% or more)"
    )
    assert CheckReport.model_validate(data) == report


@pytest.mark.parametrize("fail_on", ["block", "review"])
def test_junit_validates_against_the_xsd(report, schemas_dir, fail_on):
    schema = etree.XMLSchema(etree.parse(str(schemas_dir / "junit-10.xsd")))
    document = etree.fromstring(render_junit(report, fail_on).encode("utf-8"))
    schema.assertValid(document)
    suite = document.find("testsuite")
    assert suite.get("tests") == "3"
    failures = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    expected = ["blocked"] if fail_on == "block" else ["blocked", "held"]
    assert [name.rsplit("/", 1)[1].removesuffix(".md") for name in failures] == expected
    assert suite.get("failures") == str(len(expected))


def test_sarif_validates_against_the_schema(report, rules, schemas_dir):
    schema = json.loads((schemas_dir / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    described = {rule.id: (rule, rules.severities[rule.id]) for rule in RULES}
    log = json.loads(render_sarif(report, described))
    jsonschema.Draft202012Validator(schema).validate(log)
    run = log["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [rule.id for rule in RULES]
    levels = {result["ruleId"]: result["level"] for result in run["results"]}
    assert levels["quotes.mismatch"] == "error"
    assert levels["risk.legal"] == "warning"
    assert levels["tables.low_information"] == "note"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    findings = [(a, f) for a in report.articles for f in a.findings]
    assert len(run["results"]) == len(findings)
    for result, (article, finding) in zip(run["results"], findings, strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert result["ruleId"] == finding.rule and rule_ids[result["ruleIndex"]] == finding.rule
        assert (location["region"]["startLine"], location["region"]["startColumn"]) == (
            finding.line,
            finding.column,
        )
        assert location["artifactLocation"]["uri"] == Path(article.path).absolute().as_uri()


def test_sarif_schema_rejects_a_broken_log(schemas_dir):
    """The validator is live: a result without a message fails."""
    schema = json.loads((schemas_dir / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def test_github_annotations(report):
    lines = render_github(report).splitlines()
    mismatch = next(line for line in lines if "quotes.mismatch" in line)
    assert mismatch.startswith("::error file=")
    assert ",line=" in mismatch
    assert ",col=" in mismatch
    assert "title=quotes.mismatch::" in mismatch
    assert any(line.startswith("::warning ") and "risk.legal" in line for line in lines)
    assert any(line.startswith("::notice ") and "tables.low_information" in line for line in lines)


def test_github_annotations_escape_their_data():
    finding = Finding(rule="risk.thin", severity="review", line=3, column=1, message="50% done\nnext")
    article = ArticleReport(path="a,b:c.md", verdict=Verdict.REVIEW, findings=(finding,))
    report = CheckReport(summary=ReportSummary(articles=1, publish=0, review=1, block=0), articles=(article,))
    first = render_github(report).splitlines()[0]
    assert first == "::warning file=a%2Cb%3Ac.md,line=3,col=1,title=risk.thin::50%25 done%0Anext"


def test_text_lines_are_flake8_style(report):
    lines = [line for _, line in text_lines(report)]
    blocked = report.articles[0]
    finding = blocked.findings[0]
    assert f"{blocked.path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} " in lines[0]
    assert lines[-1] == "3 articles: 1 publish, 1 review, 1 block"
