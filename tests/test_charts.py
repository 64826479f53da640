"""Charts: drawn from the facts the sidecar lists, byte for byte the same on a rerun, checked.

The rendering itself is seen in a real browser in tests/browser/test_charts.py.
"""

from __future__ import annotations

import re
import shutil

import pytest

from generator.charts import draw_svg
from generator.checks import Checker, load_rules
from generator.models import CHART_DIGEST_MARK, Sidecar, chart_digest
from generator.site.pages import absolute_images, body_html

DAY = "2026-11-20"
CHARTED = ("market_movers", "cohort_performance", "thematic")


def charted(out):
    found = []
    for path in sorted(out.glob(f"site/{DAY}/*.json")):
        if path.name.endswith(".ninjs.json"):
            continue
        sidecar = Sidecar.model_validate_json(path.read_text())
        if sidecar.kind in CHARTED:
            found.append((path.with_suffix(".md"), sidecar))
    return found


def test_cohort_movers_and_thematic_stories_carry_a_chart_of_their_facts(sample_run):
    stories = charted(sample_run.out_dir)
    assert sorted(s.kind for _, s in stories) == sorted(CHARTED)
    for md, sidecar in stories:
        (chart,) = sidecar.charts
        facts = {f.id: f for f in sidecar.facts}
        svg = (md.parent / chart.file).read_text()
        assert chart.file == f"{sidecar.slug}.svg" and f"{CHART_DIGEST_MARK}{chart.digest}" in svg
        assert chart.digest == chart_digest(chart.series)
        for series in chart.series:
            for point in series.points:
                if point.fact:
                    assert point.value == facts[point.fact].value
                    assert facts[point.fact].display in chart.alt  # alt text from the same facts
            if series.fact:
                assert series.points[-1].value == pytest.approx(facts[series.fact].value, abs=1e-9)
                assert facts[series.fact].display in chart.alt
        body = md.read_text()
        assert f"]({chart.file})" in body  # the markdown references it
        page = md.with_suffix(".html").read_text()
        assert f'src="{chart.file}"' in page and f'alt="{chart.alt[:40]}' in page.replace("&#39;", "'")


def test_the_cohort_chart_draws_each_cohort_and_the_benchmark_since_the_start(sample_run):
    (cohort,) = [s for _, s in charted(sample_run.out_dir) if s.kind == "cohort_performance"]
    (chart,) = cohort.charts
    subjects = [series.subject for series in chart.series]
    assert subjects[-1] == "benchmark:MRDX" and all(s.startswith("cohort:") for s in subjects[:-1])
    # AP: a full date inside a sentence is set off by commas on both sides.
    assert "from Dec. 31, 2025, to Nov. 20, 2026, ending at:" in chart.alt
    assert {series.points[0].label for series in chart.series} == {"2025-12-31"}
    assert {series.points[0].value for series in chart.series} == {0.0}  # cumulative from the start
    assert all(series.points[-1].label == DAY for series in chart.series)


def test_charts_are_byte_identical_from_one_drawing_to_the_next(sample_run):
    for md, sidecar in charted(sample_run.out_dir):
        chart = sidecar.charts[0]
        assert draw_svg(chart) == (md.parent / chart.file).read_text()


def test_a_drawn_chart_has_no_timestamp_or_random_ids(sample_run):
    for md, sidecar in charted(sample_run.out_dir):
        svg = (md.parent / sidecar.charts[0].file).read_text()
        assert "<dc:date>" not in svg and "<script" not in svg
        ids = re.findall(r'id="([^"]+)"', svg)
        assert ids and all(not re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_the_checker_reports_a_missing_chart_and_one_drawing_other_data(sample_run, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sample_run.out_dir, out)
    checker = Checker(load_rules())
    (md, sidecar) = next((m, s) for m, s in charted(out) if s.kind == "market_movers")
    assert not [f for f in checker.check_file(md).report.findings if f.rule.startswith("charts.")]
    svg = md.parent / sidecar.charts[0].file
    svg.write_text(svg.read_text().replace(sidecar.charts[0].digest, "0" * 64))
    rules = [f.rule for f in checker.check_file(md).report.findings]
    assert "charts.data" in rules
    svg.unlink()
    findings = checker.check_file(md).report.findings
    assert [f.rule for f in findings if f.rule.startswith("charts.")] == ["charts.missing"]
    assert all(f.severity.value == "error" for f in findings if f.rule == "charts.missing")


def test_pages_show_only_the_articles_own_charts():
    body = "Text.\n\n![ours](a-story.svg)\n\n![theirs](https://tracker.example/pixel.svg)\n"
    html = body_html(body, ["a-story.svg"])
    assert 'src="a-story.svg"' in html and "tracker.example" not in html
    assert "<img" not in body_html(body)  # an article without charts shows no image at all
    assert (
        absolute_images(html, "https://n.example/2026-11-20/").count(
            'src="https://n.example/2026-11-20/a-story.svg"'
        )
        == 1
    )


def test_feeds_and_wires_carry_the_chart_at_its_address(sample_run):
    feed = (sample_run.out_dir / "site" / "feed.json").read_text()
    ninjs = (
        sample_run.out_dir / "site" / DAY / "meridian-80-market-movers-2026-11-20.ninjs.json"
    ).read_text()
    address = f"https://newsdesk.example.invalid/{DAY}/meridian-80-market-movers-2026-11-20.svg"
    assert address in feed and address in ninjs
