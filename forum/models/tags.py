"""Tags: language-neutral concepts with labels in en/es/fr and synonyms."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from .base import utcnow
from .boards import Thread, thread_tag

_NOT_WORD = re.compile(r"[\W_]+")


def tag_key(text: str | None) -> str:
    """The matching key of a tag text: casefolded, accents and punctuation removed.

    `Niñez  migrante`, `ninez-migrante` and `NIÑEZ MIGRANTE` share the key `ninez migrante`;
    a text of only punctuation has the empty key.
    """
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare).split())[:100]


class Tag(db.Model):
    """A concept such as "migrant children", labelled in each language."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    label_en: Mapped[str | None] = mapped_column(String(100))
    label_es: Mapped[str | None] = mapped_column(String(100))
    label_fr: Mapped[str | None] = mapped_column(String(100))
    # Matching keys of the labels (see tag_key), kept in step by the validators below.
    key_en: Mapped[str | None] = mapped_column(String(100), index=True)
    key_es: Mapped[str | None] = mapped_column(String(100), index=True)
    key_fr: Mapped[str | None] = mapped_column(String(100), index=True)
    group: Mapped[str | None] = mapped_column(String(32))
    thread_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tag.id"))

    threads: Mapped[list[Thread]] = relationship(secondary=thread_tag, back_populates="tags")
    synonyms: Mapped[list[TagSynonym]] = relationship(
        back_populates="tag", cascade="all, delete-orphan", order_by="TagSynonym.text"
    )

    @validates("label_en", "label_es", "label_fr")
    def _keep_key(self, name: str, value: str | None) -> str | None:
        setattr(self, "key_" + name[-2:], tag_key(value) or None)
        return value

    def label_in(self, locale: str) -> str:
        """The label in a language, falling back to any label, then the slug."""
        lang = str(locale)[:2]
        return (
            getattr(self, f"label_{lang}", None)
            or self.label_en
            or self.label_es
            or self.label_fr
            or self.slug
        )

    @property
    def label(self) -> str:
        """The label in the current request's language."""
        from flask_babel import get_locale

        return self.label_in(str(get_locale() or "en"))


class TagSynonym(db.Model):
    """Another way of writing a tag (any language); `key` is casefolded and accent-free."""

    __tablename__ = "tag_synonym"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100), index=True)

    tag: Mapped[Tag] = relationship(back_populates="synonyms")

    @validates("text")
    def _keep_key(self, _name: str, value: str) -> str:
        self.key = tag_key(value)
        return value
