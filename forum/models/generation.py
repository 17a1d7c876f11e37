"""The content generation: one counter that every committed content change moves forward.

Rendered fragments are cached under the generation current when they were rendered (see
`forum.caching.fragments`). The counter is raised by the same transaction as the change it announces,
so a process on any node that reads a newer value also reads the change.
"""

from __future__ import annotations

from sqlalchemy import Integer, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ContentGeneration(db.Model):
    """A single row (id 1) holding the current generation."""

    __tablename__ = "content_generation"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)


# One statement, safe under concurrent writers on SQLite and PostgreSQL, with or without the row.
BUMP = text(
    "INSERT INTO content_generation (id, value) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET value = content_generation.value + 1"
)
READ = text("SELECT value FROM content_generation WHERE id = 1")
