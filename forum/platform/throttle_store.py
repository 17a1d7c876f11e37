"""A Flask-Limiter (limits) storage in the application's database, shared by every worker.

Production uses it by default, so that throttling counts across all workers and servers
without another service; Redis (RATELIMIT_STORAGE_URI or REDIS_URL) is used when configured.
Each operation runs in its own short transaction, apart from the request's session.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import Column, Float, Integer, String, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..extensions import db

SCHEME = "database"

rate_limit_counter = Table(
    "rate_limit_counter",
    db.metadata,
    Column("key", String(255), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("expires_at", Float, nullable=False),
)


class DatabaseStorage(Storage):
    """Fixed-window counters in the rate_limit_counter table (database:// as the URI)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        """Errors of the database layer."""
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add to a counter, starting a new window when the last one has expired."""
        table = rate_limit_counter
        now = time.time()
        with db.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.key == key, table.c.expires_at <= now))
            changed = conn.execute(update(table).where(table.c.key == key)
                                   .values(count=table.c.count + amount)).rowcount
            if not changed:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(table).values(key=key, count=amount,
                                                          expires_at=now + expiry))
                except IntegrityError:  # another worker started the window meanwhile
                    conn.execute(update(table).where(table.c.key == key)
                                 .values(count=table.c.count + amount))
            return int(conn.scalar(select(table.c.count).where(table.c.key == key)) or 0)

    def get(self, key: str) -> int:
        """The counter's value in its current window (0 when there is none)."""
        table = rate_limit_counter
        with db.engine.connect() as conn:
            value = conn.scalar(select(table.c.count).where(
                table.c.key == key, table.c.expires_at > time.time()))
        return int(value or 0)

    def get_expiry(self, key: str) -> float:
        """When the counter's window ends (now when there is none)."""
        table = rate_limit_counter
        now = time.time()
        with db.engine.connect() as conn:
            value = conn.scalar(select(table.c.expires_at).where(
                table.c.key == key, table.c.expires_at > now))
        return float(value or now)

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with db.engine.connect() as conn:
                conn.scalar(select(func.count()).select_from(rate_limit_counter))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Remove every counter."""
        with db.engine.begin() as conn:
            return conn.execute(delete(rate_limit_counter)).rowcount

    def clear(self, key: str) -> None:
        """Remove one counter."""
        with db.engine.begin() as conn:
            conn.execute(delete(rate_limit_counter).where(rate_limit_counter.c.key == key))
