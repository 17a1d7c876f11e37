"""Finding, creating and suggesting tags; any label or synonym in any language matches."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _
from sqlalchemy import or_, select

from .. import permissions
from ..extensions import db
from ..models import Tag, TagRedirect, TagSynonym, tag_key, utcnow

MAX_TAGS_PER_THREAD = 8
MAX_TAG_LENGTH = 60
_SEPARATORS = re.compile(r"[,;\n]")


class TagInputError(ValueError):
    """A typed tag that cannot be used; the message is translated and shown to the user."""


def split_tag_input(raw: str | None) -> list[str]:
    """Split a comma-separated tag field into trimmed, non-empty texts."""
    return [" ".join(part.split()) for part in _SEPARATORS.split(raw or "") if part.strip()]


def _key_clause(key: str):
    synonym_tags = select(TagSynonym.tag_id).where(TagSynonym.key == key)
    return or_(Tag.key_en == key, Tag.key_es == key, Tag.key_fr == key, Tag.id.in_(synonym_tags))


def _follow_merges(tag: Tag | None) -> Tag | None:
    seen = set()
    while tag is not None and tag.merged_into_id and tag.id not in seen:
        seen.add(tag.id)
        tag = db.session.get(Tag, tag.merged_into_id)
    return tag


def find_tag(text: str) -> Tag | None:
    """The tag whose label or synonym (any language, case or accents) matches the text."""
    key = tag_key(text)
    if not key:
        return None
    candidates = db.session.scalars(select(Tag).where(_key_clause(key)).order_by(Tag.id)).all()
    live = [t for t in candidates if not t.merged_into_id]
    return live[0] if live else _follow_merges(candidates[0] if candidates else None)


def _unique_slug(key: str) -> str:
    base = key.replace(" ", "-")[:90].strip("-") or "tag"
    slug, n = base, 1
    while db.session.scalar(select(Tag.id).where(Tag.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def resolve_tags(texts: list[str], user, language: str, *, may_create: bool) -> list[Tag]:
    """Map typed texts to tags, creating missing ones labelled in `language` (not committed).

    Raises TagInputError for punctuation-only or overlong texts, too many tags, or an unknown
    tag when the user may not create tags. Nothing is added to the session before all texts
    have been checked.
    """
    if len(texts) > MAX_TAGS_PER_THREAD:
        raise TagInputError(_("Use at most %(num)d tags.", num=MAX_TAGS_PER_THREAD))
    for text in texts:
        if not tag_key(text):
            raise TagInputError(
                _("“%(tag)s” is not a tag: a tag needs at least one letter or digit.", tag=text)
            )
        if len(text) > MAX_TAG_LENGTH:
            raise TagInputError(
                _("The tag “%(tag)s” is too long (at most %(num)d characters).",
                  tag=text[:30] + "…", num=MAX_TAG_LENGTH)
            )
    found: list[tuple[str, Tag | None]] = [(text, find_tag(text)) for text in texts]
    unknown = [text for text, tag in found if tag is None]
    if unknown and not may_create:
        raise TagInputError(
            _("There is no tag “%(tag)s”, and your account cannot create tags.", tag=unknown[0])
        )
    tags: list[Tag] = []
    created: dict[str, Tag] = {}
    for text, tag in found:
        if tag is None:
            key = tag_key(text)
            tag = created.get(key)
            if tag is None:
                lang = language if language in ("en", "es", "fr") else "en"
                tag = Tag(slug=_unique_slug(key), created_by_id=getattr(user, "id", None),
                          created_at=utcnow(), thread_count=0)
                setattr(tag, f"label_{lang}", text)
                db.session.add(tag)
                created[key] = tag
        if tag not in tags:
            tags.append(tag)
    return tags


def _like_prefix(key: str) -> str:
    return key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def suggest_tags(text: str, user, limit: int = 8) -> list[tuple[Tag, int]]:
    """Tags the user may know of with a label or synonym word starting with the typed text,
    with the number of threads the user can read that carry them, most used first."""
    key = tag_key(text)
    if not key:
        return []
    escaped = _like_prefix(key)
    clauses = []
    for column in (Tag.key_en, Tag.key_es, Tag.key_fr, TagSynonym.key):
        clauses.append(column.like(f"{escaped}%", escape="\\"))
        clauses.append(column.like(f"% {escaped}%", escape="\\"))
    matching = (
        select(Tag.id)
        .outerjoin(TagSynonym, TagSynonym.tag_id == Tag.id)
        .where(Tag.merged_into_id.is_(None), or_(*clauses))
    )
    threads = permissions.visible_tag_threads(user).label("threads")
    query = (
        select(Tag, threads)
        .where(Tag.id.in_(matching), permissions.visible_tags(user))
        .order_by(threads.desc(), Tag.slug)
        .limit(limit)
    )
    return [(tag, count) for tag, count in db.session.execute(query)]


def tag_redirect_for(slug: str) -> Tag | None:
    """The live tag an old or merged slug now leads to, or None."""
    tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
    if tag is None:
        redirect_row = db.session.scalar(select(TagRedirect).where(TagRedirect.old_slug == slug))
        if redirect_row is None:
            return None
        tag = db.session.get(Tag, redirect_row.tag_id)
    seen = set()
    while tag is not None and tag.merged_into_id is not None and tag.id not in seen:
        seen.add(tag.id)
        tag = db.session.get(Tag, tag.merged_into_id)
    if tag is None or tag.slug == slug:
        return None
    return tag
