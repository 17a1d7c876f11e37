"""The search change log (outbox): one row per change to a searchable thing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class SearchChange(db.Model):
    """Written in the same transaction as the change; the index applies it afterwards."""

    __tablename__ = "search_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    obj_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


def record_change(kind: str, obj_id: int) -> None:
    """Queue a search change for (kind, obj_id) in the current transaction."""
    db.session.add(SearchChange(kind=kind, obj_id=obj_id))
