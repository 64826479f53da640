"""Fixtures shared by every test module.

Tests that read ../shared (real S&P 500 data) skip cleanly when it is absent: a user's clone has none.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# A user's own NEWSDESK_* settings must not change what the tests see (golden output, exit codes).
for _name in [n for n in os.environ if n.startswith("NEWSDESK_")]:
    if _name not in ("NEWSDESK_SHARED_DIR", "NEWSDESK_TEST_ARTIFACTS", "NEWSDESK_TEST_TOOLS"):
        del os.environ[_name]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("NEWSDESK_SHARED_DIR", REPO_ROOT.parent / "shared"))
SP500_DIR = SHARED_DIR / "data" / "sp500-2017-11"


@pytest.fixture(scope="session")
def sp500_dir() -> Path:
    """The real S&P 500 snapshot as of 2017-11-10, or a skip when ../shared is not there."""
    if not (SP500_DIR / "manifest.json").is_file():
        pytest.skip(f"shared data not found at {SP500_DIR}")
    return SP500_DIR


@pytest.fixture(scope="session")
def sp500_snapshot(sp500_dir):
    from generator.market.snapshot import load_snapshot

    return load_snapshot(sp500_dir)


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    from generator.resources import sample_snapshot_dir

    return sample_snapshot_dir()


@pytest.fixture(scope="session")
def sample_snapshot(sample_dir):
    from generator.market.snapshot import load_snapshot

    return load_snapshot(sample_dir)


def pytest_collection_modifyitems(items):
    """Mark every test that runs the whole pipeline `pipeline`: the mutation job (docs/mutation.md)
    leaves them out, since each would rebuild a run for every mutant it covers."""
    for item in items:
        if {"sample_run", "sp500_run"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pipeline)


def pytest_addoption(parser):
    parser.addoption(
        "--kill-runs",
        type=int,
        default=0,
        help="also kill N runs after a random delay and check each output is whole (tests/test_kills.py)",
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden from the current output instead of comparing (see tests/test_golden.py)",
    )


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """One pipeline run over the bundled sample, shared by the tests that only read its output."""
    from generator.config import load_settings
    from generator.pipeline import build

    out = tmp_path_factory.mktemp("sample-run") / "output"
    return build(load_settings(out=out, jobs=1, quiet=True))


@pytest.fixture(scope="session")
def sp500_run(sp500_dir, tmp_path_factory):
    from generator.config import load_settings
    from generator.pipeline import build

    out = tmp_path_factory.mktemp("sp500-run") / "output"
    return build(load_settings(snapshot=sp500_dir, out=out, jobs=2, quiet=True))


# ------------------------------------------------------------------------------ publishing by hand


@pytest.fixture(scope="session")
def site_config():
    """The site settings a default run uses."""
    from generator.config import load_settings
    from generator.site import SiteConfig

    return SiteConfig.from_settings(load_settings())


@pytest.fixture(scope="session")
def make_article():
    """A factory of small checked articles: make_article(slug, date, verdict, **front_matter)."""
    import datetime as dt

    from generator.models import Article, FrontMatter, Sidecar, Verdict
    from generator.publish import CheckedArticle, content_hash

    def make(slug: str, date: dt.date = dt.date(2026, 11, 20), verdict=Verdict.PUBLISH, **front):
        title = front.pop("title", "A story")
        matter = FrontMatter(title=title, slug=slug, date=date, kind="alpha_brief", **front)
        text = Article(front_matter=matter, body="The first paragraph of the story.\n").to_markdown()
        sidecar = Sidecar(
            slug=slug,
            title=title,
            date=date,
            kind="alpha_brief",
            verdict=verdict,
            content_hash=content_hash(text),
        )
        return CheckedArticle(text, sidecar, matter.embargo_until)

    return make


@pytest.fixture(scope="session")
def publish_articles(site_config):
    """publish_articles(out, date, articles, now=..., config=...): what one run for `date` writes."""
    import datetime as dt

    from generator.changeset import output_lock
    from generator.publish import RunWriter

    def publish(out, date, articles, now=dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC), config=site_config):
        with output_lock(out):
            slugs = [a.slug for a in articles]
            writer = RunWriter(out, date, slugs, config=config, now=now, release_time=dt.time(22))
            entries = [writer.write(article) for article in articles]
            return writer.commit(entries, {a.slug: a.cited for a in articles}, {})

    return publish


@pytest.fixture(scope="session")
def npm_tool():
    """Find a file under $NEWSDESK_TEST_TOOLS/node_modules, where .ci/run installs the npm tools some
    tests run (the SARIF Multitool, GitHub's action parser); the test skips when it is not there."""

    def find(*parts: str) -> Path:
        root = os.environ.get("NEWSDESK_TEST_TOOLS")
        path = Path(root, "node_modules", *parts) if root else None
        if path is None or not path.exists():
            pytest.skip(
                f"npm package {'/'.join(parts[:2])} not found: npm install --prefix DIR it and set "
                "NEWSDESK_TEST_TOOLS=DIR (.ci/run does)"
            )
        return path

    return find
