"""Writes of the search feature: the glossary (each call commits once, with an audit entry)."""

from __future__ import annotations

from ..extensions import db
from ..models import GlossaryEntry, User, record_audit, utcnow


def _clean(text: str) -> str:
    seen: list[str] = []
    for line in (text or "").splitlines():
        term = " ".join(line.split())
        if term and term.casefold() not in {s.casefold() for s in seen}:
            seen.append(term)
    return "\n".join(seen)


def _snapshot(entry: GlossaryEntry) -> dict:
    return {"en": entry.terms_en, "es": entry.terms_es, "fr": entry.terms_fr, "note": entry.note}


def create_entry(actor: User, *, terms_en: str, terms_es: str, terms_fr: str, note: str = "") -> GlossaryEntry:
    """Add a glossary entry."""
    entry = GlossaryEntry(terms_en=_clean(terms_en), terms_es=_clean(terms_es),
                          terms_fr=_clean(terms_fr), note=note or "", created_by=actor,
                          updated_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    record_audit(actor, "glossary.create", "glossary_entry", entry.id,
                 label=entry.label_in("en"), after=_snapshot(entry))
    db.session.commit()
    return entry


def update_entry(actor: User, entry: GlossaryEntry, *, terms_en: str, terms_es: str,
                 terms_fr: str, note: str = "") -> GlossaryEntry:
    """Change the terms of a glossary entry."""
    before = _snapshot(entry)
    entry.terms_en, entry.terms_es, entry.terms_fr = _clean(terms_en), _clean(terms_es), _clean(terms_fr)
    entry.note = note or ""
    entry.updated_at = utcnow()
    record_audit(actor, "glossary.update", "glossary_entry", entry.id,
                 label=entry.label_in("en"), before=before, after=_snapshot(entry))
    db.session.commit()
    return entry


def delete_entry(actor: User, entry: GlossaryEntry) -> None:
    """Remove a glossary entry."""
    record_audit(actor, "glossary.delete", "glossary_entry", entry.id,
                 label=entry.label_in("en"), before=_snapshot(entry))
    db.session.delete(entry)
    db.session.commit()
