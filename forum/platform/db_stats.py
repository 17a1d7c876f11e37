"""Keep the query planner's statistics fresh, so list pages use their indexes as data grows.

Without statistics SQLite sorts every matching thread to find the latest few (10 ms at 2,000
threads, growing with the data); with them it walks the `last_post_at` index (0.1 ms).
PostgreSQL's autovacuum keeps its own statistics; after a bulk load (restore, benchmark data)
`analyze()` refreshes them at once on either database.
"""

from __future__ import annotations

import itertools
import sqlite3

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from ..extensions import db

# SQLite: look at about this many rows per index (fast even on a large database).
ANALYSIS_LIMIT = 1000
# SQLite: let `PRAGMA optimize` refresh what changed a lot every this many connection check-ins.
OPTIMIZE_EVERY = 1000


def analyze(connection) -> None:
    """Refresh the planner statistics of every table (either database)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
    connection.execute(text("ANALYZE"))


def _first_connect(dbapi_connection, _record) -> None:
    """Gather statistics once if the database has none (a new or never-analyzed file)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=10000")
        has_stats = cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone()
        has_tables = cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'thread'"
        ).fetchone()
        if has_tables and not has_stats:
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
            dbapi_connection.commit()
    except sqlite3.Error:  # statistics are an optimization: a busy database skips them
        pass
    finally:
        cursor.close()


def _install(engine: Engine) -> None:
    counter = itertools.count(1)

    def checkin(dbapi_connection, _record) -> None:
        if next(counter) % OPTIMIZE_EVERY:
            return
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            cursor.execute("PRAGMA optimize")
        except Exception:  # statistics are an optimization: never fail a request for them
            pass
        finally:
            cursor.close()

    event.listen(engine, "first_connect", _first_connect)
    event.listen(engine, "checkin", checkin)


def init_app(app: Flask) -> None:
    """On SQLite, gather statistics when missing and refresh them now and then."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "first_connect", _first_connect):
        _install(engine)
