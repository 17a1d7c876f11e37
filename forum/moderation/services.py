"""Moderation services: flags, the review queue, thread tools and tag curation.

Every function that changes data commits exactly once, writes an audit entry in the same
transaction, and leaves the database untouched when it raises.
"""

from __future__ import annotations

import smtplib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import (
    Category,
    Flag,
    FlagReason,
    FlagResolution,
    FlagStatus,
    FlagTarget,
    ModeratorMessage,
    Post,
    Tag,
    TagRedirect,
    TagSynonym,
    Thread,
    User,
    record_audit,
    record_change,
    thread_tag,
    utcnow,
)


class ModerationError(Exception):
    """An action that cannot be done; `message` is translated, `status` the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class NothingToDo(ModerationError):
    """The action was already done (another moderator, an old form): a harmless no-op."""

    def __init__(self, message: str):
        super().__init__(message, 409)


# ---------------------------------------------------------------------------------------------
# State snapshots for the audit log
# ---------------------------------------------------------------------------------------------


def thread_state(thread: Thread) -> dict:
    """The moderation-relevant state of a thread."""
    return {
        "title": thread.title,
        "category_id": thread.category_id,
        "is_pinned": bool(thread.is_pinned),
        "is_locked": bool(thread.is_locked),
        "is_hidden": bool(thread.is_hidden),
        "hidden_reason": thread.hidden_reason,
        "closed": thread.closed_at is not None,
        "closing_note": thread.closing_note,
        "merged_into_id": thread.merged_into_id,
        "post_count": thread.post_count,
    }


def post_state(post: Post) -> dict:
    """The moderation-relevant state of a post."""
    return {
        "thread_id": post.thread_id,
        "number": post.number,
        "is_hidden": bool(post.is_hidden),
        "hidden_reason": post.hidden_reason,
    }


def tag_state(tag: Tag) -> dict:
    """The curation-relevant state of a tag."""
    return {
        "slug": tag.slug,
        "label_en": tag.label_en,
        "label_es": tag.label_es,
        "label_fr": tag.label_fr,
        "group": tag.group,
        "synonyms": [s.text for s in tag.synonyms],
        "merged_into_id": tag.merged_into_id,
        "thread_count": tag.thread_count,
    }


def fold(text: str) -> str:
    """Casefold and strip accents, so `Niñez` and `ninez` compare equal."""
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


# ---------------------------------------------------------------------------------------------
# Flags
# ---------------------------------------------------------------------------------------------


def flag_target(target_type: str, target_id: int):
    """The flagged object, or None when it does not exist."""
    if target_type == FlagTarget.POST.value:
        return db.session.get(Post, target_id)
    return None


def target_author_id(target) -> int | None:
    """Who wrote a flaggable item."""
    return getattr(target, "author_id", None)


def target_label(target) -> str:
    """A short human label for an item (for the audit log and emails)."""
    if isinstance(target, Post):
        return f"{target.thread.title} #{target.number}"
    if isinstance(target, Thread):
        return target.title
    if isinstance(target, Tag):
        return target.slug
    return str(getattr(target, "title", "") or getattr(target, "id", ""))


def open_flag_for(user: User, target_type: str, target_id: int) -> Flag | None:
    """The member's open flag on an item, if any."""
    return db.session.scalar(
        select(Flag).where(
            Flag.target_type == target_type,
            Flag.target_id == target_id,
            Flag.reporter_id == user.id,
            Flag.status == FlagStatus.OPEN.value,
        )
    )


def create_flag(user: User, target_type: str, target_id: int, reason: str,
                detail: str | None = None, original_url: str | None = None) -> Flag:
    """Store a member's flag; refuse a second open flag by the same member on the same item."""
    if open_flag_for(user, target_type, target_id) is not None:
        raise ModerationError(
            _("You have already flagged this. Moderators will review it; you can follow it on "
              "your flags page."), 409)
    flag = Flag(
        target_type=target_type,
        target_id=target_id,
        reporter_id=user.id,
        reason=FlagReason(reason).value,
        detail=detail or None,
        original_url=original_url or None,
    )
    db.session.add(flag)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ModerationError(
            _("You have already flagged this. Moderators will review it; you can follow it on "
              "your flags page."), 409) from None
    return flag


def flag_personal_data(target_type: str, target_id: int, findings) -> Flag | None:
    """Flag an item automatically after its author confirmed text with personal data."""
    if not findings:
        return None
    exists = db.session.scalar(
        select(Flag.id).where(
            Flag.target_type == target_type,
            Flag.target_id == target_id,
            Flag.is_automatic.is_(True),
            Flag.status == FlagStatus.OPEN.value,
        )
    )
    if exists:
        return None
    kinds = sorted({f.kind for f in findings})
    flag = Flag(
        target_type=target_type,
        target_id=target_id,
        reporter_id=None,
        is_automatic=True,
        reason=FlagReason.PERSONAL_DATA.value,
        detail=", ".join(kinds),
    )
    db.session.add(flag)
    db.session.commit()
    return flag


def open_items_count() -> int:
    """How many distinct items have open flags (one COUNT query, for the header)."""
    items = (
        select(Flag.target_type, Flag.target_id)
        .where(Flag.status == FlagStatus.OPEN.value)
        .distinct()
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(items)) or 0


@dataclass
class QueueItem:
    """An item in the review queue with its open flags."""

    target_type: str
    target_id: int
    count: int
    first_at: object
    target: object = None
    flags: list[Flag] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """Reasons and how many flags gave each, most frequent first."""
        return Counter(f.reason for f in self.flags).most_common()


class QueuePagination(Pagination):
    """Pages of flagged items (grouped rows, not ORM objects)."""

    def _query_items(self) -> list:
        query = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(query).all())

    def _query_count(self) -> int:
        query = self._query_args["select"].order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(query)) or 0


def review_queue(page: int, per_page: int = 20, category_id: int | None = None,
                 reason: str | None = None, visible_category_ids=None) -> QueuePagination:
    """Open flags grouped by item, oldest first, filtered by category and reason."""
    query = (
        select(
            Flag.target_type,
            Flag.target_id,
            func.count(Flag.id).label("count"),
            func.min(Flag.created_at).label("first_at"),
        )
        .where(Flag.status == FlagStatus.OPEN.value)
        .group_by(Flag.target_type, Flag.target_id)
        .order_by(func.min(Flag.created_at), Flag.target_type, Flag.target_id)
    )
    if category_id is not None or visible_category_ids is not None:
        post_ids = select(Post.id).join(Thread, Post.thread_id == Thread.id)
        if category_id is not None:
            post_ids = post_ids.where(Thread.category_id == category_id)
        if visible_category_ids is not None:
            post_ids = post_ids.where(Thread.category_id.in_(visible_category_ids))
        query = query.where(Flag.target_type == FlagTarget.POST.value,
                            Flag.target_id.in_(post_ids))
    if reason:
        other = aliased(Flag)
        query = query.where(
            select(other.id)
            .where(other.status == FlagStatus.OPEN.value, other.reason == reason,
                   other.target_type == Flag.target_type, other.target_id == Flag.target_id)
            .exists()
        )
    pagination = QueuePagination(page=page, per_page=per_page, error_out=False, select=query)
    rows = pagination.items
    items = [QueueItem(r.target_type, r.target_id, r.count, r.first_at) for r in rows]
    post_ids = [i.target_id for i in items if i.target_type == FlagTarget.POST.value]
    posts = {}
    if post_ids:
        posts = {
            p.id: p
            for p in db.session.scalars(
                select(Post)
                .where(Post.id.in_(post_ids))
                .options(selectinload(Post.thread).selectinload(Thread.category),
                         selectinload(Post.author))
            )
        }
    flags_by_item: dict[tuple[str, int], list[Flag]] = {}
    if items:
        wanted = {(i.target_type, i.target_id) for i in items}
        for flag in db.session.scalars(
            select(Flag)
            .where(Flag.status == FlagStatus.OPEN.value,
                   Flag.target_id.in_([i.target_id for i in items]))
            .options(selectinload(Flag.reporter))
            .order_by(Flag.created_at)
        ):
            if (flag.target_type, flag.target_id) in wanted:
                flags_by_item.setdefault((flag.target_type, flag.target_id), []).append(flag)
    for item in items:
        if item.target_type == FlagTarget.POST.value:
            item.target = posts.get(item.target_id)
        item.flags = flags_by_item.get((item.target_type, item.target_id), [])
    pagination.items = items
    return pagination


def open_flags_on(target_type: str, target_id: int) -> list[Flag]:
    """The open flags on one item, oldest first."""
    return list(
        db.session.scalars(
            select(Flag)
            .where(Flag.target_type == target_type, Flag.target_id == target_id,
                   Flag.status == FlagStatus.OPEN.value)
            .order_by(Flag.created_at)
        )
    )


def _close_flags(moderator: User, flags: list[Flag], resolution: str,
                 note: str | None) -> None:
    now = utcnow()
    for flag in flags:
        flag.status = FlagStatus.RESOLVED.value
        flag.resolution = resolution
        flag.resolution_note = note
        flag.resolved_by_id = moderator.id
        flag.resolved_at = now


def resolve_item(moderator: User, target_type: str, target_id: int, action: str,
                 reason: str | None = None, message: str | None = None) -> ModeratorMessage | None:
    """Resolve every open flag on an item: dismiss, hide, mark edited, lock, or message."""
    target = flag_target(target_type, target_id)
    if target is None:
        raise ModerationError(_("This item no longer exists."), 404)
    flags = open_flags_on(target_type, target_id)
    if not flags:
        raise NothingToDo(_("These flags were already resolved by another moderator."))
    action = FlagResolution(action).value
    label = target_label(target)
    before = post_state(target) if isinstance(target, Post) else {}
    before = before | {"open_flags": len(flags)}
    sent = None
    note = None
    if action == FlagResolution.HIDDEN.value:
        if not reason:
            raise ModerationError(_("Give the reason shown in place of the hidden content."))
        if not target.is_hidden:
            target.is_hidden = True
            target.hidden_reason = reason
            record_change("post", target.id)
        note = reason
    elif action == FlagResolution.LOCKED.value:
        thread = target.thread
        thread.is_locked = True
        before["thread_locked"] = False
        note = reason
    elif action == FlagResolution.MESSAGED.value:
        if not message:
            raise ModerationError(_("Write the message to the author."))
        author_id = target_author_id(target)
        sent = ModeratorMessage(recipient_id=author_id, sender_id=moderator.id,
                                target_type=target_type, target_id=target_id, body=message)
        db.session.add(sent)
    else:
        note = reason
    _close_flags(moderator, flags, action, note)
    after = post_state(target) if isinstance(target, Post) else {}
    after = after | {"open_flags": 0, "resolution": action}
    if action == FlagResolution.LOCKED.value:
        after["thread_locked"] = True
    record_audit(moderator, f"flag.{action}", target_type, target_id, label=label,
                 reason=reason or message, before=before, after=after)
    db.session.commit()
    if sent is not None:
        deliver_message(sent)
    return sent


def deliver_message(message: ModeratorMessage) -> bool:
    """Email a moderator message to its recipient; it stays on their flags page either way."""
    from ..mail import send_mail

    recipient = message.recipient
    link = None
    try:
        from flask import url_for

        link = url_for("moderation.my_flags", _external=True)
    except RuntimeError:  # outside a request (commands)
        link = None
    body = "\n\n".join(
        part for part in (
            _("A moderator of the Consular Practice Exchange wrote to you about one of your "
              "contributions:"),
            message.body,
            _("You can also read this message on your flags and messages page: %(link)s",
              link=link or ""),
        ) if part
    )
    try:
        send_mail(recipient.email, _("A message from the moderators"), body, link=link)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("could not email moderator message %s", message.id)
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Thread tools
# ---------------------------------------------------------------------------------------------


def _thread_audit(moderator: User, action: str, thread: Thread, before: dict,
                  reason: str | None = None, extra: dict | None = None) -> None:
    record_audit(moderator, action, "thread", thread.id, label=thread.title, reason=reason,
                 before=before, after=thread_state(thread) | (extra or {}))


def set_pinned(moderator: User, thread: Thread, pinned: bool) -> None:
    """Pin a thread to the top of its category, or unpin it."""
    if bool(thread.is_pinned) == pinned:
        raise NothingToDo(_("The thread was already pinned.") if pinned
                          else _("The thread was not pinned."))
    before = thread_state(thread)
    thread.is_pinned = pinned
    _thread_audit(moderator, "thread.pin" if pinned else "thread.unpin", thread, before)
    db.session.commit()


def set_locked(moderator: User, thread: Thread, locked: bool, reason: str | None = None) -> None:
    """Lock a thread (no more replies except by moderators) or unlock it."""
    if bool(thread.is_locked) == locked:
        raise NothingToDo(_("The thread was already locked.") if locked
                          else _("The thread was not locked."))
    before = thread_state(thread)
    thread.is_locked = locked
    _thread_audit(moderator, "thread.lock" if locked else "thread.unlock", thread, before,
                  reason)
    db.session.commit()


def set_closed(moderator: User, thread: Thread, closed: bool, note: str | None = None) -> None:
    """Close a thread with a closing note, or reopen it."""
    if (thread.closed_at is not None) == closed:
        raise NothingToDo(_("The thread was already closed.") if closed
                          else _("The thread was not closed."))
    if closed and not note:
        raise ModerationError(_("Write a closing note for the readers."))
    before = thread_state(thread)
    if closed:
        thread.closed_at = utcnow()
        thread.closing_note = note
    else:
        thread.closed_at = None
        thread.closing_note = None
    _thread_audit(moderator, "thread.close" if closed else "thread.reopen", thread, before, note)
    db.session.commit()


def set_thread_hidden(moderator: User, thread: Thread, hidden: bool,
                      reason: str | None = None) -> None:
    """Hide a thread from everyone but moderators (with a reason), or restore it."""
    if bool(thread.is_hidden) == hidden:
        raise NothingToDo(_("The thread was already hidden, perhaps by another moderator.")
                          if hidden else _("The thread was not hidden."))
    if hidden and not reason:
        raise ModerationError(_("Give the reason shown in place of the hidden content."))
    before = thread_state(thread)
    thread.is_hidden = hidden
    thread.hidden_reason = reason if hidden else None
    category = thread.category
    delta = -1 if hidden else 1
    category.thread_count = max(0, (category.thread_count or 0) + delta)
    category.post_count = max(0, (category.post_count or 0) + delta * (thread.post_count or 0))
    record_change("thread", thread.id)
    _thread_audit(moderator, "thread.hide" if hidden else "thread.restore", thread, before,
                  reason)
    db.session.commit()


def set_post_hidden(moderator: User, post: Post, hidden: bool, reason: str | None = None) -> None:
    """Hide a post (its place stays, with the reason), or restore it."""
    if bool(post.is_hidden) == hidden:
        raise NothingToDo(_("The post was already hidden, perhaps by another moderator.")
                          if hidden else _("The post was not hidden."))
    if hidden and not reason:
        raise ModerationError(_("Give the reason shown in place of the hidden content."))
    before = post_state(post)
    post.is_hidden = hidden
    post.hidden_reason = reason if hidden else None
    record_change("post", post.id)
    record_audit(moderator, "post.hide" if hidden else "post.restore", "post", post.id,
                 label=target_label(post), reason=reason, before=before, after=post_state(post))
    db.session.commit()


def _recount_category(category_id: int) -> None:
    """Recompute a category's thread and post counters and its last post time."""
    visible = (Thread.category_id == category_id, Thread.merged_into_id.is_(None),
               Thread.is_hidden.is_(False))
    threads, posts, last = db.session.execute(
        select(func.count(Thread.id), func.coalesce(func.sum(Thread.post_count), 0),
               func.max(Thread.last_post_at)).where(*visible)
    ).one()
    category = db.session.get(Category, category_id)
    category.thread_count = threads
    category.post_count = posts
    category.last_post_at = last


def _renumber(thread: Thread) -> None:
    """Number a thread's posts 1..n by date and fix its counters."""
    posts = sorted(thread.posts, key=lambda p: (p.created_at, p.id or 0))
    for number, post in enumerate(posts, start=1):
        if post.number != number:
            post.number = number
            if post.id is not None:
                record_change("post", post.id)
    thread.post_count = len(posts)
    if posts:
        thread.last_post_at = max(p.created_at for p in posts)
        thread.created_at = posts[0].created_at


def _recount_tags(tag_ids) -> None:
    for tag_id in set(tag_ids):
        count = db.session.scalar(
            select(func.count()).select_from(thread_tag).where(thread_tag.c.tag_id == tag_id)
        )
        db.session.execute(update(Tag).where(Tag.id == tag_id).values(thread_count=count))


def move_thread(moderator: User, thread: Thread, category: Category) -> None:
    """Move a thread into another category and fix both categories' counters."""
    if thread.category_id == category.id:
        raise NothingToDo(_("The thread is already in this category."))
    before = thread_state(thread)
    old_category_id = thread.category_id
    thread.category = category
    db.session.flush()
    _recount_category(old_category_id)
    _recount_category(category.id)
    record_change("thread", thread.id)
    for post in thread.posts:
        record_change("post", post.id)
    _thread_audit(moderator, "thread.move", thread, before)
    db.session.commit()


def _lock_rows(*thread_ids: int) -> None:
    """Take row locks on the threads (PostgreSQL), so two merges cannot interleave."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            select(Thread.id).where(Thread.id.in_(sorted(thread_ids))).with_for_update()
        )


def merge_threads(moderator: User, source: Thread, target: Thread) -> Thread:
    """Merge `source` into `target`: every post moves, by date; tags join; the old URL redirects."""
    if source.id == target.id:
        raise ModerationError(_("A thread cannot be merged into itself."))
    if source.merged_into_id is not None:
        raise NothingToDo(_("This thread was already merged into another one."))
    if target.merged_into_id is not None:
        raise ModerationError(_("The chosen thread was itself merged into another one; "
                                "merge into that one instead."))
    try:
        _lock_rows(source.id, target.id)
        db.session.refresh(source)
        db.session.refresh(target)
        if source.merged_into_id is not None:
            raise NothingToDo(_("This thread was already merged into another one."))
        before = {"source": thread_state(source), "target": thread_state(target),
                  "source_tags": [t.slug for t in source.tags],
                  "target_tags": [t.slug for t in target.tags]}
        moved = list(source.posts)
        for post in moved:
            post.thread = target
            record_change("post", post.id)
        db.session.flush()
        db.session.expire(target, ["posts"])
        _renumber(target)
        tag_ids = {t.id for t in source.tags} | {t.id for t in target.tags}
        for tag in list(source.tags):
            if tag not in target.tags:
                target.tags.append(tag)
        source.tags.clear()
        source.post_count = 0
        source.merged_into_id = target.id
        source.is_pinned = False
        db.session.flush()
        _recount_tags(tag_ids)
        _recount_category(source.category_id)
        if target.category_id != source.category_id:
            _recount_category(target.category_id)
        record_change("thread", source.id)
        record_change("thread", target.id)
        after = {"source": thread_state(source), "target": thread_state(target),
                 "target_tags": [t.slug for t in target.tags], "moved_posts": len(moved)}
        record_audit(moderator, "thread.merge", "thread", source.id,
                     label=f"{source.title} → {target.title}", before=before, after=after)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return target


def split_thread(moderator: User, thread: Thread, post_ids: list[int], title: str,
                 category: Category) -> Thread:
    """Move the selected posts into a new thread (same tags), both renumbered by date."""
    chosen = [p for p in thread.posts if p.id in set(post_ids)]
    if not chosen:
        raise ModerationError(_("Select at least one post to move into the new thread."))
    if len(chosen) == len(thread.posts):
        raise ModerationError(_("Leave at least one post in the original thread."))
    if not title:
        raise ModerationError(_("Give the new thread a title."))
    try:
        _lock_rows(thread.id)
        before = thread_state(thread)
        chosen.sort(key=lambda p: (p.created_at, p.id))
        first = chosen[0]
        new = Thread(
            category=category,
            title=title,
            language=first.language,
            author_id=first.author_id,
            delegation_id=first.delegation_id,
            created_at=first.created_at,
            last_post_at=chosen[-1].created_at,
            post_count=len(chosen),
        )
        db.session.add(new)
        new.tags = list(thread.tags)
        for post in chosen:
            post.thread = new
        db.session.flush()
        db.session.expire(thread, ["posts"])
        db.session.expire(new, ["posts"])
        _renumber(thread)
        _renumber(new)
        for post in chosen:
            record_change("post", post.id)
        db.session.flush()
        _recount_tags(t.id for t in thread.tags)
        _recount_category(thread.category_id)
        if category.id != thread.category_id:
            _recount_category(category.id)
        record_change("thread", thread.id)
        record_change("thread", new.id)
        record_audit(moderator, "thread.split", "thread", thread.id, label=thread.title,
                     before=before,
                     after=thread_state(thread) | {"new_thread_id": new.id,
                                                   "moved_posts": [p.id for p in chosen]})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return new


def surviving_thread(thread: Thread) -> Thread:
    """Follow merges to the thread that now holds the posts."""
    seen = set()
    while thread.merged_into_id is not None and thread.id not in seen:
        seen.add(thread.id)
        thread = db.session.get(Thread, thread.merged_into_id)
    return thread


# ---------------------------------------------------------------------------------------------
# Tag curation
# ---------------------------------------------------------------------------------------------

TAG_GROUPS = ("populations", "situations", "themes")


def _touch_tag(tag: Tag) -> None:
    """Queue the tag and the threads carrying it for reindexing."""
    record_change("tag", tag.id)
    for thread_id in db.session.scalars(
        select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == tag.id)
    ):
        record_change("thread", thread_id)


def _key_taken(key: str, tag: Tag) -> Tag | None:
    """Another live tag already using this folded text as a synonym, label or slug."""
    other = db.session.scalar(
        select(Tag).join(TagSynonym, TagSynonym.tag_id == Tag.id)
        .where(TagSynonym.key == key, Tag.id != tag.id, Tag.merged_into_id.is_(None))
    )
    if other is not None:
        return other
    for candidate in db.session.scalars(
        select(Tag).where(Tag.id != tag.id, Tag.merged_into_id.is_(None))
    ):
        names = (candidate.slug, candidate.label_en, candidate.label_es, candidate.label_fr)
        if any(name and fold(name) == key for name in names):
            return candidate
    return None


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
    key = fold(text)
    if not key:
        raise ModerationError(_("Type the synonym to add."))
    if any(s.key == key for s in tag.synonyms):
        raise NothingToDo(_("This tag already has that synonym."))
    other = _key_taken(key, tag)
    if other is not None:
        raise ModerationError(_("“%(text)s” already belongs to the tag “%(tag)s”. Merge the "
                                "tags instead.", text=text, tag=other.label), 409)
    before = tag_state(tag)
    synonym = TagSynonym(text=text.strip(), key=key)
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


TAG_LINK_TABLES: list = []  # other association tables with (tag_id, <owner>_id) to re-point


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
        for table, owner_column, kind in TAG_LINK_TABLES:
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
        target_names = {fold(n) for n in (target.slug, target.label_en, target.label_es,
                                          target.label_fr) if n}
        for synonym in list(source.synonyms):
            source.synonyms.remove(synonym)
            if synonym.key not in keys and synonym.key not in target_names:
                target.synonyms.append(TagSynonym(text=synonym.text, key=synonym.key))
                keys.add(synonym.key)
        for name in (source.label_en, source.label_es, source.label_fr, source.slug):
            if name and fold(name) not in keys and fold(name) not in target_names:
                target.synonyms.append(TagSynonym(text=name, key=fold(name)))
                keys.add(fold(name))
        for lang in ("en", "es", "fr"):
            if not getattr(target, f"label_{lang}") and getattr(source, f"label_{lang}"):
                setattr(target, f"label_{lang}", getattr(source, f"label_{lang}"))
        source.merged_into_id = target.id
        db.session.execute(update(Tag).where(Tag.merged_into_id == source.id)
                           .values(merged_into_id=target.id))
        db.session.execute(update(TagRedirect).where(TagRedirect.tag_id == source.id)
                           .values(tag_id=target.id))
        db.session.flush()
        _recount_tags([source.id, target.id])
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
