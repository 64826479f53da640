"""End to end: what every generated article must satisfy, on both snapshots and on odd small universes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from output_tree import readable

from generator.config import load_settings
from generator.models import Sidecar, Verdict
from generator.pipeline import build
from generator.resources import resource_dir
from generator.writing.phrasing import load_writing_rules

RULES = load_writing_rules(resource_dir("rules"))
LEAKS = re.compile(r"\b(?:nan|NaN|None|inf|Infinity)\b|\{\{|\}\}|\{%|%\}")
FIGURE = r"(-?[\d,]+(?:\.\d+)?)(%| percentage points?)"


def verb_phrases() -> list[tuple[str, int]]:
    """Every directional verb form in the rules with its direction (+1 rising, -1 falling)."""
    phrases = []
    for band in RULES.moves.bands:
        direction = 1 if band.above is not None and band.above >= 0 else -1
        phrases += [(verb, direction) for tense in (band.past, band.present, band.perfect) for verb in tense]
    words = RULES.relative
    for tenses, direction in ((words.ahead, 1), (words.behind, -1)):
        phrases += [(verb, direction) for verb in (*tenses.past, *tenses.present, *tenses.perfect)]
    return sorted(set(phrases), key=lambda p: -len(p[0]))


VERBS = verb_phrases()


def verb_problems(text: str, sidecar: Sidecar) -> list[str]:
    """A directional verb must not meet a zero, a signed figure, or a fact of the opposite sign.

    Prose figures are unsigned ("fell 3.2%"); the sign lives in the fact the figure was rendered from.
    """
    signs: dict[str, set[int]] = {}
    for fact in sidecar.facts:
        shown = fact.display.split(" ")[0]
        signs.setdefault(fact.display.lstrip("-"), set()).add(-1 if shown.startswith("-") else 1)
    problems = []
    for verb, direction in VERBS:
        for match in re.finditer(rf"\b{re.escape(verb)}\b(?: [^.;:]*? by)? {FIGURE}", text):
            figure = match.group(1) + match.group(2)
            zero_or_signed = float(match.group(1).replace(",", "")) == 0 or match.group(1).startswith("-")
            wrong_way = figure in signs and direction not in signs[figure]
            if zero_or_signed or wrong_way:
                problems.append(match.group(0))
    return problems


def check_articles(out: Path) -> list[Path]:
    articles = sorted(out.glob("*/*/*.md"))  # site/<date>/ and desk/<date>/
    for path in articles:
        text = path.read_text()
        sidecar = Sidecar.model_validate_json(path.with_suffix(".json").read_text())
        assert not LEAKS.search(text), f"{path.name}: {LEAKS.search(text).group()!r}"
        assert not verb_problems(text, sidecar), f"{path.name}: {verb_problems(text, sidecar)}"
        assert (
            "AI-drafted from named sources and checked against Newsdesk publishing rules before release."
            in text
        )
        families = {f.rule.split(".")[0] for f in sidecar.findings}
        assert not families & {"quotes", "numbers", "claims"}, (
            f"{path.name}: generated text must trace and say what its facts mean: {sidecar.findings}"
        )
    return articles


def test_sample_articles_trace_and_read_right(sample_run):
    articles = check_articles(sample_run.out_dir)
    assert len(articles) == len(sample_run.articles) >= 20
    held = {a.slug: a.reasons for a in sample_run.articles if a.verdict is not Verdict.PUBLISH}
    assert "risk.low_coverage" in held["cairnmoor-mining-alpha-score-2026-11-20"]  # 2 of 4 signals
    # the planted 4-for-1 split is in actions.csv: prices are adjusted, so the brief is a normal one
    skyhollow = sample_run.out_dir / "site" / "2026-11-20" / "skyhollow-aerospace-alpha-score-2026-11-20.md"
    assert "skyhollow-aerospace-alpha-score-2026-11-20" not in held
    assert "The stock split 4-for-1 on Sept. 25" in skyhollow.read_text()


def test_sp500_gets_a_brief_per_scored_ticker_a_movers_and_a_sector_story(sp500_run):
    articles = check_articles(sp500_run.out_dir)
    kinds = [a.kind for a in sp500_run.articles]
    assert kinds.count("market_movers") == 1 and kinds.count("cohort_performance") == 1
    briefs = {}
    for path in articles:
        sidecar = json.loads(path.with_suffix(".json").read_text())
        if sidecar["kind"] == "alpha_brief":
            briefs[sidecar["tickers"][0]] = sidecar["scores"][0]["score"]
    # 493 tickers have prices; LVLT stopped trading on Oct. 31, so it has no close as of Nov. 10; five
    # companies trade as two share classes (GOOGL and GOOG ...), and each gets one brief, led by class A
    classes = {"GOOGL": "GOOG", "NWSA": "NWS", "FOXA": "FOX", "DISCA": "DISCK", "UAA": "UA"}
    assert len(briefs) == 493 - 1 - len(classes) and "LVLT" not in briefs
    assert set(classes) <= set(briefs) and not set(classes.values()) & set(briefs)
    alphabet = (
        sp500_run.out_dir / "site" / "2017-11-10" / "alphabet-inc-alpha-score-2017-11-10.md"
    ).read_text()
    # the lede's price is the Class A stock's, so it names that class alone (the Class C has its own line)
    assert "Alphabet Inc.'s Class A stock (GOOGL)" in alphabet and "Its Class C stock (GOOG)" in alphabet
    assert briefs["BRK.B"] is None and briefs["BF.B"] is None  # held: too few signals
    cohort = (sp500_run.out_dir / "site" / "2017-11-10" / "cohort-performance-2017-11-10.md").read_text()
    assert "Information Technology" in cohort and "sector" in cohort


@pytest.mark.parametrize("n_tickers", [10, 25])
def test_small_universes_still_write_valid_articles(tmp_path, n_tickers):
    from generator.market.sample.generate import write_sample

    snapshot = write_sample(tmp_path / "snap", n_tickers=n_tickers, years=1.5, seed=7)
    result = build(load_settings(snapshot=snapshot, out=tmp_path / "out", jobs=1, quiet=True))
    assert len(result.articles) >= n_tickers
    check_articles(tmp_path / "out")


def test_jobs_do_not_change_the_output(tmp_path):
    one = build(load_settings(out=tmp_path / "one", jobs=1, quiet=True))
    two = build(load_settings(out=tmp_path / "two", jobs=2, quiet=True))
    assert len(one.articles) == len(two.articles)
    files = sorted(p.relative_to(tmp_path / "one") for p in readable(tmp_path / "one") if p.is_file())
    files = [f for f in files if f.parts[:2] != ("desk", "runs") and not f.name.startswith(".")]
    assert files
    for relative in files:
        assert (tmp_path / "one" / relative).read_bytes() == (tmp_path / "two" / relative).read_bytes(), (
            relative
        )


def test_stocks_with_prices_but_no_fundamentals_are_written_up_by_ticker(tmp_path, sample_dir):
    import shutil

    snapshot = shutil.copytree(sample_dir, tmp_path / "snap")
    fundamentals = (snapshot / "fundamentals.csv").read_text().splitlines()
    kept = [line for line in fundamentals if not line.startswith(("HLXM,", "SKHA,"))]
    (snapshot / "fundamentals.csv").write_text("\n".join(kept) + "\n")
    result = build(load_settings(snapshot=snapshot, out=tmp_path / "out", jobs=1, quiet=True))
    check_articles(tmp_path / "out")
    brief = next(a for a in result.articles if a.kind == "alpha_brief" and "hlxm" in a.slug)
    assert brief.path.read_text().count("HLXM (HLXM)") == 1  # named by its ticker, sector unknown


@pytest.mark.parametrize(("plans", "jobs"), [(5003, 2), (100, 2), (30, 4), (7, 4), (20000, 8)])
def test_work_goes_out_in_order_in_chunks_that_shrink_towards_the_end(plans, jobs):
    from generator.pipeline import _chunks

    chunks = _chunks(list(range(plans)), jobs)
    assert [plan for chunk in chunks for plan in chunk] == list(range(plans))
    sizes = [len(chunk) for chunk in chunks]
    assert max(sizes) <= 200 and sizes == sorted(sizes, reverse=True) and sizes[-1] <= 10
    assert len(chunks) >= jobs  # every worker gets some
    expected = {
        # an eighth of what is left for each worker: 5,003 // 16 and 3,203 // 16 are over 200,
        # 3,003 // 16 = 187; at the end, chunks of 10 until a worker's share is less
        5003: [200] * 10 + [187],
        # 100 // 16 is under 10: chunks of 10 until 10 are left, then half of what is left
        100: [10] * 9 + [5, 3, 1, 1],
        30: [8, 6, 4, 3, 3, 2, 1, 1, 1, 1],  # a quarter of what is left, rounded up
        7: [2, 2, 1, 1, 1],
    }.get(plans)
    if expected:
        assert sizes[: len(expected)] == expected
    assert _chunks([], jobs) == []
