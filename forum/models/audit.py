"""The audit log: an append-only record of every moderator and admin action."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .people import User


class AuditEvent(db.Model):
    """Who did what to which target, when, why, and the state before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32), index=True)
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


def record_audit(actor: User | None, action: str, target_type: str, target_id: int | None,
                 *, label: str = "", reason: str | None = None, before: dict | None = None,
                 after: dict | None = None) -> AuditEvent:
    """Add an audit entry to the current transaction (the caller's commit stores it)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=(label or "")[:300],
        reason=reason,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
