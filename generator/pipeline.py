"""The whole run, top to bottom: snapshot -> facts -> scores -> articles -> check -> publish.

`build()` gathers everything first and writes last. Every stage takes typed inputs and returns typed
outputs; only `publish` touches the output folder. Rendering and checking — the per-article work —
run in worker processes (`jobs`); each worker inherits the prepared newsroom and checker by fork, so
templates are compiled, rules loaded and sources indexed once, and output does not depend on `jobs`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator import __version__
from generator.checks import Checker, load_rules
from generator.checks.selection import configured_selection
from generator.config import Settings
from generator.facts import compute_facts, load_fact_rules
from generator.market.snapshot import Manifest, Snapshot, SourceDocument, load_snapshot
from generator.models import Severity, Sidecar, Verdict
from generator.publish import (
    REVIEW_PAGE,
    ArticleOutput,
    IndexEntry,
    RunWriter,
    first_paragraph,
    output_lock,
    render_html,
    update_index,
    write_feeds,
    write_run_record,
)
from generator.scoring import ScoringRules, compute_scores, load_lexicon, load_scoring_rules
from generator.slugs import slugify
from generator.writing.editorial import Editorial, load_editorial
from generator.writing.phrasing import load_writing_rules
from generator.writing.render import ArticleWriter
from generator.writing.sources import SourceLibrary, source_ref
from generator.writing.stories import ArticlePlan, Newsroom, theme_baskets

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Written:
    """What a worker reports about an article it wrote: enough for the index and the summary."""

    entry: IndexEntry
    reasons: tuple[str, ...]  # rule ids of error and review findings
    sources: tuple[str, ...]  # paths of the sources it cites, relative to the article


@dataclass(frozen=True)
class ArticleSummary:
    slug: str
    kind: str
    verdict: Verdict
    path: Path
    reasons: tuple[str, ...]  # rule ids of error and review findings


@dataclass(frozen=True)
class RunResult:
    """What a run did: for the summary table and for callers such as tests."""

    out_dir: Path
    as_of: dt.date
    snapshot_name: str
    fictional: bool
    articles: tuple[ArticleSummary, ...]
    feed_items: int
    seconds: float

    def count(self, verdict: Verdict) -> int:
        return sum(a.verdict is verdict for a in self.articles)


class Desk:
    """Everything prepared once per run that producing one article needs (shared with workers)."""

    def __init__(
        self,
        settings: Settings,
        manifest: Manifest,
        newsroom: Newsroom,
        checker: Checker,
        library: SourceLibrary,
    ) -> None:
        self.settings = settings
        self.manifest = manifest
        self.newsroom = newsroom
        self.checker = checker
        self.library = library
        self.as_of = manifest.as_of
        self.article_dir = settings.out / self.as_of.isoformat()

    def stage(self, plan: ArticlePlan, writer: RunWriter) -> Written:
        """Produce one article and stage its files (runs in a worker process)."""
        output = self.produce(plan)
        entry = writer.write(output)
        findings = output.sidecar.findings
        reasons = tuple(dict.fromkeys(f.rule for f in findings if f.severity is not Severity.INFO))
        return Written(entry, reasons, tuple(ref.path for ref in output.sidecar.sources if ref.path))

    def produce(self, plan: ArticlePlan) -> ArticleOutput:
        """Render, check and format one article; pure — nothing is written here."""
        article = self.newsroom.write(plan)
        draft = article.to_markdown()
        front = article.front_matter
        sidecar = Sidecar(
            slug=front.slug,
            title=front.title,
            date=front.date,
            kind=front.kind,
            tickers=front.tickers,
            sources=front.sources,
            facts=article.facts,
            scores=article.scores,
            generator_version=__version__,
        )
        path = self.article_dir / f"{plan.slug}.md"
        result = self.checker.check(draft, path=str(path), sidecar=sidecar, read_source=self.library.text_for)
        report = result.report
        published = result.fixed_text
        sidecar = sidecar.model_copy(
            update={
                "verdict": report.verdict,
                "findings": list(report.findings),
                "tables_dropped": list(report.tables_dropped),
                "content_hash": hashlib.sha256(published.encode("utf-8")).hexdigest(),
            }
        )
        body = published.split("\n---\n", 1)[1] if published.startswith("---\n") else published
        return ArticleOutput(
            slug=plan.slug,
            kind=plan.kind,
            title=front.title,
            verdict=report.verdict,
            markdown=published,
            html=render_html(body, front.title),
            sidecar=sidecar,
            summary=first_paragraph(body),
        )


def prepare(settings: Settings) -> Desk:
    """Load and compute everything the articles need: facts, scores, sources, templates, rules."""
    snapshot = load_snapshot(settings.snapshot)
    editorial = load_editorial(settings.editorial_dir)
    snapshot = _with_editorial_metadata(snapshot, editorial)
    rules_dir = settings.rules_dir
    scoring_rules = load_scoring_rules(rules_dir)
    since = editorial.desk.cohort_story.since or snapshot.prices["date"].min().date()
    facts = compute_facts(
        snapshot, load_fact_rules(rules_dir), since=[since], baskets=theme_baskets(editorial.themes)
    )
    scores = compute_scores(snapshot, facts, scoring_rules, load_lexicon(rules_dir))
    # Articles need figures, not price history: let the price table and matrices go before workers
    # fork, so they neither inherit nor touch them (a 5,000-stock history is most of a run's memory).
    facts.release_history()
    data_source = _data_source(snapshot)
    library = SourceLibrary.build((*snapshot.sources, data_source), _recent_news(snapshot, scoring_rules))
    writer = ArticleWriter(
        settings.templates_dir,
        load_writing_rules(rules_dir),
        {"publication": settings.publication, "fictional": snapshot.manifest.fictional},
    )
    newsroom = Newsroom(
        facts=facts,
        scores=scores,
        scoring_rules=scoring_rules,
        editorial=editorial,
        library=library,
        writer=writer,
        data_source=source_ref(data_source),
        has_cohorts=bool(snapshot.cohorts),
        cohort_since=since,
    )
    checker = Checker(load_rules(rules_dir), configured_selection(settings))  # as `newsdesk check` would
    return Desk(settings, snapshot.manifest, newsroom, checker, library)


def build(settings: Settings, progress: ProgressCallback | None = None) -> RunResult:
    """Run the pipeline and publish; returns what was written."""
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    with output_lock(settings.out):
        desk = prepare(settings)
        gc.collect()
        # The prepared data is long-lived: take it out of the cyclic GC's scans (which otherwise cost a
        # third of rendering time) and keep forked workers from touching, and so copying, its pages.
        gc.freeze()
        plans = desk.newsroom.plan()
        writer = RunWriter(settings.out, desk.as_of)
        try:
            written = write_all(desk, writer, plans, jobs=settings.jobs, progress=progress)
        except BaseException:
            writer.abort()
            raise
        writer.commit(_cited_sources(desk.library, written))
        entries = update_index(settings.out, writer.date, [w.entry for w in written])
        feed_items = write_feeds(
            settings.out,
            entries,
            title=settings.publication,
            site_url=settings.site_url,
            max_items=settings.feed_max_items,
        )
        gc.unfreeze()  # let this process collect as usual again (a caller may build more than once)
        if (settings.out / REVIEW_PAGE).exists():  # an editor uses it: keep it in step with the run
            from generator.review import write_review_page

            write_review_page(settings.out)
        result = RunResult(
            out_dir=settings.out,
            as_of=desk.as_of,
            snapshot_name=desk.manifest.name,
            fictional=desk.manifest.fictional,
            articles=tuple(_summary(settings.out, w) for w in written),
            feed_items=feed_items,
            seconds=time.perf_counter() - started,
        )
        write_run_record(settings.out, desk.as_of, _run_record(result, settings, started_at))
    return result


# ---------------------------------------------------------------------------------------------- workers

_WORKER_STATE: tuple[Desk, RunWriter] | None = None


def write_all(
    desk: Desk,
    writer: RunWriter,
    plans: Sequence[ArticlePlan],
    *,
    jobs: int,
    progress: ProgressCallback | None = None,
) -> list[Written]:
    """Produce and stage every planned article in `jobs` processes; results come back in plan order.

    Workers are forked after everything is prepared, so they share the facts, templates, rules and
    source index without pickling them; only plans go out and small `Written` records come back.
    """
    global _WORKER_STATE
    total = len(plans)
    chunks = _chunks(plans, jobs)
    results: list[list[Written]] = [[] for _ in chunks]
    done = 0
    _WORKER_STATE = (desk, writer)
    try:
        if jobs <= 1 or total < 2 * jobs or "fork" not in multiprocessing.get_all_start_methods():
            completed = (_write_chunk((i, chunk)) for i, chunk in enumerate(chunks))
            for index, written in completed:
                results[index] = written
                done += len(written)
                if progress:
                    progress(done, total)
        else:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures = [pool.submit(_write_chunk, (i, chunk)) for i, chunk in enumerate(chunks)]
                for future in as_completed(futures):
                    index, written = future.result()
                    results[index] = written
                    done += len(written)
                    if progress:
                        progress(done, total)
    finally:
        _WORKER_STATE = None
    return [w for chunk in results for w in chunk]


def _write_chunk(job: tuple[int, list[ArticlePlan]]) -> tuple[int, list[Written]]:
    index, plans = job
    assert _WORKER_STATE is not None
    desk, writer = _WORKER_STATE
    return index, [desk.stage(plan, writer) for plan in plans]


def _chunks(plans: Sequence[ArticlePlan], jobs: int) -> list[list[ArticlePlan]]:
    """Small enough chunks to balance load and drive a progress bar, big enough to amortise IPC."""
    size = max(1, min(200, len(plans) // (jobs * 8) or 1))
    return [list(plans[i : i + size]) for i in range(0, len(plans), size)]


# ---------------------------------------------------------------------------------------------- helpers


def _with_editorial_metadata(snapshot: Snapshot, editorial: Editorial) -> Snapshot:
    """Fill what the manifest does not say (names, price basis, data dates) from editorial/desk.yaml."""
    manifest = snapshot.manifest
    known = editorial.desk.snapshots.get(manifest.name)
    if known is None:
        return snapshot
    update = {
        key: value
        for key, value in known.model_dump().items()
        if value is not None and getattr(manifest, key) is None
    }
    return dataclasses.replace(snapshot, manifest=manifest.model_copy(update=update))


def _recent_news(snapshot: Snapshot, scoring_rules: ScoringRules) -> pd.DataFrame:
    """Only headlines inside the lookback can be cited; indexing older ones is wasted work."""
    cutoff = pd.Timestamp(snapshot.as_of, tz="UTC") - pd.Timedelta(days=scoring_rules.sentiment_lookback_days)
    return snapshot.news[snapshot.news["published"] >= cutoff]


def _data_source(snapshot: Snapshot) -> SourceDocument:
    """The snapshot itself as a named source: every figure in every article comes from it."""
    manifest = snapshot.manifest
    identifier = f"snapshot-{slugify(manifest.name, 60)}"
    title = f"{manifest.name} market data snapshot as of {manifest.as_of.isoformat()}"
    provenance = json.dumps(manifest.sources, indent=2, ensure_ascii=False, default=str)
    text = (
        f"{title}\n\n"
        f"Market data snapshot {manifest.name}, as of {manifest.as_of.isoformat()}, "
        f"currency {manifest.currency}.\n"
        f"Fictional data: {'yes' if manifest.fictional else 'no'}.\n"
        f"Stocks with prices: {snapshot.prices['ticker'].nunique()}; without prices: "
        f"{', '.join(manifest.missing_tickers) or 'none'}.\n\n"
        f"Provenance, from the snapshot manifest:\n{provenance}\n"
    )
    return SourceDocument(id=identifier, title=title, text=text, body=text, filename=f"{identifier}.txt")


def _cited_sources(library: SourceLibrary, written: list[Written]) -> dict[str, str]:
    """Source texts the written articles list, keyed by their path relative to the article folder."""
    texts = {path: library.text_at(path) for path in sorted({p for w in written for p in w.sources})}
    return {path: text for path, text in texts.items() if text is not None}


def _summary(out_dir: Path, written: Written) -> ArticleSummary:
    entry = written.entry
    return ArticleSummary(
        entry.slug, entry.kind, Verdict(entry.verdict), out_dir / entry.path, written.reasons
    )


def _run_record(result: RunResult, settings: Settings, started_at: dt.datetime) -> dict:
    return {
        "generator_version": __version__,
        "started_at": started_at.isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "seconds": round(result.seconds, 3),
        "snapshot": str(settings.snapshot),
        "snapshot_name": result.snapshot_name,
        "as_of": result.as_of.isoformat(),
        "jobs": settings.jobs,
        "articles": len(result.articles),
        "publish": result.count(Verdict.PUBLISH),
        "review": result.count(Verdict.REVIEW),
        "block": result.count(Verdict.BLOCK),
        "feed_items": result.feed_items,
    }
