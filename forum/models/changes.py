"""The search change log (outbox) and the positions of the indexes that consume it.

Every change to a searchable thing writes a `SearchChange` row in the same transaction as the
change itself. Several indexes (one per application node) may read the same log: each keeps its
own cursor next to its index files and reports it in `SearchConsumer`, so that rows are pruned
only once every known index has applied them, or after a retention window.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, insert
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class SearchChange(db.Model):
    """Written in the same transaction as the change; each index applies it afterwards."""

    __tablename__ = "search_change"
    # Ids must never be reused once pruned, or an index could take a new row for an old one.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    obj_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class SearchConsumer(db.Model):
    """One search index reading the change log: how far it has applied, and when it last did."""

    __tablename__ = "search_consumer"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255), default="")
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def record_change(kind: str, obj_id: int) -> None:
    """Queue a search change for (kind, obj_id) in the current transaction.

    Use it after bulk `update()`/`delete()` statements, which fire no per-object events.
    """
    db.session.execute(insert(SearchChange).values(kind=kind, obj_id=obj_id, created_at=utcnow()))
    db.session.info["search_dirty"] = True
