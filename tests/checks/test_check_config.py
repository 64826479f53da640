"""`newsdesk check` reads the configuration `newsdesk run` reads: discovered per article, closest wins.

The [check] table selects rules (select, extend-select, ignore, per-file-ignores), excludes files and
sets fail-on; the command line's flags go on top.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.checks.command import run_check
from generator.checks.registry import RULES
from generator.errors import ConfigError
from generator.resources import resource_dir

DISCLOSURE = "\nAI-drafted from named sources and checked against Newsdesk publishing rules before release.\n"
LONG = " ".join(["Shares moved higher on the news as investors weighed the quarter."] * 12) + "\n"
LEGAL = LONG + "The company faces a lawsuit.\n" + DISCLOSURE  # risk.legal: review


def write(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.parent / "sources").mkdir(exist_ok=True)
    (path.parent / "sources" / "r.txt").write_text("Revenue rose sharply in the quarter.\n", encoding="utf-8")
    path.write_text(
        '---\ntitle: "Helix"\nslug: helix\ndate: 2026-11-20\nkind: alpha_brief\nsources:\n  - id: r\n'
        f'    title: "R"\n    path: sources/r.txt\n---\n{body}',
        encoding="utf-8",
    )
    return path


def report(paths, capsys, **options) -> tuple[int, dict]:
    code = run_check(paths, output_format="json", **options)
    return code, json.loads(capsys.readouterr().out)


def rules_of(data: dict) -> dict[str, list[str]]:
    return {Path(a["path"]).name: sorted({f["rule"] for f in a["findings"]}) for a in data["articles"]}


def test_each_article_uses_its_closest_configuration(tmp_path, capsys):
    (tmp_path / "newsdesk.toml").write_text('[check]\nfail-on = "review"\n')
    (tmp_path / "lenient" / "pyproject.toml").parent.mkdir()
    (tmp_path / "lenient" / "pyproject.toml").write_text('[tool.newsdesk.check]\nignore = ["risk.legal"]\n')
    strict = write(tmp_path / "news" / "a.md", LEGAL)
    lenient = write(tmp_path / "lenient" / "deep" / "b.md", LEGAL)
    code, data = report([strict, lenient], capsys)
    assert rules_of(data) == {"a.md": ["risk.legal"], "b.md": []}
    assert code == 1  # a.md is held for review, and its configuration fails on review
    assert report([lenient], capsys)[0] == 0


def test_isolated_ignores_every_file_and_config_names_one(tmp_path, capsys):
    (tmp_path / "newsdesk.toml").write_text('[check]\nignore = ["risk"]\n')
    other = tmp_path / "strict.toml"
    other.write_text('[check]\nfail-on = "review"\n')
    path = write(tmp_path / "a.md", LEGAL)
    assert rules_of(report([path], capsys)[1]) == {"a.md": []}
    assert rules_of(report([path], capsys, isolated=True)[1]) == {"a.md": ["risk.legal"]}
    code, data = report([path], capsys, config_file=other)
    assert (code, rules_of(data)) == (1, {"a.md": ["risk.legal"]})


def test_a_custom_rules_folder_in_the_configuration_is_used(tmp_path, capsys):
    rules = shutil.copytree(resource_dir("rules"), tmp_path / "policy")
    risk = rules / "risk.yaml"
    risk.write_text(
        risk.read_text().replace("risk.legal:\n    severity: review", "risk.legal:\n    severity: error")
    )
    (tmp_path / "newsdesk.toml").write_text('rules_dir = "policy"\n')
    path = write(tmp_path / "articles" / "a.md", LEGAL)
    code, data = report([path], capsys)
    assert (code, data["articles"][0]["verdict"]) == (1, "block")
    assert report([path], capsys, isolated=True)[1]["articles"][0]["verdict"] == "review"


@pytest.mark.pipeline
def test_run_and_check_agree_under_one_configuration(tmp_path, monkeypatch, capsys):
    """The measured problem: with a custom rules folder `run` blocked articles `check` passed."""
    from generator.config import load_settings
    from generator.pipeline import build

    project = tmp_path / "desk"
    rules = shutil.copytree(resource_dir("rules"), project / "rules")
    risk = rules / "risk.yaml"
    risk.write_text(
        risk.read_text()
        .replace("thin_min_words: 120", "thin_min_words: 400")
        .replace("risk.thin:\n    severity: review", "risk.thin:\n    severity: error")
    )
    (project / "newsdesk.toml").write_text(
        'rules_dir = "rules"\nout = "output"\n[check]\nignore = ["risk.advice"]\n'
    )
    monkeypatch.chdir(project)
    result = build(load_settings(jobs=1, quiet=True))
    run_verdicts = {article.slug: article.verdict.value for article in result.articles}
    blocked = sum(verdict == "block" for verdict in run_verdicts.values())
    assert blocked > 0
    # deep inside the project, discovery walks up to newsdesk.toml; ../.. holds the site and the desk
    monkeypatch.chdir(project / "output" / "desk" / result.as_of.isoformat())
    _, data = report(["../.."], capsys)
    check_verdicts = {Path(a["path"]).stem: a["verdict"] for a in data["articles"]}
    assert check_verdicts == run_verdicts
    assert not any(f["rule"] == "risk.advice" for a in data["articles"] for f in a["findings"])
    _, bundled = report(["../.."], capsys, isolated=True)
    assert bundled["summary"]["block"] < blocked  # without the configuration the verdicts differ


def test_select_extend_select_and_ignore_layer_like_ruff(tmp_path, capsys):
    (tmp_path / "newsdesk.toml").write_text(
        '[check]\nselect = ["risk"]\nextend-select = ["style"]\nignore = ["risk.thin"]\n'
    )
    path = write(tmp_path / "a.md", "A lawsuit.\n")  # thin, legal, no disclosure
    assert rules_of(report([path], capsys)[1]) == {"a.md": ["risk.legal", "style.disclosure"]}
    only = report([path], capsys, select=["style.disclosure"])[1]
    assert rules_of(only) == {"a.md": ["style.disclosure"]}  # --select replaces the configured selection
    fewer = report([path], capsys, ignore=["style"])[1]
    assert rules_of(fewer) == {"a.md": ["risk.legal"]}  # --ignore adds to the configured ignores
    more = report([path], capsys, extend_select=["risk.thin"])[1]  # the command line goes on top
    assert rules_of(more) == {"a.md": ["risk.legal", "risk.thin", "style.disclosure"]}


def test_per_file_ignores_match_gitignore_patterns_from_the_configuration_folder(tmp_path, capsys):
    (tmp_path / "newsdesk.toml").write_text(
        '[check.per-file-ignores]\n"drafts/**" = ["risk.legal"]\n"*.brief.md" = ["risk"]\n'
    )
    draft = write(tmp_path / "drafts" / "2026" / "a.md", LEGAL)
    brief = write(tmp_path / "news" / "b.brief.md", LEGAL)
    story = write(tmp_path / "news" / "c.md", LEGAL)
    assert rules_of(report([draft, brief, story], capsys)[1]) == {
        "a.md": [],
        "b.brief.md": [],
        "c.md": ["risk.legal"],
    }


def test_a_suppression_for_a_rule_that_is_not_selected_is_not_stale(tmp_path, capsys):
    (tmp_path / "newsdesk.toml").write_text('[check]\nignore = ["risk.legal"]\n')
    path = write(
        tmp_path / "a.md",
        LEGAL.replace("The company", "<!-- newsdesk-disable-next-line risk.legal -->\nThe company"),
    )
    assert rules_of(report([path], capsys)[1]) == {"a.md": []}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '[check]\nselect = ["quotes.mismatc"]\n',
            "newsdesk.toml [check] select: unknown rule or family 'quotes.mismatc'",
        ),
        (
            '[check.per-file-ignores]\n"a/*" = ["nope"]\n',
            "per-file-ignores 'a/*': unknown rule or family 'nope'",
        ),
        ("[check]\nfail_on = 3\n", "newsdesk.toml: key 'check.fail-on'"),
        (
            '[check]\nextend-select = ["nope"]\n',
            "newsdesk.toml [check] extend-select: unknown rule or family",
        ),
        (
            '[check]\nignore = ["risk.nope"]\n',
            "newsdesk.toml [check] ignore: unknown rule or family 'risk.nope'",
        ),
        (
            '[check.per-file-ignores]\n"a/*" = ["nope"]\n',
            "newsdesk.toml [check] per-file-ignores 'a/*': unknown rule or family 'nope' "
            "(see `newsdesk rules`; families: charts, claims, numbers, quotes, risk, sources, structure, "
            "style, tables)",
        ),
    ],
)
def test_configuration_mistakes_name_file_and_key(tmp_path, table, message):
    (tmp_path / "newsdesk.toml").write_text(table)
    path = write(tmp_path / "a.md", LEGAL)
    with pytest.raises(ConfigError, match=None) as raised:
        run_check([path], output_format="json")
    assert message in str(raised.value)


def test_exclude_skips_files_in_folders_but_not_files_named_unless_forced(tmp_path, capsys):
    (tmp_path / "newsdesk.toml").write_text('[check]\nextend-exclude = ["archive/", "*.draft.md"]\n')
    write(tmp_path / "news" / "a.md", LEGAL)
    old = write(tmp_path / "archive" / "b.md", LEGAL)
    draft = write(tmp_path / "news" / "c.draft.md", LEGAL)
    write(tmp_path / ".git" / "d.md", LEGAL)  # a default exclusion
    write(tmp_path / "node_modules" / "pkg" / "e.md", LEGAL)
    names = sorted(Path(a["path"]).name for a in report([tmp_path], capsys)[1]["articles"])
    assert names == ["a.md"]
    assert len(report([old, draft], capsys)[1]["articles"]) == 2  # named on the command line: checked
    code, data = report([old, draft], capsys, force_exclude=True)
    assert (code, data["summary"]["articles"]) == (0, 0)  # pre-commit passing only excluded files
    more = report([tmp_path], capsys, exclude=["news"])[1]
    assert more["summary"]["articles"] == 0


def test_folders_above_the_checked_tree_never_exclude_it(tmp_path, monkeypatch, capsys):
    """Default exclusions (.venv, node_modules, ...) apply inside the tree, not to where it lives."""
    site = tmp_path / "venv" / "site"  # no configuration: the patterns' root is the working folder
    write(site / "a.md", LEGAL)
    write(site / "node_modules" / "b.md", LEGAL)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    names = [Path(a["path"]).name for a in report([site], capsys)[1]["articles"]]
    assert names == ["a.md"]


def test_within_one_layer_the_more_specific_selector_wins_and_ignore_wins_a_tie(tmp_path, capsys):
    (tmp_path / "newsdesk.toml").write_text(
        '[check]\nignore = ["risk", "style.disclosure"]\nextend-select = ["risk.legal", "style"]\n'
    )
    path = write(tmp_path / "a.md", "A lawsuit.\n")  # thin, legal, no disclosure
    assert rules_of(report([path], capsys)[1]) == {"a.md": ["risk.legal"]}
    tie = report([path], capsys, isolated=True, select=["risk.legal"], ignore=["risk.legal"])[1]
    assert rules_of(tie) == {"a.md": []}


def test_rules_shows_the_configured_rules_folder_and_selection(tmp_path, monkeypatch, capsys):
    from generator.checks.command import print_rules

    rules = shutil.copytree(resource_dir("rules"), tmp_path / "policy")
    (tmp_path / "newsdesk.toml").write_text('rules_dir = "policy"\n[check]\nignore = ["risk.thin"]\n')
    monkeypatch.chdir(tmp_path)
    print_rules(None)
    out = capsys.readouterr().out
    assert f"Rules ({rules})" in out
    assert any("risk.thin" in line and "(not selected)" in line for line in out.splitlines())
    print_rules(None, isolated=True)
    assert "(not selected)" not in capsys.readouterr().out


def test_rules_reads_a_named_configuration_and_a_rules_folder(tmp_path, monkeypatch, capsys):
    from generator.checks.command import print_rules

    policy = shutil.copytree(resource_dir("rules"), tmp_path / "elsewhere" / "policy")
    (policy / "risk.yaml").write_text((policy / "risk.yaml").read_text().replace(
        "risk.legal:\n    severity: review", "risk.legal:\n    severity: error"
    ))  # fmt: skip
    config = tmp_path / "elsewhere" / "desk.toml"
    config.write_text('rules_dir = "policy"\n[check]\nignore = ["risk.advice"]\n')
    monkeypatch.chdir(tmp_path)  # no configuration here: only the one named applies
    print_rules(None, config_file=config)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"Rules ({policy})")  # the title, left-justified
    assert any("risk.legal" in line and "error" in line for line in lines)
    assert any("risk.advice" in line and "review (not selected)" in line for line in lines)
    print_rules(policy)
    out = capsys.readouterr().out
    assert f"Rules ({policy})" in out and "(not selected)" not in out


def test_discovery_counts_what_it_leaves_out_and_sorts_what_it_keeps(tmp_path, monkeypatch):
    from generator.checks.command import discover
    from generator.checks.project import CommandLine, Projects

    (tmp_path / "newsdesk.toml").write_text(
        '[check]\nextend-exclude = ["archive*/", "*.draft.md", "x.md/"]\n'
    )
    for name in ("news/z.md", "news/a.md", "sub/deeper/e.md", "archive/b.md", "archive2/b.md",
                 "news/c.draft.md", "news/d.draft.md", "x.md/y.md", ".git/f.md"):  # fmt: skip
        write(tmp_path / name, LEGAL)
    (tmp_path / "news" / "notes.txt").write_text("not an article")
    (tmp_path / "news" / "folder.md").mkdir()  # a folder, not an article
    monkeypatch.chdir(tmp_path)
    tasks, excluded = discover([tmp_path], Projects(CommandLine()))
    assert [t.path.relative_to(tmp_path).as_posix() for t in tasks] == [
        "news/a.md",
        "news/z.md",
        "sub/deeper/e.md",
    ]
    # archive/, archive2/, x.md/ and .git/ (folders), c.draft.md and d.draft.md (files)
    assert excluded == 6
    tasks, excluded = discover([tmp_path / "news", tmp_path / "news" / "a.md"], Projects(CommandLine()))
    assert [t.path.name for t in tasks] == ["a.md", "z.md"] and excluded == 2  # no repeats


def test_selectors_layer_by_specificity(tmp_path, capsys):
    """A family with `.*` is a family; an id beats its family; ALL is the least specific of all."""
    from generator.checks.selection import specificity

    assert specificity(["quotes.*"], where="x") == dict.fromkeys(specificity(["quotes"], where="x"), 1)
    levels = specificity(["ALL", "risk", "risk.legal", " risk.legal "], where="x")
    assert levels["risk.legal"] == 2 and levels["risk.thin"] == 1 and levels["quotes.mismatch"] == 0
    assert set(specificity(["claims"], where="x")) == {
        "claims.measure", "claims.direction", "claims.contradiction", "claims.stale", "claims.ranking",
        "claims.absence", "claims.cause",
    }  # fmt: skip
    (tmp_path / "newsdesk.toml").write_text(
        '[check]\nselect = ["risk"]\nextend-select = ["quotes.mismatch"]\n'
    )
    path = write(tmp_path / "a.md", LEGAL)
    _, data = report([path], capsys)
    assert {f["rule"] for f in data["articles"][0]["findings"]} <= {
        "quotes.mismatch",
        "risk.legal",
        "risk.thin",
    }
    (tmp_path / "newsdesk.toml").write_text('[check]\nignore = ["ALL"]\nextend-select = ["risk.legal"]\n')
    _, data = report([path], capsys)
    assert [f["rule"] for f in data["articles"][0]["findings"]] == ["risk.legal"]  # the id beats ALL


ALL_IDS = frozenset(rule.id for rule in RULES)
RISK = frozenset(rule_id for rule_id in ALL_IDS if rule_id.startswith("risk."))


@pytest.mark.parametrize(
    ("step", "enabled"),
    [
        # an id named twice keeps its most specific naming, whatever the order
        ({"extend_select": ["risk.legal", "risk"], "ignore": ["risk"]}, ALL_IDS - RISK | {"risk.legal"}),
        ({"select": ["risk.legal"], "extend_select": ["risk"], "ignore": ["risk"]}, {"risk.legal"}),
        ({"ignore": ["ALL"]}, set()),  # ignoring ALL removes every rule ...
        ({"extend_select": ["ALL"], "ignore": ["ALL"]}, set()),  # ... and wins the tie with ALL
    ],
)
def test_a_selection_step_by_hand(step, enabled):
    from generator.checks.selection import SelectionStep

    assert SelectionStep(**step).apply(ALL_IDS) == enabled


def test_a_selection_without_steps_enables_every_rule_and_names_per_file_ignores_in_errors(tmp_path):
    from generator.checks.selection import RuleSelection

    assert RuleSelection.build([]).enabled == ALL_IDS
    with pytest.raises(ConfigError, match=r"^per-file-ignores '\*\.md': unknown rule or family 'nope' "):
        RuleSelection.build([], {"*.md": ["nope"]}, root=tmp_path)


@pytest.mark.parametrize(
    ("patterns", "path", "is_dir", "matched"),
    [
        ([], "a.md", False, False),  # no pattern matches nothing
        (["drafts"], "a/drafts/x.md", False, True),  # a name matches a part anywhere
        (["drafts"], "a/x.md", False, False),
        (["drafts/"], "drafts", False, False),  # a trailing slash matches folders only
        (["drafts/"], "drafts", True, True),
        (["x.md"], "/elsewhere/x.md", False, True),  # outside the root: by its name
        (["drafts/x.md"], "/elsewhere/drafts/x.md", False, False),
    ],
)
def test_patterns_match_as_gitignore_does(tmp_path, patterns, path, is_dir, matched):
    from generator.checks.selection import Patterns

    assert Patterns(patterns, tmp_path).matches(tmp_path / path, is_dir=is_dir) is matched


def test_patterns_are_anchored_at_a_root_whose_name_ends_in_a_space(tmp_path):
    from generator.checks.selection import Patterns

    root = tmp_path / "project "
    assert Patterns(["drafts/x.md"], root).matches(root / "drafts" / "x.md")
    assert not Patterns(["drafts/x.md"], root).matches(root / "x.md")
