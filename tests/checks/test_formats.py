"""Report formats: JSON is contract 3; JUnit and SARIF validate against their vendored schemas."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from generator.checks.formats import (
    fails,
    render_github,
    render_json,
    render_junit,
    render_sarif,
    statistics,
    statistics_lines,
    text_lines,
)
from generator.checks.registry import RULES
from generator.models import ArticleReport, CheckReport, Finding, ReportSummary, TableDrop, Verdict

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
    failed = lambda article: fails(article.verdict, fail_on)  # noqa: E731
    document = etree.fromstring(render_junit(report, failed).encode("utf-8"))
    schema.assertValid(document)
    suite = document.find("testsuite")
    assert suite.get("tests") == "3"
    failures = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    expected = ["blocked"] if fail_on == "block" else ["blocked", "held"]
    assert [name.rsplit("/", 1)[1].removesuffix(".md") for name in failures] == expected
    assert suite.get("failures") == str(len(expected))


def described(rules):
    return {rule.id: (rule, rules.severities[rule.id]) for rule in RULES}


def test_sarif_validates_against_the_schema(report, rules, schemas_dir, tmp_path):
    schema = json.loads((schemas_dir / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(render_sarif(report, described(rules), root=tmp_path))
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
    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": tmp_path.as_uri() + "/"}}
    for result, (article, finding) in zip(run["results"], findings, strict=True):
        location = result["locations"][0]["physicalLocation"]
        assert result["ruleId"] == finding.rule and rule_ids[result["ruleIndex"]] == finding.rule
        region = location["region"]
        assert (region["startLine"], region["startColumn"]) == (finding.line, finding.column)
        assert (region["endLine"], region["endColumn"]) == (finding.end_line, finding.end_column)
        artifact = location["artifactLocation"]
        assert artifact == {"uri": Path(article.path).name, "uriBaseId": "SRCROOT"}  # relative to the root


def test_sarif_rules_carry_what_github_requires(report, rules):
    """GitHub's list: shortDescription, fullDescription and help.text required; help.markdown and
    helpUri recommended; partialFingerprints.primaryLocationLineHash on every result."""
    log = json.loads(render_sarif(report, described(rules)))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    mismatch = next(rule for rule in driver["rules"] if rule["id"] == "quotes.mismatch")
    assert mismatch["shortDescription"]["text"] == (
        "A direct quote does not match the text of any source the article lists."
    )
    assert mismatch["fullDescription"]["text"].startswith("A direct quote does not match")
    assert (
        "Why: a misquote" in mismatch["fullDescription"]["text"]
        and "Bad" not in mismatch["fullDescription"]["text"]
    )
    assert "“Revenue rose strongly in the quarter,” the company said." in mismatch["help"]["text"]
    assert (
        "\n    “Revenue rose strongly in the quarter,”" in mismatch["help"]["markdown"]
    )  # an indented example
    for rule in driver["rules"]:
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert len(rule["shortDescription"]["text"]) <= 1024 and len(rule["fullDescription"]["text"]) <= 1024
    for result in log["runs"][0]["results"]:
        assert re.fullmatch(r"[0-9a-f]{16}:[0-9]+", result["partialFingerprints"]["primaryLocationLineHash"])


def github_slug(heading: str) -> str:
    """GitHub's heading anchors (github-slugger): lower case, punctuation but - and _ removed, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_help_uris_point_at_headings_in_docs_rules_md(report, rules):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = {github_slug(line[4:]) for line in docs.splitlines() if line.startswith("### ")}
    log = json.loads(render_sarif(report, described(rules)))
    uris = {rule["id"]: rule["helpUri"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert uris["quotes.mismatch"].endswith("docs/rules.md#quotesmismatch")
    assert uris["risk.low_coverage"].endswith("docs/rules.md#risklow_coverage")
    for uri in uris.values():
        assert uri.split("#", 1)[1] in anchors


def test_sarif_fingerprints_are_stable_across_runs_and_line_moves(rules, write_article, tmp_path):
    from generator.checks import Checker

    body = "“Revenue rose strongly in the quarter,” the company said.\n"
    path = write_article(body, sources=SOURCE)

    def fingerprints() -> list[str]:
        log = json.loads(
            render_sarif(_report(Checker(rules).check_file(path).report), described(rules), root=tmp_path)
        )
        return [
            result["partialFingerprints"]["primaryLocationLineHash"]
            for result in log["runs"][0]["results"]
            if result["ruleId"] == "quotes.mismatch"
        ]

    first = fingerprints()
    assert first == fingerprints()  # a second run, a fresh checker: the same identity
    path.write_text(
        path.read_text(encoding="utf-8").replace(body, "Shares rose.\n\n" + body), encoding="utf-8"
    )
    assert fingerprints() == first  # the quote moved two lines down: still the same alert
    path.write_text(path.read_text(encoding="utf-8").replace("strongly", "steeply"), encoding="utf-8")
    assert fingerprints() != first  # a different misquote is a different alert


def _report(*articles: ArticleReport) -> CheckReport:
    verdicts = [a.verdict for a in articles]
    summary = ReportSummary(
        articles=len(articles),
        publish=verdicts.count(Verdict.PUBLISH),
        review=verdicts.count(Verdict.REVIEW),
        block=verdicts.count(Verdict.BLOCK),
    )
    return CheckReport(summary=summary, articles=articles)


def test_sarif_schema_rejects_a_broken_log(schemas_dir):
    """The validator is live: a result without a message fails."""
    schema = json.loads((schemas_dir / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(broken)


def test_github_annotations(report, monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    lines = render_github(report).splitlines()
    mismatch = next(line for line in lines if "quotes.mismatch" in line)
    blocked = report.articles[0]
    finding = next(f for f in blocked.findings if f.rule == "quotes.mismatch")
    assert mismatch.startswith(
        f"::error file=blocked.md,line={finding.line},col={finding.column},endColumn={finding.end_column},"
        "title=quotes.mismatch::"
    )  # the path is relative to GITHUB_WORKSPACE, and the span ends where the quote does
    assert finding.end_column == finding.column + len("“Revenue rose strongly in the quarter,”")
    assert any(line.startswith("::warning ") and "risk.legal" in line for line in lines)
    assert any(line.startswith("::notice ") and "tables.low_information" in line for line in lines)
    assert lines[-1] == "newsdesk check: 1 publish, 1 review, 1 block"


def _many(errors: int, warnings: int, notices: int) -> CheckReport:
    findings = [
        Finding(
            rule="quotes.mismatch",
            severity=severity,
            line=n + 1,
            column=1,
            message=f"m{n}",
            end_line=n + 1,
            end_column=9,
        )
        for n, severity in enumerate(["error"] * errors + ["review"] * warnings + ["info"] * notices)
    ]
    return _report(ArticleReport(path="a.md", verdict=Verdict.BLOCK, findings=tuple(findings)))


def test_github_annotations_stop_at_githubs_limits_and_say_what_was_left_out():
    """GitHub shows 10 error and 10 warning annotations per step (and 50 per job)."""
    lines = render_github(_many(errors=25, warnings=12, notices=3), root=Path.cwd()).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    kinds = [line.split(" ", 1)[0] for line in annotations]
    assert kinds.count("::error") == 10 and kinds.count("::warning") == 10
    assert kinds.count("::notice") == 4  # three findings and the summary of what was left out
    assert len(annotations) <= 50
    plain = [line for line in lines if line.startswith("a.md:")]
    assert len(plain) == 17  # everything left out is still in the log, one line each
    assert plain[0] == "a.md:11:1: error quotes.mismatch m10"
    assert annotations[-1] == (
        "::notice title=newsdesk check::17 more findings (15 error, 2 warning) are not annotated: "
        "GitHub shows 10 of each kind per step; all are listed in the log above"
    )


def test_github_annotations_under_the_limits_print_no_summary():
    lines = render_github(_many(errors=10, warnings=10, notices=10)).splitlines()
    assert sum(line.startswith("::") for line in lines) == 30
    assert not any("not annotated" in line for line in lines)


def test_a_multi_line_annotation_gives_end_line_instead_of_columns():
    finding = Finding(
        rule="quotes.mismatch", severity="error", line=3, column=5, message="m", end_line=5, end_column=9
    )
    report = _report(ArticleReport(path="a.md", verdict=Verdict.BLOCK, findings=(finding,)))
    lines = render_github(report, root=Path.cwd())
    assert lines.splitlines()[0].startswith("::error file=a.md,line=3,endLine=5,title=quotes.mismatch::")


def test_text_lines_are_flake8_style(report):
    lines = [line for _, line in text_lines(report)]
    blocked = report.articles[0]
    finding = blocked.findings[0]
    assert f"{blocked.path}:{finding.line}:{finding.column}: {finding.severity} {finding.rule} " in lines[0]
    assert lines[-1] == "3 articles: 1 publish, 1 review, 1 block"


def _validate(multitool: Path, log: str, folder: Path) -> list[tuple[str, str]]:
    """(level, rule) of every problem the Multitool's SARIF and GitHub rules find in `log`."""
    given, verdict = folder / "report.sarif", folder / "validation.sarif"
    given.write_text(log, encoding="utf-8")
    done = subprocess.run(
        [str(multitool), "validate", str(given), "--rule-kind", "Gh;Sarif", "--level", "Error;Warning;Note",
         "--output", str(verdict), "--log", "ForceOverwrite"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0 and verdict.is_file(), done.stdout + done.stderr
    results = json.loads(verdict.read_text(encoding="utf-8"))["runs"][0].get("results", [])
    return [(result.get("level", "warning"), result["ruleId"]) for result in results]


def test_the_sarif_multitool_github_rules_find_no_errors(report, rules, tmp_path, npm_tool):
    """Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool; its Linux build is a self-contained
    binary, no .NET needed) with the GitHub rules code scanning applies on upload."""
    multitool = npm_tool("@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
    log = render_sarif(report, described(rules), root=tmp_path)
    assert json.loads(log)["runs"][0]["results"]  # a report with findings
    problems = _validate(multitool, log, tmp_path)
    assert [p for p in problems if p[0] in ("error", "warning")] == []
    # The validator is live: without help text every rule breaks GitHub's rule GH2012.
    stripped = json.loads(log)
    for rule in stripped["runs"][0]["tool"]["driver"]["rules"]:
        del rule["help"]
    broken = _validate(multitool, json.dumps(stripped), tmp_path)
    assert broken.count(("error", "GH2012")) == len(RULES)


# ------------------------------------------------------------------ exact output of small reports


def _finding(message: str = "m", rule: str = "quotes.mismatch", severity: str = "error", line: int = 3):
    return Finding(
        rule=rule, severity=severity, line=line, column=5, message=message, end_line=line, end_column=9
    )


def test_junit_by_hand():
    blocked = ArticleReport(path="a.md", verdict=Verdict.BLOCK, findings=(_finding("bad quote"),))
    held = ArticleReport(
        path="b.md", verdict=Verdict.REVIEW, findings=(_finding("thin", "risk.thin", "review"),)
    )
    clean = ArticleReport(path="c.md", verdict=Verdict.PUBLISH)
    text = render_junit(_report(blocked, held, clean), lambda article: article.verdict is Verdict.BLOCK)
    assert text == (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<testsuites name="newsdesk check" tests="3" failures="1" errors="0">\n'
        '  <testsuite name="newsdesk check" skipped="0" tests="3" failures="1" errors="0">\n'
        '    <testcase name="a.md" classname="newsdesk.check">\n'
        '      <failure type="block" message="block: 1 finding(s)">'
        "3:5: error quotes.mismatch bad quote</failure>\n"
        "    </testcase>\n"
        '    <testcase name="b.md" classname="newsdesk.check">\n'
        "      <system-out>3:5: review risk.thin thin</system-out>\n"
        "    </testcase>\n"
        '    <testcase name="c.md" classname="newsdesk.check" />\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_sarif_names_its_tool_and_standard_input(rules):
    article = ArticleReport(path="-", verdict=Verdict.BLOCK, findings=(_finding(),))
    log = json.loads(render_sarif(_report(article), described(rules)))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "newsdesk" and driver["informationUri"].startswith("https://")
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "stdin"}


def test_github_annotations_escape_what_workflow_commands_reserve(tmp_path):
    finding = _finding("50% off\r\nthe next line", rule="risk.thin")
    article = ArticleReport(path=str(tmp_path / "a,b:c.md"), verdict=Verdict.BLOCK, findings=(finding,))
    [annotation, summary] = render_github(_report(article), root=tmp_path).splitlines()
    assert annotation == (
        "::error file=a%2Cb%3Ac.md,line=3,col=5,endColumn=9,title=risk.thin::50%25 off%0D%0Athe next line"
    )
    assert summary == "newsdesk check: 0 publish, 0 review, 1 block"


def test_text_lines_count_findings_and_dropped_tables():
    drop = TableDrop(line_start=1, line_end=3, reason="r")
    one = ArticleReport(
        path="a.md", verdict=Verdict.PUBLISH, findings=(_finding(severity="info"),), tables_dropped=(drop,)
    )
    two = ArticleReport(
        path="b.md",
        verdict=Verdict.BLOCK,
        findings=(_finding(), _finding(line=4)),
        tables_dropped=(drop, TableDrop(line_start=5, line_end=7, reason="r")),
    )
    quiet = ArticleReport(path="c.md", verdict=Verdict.PUBLISH)
    lines = [line for _, line in text_lines(_report(one, two, quiet))]
    assert lines == [
        "a.md:3:5: info quotes.mismatch m",
        "a.md: publish (1 finding, 1 table dropped)",
        "b.md:3:5: error quotes.mismatch m",
        "b.md:4:5: error quotes.mismatch m",
        "b.md: block (2 findings, 2 tables dropped)",
        "3 articles: 2 publish, 0 review, 1 block",
    ]
    verbose = [line for _, line in text_lines(_report(quiet), verbose=True)]
    assert verbose == ["c.md: publish (0 findings)", "1 article: 1 publish, 0 review, 0 block"]
    styles = [style for style, _ in text_lines(_report(one, two))]
    assert styles == ["note", "publish", "error", "error", "block", "summary"]


def test_sarif_results_by_hand(rules, tmp_path):
    """Two findings of one rule on one flagged text share a hash and count 1 and 2; another text
    hashes apart; a finding without an end has a region without one; non-ASCII stays as written."""
    import hashlib

    same = [_finding("the quote “x” differs", line=3), _finding("the quote “x” differs", line=9)]
    other = Finding(rule="risk.legal", severity="review", line=4, column=2, message="legal term: 'fraud'")
    article = ArticleReport(path=str(tmp_path / "a.md"), verdict=Verdict.BLOCK, findings=(*same, other))
    text = render_sarif(_report(article), described(rules), root=tmp_path)
    assert "“x”" in text and text.startswith('{\n  "$schema": ') and text.endswith("}\n")  # indent 2, UTF-8
    results = json.loads(text)["runs"][0]["results"]
    key = hashlib.sha256(
        "\0".join(("quotes.mismatch", "a.md", "the quote “x” differs")).encode()
    ).hexdigest()[:16]
    assert [r["partialFingerprints"]["primaryLocationLineHash"] for r in results[:2]] == [
        f"{key}:1",
        f"{key}:2",
    ]
    assert results[2]["partialFingerprints"]["primaryLocationLineHash"].endswith(":1")
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 9
    }  # fmt: skip
    assert results[2]["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 2}
    assert [(r["ruleId"], r["level"], r["message"]["text"]) for r in results] == [
        ("quotes.mismatch", "error", "the quote “x” differs."),
        ("quotes.mismatch", "error", "the quote “x” differs."),
        ("risk.legal", "warning", "legal term: 'fraud'."),
    ]
    ids = [rule.id for rule in RULES]
    assert [r["ruleIndex"] for r in results] == [ids.index("quotes.mismatch")] * 2 + [ids.index("risk.legal")]


def test_sarif_rule_descriptors(rules):
    log = json.loads(render_sarif(_report(), described(rules)))
    descriptors = {d["id"]: d for d in log["runs"][0]["tool"]["driver"]["rules"]}
    legal = descriptors["risk.legal"]
    assert legal["name"] == "RiskLegal" and legal["properties"] == {"tags": ["newsdesk", "risk"]}
    assert legal["defaultConfiguration"] == {"level": "warning"}
    assert legal["helpUri"].endswith("#risklegal") and legal["help"]["markdown"].endswith(
        f"({legal['helpUri']})"
    )
    assert "Bad" not in legal["fullDescription"]["text"] and legal["fullDescription"]["text"].endswith(".")
    short = "The article mentions legal exposure (fraud, lawsuit, investigation, indictment, alleged)."
    assert legal["shortDescription"]["text"] == short
    assert descriptors["tables.low_information"]["defaultConfiguration"] == {"level": "note"}


def test_statistics_rows_by_hand(rules):
    a = ArticleReport(path="a.md", verdict=Verdict.BLOCK, findings=(_finding(), _finding(line=4)))
    b = ArticleReport(path="b.md", verdict=Verdict.REVIEW, findings=(_finding("t", "risk.thin", "review"),))
    c = ArticleReport(path="c.md", verdict=Verdict.REVIEW, findings=(_finding("l", "risk.legal", "review"),))
    rows = statistics(_report(a, b, c), described(rules))
    assert [(r["rule"], r["count"], r["articles"]) for r in rows] == [
        ("quotes.mismatch", 2, 1), ("risk.legal", 1, 1), ("risk.thin", 1, 1)
    ]  # most frequent first, then by id  # fmt: skip
    assert statistics_lines(rows)[0].split()[:3] == ["2", "quotes.mismatch", "error"]
    assert statistics_lines([]) == []


def test_sarif_messages_are_sentences():
    from generator.checks.formats import _sentence

    assert _sentence("done") == "done." and _sentence("done.") == "done."
    assert _sentence("really?") == "really?" and _sentence("stop!") == "stop!"
    assert _sentence(" two\n lines ") == "two lines."


def test_more_than_ten_notices_keep_one_back_for_the_summary(tmp_path):
    """Eleven notices alone: nine annotated, two left out as plain lines (paths relative to the
    root), and the tenth notice says so."""
    many = _many(errors=0, warnings=0, notices=11)
    article = many.articles[0].model_copy(update={"path": str(tmp_path / "a.md")})
    lines = render_github(_report(article), root=tmp_path).splitlines()
    notices = [line for line in lines if line.startswith("::notice")]
    assert len(notices) == 10 and notices[-1].startswith(
        "::notice title=newsdesk check::2 more findings (2 notice)"
    )
    assert [line for line in lines if not line.startswith("::")][:2] == [
        "a.md:10:1: info quotes.mismatch m9",
        "a.md:11:1: info quotes.mismatch m10",
    ]


def test_junit_lists_every_finding_of_a_failing_article_on_its_own_line():
    blocked = ArticleReport(
        path="a.md",
        verdict=Verdict.BLOCK,
        findings=(_finding("bad quote"), _finding("thin", "risk.thin", "review", 8)),
    )
    root = etree.fromstring(render_junit(_report(blocked), lambda article: True).encode())
    assert root.find(".//failure").text == "3:5: error quotes.mismatch bad quote\n8:5: review risk.thin thin"


def test_sarif_outside_the_root_uses_a_file_uri_and_a_region_needs_both_ends(rules, tmp_path):
    half = Finding(rule="quotes.mismatch", severity="error", line=2, column=3, message="m", end_line=2)
    outside = tmp_path / "elsewhere" / "a.md"
    article = ArticleReport(path=str(outside), verdict=Verdict.BLOCK, findings=(half,))
    log = json.loads(render_sarif(_report(article), described(rules), root=tmp_path / "repo"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": outside.as_uri()}
    assert location["region"] == {"startLine": 2, "startColumn": 3}


def test_text_and_json_by_hand():
    from generator.checks.formats import finding_line

    finding = Finding(rule="risk.thin", severity="review", line=3, column=5, message="thin  story:\n 8 words")
    assert finding_line("a.md", finding) == "a.md:3:5: review risk.thin thin story: 8 words"
    text = render_json(_report(ArticleReport(path="a.md", verdict=Verdict.PUBLISH)))
    assert text.startswith('{\n  "version": 1,\n  "summary": {\n    "articles": 1,') and text.endswith("}\n")


def test_statistics_put_the_most_frequent_rule_first_whatever_its_name(rules):
    a = ArticleReport(
        path="a.md", verdict=Verdict.REVIEW, findings=(_finding("t", "risk.thin", "review"),) * 2
    )
    b = ArticleReport(path="b.md", verdict=Verdict.BLOCK, findings=(_finding(),))
    assert [row["rule"] for row in statistics(_report(a, b), described(rules))] == [
        "risk.thin",
        "quotes.mismatch",
    ]


def test_reports_are_relative_to_the_repository_holding_the_working_folder(tmp_path, monkeypatch):
    from generator.checks.formats import report_root

    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    (tmp_path / ".git").mkdir()
    (tmp_path / "articles").mkdir()
    monkeypatch.chdir(tmp_path / "articles")
    assert report_root() == tmp_path
