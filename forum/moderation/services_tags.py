"""Tag curation: rename, relabel, group, synonyms and merges; the search index follows."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, insert, or_, select, update

from ..board import counters
from ..extensions import db
from ..models import (
    Tag,
    TagRedirect,
    TagSynonym,
    User,
    record_audit,
    record_change,
    tag_key,
    thread_tag,
)
from .services import ModerationError, NothingToDo, tag_state

TAG_GROUPS = ("populations", "situations", "themes")


def _touch_tag(tag: Tag) -> None:
    """Queue the tag and the threads carrying it for reindexing."""
    record_change("tag", tag.id)
    for thread_id in db.session.scalars(
        select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == tag.id)
    ):
        record_change("thread", thread_id)


def _key_taken(key: str, tag: Tag) -> Tag | None:
    """Another live tag already using this key as a label or a synonym."""
    synonym_tags = select(TagSynonym.tag_id).where(TagSynonym.key == key)
    return db.session.scalar(
        select(Tag).where(
            Tag.id != tag.id,
            Tag.merged_into_id.is_(None),
            or_(Tag.key_en == key, Tag.key_es == key, Tag.key_fr == key, Tag.slug == key,
                Tag.id.in_(synonym_tags)),
        ).order_by(Tag.id)
    )


def update_tag(moderator: User, tag: Tag, *, slug: str, label_en: str | None,
               label_es: str | None, label_fr: str | None, group: str | None) -> None:
    """Rename a tag (its old slug keeps working), relabel it and set its group."""
    slug = slug.strip().lower()
    if tag.merged_into_id is not None:
        raise ModerationError(_("This tag was merged into another one and can no longer be "
                                "edited."))
    if slug != tag.slug:
        clash = db.session.scalar(select(Tag).where(Tag.slug == slug))
        redirect_clash = db.session.scalar(
            select(TagRedirect).where(TagRedirect.old_slug == slug, TagRedirect.tag_id != tag.id)
        )
        if clash is not None or redirect_clash is not None:
            raise ModerationError(_("Another tag already uses the address “%(slug)s”.",
                                    slug=slug), 409)
    before = tag_state(tag)
    if slug != tag.slug:
        db.session.execute(delete(TagRedirect).where(TagRedirect.old_slug == slug))
        db.session.add(TagRedirect(old_slug=tag.slug, tag_id=tag.id))
        tag.slug = slug
    tag.label_en = label_en or None
    tag.label_es = label_es or None
    tag.label_fr = label_fr or None
    tag.group = group or None
    after = tag_state(tag)
    if after == before:
        raise NothingToDo(_("Nothing was changed."))
    _touch_tag(tag)
    record_audit(moderator, "tag.edit", "tag", tag.id, label=tag.slug, before=before,
                 after=after)
    db.session.commit()


def add_synonym(moderator: User, tag: Tag, text: str) -> TagSynonym:
    """Add another way of writing a tag; refused when another tag already uses it."""
    key = tag_key(text)
    if not key:
        raise ModerationError(_("Type the synonym to add."))
    if any(s.key == key for s in tag.synonyms):
        raise NothingToDo(_("This tag already has that synonym."))
    other = _key_taken(key, tag)
    if other is not None:
        raise ModerationError(_("“%(text)s” already belongs to the tag “%(tag)s”. Merge the "
                                "tags instead.", text=text, tag=other.label), 409)
    before = tag_state(tag)
    synonym = TagSynonym(text=" ".join(text.split()))
    tag.synonyms.append(synonym)
    _touch_tag(tag)
    record_audit(moderator, "tag.synonym_add", "tag", tag.id, label=tag.slug, before=before,
                 after=tag_state(tag))
    db.session.commit()
    return synonym


def remove_synonym(moderator: User, tag: Tag, synonym_id: int) -> None:
    """Remove one synonym from a tag."""
    synonym = next((s for s in tag.synonyms if s.id == synonym_id), None)
    if synonym is None:
        raise NothingToDo(_("That synonym was already removed."))
    before = tag_state(tag)
    tag.synonyms.remove(synonym)
    _touch_tag(tag)
    record_audit(moderator, "tag.synonym_remove", "tag", tag.id, label=tag.slug, before=before,
                 after=tag_state(tag))
    db.session.commit()


# Other tables linking things to tags: (table name, owner column, search kind). Those present
# in the schema are re-pointed when tags merge.
TAG_LINK_TABLES = (("practice_tag", "practice_id", "practice"),)


def _tag_link_tables():
    for name, owner_column, kind in TAG_LINK_TABLES:
        table = db.metadata.tables.get(name)
        if table is not None:
            yield table, owner_column, kind


def merge_tags(moderator: User, source: Tag, target: Tag) -> Tag:
    """Merge `source` into `target`: its threads (and practices), labels and synonyms move."""
    if source.id == target.id:
        raise ModerationError(_("A tag cannot be merged into itself."))
    if source.merged_into_id is not None:
        raise NothingToDo(_("This tag was already merged into another one."))
    if target.merged_into_id is not None:
        raise ModerationError(_("The chosen tag was itself merged into another one."))
    try:
        before = {"source": tag_state(source), "target": tag_state(target)}
        affected = list(db.session.scalars(
            select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == source.id)
        ))
        already = select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == target.id)
        db.session.execute(
            insert(thread_tag).from_select(
                ["thread_id", "tag_id"],
                select(thread_tag.c.thread_id, db.literal(target.id))
                .where(thread_tag.c.tag_id == source.id, thread_tag.c.thread_id.not_in(already)),
            )
        )
        db.session.execute(delete(thread_tag).where(thread_tag.c.tag_id == source.id))
        for table, owner_column, kind in _tag_link_tables():
            owners = list(db.session.scalars(
                select(table.c[owner_column]).where(table.c.tag_id == source.id)))
            have = select(table.c[owner_column]).where(table.c.tag_id == target.id)
            db.session.execute(
                insert(table).from_select(
                    [owner_column, "tag_id"],
                    select(table.c[owner_column], db.literal(target.id))
                    .where(table.c.tag_id == source.id, table.c[owner_column].not_in(have)),
                )
            )
            db.session.execute(delete(table).where(table.c.tag_id == source.id))
            for owner_id in owners:
                record_change(kind, owner_id)
        keys = {s.key for s in target.synonyms}
        target_names = {tag_key(n) for n in (target.slug, target.label_en, target.label_es,
                                          target.label_fr) if n}
        for synonym in list(source.synonyms):
            source.synonyms.remove(synonym)
            if synonym.key not in keys and synonym.key not in target_names:
                target.synonyms.append(TagSynonym(text=synonym.text))
                keys.add(synonym.key)
        for name in (source.label_en, source.label_es, source.label_fr, source.slug):
            if name and tag_key(name) not in keys and tag_key(name) not in target_names:
                target.synonyms.append(TagSynonym(text=name))
                keys.add(tag_key(name))
        for lang in ("en", "es", "fr"):
            if not getattr(target, f"label_{lang}") and getattr(source, f"label_{lang}"):
                setattr(target, f"label_{lang}", getattr(source, f"label_{lang}"))
        source.merged_into_id = target.id
        db.session.execute(update(Tag).where(Tag.merged_into_id == source.id)
                           .values(merged_into_id=target.id))
        db.session.execute(update(TagRedirect).where(TagRedirect.tag_id == source.id)
                           .values(tag_id=target.id))
        counters.tags_merged([source.id, target.id])
        for thread_id in affected:
            record_change("thread", thread_id)
        record_change("tag", source.id)
        record_change("tag", target.id)
        db.session.expire(source)
        db.session.expire(target)
        record_audit(moderator, "tag.merge", "tag", source.id,
                     label=f"{source.slug} → {target.slug}", before=before,
                     after={"source": tag_state(source), "target": tag_state(target),
                            "moved_threads": len(affected)})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return target
