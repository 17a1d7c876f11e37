"""Practices: structured submissions, their managed lists, workflow and revisions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .attachments import Attachment
from .base import utcnow
from .boards import Category, Thread
from .people import Delegation, User


class PracticeStatus(enum.StrEnum):
    """Where a practice is in the review workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    UPDATE_REQUESTED = "update_requested"


PUBLIC_STATUSES = (PracticeStatus.PUBLISHED.value, PracticeStatus.UPDATE_REQUESTED.value)
REVIEW_STATUSES = (PracticeStatus.SUBMITTED.value, PracticeStatus.CHANGES_REQUESTED.value)


class Coverage(enum.StrEnum):
    """Whether a case-recording system records one minimum indicator."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


COVERAGE_RANK = {Coverage.YES.value: 3, Coverage.PARTLY.value: 2, Coverage.NO.value: 1}

INSTITUTION_TYPES = ("ministry", "consular_network", "other_agency", "international_org",
                     "civil_society")
TECHNOLOGIES = ("in_house", "commercial", "spreadsheet", "paper")
EVIDENCE_LEVELS = ("self_reported", "monitored", "independently_evaluated")
IMPLEMENTATION_STATUSES = ("pilot", "operational", "completed", "discontinued")
INDICATOR_GROUPS = ("case", "person", "assistance", "closure")


practice_population = Table(
    "practice_population",
    db.metadata,
    Column("practice_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    Column("population_id", ForeignKey("target_population.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)

practice_situation = Table(
    "practice_situation",
    db.metadata,
    Column("practice_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    Column("situation_id", ForeignKey("situation.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

practice_tag = Table(
    "practice_tag",
    db.metadata,
    Column("practice_id", ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class LabelledItem:
    """A managed list entry with a stable code and labels in three languages."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_en: Mapped[str] = mapped_column(String(200))
    label_es: Mapped[str] = mapped_column(String(200))
    label_fr: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def label_in(self, locale: str) -> str:
        """The label in a language, falling back to English."""
        return getattr(self, f"label_{str(locale)[:2]}", None) or self.label_en

    @property
    def label(self) -> str:
        """The label in the current request's language."""
        from flask_babel import get_locale

        return self.label_in(str(get_locale() or "en"))


class TargetPopulation(LabelledItem, db.Model):
    """Who a practice serves (unaccompanied children, detained nationals, ...)."""

    __tablename__ = "target_population"


class Situation(LabelledItem, db.Model):
    """What situation a practice responds to (detention, death abroad, ...)."""

    __tablename__ = "situation"


class MinimumIndicator(LabelledItem, db.Model):
    """A field every consular case record should hold (case identifier, date opened, ...)."""

    __tablename__ = "minimum_indicator"

    group: Mapped[str] = mapped_column(String(32), default="case")


class Practice(db.Model):
    """A delegation's protection practice and its case-recording system, as structured data."""

    __tablename__ = "practice"
    __table_args__ = (Index("ix_practice_delegation_status", "delegation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[str] = mapped_column(String(24), default=PracticeStatus.DRAFT.value, index=True)

    institution: Mapped[str] = mapped_column(String(300), default="")
    institution_type: Mapped[str] = mapped_column(String(32), default="")
    partners: Mapped[str] = mapped_column(Text, default="")

    problem: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    operation: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    resources: Mapped[str] = mapped_column(Text, default="")

    system_name: Mapped[str] = mapped_column(String(200), default="")
    system_scope: Mapped[str] = mapped_column(Text, default="")
    system_technology: Mapped[str] = mapped_column(String(32), default="")
    system_languages: Mapped[str] = mapped_column(String(200), default="")
    system_interoperability: Mapped[str] = mapped_column(Text, default="")
    system_safeguards: Mapped[str] = mapped_column(Text, default="")

    results: Mapped[str] = mapped_column(Text, default="")
    evidence_level: Mapped[str] = mapped_column(String(32), default="")
    enabling_factors: Mapped[str] = mapped_column(Text, default="")
    constraints: Mapped[str] = mapped_column(Text, default="")
    replicability: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")

    implementation_status: Mapped[str] = mapped_column(String(32), default="")
    start_year: Mapped[int | None] = mapped_column(Integer)
    focal_name: Mapped[str] = mapped_column(String(200), default="")
    focal_role: Mapped[str] = mapped_column(String(200), default="")
    focal_email: Mapped[str] = mapped_column(String(254), default="")

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    delegation: Mapped[Delegation] = relationship()
    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship()
    thread: Mapped[Thread | None] = relationship()
    populations: Mapped[list[TargetPopulation]] = relationship(
        secondary=practice_population, order_by="TargetPopulation.position"
    )
    situations: Mapped[list[Situation]] = relationship(
        secondary=practice_situation, order_by="Situation.position"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=practice_tag)  # noqa: F821
    coverages: Mapped[list[IndicatorCoverage]] = relationship(
        back_populates="practice", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[PracticeRevision]] = relationship(
        back_populates="practice", order_by="PracticeRevision.number",
        cascade="all, delete-orphan",
    )
    transitions: Mapped[list[PracticeTransition]] = relationship(
        back_populates="practice", order_by="PracticeTransition.id",
        cascade="all, delete-orphan",
    )
    documents: Mapped[list[Attachment]] = relationship(
        back_populates="practice", order_by="Attachment.created_at",
        primaryjoin="and_(Attachment.practice_id == Practice.id, Attachment.deleted_at.is_(None))",
        viewonly=True,
    )

    @property
    def is_public(self) -> bool:
        """Published (possibly with an update requested) and not deleted."""
        return self.status in PUBLIC_STATUSES and self.deleted_at is None

    def coverage_of(self, indicator_id: int) -> str | None:
        """yes / partly / no for one indicator, or None when not stated."""
        for coverage in self.coverages:
            if coverage.indicator_id == indicator_id:
                return coverage.value
        return None

    @property
    def last_review_reason(self) -> str | None:
        """The reason of the latest request for changes or for an update."""
        for transition in reversed(self.transitions):
            if transition.to_status in (PracticeStatus.CHANGES_REQUESTED.value,
                                        PracticeStatus.UPDATE_REQUESTED.value):
                return transition.reason
            if transition.to_status != transition.from_status:
                return None
        return None


class IndicatorCoverage(db.Model):
    """Whether a practice's case-recording system records one minimum indicator."""

    __tablename__ = "indicator_coverage"
    __table_args__ = (UniqueConstraint("practice_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("minimum_indicator.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(String(8))

    practice: Mapped[Practice] = relationship(back_populates="coverages")
    indicator: Mapped[MinimumIndicator] = relationship()


class PracticeRevision(db.Model):
    """A complete snapshot of a practice after one save; consecutive ones can be compared."""

    __tablename__ = "practice_revision"
    __table_args__ = (UniqueConstraint("practice_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[int] = mapped_column(Integer)
    editor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict] = mapped_column(JSON)

    practice: Mapped[Practice] = relationship(back_populates="revisions")
    editor: Mapped[User] = relationship()


class PracticeTransition(db.Model):
    """One step of the workflow: who moved the practice from which status to which, and why."""

    __tablename__ = "practice_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"),
                                             index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)

    practice: Mapped[Practice] = relationship(back_populates="transitions")
    actor: Mapped[User] = relationship()
