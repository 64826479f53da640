"""The whole run, top to bottom: snapshot -> facts -> scores -> articles -> check -> publish.

`build()` gathers everything first and writes last. Every stage takes typed inputs and returns typed
outputs; only `publish` touches the output folder. Rendering and checking — the per-article work —
run in worker processes (`jobs`); each worker inherits the prepared newsroom and checker by fork, so
templates are compiled, rules loaded and sources indexed once, and output does not depend on `jobs`.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from generator import __version__, apstyle
from generator.catalog import IndexEntry, public_entries
from generator.changeset import output_lock, require_current_layout
from generator.checks import Checker, load_rules
from generator.checks.selection import configured_selection
from generator.config import Settings
from generator.errors import PublishError, SnapshotError
from generator.facts import MarketFacts, PricePanel, compute_facts, load_fact_rules, load_fundamentals_rules
from generator.facts import columns as col
from generator.facts.rules import FactRules
from generator.facts.windows import resolve_windows, since_window_name
from generator.history import (
    ArticleRow,
    PreviousRun,
    RunHistory,
    RunJournal,
    ScoreRow,
    StockRow,
    database_url,
    open_history,
)
from generator.history.journal import ActionRow, journal_path
from generator.history.recorder import action_row
from generator.layout import RUNS_DIR, Layout
from generator.market.point_in_time import snapshot_as_of
from generator.market.snapshot import Manifest, Snapshot, SourceDocument, load_snapshot
from generator.models import (
    SIGNALS,
    Article,
    Chart,
    PriceBasis,
    Revision,
    Severity,
    Sidecar,
    SnapshotInfo,
    Subject,
    Verdict,
    utc_stamp,
)
from generator.publish import (
    CheckedArticle,
    RunWriter,
    content_hash,
    inert_shortcodes,
    run_record_file,
    without_title_heading,
)
from generator.scoring import Scores, ScoringRules, compute_scores, load_lexicon, load_scoring_rules
from generator.site import SiteConfig
from generator.slugs import slugify
from generator.writing.editorial import Editorial, load_editorial, with_desk_metadata
from generator.writing.names import Names, load_names
from generator.writing.newsworthiness import load_trigger_rules
from generator.writing.phrasing import WritingRules, load_writing_rules
from generator.writing.render import ArticleWriter
from generator.writing.revisions import Previous, carry, revise, without_revision
from generator.writing.sources import SourceLibrary, source_ref
from generator.writing.stories import ArticlePlan, Newsroom, theme_baskets

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Written:
    """What a worker reports about an article it wrote: enough for the index, the summary and the
    run history."""

    entry: IndexEntry
    reasons: tuple[str, ...]  # rule ids of error and review findings
    sources: tuple[str, ...]  # paths of the sources it cites, relative to the article
    approval: tuple[str, str] | None = None  # (by, at) of the approval it carries
    actions: tuple[ActionRow, ...] = ()  # the editors' actions its sidecar carries


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
        snapshot_info: SnapshotInfo,
        companies: dict[str, tuple[str, str, str]],
    ) -> None:
        self.settings = settings
        self.manifest = manifest
        self.newsroom = newsroom
        self.checker = checker
        self.library = library
        self.snapshot_info = snapshot_info
        self.companies = companies  # ticker -> (name, short name, sector): what stories are about
        self.as_of = manifest.as_of
        self.article_dir = settings.out / "desk" / self.as_of.isoformat()
        self.embargoes = {theme.id: theme.embargo_until for theme in newsroom.editorial.themes}
        self.site = SiteConfig.from_settings(settings)
        self.universe = universe_of_manifest(manifest)  # what history compares within
        self.today = (settings.now or dt.datetime.now(dt.UTC)).date()  # what an update note is dated

    def stage(self, plan: ArticlePlan, writer: RunWriter) -> Written:
        """Produce one article and stage its files (runs in a worker process)."""
        found = writer.previous_copy(plan.slug)
        article = self.produce(plan, Previous(*found) if found else None)
        cited = {path: text for path in article.cited if (text := self.library.text_at(path)) is not None}
        entry = writer.write(article, cited)
        reasons = reasons_of(article)
        approval, actions = writer.decisions_of(entry)
        carried = (approval.by, utc_stamp(approval.at)) if approval else None
        done = tuple(action_row(entry.slug, entry.date, action) for action in actions)
        return Written(entry, reasons, article.cited, carried, done)

    def produce(self, plan: ArticlePlan, previous: Previous | None = None) -> CheckedArticle:
        """Render and check one article; pure — nothing is written here.

        The headline lives in the front matter; the body's H1 repeating it is dropped unless the
        `title_heading` setting keeps it (for consumers whose themes print no title). With the
        `previous` copy a rerun replaces: when the content changed, the new version says what
        changed (generator/writing/revisions.py); when it did not, it keeps the previous note.
        """
        article = self.newsroom.write(plan)
        checked = self._checked(plan, article)
        if previous is None:
            return checked
        before = previous.sidecar.revision
        if checked.text == without_revision(previous.text, before):
            if before is None:
                return checked
            revised, revision = carry(article, before, previous), before
        else:
            release = previous.sidecar.release
            version = (release.version if release else 1) + 1
            revised, revision = revise(
                article,
                previous,
                version=version,
                today=self.today,
                writer=self.newsroom.writer,
                seed=f"{plan.slug}|revision|{version}",
            )
        return self._checked(plan, revised, revision)

    def _checked(
        self, plan: ArticlePlan, article: Article, revision: Revision | None = None
    ) -> CheckedArticle:
        front = article.front_matter
        date = front.date.isoformat()
        sources = [
            ref.model_copy(update={"text_url": self.site.url(f"{date}/{ref.path}")}) if ref.path else ref
            for ref in front.sources
        ]
        embargo = self.embargoes.get(plan.subject) if plan.kind == "thematic" else None
        front = front.model_copy(update={"sources": sources, "embargo_until": embargo})
        body = article.body if self.settings.title_heading else without_title_heading(article.body)
        body = inert_shortcodes(body)  # text from data never runs in a site generator
        article = article.model_copy(update={"front_matter": front, "body": body})
        draft = article.to_markdown()
        sidecar = Sidecar(
            slug=front.slug,
            title=front.title,
            date=front.date,
            kind=front.kind,
            tickers=front.tickers,
            sources=front.sources,
            facts=article.facts,
            claims=article.claims,
            snapshot=self.snapshot_info,
            scores=article.scores,
            charts=article.charts,
            generator_version=__version__,
            subjects=self._subjects(front.tickers),
            triggers=list(plan.triggers),
            newsworthiness=plan.newsworthiness if plan.kind != "alpha_brief" or plan.triggers else 0.0,
            angle=plan.angle or None,
            routine=plan.routine,
            revision=revision,
        )
        drawn = draw_charts(article.charts)
        path = self.article_dir / f"{plan.slug}.md"
        result = self.checker.check(
            draft,
            path=str(path),
            sidecar=sidecar,
            read_source=self.library.text_for,
            read_file=drawn.get,
            front_matter=article.front_matter_as_read(),
        )
        report = result.report
        checked = result.fixed_text
        sidecar = sidecar.model_copy(
            update={
                "verdict": report.verdict,
                "findings": list(report.findings),
                "tables_dropped": list(report.tables_dropped),
                "content_hash": content_hash(checked),
            }
        )
        return CheckedArticle(checked, sidecar, embargo, drawn, result.parsed)

    def _subjects(self, tickers: list[str]) -> list[Subject]:
        """Each ticker and each of their sectors once: what the story is about, for ninjs."""
        subjects = []
        for ticker in tickers:
            name, short, _ = self.companies.get(ticker, (ticker, ticker, ""))
            subjects.append(Subject(kind="ticker", code=ticker, name=name, short=short))
        sectors = dict.fromkeys(
            self.companies[t][2] for t in tickers if t in self.companies and self.companies[t][2]
        )
        subjects += [Subject(kind="sector", code=sector, name=sector) for sector in sectors]
        return subjects


def reasons_of(article: CheckedArticle) -> tuple[str, ...]:
    """The rule ids of an article's error and review findings, each once: why it is held."""
    findings = article.sidecar.findings
    return tuple(dict.fromkeys(f.rule for f in findings if f.severity is not Severity.INFO))


def prepare(
    settings: Settings,
    as_of: dt.date | None = None,
    history: RunHistory | None = None,
    *,
    previous: PreviousRun | None = None,
) -> Desk:
    """Load and compute everything the articles need: facts, scores, sources, templates, rules.

    With `as_of`, everything is computed from the snapshot as it stood at the close of that day
    (generator.market.point_in_time), and the articles are dated that day. With `history`, stories
    compare with the latest recorded run of an earlier date in the same universe; without it, with
    `previous` (a backfill's worker is given the run its date compares with, generator/backfill.py).
    """
    market = market_of(settings, as_of)
    editorial, snapshot, facts, scores = market.editorial, market.snapshot, market.facts, market.scores
    rules_dir, scoring_rules, writing_rules = settings.rules_dir, market.scoring_rules, market.writing_rules
    cohort_window = market.cohort_window
    data_source = _data_source(snapshot, stocks_with_prices=market.stocks_with_prices)
    news = _recent_news(snapshot, scoring_rules)
    library = SourceLibrary.build((*snapshot.sources, data_source), news, facts.market_close)
    writer = ArticleWriter(
        settings.templates_dir,
        writing_rules,
        {"publication": settings.publication, "fictional": snapshot.manifest.fictional},
    )
    raw_names = facts.stocks["name"].astype(str).to_dict()
    checker = Checker(load_rules(rules_dir), configured_selection(settings))  # as `newsdesk check` would
    universe = universe_of(snapshot)
    if history is not None:
        previous = history.previous(universe, snapshot.as_of)
    newsroom = Newsroom(
        facts=facts,
        scores=scores,
        scoring_rules=scoring_rules,
        editorial=editorial,
        names=Names(raw_names, *load_names(rules_dir, settings.editorial_dir)),
        library=library,
        writer=writer,
        data_source=source_ref(data_source),
        has_cohorts=bool(snapshot.cohorts),
        has_news=not snapshot.news.empty,
        cohort_window=cohort_window,
        trigger_rules=load_trigger_rules(rules_dir),
        headline_words=checker.rules.settings["claims"].headlines,
        previous=previous,
        universe_as_of=snapshot.manifest.universe_as_of,
        sub_industries_as_of=snapshot.manifest.sub_industries_as_of,
    )
    info = snapshot_info(snapshot, facts.basis)
    return Desk(
        settings, snapshot.manifest, newsroom, checker, library, info, _companies(facts, newsroom.names)
    )


@dataclass(frozen=True)
class Market:
    """A date's snapshot view with its facts and scores, and the rules they were computed under."""

    editorial: Editorial
    snapshot: Snapshot
    scoring_rules: ScoringRules
    writing_rules: WritingRules
    cohort_window: str
    facts: MarketFacts
    scores: Scores
    stocks_with_prices: int

    @property
    def universe(self) -> str:
        return universe_of(self.snapshot)


def market_of(settings: Settings, as_of: dt.date | None = None) -> Market:
    """The snapshot as of `as_of` (see prepare()), its facts and its Alpha Scores: everything of a
    run that depends on no earlier run."""
    editorial = load_editorial(settings.editorial_dir)
    snapshot = load_run_snapshot(settings.snapshot, editorial, as_of)
    scoring_rules = load_scoring_rules(settings.rules_dir)
    writing_rules = load_writing_rules(settings.rules_dir)
    since = editorial.desk.cohort_story.since  # None: the cohort story runs from the start of the year
    cohort_window = since_window_name(since) if since else "YTD"
    fact_rules = load_fact_rules(settings.rules_dir)
    # The long price table is most of a big run's memory: the panel takes it over column by
    # column, and the panel goes once facts and scores are computed (articles need figures, not
    # history), so workers forked later neither inherit nor touch either.
    panel = PricePanel.from_snapshot(snapshot, fact_rules, take_prices=True)
    snapshot = replace(snapshot, prices=snapshot.prices.head(0).copy())
    require_history(snapshot, panel, fact_rules, since)
    facts, scores = _facts_and_scores(
        snapshot, panel, fact_rules, settings, editorial, scoring_rules, writing_rules, since, cohort_window
    )
    return Market(
        editorial, snapshot, scoring_rules, writing_rules, cohort_window, facts, scores, len(panel.tickers)
    )


def _facts_and_scores(
    snapshot: Snapshot,
    panel: PricePanel,
    fact_rules: FactRules,
    settings: Settings,
    editorial: Editorial,
    scoring_rules: ScoringRules,
    writing_rules: WritingRules,
    since: dt.date | None,
    cohort_window: str,
) -> tuple[MarketFacts, Scores]:
    rules_dir = settings.rules_dir
    facts = compute_facts(
        snapshot,
        panel,
        fact_rules,
        load_fundamentals_rules(rules_dir),
        since=[since] if since else [],
        baskets=theme_baskets(editorial.themes),
        whole_number_measures=writing_rules.whole_number_measures,
        path_windows=[cohort_window],
    )
    return facts, compute_scores(snapshot, panel, facts, scoring_rules, load_lexicon(rules_dir))


def require_history(
    snapshot: Snapshot, panel: PricePanel, fact_rules: FactRules, since: dt.date | None
) -> None:
    """Refuse a history too short for the windows stories state (rules/facts.yaml), naming the
    first window it misses: a brief states a stock's 1Y move, a cohort story its move since `since`
    (without one, since the start of the year: a window of rules/facts.yaml)."""
    starts = [since] if since else []
    windows = resolve_windows(panel.dates, snapshot.as_of, fact_rules.windows, starts)
    wanted = [*fact_rules.windows, *(since_window_name(start) for start in starts)]
    missing = [name for name in wanted if name not in windows]
    if not missing:
        return
    first, last = panel.dates[0].date(), panel.dates[-1].date()
    where = snapshot.path or snapshot.manifest.name
    named = apstyle.join(missing)
    raise SnapshotError(
        f"{where}: the prices run from {first} to {last}, too short for the {named} "
        f"window{'s' * (len(missing) > 1)} the stories state (rules/facts.yaml); add earlier prices"
    )


def snapshot_info(snapshot: Snapshot, basis: PriceBasis | None) -> SnapshotInfo:
    """What the articles' data is and holds, for the sidecar: the checker reads what it can say."""
    manifest = snapshot.manifest
    data = ["prices", "benchmark", "fundamentals"]
    if not snapshot.news.empty:
        data.append("news")
    if snapshot.sources:
        data.append("sources")
    return SnapshotInfo(
        name=manifest.name,
        as_of=manifest.as_of,
        prices_adjusted=basis,
        fundamentals_as_of=manifest.fundamentals_as_of or manifest.as_of,
        data=data,
    )


def build(
    settings: Settings, progress: ProgressCallback | None = None, *, as_of: dt.date | None = None
) -> RunResult:
    """Run the pipeline and publish; returns what was written. `as_of`: see prepare()."""
    with writing_output(settings) as history:
        return run_session(settings, history, as_of, progress=progress)


@contextmanager
def writing_output(settings: Settings) -> Iterator[RunHistory]:
    """The output folder locked for this writer, its run history open with a killed run's committed
    output recorded first; afterwards the review page, if an editor uses one, is brought up to date."""
    layout = Layout(settings.out)
    with output_lock(settings.out):
        require_current_layout(layout)
        history = open_history(database_url(settings.database_url, settings.out))
        try:
            history.recover(layout.desk / RUNS_DIR)  # a killed run's committed output, not yet recorded
            yield history
        finally:
            history.close()
        refresh_review_page(settings.out)


def run_session(
    settings: Settings,
    history: RunHistory,
    as_of: dt.date | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> RunResult:
    """One date's run, under the output's lock with the history open and recovered: prepare,
    write every article, commit (generator/backfill.py runs several in a row under one lock)."""
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    now = settings.now or started_at  # embargoes are judged against this moment
    desk = prepare(settings, as_of, history)
    gc.collect()
    # The prepared data is long-lived: take it out of the cyclic GC's scans (which otherwise
    # cost a third of rendering time) and keep forked workers from touching, and so copying,
    # its pages.
    gc.freeze()
    try:
        plans = desk.newsroom.plan()
        writer = run_writer(settings, desk.as_of, {plan.slug: plan.newsworthiness for plan in plans}, now)
        try:
            written = write_all(desk, writer, plans, jobs=settings.jobs, progress=progress)
        except BaseException:
            writer.abort()
            raise
        session = session_of(desk, written, sources_staged=True)
        return commit_session(
            settings, history, writer, session, written, started=started, started_at=started_at, now=now
        )
    finally:
        gc.unfreeze()  # let this process collect as usual again (a caller may build more than once)


def run_writer(
    settings: Settings, as_of: dt.date, newsworthiness: Mapping[str, float], now: dt.datetime
) -> RunWriter:
    """The writer of one date's articles (`newsworthiness`: every planned slug's); call under the
    output's lock."""
    return RunWriter(
        settings.out,
        as_of,
        newsworthiness,
        config=SiteConfig.from_settings(settings),
        now=now,
        release_time=settings.release_time,
        newsworthiness=newsworthiness,
    )


@dataclass(frozen=True)
class Session:
    """What committing a date's run needs besides its written articles: small and picklable, so a
    backfill can produce it on another machine (generator/backfill.py)."""

    as_of: dt.date
    snapshot_name: str
    fictional: bool
    universe: str
    scores: list[ScoreRow]
    stocks: list[StockRow]
    # The cited sources' texts by their path relative to the article folder, those still to stage:
    # none after a run's own workers (Desk.stage stages its article's), all from a backfill's task.
    sources: dict[str, str]


def session_of(desk: Desk, written: list[Written], *, sources_staged: bool) -> Session:
    scores, stocks = session_rows(desk.newsroom.facts, desk.newsroom.scores)
    return Session(
        as_of=desk.as_of,
        snapshot_name=desk.manifest.name,
        fictional=desk.manifest.fictional,
        universe=desk.universe,
        scores=scores,
        stocks=stocks,
        sources={} if sources_staged else _cited_sources(desk.library, written),
    )


def commit_session(
    settings: Settings,
    history: RunHistory,
    writer: RunWriter,
    session: Session,
    written: list[Written],
    *,
    started: float,
    started_at: dt.datetime,
    now: dt.datetime,
) -> RunResult:
    """Stage the index, feeds, journal and run record beside the written articles, switch them in
    at once, then record the journal in the history."""
    index, changes = writer.stage(
        [w.entry for w in written], {w.entry.slug: w.sources for w in written}, session.sources
    )
    journal = run_journal(session, written, started_at)
    changes.put(journal_path(Layout(settings.out).desk / RUNS_DIR, session.as_of), journal.to_json())
    result = RunResult(
        out_dir=settings.out,
        as_of=session.as_of,
        snapshot_name=session.snapshot_name,
        fictional=session.fictional,
        articles=tuple(_summary(settings.out, w) for w in written),
        feed_items=min(
            sum(settings.feed_routine or not e.routine for e in public_entries(index)),
            settings.feed_max_items,
        ),
        seconds=time.perf_counter() - started,
    )
    record = _run_record(result, settings, started_at, now)
    changes.put(*run_record_file(settings.out, session.as_of, record))
    # The one atomic switch: articles, index, feeds, record and the history's journal together; the
    # database follows (recover() replays the journal if killed in between).
    changes.commit()
    history.record(journal)
    return result


def refresh_review_page(out_dir: Path) -> None:
    """Keep the review page in step with the run when an editor uses it (it exists)."""
    if Layout(out_dir).review_page.exists():
        from generator.review import write_review_page

        write_review_page(out_dir)


# ---------------------------------------------------------------------------------------------- workers

_WORKER_STATE: tuple[Desk, RunWriter] | None = None
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


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
            with ProcessPoolExecutor(
                max_workers=jobs, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
            ) as pool:
                futures = [pool.submit(_write_chunk, (i, chunk)) for i, chunk in enumerate(chunks)]
                for future in as_completed(futures):
                    index, written = future.result()
                    results[index] = written
                    done += len(written)
                    if progress:
                        progress(done, total)
    except BrokenProcessPool:
        raise PublishError(
            "a worker process ended unexpectedly (killed, or out of memory?); nothing was published: "
            "run again, with fewer --jobs if memory is short"
        ) from None
    finally:
        _WORKER_STATE = None
    return [w for chunk in results for w in chunk]


def die_with_parent(parent: int) -> None:
    """Worker initializer: a worker ends when the run that forked it ends, even by kill -9.

    On Linux the kernel sends the worker SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG);
    elsewhere a daemon thread notices within half a second that the parent is gone. Either way a
    killed run leaves nothing running.
    """
    if _parent_death_signal():
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
        return
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _write_chunk(job: tuple[int, list[ArticlePlan]]) -> tuple[int, list[Written]]:
    index, plans = job
    assert _WORKER_STATE is not None
    desk, writer = _WORKER_STATE
    return index, [desk.stage(plan, writer) for plan in plans]


def _chunks(plans: Sequence[ArticlePlan], jobs: int) -> list[list[ArticlePlan]]:
    """Chunks big enough to amortise IPC that shrink towards the end, so that no worker is left
    with a large last chunk while the others wait: each is an eighth of what is left for each
    worker, at most 200 plans and at least 10, or a worker's share when fewer are left."""
    chunks, start = [], 0
    while start < len(plans):
        left = len(plans) - start
        size = max(min(10, -(-left // jobs)), min(200, left // (jobs * 8)))
        chunks.append(list(plans[start : start + size]))
        start += size
    return chunks


# ---------------------------------------------------------------------------------------------- helpers


def draw_charts(charts: list[Chart]) -> dict[str, str]:
    """Each chart's SVG by file name; matplotlib is only imported when there is one to draw."""
    if not charts:
        return {}
    from generator.charts import draw_svg

    return {chart.file: draw_svg(chart) for chart in charts}


def load_run_snapshot(folder: Path, editorial: Editorial, as_of: dt.date | None = None) -> Snapshot:
    """The snapshot a run works on: its manifest completed from editorial/desk.yaml, then, with
    `as_of`, its view at the close of that day (the completed manifest says what was known when)."""
    snapshot = with_desk_metadata(load_snapshot(folder), editorial)
    return snapshot if as_of is None else snapshot_as_of(snapshot, as_of)


def _recent_news(snapshot: Snapshot, scoring_rules: ScoringRules) -> pd.DataFrame:
    """Only headlines inside the lookback can be cited; indexing older ones is wasted work."""
    cutoff = pd.Timestamp(snapshot.as_of, tz="UTC") - pd.Timedelta(days=scoring_rules.sentiment_lookback_days)
    return snapshot.news[snapshot.news["published"] >= cutoff]


def _data_source(snapshot: Snapshot, *, stocks_with_prices: int) -> SourceDocument:
    """The snapshot itself as a named source: every figure in every article comes from it."""
    manifest = snapshot.manifest
    identifier = f"snapshot-{slugify(manifest.name, 60)}"
    title = f"{manifest.name} market data snapshot as of {manifest.as_of.isoformat()}"
    provenance = json.dumps(manifest.sources, indent=2, ensure_ascii=False, default=str)
    view = (manifest.model_extra or {}).get("point_in_time")
    past = (
        f"Point-in-time view of the snapshot as of {view['snapshot_as_of']}: prices, benchmark, corporate "
        f"actions, news and sources after {manifest.as_of.isoformat()} left out; fundamentals "
        f"{view['fundamentals']}.\n"
        if view
        else ""
    )
    text = (
        f"{title}\n\n"
        f"Market data snapshot {manifest.name}, as of {manifest.as_of.isoformat()}, "
        f"currency {manifest.currency}.\n"
        f"{past}"
        f"Fictional data: {'yes' if manifest.fictional else 'no'}.\n"
        f"Stocks with prices: {stocks_with_prices}; without prices: "
        f"{', '.join(manifest.missing_tickers) or 'none'}.\n\n"
        f"Provenance, from the snapshot manifest:\n{provenance}\n"
    )
    return SourceDocument(id=identifier, title=title, text=text, body=text, filename=f"{identifier}.txt")


def _companies(facts: MarketFacts, names: Names) -> dict[str, tuple[str, str, str]]:
    """Ticker -> (company name as stories write it, short name, sector) for every stock with facts."""
    sectors = facts.stocks["sector"]
    return {
        ticker: (names.name(ticker), names.short(ticker), sector if isinstance(sector, str) else "")
        for ticker, sector in sectors.items()
    }


def universe_of(snapshot: Snapshot) -> str:
    return universe_of_manifest(snapshot.manifest)


def universe_of_manifest(manifest: Manifest) -> str:
    """What history compares within: the universe's name, else the snapshot's."""
    return manifest.universe_name or manifest.name


def session_rows(facts: MarketFacts, scores: Scores) -> tuple[list[ScoreRow], list[StockRow]]:
    """The scores and key facts of every stock a run records: what the next date's stories
    compare with (generator.history.PreviousRun)."""
    table = scores.table
    tickers = table.composite.index
    signals = table.signals.reindex(index=tickers, columns=list(SIGNALS))
    # Whole columns to Python lists first: per-cell pandas lookups cost seconds at 50,000 tickers.
    signal_values = {name: signals[name].tolist() for name in SIGNALS}
    available = table.available.reindex(tickers, fill_value=0).tolist()
    capped = table.capped.reindex(tickers, fill_value=False).tolist()
    score_rows = [
        ScoreRow(
            ticker=str(ticker),
            score=_whole(composite),
            **{name: _whole(signal_values[name][i]) for name in SIGNALS},
            available=int(available[i]),
            capped=bool(capped[i]),
        )
        for i, (ticker, composite) in enumerate(zip(tickers, table.composite.tolist(), strict=True))
    ]
    stocks = facts.stocks
    priced = stocks[stocks["close"].notna()]
    return_1d = col.windowed(col.RETURN, "1D")
    returns = (priced[return_1d] * 100).tolist() if "1D" in facts.windows else [None] * len(priced)
    stock_rows = [
        StockRow(
            ticker=str(ticker),
            close=_number(close),
            return_1d=_number(change),
            volume_ratio=_number(volume_ratio),
            up_streak=_whole(up),
            down_streak=_whole(down),
            closing_high_52w=bool(high),
            closing_low_52w=bool(low),
            ma_cross=_whole(cross) or 0,
        )
        for ticker, change, (close, volume_ratio, up, down, high, low, cross) in zip(
            priced.index,
            returns,
            priced[["close", "volume_ratio", "up_streak", "down_streak", "closing_high_52w_new",
                    "closing_low_52w_new", "ma_cross"]].itertuples(index=False, name=None),
            strict=True,
        )
    ]  # fmt: skip
    return score_rows, stock_rows


def run_journal(session: Session, written: list[Written], started_at: dt.datetime) -> RunJournal:
    """Every row this run records in the history: scores and key facts of every stock, each
    article's version, hash, verdict, place and approval, and the editors' actions its articles
    carry."""
    article_rows = []
    for w in written:
        entry = w.entry
        release = entry.release
        article_rows.append(
            ArticleRow(
                slug=entry.slug,
                date=entry.date,
                kind=entry.kind,
                tickers=",".join(entry.tickers),
                version=release.version if release else 1,
                content_hash=entry.content_hash or "",
                verdict=entry.verdict,
                place=entry.place,
                approved_by=w.approval[0] if w.approval else None,
                approved_at=w.approval[1] if w.approval else None,
                newsworthiness=entry.newsworthiness or 0.0,
                triggers=",".join(entry.triggers),
            )
        )
    return RunJournal.build(
        token=uuid.uuid4().hex,
        as_of=session.as_of,
        universe=session.universe,
        snapshot=session.snapshot_name,
        generator_version=__version__,
        started_at=started_at,
        scores=session.scores,
        stocks=session.stocks,
        articles=article_rows,
        actions=[row for w in written for row in w.actions],
    )


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _whole(value: object) -> int | None:
    number = _number(value)
    return None if number is None else round(number)


def _cited_sources(library: SourceLibrary, written: list[Written]) -> dict[str, str]:
    """Source texts the written articles list, keyed by their path relative to the article folder."""
    texts = {path: library.text_at(path) for path in sorted({p for w in written for p in w.sources})}
    return {path: text for path, text in texts.items() if text is not None}


def _summary(out_dir: Path, written: Written) -> ArticleSummary:
    entry = written.entry
    return ArticleSummary(
        entry.slug, entry.kind, Verdict(entry.verdict), out_dir / entry.path, written.reasons
    )


def _run_record(result: RunResult, settings: Settings, started_at: dt.datetime, now: dt.datetime) -> dict:
    return {
        "generator_version": __version__,
        "started_at": started_at.isoformat(),
        "now": now.isoformat(),
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
