"""Attachments: files attached to practices and posts (bytes on disk, a row here)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .boards import Post
from .people import User

if TYPE_CHECKING:
    from .practices import Practice


class Attachment(db.Model):
    """A file attached to a practice or a post, stored outside static/ under UPLOAD_DIR.

    The table keeps its first name, `document`.
    """

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practice.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    filename: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    mimetype: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    practice: Mapped[Practice | None] = relationship(back_populates="documents")
    post: Mapped[Post | None] = relationship()
    uploader: Mapped[User] = relationship()

    @property
    def is_image(self) -> bool:
        """PNG and JPEG are shown inline; everything else is downloaded."""
        return self.kind in ("png", "jpeg")
