"""The writer: atomic and reproducible writes, the lock, safe paths, sanitised HTML.

Read-only checks share the session's `sample_run`; anything that writes works on its own copy.
What the site and the desk folders contain is tested in tests/test_site.py.
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
from output_tree import leftovers, readable

from generator import changeset, publish, schemas
from generator.catalog import read_index
from generator.changeset import Changeset, output_lock
from generator.config import load_settings
from generator.errors import PublishError
from generator.layout import LOCK_FILE, Layout
from generator.models import SLUG_PATTERN, Sidecar, Verdict
from generator.pipeline import build
from generator.publish import (
    CheckedArticle,
    RunWriter,
    stage_site,
)
from generator.resources import sample_snapshot_dir
from generator.review import approve, write_review_page
from generator.slugs import slugify
from generator.writing.stories import ArticlePlan, _unique_slugs

AS_OF = dt.date(2026, 11, 20)
DAY = AS_OF.isoformat()
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
SLUG = re.compile(SLUG_PATTERN)
PAYLOAD = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


def run(out: Path, snapshot: Path | None = None, **overrides):
    return build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True, **overrides))


def copy_output(sample_run, tmp_path: Path) -> Path:
    """A private copy of the shared sample output, for tests that write."""
    out = tmp_path / "out"
    shutil.copytree(sample_run.out_dir, out, symlinks=True)
    return out


def files(out: Path) -> dict[str, bytes]:
    """Every file under `out` but the run records (they hold timestamps by design) and the lock."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(readable(out))
        if p.is_file() and p.relative_to(out).parts[:2] != ("desk", "runs")
    }


def feed(out: Path) -> dict:
    return json.loads((out / "site" / "feed.json").read_text("utf-8"))


def atom_entries(out: Path) -> list[ET.Element]:
    root = ET.parse(out / "site" / "atom.xml").getroot()
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
    assert data["language"] == "en" and data["authors"] == [{"name": "Newsdesk"}]
    for item in data["items"]:
        assert item["id"] and isinstance(item["id"], str)
        assert item.get("content_html") or item.get("content_text")
        published = dt.datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))  # RFC 3339
        assert dt.datetime.fromisoformat(item["date_modified"].replace("Z", "+00:00")) >= published
    assert len({item["id"] for item in data["items"]}) == len(data["items"])


def test_atom_parses_and_lists_the_same_items_in_the_same_order(sample_run):
    entries = atom_entries(sample_run.out_dir)
    items = feed(sample_run.out_dir)["items"]
    assert [e.findtext(f"{ATOM}id") for e in entries] == [item["id"] for item in items]
    for entry, item in zip(entries, items, strict=True):
        assert entry.findtext(f"{ATOM}title") == item["title"]
        assert entry.findtext(f"{ATOM}updated") == item["date_modified"]
        assert entry.findtext(f"{ATOM}published") == item["date_published"]
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and content.text == item["content_html"]


def test_feeds_hold_published_articles_only(sample_run):
    """Published stories that are news; routine briefs (no trigger fired) are on the site only."""
    out = sample_run.out_dir
    routine = {e.slug for e in read_index(Layout(out)) if e.routine}
    published = {a.slug for a in sample_run.articles if a.verdict is Verdict.PUBLISH}
    held = {a.slug for a in sample_run.articles if a.verdict is not Verdict.PUBLISH}
    assert held, "the sample holds some stories for an editor"
    assert routine & published and published - routine, "the sample has routine and newsworthy stories"
    in_feed = {item["id"].rsplit("/", 1)[1].removesuffix(".html") for item in feed(out)["items"]}
    assert in_feed == published - routine
    assert all((out / "site" / DAY / f"{slug}.html").is_file() for slug in routine & published)
    feed_text, atom_text = (out / "site" / "feed.json").read_text(), (out / "site" / "atom.xml").read_text()
    for slug in held:
        assert slug not in feed_text and slug not in atom_text


def test_feeds_list_several_dates_newest_first(sample_run, tmp_path, make_article, publish_articles):
    out = copy_output(sample_run, tmp_path)
    older = dt.date(2026, 11, 19)
    publish_articles(out, older, [make_article("older-story-2026-11-19", older)])
    dates = [item["date_published"] for item in feed(out)["items"]]
    assert dates == sorted(dates, reverse=True) and dates[-1].startswith("2026-11-19")
    assert [e.date for e in read_index(Layout(out))][-1] == "2026-11-19"  # the newer run's entries were kept
    assert (out / "site" / DAY).is_dir()  # a run replaces its own date only


def test_outputs_match_their_published_json_schemas(sample_run):
    out = sample_run.out_dir
    schema("feed.schema.json").validate(feed(out))
    schema("index.schema.json").validate(json.loads((out / "desk" / "index.json").read_text()))
    sidecar = schema("sidecar.schema.json")
    for area in ("site", "desk"):
        paths = [p for p in sorted((out / area / DAY).glob("*.json")) if not p.name.endswith(".ninjs.json")]
        for path in paths[:10]:
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
    assert (tmp_path / "a" / "desk" / "runs" / f"{DAY}.json").is_file()  # run metadata lives apart


def _inodes(folder: Path) -> dict[str, int]:
    """Each article file and cited source of a date folder by name, with its inode number (not the
    date's story list, which every run builds again)."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_ino
        for p in folder.rglob("*")
        if p.is_file() and p.name != "index.html"
    }


def test_a_rerun_links_what_is_unchanged_and_writes_what_is_not(tmp_path):
    """A rerun's unchanged files are hard links to the copies they replace (no new inode, nothing
    freed); a file whose bytes differ is written anew, and so is one where a link or a folder was
    planted: the output is byte for byte a first run's either way."""
    out = tmp_path / "out"
    run(out)
    expected = files(out)
    folder = out / "site" / DAY
    tampered, planted, occupied = sorted(folder.glob("*-alpha-score-*.md"))[:3]
    tampered = tampered.with_suffix(".html")
    tampered.unlink()
    tampered.write_text("an edited page", "utf-8")
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_bytes(planted.read_bytes())  # the same bytes, outside the output
    planted.unlink()
    planted.symlink_to(elsewhere)
    occupied = occupied.with_suffix(".ninjs.json")
    occupied.unlink()
    occupied.mkdir()  # a folder where a file was
    before = _inodes(folder)
    assert len(before) > 300 and any(name.startswith("sources/") for name in before)

    run(out)

    after = _inodes(folder)
    assert files(out) == expected
    assert not planted.is_symlink() and planted.stat().st_ino != elsewhere.stat().st_ino
    rewritten = {name for name in after if after[name] != before.get(name)}
    assert rewritten == {tampered.name, planted.name, occupied.name}


def test_a_rerun_links_nothing_through_a_planted_folder_link_or_an_edited_index(tmp_path):
    """Copies are looked for in the output's own folders: a date's sources/ turned into a link to
    an outside copy, or an index entry pointing outside, never makes an output file share an
    outside file's inode."""
    out = tmp_path / "out"
    run(out)
    expected = files(out)
    sources = out / "site" / DAY / "sources"
    outside = tmp_path / "outside-sources"
    shutil.copytree(sources, outside)
    shutil.rmtree(sources)
    sources.symlink_to(outside, target_is_directory=True)
    outside_inodes = {p.stat().st_ino for p in outside.iterdir()}
    run(out)
    assert files(out) == expected
    assert not sources.is_symlink()
    assert not {p.stat().st_ino for p in sources.iterdir()} & outside_inodes

    index = out / "desk" / "index.json"
    data = json.loads(index.read_text("utf-8"))
    data["articles"][0]["path"] = str(tmp_path / "elsewhere.md")
    index.write_text(json.dumps(data), "utf-8")
    with pytest.raises(PublishError, match=r"unreadable index .*elsewhere\.md.*, not (site|desk)/"):
        run(out)


def test_a_new_file_is_written_whole_through_short_writes(tmp_path, monkeypatch):
    from generator import files as files_module

    class ShortWrites:
        """The os module as files.py sees it, but writing three bytes at a time."""

        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def write(handle, data):
            return os.write(handle, bytes(data)[:3])

    monkeypatch.setattr(files_module, "os", ShortWrites())
    path = tmp_path / "x.md"
    files_module.create_file(path, "déjà vu\n".encode())
    assert path.read_bytes() == "déjà vu\n".encode()
    with pytest.raises(FileExistsError):
        files_module.create_file(path, b"again")
    ShortWrites.write = staticmethod(lambda handle, data: 0)  # a device that takes nothing
    with pytest.raises(OSError, match="nothing written"):
        files_module.create_file(tmp_path / "stuck.md", b"never")


def test_a_copy_is_linked_only_when_its_bytes_are_the_same(tmp_path, monkeypatch):
    from generator import files as files_module

    copy = tmp_path / "copy.md"
    copy.write_bytes("déjà vu\n".encode())
    files_module.create_or_link(tmp_path / "same.md", "déjà vu\n".encode(), copy)
    assert (tmp_path / "same.md").stat().st_ino == copy.stat().st_ino
    for name, data in (("longer.md", "déjà vu\n!".encode()), ("other.md", "déjà vU\n".encode())):
        files_module.create_or_link(tmp_path / name, data, copy)  # a byte more; the same length
        assert (tmp_path / name).read_bytes() == data
        assert (tmp_path / name).stat().st_ino != copy.stat().st_ino
    files_module.create_or_link(tmp_path / "new.md", b"no copy", tmp_path / "missing.md")
    assert (tmp_path / "new.md").read_bytes() == b"no copy"
    with pytest.raises(FileExistsError):
        files_module.create_or_link(tmp_path / "same.md", "déjà vu\n".encode(), copy)

    def no_hard_links(*args, **kwargs):
        raise OSError(18, "Invalid cross-device link")  # EXDEV: another file system

    monkeypatch.setattr(files_module.os, "link", no_hard_links)
    files_module.create_or_link(tmp_path / "written.md", "déjà vu\n".encode(), copy)
    assert (tmp_path / "written.md").read_bytes() == "déjà vu\n".encode()
    assert (tmp_path / "written.md").stat().st_ino != copy.stat().st_ino


def test_files_are_readable_as_the_umask_allows(sample_run):
    mask = os.umask(0o022)
    os.umask(mask)
    out = sample_run.out_dir
    site = out / "site"
    for path in (site / "feed.json", site / "atom.xml", out / "desk" / "index.json", site / DAY / "sources"):
        expected = (0o777 if path.is_dir() else 0o666) & ~mask
        assert path.stat().st_mode & 0o777 == expected, path
    assert (site / DAY).stat().st_mode & 0o777 == 0o777 & ~mask
    assert (site / DAY / "index.html").stat().st_mode & 0o777 == 0o666 & ~mask


def test_a_crash_between_article_writes_leaves_the_previous_output_untouched(
    sample_run, tmp_path, monkeypatch
):
    out = copy_output(sample_run, tmp_path)
    before = files(out)
    real_write_new = publish.write_new
    staged: list[Path] = []

    def write_then_fail(path: Path, *args, **kwargs):
        staged.append(path)
        if len(staged) == 5:  # after the first article's files
            raise OSError(28, "No space left on device (injected)")
        return real_write_new(path, *args, **kwargs)

    monkeypatch.setattr(publish, "write_new", write_then_fail)
    with pytest.raises(OSError, match="injected"):
        run(out)
    monkeypatch.undo()
    assert all(".staging." in p.parent.name for p in staged)
    assert files(out) == before  # articles, index, pages and every feed byte for byte
    assert leftovers(out) == []
    with output_lock(out):  # released
        pass


def test_a_crash_while_staging_the_feeds_leaves_the_previous_site_intact(sample_run, tmp_path, monkeypatch):
    """Everything is staged before the renames: a failure writing a feed changes nothing."""
    out = copy_output(sample_run, tmp_path)
    before = files(out)
    real = changeset.temporary

    def fail_on_feed(path: Path, text: str) -> Path:
        if path.name == "atom.xml":
            raise OSError(28, "No space left on device (injected)")
        return real(path, text)

    monkeypatch.setattr(changeset, "temporary", fail_on_feed)
    with pytest.raises(OSError, match="injected"):
        run(out)
    monkeypatch.undo()
    assert files(out) == before
    assert leftovers(out) == []


def test_a_killed_run_is_cleaned_up_and_its_approvals_survive(sample_run, tmp_path):
    out = copy_output(sample_run, tmp_path)
    routine = {e.slug for e in read_index(Layout(out)) if e.routine}
    held = next(a.slug for a in sample_run.articles if a.verdict is Verdict.REVIEW and a.slug not in routine)
    approve(load_settings(out=out), held, by="editor")
    # What a run killed before its switch leaves: a half-built generation, its staging folders,
    # the link it was about to rename, and a temporary of a single-file write into the desk.
    state = out / ".newsdesk"
    (state / "g999999" / "site").mkdir(parents=True)
    (state / "g999999" / "site" / "feed.json").write_text("half a fe")
    staging = state / f".desk-{DAY}.staging.k1ll3d"
    staging.mkdir()
    (staging / "half.md").write_text("half an art")
    (state / ".current.g999999").symlink_to("g999999")
    (out / "desk" / ".review.html.k1ll3d00").write_text("half a pa")
    (out / "site" / ".htaccess").write_text("Options -Indexes\n")  # the site's owner put it there
    run(out)
    assert leftovers(out) == []
    assert (out / "site" / ".htaccess").read_text() == "Options -Indexes\n"
    sidecar = Sidecar.model_validate_json((out / "site" / DAY / f"{held}.json").read_text())
    assert sidecar.approval is not None and sidecar.approval.by == "editor"
    assert any(item["id"].endswith(f"/{held}.html") for item in feed(out)["items"])


def test_an_earlier_newsdesks_output_is_taken_over_with_a_killed_runs_retired_folder(
    sample_run, tmp_path, make_article, publish_articles
):
    """An output folder written before generations (real site/ and desk/ folders), left by a run
    killed between its two renames, keeps that date's articles when another date runs next."""
    out = tmp_path / "out"
    shutil.copytree(sample_run.out_dir, out)  # without keeping links: real folders, as before
    shutil.rmtree(out / ".newsdesk")
    folder = out / "site" / DAY
    articles_before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    folder.rename(out / "site" / f".{DAY}.retired")  # killed between its two renames
    other = dt.date(2026, 11, 19)
    publish_articles(out, other, [make_article("other-day", other)])
    assert (out / "site").is_symlink() and (out / "desk").is_symlink()
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == articles_before
    assert (out / "site" / "2026-11-19" / "other-day.md").is_file()
    assert leftovers(out) == []


def test_a_published_article_without_its_page_stops_the_feeds(sample_run, tmp_path, site_config):
    out = copy_output(sample_run, tmp_path)
    published = next(a for a in sample_run.articles if a.verdict is Verdict.PUBLISH)
    (out / "site" / DAY / f"{published.slug}.html").unlink()
    layout = Layout(out)
    with pytest.raises(
        PublishError, match=rf"{published.slug}\.html: published article's file is unreadable"
    ):
        stage_site(layout, read_index(layout), Changeset(layout), site_config)


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


def test_an_output_folder_in_the_old_layout_is_refused_with_one_line(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "feed.json").write_text("{}")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "run", "--out", str(out), "--jobs", "1", "--quiet"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "feed.json" in line and "older newsdesk" in line
    assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE, "feed.json"]


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


def test_the_writer_refuses_unsafe_slugs_and_source_paths(tmp_path, make_article, site_config):
    good = make_article("x")
    evil = CheckedArticle(good.text, good.sidecar.model_copy(update={"slug": "../../evil"}))
    writer = RunWriter(tmp_path, AS_OF, ["x"], config=site_config, now=NOW, release_time=dt.time(22))
    with pytest.raises(PublishError, match="unsafe slug"):
        writer.write(evil)
    entry = writer.write(good)
    with pytest.raises(PublishError, match="outside sources/"):
        writer.commit([entry], {"x": ("sources/../../evil.txt",)}, {"sources/../../evil.txt": "x"})
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []  # nothing written, no staging left behind


def test_two_articles_with_one_slug_are_refused_not_overwritten(tmp_path, make_article, site_config):
    writer = RunWriter(tmp_path, AS_OF, ["same"], config=site_config, now=NOW, release_time=dt.time(22))
    writer.write(make_article("same", title="First story"))
    with pytest.raises(PublishError, match="share this name"):
        writer.write(make_article("same", title="Second story"))
    assert "First story" in (writer.staging["site"] / "same.md").read_text()
    writer.abort()


def test_a_source_cited_by_articles_of_two_workers_is_staged_once_per_place(
    tmp_path, make_article, site_config
):
    """Workers stage the sources their articles cite; the second to reach a source finds it there,
    and committing stages only what no worker did (a backfill's committer: all of them)."""
    held = make_article("held", verdict=Verdict.REVIEW)
    writer = RunWriter(
        tmp_path, AS_OF, ["a", "b", "held"], config=site_config, now=NOW, release_time=dt.time(22)
    )
    shared, late = "sources/shared.txt", "sources/late.txt"
    entries = [
        writer.write(make_article("a"), {shared: "One release.\n"}),
        writer.write(make_article("b"), {shared: "One release.\n"}),  # as a second worker would
        writer.write(held, {shared: "One release.\n"}),
    ]
    assert (writer.staging["site"] / shared).read_text() == "One release.\n"  # before the commit
    cited = {"a": (shared,), "b": (shared, late), "held": (shared,)}
    writer.commit(entries, cited, {shared: "One release.\n", late: "Came back with the results.\n"})
    site, desk = tmp_path / "site" / AS_OF.isoformat(), tmp_path / "desk" / AS_OF.isoformat()
    assert sorted(p.name for p in (site / "sources").iterdir()) == ["late.txt", "shared.txt"]
    assert (site / shared).read_text() == "One release.\n"
    assert (site / late).read_text() == "Came back with the results.\n"
    assert [p.name for p in (desk / "sources").iterdir()] == ["shared.txt"]  # the held story's copy


def test_a_shared_file_found_staged_must_be_the_same_text_in_a_plain_file(tmp_path):
    """The second writer of a cited source leaves the first's copy; anything else at its name (other
    text, say two names one case-insensitive file system takes for one, or a link) is refused."""
    source = tmp_path / "release.txt"
    changeset.write_new(source, "One release.\n", tmp_path, shared=True)
    changeset.write_new(source, "One release.\n", tmp_path, shared=True)  # as a second worker would
    assert source.read_text() == "One release.\n"
    with pytest.raises(PublishError, match="share this name"):
        changeset.write_new(source, "Another release.\n", tmp_path, shared=True)
    with pytest.raises(PublishError, match="share this name"):
        changeset.write_new(source, "One release.\n", tmp_path)  # an article's own file: never twice
    (tmp_path / "linked.txt").symlink_to(source)
    with pytest.raises(PublishError, match="share this name"):
        changeset.write_new(tmp_path / "linked.txt", "One release.\n", tmp_path, shared=True)
    assert source.read_text() == "One release.\n"


def test_a_worker_refuses_a_cited_source_outside_sources(tmp_path, make_article, site_config):
    writer = RunWriter(tmp_path, AS_OF, ["x"], config=site_config, now=NOW, release_time=dt.time(22))
    with pytest.raises(PublishError, match="outside sources/"):
        writer.write(make_article("x"), {"sources/../../evil.txt": "x"})
    writer.abort()
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.name == "evil.txt"]


def test_the_workers_stage_the_cited_sources_and_the_parent_none(tmp_path, monkeypatch):
    """Forked workers inherit the recording wrapper: each source is written by a worker's process."""
    log = tmp_path / "writers.txt"
    original = publish.write_new

    def recording(path, text, final, *, replaced=None, shared=False):
        if shared:
            with log.open("a") as out:
                out.write(f"{os.getpid()} {path.name}\n")
        original(path, text, final, replaced=replaced, shared=shared)

    monkeypatch.setattr(publish, "write_new", recording)
    result = build(load_settings(out=tmp_path / "out", jobs=2, quiet=True, now="2026-11-21T14:30:00Z"))
    writers = [line.split() for line in log.read_text().splitlines()]
    copies = list((tmp_path / "out").glob("*/2026-11-20/sources/*"))
    assert result.articles and copies and len(writers) >= len(copies)
    assert str(os.getpid()) not in {pid for pid, _ in writers}


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
    """Collects what a browser would run: script elements, on* handlers, javascript: URLs.

    A `<script type="application/ld+json">` is data, not code: it is collected apart so its text
    can be checked (it must parse as JSON and never close its element early).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self._in_json_ld = True
        elif tag in ("script", "iframe", "object", "embed"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)


def active_markup(text: str) -> tuple[list[str], list[str]]:
    parser = _ActiveMarkup()
    parser.feed(text)
    parser.close()
    return parser.found, parser.json_ld


def test_script_and_event_handlers_from_data_never_reach_html_output(tmp_path):
    snapshot = tmp_path / "snapshot"
    shutil.copytree(sample_snapshot_dir(), snapshot)
    edits = {  # a quoted executive sentence, a quoted headline, and a company name (a published brief)
        "sources/gpu-capacity-asset-class.txt": "now behaves like a building",
        "news.jsonl": "Cinderlane Software beats quarterly estimates",
        "fundamentals.csv": "Omnivale Technologies",
    }
    for file, words in edits.items():
        path = snapshot / file
        text = path.read_text("utf-8")
        assert text.count(words) == 1, file
        first, rest = words.split(" ", 1)
        path.write_text(text.replace(words, f"{first} {PAYLOAD} {rest}"), "utf-8")
    out = tmp_path / "out"
    run(out, snapshot, feed_routine=True)  # every published story in the feeds, Omnivale's routine brief too
    with output_lock(out):
        write_review_page(out)

    articles = sorted(out.glob("*/*/*.md"))
    carrying = [p for p in articles if "<script>alert(1)</script>" in p.read_text()]
    assert len(carrying) >= 3, "the payload must reach the articles for this test to mean anything"
    assert any(p.stem.startswith("omnivale") and p.parts[-3] == "site" for p in carrying)  # a published one
    documents = {
        p.relative_to(out).as_posix(): p.read_text() for p in sorted(readable(out)) if p.suffix == ".html"
    }
    documents |= {f"feed.json {item['id']}": item["content_html"] for item in feed(out)["items"]}
    documents |= {
        f"atom.xml {e.findtext(f'{ATOM}id')}": e.findtext(f"{ATOM}content") for e in atom_entries(out)
    }
    assert any("omnivale" in name for name in documents if name.startswith("feed.json"))
    assert "alert(1)" in documents["desk/review.html"]  # the blocked quotes are on the page, inert
    json_ld_pages = 0
    for name, text in documents.items():
        found, json_ld = active_markup(text)
        assert not found, f"{name}: {found}"
        for data in json_ld:
            json.loads(data)  # data, and nothing in it closes the script element early
            assert "</" not in data and "<script" not in data.lower(), name
            json_ld_pages += 1
    assert json_ld_pages >= len(articles)
    omnivale = next(
        text for name, text in documents.items() if name.startswith("site/") and "omnivale" in name
    )
    assert "\\u003cscript\\u003e" in omnivale  # the name reached the JSON-LD, escaped
