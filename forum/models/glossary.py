"""The search glossary: equivalent terms in English, Spanish and French, kept by moderators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow
from .people import User


class GlossaryEntry(db.Model):
    """One concept named in three languages; a search for any of its terms finds the others.

    Each language column holds one or more terms, one per line (the first is the preferred one).
    """

    __tablename__ = "glossary_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_en: Mapped[str] = mapped_column(Text, default="")
    terms_es: Mapped[str] = mapped_column(Text, default="")
    terms_fr: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    slug: Mapped[str | None] = mapped_column(String(120), unique=True)

    created_by: Mapped[User | None] = relationship()

    def terms(self, lang: str) -> list[str]:
        """The terms of one language, in order, without blanks."""
        raw = getattr(self, f"terms_{lang}", "") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def all_terms(self) -> list[str]:
        """Every term in every language."""
        return [term for lang in ("en", "es", "fr") for term in self.terms(lang)]

    def label_in(self, locale: str) -> str:
        """The preferred term in a language, falling back to any language."""
        for lang in (str(locale)[:2], "en", "es", "fr"):
            terms = self.terms(lang) if lang in ("en", "es", "fr") else []
            if terms:
                return terms[0]
        return ""
