"""The desk's memory: every run's scores, key facts, articles and verdicts, and editors' actions,
in a real database.

SQLite in the output folder by default (`.newsdesk/history/history.db`, WAL mode, outside the
generations the output switches between), or any SQLAlchemy URL (`--db`, setting
`database_url`) such as a PostgreSQL database a newsroom shares. Every statement is
SQLAlchemy Core, so the same code runs on both; only the SQLite connection gets its pragmas.

How a run is recorded, so that a run killed at any point leaves the database and the output either
as they were before it or as the completed run wrote them:

1. Under the output's lock, pending journals are replayed first (`RunHistory.recover`).
2. The run writes its articles; its journal — every row it will record — is staged into the same
   changeset as the articles, index, feeds and run record (`desk/runs/<date>.history.json`), so
   it lands with them in the one atomic switch (generator/changeset.py) or not at all.
3. After that commit, the journal is recorded in one database transaction, keyed by its token.

Killed before step 2's commit: neither output nor database changed. Killed between the commit and
step 3 (or during step 3, which rolls back): the output is the new one and its journal is there;
whoever opens the history next under the lock (the next run, or `newsdesk history`) records it
before reading. The journals also mean a lost database can be rebuilt from an output folder.
"""

from generator.history.journal import ArticleRow, RunJournal, ScoreRow, StockRow
from generator.history.store import HistoryError, PreviousRun, RunHistory, database_url, open_history

__all__ = [
    "ArticleRow",
    "HistoryError",
    "PreviousRun",
    "RunHistory",
    "RunJournal",
    "ScoreRow",
    "StockRow",
    "database_url",
    "open_history",
]
