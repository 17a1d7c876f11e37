"""Facilitator synthesis: thread summaries, clip collections, reports and follow-up actions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .boards import Post, Thread
from .people import Delegation, User

# ---------------------------------------------------------------------------------------------
# Thread summaries
# ---------------------------------------------------------------------------------------------


class Summary(db.Model):
    """The summary of a thread in one language; a translation points to its source summary."""

    __tablename__ = "summary"
    __table_args__ = (UniqueConstraint("thread_id", "language", name="uq_summary_thread_language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("summary.id"), index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("summary_version.id", use_alter=True, name="fk_summary_current_version")
    )
    # The last post the facilitator has taken into account (written against or confirmed).
    covered_last_post_id: Mapped[int] = mapped_column(Integer, default=0)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    thread: Mapped[Thread] = relationship()
    source: Mapped[Summary | None] = relationship(remote_side=[id], back_populates="translations")
    translations: Mapped[list[Summary]] = relationship(back_populates="source")
    current_version: Mapped[SummaryVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[SummaryVersion]] = relationship(
        back_populates="summary",
        foreign_keys="SummaryVersion.summary_id",
        order_by="SummaryVersion.number",
        cascade="all, delete-orphan",
    )
    confirmed_by: Mapped[User | None] = relationship()

    @property
    def is_translation(self) -> bool:
        """True when this summary translates another one."""
        return self.source_id is not None


class SummaryVersion(db.Model):
    """One stored text of a summary, written against the thread as it stood then."""

    __tablename__ = "summary_version"
    __table_args__ = (UniqueConstraint("summary_id", "number", name="uq_summary_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summary.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    last_post_id: Mapped[int] = mapped_column(Integer, default=0)
    # For a translation: the version of the source summary it translates.
    source_version_id: Mapped[int | None] = mapped_column(ForeignKey("summary_version.id"))

    summary: Mapped[Summary] = relationship(back_populates="versions", foreign_keys=[summary_id])
    author: Mapped[User] = relationship()
    source_version: Mapped[SummaryVersion | None] = relationship(remote_side=[id])


# ---------------------------------------------------------------------------------------------
# Clip collections (the excerpt workbench)
# ---------------------------------------------------------------------------------------------


class ClipCollection(db.Model):
    """A named collection of clipped passages."""

    __tablename__ = "clip_collection"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    created_by: Mapped[User] = relationship()
    clips: Mapped[list[Clip]] = relationship(
        back_populates="collection", order_by="Clip.created_at", cascade="all, delete-orphan"
    )


class Clip(db.Model):
    """A passage of a post as it read when clipped, with its source and a note."""

    __tablename__ = "clip"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("clip_collection.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    # The post's revision count when clipped: a higher count later means the source changed.
    post_revision_count: Mapped[int] = mapped_column(Integer, default=0)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    post_created_at: Mapped[datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)
    whole_post: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    collection: Mapped[ClipCollection] = relationship(back_populates="clips")
    post: Mapped[Post] = relationship()
    delegation: Mapped[Delegation] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def source_changed(self) -> bool:
        """The post was edited, deleted or hidden after the clip was taken."""
        post = self.post
        return (
            (post.revision_count or 0) > (self.post_revision_count or 0)
            or post.is_deleted
            or post.is_hidden
        )


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


class ReportState(enum.StrEnum):
    """The life of a report version."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class Report(db.Model):
    """A compiled regional report in one language; a translation points to its source report."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), index=True)
    selection: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    created_by: Mapped[User] = relationship()
    source: Mapped[Report | None] = relationship(remote_side=[id], back_populates="translations")
    translations: Mapped[list[Report]] = relationship(back_populates="source")
    versions: Mapped[list[ReportVersion]] = relationship(
        back_populates="report", order_by="ReportVersion.number", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> ReportVersion | None:
        """The newest version, whatever its state."""
        return self.versions[-1] if self.versions else None

    @property
    def published(self) -> ReportVersion | None:
        """The version currently published, if any."""
        for version in reversed(self.versions):
            if version.state == ReportState.PUBLISHED.value:
                return version
        return None


class ReportVersion(db.Model):
    """One text of a report: a draft, the published text, or a superseded one."""

    __tablename__ = "report_version"
    __table_args__ = (UniqueConstraint("report_id", "number", name="uq_report_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=ReportState.DRAFT.value, index=True)
    audience: Mapped[str | None] = mapped_column(String(16))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    # For a translation: the version of the source report it translates.
    source_version_id: Mapped[int | None] = mapped_column(ForeignKey("report_version.id"))

    report: Mapped[Report] = relationship(back_populates="versions")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    source_version: Mapped[ReportVersion | None] = relationship(remote_side=[id])

    @property
    def is_draft(self) -> bool:
        """Still being written: facilitators only."""
        return self.state == ReportState.DRAFT.value

    @property
    def is_published(self) -> bool:
        """The current public text."""
        return self.state == ReportState.PUBLISHED.value


# ---------------------------------------------------------------------------------------------
# Follow-up actions register
# ---------------------------------------------------------------------------------------------


class ActionStatus(enum.StrEnum):
    """Where a follow-up action stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


OPEN_STATUSES = (ActionStatus.OPEN.value, ActionStatus.IN_PROGRESS.value)


class ActionSource(enum.StrEnum):
    """Where an agreement or commitment was made."""

    THREAD = "thread"
    REPORT = "report"
    MEETING = "meeting"


action_owner = Table(
    "action_owner",
    db.metadata,
    Column("action_id", ForeignKey("action_item.id", ondelete="CASCADE"), primary_key=True),
    Column("delegation_id", ForeignKey("delegation.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class ActionItem(db.Model):
    """An agreement or commitment to follow up: owners, due date and status."""

    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.OPEN.value, index=True)
    source_kind: Mapped[str] = mapped_column(String(16), default=ActionSource.MEETING.value)
    source_thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"), index=True)
    source_report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id"), index=True)
    source_meeting: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    owners: Mapped[list[Delegation]] = relationship(
        secondary=action_owner, order_by="Delegation.position"
    )
    source_thread: Mapped[Thread | None] = relationship()
    source_report: Mapped[Report | None] = relationship()
    created_by: Mapped[User] = relationship()
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", order_by="ActionUpdate.created_at", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        """Open or in progress."""
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        """Past its due date and still open."""
        today = today or utcnow().date()
        return self.is_open and self.due_date is not None and self.due_date < today


class ActionUpdate(db.Model):
    """A progress note on an action item, possibly changing its status."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("action_item.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[ActionItem] = relationship(back_populates="updates")
    author: Mapped[User] = relationship()
