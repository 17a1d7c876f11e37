"""Meaning across languages: tag concepts, the glossary, and names of filter values.

- A query equal to a tag's label (any language) or synonym also matches threads with that tag.
- A glossary entry names one concept in English, Spanish and French; a query containing any of
  its terms also matches documents containing another of its terms.
- Filter values may be written in any language: ``country:mexique``, ``lang:español``.

Glossary and tags are cached per process and reloaded when their tables change.
"""

from __future__ import annotations

from babel import Locale
from sqlalchemy import select
from whoosh import query as wq

from ..extensions import db
from ..models import Category, Delegation, Tag, User, tag_key
from ..models.roster import COUNTRIES
from . import docsets
from .analysis import fold
from .index import handle

LANGUAGE_NAMES = {
    "en": ("en", "english", "ingles", "anglais", "eng"),
    "es": ("es", "spanish", "espanol", "castellano", "espagnol", "spa"),
    "fr": ("fr", "french", "frances", "francais", "fra"),
}



def _app_cache() -> dict:
    """Caches belong to one application (one database)."""
    from flask import current_app

    return current_app.extensions.setdefault("search", {}).setdefault("concepts", {})


def glossary_expansions(stems: list[str], searcher=None) -> list[tuple[set[str], list[tuple[str, ...]]]]:
    """For query stems: (the stems a glossary entry covers, the other terms' stems) pairs.

    Glossary entries are documents of the index (kept current through the change log), so
    this costs no SQL.
    """
    present = frozenset(stems)
    if not present:
        return []
    if searcher is None:
        searcher = handle().searcher()  # the caller's searcher already opened (or rebuilt) it
    found = docsets.remembered(searcher, ("expansions", present),
                               lambda: _glossary_expansions(present, searcher))
    return [(set(covered), list(others)) for covered, others in found]


def _glossary_entries(searcher) -> tuple[dict[str, set[int]], dict[int, list[tuple[str, ...]]]]:
    """Every glossary document of the index: (stem -> document numbers, number -> variants)."""
    by_stem: dict[str, set[int]] = {}
    variants_of: dict[int, list[tuple[str, ...]]] = {}
    for docnum in searcher.docs_for_query(wq.Term("kind", "glossary")):
        variants = [tuple(v) for v in searcher.stored_fields(docnum).get("variants") or []]
        variants_of[docnum] = variants
        for stem in {s for v in variants for s in v}:
            by_stem.setdefault(stem, set()).add(docnum)
    return by_stem, variants_of


def _glossary_expansions(present: frozenset[str], searcher) -> list:
    by_stem, variants_of = docsets.remembered(searcher, ("glossary",), lambda: _glossary_entries(searcher))
    matches = []
    for docnum in sorted(set().union(*(by_stem.get(s, ()) for s in present))):
        variants = variants_of[docnum]
        for variant in variants:
            if set(variant) <= present:
                matches.append((variant, variants))
    # Longest matches first, so "niños no acompañados" wins over "niños".
    matches.sort(key=lambda m: -len(m[0]))
    found = []
    used: set[str] = set()
    for variant, variants in matches:
        covered = set(variant)
        if covered & used:
            continue
        others = [v for v in variants if v != variant]
        if others:
            found.append((covered, others))
            used |= covered
    return found


def tag_for_text(text: str, searcher=None) -> int | None:
    """The tag whose label, slug or synonym is exactly `text` (case, accents, punctuation aside).

    Looked up in the index (tag documents carry the keys of their labels and synonyms), so it
    costs no SQL; a renamed tag is found under its new label once the change is applied.
    """
    key = tag_key(text)
    if not key:
        return None
    if searcher is None:
        searcher = handle().searcher()  # the caller's searcher already opened (or rebuilt) it
    return docsets.remembered(searcher, ("tag", key), lambda: _tag_for_key(key, searcher))


def _tag_for_key(key: str, searcher) -> int | None:
    docnum = next(iter(searcher.docs_for_query(wq.Term("tagkeys", key))), None)
    if docnum is None:
        return None
    return searcher.stored_fields(docnum).get("obj_id")


def resolve_tags(value: str) -> list[int]:
    """Tag ids for a tag: filter value (slug, label in any language or synonym)."""
    found = tag_for_text(value)
    if found is None:
        found = db.session.scalar(select(Tag.id).where(Tag.slug == value.strip().lower()))
    if found is None:
        rows = db.session.execute(
            select(Tag.id, Tag.label_en, Tag.label_es, Tag.label_fr)
        ).all()
        key = fold(value)
        return [r[0] for r in rows if key in {fold(x) for x in r[1:] if x}]
    return [found]


def country_codes(value: str) -> list[str]:
    """Delegation codes for a country: value: ISO code, or a name in any language."""
    key = fold(value)
    codes = []
    for code, names in country_names().items():
        if key == code.lower() or key in names:
            codes.append(code)
    return codes


def country_names() -> dict[str, set[str]]:
    """Every delegation code with its folded names in English, Spanish and French."""
    _cache = _app_cache()
    if "countries" in _cache:
        return _cache["countries"]
    names: dict[str, set[str]] = {}
    for code in COUNTRIES:
        names[code] = {fold(Locale.parse(lang).territories.get(code, code)) for lang in ("en", "es", "fr")}
    names["US"] |= {"usa", "eeuu", "ee uu", "estados unidos de america", "etats-unis", "etats unis"}
    names["DO"] |= {"republica dominicana", "rd"}
    for code, en, es, fr in db.session.execute(
        select(Delegation.code, Delegation.name_en, Delegation.name_es, Delegation.name_fr)
    ):
        names.setdefault(code, set()).update(fold(x) for x in (en, es, fr) if x)
    _cache["countries"] = names
    return names


def language_codes(value: str) -> list[str]:
    """Content language codes for a lang: value (code or name in any language)."""
    key = fold(value)
    return [code for code, names in LANGUAGE_NAMES.items() if key in names]


def category_ids(value: str, visible_filter) -> list[int]:
    """Ids of readable categories whose slug or name (any language) matches `value`."""
    key = fold(value)
    rows = db.session.execute(
        select(Category.id, Category.slug, Category.name_en, Category.name_es, Category.name_fr)
        .where(visible_filter)
    ).all()
    exact = [r[0] for r in rows if key in {fold(x) for x in r[1:] if x}]
    if exact:
        return exact
    return [r[0] for r in rows if any(key in fold(x) for x in r[2:] if x)]


def author_ids(value: str) -> list[int]:
    """Ids of accounts whose display name contains `value` (case and accents ignored)."""
    key = fold(value)
    rows = db.session.execute(select(User.id, User.display_name)).all()
    return [uid for uid, name in rows if key and key in fold(name)][:200]
