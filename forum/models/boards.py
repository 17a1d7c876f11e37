"""Discussion boards: categories, threads, posts and their edit history."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .people import Delegation, User


class Visibility(enum.StrEnum):
    """Who can read a category."""

    PUBLIC = "public"  # anyone, logged out too
    MEMBERS = "members"  # every logged-in account, observers included
    GOVERNMENTS = "governments"  # country delegations, facilitators, moderators, admins
    STAFF = "staff"  # moderators, facilitators, admins


CONTENT_LANGUAGES = ("en", "es", "fr")


thread_tag = Table(
    "thread_tag",
    db.metadata,
    Column("thread_id", ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Category(db.Model):
    """A board with names in three languages, an order and a visibility."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_es: Mapped[str] = mapped_column(String(120))
    name_fr: Mapped[str] = mapped_column(String(120))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.MEMBERS.value)
    observers_may_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    thread_count: Mapped[int] = mapped_column(Integer, default=0)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    last_post_at: Mapped[datetime | None] = mapped_column(DateTime)

    def name_in(self, locale: str) -> str:
        """The name in a language, falling back to English."""
        return getattr(self, f"name_{str(locale)[:2]}", None) or self.name_en

    def description_in(self, locale: str) -> str:
        """The description in a language, falling back to English."""
        return getattr(self, f"description_{str(locale)[:2]}", None) or self.description_en

    @property
    def name(self) -> str:
        """The name in the current request's language."""
        from flask_babel import get_locale

        return self.name_in(str(get_locale() or "en"))

    @property
    def description(self) -> str:
        """The description in the current request's language."""
        from flask_babel import get_locale

        return self.description_in(str(get_locale() or "en"))


class Thread(db.Model):
    """A discussion: a title, a category, tags, and posts in order."""

    __tablename__ = "thread"
    __table_args__ = (
        Index("ix_thread_category_order", "category_id", "is_pinned", "last_post_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="en")
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_post_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    post_count: Mapped[int] = mapped_column(Integer, default=0)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closing_note: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"))

    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship()
    delegation: Mapped[Delegation] = relationship()
    posts: Mapped[list[Post]] = relationship(
        back_populates="thread", order_by="Post.number", cascade="all, delete-orphan"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=thread_tag, back_populates="threads")  # noqa: F821


class Post(db.Model):
    """One contribution to a thread; Markdown source plus its sanitized HTML rendering."""

    __tablename__ = "post"
    __table_args__ = (Index("ix_post_thread_number", "thread_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    number: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    thread: Mapped[Thread] = relationship(back_populates="posts")
    author: Mapped[User] = relationship()
    delegation: Mapped[Delegation] = relationship()
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="post", order_by="Revision.created_at", cascade="all, delete-orphan"
    )


class Revision(db.Model):
    """The text of a post before one edit: who edited, when, and what it said before."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(200))

    post: Mapped[Post] = relationship(back_populates="revisions")
    editor: Mapped[User] = relationship()
