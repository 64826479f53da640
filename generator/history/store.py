"""Open, migrate, record into and read the run history (see generator/history/__init__.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from generator.errors import NewsdeskError
from generator.history.journal import JOURNAL_SUFFIX, ActionRow, ScoreRow, StockRow

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from generator.history.journal import RunJournal

DEFAULT_DATABASE = "history.db"  # in <out>/.newsdesk/history/: outside the output's generations


class HistoryError(NewsdeskError):
    """The history database cannot be opened, migrated or read (named in the message)."""


@dataclass(frozen=True)
class PreviousRun:
    """The latest recorded run of an earlier date: what today's stories compare with."""

    run_id: int
    as_of: dt.date
    scores: dict[str, ScoreRow]
    stocks: dict[str, StockRow]


def database_url(url: str | None, out_dir: Path) -> str:
    """The history's URL: the setting, or SQLite in `<out>/.newsdesk/history/history.db`.

    Not in desk/: that is a link into the current generation, and every run builds a new one
    (generator/changeset.py); a database must stay one file that is written in place."""
    if url:
        return url
    from generator.layout import Layout

    return f"sqlite:///{(Layout(out_dir).history / DEFAULT_DATABASE).resolve()}"


def open_history(url: str) -> RunHistory:
    """The history at `url`, created or migrated to this version's schema."""
    history = RunHistory(url)
    history.migrate()
    return history


class RunHistory:
    """One history database: migrations, recording a run's journal, reading earlier runs."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        self.url = url
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (ArgumentError, NoSuchModuleError, ModuleNotFoundError, ImportError) as exc:
            raise HistoryError(f"database_url {_safe(url)}: cannot be used ({exc})") from None
        if self.engine.dialect.name == "sqlite":
            if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            event.listen(self.engine, "connect", _sqlite_pragmas)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _transaction(self, what: str) -> Iterator[Connection]:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.engine.begin() as connection:
                yield connection
        except SQLAlchemyError as exc:
            message = str(exc.orig) if getattr(exc, "orig", None) else str(exc).splitlines()[0]
            raise HistoryError(f"{_safe(self.url)}: cannot {what} ({message})") from None

    # ------------------------------------------------------------------ schema

    def migrate(self) -> int:
        """Apply every migration this database lacks, each in its own transaction; returns the version."""
        from sqlalchemy import insert, inspect, select

        from generator.history.schema import MIGRATIONS, SCHEMA_VERSION, schema_version

        with self._transaction("read its schema version") as connection:
            if not inspect(connection).has_table("schema_version"):
                schema_version.create(connection)
            applied = {row[0] for row in connection.execute(select(schema_version.c.version))}
        newest = max(applied, default=0)
        if newest > SCHEMA_VERSION:
            raise HistoryError(
                f"{_safe(self.url)}: schema version {newest} was written by a newer newsdesk "
                f"(this one knows {SCHEMA_VERSION}); upgrade newsdesk or use another --db"
            )
        for version in range(newest + 1, SCHEMA_VERSION + 1):
            with self._transaction(f"apply migration {version}") as connection:
                MIGRATIONS[version - 1](connection)
                connection.execute(insert(schema_version).values(version=version, applied_at=_now()))
        return SCHEMA_VERSION

    # ------------------------------------------------------------------ writing

    def recorded(self, token: str) -> bool:
        from sqlalchemy import select

        from generator.history.schema import runs

        with self._transaction("read its runs") as connection:
            return connection.execute(select(runs.c.id).where(runs.c.token == token)).first() is not None

    def record(self, journal: RunJournal) -> int | None:
        """Record a run's journal in one transaction; None when its token is recorded already."""
        from sqlalchemy import insert, select

        from generator.history.journal import ArticleRow
        from generator.history.schema import articles, runs, scores, stock_facts

        with self._transaction("record the run") as connection:
            if connection.execute(select(runs.c.id).where(runs.c.token == journal.token)).first():
                return None
            run_id = connection.execute(
                insert(runs).values(
                    token=journal.token,
                    as_of=journal.as_of,
                    universe=journal.universe,
                    snapshot=journal.snapshot,
                    generator_version=journal.generator_version,
                    started_at=journal.started_at.isoformat(),
                    recorded_at=_now(),
                )
            ).inserted_primary_key[0]
            for table, kind in ((scores, ScoreRow), (stock_facts, StockRow), (articles, ArticleRow)):
                rows = journal.rows(kind)
                if rows:
                    connection.execute(insert(table), [{"run_id": run_id, **row} for row in rows])
            _insert_new_actions(connection, [ActionRow(**row) for row in journal.rows(ActionRow)])
        return int(run_id)

    def record_action(self, row: ActionRow) -> bool:
        """Record one editor's action; False when it is recorded already (the same article, moment
        and action), so recording it again — from a later run's journal — changes nothing."""
        with self._transaction("record an editor's action") as connection:
            return _insert_new_actions(connection, [row]) == 1

    def actions(self, slug: str | None = None) -> list[dict]:
        """Editors' actions, oldest first (of one article's slug, or all)."""
        from sqlalchemy import select

        from generator.history.schema import editor_actions

        query = select(editor_actions).order_by(editor_actions.c.at, editor_actions.c.slug)
        if slug is not None:
            query = query.where(editor_actions.c.slug == slug)
        with self._transaction("read its editor actions") as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def recover(self, runs_dir: Path) -> list[str]:
        """Record every journal in `runs_dir` the database lacks (a run killed after its output
        commit); returns the tokens recorded. Call under the output's lock."""
        from sqlalchemy import select

        from generator.files import read_regular_bytes
        from generator.history.journal import RunJournal, token_of
        from generator.history.schema import runs

        paths = sorted(runs_dir.glob(f"*{JOURNAL_SUFFIX}")) if runs_dir.is_dir() else []
        if not paths:
            return []
        with self._transaction("read its runs") as connection:
            known = set(connection.execute(select(runs.c.token)).scalars())
        recovered = []
        for path in paths:
            try:
                data = read_regular_bytes(path)
                if token_of(data) in known:  # recorded: a year of journals is not parsed every run
                    continue
                journal = RunJournal.model_validate_json(data)
            except (OSError, ValidationError, ValueError) as exc:
                raise HistoryError(f"{path}: unreadable run journal ({exc}); move it away") from None
            if self.record(journal) is not None:
                recovered.append(journal.token)
        return recovered

    # ------------------------------------------------------------------ reading

    def previous(self, universe: str, before: dt.date) -> PreviousRun | None:
        """The latest run of the latest recorded date before `before`, in the same universe."""
        from sqlalchemy import select

        from generator.history.schema import runs, scores, stock_facts

        with self._transaction("read its runs") as connection:
            found = connection.execute(
                select(runs.c.id, runs.c.as_of)
                .where(runs.c.universe == universe, runs.c.as_of < before)
                .order_by(runs.c.as_of.desc(), runs.c.id.desc())
                .limit(1)
            ).first()
            if found is None:
                return None
            run_id, as_of = found
            score_rows = connection.execute(select(scores).where(scores.c.run_id == run_id)).mappings()
            stock_rows = connection.execute(
                select(stock_facts).where(stock_facts.c.run_id == run_id)
            ).mappings()
            return PreviousRun(
                run_id=int(run_id),
                as_of=as_of,
                scores={r["ticker"]: _row(ScoreRow, r) for r in score_rows},
                stocks={r["ticker"]: _row(StockRow, r) for r in stock_rows},
            )

    def dates(self, universe: str) -> set[dt.date]:
        """Every date with a recorded run in `universe`."""
        from sqlalchemy import select

        from generator.history.schema import runs

        with self._transaction("read its runs") as connection:
            query = select(runs.c.as_of).where(runs.c.universe == universe).distinct()
            return set(connection.execute(query).scalars())

    def last_run_id(self) -> int:
        """The highest run id recorded (0 in an empty history): with one writer, the next run's id is
        the one after it, which a backfill counts on to prepare dates ahead (and checks)."""
        from sqlalchemy import func, select

        from generator.history.schema import runs

        with self._transaction("read its runs") as connection:
            return int(connection.execute(select(func.max(runs.c.id))).scalar() or 0)

    def ticker_history(self, ticker: str, universe: str | None = None) -> list[dict]:
        """One row per recorded date (its latest run) for a ticker: score, signals, key facts."""
        from sqlalchemy import and_, func, literal, select

        from generator.history.schema import articles, runs, scores, stock_facts

        latest = (
            select(runs.c.as_of, runs.c.universe, func.max(runs.c.id).label("run_id"))
            .group_by(runs.c.as_of, runs.c.universe)
            .subquery()
        )
        brief = (
            select(articles.c.run_id, articles.c.slug, articles.c.verdict, articles.c.triggers)
            .where(
                articles.c.kind == "alpha_brief",
                (literal(",") + articles.c.tickers + literal(",")).contains(f",{ticker},", autoescape=True),
            )
            .subquery()
        )
        query = (
            select(
                latest.c.as_of,
                latest.c.universe,
                latest.c.run_id,
                scores.c.score,
                scores.c.momentum,
                scores.c.value,
                scores.c.quality,
                scores.c.sentiment,
                stock_facts.c.close,
                stock_facts.c.return_1d,
                stock_facts.c.volume_ratio,
                stock_facts.c.up_streak,
                stock_facts.c.down_streak,
                stock_facts.c.closing_high_52w,
                stock_facts.c.closing_low_52w,
                stock_facts.c.ma_cross,
                brief.c.slug,
                brief.c.verdict,
                brief.c.triggers,
            )
            .join(scores, and_(scores.c.run_id == latest.c.run_id, scores.c.ticker == ticker))
            .outerjoin(
                stock_facts, and_(stock_facts.c.run_id == latest.c.run_id, stock_facts.c.ticker == ticker)
            )
            .outerjoin(brief, brief.c.run_id == latest.c.run_id)
            .order_by(latest.c.as_of, latest.c.universe)
        )
        if universe is not None:
            query = query.where(latest.c.universe == universe)
        with self._transaction("read its runs") as connection:
            return [dict(r) for r in connection.execute(query).mappings()]


def _insert_new_actions(connection: Connection, rows: list[ActionRow]) -> int:
    """Insert the actions the table lacks (keyed by slug, date, moment and action); returns how many."""
    if not rows:
        return 0
    from dataclasses import asdict

    from sqlalchemy import insert, select, tuple_

    from generator.history.schema import editor_actions as table

    keys = [(r.slug, r.date, r.at, r.action) for r in rows]
    columns = (table.c.slug, table.c.date, table.c.at, table.c.action)
    known = set()
    for start in range(0, len(keys), 500):  # bounded IN lists for any database
        chunk = keys[start : start + 500]
        known |= {tuple(k) for k in connection.execute(select(*columns).where(tuple_(*columns).in_(chunk)))}
    new = [row for key, row in dict(zip(keys, rows, strict=True)).items() if key not in known]
    if new:
        now = _now()
        connection.execute(insert(table), [{**asdict(r), "recorded_at": now} for r in new])
    return len(new)


def _row(kind: type, mapping) -> object:
    return kind(**{name: mapping[name] for name in kind.__slots__})


def _sqlite_pragmas(connection, _record) -> None:
    """WAL (readers never wait for the writer), foreign keys, and a wait instead of 'locked'."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _safe(url: str) -> str:
    """A URL as errors may print it: without its password."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL has no password we could find either
        return json.dumps(url) if "@" not in url else "(database URL)"
