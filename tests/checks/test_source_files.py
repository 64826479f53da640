"""Where `newsdesk check` reads listed sources from, and what it reads out of .md, .html and .pdf files.

Relative paths resolve against the article's folder whatever the working folder; reads stay inside
the project root (the configuration's folder, else the git repository, else the article's folder)
plus any configured `sources-root`; symlinks are resolved before that test; pipes are never opened;
a refusal names the setting that would allow the file and never quotes its text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.checks.command import run_check

SOURCE = "Helix reports results\n\nRevenue rose sharply in the quarter, the company said.\n"
QUOTE = "“Revenue rose sharply in the quarter,” the company said.\n"
SECRET = "The vault code is 7431 and the password is swordfish.\n"


def article(path: Path, listed: str, body: str = QUOTE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '---\ntitle: "Helix results"\nslug: helix\ndate: 2026-11-20\nkind: alpha_brief\n'
        f'sources:\n  - id: release\n    title: "Release"\n    path: "{listed}"\n---\n{body}',
        encoding="utf-8",
    )
    return path


def findings(path: Path | str, capsys, **options) -> list[dict]:
    """The quotes.* and sources.* findings `newsdesk check` reports for one article."""
    run_check([path], output_format="json", **options)
    report = json.loads(capsys.readouterr().out)
    return [
        f
        for a in report["articles"]
        for f in a["findings"]
        if f["rule"].split(".")[0] in ("quotes", "sources")
    ]


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository with articles/ and sources/ side by side."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "sources" / "y.txt").write_text(SOURCE, encoding="utf-8")
    article(root / "articles" / "a.md", "../sources/y.txt")
    return root


@pytest.mark.parametrize("cwd", ["repo", "repo/articles", "elsewhere"])
def test_a_relative_path_resolves_against_the_article_from_any_working_folder(
    repo, tmp_path, monkeypatch, capsys, cwd
):
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / cwd)
    assert findings(repo / "articles" / "a.md", capsys) == []


def test_without_configuration_or_repository_the_article_folder_is_the_root(tmp_path, capsys):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "y.txt").write_text(SOURCE, encoding="utf-8")
    path = article(tmp_path / "articles" / "a.md", "../sources/y.txt")
    missing = [f for f in findings(path, capsys) if f["rule"] == "sources.missing"]
    assert len(missing) == 1
    message = missing[0]["message"]
    assert f"outside the project root {(tmp_path / 'articles').resolve()}" in message
    assert "sources-root" in message and "newsdesk.toml" in message


def test_the_configuration_folder_is_the_project_root(tmp_path, capsys):
    (tmp_path / "newsdesk.toml").write_text("[check]\n")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "y.txt").write_text(SOURCE, encoding="utf-8")
    path = article(tmp_path / "desk" / "articles" / "a.md", "../../sources/y.txt")
    assert findings(path, capsys) == []


def test_a_sources_root_allows_a_folder_outside_the_project(repo, tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "z.txt").write_text(SOURCE, encoding="utf-8")
    path = article(repo / "articles" / "b.md", "../../shared/z.txt")
    refused = findings(path, capsys)
    assert [f["rule"] for f in refused] == ["sources.missing", "quotes.no_source"]
    assert "sources-root" in refused[0]["message"]
    (repo / "newsdesk.toml").write_text('[check]\nsources-root = ["../shared"]\n')
    assert findings(path, capsys) == []
    assert findings(path, capsys, isolated=True)[0]["rule"] == "sources.missing"


def test_a_symlink_that_escapes_the_roots_is_refused_and_its_text_never_echoed(repo, tmp_path, capsys):
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (repo / "newsdesk.toml").write_text("[check]\n")
    (repo / "sources" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    path = article(
        repo / "articles" / "c.md",
        "../sources/leak.txt",
        "“The vault code is 1234 and the password,” it said.\n",
    )
    found = findings(path, capsys)
    assert [f["rule"] for f in found] == ["sources.missing", "quotes.no_source"]
    message = found[0]["message"]
    assert f"resolves to {(tmp_path / 'secret.txt').resolve()}, outside the project root" in message
    assert f"`sources-root` in the [check] table of {repo / 'newsdesk.toml'}" in message
    everything = json.dumps(found)
    assert "7431" not in everything and "swordfish" not in everything


def test_a_symlink_within_the_roots_is_followed(repo, capsys):
    (repo / "sources" / "alias.txt").symlink_to(repo / "sources" / "y.txt")
    assert findings(article(repo / "articles" / "d.md", "../sources/alias.txt"), capsys) == []


def test_absolute_paths_and_folders_are_refused(repo, capsys):
    absolute = findings(article(repo / "articles" / "e.md", str(repo / "sources" / "y.txt")), capsys)
    assert absolute[0]["message"].endswith(
        ": absolute paths are not read; list the source relative to the article"
    )
    folder = findings(article(repo / "articles" / "f.md", "../sources"), capsys)
    assert folder[0]["message"].endswith(": a folder, so it is not read")


@pytest.mark.subprocess
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_is_refused_without_hanging(repo):
    os.mkfifo(repo / "sources" / "pipe.txt")
    path = article(repo / "articles" / "g.md", "../sources/pipe.txt")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,  # opening the pipe for reading would block forever
    )
    report = json.loads(done.stdout)
    [missing] = [f for f in report["articles"][0]["findings"] if f["rule"] == "sources.missing"]
    assert "not a regular file" in missing["message"]


# Sources beyond plain text: the words come out of markdown, HTML and PDF as a reader sees them.


def test_a_markdown_source_is_read_without_its_markup(repo, capsys):
    (repo / "sources" / "r.md").write_text(
        "# Helix reports results\n\n**Revenue** rose *sharply* in the [quarter](https://x.invalid), "
        "the company said.\n",
        encoding="utf-8",
    )
    assert findings(article(repo / "articles" / "h.md", "../sources/r.md"), capsys) == []


HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Helix reports results</title>
<style>p { color: red } .x::after { content: "Revenue fell in the quarter" }</style>
<script>var quote = "Margins collapsed in the quarter, the company said";</script></head>
<body><nav><a href="/">Home</a></nav>
<p>Revenue rose <b>sharply</b> in the quarter, the company said.</p><p>The chief executive
said: &ldquo;We don&rsquo;t expect the shortage to last.&rdquo;</p></body></html>
"""


def test_an_html_source_is_read_with_a_parser_scripts_and_styles_dropped(repo, capsys):
    (repo / "sources" / "r.html").write_text(HTML, encoding="utf-8")
    body = QUOTE + "\n“We don’t expect the shortage to last,” she said.\n"
    assert findings(article(repo / "articles" / "i.md", "../sources/r.html", body), capsys) == []
    scripted = "“Margins collapsed in the quarter, the company said,” it read.\n"
    [mismatch] = findings(article(repo / "articles" / "j.md", "../sources/r.html", scripted), capsys)
    assert mismatch["rule"] == "quotes.mismatch"


def test_an_html_source_without_a_charset_is_read_as_utf8(repo, capsys):
    (repo / "sources" / "plain.html").write_bytes(
        "<p>The chief executive said: “We don’t expect the shortage to last.”</p>".encode()
    )
    body = "“We don’t expect the shortage to last,” she said.\n"
    assert findings(article(repo / "articles" / "k.md", "../sources/plain.html", body), capsys) == []


def _pdf(text: str) -> bytes:
    """A real PDF with `text` on its first page, written by fpdf2 (so no binary is committed)."""
    fpdf = pytest.importorskip("fpdf")
    document = fpdf.FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.multi_cell(0, 8, text)
    return bytes(document.output())


def test_a_pdf_source_is_read_page_by_page(repo, capsys):
    (repo / "sources" / "filing.pdf").write_bytes(
        _pdf(
            "Helix Microdevices annual report\n\nRevenue rose sharply in the quarter, driven by data-centre "
            "customers. The company said it will use its cash to reduce leverage over the next two years."
        )
    )
    body = "“The company said it will use its cash to reduce leverage over the next two years,” it said.\n"
    assert findings(article(repo / "articles" / "l.md", "../sources/filing.pdf", body), capsys) == []
    altered = "“The company said it will use its cash to reduce debt over the next two years,” it said.\n"
    [mismatch] = findings(article(repo / "articles" / "m.md", "../sources/filing.pdf", altered), capsys)
    assert mismatch["rule"] == "quotes.mismatch" and "reduce leverage" in mismatch["message"]


def test_a_file_that_is_not_a_pdf_says_so(repo, capsys):
    (repo / "sources" / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    [missing, _] = findings(article(repo / "articles" / "n.md", "../sources/broken.pdf"), capsys)
    assert missing["rule"] == "sources.missing" and "PDF" in missing["message"]


# ------------------------------------------------------------------ the text read out of each format


def test_html_text_by_hand():
    from generator.checks.source_formats import source_text

    page = (
        "<html><head><title>T</title><style>p {}</style></head><body>"
        "<p>One<br>two</p><div>three<script>alert(1)</script></div><span>four</span>"
        "<noscript>no</noscript><template>t</template><UL><LI>five</LI></UL></body></html>"
    )
    text = source_text(Path("a.html"), page.encode())
    assert " ".join(text.split()) == "T One two three four five"
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines == [
        "T",
        "One",
        "two",
        "three",
        "four",
        "five",
    ]  # blocks on their own lines; a span is not a block
    assert "alert" not in text and "no" not in lines and "t" not in lines


def test_html_charsets_and_xml_declarations():
    from generator.checks.source_formats import UnreadableSource, source_text

    latin = '<html><head><meta charset="iso-8859-1"></head><body><p>caf\xe9</p></body></html>'.encode(
        "latin-1"
    )
    assert "café" in source_text(Path("a.htm"), latin)
    utf8 = "<html><body><p>café – naïve</p></body></html>".encode()
    assert "café – naïve" in source_text(Path("a.html"), utf8)  # no charset: UTF-8, not Latin-1
    xhtml = '  <?xml version="1.0" encoding="utf-8"?>\n<html><body><p>Déjà vu</p></body></html>'
    assert "Déjà vu" in source_text(Path("a.xhtml"), xhtml.encode())
    declared = b'<?xml version="1.0"?><html><head><meta charset="utf-8"></head><body><p>ok</p></body></html>'
    assert "ok" in source_text(Path("a.html"), declared)
    with pytest.raises(UnreadableSource, match=r"^not UTF-8 text$"):
        source_text(Path("a.html"), b"<p>caf\xe9</p>")
    with pytest.raises(UnreadableSource, match="no text in this HTML"):
        source_text(Path("a.html"), b"   ")


def test_markdown_and_plain_text_sources():
    from generator.checks.source_formats import source_text

    markdown = "# Results\n\nRevenue *rose* `sharply`.\n\n- one\n"
    # the words of each block, emphasis dropped; code is no one's words, so it is not quotable
    assert source_text(Path("a.md"), markdown.encode()) == "Results\n\nRevenue rose  .\n\none"
    assert source_text(Path("a.txt"), "\ufeffplain *text*".encode()) == "plain *text*"  # BOM dropped


def _pdf_pages(*pages: str, user: str | None = None, owner: str | None = None) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    document = fpdf.FPDF()
    for text in pages:
        document.add_page()
        document.set_font("Helvetica", size=12)
        if text:
            document.multi_cell(0, 8, text)
    if owner is not None:
        document.set_encryption(owner_password=owner, user_password=user or "")
    return bytes(document.output())


def test_pdf_pages_are_read_in_order_and_locked_ones_refused():
    from generator.checks.source_formats import UnreadableSource, source_text

    text = source_text(Path("a.pdf"), _pdf_pages("First page.", "", "Third page."))
    assert [line for line in text.splitlines() if line.strip()] == ["First page.", "Third page."]
    assert text.index("First page.") < text.index("Third page.")
    assert text.count("\n") >= 2  # a line break between pages, an empty page included
    opened = source_text(Path("b.PDF"), _pdf_pages("Owner-locked only.", owner="o"))
    assert "Owner-locked only." in opened  # no user password: readable
    with pytest.raises(UnreadableSource, match=r"^an encrypted PDF$"):
        source_text(Path("c.pdf"), _pdf_pages("Secret.", owner="o", user="u"))
    with pytest.raises(
        UnreadableSource, match=r"^a PDF without extractable text \(a scan needs OCR first\)$"
    ):
        source_text(Path("d.pdf"), _pdf_pages("", ""))


def test_the_source_cache_reads_through_a_reader_or_the_disk(tmp_path):
    from generator.checks.sources import SourceCache
    from generator.models import SourceRef

    cache = SourceCache()
    ref = SourceRef(id="r", title="R", path="sources/r.txt")
    article = str(tmp_path / "a.md")
    unreadable = cache.load(ref, article_path=article, read_source=lambda _: None)
    assert (unreadable.ref, unreadable.index, unreadable.problem) == (ref, None, "unreadable")
    given = cache.load(ref, article_path=article, read_source=lambda r: f"Text of {r.id}.")
    assert given.ref is ref and given.problem is None and given.index.text == "Text of r."
    url_only = SourceRef(id="w", title="W", url="https://example.invalid/w")
    assert cache.load(url_only, article_path=article, read_source=None).index is None
    assert cache.load(url_only, article_path=article, read_source=None).problem is None
    missing = cache.load(ref, article_path=article, read_source=None)
    assert missing.ref is ref and missing.index is None and missing.problem == "file not found"
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "r.txt").write_text("On disk.", encoding="utf-8")
    other = SourceCache().load(ref, article_path=article, read_source=None)
    assert other.ref is ref and other.index.text == "On disk." and other.problem is None
    (tmp_path / "sources" / "bad.txt").write_bytes(b"\xff\xfe")
    bad = SourceCache().load(
        SourceRef(id="b", title="B", path="sources/bad.txt"), article_path=article, read_source=None
    )
    assert bad.index is None and "UTF-8" in bad.problem


def test_a_malformed_pdf_is_reported_once_not_logged(caplog, monkeypatch):
    """pypdf logs its own warnings about a broken file; the checker's one line is the report."""
    import logging

    monkeypatch.setattr(logging.getLogger("pypdf"), "level", logging.NOTSET)  # as in a fresh process
    monkeypatch.setattr(logging.getLogger(), "level", logging.WARNING)

    from generator.checks.source_formats import UnreadableSource, source_text

    broken = _pdf_pages("Text.")[:-60]  # cut off before its cross-reference table ends
    with caplog.at_level(logging.WARNING), pytest.raises(UnreadableSource):
        source_text(Path("x.pdf"), broken + b"garbage")
    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
    assert logging.getLogger().level == logging.WARNING  # only pypdf's logger is quietened


def test_a_markdown_source_is_read_in_a_fresh_process(monkeypatch):
    from generator.checks import source_formats

    monkeypatch.setattr(source_formats, "_parser", None)  # no parser made yet
    assert (
        source_formats.source_text(Path("a.md"), b"# Results\n\nRevenue rose.\n")
        == "Results\n\nRevenue rose."
    )


def test_xml_declarations_comments_and_instructions_in_html_sources():
    from generator.checks.source_formats import source_text

    page = (
        '\n<?xml version="1.0" encoding="utf-8"?>\n<html><body><!-- a comment -->'
        "<p>Revenue rose.</p><?page-break?><p>Margins held.</p></body></html>"
    )
    text = source_text(Path("a.xhtml"), page.encode())
    assert [line for line in text.splitlines() if line.strip()] == ["Revenue rose.", "Margins held."]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_source_refusals_by_hand(tmp_path):
    from generator.checks.source_files import SourceRefused, SourceRoots, locate, read_regular_file

    roots = SourceRoots.of(tmp_path)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(SourceRefused, match=r"^a symlink loop$"):
        locate("loop", tmp_path, roots)
    with pytest.raises(
        SourceRefused, match=r"^not a regular file \(a pipe, socket or device\), so it is not read$"
    ):
        locate("pipe.txt", tmp_path, roots)
    with pytest.raises(
        SourceRefused, match=r"^not a regular file \(a pipe, socket or device\), so it is not read$"
    ):
        read_regular_file(tmp_path / "pipe.txt")  # swapped in after locate looked
    outside = tmp_path.parent / "elsewhere.txt"
    assert roots.refusal(outside) == (
        f"it resolves to {outside}, outside the project root {roots.folders[0]}; to allow it, add its folder "
        "to `sources-root` in a [check] table in newsdesk.toml (or [tool.newsdesk.check] in pyproject.toml)"
    )
