"""Related threads and practices, computed by the search worker and read by the pages.

The search worker (the process applying the change log) recomputes a thread's list when the
thread's own text or tags change, and `flask search reindex` recomputes every list. A page reads
the stored list in one indexed statement, filtered by the reader's visibility; the lists keep
more candidates than a page shows so that readers who may not see some still get enough.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class RelatedThread(db.Model):
    """One candidate in a thread's related-threads list (another delegation's thread)."""

    __tablename__ = "related_thread"
    __table_args__ = (Index("ix_related_thread_thread_score", "thread_id", "score"),)

    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"),
                                           primary_key=True)
    related_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RelatedPractice(db.Model):
    """One candidate in a practice's similar-practices list (another country's practice)."""

    __tablename__ = "related_practice"
    __table_args__ = (Index("ix_related_practice_practice_score", "practice_id", "score"),)

    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"),
                                             primary_key=True)
    related_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    score: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
