"""Bad inputs, as a careless or hostile user gives them: one line naming the culprit and exit 2.

Every case runs the real CLI in a subprocess with a timeout (a hang fails the test instead of
stalling it) and asserts: exit 2, exactly one line on stderr naming the culprit, no traceback,
nothing written to the output folder and no user file touched. `newsdesk check` cases expect a
finding instead (exit 1), as stated. Then what must not be refused: valid text that looks like a
sentinel or template syntax, markdown nested too deep (blocked and shown flat, not a crash), and
1 MB worst cases for the regular expressions that read source and article text.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from output_tree import readable

TIMEOUT = 60  # seconds; every case finishes in a few, a hang is a failure


@dataclass
class Bad:
    """One bad input: `setup(tmp, snapshot)` prepares files and returns the CLI arguments."""

    id: str
    setup: Callable[[Path, Path], list[str]]
    culprit: str | Callable[[Path], str]  # in the one line on stderr (a path is made from tmp)
    exit_code: int = 2
    stdout: str | None = None  # for check cases: expected in the report instead of stderr
    absent: tuple[str, ...] = ()  # strings that must appear nowhere in the output (echoed secrets)
    kept: tuple[str, ...] = field(default=())  # files (relative to tmp) that must survive unchanged


def newsdesk(*args: str, cwd: Path, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


# ------------------------------------------------------------------------------------------ helpers


def run_args(tmp: Path, snapshot: Path, *extra: str) -> list[str]:
    return ["run", "--snapshot", str(snapshot), "--out", str(tmp / "out"), "--quiet", "--jobs", "1", *extra]


def edit_prices(snapshot: Path, edit: Callable[[list[str]], list[str]]) -> None:
    path = snapshot / "prices.csv.gz"
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    path.write_bytes(gzip.compress(("\n".join(edit(lines)) + "\n").encode()))


def set_cell(lines: list[str], row: int, column: str, value: str) -> list[str]:
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    return lines


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    lines = path.read_text().splitlines()
    path.write_text("\n".join(set_cell(lines, row, column, value)) + "\n")


def edit_manifest(snapshot: Path, **changes) -> None:
    path = snapshot / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(changes)
    path.write_text(json.dumps(manifest))


def add_news(snapshot: Path, **item) -> None:
    line = {"ticker": "HLXM", "published": "2026-11-19T14:00:00Z", "title": "A headline", **item}
    with (snapshot / "news.jsonl").open("a") as stream:
        stream.write(json.dumps(line) + "\n")


def last_price_date(snapshot: Path) -> str:
    lines = gzip.decompress((snapshot / "prices.csv.gz").read_bytes()).decode().splitlines()
    return max(line.split(",")[0] for line in lines[1:])


def article(path: Path, listed: str, body: str = "“Revenue rose,” the company said.\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '---\ntitle: "Helix results"\nslug: helix\ndate: 2026-11-20\nkind: alpha_brief\n'
        f"sources:\n  - id: release\n    title: Release\n    path: {json.dumps(listed)}\n---\n{body}",
        encoding="utf-8",
    )
    return path


SECRET = "The launch code for the vault is 7431"
# "Billion laughs": nine levels of nine aliases, 387 million cohort groups once expanded, in 1 KB.
ALIAS_BOMB = (
    "l0: &l0 {"
    + ", ".join(f"g{i}: [HLXM]" for i in range(9))
    + "}\n"
    + "".join(
        f"l{level}: &l{level} {{" + ", ".join(f"g{i}: *l{level - 1}" for i in range(9)) + "}\n"
        for level in range(1, 10)
    )
)


def _symlinked_source(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "secret.txt").write_text(SECRET + ".\n")
    (tmp / "project" / "sources").mkdir(parents=True)
    (tmp / "project" / ".git").mkdir()
    (tmp / "project" / "sources" / "release.txt").symlink_to(tmp / "secret.txt")
    article(tmp / "project" / "a.md", "sources/release.txt", f"“{SECRET} and more,” the company said.\n")
    return ["check", str(tmp / "project" / "a.md")]


def _symlinked_sources_folder(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "elsewhere").mkdir()
    (tmp / "elsewhere" / "release.txt").write_text(SECRET + ".\n")
    (tmp / "project" / ".git").mkdir(parents=True)
    (tmp / "project" / "sources").symlink_to(tmp / "elsewhere")
    article(tmp / "project" / "a.md", "sources/release.txt", f"“{SECRET} and more,” the company said.\n")
    return ["check", str(tmp / "project" / "a.md")]


def _nul_in_source_path(tmp: Path, snapshot: Path) -> list[str]:
    article(tmp / "a.md", "sources/re\u0000lease.txt")
    return ["check", str(tmp / "a.md")]


def _fifo_source_check(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "sources").mkdir()
    os.mkfifo(tmp / "sources" / "release.txt")
    article(tmp / "a.md", "sources/release.txt")
    return ["check", str(tmp / "a.md")]


def _fifo_source_run(tmp: Path, snapshot: Path) -> list[str]:
    os.mkfifo(snapshot / "sources" / "pipe.txt")
    return run_args(tmp, snapshot)


def _user_folder(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "docs").mkdir()
    (tmp / "docs" / "thesis.txt").write_text("years of work\n")
    return ["sample", "--tickers", "10", "--out", str(tmp / "docs")]


def _user_file(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "thesis.txt").write_text("years of work\n")
    return ["sample", "--tickers", "10", "--out", str(tmp / "thesis.txt")]


def _snapshot_with_user_file(tmp: Path, snapshot: Path) -> list[str]:
    shutil.copytree(snapshot, tmp / "docs")
    (tmp / "docs" / "thesis.txt").write_text("years of work\n")
    return ["sample", "--tickers", "10", "--out", str(tmp / "docs")]


def _inf_close(tmp: Path, snapshot: Path) -> list[str]:
    edit_prices(snapshot, lambda lines: set_cell(lines, 5, "close", "inf"))
    return run_args(tmp, snapshot)


def _inf_open(tmp: Path, snapshot: Path) -> list[str]:
    edit_prices(snapshot, lambda lines: set_cell(lines, 7, "open", "-inf"))
    return run_args(tmp, snapshot)


def _negative_open(tmp: Path, snapshot: Path) -> list[str]:
    edit_prices(snapshot, lambda lines: set_cell(lines, 7, "open", "-3.5"))
    return run_args(tmp, snapshot)


def _nan_text_close(tmp: Path, snapshot: Path) -> list[str]:
    edit_prices(snapshot, lambda lines: set_cell(lines, 9, "close", "NaN"))
    return run_args(tmp, snapshot)


def _inf_market_cap(tmp: Path, snapshot: Path) -> list[str]:
    edit_csv(snapshot / "fundamentals.csv", 2, "market_cap", "inf")
    return run_args(tmp, snapshot)


def _inf_benchmark(tmp: Path, snapshot: Path) -> list[str]:
    edit_csv(snapshot / "benchmark.csv", 4, "close", "Infinity")
    return run_args(tmp, snapshot)


def _inf_split(tmp: Path, snapshot: Path) -> list[str]:
    edit_csv(snapshot / "actions.csv", 1, "split_ratio", "inf")
    return run_args(tmp, snapshot)


def _as_of_after_prices(tmp: Path, snapshot: Path) -> list[str]:
    edit_manifest(snapshot, as_of="2027-03-01")
    return run_args(tmp, snapshot)


def _news_title_list(tmp: Path, snapshot: Path) -> list[str]:
    add_news(snapshot, title=["a", "list"])
    return run_args(tmp, snapshot)


def _news_after_as_of(tmp: Path, snapshot: Path) -> list[str]:
    add_news(snapshot, published="2027-01-04T14:00:00Z", title="Helix wins a contract nobody saw coming")
    return run_args(tmp, snapshot)


def _source_after_as_of(tmp: Path, snapshot: Path) -> list[str]:
    path = snapshot / "sources" / "hlxm-q3-results.txt"
    path.write_text(re.sub(r"(?m)^published: .*$", "published: 2027-01-04", path.read_text()))
    return run_args(tmp, snapshot)


def _benchmark_without_overlap(tmp: Path, snapshot: Path) -> list[str]:
    path = snapshot / "benchmark.csv"
    rows = path.read_text().splitlines()
    days = pd.bdate_range("2015-01-02", periods=len(rows) - 1).strftime("%Y-%m-%d")
    moved = [f"{day},{row.split(',', 1)[1]}" for day, row in zip(days, rows[1:], strict=True)]
    path.write_text("\n".join([rows[0], *moved]) + "\n")
    return run_args(tmp, snapshot)


def _benchmark_stops_early(tmp: Path, snapshot: Path) -> list[str]:
    path = snapshot / "benchmark.csv"
    rows = path.read_text().splitlines()
    path.write_text("\n".join(rows[:-15]) + "\n")
    return run_args(tmp, snapshot)


def _cohort_alias_bomb(tmp: Path, snapshot: Path) -> list[str]:
    (snapshot / "cohorts.yaml").write_text(ALIAS_BOMB)
    return run_args(tmp, snapshot)


def _unknown_cohort_ticker(tmp: Path, snapshot: Path) -> list[str]:
    with (snapshot / "cohorts.yaml").open("a") as stream:
        stream.write("Ghosts:\n- HLXM\n- NOSUCH\n")
    return run_args(tmp, snapshot)


def _wide_fundamentals(tmp: Path, snapshot: Path) -> list[str]:
    path = snapshot / "fundamentals.csv"
    rows = path.read_text().splitlines()
    extra = 10_000
    rows[0] += "".join(f",extra{i}" for i in range(extra))
    rows[1:] = [row + ",1.5" * extra for row in rows[1:]]
    rows[3] = rows[3][: -len("1.5")] + "x"
    path.write_text("\n".join(rows) + "\n")
    return run_args(tmp, snapshot)


def _config_invalid_utf8(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "newsdesk.yaml").write_bytes(b"publication: Caf\xe9 Times\n")
    return ["run", "--snapshot", str(snapshot), "--out", str(tmp / "out"), "--quiet"]


def _config_alias_bomb(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "newsdesk.yaml").write_text(ALIAS_BOMB)
    return ["run", "--snapshot", str(snapshot), "--out", str(tmp / "out"), "--quiet"]


def _rules_invalid_utf8(tmp: Path, snapshot: Path) -> list[str]:
    rules = shutil.copytree(Path(__file__).parent.parent / "rules", tmp / "rules")
    (rules / "style.yaml").write_bytes((rules / "style.yaml").read_bytes() + b"# caf\xe9\n")
    return ["check", "--rules", str(rules), str(article(tmp / "a.md", "x.txt"))]


def _rules_alias_bomb(tmp: Path, snapshot: Path) -> list[str]:
    rules = shutil.copytree(Path(__file__).parent.parent / "rules", tmp / "rules")
    (rules / "style.yaml").write_text(ALIAS_BOMB)
    return ["rules", "--rules", str(rules)]


def _front_matter_alias_bomb(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "a.md").write_text(
        "---\ntitle: x\nslug: x\ndate: 2026-11-20\nkind: alpha_brief\n" + ALIAS_BOMB + "---\nBody.\n"
    )
    return ["check", str(tmp / "a.md")]


def _article_invalid_utf8(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "a.md").write_bytes(b'---\ntitle: "Caf\xe9"\n---\nBody.\n')
    return ["check", str(tmp / "a.md")]


def _nested_list_company(tmp: Path, snapshot: Path) -> list[str]:
    edit_csv(snapshot / "fundamentals.csv", 1, "name", "- " * 2000 + "Helix")
    return run_args(tmp, snapshot)


def _nested_list_editorial(tmp: Path, snapshot: Path) -> list[str]:
    editorial = shutil.copytree(Path(__file__).parent.parent / "editorial", tmp / "editorial")
    (tmp / "newsdesk.toml").write_text('editorial_dir = "editorial"\n')
    text = (editorial / "themes.yaml").read_text()
    deep = json.dumps("- " * 2000 + "a bullet an editor pasted")
    (editorial / "themes.yaml").write_text(
        text.replace("what_to_watch:\n", f"what_to_watch:\n      - {deep}\n", 1)
    )
    return ["run", "--snapshot", str(snapshot), "--out", str(tmp / "out"), "--quiet", "--jobs", "1"]


def _nested_list_article(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "a.md").write_text(
        "---\ntitle: x\nslug: x\ndate: 2026-11-20\nkind: alpha_brief\n---\n" + "- " * 5000 + "deep\n"
    )
    return ["check", str(tmp / "a.md")]


def _config_fifo(tmp: Path, snapshot: Path) -> list[str]:
    os.mkfifo(tmp / "newsdesk.toml")
    return [
        "run",
        "--config",
        str(tmp / "newsdesk.toml"),
        "--snapshot",
        str(snapshot),
        "--out",
        str(tmp / "out"),
    ]


def _article_fifo(tmp: Path, snapshot: Path) -> list[str]:
    os.mkfifo(tmp / "pipe.md")
    return ["check", str(tmp / "pipe.md")]


def _sidecar_fifo(tmp: Path, snapshot: Path) -> list[str]:
    article(tmp / "a.md", "x.txt")
    os.mkfifo(tmp / "a.json")
    return ["check", str(tmp / "a.md")]


def _source_invalid_utf8(tmp: Path, snapshot: Path) -> list[str]:
    path = snapshot / "sources" / "hlxm-q3-results.txt"
    path.write_bytes(path.read_bytes() + b"\nCaf\xe9 society.\n")
    return run_args(tmp, snapshot)


def _news_title_line_break(tmp: Path, snapshot: Path) -> list[str]:
    add_news(snapshot, title="Helix wins\n# A heading of its own")
    return run_args(tmp, snapshot)


def _short_history(tmp: Path, snapshot: Path) -> list[str]:
    keep = sorted({line.split(",", 1)[0] for line in prices(snapshot)[1:]})[-30:]
    edit_prices(snapshot, lambda lines: [lines[0], *(line for line in lines[1:] if line[:10] in keep)])
    return run_args(tmp, snapshot)


def _validate_short_history(tmp: Path, snapshot: Path) -> list[str]:
    _short_history(tmp, snapshot)
    return ["score", "--snapshot", str(snapshot), "--validate"]


def _validate_small_universe(tmp: Path, snapshot: Path) -> list[str]:
    return ["score", "--snapshot", str(snapshot), "--validate"]


def _one_day_history(tmp: Path, snapshot: Path) -> list[str]:
    last = last_price_date(snapshot)
    edit_prices(snapshot, lambda lines: [lines[0], *(line for line in lines[1:] if line.startswith(last))])
    return ["score", "--snapshot", str(snapshot), "--validate"]


def import_args(tmp: Path, prices_text: str | None = None, *, benchmark: str | None = None) -> list[str]:
    if prices_text is not None:
        (tmp / "prices.csv").write_text(prices_text)
    (tmp / "fundamentals.csv").write_text("ticker,name,sector\nAAA,Alpha Corp,Industrials\n")
    args = ["import", "--prices", str(tmp / "prices.csv"), "--fundamentals", str(tmp / "fundamentals.csv")]
    if benchmark is not None:
        (tmp / "spx.csv").write_text(benchmark)
        args += ["--benchmark", str(tmp / "spx.csv")]
    return [*args, "--out", str(tmp / "imported")]


IMPORT_PRICES = "date,ticker,close\n2024-01-02,AAA,10\n2024-01-03,AAA,10.5\n2024-01-04,AAA,11\n"


def _import_inf_close(tmp: Path, snapshot: Path) -> list[str]:
    return import_args(tmp, IMPORT_PRICES.replace("10.5", "inf"))


def _import_benchmark_gap(tmp: Path, snapshot: Path) -> list[str]:
    return import_args(tmp, IMPORT_PRICES, benchmark="date,close\n2024-01-02,4742.8\n")


def _import_fifo(tmp: Path, snapshot: Path) -> list[str]:
    os.mkfifo(tmp / "prices.csv")
    return import_args(tmp)


def _site_linked_elsewhere(tmp: Path, snapshot: Path) -> list[str]:
    (tmp / "webroot").mkdir()
    (tmp / "webroot" / "index.html").write_text("the server's own page")
    (tmp / "out").mkdir()
    (tmp / "out" / "site").symlink_to(tmp / "webroot")
    return run_args(tmp, snapshot)


def prices(snapshot: Path) -> list[str]:
    return gzip.decompress((snapshot / "prices.csv.gz").read_bytes()).decode().splitlines()


# ---------------------------------------------------------------------------------------- the table

VAULT = ("launch code for the vault is 7431.",)  # the secret must never be quoted back
BAD_INPUTS = [
    # reads outside the roots, special files, a NUL byte
    Bad("check-symlinked-source", _symlinked_source, "", 1, stdout="outside the project root", absent=VAULT),
    Bad(
        "check-symlinked-sources-folder",
        _symlinked_sources_folder,
        "",
        1,
        stdout="sources.missing",
        absent=VAULT,
    ),
    Bad("check-nul-in-source-path", _nul_in_source_path, "", 1, stdout="sources.missing"),
    Bad("check-fifo-source", _fifo_source_check, "", 1, stdout="not a regular file"),
    Bad("check-fifo-article", _article_fifo, "pipe.md: not a regular file (a named pipe"),
    Bad("check-fifo-sidecar", _sidecar_fifo, "", 1, stdout="structure.sidecar sidecar: a.json: cannot read"),
    Bad("run-fifo-source", _fifo_source_run, "sources/pipe.txt: not a regular file (a named pipe"),
    Bad("run-fifo-config", _config_fifo, "newsdesk.toml: not a regular file (a named pipe"),
    Bad("import-fifo-prices", _import_fifo, "prices.csv: not a regular file (a named pipe"),
    # user files never replaced
    Bad(
        "sample-over-user-folder",
        _user_folder,
        "docs: exists and is not a snapshot folder",
        kept=("docs/thesis.txt",),
    ),
    Bad(
        "sample-over-user-file",
        _user_file,
        "thesis.txt: exists and is not a snapshot folder",
        kept=("thesis.txt",),
    ),
    Bad(
        "sample-over-snapshot-with-user-file",
        _snapshot_with_user_file,
        "holds 'thesis.txt'",
        kept=("docs/thesis.txt",),
    ),
    # non-finite and impossible numbers
    Bad("prices-inf-close", _inf_close, "line 6, column 'close': 'inf' is not a finite number"),
    Bad("prices-inf-open", _inf_open, "line 8, column 'open': '-inf' is not a finite number"),
    Bad("prices-negative-open", _negative_open, "line 8, column 'open': '-3.5' is not a positive price"),
    Bad("prices-nan-close", _nan_text_close, "line 10, column 'close': 'NaN' is not a number"),
    Bad(
        "fundamentals-inf-market-cap", _inf_market_cap, "fundamentals.csv, line 3, column 'market_cap': 'inf'"
    ),
    Bad("benchmark-inf-close", _inf_benchmark, "benchmark.csv, line 5, column 'close': 'inf' is not a"),
    Bad("actions-inf-split", _inf_split, "actions.csv, line 2, column 'split_ratio': 'inf'"),
    Bad("import-inf-close", _import_inf_close, "prices.csv, line 3, column 'close': 'inf' is not a finite"),
    # text of the wrong kind
    Bad("news-title-is-a-list", _news_title_list, "column 'title': expected text, got a JSON array"),
    Bad("news-title-line-break", _news_title_line_break, "column 'title': holds a line break"),
    Bad("source-invalid-utf8", _source_invalid_utf8, "hlxm-q3-results.txt, line"),
    Bad("config-invalid-utf8", _config_invalid_utf8, "newsdesk.yaml, line 1: not UTF-8 text (byte 0xe9)"),
    Bad("rules-invalid-utf8", _rules_invalid_utf8, "style.yaml, line"),
    Bad("check-article-invalid-utf8", _article_invalid_utf8, "a.md, line 2: not UTF-8 text (byte 0xe9)"),
    Bad("company-name-too-long", _nested_list_company, "column 'name': is 4,005 characters long"),
    # dates and coverage
    Bad("manifest-as-of-after-prices", _as_of_after_prices, "manifest.json: as_of 2027-03-01 is"),
    Bad("news-after-as-of", _news_after_as_of, "2027-01-04T14:00:00Z is after the snapshot's as_of date"),
    Bad("source-after-as-of", _source_after_as_of, "published 2027-01-04 is after the snapshot's as_of"),
    Bad("benchmark-does-not-overlap", _benchmark_without_overlap, "benchmark.csv: no MRDX close from"),
    Bad("benchmark-stops-early", _benchmark_stops_early, "(15 of the"),
    Bad("import-benchmark-gap", _import_benchmark_gap, "spx.csv: no SPX close from 2024-01-03 to 2024-01-04"),
    Bad("cohorts-unknown-ticker", _unknown_cohort_ticker, "key 'Ghosts': NOSUCH is in neither"),
    Bad("run-short-history", _short_history, "too short for the 3M, 6M, YTD and 1Y windows"),
    Bad("score-validate-one-day", _one_day_history, "prices.csv.gz: holds prices for one day only"),
    Bad("score-validate-short-history", _validate_short_history, "leave no date to validate"),
    Bad("score-validate-small-universe", _validate_small_universe, "a universe of at least 20"),
    # budgets: aliases, width
    Bad("cohorts-alias-bomb", _cohort_alias_bomb, "cohorts.yaml: more than 250,000 values once aliases"),
    Bad("config-alias-bomb", _config_alias_bomb, "newsdesk.yaml: more than 250,000 values"),
    Bad("rules-alias-bomb", _rules_alias_bomb, "style.yaml: more than 250,000 values"),
    Bad(
        "check-front-matter-alias-bomb",
        _front_matter_alias_bomb,
        "",
        1,
        stdout="front matter: more than 250,000",
    ),
    Bad("fundamentals-10000-columns", _wide_fundamentals, "line 4, column 'extra9999': 'x' is not a number"),
    Bad(
        "check-deeply-nested-list",
        _nested_list_article,
        "",
        1,
        stdout="structure.nesting lists or block quotes",
    ),
]


@pytest.fixture(scope="module")
def small_snapshot(tmp_path_factory) -> Path:
    """A 12-stock fictional universe over 18 months: every file a snapshot may have, quick to run."""
    from generator.market.sample.generate import write_sample

    return write_sample(tmp_path_factory.mktemp("small") / "snapshot", n_tickers=12, years=1.5)


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[case.id for case in BAD_INPUTS])
def test_bad_input_is_one_line_and_exit_2(case: Bad, tmp_path, small_snapshot):
    snapshot = shutil.copytree(small_snapshot, tmp_path / "snapshot")
    args = case.setup(tmp_path, snapshot)
    kept = {name: (tmp_path / name).read_bytes() for name in case.kept}
    done = newsdesk(*args, cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == case.exit_code, done.stderr + done.stdout[-2000:]
    if case.stdout is None:
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("newsdesk: error: "), done.stderr
        assert case.culprit in done.stderr
    else:
        assert case.stdout in done.stdout, done.stdout
    for secret in case.absent:
        assert secret not in done.stdout + done.stderr
    for name, content in kept.items():
        assert (tmp_path / name).read_bytes() == content, name
    assert not [p for p in readable(tmp_path / "out") if p.is_file() and "webroot" not in p.resolve().parts]
    assert not (tmp_path / "imported").exists()


def test_the_text_report_prints_one_finding_per_line(tmp_path):
    """A mismatch quoting a passage that spans source lines, a path with spaces: one line each."""
    (tmp_path / ".git").mkdir()  # the project root, so the sources folder beside the articles is in it
    (tmp_path / "my sources").mkdir()
    (tmp_path / "my sources" / "release.txt").write_text(
        "Release\n\nRevenue rose\nsharply in the\nquarter.\n"
    )
    article(
        tmp_path / "my articles" / "a b.md",
        "../my sources/release.txt",
        "“Revenue fell sharply in the quarter,” it said.\n",
    )
    done = newsdesk("check", str(tmp_path / "my articles" / "a b.md"), cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    findings = [line for line in lines if ": error " in line or ": review " in line or ": info " in line]
    assert any("quotes.mismatch" in line and "Revenue rose sharply" in line for line in findings)
    path = str(tmp_path / "my articles" / "a b.md")
    assert all(line.startswith(path) for line in lines[:-1]) and lines[-1].startswith("1 article:")


def test_check_reads_an_output_folder_through_its_links(tmp_path, small_snapshot):
    """`newsdesk check output/` names articles as readers reach them (output/site/...), once each."""
    assert newsdesk(*run_args(tmp_path, small_snapshot), cwd=tmp_path).returncode == 0
    done = newsdesk("check", "out", "--format", "json", cwd=tmp_path)
    paths = [article["path"] for article in json.loads(done.stdout)["articles"]]
    written = sorted(str(p.relative_to(tmp_path)) for p in readable(tmp_path / "out") if p.suffix == ".md")
    assert sorted(paths) == written and len(paths) == 15


# ------------------------------------------------------------------------------ what is not refused


def test_text_that_looks_like_a_sentinel_or_template_syntax_is_published_as_written(tmp_path, small_snapshot):
    """Text is data: a headline beginning "None", a company name holding "{{" or "Infinity"."""
    snapshot = shutil.copytree(small_snapshot, tmp_path / "snapshot")
    names = (snapshot / "fundamentals.csv").read_text()
    assert names.count("Helix Microdevices") == 1
    (snapshot / "fundamentals.csv").write_text(
        names.replace("Helix Microdevices", "Helix {{ Micro }} Infinity")
    )
    headline = "None of the analysts expected Helix to raise its outlook"
    add_news(snapshot, title=headline, published="2026-11-19T15:00:00Z", publisher="Wire", summary="x")
    done = newsdesk(*run_args(tmp_path, snapshot), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    brief = next((out / "site" / "2026-11-20").glob("helix-*.md")).read_text()
    assert "Helix {{ Micro }} Infinity" in brief
    assert headline in brief


def test_markdown_nested_too_deep_is_blocked_and_shown_flat(tmp_path, small_snapshot):
    """An editor's bullet of 2,000 nested list markers: the run goes on, the checker blocks the
    story it cannot read to the end, and its page shows the text flat instead of crashing."""
    snapshot = shutil.copytree(small_snapshot, tmp_path / "snapshot")
    args = _nested_list_editorial(tmp_path, snapshot)
    done = newsdesk(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    index = json.loads((out / "desk" / "index.json").read_text())["articles"]
    thematic = next(e for e in index if e["kind"] == "thematic")
    assert thematic["verdict"] == "block" and thematic["place"] == "desk"
    sidecar = json.loads((out / thematic["path"]).with_suffix(".json").read_text())
    assert "structure.nesting" in {f["rule"] for f in sidecar["findings"]}
    page = (out / thematic["path"]).with_suffix(".html").read_text()
    assert "- - - - a bullet an editor pasted" in page and page.count("<ul>") < 5


# ------------------------------------------------------------------ 1 MB worst cases for the regexes

MB = 1_000_000
WORST_CASES = {  # each defeats one kind of backtracking: no sentence end, no space, endless marks
    "no-full-stops": "said the chief executive of the company " * (MB // 40),
    "one-token": "-alpha" * (MB // 6),
    "blanks": "a" + " \t" * (MB // 2) + "b",
    "open-marks": "“a " * (MB // 3),
    "straight-marks": '"a ' * (MB // 3),
    "names": "Mara Quell, chief executive of Helix, " * (MB // 38),
    "closers": "!" + ")" * MB,
    "spaced-dots": ". " * (MB // 2),
}
QUOTES = (
    "“Alpha [the] omega is here,” said Mara Quell.\n\n"
    "“Said the chief . . . of the banana,” the company said.\n\n"
    "“Growth [will] continue across every market we serve,” Quell said.\n"
)


def test_regular_expressions_over_text_stay_linear_on_1_mb_worst_cases(tmp_path):
    """`check` an article quoting (with insertions and ellipses) 1 MB sources built to make
    backtracking patterns quadratic, and articles whose 1 MB bodies are the same: it answers."""
    (tmp_path / "sources").mkdir()
    refs = ""
    for name, text in WORST_CASES.items():
        (tmp_path / "sources" / f"{name}.txt").write_text(f"{name} transcript\n\n{text}\n")
        refs += f"  - id: {name}\n    title: {name}\n    path: sources/{name}.txt\n"
    front = "---\ntitle: Helix\nslug: helix\ndate: 2026-11-20\nkind: alpha_brief\n"
    (tmp_path / "quotes.md").write_text(f"{front}sources:\n{refs}---\n{QUOTES}")
    for name, text in WORST_CASES.items():
        (tmp_path / f"body-{name}.md").write_text(f"{front}---\n{text}\n")
    done = newsdesk("check", str(tmp_path), "--format", "json", cwd=tmp_path, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["articles"] == 1 + len(WORST_CASES)
    quotes = next(a for a in report["articles"] if a["path"].endswith("quotes.md"))
    assert [f["line"] for f in quotes["findings"] if f["rule"] == "quotes.mismatch"] == [32, 34, 36]


def test_a_run_with_1_mb_sources_answers(tmp_path, small_snapshot):
    """The issue's 1.2 MB transcript without full stops, and the other worst cases, as sources a
    run indexes and its stories may quote."""
    snapshot = shutil.copytree(small_snapshot, tmp_path / "snapshot")
    for name, text in WORST_CASES.items():
        (snapshot / "sources" / f"{name}.txt").write_text(f"{name} transcript\ntickers: HLXM\n\n“{text}\n")
    done = newsdesk(*run_args(tmp_path, snapshot), cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
