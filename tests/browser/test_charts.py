"""Charts render in a real headless browser: the image loads, has its size, and looks the same on
a rerun (the screenshots of the drawn chart are identical)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.config import load_settings
from generator.pipeline import build

pytestmark = pytest.mark.browser

DAY = "2026-11-20"
PAGES = ("cohort-performance", "meridian-80-market-movers", "gpu-infrastructure-asset-class")


def shoot(context, page_path: Path, shot: Path) -> dict:
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_path.as_uri())
    image = page.locator("main img")
    image.wait_for()
    loaded = image.evaluate(
        "i => i.complete && i.naturalWidth > 0 ? [i.naturalWidth, i.naturalHeight] : null"
    )
    image.screenshot(path=str(shot))
    alt = image.get_attribute("alt")
    page.close()
    return {"loaded": loaded, "alt": alt, "requests": requests}


@pytest.fixture(scope="module")
def rerun(tmp_path_factory) -> Path:
    """A second run of the sample, in a folder of its own."""
    out = tmp_path_factory.mktemp("rerun") / "out"
    build(load_settings(out=out, jobs=1, quiet=True))
    return out


@pytest.mark.parametrize("name", PAGES)
def test_charts_render_and_rerender_identically(browser_context, sample_run, rerun, tmp_path, name):
    shots = []
    for number, out in enumerate((sample_run.out_dir, rerun)):
        page_path = out / "site" / DAY / f"{name}-{DAY}.html"
        shot = tmp_path / f"{name}-{number}.png"
        seen = shoot(browser_context, page_path, shot)
        assert seen["loaded"] and seen["loaded"][0] > 300 and seen["loaded"][1] > 150
        assert seen["alt"] and "chart" in seen["alt"].lower()
        assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
        shots.append(shot.read_bytes())
    assert shots[0] == shots[1]
    svg = f"{name}-{DAY}.svg"
    assert (sample_run.out_dir / "site" / DAY / svg).read_bytes() == (rerun / "site" / DAY / svg).read_bytes()
    artifacts = os.environ.get("NEWSDESK_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy2(tmp_path / f"{name}-0.png", Path(artifacts) / f"chart-{name}.png")
