"""Moderation and curation: flags on content, messages to authors, tag slug redirects."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .people import User


class FlagReason(enum.StrEnum):
    """Why a member flags an item."""

    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    INAPPROPRIATE = "inappropriate"
    OTHER = "other"


class FlagStatus(enum.StrEnum):
    """A flag is open until a moderator resolves the item."""

    OPEN = "open"
    RESOLVED = "resolved"


class FlagResolution(enum.StrEnum):
    """What a moderator did with a flagged item."""

    DISMISSED = "dismissed"
    HIDDEN = "hidden"
    EDITED = "edited"
    LOCKED = "locked"
    MESSAGED = "messaged"


class FlagTarget(enum.StrEnum):
    """The kinds of item that can be flagged."""

    POST = "post"
    PRACTICE = "practice"


class Flag(db.Model):
    """A member's (or the personal-data guard's) report about a post or a practice."""

    __tablename__ = "flag"
    __table_args__ = (
        Index("ix_flag_target", "target_type", "target_id", "status"),
        # One open flag per member per item, enforced by the database too.
        Index(
            "uq_flag_open_per_member",
            "target_type",
            "target_id",
            "reporter_id",
            unique=True,
            sqlite_where=text("status = 'open' AND reporter_id IS NOT NULL"),
            postgresql_where=text("status = 'open' AND reporter_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    is_automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(Text)
    original_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=FlagStatus.OPEN.value, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        """Not yet resolved."""
        return self.status == FlagStatus.OPEN.value


class ModeratorMessage(db.Model):
    """A message from a moderator to an author about one of their items (also emailed)."""

    __tablename__ = "moderator_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id])


class TagRedirect(db.Model):
    """An old tag slug (renamed or merged away) and the tag it now leads to."""

    __tablename__ = "tag_redirect"

    id: Mapped[int] = mapped_column(primary_key=True)
    old_slug: Mapped[str] = mapped_column(String(100), unique=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
