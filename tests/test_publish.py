"""The output contract: feeds, atomic and reproducible writes, the lock, safe paths, sanitised HTML.

Read-only checks share the session's `sample_run`; anything that writes works on its own copy.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import publish, schemas
from generator.config import load_settings
from generator.errors import PublishError
from generator.models import SLUG_PATTERN, Sidecar, Verdict
from generator.pipeline import build
from generator.publish import (
    ATOM_FEED,
    INDEX_FILE,
    JSON_FEED,
    LOCK_FILE,
    ArticleOutput,
    RunWriter,
    output_lock,
    read_index,
    render_html,
    update_index,
    write_feeds,
)
from generator.resources import sample_snapshot_dir
from generator.review import approve, write_review_page
from generator.slugs import slugify
from generator.writing.stories import ArticlePlan, _unique_slugs

AS_OF = dt.date(2026, 11, 20)
DAY = AS_OF.isoformat()
ATOM = "{http://www.w3.org/2005/Atom}"
SLUG = re.compile(SLUG_PATTERN)
PAYLOAD = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


def run(out: Path, snapshot: Path | None = None):
    return build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True))


def copy_output(sample_run, tmp_path: Path) -> Path:
    """A private copy of the shared sample output, for tests that write."""
    out = tmp_path / "out"
    shutil.copytree(sample_run.out_dir, out)
    return out


def files(out: Path) -> dict[str, bytes]:
    """Every file under `out` but the run records (they hold timestamps by design)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).parts[0] != "runs"
    }


def feed(out: Path) -> dict:
    return json.loads((out / JSON_FEED).read_text("utf-8"))


def atom_entries(out: Path) -> list[ET.Element]:
    root = ET.parse(out / ATOM_FEED).getroot()
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def schema(name: str) -> jsonschema.Draft202012Validator:
    path = Path(schemas.DEFAULT_DIR) / name
    return jsonschema.Draft202012Validator(
        json.loads(path.read_text("utf-8")), format_checker=jsonschema.FormatChecker()
    )


# ---------------------------------------------------------------------------------------------- feeds


def test_json_feed_is_a_valid_json_feed_1_1(sample_run):
    data = feed(sample_run.out_dir)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] and data["items"]
    for item in data["items"]:
        assert item["id"] and isinstance(item["id"], str)
        assert item.get("content_html") or item.get("content_text")
        dt.datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))  # RFC 3339
    assert len({item["id"] for item in data["items"]}) == len(data["items"])


def test_atom_parses_and_lists_the_same_items_in_the_same_order(sample_run):
    entries = atom_entries(sample_run.out_dir)
    items = feed(sample_run.out_dir)["items"]
    assert [e.findtext(f"{ATOM}id") for e in entries] == [item["id"] for item in items]
    for entry, item in zip(entries, items, strict=True):
        assert entry.findtext(f"{ATOM}title") == item["title"]
        assert entry.findtext(f"{ATOM}updated") == item["date_published"]
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and content.text == item["content_html"]


def test_feeds_hold_published_articles_only(sample_run):
    out = sample_run.out_dir
    published = {a.slug for a in sample_run.articles if a.verdict is Verdict.PUBLISH}
    held = {a.slug for a in sample_run.articles if a.verdict is not Verdict.PUBLISH}
    assert held, "the sample holds some stories for an editor"
    in_feed = {item["id"].rsplit("/", 1)[1].removesuffix(".html") for item in feed(out)["items"]}
    assert in_feed == published
    feed_text, atom_text = (out / JSON_FEED).read_text(), (out / ATOM_FEED).read_text()
    for slug in held:
        assert slug not in feed_text and slug not in atom_text


def test_feeds_list_several_dates_newest_first(sample_run, tmp_path):
    out = copy_output(sample_run, tmp_path)
    older = dt.date(2026, 11, 19)
    article = ArticleOutput(
        slug="older-story-2026-11-19",
        kind="alpha_brief",
        title="An older story",
        verdict=Verdict.PUBLISH,
        markdown="---\ntitle: older\n---\nBody.\n",
        html=render_html("Body.", "An older story"),
        sidecar=Sidecar(
            slug="older-story-2026-11-19", title="An older story", date=older, kind="alpha_brief"
        ),
        summary="Body.",
    )
    with output_lock(out):
        writer = RunWriter(out, older)
        entry = writer.write(article)
        writer.commit({})
        entries = update_index(out, writer.date, [entry])
        write_feeds(out, entries, title="T", site_url="https://x.invalid", max_items=500)
    dates = [item["date_published"] for item in feed(out)["items"]]
    assert dates == sorted(dates, reverse=True) and dates[-1].startswith("2026-11-19")
    assert [e.date for e in read_index(out)][-1] == "2026-11-19"  # the newer run's entries were kept
    assert (out / DAY).is_dir()  # a run replaces its own date only


def test_outputs_match_their_published_json_schemas(sample_run):
    out = sample_run.out_dir
    schema("feed.schema.json").validate(feed(out))
    schema("index.schema.json").validate(json.loads((out / INDEX_FILE).read_text()))
    sidecar = schema("sidecar.schema.json")
    for path in sorted((out / DAY).glob("*.json"))[:10]:
        sidecar.validate(json.loads(path.read_text()))


def test_committed_json_schemas_are_current():
    for name, text in schemas.render_all().items():
        path = Path(schemas.DEFAULT_DIR) / name
        assert path.is_file() and path.read_text("utf-8") == text, (
            f"{path} is stale: run `python -m generator.schemas`"
        )
        jsonschema.Draft202012Validator.check_schema(json.loads(text))


# ------------------------------------------------------------------------------- reproducible, atomic


def test_reruns_are_byte_identical_in_one_folder_and_across_folders(tmp_path):
    first = run(tmp_path / "a")
    files_a = files(tmp_path / "a")
    run(tmp_path / "a")
    run(tmp_path / "b")
    assert files(tmp_path / "a") == files_a
    assert files(tmp_path / "b") == files_a
    assert len([name for name in files_a if name.endswith(".md")]) == len(first.articles)
    assert (tmp_path / "a" / "runs" / f"{DAY}.json").is_file()  # run metadata lives apart


def test_files_are_readable_as_the_umask_allows(sample_run):
    mask = os.umask(0o022)
    os.umask(mask)
    out = sample_run.out_dir
    for path in (out / JSON_FEED, out / ATOM_FEED, out / INDEX_FILE, out / DAY / "sources"):
        expected = (0o777 if path.is_dir() else 0o666) & ~mask
        assert path.stat().st_mode & 0o777 == expected, path
    assert (out / DAY).stat().st_mode & 0o777 == 0o777 & ~mask


def test_a_crash_between_article_writes_leaves_the_previous_output_untouched(
    sample_run, tmp_path, monkeypatch
):
    out = copy_output(sample_run, tmp_path)
    before = files(out)
    real_write_new = publish._write_new
    staged: list[Path] = []

    def write_then_fail(path: Path, *args, **kwargs):
        staged.append(path)
        if len(staged) == 4:  # after the first article's .md, .html and .json
            raise OSError(28, "No space left on device (injected)")
        return real_write_new(path, *args, **kwargs)

    monkeypatch.setattr(publish, "_write_new", write_then_fail)
    with pytest.raises(OSError, match="injected"):
        run(out)
    monkeypatch.undo()
    assert all(".staging." in p.parent.name for p in staged)
    assert [p.suffix for p in staged] == [".md", ".html", ".json", ".md"]
    assert files(out) == before  # articles, index and both feeds byte for byte
    assert not [p.name for p in out.iterdir() if ".staging." in p.name or p.name.endswith(".retired")]
    with output_lock(out):  # released
        pass


def test_a_killed_run_is_cleaned_up_and_its_approvals_survive(sample_run, tmp_path):
    out = copy_output(sample_run, tmp_path)
    held = next(a.slug for a in sample_run.articles if a.verdict is Verdict.REVIEW)
    approve(load_settings(out=out), held, by="editor")
    # A run killed after retiring the old folder and before renaming the new one in:
    (out / DAY).rename(out / f".{DAY}.retired")
    staging = out / f".{DAY}.staging.k1ll3d"
    staging.mkdir()
    (staging / "half.md").write_text("half an art")
    (out / f".{JSON_FEED}.k1ll3d").write_text("half a fe")
    run(out)
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [LOCK_FILE]
    sidecar = Sidecar.model_validate_json((out / DAY / f"{held}.json").read_text())
    assert sidecar.approval is not None and sidecar.approval.by == "editor"
    assert any(item["id"].endswith(f"/{held}.html") for item in feed(out)["items"])


def test_a_run_for_another_date_restores_a_killed_runs_retired_folder(sample_run, tmp_path):
    """A killed run for one date must not cost that date its articles when another date runs next."""
    out = copy_output(sample_run, tmp_path)
    articles_before = {p.name: p.read_bytes() for p in (out / DAY).iterdir() if p.is_file()}
    (out / DAY).rename(out / f".{DAY}.retired")  # killed between its two renames
    other = dt.date(2026, 11, 19)
    sidecar = Sidecar(slug="other-day", title="Other day", date=other, kind="k")
    with output_lock(out):
        writer = RunWriter(out, other)
        writer.write(ArticleOutput("other-day", "k", "Other day", Verdict.PUBLISH, "x\n", "<main>x</main>",
                                   sidecar, "x"))  # fmt: skip
        writer.commit({})
    assert {p.name: p.read_bytes() for p in (out / DAY).iterdir() if p.is_file()} == articles_before
    assert not (out / f".{DAY}.retired").exists()


def test_a_released_article_without_its_page_stops_the_feeds(sample_run, tmp_path):
    out = copy_output(sample_run, tmp_path)
    published = next(a for a in sample_run.articles if a.verdict is Verdict.PUBLISH)
    (out / DAY / f"{published.slug}.html").unlink()
    with pytest.raises(PublishError, match=rf"{published.slug}\.html: released article's page is unreadable"):
        write_feeds(out, read_index(out), title="T", site_url="https://x.invalid", max_items=500)


def test_a_second_run_on_the_same_folder_exits_2_naming_the_lock(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        result = subprocess.run(
            [sys.executable, "-m", "generator", "run", "--out", str(out), "--jobs", "1", "--quiet"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "another newsdesk run" in lines[0] and LOCK_FILE in lines[0]
    assert [p.name for p in out.iterdir()] == [LOCK_FILE]  # nothing written, nothing interleaved


# ---------------------------------------------------------------------------------------------- paths

ODD_TEXT = st.lists(
    st.one_of(
        st.characters(),
        st.sampled_from(["../", "/", "\\", "\x00", "\u202e", "\u200f", "🚀", "É", "ß", ".", "-", " "]),
    ),
    max_size=60,
).map("".join)


@given(ODD_TEXT, st.integers(min_value=1, max_value=120))
def test_slugify_yields_bounded_safe_slugs(text, max_length):
    slug = slugify(text, max_length)
    assert SLUG.fullmatch(slug) and len(slug) <= max_length


@settings(max_examples=60)
@given(st.lists(st.tuples(ODD_TEXT, ODD_TEXT), min_size=1, max_size=12))
def test_planned_slugs_are_unique_safe_and_bounded(names_and_tickers):
    plans = [
        ArticlePlan("alpha_brief", f"{slugify(name, 57)}-alpha-score-{DAY}", ticker, (ticker,))
        for name, ticker in names_and_tickers
    ]
    plans += [ArticlePlan("thematic", f"{slugify(name)}-{DAY}", name, ()) for name, _ in names_and_tickers]
    slugs = [plan.slug for plan in _unique_slugs(plans)]
    assert len(set(slugs)) == len(slugs)
    assert all(SLUG.fullmatch(slug) and len(slug) <= 120 for slug in slugs)


def test_the_writer_refuses_unsafe_slugs_and_source_paths(tmp_path):
    sidecar = Sidecar(slug="x", title="x", date=AS_OF, kind="k")
    evil = ArticleOutput("../../evil", "k", "x", Verdict.PUBLISH, "x", "x", sidecar, "x")
    writer = RunWriter(tmp_path, AS_OF)
    with pytest.raises(PublishError, match="unsafe slug"):
        writer.write(evil)
    with pytest.raises(PublishError, match="outside sources/"):
        writer.commit({"sources/../../evil.txt": "x"})
    assert list(tmp_path.rglob("*")) == []  # nothing written, no staging left behind


def test_two_articles_with_one_slug_are_refused_not_overwritten(tmp_path):
    sidecar = Sidecar(slug="same", title="x", date=AS_OF, kind="k")
    article = ArticleOutput("same", "k", "x", Verdict.PUBLISH, "first", "x", sidecar, "x")
    writer = RunWriter(tmp_path, AS_OF)
    writer.write(article)
    with pytest.raises(PublishError, match="share this name"):
        writer.write(ArticleOutput("same", "k", "x", Verdict.PUBLISH, "second", "x", sidecar, "x"))
    assert (writer.staging / "same.md").read_text() == "first"
    writer.abort()


def test_a_ticker_or_name_with_path_tricks_writes_only_inside_the_output(tmp_path):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(sample_snapshot_dir(), snapshot)
    ticker, name = "../../ZNTH", "../../Etc/Passwd \u202eevil\u200f 🚀 Ünïcode/..\\x"
    for file in ("fundamentals.csv", "news.jsonl", "cohorts.yaml"):
        path = snapshot / file
        text = path.read_text("utf-8").replace("ZNTH", ticker).replace(f"- {ticker}", f'- "{ticker}"')
        path.write_text(text.replace(",Zenithal Platforms,", f",{name},"), "utf-8")
    prices = snapshot / "prices.csv.gz"
    prices.write_bytes(gzip.compress(gzip.decompress(prices.read_bytes()).replace(b"ZNTH", ticker.encode())))
    before = set(tmp_path.rglob("*"))
    result = run(tmp_path / "box" / "out", snapshot)
    created = set(tmp_path.rglob("*")) - before
    assert all(p.is_relative_to(tmp_path / "box" / "out") or p == tmp_path / "box" for p in created)
    assert all(SLUG.fullmatch(a.slug) for a in result.articles)
    brief = next(a for a in result.articles if a.path.read_text().count(f'"{ticker}"'))
    assert brief.slug.startswith("etc-passwd-evil-unicode-x-alpha-score")


# ----------------------------------------------------------------------------------------------- HTML


class _ActiveMarkup(HTMLParser):
    """Collects what a browser would run: script elements, on* handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    handle_startendtag = handle_starttag


def active_markup(text: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(text)
    parser.close()
    return parser.found


def test_script_and_event_handlers_from_data_never_reach_html_output(tmp_path):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(sample_snapshot_dir(), snapshot)
    edits = {  # a quoted executive sentence, a quoted headline, and a company name (a published brief)
        "sources/gpu-capacity-asset-class.txt": "now behaves like a building",
        "news.jsonl": "Cinderlane Software beats quarterly estimates",
        "fundamentals.csv": "Zenithal Platforms",
    }
    for file, words in edits.items():
        path = snapshot / file
        text = path.read_text("utf-8")
        assert text.count(words) == 1, file
        first, rest = words.split(" ", 1)
        path.write_text(text.replace(words, f"{first} {PAYLOAD} {rest}"), "utf-8")
    out = tmp_path / "out"
    run(out, snapshot)
    with output_lock(out):
        write_review_page(out)

    articles = sorted((out / DAY).glob("*.md"))
    carrying = [p for p in articles if "<script>alert(1)</script>" in p.read_text()]
    assert len(carrying) >= 3, "the payload must reach the articles for this test to mean anything"
    assert any(p.stem.startswith("zenithal") for p in carrying)  # ... including a published one
    documents = {p.name: p.read_text() for p in sorted((out / DAY).glob("*.html"))}
    documents["review.html"] = (out / "review.html").read_text()
    documents |= {f"feed.json {item['id']}": item["content_html"] for item in feed(out)["items"]}
    documents |= {
        f"atom.xml {e.findtext(f'{ATOM}id')}": e.findtext(f"{ATOM}content") for e in atom_entries(out)
    }
    assert any("zenithal" in name for name in documents if name.startswith("feed.json"))
    assert "alert(1)" in documents["review.html"]  # the blocked quotes are on the page, inert
    for name, text in documents.items():
        assert not active_markup(text), f"{name}: {active_markup(text)}"
        assert "<script" not in text.lower(), name
