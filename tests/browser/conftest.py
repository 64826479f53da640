"""A headless Debian chromium driven by playwright (no browser download); skipped when either is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # otherwise it makes (refused) connections of its own
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    if not CHROMIUM.is_file():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 1000},
        )
        yield context
        context.close()


# ---------------------------------------------------------------------------------- the desk server

DAY = "2026-11-20"
MISQUOTED = "thinkloom-alpha-score-2026-11-20"  # held for "lawsuit"; its quoted headline gets a changed word
TO_REJECT = "brookmere-financial-alpha-score-2026-11-20"
EVIL = "cairnmoor-mining-alpha-score-2026-11-20"  # quotes a source that holds a <script>
HEADLINE = "Thinkloom faces shareholder lawsuit over disclosures."
SCRIPT = "<script>alert(1)</script>"
EVIL_SOURCE = (
    "Cairnmoor field note\n"
    "kind: news\n\n"
    f"The site manager said {SCRIPT} the new shaft will open faster than planned.\n"
)


def edit_and_recheck(out: Path, slug: str, change) -> None:
    """Edit an article's markdown where it lies, then re-check it with `newsdesk recheck`."""
    from generator.catalog import read_index
    from generator.config import load_settings
    from generator.layout import Layout
    from generator.review import recheck

    entry = next(e for e in read_index(Layout(out)) if e.slug == slug)
    md = out / entry.path
    md.write_text(change(md.read_text()))
    recheck(load_settings(out=out), slug, by="setup")


@pytest.fixture(scope="session")
def desk_template(sample_run, tmp_path_factory) -> Path:
    """The sample run with one quoted headline misquoted (blocked) and one article quoting a source
    that holds a <script> (blocked too: its quote does not match either)."""
    import shutil

    out = tmp_path_factory.mktemp("desk-template") / "out"
    shutil.copytree(sample_run.out_dir, out, symlinks=True)
    edit_and_recheck(out, MISQUOTED, lambda t: t.replace(HEADLINE, HEADLINE.replace("faces", "fights")))
    folder = out / "desk" / DAY
    (folder / "sources" / "cairnmoor-field-note.txt").write_text(EVIL_SOURCE)

    def add_evil_quote(text: str) -> str:
        listed = (
            'sources:\n    - id: "cairnmoor-field-note"\n      title: "Cairnmoor field note"\n'
            '      path: "sources/cairnmoor-field-note.txt"\n'
        )
        quote = (
            f"“The site manager said {SCRIPT} the new shaft will open sooner than planned,” a note says.\n\n"
        )
        text = text.replace("sources:\n", listed, 1)
        return text.replace("\n## ", f"\n{quote}## ", 1)  # before the body's first section

    edit_and_recheck(out, EVIL, add_evil_quote)
    return out


@pytest.fixture
def desk_out(desk_template, tmp_path) -> Path:
    """A private copy of the desk template for a test that changes it."""
    import shutil

    return Path(shutil.copytree(desk_template, tmp_path / "out", symlinks=True))


class DeskProcess:
    """`newsdesk serve` running in a child process: its address, its token, its output."""

    def __init__(self, out: Path, *args: str, env: dict[str, str] | None = None) -> None:
        import os
        import subprocess
        import sys

        command = [
            sys.executable,
            "-m",
            "generator",
            "serve",
            str(out),
            "--port",
            "0",
            "--by",
            "desk-test",
            *args,
        ]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        line = self._first_line()
        address = line.rsplit(" at ", 1)[1].strip()
        self.url, _, token = address.partition("?token=")
        self.token = token or None

    def _first_line(self, timeout: float = 30) -> str:
        import selectors

        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            self.stop()
            raise AssertionError(f"newsdesk serve printed nothing in {timeout} s")
        line = self.process.stdout.readline()
        if not line:
            self.stop()
            raise AssertionError(f"newsdesk serve exited: {self.process.stderr.read()}")
        return line

    @property
    def port(self) -> int:
        return int(self.url.rstrip("/").rsplit(":", 1)[1])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except Exception:
                self.process.kill()
                self.process.wait(5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


@pytest.fixture
def start_desk():
    """start_desk(out, *args) -> a running DeskProcess, stopped after the test."""
    started: list[DeskProcess] = []

    def start(out: Path, *args: str, env: dict[str, str] | None = None) -> DeskProcess:
        desk = DeskProcess(out, *args, env=env)
        started.append(desk)
        return desk

    yield start
    for desk in started:
        desk.stop()


@pytest.fixture
def screenshot(tmp_path):
    """screenshot(page, name): a PNG under the test's tmp_path, copied to $NEWSDESK_TEST_ARTIFACTS
    when that is set (CI sets it, so the pictures are kept as test artefacts)."""
    import os
    import shutil

    def take(page, name: str, *, full_page: bool = True) -> Path:
        shot = tmp_path / f"{name}.png"
        page.screenshot(path=str(shot), full_page=full_page)
        artifacts = os.environ.get("NEWSDESK_TEST_ARTIFACTS")
        if artifacts:
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            shutil.copy2(shot, Path(artifacts) / shot.name)
        return shot

    return take


@pytest.fixture(scope="session")
def desk_case():
    """The names the desk tests share: which article is misquoted, which is to be rejected, which is evil."""
    from types import SimpleNamespace

    return SimpleNamespace(
        day=DAY, misquoted=MISQUOTED, to_reject=TO_REJECT, evil=EVIL, headline=HEADLINE, script=SCRIPT
    )
