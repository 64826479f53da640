"""The history database's tables, and the migrations that build them, in order.

Every statement is SQLAlchemy Core or DDL both SQLite and PostgreSQL accept. `schema_version`
holds one row per migration applied; a database whose newest version is above `SCHEMA_VERSION`
was written by a newer newsdesk and is refused rather than misread. A schema change is a new
function appended to `MIGRATIONS` (e.g. `ALTER TABLE ... ADD COLUMN`), never an edit of an old one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", String(40), nullable=False),  # RFC 3339, UTC
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("universe", Text, nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("generator_version", String(40), nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("recorded_at", String(40), nullable=False),
    UniqueConstraint("token", name="runs_token_unique"),
)

scores = Table(
    "scores",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("ticker", String(32), primary_key=True),
    Column("score", Integer),
    Column("momentum", Integer),
    Column("value", Integer),
    Column("quality", Integer),
    Column("sentiment", Integer),
    Column("available", Integer, nullable=False),
    Column("capped", Boolean, nullable=False),
)

stock_facts = Table(
    "stock_facts",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("ticker", String(32), primary_key=True),
    Column("close", Float),
    Column("return_1d", Float),
    Column("volume_ratio", Float),
    Column("up_streak", Integer),
    Column("down_streak", Integer),
    Column("closing_high_52w", Boolean, nullable=False),
    Column("closing_low_52w", Boolean, nullable=False),
    Column("ma_cross", Integer, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("run_id", Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("slug", String(160), primary_key=True),
    Column("date", String(10), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("tickers", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("verdict", String(10), nullable=False),
    Column("place", String(10), nullable=False),
    Column("approved_by", Text),
    Column("approved_at", String(40)),
    Column("newsworthiness", Float, nullable=False),
    Column("triggers", Text, nullable=False),
)


editor_actions = Table(
    "editor_actions",
    metadata,
    Column("slug", String(160), primary_key=True),
    Column("date", String(10), primary_key=True),
    Column("at", String(40), primary_key=True),  # RFC 3339, UTC
    Column("action", String(10), primary_key=True),  # edit | recheck | approve | reject
    Column("by", Text, nullable=False),
    Column("note", Text),
    Column("content_hash", String(64), nullable=False),
    Column("previous_hash", String(64)),
    Column("verdict", String(10), nullable=False),
    Column("recorded_at", String(40), nullable=False),
)


def _initial(connection: Connection) -> None:
    """Version 1: runs, their scores, key stock facts and articles."""
    metadata.create_all(connection, tables=[runs, scores, stock_facts, articles])


def _editor_actions(connection: Connection) -> None:
    """Version 2: what editors did to articles (approve, reject, edit, recheck), once each."""
    metadata.create_all(connection, tables=[editor_actions])


MIGRATIONS: list[Callable[[Connection], None]] = [_initial, _editor_actions]
SCHEMA_VERSION = len(MIGRATIONS)
