"""The site folder and the desk folder: what each holds, and what readers, wires and search get.

Schemas the outputs are validated against live in tests/schemas/ (see its README for their
sources and licences): RFC 4287's RELAX NG grammar for Atom, IPTC's ninjs 2.2 JSON Schema, the
sitemaps.org schema and a news-sitemap schema written from Google's documentation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import http.server
import json
import re
import shutil
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jsonschema
import markdown
import markupsafe
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from output_tree import readable

from generator.catalog import read_index
from generator.config import load_settings
from generator.layout import Layout
from generator.models import Article, FrontMatter, Sidecar, SourceRef, Verdict, yaml_string
from generator.pipeline import build
from generator.publish import split_front_matter
from generator.resources import resource_dir
from generator.review import approve
from generator.site.pages import TITLE_CHARS
from generator.site.sitemap import MAX_URLS, recent

SCHEMAS = Path(__file__).parent / "schemas"
DAY = "2026-11-20"
AS_OF = dt.date(2026, 11, 20)
ATOM = "{http://www.w3.org/2005/Atom}"
HISTORY = "{http://purl.org/syndication/history/1.0}"
THEME = "gpu-infrastructure-asset-class-2026-11-20"


def run(out: Path, **overrides):
    return build(load_settings(out=out, jobs=1, quiet=True, **overrides))


def published_and_held(result) -> tuple[set[str], set[str]]:
    published = {a.slug for a in result.articles if a.verdict is Verdict.PUBLISH}
    return published, {a.slug for a in result.articles} - published


def in_feeds(result) -> set[str]:
    """Published stories the feeds carry: all but routine briefs (no trigger fired)."""
    routine = {e.slug for e in read_index(Layout(result.out_dir)) if e.routine}
    return published_and_held(result)[0] - routine


def site_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def front_matter(path: Path) -> dict:
    front, _ = split_front_matter(path.read_text("utf-8"))
    return yaml.safe_load(front.strip().strip("-"))


def sidecar_of(md: Path) -> Sidecar:
    return Sidecar.model_validate_json(md.with_suffix(".json").read_text("utf-8"))


# ------------------------------------------------------------------------------------- the two folders


def test_the_site_holds_published_articles_only_and_nothing_local(sample_run):
    out = sample_run.out_dir
    site, desk = out / "site", out / "desk"
    published, held = published_and_held(sample_run)
    assert held and published
    assert {p.stem for p in site.glob("*/*.md")} == published
    assert {p.stem for p in desk.glob("*/*.md")} == held
    repo = Path(__file__).resolve().parent.parent
    local = [str(out.resolve().parent), str(Path.home()), str(repo), str(resource_dir("editorial"))]
    for path in site_files(site):
        text = path.read_text("utf-8")
        for slug in held:
            assert slug not in path.name and slug not in text, (path, slug)
        for fragment in local:
            assert fragment not in text, (path, fragment)
    names = {p.relative_to(site).as_posix() for p in site_files(site)}
    assert not {"review.html", "index.json"} & names and not any(n.startswith("runs/") for n in names)
    assert {"index.html", "feed.json", "atom.xml", "ninjs.json", "news-sitemap.xml"} <= names
    assert (desk / "index.json").is_file() and (desk / "runs" / f"{DAY}.json").is_file()
    assert str(repo) in (desk / "runs" / f"{DAY}.json").read_text()  # the snapshot's path: desk only
    # A published article's sidecar sits beside it: consumers get its facts and provenance.
    assert all((site / DAY / f"{slug}.json").is_file() for slug in published)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("a", "link") and values.get("href"):
            self.links.append(values["href"])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep test output clean
        pass


BLOCKED = "blocked-story-2026-11-19"


@pytest.fixture
def served_site(sample_run, tmp_path, make_article, publish_articles):
    """The sample's site folder served as it is, on a loopback port, with a review page on the desk
    and a blocked story of another day."""
    out = tmp_path / "out"
    shutil.copytree(sample_run.out_dir, out, symlinks=True)
    day = dt.date(2026, 11, 19)
    publish_articles(out, day, [make_article(BLOCKED, day, Verdict.BLOCK)])
    from generator.changeset import output_lock
    from generator.review import write_review_page

    with output_lock(out):
        write_review_page(out)
    handler = functools.partial(_QuietHandler, directory=str(out / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_serving_the_site_folder_exposes_no_draft_review_page_or_run_record(served_site, sample_run):
    base = served_site
    published, held = published_and_held(sample_run)
    held.add(BLOCKED)
    for slug in held:
        for day in (DAY, "2026-11-19"):
            for suffix in (".md", ".html", ".json", ".ninjs.json"):
                assert fetch(f"{base}{day}/{slug}{suffix}")[0] == 404
    for path in ("review.html", "desk/review.html", "index.json", f"runs/{DAY}.json", "../desk/index.json"):
        assert fetch(base + path)[0] == 404, path
    # Everything a reader can reach by following links from the front page, and no draft in it.
    seen, queue, reached = set(), [base + "index.html"], set()
    while queue and len(seen) < 400:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, body = fetch(url)
        assert status == 200, url
        assert not any(slug in body for slug in held), url
        if url.endswith(".html"):
            reached.add(urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".html"))
            parser = _Links()
            parser.feed(body)
            for href in parser.links:
                target = urljoin(url, href).split("#")[0]
                if target.startswith(base):
                    queue.append(target)
    assert published <= reached
    # Each source's `text_url` (the absolute URL site generators can link to) is served.
    for md in sorted((sample_run.out_dir / "site" / DAY).glob("*.md"))[:10]:
        for source in front_matter(md)["sources"]:
            relative = source["text_url"].removeprefix("https://newsdesk.example.invalid/")
            assert relative == f"{DAY}/{source['path']}" and fetch(base + relative)[0] == 200


def test_front_matter_carries_the_verdict_and_keeps_drafts_out_of_site_generators(sample_run):
    out = sample_run.out_dir
    for md in sorted(out.glob("*/*/*.md")):
        meta, sidecar = front_matter(md), sidecar_of(md)
        assert meta["verdict"] == sidecar.verdict.value
        assert meta["title"] == sidecar.title and isinstance(meta["title"], str)
        if md.parts[-3] == "site":
            assert (meta["draft"], meta["status"]) == (False, "published")
        else:
            assert (meta["draft"], meta["status"]) == (True, "draft")
        assert md.read_text().splitlines()[1] == f"title: {sidecar.title}"  # a plain string, no quotes


def test_pelicans_markdown_reader_gets_the_plain_title_and_keeps_sources_out_of_the_body(sample_run):
    """Stock Pelican reads front matter with Python-Markdown's meta extension: the same parser here."""
    for md_path in sorted((sample_run.out_dir / "site" / DAY).glob("*.md"))[:20]:
        reader = markdown.Markdown(extensions=["meta", "tables"])
        html = reader.convert(md_path.read_text("utf-8"))
        meta = reader.Meta  # type: ignore[attr-defined]
        sidecar = sidecar_of(md_path)
        assert meta["title"] == [sidecar.title]  # no literal quote marks
        assert meta["status"] == ["published"] and "sources" in meta
        assert "- id:" not in html and "<hr" not in html and "snapshot-newsdesk-sample" not in html


@given(st.text(min_size=1, max_size=80))
def test_any_title_reads_back_as_the_same_string(title):
    text = yaml_string(title)
    assert yaml.safe_load(f"title: {text}\n") == {"title": title}


@given(st.from_regex(r"[A-Za-zÉ][A-Za-z0-9 ,.;:!?'’“”%$&()/+#\-–—]{0,40}", fullmatch=True))
def test_headline_like_titles_read_back_the_same_whether_plain_or_quoted(title):
    text = yaml_string(title)
    assert yaml.safe_load(f"title: {text}\n") == {"title": title}


def read_front_matter(text: str) -> object:
    """The front matter as any YAML reader gets it (the safe loader, as Jekyll, Hugo and Pelican)."""
    header = text.split("\n---\n", 1)[0].removeprefix("---\n")
    return yaml.safe_load(header)


_OPTIONAL = st.none() | st.text(max_size=30)
_SOURCES = st.lists(
    st.builds(
        SourceRef,
        id=st.text(min_size=1, max_size=20),
        title=st.text(max_size=40),
        url=_OPTIONAL,
        path=_OPTIONAL,
    ),
    max_size=3,
)


@given(
    title=st.text(min_size=1, max_size=60),
    slug=st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}", fullmatch=True),
    kind=st.from_regex(r"[a-z_]{1,20}", fullmatch=True),
    tickers=st.lists(st.text(max_size=8), max_size=3),
    sources=_SOURCES,
    date=st.dates(),
)
def test_the_front_matter_a_run_hands_its_checker_is_what_reading_the_file_gives(
    title, slug, kind, tickers, sources, date
):
    """The run gives the checker the front matter it wrote instead of reading it back; that must be
    exactly what YAML reads (values and their types), or None where it cannot say."""
    matter = FrontMatter(title=title, slug=slug, date=date, kind=kind, tickers=tickers, sources=sources)
    article = Article(front_matter=matter, body="The first paragraph.\n")
    known = article.front_matter_as_read()
    if known is not None:
        read = read_front_matter(article.to_markdown())
        assert known == read
        assert type(known["date"]) is type(read["date"]) is dt.date  # a datetime would compare unequal anyway


def test_a_slug_or_kind_yaml_reads_as_another_type_is_read_from_the_text():
    for slug, kind in [
        ("yes", "alpha_brief"),
        ("2026-11-20", "alpha_brief"),
        ("a-story", "null"),
        ("1e3", "x_y"),
    ]:
        matter = FrontMatter(title="A story", slug=slug, date=dt.date(2026, 11, 20), kind=kind)
        assert Article(front_matter=matter, body="").front_matter_as_read() is None, (slug, kind)
    embargoed = FrontMatter(
        title="A story",
        slug="a-story",
        date=dt.date(2026, 11, 20),
        kind="thematic",
        embargo_until=dt.datetime(2026, 11, 21, 14, 30, tzinfo=dt.UTC),
    )
    assert Article(front_matter=embargoed, body="").front_matter_as_read() is None


def test_a_generated_front_matter_is_handed_over_as_read():
    """A brief's front matter, with a source of every field, is known without reading it."""
    source = SourceRef(
        id="hlxm-q3", title="Helix: results", url="https://example.invalid/q3", path="sources/q3.txt"
    )
    matter = FrontMatter(
        title="Helix Microdevices earns moderate Alpha Score of 65",
        slug="helix-microdevices-alpha-score-2026-11-20",
        date=dt.date(2026, 11, 20),
        kind="alpha_brief",
        tickers=["HLXM", "BRK.B"],
        sources=[source, SourceRef(id="data", title="Snapshot")],
    )
    known = Article(front_matter=matter, body="").front_matter_as_read()
    assert known == {
        "title": "Helix Microdevices earns moderate Alpha Score of 65",
        "slug": "helix-microdevices-alpha-score-2026-11-20",
        "date": dt.date(2026, 11, 20),
        "kind": "alpha_brief",
        "tickers": ["HLXM", "BRK.B"],
        "sources": [
            {
                "id": "hlxm-q3",
                "title": "Helix: results",
                "url": "https://example.invalid/q3",
                "path": "sources/q3.txt",
            },
            {"id": "data", "title": "Snapshot"},
        ],
    }
    assert known == read_front_matter(Article(front_matter=matter, body="").to_markdown())


def test_a_run_that_reads_every_front_matter_back_checks_and_writes_the_same(
    tmp_path, sample_run, monkeypatch
):
    """Handing the checker the front matter it wrote is only a shortcut: with it turned off (each
    header read back from the text, as `newsdesk check` reads a file) a run writes the same
    articles with the same verdicts and findings."""
    monkeypatch.setattr(Article, "front_matter_as_read", lambda self: None)
    out = tmp_path / "out"
    run(out)
    written = sorted(p.relative_to(out) for p in out.glob("*/2026-11-20/*.md"))
    assert written == sorted(
        p.relative_to(sample_run.out_dir) for p in sample_run.out_dir.glob("*/2026-11-20/*.md")
    )
    for path in written:
        assert (out / path).read_text("utf-8") == (sample_run.out_dir / path).read_text("utf-8"), path
        read_back, shortcut = sidecar_of(out / path), sidecar_of(sample_run.out_dir / path)
        assert (read_back.verdict, read_back.findings) == (shortcut.verdict, shortcut.findings), path


def test_ordinary_headlines_are_written_without_quote_marks():
    for title in ("Helix Microdevices earns moderate Alpha Score of 65", "Apple’s shares jump 4.8%"):
        assert yaml_string(title) == title
    for tricky in ("Yes", "2026", "Shares: why they fell", "#1 mover", "'Quoted'", "null"):
        assert yaml_string(tricky).startswith('"')


def test_bodies_do_not_repeat_the_title(sample_run):
    for md in sorted(sample_run.out_dir.glob("*/*/*.md")):
        _, body = split_front_matter(md.read_text("utf-8"))
        assert not any(line.startswith("# ") for line in body.splitlines()), md.name
        page = md.with_suffix(".html").read_text("utf-8")
        assert page.count("<h1>") == 1 and f"<h1>{markupsafe.escape(sidecar_of(md).title)}</h1>" in page


def test_the_title_heading_setting_keeps_the_h1_for_consumers_that_want_it(tmp_path, sample_run):
    result = run(tmp_path / "out", title_heading=True)
    assert [(a.slug, a.verdict) for a in result.articles] == [
        (a.slug, a.verdict) for a in sample_run.articles
    ]
    for article in result.articles:
        _, body = split_front_matter(article.path.read_text("utf-8"))
        assert body.startswith(f"# {sidecar_of(article.path).title}\n")
        assert article.path.with_suffix(".html").read_text().count("<h1>") == 1  # the page shows it once


# ----------------------------------------------------------------------------------------- the pages


class _Page(HTMLParser):
    """What an article page declares: title, meta, links, JSON-LD, visible times."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.times: list[str] = []
        self.json_ld = ""
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        if tag == "title":
            self._in = "title"
        elif tag == "meta" and "name" in values:
            self.meta[values["name"]] = values.get("content", "")
        elif tag == "link":
            self.links.append(values)
        elif tag == "time":
            self.times.append(values.get("datetime", ""))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in = "json_ld"

    def handle_endtag(self, tag):
        if tag in ("title", "script"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json_ld":
            self.json_ld += data
        else:
            self.text.append(data)


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    return page


def test_article_pages_carry_what_readers_and_search_engines_need(sample_run):
    site = sample_run.out_dir / "site"
    for md in sorted((site / DAY).glob("*.md")):
        sidecar = sidecar_of(md)
        page = parse_page(md.with_suffix(".html"))
        url = f"https://newsdesk.example.invalid/{DAY}/{sidecar.slug}.html"
        assert len(page.title) <= TITLE_CHARS and page.title.split(" | ")[0].rstrip("…") in sidecar.title
        lede = page.meta["description"]
        assert (
            0 < len(lede) <= 160
            and lede.rstrip("…").split()[:5] == md.read_text().split("---\n")[2].split()[:5]
        )
        rels = {(link.get("rel"), link.get("type", "")): link["href"] for link in page.links}
        assert rels[("canonical", "")] == url
        assert rels[("alternate", "application/atom+xml")] == "../atom.xml"
        assert rels[("alternate", "application/feed+json")] == "../feed.json"
        data = json.loads(page.json_ld)
        published = sidecar.release.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert data["@type"] == "NewsArticle" and data["headline"] == sidecar.title
        assert data["datePublished"] == published and data["url"] == url
        assert data["author"] == [{"@type": "Organization", "name": "Newsdesk"}]
        assert published in page.times and DAY in page.times  # published, and the data date, shown
        text = " ".join(" ".join(page.text).split())
        assert "By Newsdesk" in text and "AI-drafted from named sources" in text  # byline, disclosure
        for source in sidecar.sources:
            assert source.title in text
        assert "Sources" in text


def test_the_byline_setting_names_who_the_stories_are_by(tmp_path):
    out = tmp_path / "out"
    run(out, byline="Markets desk")
    page = parse_page(out / "site" / DAY / f"{THEME}.html")
    assert "By Markets desk" in " ".join(" ".join(page.text).split())
    assert json.loads(page.json_ld)["author"] == [{"@type": "Organization", "name": "Markets desk"}]
    assert json.loads((out / "site" / "feed.json").read_text())["authors"] == [{"name": "Markets desk"}]


def test_the_index_page_lists_published_stories_newest_first(sample_run):
    site = sample_run.out_dir / "site"
    published, _held = published_and_held(sample_run)
    page = (site / "index.html").read_text("utf-8")
    links = [
        slug for slug in re.findall(rf'<li><a href="{DAY}/([a-z0-9-]+)\.html">', page) if slug != "index"
    ]
    assert set(links) == published and len(links) == len(published)
    assert f'<a href="{DAY}/index.html">' in page  # and the day's own page
    stamps = re.findall(r'<p class="meta"><time datetime="([^"]+)">', page)
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == len(stamps)
    day_page = (site / DAY / "index.html").read_text("utf-8")
    assert set(re.findall(r'<li><a href="([a-z0-9-]+)\.html">', day_page)) == published


# ----------------------------------------------------------------------------------------- the feeds


def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "atom.rng")))


def test_atom_validates_against_the_rfc_4287_schema_with_distinct_updated_times(sample_run):
    schema = atom_schema()
    document = etree.parse(str(sample_run.out_dir / "site" / "atom.xml"))
    assert schema.validate(document), schema.error_log
    root = document.getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    updated = [entry.findtext(f"{ATOM}updated") for entry in root.iter(f"{ATOM}entry")]
    assert len(updated) == len(set(updated)) == len(in_feeds(sample_run))
    # The schema is no formality: an entry without its `updated` fails it.
    entry = root.find(f"{ATOM}entry")
    entry.remove(entry.find(f"{ATOM}updated"))
    assert not schema.validate(document)


def test_feed_content_does_not_repeat_the_title(sample_run):
    for item in json.loads((sample_run.out_dir / "site" / "feed.json").read_text())["items"]:
        assert "<h1" not in item["content_html"] and not item["content_html"].startswith(
            f"<p>{item['title']}"
        )
        assert item["content_html"].startswith("<p>")


def follow_atom(site: Path) -> list[etree._ElementTree]:
    """The subscription document, then every archive page back to the oldest (RFC 5005 prev-archive)."""
    documents = [etree.parse(str(site / "atom.xml"))]
    while True:
        link = documents[-1].getroot().find(f"{ATOM}link[@rel='prev-archive']")
        if link is None:
            return documents
        relative = link.get("href").removeprefix("https://newsdesk.example.invalid/")
        documents.append(etree.parse(str(site / relative)))


def test_stories_past_feed_max_items_go_to_stable_archive_pages(
    tmp_path, make_article, publish_articles, site_config
):
    out = tmp_path / "out"
    result = run(out, feed_max_items=10)
    site = out / "site"
    published = in_feeds(result)
    schema = atom_schema()
    documents = follow_atom(site)
    assert len(documents) == 1 + (len(published) - 1) // 10
    ids = set()
    for number, document in enumerate(documents):
        assert schema.validate(document), schema.error_log
        root = document.getroot()
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 10
        ids |= {entry.findtext(f"{ATOM}id").rsplit("/", 1)[1].removesuffix(".html") for entry in entries}
        if number:  # an archive page
            assert root.find(f"{HISTORY}archive") is not None
            assert root.find(f"{ATOM}link[@rel='current']").get("href").endswith("/atom.xml")
    assert ids == published
    pages, urls = [], ["feed.json"]
    feed_schema = jsonschema.Draft202012Validator(
        json.loads(Path("docs/schemas/feed.schema.json").read_text())
    )
    while urls:
        page = json.loads((site / urls.pop()).read_text())
        feed_schema.validate(page)
        pages.append(page)
        if "next_url" in page:
            urls.append(page["next_url"].removeprefix("https://newsdesk.example.invalid/"))
    assert {i["id"].rsplit("/", 1)[1].removesuffix(".html") for p in pages for i in p["items"]} == published
    assert len(pages) == len(documents)
    # A later day adds stories at the newest end: the oldest archive page does not change.
    oldest = (site / "archive" / "atom-1.xml").read_bytes(), (site / "archive" / "feed-1.json").read_bytes()
    later = dt.date(2026, 11, 23)
    config = dataclasses.replace(site_config, feed_max_items=10)
    publish_articles(out, later, [make_article("later-story", later)], config=config)
    assert (
        (site / "archive" / "atom-1.xml").read_bytes(),
        (site / "archive" / "feed-1.json").read_bytes(),
    ) == oldest


# ------------------------------------------------------------------------------------------ for wires


def ninjs_schema() -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / "ninjs-schema_2.2.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_every_published_story_has_a_ninjs_document_that_validates(sample_run):
    site = sample_run.out_dir / "site"
    validator = ninjs_schema()
    published, _ = published_and_held(sample_run)
    documents = sorted((site / DAY).glob("*.ninjs.json"))
    assert {p.name.removesuffix(".ninjs.json") for p in documents} == published
    assert not list((sample_run.out_dir / "desk").rglob("*.ninjs.json"))
    for path in documents:
        document = json.loads(path.read_text())
        errors = [e.message for e in validator.iter_errors(document)]
        assert not errors, (path.name, errors[:3])
        sidecar = sidecar_of(path.with_name(path.name.replace(".ninjs.json", ".md")))
        assert document["uri"] == f"https://newsdesk.example.invalid/{DAY}/{sidecar.slug}.html"
        assert document["version"] == "1" and document["pubstatus"] == "usable"
        assert document["headlines"] == [{"value": sidecar.title}]
        assert (
            document["bodies"][0]["contenttype"] == "text/html"
            and "<h1" not in document["bodies"][0]["value"]
        )
        literals = {s["literal"] for s in document.get("subjects", [])}
        assert {f"ticker:{t}" for t in sidecar.tickers} <= literals
        assert "embargoed" not in document and "ednote" not in document
    helix = json.loads((site / DAY / "helix-microdevices-alpha-score-2026-11-20.ninjs.json").read_text())
    assert {
        "name": "Information Technology",
        "literal": "sector:Information Technology",
        "rel": "sector",
    } in (helix["subjects"])
    feed = json.loads((site / "ninjs.json").read_text())
    assert not list(validator.iter_errors(feed))
    assert feed["type"] == "composite" and len(feed["associations"]) == len(in_feeds(sample_run))


def news_sitemap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemaps.xsd")))


def test_the_news_sitemap_validates_and_lists_the_last_two_days(
    sample_run, tmp_path, make_article, publish_articles, site_config
):
    out = tmp_path / "out"
    shutil.copytree(sample_run.out_dir, out, symlinks=True)
    for date, slug in ((dt.date(2026, 11, 19), "a-day-before"), (dt.date(2026, 11, 17), "three-days-before")):
        publish_articles(out, date, [make_article(slug, date)])
    document = etree.parse(str(out / "site" / "news-sitemap.xml"))
    schema = news_sitemap_schema()
    assert schema.validate(document), schema.error_log
    locs = [loc.text for loc in document.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any("a-day-before" in loc for loc in locs) and not any("three-days-before" in loc for loc in locs)
    published = sum(a.verdict is Verdict.PUBLISH for a in sample_run.articles)
    assert len(locs) == published + 1  # today's stories, and yesterday's
    name = document.find(".//{http://www.google.com/schemas/sitemap-news/0.9}name")
    assert name.text == "Newsdesk"


def test_the_news_sitemap_stops_at_1000_stories():
    entries = read_index(Layout(Path("nowhere")))  # none: recent() of nothing is nothing
    assert recent(entries) == []
    from generator.catalog import IndexEntry
    from generator.models import Release

    moment = dt.datetime(2026, 11, 20, 22, tzinfo=dt.UTC)
    many = [
        IndexEntry(
            f"s{i}",
            DAY,
            "k",
            "T",
            "publish",
            False,
            f"site/{DAY}/s{i}.md",
            "",
            (),
            "site",
            release=Release(
                created=moment - dt.timedelta(seconds=i),
                first_created=moment - dt.timedelta(seconds=i),
                published=moment - dt.timedelta(seconds=i),
            ),
        )
        for i in range(1200)
    ]
    assert len(recent(many)) == MAX_URLS and recent(many)[0].slug == "s0"


# ------------------------------------------------------------------------------------------ embargoes


def embargoed_editorial(tmp_path: Path, until: str) -> Path:
    folder = tmp_path / "editorial"
    shutil.copytree(resource_dir("editorial"), folder)
    themes = folder / "themes.yaml"
    text = themes.read_text("utf-8")
    anchor = "  - id: gpu-infrastructure-asset-class\n"
    themes.write_text(text.replace(anchor, f"{anchor}    embargo_until: {until}\n", 1), "utf-8")
    return folder


def in_any_site_file(site: Path, slug: str) -> list[str]:
    return [p.name for p in site_files(site) if slug in p.read_text("utf-8")]


def test_an_embargoed_story_waits_on_the_desk_and_a_later_run_releases_it(tmp_path):
    editorial = embargoed_editorial(tmp_path, "2026-11-21T14:30:00Z")
    out = tmp_path / "out"
    before = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
    run(out, editorial_dir=editorial, now=before)
    draft = out / "desk" / DAY / f"{THEME}.md"
    meta = front_matter(draft)
    assert meta["draft"] is True and meta["status"] == "draft" and meta["verdict"] == "publish"
    assert meta["embargo_until"] == dt.datetime(2026, 11, 21, 14, 30, tzinfo=dt.UTC)
    assert in_any_site_file(out / "site", THEME) == []  # not in a page, a feed, ninjs or the sitemap
    held_copy = {p: p.read_bytes() for p in sorted(readable(out)) if p.is_file() and "runs" not in p.parts}
    run(out, editorial_dir=editorial, now=before)  # rerun before the embargo: the same bytes
    assert {p: p.read_bytes() for p in sorted(readable(out)) if p.is_file() and "runs" not in p.parts} == (
        held_copy
    )

    after = dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC)
    run(out, editorial_dir=editorial, now=after)
    assert not draft.exists()
    released = out / "site" / DAY / f"{THEME}.md"
    assert front_matter(released)["draft"] is False
    sidecar = sidecar_of(released)
    assert sidecar.release.published >= dt.datetime(2026, 11, 21, 14, 30, tzinfo=dt.UTC)
    assert sidecar.release.published < dt.datetime(2026, 11, 21, 14, 32, tzinfo=dt.UTC)
    ninjs = json.loads(released.with_name(f"{THEME}.ninjs.json").read_text())
    assert ninjs["embargoed"] == "2026-11-21T14:30:00Z"
    assert not list(ninjs_schema().iter_errors(ninjs))
    items = json.loads((out / "site" / "feed.json").read_text())["items"]
    assert any(item["id"].endswith(f"/{THEME}.html") for item in items)
    # The release happened once: a fresh run after the embargo writes the same bytes.
    fresh = tmp_path / "fresh"
    run(fresh, editorial_dir=editorial, now=after)
    assert released.read_bytes() == (fresh / "site" / DAY / f"{THEME}.md").read_bytes()
    assert (out / "site" / "feed.json").read_bytes() == (fresh / "site" / "feed.json").read_bytes()


def test_an_embargo_ends_on_a_run_for_another_date(tmp_path, make_article, publish_articles, site_config):
    out = tmp_path / "out"
    until = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)
    publish_articles(
        out,
        AS_OF,
        [make_article("held-for-the-open", embargo_until=until)],
        now=until - dt.timedelta(hours=1),
    )
    assert (out / "desk" / DAY / "held-for-the-open.md").is_file()
    later = dt.date(2026, 11, 21)
    publish_articles(out, later, [make_article("next-day-story", later)], now=until + dt.timedelta(hours=10))
    assert (out / "site" / DAY / "held-for-the-open.md").is_file()
    assert not (out / "desk" / DAY).exists()  # its only draft left: the folder goes too
    ids = [item["id"] for item in json.loads((out / "site" / "feed.json").read_text())["items"]]
    assert any(i.endswith("/held-for-the-open.html") for i in ids)


def test_approving_an_embargoed_story_keeps_it_on_the_desk_until_the_embargo_ends(
    tmp_path, make_article, publish_articles, site_config
):
    out = tmp_path / "out"
    until = dt.datetime(2026, 11, 21, 14, 30, tzinfo=dt.UTC)
    early = until - dt.timedelta(hours=2)
    publish_articles(
        out, AS_OF, [make_article("held-story", verdict=Verdict.REVIEW, embargo_until=until)], now=early
    )
    approve(load_settings(out=out, now=early), "held-story", by="kim")
    assert (out / "desk" / DAY / "held-story.md").is_file() and not (out / "site" / DAY).exists()
    assert front_matter(out / "desk" / DAY / "held-story.md")["approved"] is True
    publish_articles(out, dt.date(2026, 11, 21), [make_article("next-day", dt.date(2026, 11, 21))], now=until)
    released = out / "site" / DAY / "held-story.md"
    assert released.is_file() and sidecar_of(released).approval.by == "kim"


# ------------------------------------------------------------------------------------------- versions


def test_a_rerun_that_changes_a_published_story_makes_a_new_version_with_a_correction(
    tmp_path, make_article, publish_articles, site_config
):
    out = tmp_path / "out"
    first_run = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
    publish_articles(out, AS_OF, [make_article("story", title="Shares rise")], now=first_run)
    first = sidecar_of(out / "site" / DAY / "story.md").release
    assert first.version == 1 and first.published == dt.datetime(2026, 11, 20, 22, 0, tzinfo=dt.UTC)
    second_run = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
    publish_articles(out, AS_OF, [make_article("story", title="Shares rise")], now=second_run)  # same content
    assert sidecar_of(out / "site" / DAY / "story.md").release == first
    publish_articles(out, AS_OF, [make_article("story", title="Shares rise, revised")], now=second_run)
    second = sidecar_of(out / "site" / DAY / "story.md").release
    assert second.version == 2 and second.created == second_run and second.published == first.published
    ninjs = json.loads((out / "site" / DAY / "story.ninjs.json").read_text())
    assert ninjs["version"] == "2" and ninjs["ednote"].startswith("Correction: version 2 replaces version 1")
    (item,) = json.loads((out / "site" / "feed.json").read_text())["items"]
    assert (
        item["date_published"] == "2026-11-20T22:00:00Z" and item["date_modified"] == "2026-11-21T09:30:00Z"
    )


def test_a_page_turns_no_source_into_an_active_or_outside_link(site_config):
    from generator.models import Release, SourceRef
    from generator.site.pages import ArticlePage, render_article_page

    moment = dt.datetime(2026, 11, 20, 22, tzinfo=dt.UTC)
    sources = [
        SourceRef(
            id="a", title="<script>alert(1)</script>", url="javascript:alert(1)", path="../../etc/passwd"
        ),
        SourceRef(id="b", title="Fine", url="https://example.invalid/x", path="sources/b.txt"),
    ]
    page = render_article_page(
        ArticlePage(
            slug="s",
            date=AS_OF,
            title="T </script><script>alert(2)</script>",
            body="Body.",
            summary="Body.",
            tickers=["HLXM"],
            sources=sources,
            release=Release(created=moment, first_created=moment, published=moment),
            draft=False,
        ),
        site_config,
    )
    assert "javascript:" not in page and "../../etc/passwd" not in page and "<script>alert" not in page
    assert '<a href="https://example.invalid/x"' in page and '<a href="sources/b.txt">' in page
    json_ld = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(json_ld)["headline"] == "T </script><script>alert(2)</script>"


def test_the_located_setting_reaches_the_ninjs_documents(sample_run, site_config):
    from generator.site.ninjs import story_document

    md = sample_run.out_dir / "site" / DAY / f"{THEME}.md"
    config = dataclasses.replace(site_config, located="New York")
    document = story_document(
        sidecar_of(md), body_html="<p>x</p>", summary="x", embargo_until=None, config=config
    )
    assert document["located"] == "New York" and not list(ninjs_schema().iter_errors(document))
    assert "located" not in json.loads(md.with_name(f"{THEME}.ninjs.json").read_text())  # unset by default
