"""The `practice` kind of the search index: published practices, found by title and system.

Registered with the search feature's registry when the blueprint is imported; the title field
carries the practice title and its case-recording system name (the boosted field), the body
every descriptive field and the list labels in the three languages.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions
from ..extensions import db
from ..models.practices import (
    PUBLIC_STATUSES,
    IndicatorCoverage,
    Practice,
)
from ..search.registry import ResultItem, SearchKind, register
from ..web.links import practice_url

TEXT_FIELDS = ("institution", "partners", "problem", "description", "operation", "legal_basis",
               "resources", "system_scope", "system_languages", "system_interoperability",
               "system_safeguards", "results", "enabling_factors", "constraints",
               "replicability", "lessons")
ALIASES = ("practice", "practices", "practica", "practicas", "práctica", "prácticas",
           "pratique", "pratiques")


def practice_document(practice: Practice) -> dict | None:
    """The index document of a practice, or None when it must not be found."""
    if practice.deleted_at is not None or practice.status not in PUBLIC_STATUSES:
        return None
    labels = []
    for item in [*practice.populations, *practice.situations]:
        labels += [item.label_en, item.label_es, item.label_fr]
    body = "\n".join([*(getattr(practice, name) or "" for name in TEXT_FIELDS), *labels])
    # The system name goes into the boosted title field, twice, so that searching for a
    # system's name ranks its practice first.
    title = " ".join(x for x in (practice.title, practice.system_name, practice.system_name) if x)
    return {
        "key": f"practice:{practice.id}",
        "kind": "practice",
        "obj_id": practice.id,
        "group": f"practice:{practice.id}",
        "post_id": 0,
        "title": title,
        "body": body,
        "tags": " ".join(str(tag_id) for tag_id in sorted(tag.id for tag in practice.tags)),
        "country": practice.delegation.code if practice.delegation else "",
        "category": str(practice.category_id),
        "author": str(practice.author_id),
        "lang": practice.language or "",
        "hidden": "0",
        "created": practice.published_at or practice.created_at,
    }


def build_practices(session, ids: list[int]) -> dict[str, dict | None]:
    """Documents from the current rows; drafts, reviews and deleted practices are removed."""
    out: dict[str, dict | None] = {f"practice:{i}": None for i in ids}
    practices = session.scalars(
        select(Practice).where(Practice.id.in_(ids))
        .options(joinedload(Practice.delegation), selectinload(Practice.populations),
                 selectinload(Practice.situations), selectinload(Practice.tags))
    ).unique().all()
    for practice in practices:
        out[f"practice:{practice.id}"] = practice_document(practice)
    return out


def all_practice_ids(session):
    """Every practice that belongs in the index."""
    return session.scalars(
        select(Practice.id).where(Practice.status.in_(PUBLIC_STATUSES),
                                  Practice.deleted_at.is_(None)).order_by(Practice.id)
    )


def load_practices(user, ids: list[int]) -> dict:
    """Visible practices by id, as search results."""
    if not ids:
        return {}
    practices = db.session.scalars(
        select(Practice).where(Practice.id.in_(ids), permissions.visible_practices(user))
        .options(joinedload(Practice.delegation), joinedload(Practice.author),
                 joinedload(Practice.category), selectinload(Practice.tags))
    ).unique().all()
    items = {}
    for practice in practices:
        url = practice_url(practice)
        text = practice.description
        if practice.system_name:
            text = f"{practice.system_name} — {text}"
        items[practice.id] = ResultItem(
            kind="practice", obj_id=practice.id, title=practice.title, url=url, text=text,
            country=practice.delegation.code, country_name=practice.delegation.name,
            flag=practice.delegation.flag, language=practice.language,
            created_at=practice.published_at or practice.created_at,
            author=practice.author.display_name if practice.author else "",
            group_title=practice.title, group_url=url, tags=list(practice.tags),
            category=practice.category.name,
        )
    return items


def _watch_practice(practice: Practice, session) -> list[tuple[str, int]]:
    return [("practice", practice.id)]


def _watch_coverage(coverage: IndicatorCoverage, session) -> list[tuple[str, int]]:
    return [("practice", coverage.practice_id)] if coverage.practice_id else []


def related_practices(user, practice: Practice, limit: int = 4) -> list[Practice]:
    """Published practices of other countries that resemble this one (empty without search).

    The search worker stores each practice's list when the practice changes (and on reindex);
    this reads it in one statement filtered by what the reader may see.
    """
    if "search" not in current_app.extensions:
        return []
    from ..search.related import stored_related_practices

    visible = and_(permissions.visible_practices(user), Practice.status.in_(PUBLIC_STATUSES))
    return stored_related_practices(practice, visible, limit)


def register_kind() -> None:
    """Register the kind with the search registry."""
    register(SearchKind(
        name="practice", build=build_practices, all_ids=all_practice_ids,
        load=load_practices,
        watch={Practice: _watch_practice, IndicatorCoverage: _watch_coverage},
        label=_l("Practices"), aliases=ALIASES,
    ))
