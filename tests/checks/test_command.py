"""`newsdesk check` and `newsdesk rules`: paths, exit codes, --fix, the process pool, import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from generator.checks import command
from generator.checks.command import print_rules, run_check
from generator.checks.registry import RULES
from generator.errors import NewsdeskError

DISCLOSURE = "\nAI-drafted from named sources and checked against Newsdesk publishing rules before release.\n"
LONG = " ".join(["Shares moved higher on the news as investors weighed the quarter."] * 12) + "\n"
SOURCE = {"release": "Revenue rose sharply in the quarter, the company said.\n"}


@pytest.fixture
def publishable(write_article):
    return lambda name="clean", **kw: write_article(LONG + DISCLOSURE, sources=SOURCE, name=name, **kw)


def check(paths, *, output_format="json", fail_on="block", fix=False, rules_dir=None):
    return run_check(paths, output_format=output_format, fail_on=fail_on, fix=fix, rules_dir=rules_dir)


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


def test_check_does_not_import_pandas_numpy_or_writing(publishable):
    article = publishable()
    code = (
        "import sys\n"
        "from generator.checks.command import run_check\n"
        f"run_check([{str(article)!r}], output_format='json', fail_on='block', fix=False, rules_dir=None)\n"
        "heavy = {'pandas', 'numpy', 'generator.writing'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
