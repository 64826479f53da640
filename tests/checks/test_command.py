"""`newsdesk check` and `newsdesk rules`: paths, exit codes, --fix, the process pool, import hygiene."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from generator.checks import command
from generator.checks.command import print_rules, run_check
from generator.checks.registry import RULES
from generator.errors import NewsdeskError
from generator.resources import resource_dir

DISCLOSURE = "\nAI-drafted from named sources and checked against Newsdesk publishing rules before release.\n"
LONG = " ".join(["Shares moved higher on the news as investors weighed the quarter."] * 12) + "\n"
SOURCE = {"release": "Revenue rose sharply in the quarter, the company said.\n"}


@pytest.fixture
def publishable(write_article):
    return lambda name="clean", **kw: write_article(LONG + DISCLOSURE, sources=SOURCE, name=name, **kw)


def check(paths, *, output_format="json", fail_on="block", **options):
    return run_check(paths, output_format=output_format, fail_on=fail_on, **options)


def test_exit_codes_follow_the_verdict_and_fail_on(publishable, write_article, capsys):
    clean = publishable()
    held = write_article(LONG + "It faces a lawsuit.\n" + DISCLOSURE, sources=SOURCE, name="held")
    blocked = write_article(
        "“Revenue rose strongly in the quarter,” it said today.\n", sources=SOURCE, name="blocked"
    )
    assert check([clean]) == 0
    assert check([held]) == 0
    assert check([held], fail_on="review") == 1
    assert check([clean, blocked]) == 1
    capsys.readouterr()


def test_json_report_on_stdout(publishable, write_article, capsys):
    publishable()
    write_article("“Revenue rose strongly in the quarter,” it said today.\n", sources=SOURCE, name="blocked")
    assert check([publishable().parent]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"articles": 2, "publish": 1, "review": 0, "block": 1}
    assert [a["path"].rsplit("/", 1)[1] for a in report["articles"]] == ["blocked.md", "clean.md"]


def test_folders_are_searched_recursively_and_globs_expanded(publishable, tmp_path, capsys):
    (tmp_path / "a" / "b").mkdir(parents=True)
    publishable(name="one", folder=tmp_path / "a")
    publishable(name="two", folder=tmp_path / "a" / "b")
    (tmp_path / "a" / "notes.txt").write_text("not an article")
    assert check([tmp_path / "a"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["articles"] == 2
    assert check([str(tmp_path / "a" / "*.md"), tmp_path / "a" / "one.md"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["articles"] == 1  # no repeats


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("missing.md", "no such file or folder"),
        ("*.nothing", "no file matches"),
        ("empty", "holds no article"),
    ],
)
def test_paths_that_hold_no_article_are_usage_errors(tmp_path, given, message):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NewsdeskError, match=message):
        check([str(tmp_path / given)])


@pytest.mark.subprocess
def test_usage_errors_exit_2_with_one_line(tmp_path):
    bad_rules = tmp_path / "rules"
    bad_rules.mkdir()
    (tmp_path / "a.md").write_text("---\ntitle: T\n---\n")
    for args, culprit in [
        (["check", str(tmp_path / "missing.md")], "missing.md"),
        (["check", str(tmp_path / "a.md"), "--rules", str(bad_rules)], "quotes.yaml"),
    ]:
        done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1
        assert culprit in done.stderr


def test_fix_removes_low_information_tables_in_place(write_article, capsys):
    table = "| Item | Value |\r\n|---|---|\r\n| N/A | N/A |\r\n"
    path = write_article(LONG + "\r\n" + table + "\r\nAfter the table.  \r\n" + DISCLOSURE, sources=SOURCE)
    before = path.read_bytes()
    assert check([path], fix=True) == 0
    report = json.loads(capsys.readouterr().out)
    (drop,) = report["articles"][0]["tables_dropped"]
    after = path.read_bytes()
    assert after == before.replace(table.encode(), b"")
    assert drop["line_end"] - drop["line_start"] == 2
    assert check([path], fix=True) == 0  # nothing left to fix
    assert path.read_bytes() == after
    assert json.loads(capsys.readouterr().out)["articles"][0]["tables_dropped"] == []


def test_without_fix_the_file_is_untouched(write_article, capsys):
    path = write_article("| a | b |\n|---|---|\n| - | - |\n", sources=SOURCE)
    before = path.read_bytes()
    check([path])
    assert path.read_bytes() == before
    assert json.loads(capsys.readouterr().out)["articles"][0]["tables_dropped"]


def test_many_files_go_through_the_pool_with_the_same_results(
    publishable, write_article, tmp_path, capsys, monkeypatch
):
    for n in range(command.POOL_MIN_FILES + 10):
        if n % 3:
            publishable(name=f"a{n:03}")
        else:
            write_article(f"“Revenue rose strongly {n},” it said.\n| a | b |\n|---|---|\n| - | - |\n",
                          sources=SOURCE, name=f"a{n:03}")  # fmt: skip
    used_pool = []
    monkeypatch.setattr(command, "ProcessPoolExecutor", _spy(command.ProcessPoolExecutor, used_pool))
    assert check([tmp_path]) == 1
    pooled = capsys.readouterr().out
    monkeypatch.setattr(command, "POOL_MIN_FILES", 10_000)
    assert check([tmp_path]) == 1
    assert capsys.readouterr().out == pooled
    assert used_pool == [True]


def _spy(cls, calls):
    def make(*args, **kwargs):
        calls.append(True)
        return cls(*args, **kwargs)

    return make


def test_text_output_is_plain_when_piped(write_article, capsys):
    path = write_article("“Revenue rose strongly in the quarter,” it said today.\n", sources=SOURCE)
    assert check([path], output_format="text") == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{path}:") and " error quotes.mismatch " in line for line in out)
    assert out[-1] == "1 article: 0 publish, 0 review, 1 block"
    assert "\x1b[" not in "".join(out)


def test_rules_lists_every_rule_with_its_severity(capsys):
    print_rules(None)
    out = capsys.readouterr().out
    for rule in RULES:
        line = next(line for line in out.splitlines() if f" {rule.id} " in line)
        assert rule.summary()[:40] in line
    assert "quotes.mismatch" in out and "error" in out


@pytest.mark.subprocess
def test_check_does_not_import_pandas_numpy_writing_or_the_source_parsers(publishable):
    article = publishable()
    code = (
        "import sys\n"
        "from generator.checks.command import run_check\n"
        f"run_check([{str(article)!r}], output_format='json')\n"
        "heavy = {'pandas', 'numpy', 'generator.writing', 'lxml', 'pypdf', 'pathspec'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# The flags linters have.

BAD = "“Revenue rose strongly in the quarter,” it said today.\n"


def newsdesk(*args, input=None, env=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        input=input,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_quiet_prints_findings_only_and_verbose_every_article(publishable, write_article, capsys):
    clean = publishable()
    blocked = write_article(BAD, sources=SOURCE, name="blocked")
    assert check([clean, blocked], output_format="text", quiet=True) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and all(
        line.startswith(f"{blocked}:12:1: ") for line in out
    )  # no verdict, no summary
    assert check([clean, blocked], output_format="text", verbose=True) == 1
    captured = capsys.readouterr()
    assert f"{clean}: publish (0 findings)" in captured.out.splitlines()
    assert "newsdesk check: no configuration file (defaults): rules " in captured.err


def test_output_file_takes_the_report_and_exit_zero_the_failure(write_article, tmp_path, capsys):
    blocked = write_article(BAD, sources=SOURCE, name="blocked")
    target = tmp_path / "reports" / "check.json"
    target.parent.mkdir()
    assert check([blocked], output_file=target, exit_zero=True) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["summary"]["block"] == 1


def test_statistics_count_findings_per_rule(publishable, write_article, capsys):
    for n in range(3):
        write_article(BAD + "It faces a lawsuit.\n", sources=SOURCE, name=f"b{n}")
    folder = publishable().parent
    assert check([folder], output_format="text", statistics=True) == 1
    lines = capsys.readouterr().out.splitlines()
    counts = {line.split()[1]: int(line.split()[0]) for line in lines[:-1]}
    assert counts == {"quotes.mismatch": 3, "risk.legal": 3, "risk.thin": 3, "style.disclosure": 3}
    assert lines[-1] == "4 articles: 1 publish, 0 review, 3 block"
    assert check([folder], statistics=True) == 1
    text = capsys.readouterr().out
    assert text.startswith('[\n  {\n    "rule": ') and text.endswith("\n]\n")  # indented by two
    rows = json.loads(text)
    assert rows[0] == {
        "rule": "quotes.mismatch",
        "severity": "error",
        "count": 3,
        "articles": 3,
        "summary": "A direct quote does not match the text of any source the article lists.",
    }
    with pytest.raises(
        NewsdeskError, match=r"^--statistics prints text or json; drop --format or choose one of those$"
    ):
        check([folder], output_format="sarif", statistics=True)


@pytest.mark.parametrize(
    ("flag", "env", "coloured"),
    [
        ("auto", {}, False),
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {"FORCE_COLOR": ""}, False),  # set but empty: as good as unset
        ("always", {"NO_COLOR": "1"}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
    ],
)
@pytest.mark.subprocess
def test_color_follows_the_flag_then_force_color_and_no_color(write_article, flag, env, coloured):
    blocked = write_article(BAD, sources=SOURCE, name="blocked")
    done = newsdesk("check", str(blocked), "--color", flag, env={"NO_COLOR": "", "FORCE_COLOR": "", **env})
    assert done.returncode == 1
    assert ("\x1b[" in done.stdout) is coloured
    plain = [line for line in done.stdout.splitlines() if "quotes.mismatch" in line]
    assert len(plain) == 1  # one line per finding, coloured or not


def test_on_a_narrow_terminal_each_finding_is_still_one_line(write_article):
    """Long lines are left to the terminal to wrap: no newline is ever inserted in a finding."""
    import pty

    blocked = write_article(BAD, sources=SOURCE, name="blocked")
    env = {**os.environ, "COLUMNS": "40", "NO_COLOR": "", "FORCE_COLOR": ""}
    output = bytearray()

    def read(fd):
        data = os.read(fd, 4096)
        output.extend(data)
        return data

    pid, fd = pty.fork()
    if pid == 0:  # the child: newsdesk on a terminal
        os.execvpe(sys.executable, [sys.executable, "-m", "generator", "check", str(blocked)], env)
    try:
        while True:
            try:
                if not read(fd):
                    break
            except OSError:
                break
    finally:
        os.waitpid(pid, 0)
    lines = [line for line in output.decode().replace("\r", "").split("\n") if "quotes.mismatch" in line]
    assert len(lines) == 1 and "\x1b[" in lines[0]  # coloured: the terminal was seen
    plain = re.sub(r"\x1b\[[0-9;]*m", "", lines[0])
    assert plain.endswith('(89% similar): "Revenue rose sharply in the quarter,"')  # all on that one line


@pytest.mark.subprocess
def test_stdin_with_a_stdin_filename(write_article, tmp_path):
    path = write_article(BAD, sources=SOURCE, name="on-disk")
    text = path.read_text(encoding="utf-8")
    done = newsdesk(
        "check", "-", "--stdin-filename", str(path), "--format", "json", input=text, cwd=tmp_path.parent
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["articles"][0]["path"] == str(path)
    assert [f["rule"] for f in report["articles"][0]["findings"]][:1] == ["quotes.mismatch"]  # sources found
    fixed = newsdesk(
        "check",
        "-",
        "--stdin-filename",
        str(path),
        "--fix",
        input=text.replace(BAD, "| a | b |\n|---|---|\n| - | - |\n"),
    )
    assert "| - | - |" not in fixed.stdout and fixed.stdout.startswith("---\n")  # the fixed article
    assert "1 article:" in fixed.stderr  # the report goes to stderr
    bare = newsdesk("check", "-", "--format", "json", input=text, cwd=path.parent)
    assert json.loads(bare.stdout)["articles"][0]["path"] == "-"
    mixed = newsdesk("check", "-", str(path), input=text)
    assert mixed.returncode == 2 and "cannot be combined" in mixed.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quiet", "--verbose"], "--quiet and --verbose cannot be used together"),
        (["--select", "quotes,nope"], "unknown rule or family 'nope'"),
        (["--color", "sometimes"], "Invalid value for '--color'"),
    ],
)
@pytest.mark.subprocess
def test_flag_mistakes_are_one_line_and_exit_2(publishable, args, message):
    done = newsdesk("check", str(publishable()), *args)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and message in done.stderr


@pytest.mark.subprocess
def test_comma_separated_and_repeated_selectors(write_article):
    path = write_article("A lawsuit.\n", sources=SOURCE)
    done = newsdesk(
        "check", str(path), "--format", "json", "--select", "risk.legal,style", "--select", "quotes"
    )
    rules = {f["rule"] for f in json.loads(done.stdout)["articles"][0]["findings"]}
    assert rules == {"risk.legal", "style.disclosure"}


def test_run_quiet_prints_one_line(sample_run, capsys):
    from generator.console import print_run_summary

    print_run_summary(sample_run, quiet=True)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    counts = {
        v: sum(a.verdict.value == v for a in sample_run.articles) for v in ("publish", "review", "block")
    }
    expected = ", ".join(f"{n} {v}" for v, n in counts.items())
    assert out.startswith(
        f"newsdesk run: {len(sample_run.articles)} articles (fictional sample data): {expected}; "
    )


@pytest.mark.subprocess
def test_the_command_line_passes_every_flag_through(write_article, tmp_path):
    """Each flag reaches run_check under its name (a typo in the CLI wiring would be ignored silently)."""
    write_article(BAD + "A lawsuit.\n", sources=SOURCE, name="keep")
    write_article(BAD, sources=SOURCE, name="skip")
    (tmp_path / "newsdesk.toml").write_text('[check]\nignore = ["quotes"]\n')
    target = tmp_path / "out" / "stats.json"
    target.parent.mkdir()
    done = newsdesk(
        "check", str(tmp_path), "--isolated", "--exclude", "skip.md", "--ignore", "style", "--extend-select",
        "style.disclosure", "--statistics", "--format", "json", "-o", str(target), "--exit-zero",
        "--fail-on", "review", "--force-exclude",
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    rows = {row["rule"]: row["count"] for row in json.loads(target.read_text())}
    assert rows == {"quotes.mismatch": 1, "risk.legal": 1, "risk.thin": 1, "style.disclosure": 1}
    config = newsdesk("check", str(tmp_path), "--config", str(tmp_path / "newsdesk.toml"), "--format", "json")
    rules = {f["rule"] for a in json.loads(config.stdout)["articles"] for f in a["findings"]}
    assert "quotes.mismatch" not in rules and config.returncode == 1


# ------------------------------------------------------------------ the same, in this process


@pytest.mark.parametrize(
    ("flag", "env", "coloured"),
    [
        ("auto", {}, False),  # capsys is not a terminal
        ("auto", {"FORCE_COLOR": "1"}, True),
        ("auto", {"FORCE_COLOR": "", "NO_COLOR": "1"}, False),
        ("auto", {"FORCE_COLOR": "1", "NO_COLOR": "1"}, True),  # FORCE_COLOR is asked first
        ("always", {"NO_COLOR": "1"}, True),
        ("never", {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_in_process_by_flag_and_environment(write_article, capsys, monkeypatch, flag, env, coloured):
    for name in ("FORCE_COLOR", "NO_COLOR"):
        monkeypatch.setenv(name, env.get(name, ""))
    blocked = write_article(BAD, sources=SOURCE, name="blocked")
    assert check([blocked], output_format="text", color=flag) == 1
    out = capsys.readouterr().out
    assert ("\x1b[" in out) is coloured
    lines = out.splitlines()
    finding = next(line for line in lines if "quotes.mismatch" in line)
    if coloured:  # errors red, the verdict bold red, the summary bold; one line each
        assert finding.startswith("\x1b[31m") and finding.endswith("\x1b[0m")
        assert any(line.startswith("\x1b[1;31m") and "block" in line for line in lines)
        assert lines[-1].startswith("\x1b[1m") and "1 block" in lines[-1]
    else:
        assert lines[-1] == "1 article: 0 publish, 0 review, 1 block"


def test_an_output_file_is_never_coloured(write_article, tmp_path, capsys):
    blocked = write_article(BAD, sources=SOURCE, name="blocked")
    report = tmp_path / "report.txt"
    assert check([blocked], output_format="text", color="always", output_file=report) == 1
    written = report.read_text(encoding="utf-8")
    assert "\x1b[" not in written and "quotes.mismatch" in written
    assert written.endswith("1 article: 0 publish, 0 review, 1 block\n")


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin_in_process(write_article, monkeypatch, capsys):
    path = write_article(BAD, sources=SOURCE, name="on-disk")
    text = path.read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", _Stdin(text.encode()))
    assert check(["-"], stdin_filename=str(path)) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["articles"][0]["path"] == str(path)
    assert [f["rule"] for f in report["articles"][0]["findings"]][:1] == ["quotes.mismatch"]  # sources found
    monkeypatch.setattr(sys, "stdin", _Stdin(text.encode()))
    assert check(["-"]) == 1
    assert json.loads(capsys.readouterr().out)["articles"][0]["path"] == "-"
    monkeypatch.setattr(sys, "stdin", _Stdin(text.replace(BAD, "| a | b |\n|---|---|\n| - | - |\n").encode()))
    assert check(["-"], stdin_filename=str(path), fix=True, output_format="text") == 1  # no disclosure
    captured = capsys.readouterr()
    assert captured.out.startswith("---\n") and "| - | - |" not in captured.out  # the fixed article
    assert "tables.low_information" in captured.err  # and the report on stderr


def test_stdin_mistakes_are_one_line(write_article, monkeypatch):
    path = write_article(BAD, sources=SOURCE, name="on-disk")
    monkeypatch.setattr(sys, "stdin", _Stdin(b"\xff\xfe not utf-8"))
    with pytest.raises(NewsdeskError, match=r"^drafts/x\.md: standard input is not UTF-8 text$"):
        check(["-"], stdin_filename="drafts/x.md")
    with pytest.raises(NewsdeskError, match=r"^'-' \(standard input\) cannot be combined with other paths$"):
        check(["-", str(path)])


def test_stdin_named_as_an_excluded_file_is_skipped_only_when_forced(tmp_path, monkeypatch, capsys):
    (tmp_path / "newsdesk.toml").write_text('[check]\nextend-exclude = ["drafts/"]\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", _Stdin(BAD.encode()))
    assert check(["-"], stdin_filename="drafts/x.md", force_exclude=True, verbose=True) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["articles"] == 0
    assert captured.err.splitlines()[-1] == "newsdesk check: 1 file(s) or folder(s) excluded by configuration"
    monkeypatch.setattr(sys, "stdin", _Stdin(BAD.encode()))
    check(["-"], stdin_filename="drafts/x.md", verbose=True)
    captured = capsys.readouterr()
    assert json.loads(captured.out)["summary"]["articles"] == 1
    assert "excluded" not in captured.err


def test_every_format_in_process(publishable, write_article, capsys, monkeypatch, tmp_path):
    from lxml import etree

    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    clean = publishable()
    blocked = write_article(BAD, sources=SOURCE, name="blocked")
    assert check([clean, blocked], output_format="junit") == 1
    root = etree.fromstring(capsys.readouterr().out.encode())
    assert (root.tag, root.get("tests"), root.get("failures")) == ("testsuites", "2", "1")
    assert check([clean, blocked], output_format="junit", fail_on="review") == 1
    assert etree.fromstring(capsys.readouterr().out.encode()).get("failures") == "1"
    assert check([clean, blocked], output_format="sarif") == 1
    sarif = json.loads(capsys.readouterr().out)
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "quotes.mismatch" in rules and sarif["version"] == "2.1.0"
    assert check([clean, blocked], output_format="github") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=blocked.md,line=12,") and lines[-1] == (
        "newsdesk check: 1 publish, 0 review, 1 block"
    )
    assert check([clean], output_format="json") == 0
    assert json.loads(capsys.readouterr().out)["summary"] == {
        "articles": 1,
        "publish": 1,
        "review": 0,
        "block": 0,
    }
    with pytest.raises(NewsdeskError, match="unknown --format 'yaml'"):
        check([clean], output_format="yaml")


def test_quiet_statistics_leave_out_the_summary(write_article, capsys):
    blocked = write_article(BAD, sources=SOURCE, name="blocked")
    assert check([blocked], output_format="text", statistics=True, quiet=True) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["quotes.mismatch", "risk.thin", "style.disclosure"]


def test_verbose_names_what_was_excluded(write_article, tmp_path, monkeypatch, capsys):
    (tmp_path / "newsdesk.toml").write_text('[check]\nextend-exclude = ["old/"]\n')
    write_article(BAD, sources=SOURCE, name="a")
    write_article(BAD, sources=SOURCE, name="b", folder=tmp_path / "old")
    monkeypatch.chdir(tmp_path)
    check([tmp_path], output_format="text", verbose=True)
    err = capsys.readouterr().err.splitlines()
    assert (
        err[0]
        == f"newsdesk check: {tmp_path / 'newsdesk.toml'}: rules {resource_dir('rules')}, fail-on block"
    )
    assert err[-1] == "newsdesk check: 1 file(s) or folder(s) excluded by configuration"


ANSI = re.compile(r"\x1b\[([0-9;]*)m")
# The colour of each kind of line, as rich writes the styles of _emit_lines in the standard palette.
LINE_COLOURS = {
    ("finding", "error"): "31", ("finding", "review"): "33", ("finding", "info"): "36",
    ("verdict", "block"): "1;31", ("verdict", "review"): "1;33", ("verdict", "publish"): "1;32",
    ("summary", "articles:"): "1",
}  # fmt: skip


def test_colour_marks_each_kind_of_line_and_changes_nothing_else(
    publishable, write_article, monkeypatch, capsys
):
    """Findings by severity, verdicts by verdict, the summary bold; with the escapes removed, the
    coloured report is the plain one, line for line (never wrapped, even when the terminal is narrow
    or says it cannot show colour)."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "40")
    paths = [
        publishable(name="clean"),
        write_article(LONG + "It faces a lawsuit.\n" + DISCLOSURE, sources=SOURCE, name="held"),
        write_article(LONG + "| a | b |\n|---|---|\n| - | - |\n" + DISCLOSURE, sources=SOURCE, name="table"),
        write_article(BAD, sources=SOURCE, name="blocked"),
    ]
    check(paths, output_format="text", verbose=True, color="never")
    plain = capsys.readouterr().out.splitlines()
    check(paths, output_format="text", verbose=True, color="always")
    coloured = capsys.readouterr().out.splitlines()
    assert [ANSI.sub("", line) for line in coloured] == plain
    colours = {}
    for line in coloured:
        (code,) = {m.group(1) for m in ANSI.finditer(line)} - {"0"}
        assert line.startswith(f"\x1b[{code}m") and line.endswith("\x1b[0m")
        words = ANSI.sub("", line).split()
        kind = "summary" if line is coloured[-1] else "finding" if words[0].count(":") == 3 else "verdict"
        colours.setdefault((kind, words[1]), set()).add(code)
    assert colours == {kind: {code} for kind, code in LINE_COLOURS.items()}


def test_with_fix_on_stdin_the_coloured_report_goes_to_stderr(write_article, monkeypatch, capsys):
    path = write_article(BAD, sources=SOURCE, name="on-disk")
    text = path.read_text(encoding="utf-8").replace(BAD, "| a | b |\n|---|---|\n| - | - |\n")
    monkeypatch.setattr(sys, "stdin", _Stdin(text.encode()))
    assert check(["-"], stdin_filename=str(path), fix=True, output_format="text", color="always") == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("---\n") and "\x1b[" not in captured.out
    assert "\x1b[36m" in captured.err and "tables.low_information" in captured.err


def excluded_count(capsys) -> str:
    return capsys.readouterr().err.splitlines()[-1]


def test_force_exclude_counts_every_excluded_file_and_folder_a_glob_names(
    publishable, tmp_path, monkeypatch, capsys
):
    """In glob order: a.md (excluded file), b-old/ (excluded folder), c.md (excluded), d.md, and e/,
    whose old/ subfolder is excluded while walking it: four exclusions, two articles."""
    (tmp_path / "newsdesk.toml").write_text('[check]\nextend-exclude = ["a.md", "b-old/", "c.md", "old/"]\n')
    arts = tmp_path / "arts"
    for name, folder in [("a", arts), ("z", arts / "b-old"), ("c", arts), ("d", arts), ("x", arts / "e"),
                         ("y", arts / "e" / "old")]:  # fmt: skip
        (folder).mkdir(parents=True, exist_ok=True)
        publishable(name=name, folder=folder)
    monkeypatch.chdir(tmp_path)
    check([str(arts / "*")], force_exclude=True, verbose=True)
    captured = capsys.readouterr()
    assert captured.err.splitlines()[-1] == "newsdesk check: 4 file(s) or folder(s) excluded by configuration"
    paths = [a["path"] for a in json.loads(captured.out)["articles"]]
    assert paths == [str(arts / "d.md"), str(arts / "e" / "x.md")]
    check([str(arts / "*")], verbose=True)  # without force-exclude, what the glob names is checked
    captured = capsys.readouterr()  # ... but walking b-old/ skips its z.md and sources/, and e/ its old/
    assert captured.err.splitlines()[-1] == "newsdesk check: 3 file(s) or folder(s) excluded by configuration"
    assert len(json.loads(captured.out)["articles"]) == 4  # a, c, d and e/x


def test_globs_are_recursive_and_a_glob_of_empty_folders_finds_no_article(publishable, tmp_path, capsys):
    publishable(name="top", folder=tmp_path / "arts")
    (tmp_path / "arts" / "empty").mkdir()
    assert check([str(tmp_path / "arts" / "**" / "top.md")]) == 0  # ** matches no folder too
    assert json.loads(capsys.readouterr().out)["summary"]["articles"] == 1
    with pytest.raises(NewsdeskError, match=r"^no article \(\*\.md\) found in the given paths$"):
        check([str(tmp_path / "arts" / "emp*")])


def test_a_walk_outside_the_project_matches_excludes_from_the_folder_it_started_in(
    publishable, tmp_path, monkeypatch, capsys
):
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")  # no configuration: the project root is here
    outside = tmp_path / "elsewhere"
    for name, folder in [("kept", outside), ("x", outside / "drafts"), ("y", outside / "drafts" / "old"),
                         ("z", outside / "drafts" / "old")]:  # fmt: skip
        folder.mkdir(parents=True, exist_ok=True)
        publishable(name=name, folder=folder)
    check([outside], exclude=["drafts/x.md", "drafts/old/"], verbose=True)
    captured = capsys.readouterr()
    assert [a["path"] for a in json.loads(captured.out)["articles"]] == [str(outside / "kept.md")]
    # drafts/x.md and the folder drafts/old/, which is not walked (its two articles are not counted)
    assert captured.err.splitlines()[-1] == "newsdesk check: 2 file(s) or folder(s) excluded by configuration"


def test_an_output_folder_is_walked_through_its_site_and_desk_links(publishable, tmp_path, capsys):
    out = tmp_path / "out"
    current = out / ".newsdesk" / "current"
    publishable(name="published", folder=current / "site")
    publishable(name="held", folder=current / "desk")
    publishable(name="note", folder=out / "notes")  # walked after the links are found
    (out / "site").symlink_to(Path(".newsdesk") / "current" / "site")
    (out / "desk").symlink_to(Path(".newsdesk") / "current" / "desk")
    (out / "elsewhere").symlink_to(current / "site")  # an absolute link is not an output link
    assert check([out]) == 0
    paths = [a["path"] for a in json.loads(capsys.readouterr().out)["articles"]]
    assert paths == [
        str(out / "desk" / "held.md"),
        str(out / "notes" / "note.md"),
        str(out / "site" / "published.md"),
    ]


class _InProcessPool:
    """Stands in for ProcessPoolExecutor: records how the pool was asked for, maps in-process."""

    made: ClassVar[list[dict]] = []

    def __init__(self, **kwargs) -> None:
        self.made.append(kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def map(self, function, *iterables):
        return map(function, *iterables)


@pytest.mark.parametrize(("cpus", "files", "workers"), [(8, 5, 3), (8, 4, None), (None, 5, None), (2, 5, 2)])
def test_the_pool_takes_a_worker_per_chunk_up_to_the_cpus(
    publishable, write_article, tmp_path, monkeypatch, capsys, cpus, files, workers
):
    """With POOL_MIN_FILES 5 and CHUNK_FILES 2: five files are three chunks, so three workers on
    eight cores, two on two; four files, or an unknown number of cores, are checked in-process."""
    from multiprocessing import get_context

    from generator.checks.project import CommandLine

    monkeypatch.setattr(command, "POOL_MIN_FILES", 5)
    monkeypatch.setattr(command, "CHUNK_FILES", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(command, "ProcessPoolExecutor", _InProcessPool)
    monkeypatch.setattr(_InProcessPool, "made", [])
    publishable(name="a0")
    write_article(LONG + "It faces a lawsuit.\n" + DISCLOSURE, sources=SOURCE, name="a1")
    for n in range(2, files):
        write_article(BAD, sources=SOURCE, name=f"a{n}")
    assert check([tmp_path]) == 1
    assert json.loads(capsys.readouterr().out)["summary"] == {
        "articles": files, "publish": 1, "review": 1, "block": files - 2
    }  # fmt: skip
    if workers is None:
        assert _InProcessPool.made == []
        return
    (made,) = _InProcessPool.made
    assert made["max_workers"] == workers and type(made["max_workers"]) is int
    assert made["mp_context"] is get_context("fork")
    assert made["initializer"] is command._init_worker
    command_line, configs = made["initargs"]
    assert isinstance(command_line, CommandLine) and command_line.fail_on == "block"
    assert configs == [None]  # one project, without a configuration file


def test_a_worker_builds_its_projects_unless_it_inherited_them(tmp_path, monkeypatch):
    from generator.checks.project import CommandLine

    config = tmp_path / "newsdesk.toml"
    config.write_text("[check]\nfail-on = 'review'\n")
    monkeypatch.setattr(command, "_projects", [])
    command._init_worker(CommandLine(fail_on="publish"), [None, config])
    assert [p.config_file for p in command._projects] == [None, config]
    assert [p.fail_on for p in command._projects] == ["publish", "publish"]  # the command line wins
    inherited = [object()]
    monkeypatch.setattr(command, "_projects", inherited)
    command._init_worker(CommandLine(), [None])
    assert command._projects is inherited


def test_fix_keeps_the_files_permissions(write_article, capsys):
    path = write_article(LONG + "| a | b |\n|---|---|\n| - | - |\n" + DISCLOSURE, sources=SOURCE)
    path.chmod(0o640)
    check([path], fix=True)
    assert "| - | - |" not in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o7777 == 0o640
    capsys.readouterr()


def test_quiet_keeps_notes_and_coloured_statistics_end_with_a_bold_summary(write_article, capsys):
    table = write_article(LONG + "| a | b |\n|---|---|\n| - | - |\n" + DISCLOSURE, sources=SOURCE, name="t")
    check([table], output_format="text", quiet=True)
    (line,) = capsys.readouterr().out.splitlines()
    assert " info tables.low_information " in line
    check([table], output_format="text", statistics=True, color="always")
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "\x1b[1m1 article: 1 publish, 0 review, 0 block\x1b[0m"
    assert "\x1b[" not in "".join(lines[:-1])  # the rows themselves are plain


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_color_turns_colour_off_on_a_terminal(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert command.use_color("auto", _Terminal())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not command.use_color("auto", _Terminal())


def test_rules_table_is_titled_on_the_left_with_its_three_columns(capsys):
    print_rules(None)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"Rules ({resource_dir('rules')})")
    assert re.split(r"\W+", lines[2].strip(" ┃│"))[:3] == ["rule", "severity", "checks"]


def test_a_selector_mistake_on_the_command_line_names_the_flag(publishable):
    with pytest.raises(NewsdeskError, match=r"^command line select: unknown rule or family 'nope' "):
        check([publishable()], select=["nope"])


def test_a_folder_named_on_the_command_line_is_excluded_by_its_own_configuration(
    publishable, tmp_path, monkeypatch, capsys
):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")  # no configuration here
    arts = tmp_path / "arts"
    (arts / "old").mkdir(parents=True)
    (arts / "newsdesk.toml").write_text('[check]\nextend-exclude = ["old/"]\n')
    publishable(name="a", folder=arts)
    publishable(name="b", folder=arts / "old")
    check([arts / "old", arts / "a.md"], force_exclude=True, verbose=True)
    captured = capsys.readouterr()
    assert [a["path"] for a in json.loads(captured.out)["articles"]] == [str(arts / "a.md")]
    assert captured.err.splitlines()[-1] == "newsdesk check: 1 file(s) or folder(s) excluded by configuration"


def test_stdin_reads_sources_from_the_project_root_of_its_file_name(tmp_path, monkeypatch, capsys):
    """A stdin article named articles/x.md in a project may quote ../sources/, inside the project
    root (the configuration's folder), though outside the article's own folder."""
    (tmp_path / "newsdesk.toml").write_text("[check]\n")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "release.txt").write_text(SOURCE["release"], encoding="utf-8")
    (tmp_path / "articles").mkdir()
    monkeypatch.chdir(tmp_path)
    text = (
        '---\ntitle: "Helix results"\nslug: helix\ndate: 2026-11-20\nkind: alpha_brief\n'
        'sources:\n  - id: release\n    title: "Release"\n    path: "../sources/release.txt"\n---\n'
        "“Revenue rose sharply in the quarter,” the company said.\n"
    )
    monkeypatch.setattr(sys, "stdin", _Stdin(text.encode()))
    check(["-"], stdin_filename="articles/x.md")
    rules = [f["rule"] for f in json.loads(capsys.readouterr().out)["articles"][0]["findings"]]
    assert not [rule for rule in rules if rule.startswith(("sources.", "quotes."))], rules
