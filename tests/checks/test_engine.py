"""The Checker as the pipeline uses it: in memory, with a Sidecar model and a read_source callable."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator.checks.engine import verdict_of
from generator.models import Fact, Finding, Provenance, Severity, Sidecar, Unit, Verdict

DISCLOSURE = "AI-drafted from named sources and checked against Newsdesk publishing rules before release."
LONG = " ".join(["Shares moved higher on the news as investors weighed the quarter."] * 12)


def _fact(fact_id: str, value: float, unit: Unit, display: str, *flags: str) -> Fact:
    provenance = Provenance(series="prices.close[HLXM]", window="1M", formula="close[end] / close[start] - 1")
    return Fact(id=fact_id, value=value, unit=unit, display=display, as_of=dt.date(2026, 11, 20),
                provenance=provenance, flags=flags)  # fmt: skip


@pytest.mark.parametrize(
    ("severities", "verdict"),
    [
        ([], Verdict.PUBLISH),
        (["info"], Verdict.PUBLISH),
        (["info", "review"], Verdict.REVIEW),
        (["review", "error", "info"], Verdict.BLOCK),
    ],
)
def test_verdict(severities, verdict):
    findings = tuple(Finding(rule="x.y", severity=s, line=1, column=1, message="m") for s in severities)
    assert verdict_of(findings) is verdict


def test_in_memory_check_traces_figures_and_reads_sources_through_the_callable(checker, default_front_matter):
    text = (
        default_front_matter({"release": ""})
        + f"{LONG}\n\nHelix rose 4.8% over the month and 9.1% over the year.\n\n"
        + "“Revenue rose 7.7% in the quarter,” the company said.\n\n"
        + f"{DISCLOSURE}\n"
    )
    sidecar = Sidecar(
        slug="helix-results",
        title="Helix",
        date=dt.date(2026, 11, 20),
        kind="alpha_brief",
        facts=[
            _fact("r1m", 4.83, Unit.PERCENT, "4.8%"),
            _fact("r1y", -9.1, Unit.PERCENT, "-9.1%", "corporate_action"),
        ],
    )
    result = checker.check(
        text,
        path="out/2026-11-20/helix-results.md",
        sidecar=sidecar,
        read_source=lambda ref: "The company said revenue rose 7.7% in the quarter.",
    )
    report = result.report
    assert report.path == "out/2026-11-20/helix-results.md"
    assert [(f.rule, f.excerpt) for f in report.findings] == [("risk.corporate_action", "9.1%")]
    assert report.verdict is Verdict.REVIEW
    assert result.fixed_text is text


def test_findings_are_sorted_by_line_then_column(checker, default_front_matter):
    text = default_front_matter() + "It faces a lawsuit, alleged fraud and a strong buy.\n"
    findings = checker.check(text, path="a.md").report.findings
    positions = [(f.line, f.column) for f in findings]
    assert positions == sorted(positions)
    assert {f.rule for f in findings} >= {"risk.legal", "risk.advice", "risk.thin", "style.disclosure"}
    assert all(f.severity in (Severity.ERROR, Severity.REVIEW) for f in findings)


def test_a_disable_without_enable_lasts_to_the_end(checker, default_front_matter):
    text = default_front_matter() + "<!-- newsdesk-disable risk.legal -->\nA lawsuit.\n\nAnother lawsuit.\n"
    rules = [f.rule for f in checker.check(text, path="a.md").report.findings]
    assert "risk.legal" not in rules
    assert "structure.unused_suppression" not in rules


def test_disable_next_line_covers_only_the_next_line(checker, default_front_matter):
    text = default_front_matter() + "<!-- newsdesk-disable-next-line risk.legal -->\nA lawsuit.\nA lawsuit.\n"
    legal = [f.line for f in checker.check(text, path="a.md").report.findings if f.rule == "risk.legal"]
    assert legal == [default_front_matter().count("\n") + 3]


def test_a_file_that_cannot_be_read_is_one_line_naming_it(tmp_path):
    from generator.checks import Checker, load_rules
    from generator.errors import NewsdeskError

    checker = Checker(load_rules())
    binary = tmp_path / "a.md"
    binary.write_bytes(b"---\ntitle: \xff\n---\n")
    # the bad byte 0xff is on line 2, after "title: "
    not_utf8 = rf"^{re.escape(str(binary))}, line 2: not UTF-8 text \(byte 0xff\); save it as UTF-8$"
    with pytest.raises(NewsdeskError, match=not_utf8):
        checker.check_file(binary)
    folder = tmp_path / "b.md"
    folder.mkdir()
    with pytest.raises(NewsdeskError, match=rf"^{re.escape(str(folder))}: cannot read \(Is a directory\)$"):
        checker.check_file(folder)


def test_a_rule_without_a_docstring_has_an_empty_summary():
    from generator.checks.base import Rule

    class Bare(Rule):
        id = "style.bare"

    assert Bare.summary() == "" and Bare.family() == "style"


def test_rules_folder_mistakes_name_the_folder_and_the_rule(tmp_path):
    import shutil

    from generator.checks import load_rules
    from generator.errors import ConfigError
    from generator.resources import resource_dir

    with pytest.raises(ConfigError, match=rf"^{re.escape(str(tmp_path / 'none'))}: rules folder not found$"):
        load_rules(tmp_path / "none")
    rules = Path(shutil.copytree(resource_dir("rules"), tmp_path / "rules"))
    text = (rules / "style.yaml").read_text().replace("style.disclosure:", "style.disclosur:")
    (rules / "style.yaml").write_text(text)
    with pytest.raises(
        ConfigError, match=r"key 'rules.style.disclosur': unknown rule \(this file has style.disclosure\)"
    ):
        load_rules(rules)
    sources = (rules / "sources.yaml").read_text()
    assert "settings" not in sources  # a family without settings gets its empty model
    assert type(load_rules(resource_dir("rules")).settings["sources"]).__name__ == "NoSettings"


def test_an_article_reads_only_plain_names_beside_it(tmp_path):
    from generator.checks.base import Article
    from generator.checks.document import Parser

    (tmp_path / "chart.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.svg").write_text("y", encoding="utf-8")

    def article(**read):
        return Article(
            Parser().parse(""), path=str(tmp_path / "a.md"), sidecar=None, sidecar_problem=None, settings={},
            load_source=lambda ref: None, **read,
        )  # fmt: skip

    refused = ("", "sub/c.svg", "sub\\c.svg", ".hidden", "../a.md")
    on_disk = article()
    assert on_disk.read_file("chart.svg") == "<svg/>" and on_disk.read_file("missing.svg") is None
    assert [on_disk.read_file(name) for name in refused] == [None] * len(refused)
    given = article(read_file=lambda name: f"read {name}")
    assert given.read_file("chart.svg") == "read chart.svg"
    assert [given.read_file(name) for name in refused] == [None] * len(refused)


def test_a_check_hands_on_its_parse_of_the_body_it_checked(checker):
    """The site writes the page from this parse (generator/site/token_html.py), so it must be of
    exactly the body checked."""
    from generator.site.token_html import html_from_tokens

    text = "---\ntitle: Acme rises\n---\n\nAcme rose 2%.\n\n- **Momentum:** strong\n"
    result = checker.check(text, path="/x/acme.md")
    assert result.fixed_text == text
    assert result.parsed is not None
    assert result.parsed.text == "\nAcme rose 2%.\n\n- **Momentum:** strong\n"
    html = html_from_tokens(result.parsed.text, result.parsed.tokens)
    assert html == "<p>Acme rose 2%.</p>\n<ul>\n<li><strong>Momentum:</strong> strong</li>\n</ul>"


def test_phrases_are_found_only_inside_the_span_asked_for():
    from generator.checks.claims import Phrases

    phrases = Phrases({"rising": ["rose"], "falling": ["fell"]})
    text = "Shares fell. Shares rose."  # the second sentence starts at offset 13
    assert [found.kind for found in phrases.find(text, 0, 12)] == ["falling"]
    assert [found.kind for found in phrases.find(text, 13)] == ["rising"]
    assert [(found.start, found.end) for found in phrases.find(text)] == [(7, 11), (20, 24)]
