"""Moderation services: flags, the review queue, thread tools and tag curation.

Every function that changes data commits exactly once, writes an audit entry in the same
transaction, and leaves the database untouched when it raises.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from ..board import counters
from ..extensions import db
from ..mail import language_for, queue_mail
from ..models import (
    Flag,
    FlagReason,
    FlagResolution,
    FlagStatus,
    FlagTarget,
    ModeratorMessage,
    Post,
    Tag,
    Thread,
    User,
    record_audit,
    record_change,
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


# ---------------------------------------------------------------------------------------------
# Flags
# ---------------------------------------------------------------------------------------------


def flag_target(target_type: str, target_id: int):
    """The flagged object, or None when it does not exist."""
    if target_type == FlagTarget.POST.value:
        return db.session.get(Post, target_id)
    if target_type == FlagTarget.PRACTICE.value:
        from ..models import Practice

        return db.session.get(Practice, target_id)
    return None


def target_author_id(target) -> int | None:
    """Who wrote a flaggable item."""
    return getattr(target, "author_id", None)


def target_label(target) -> str:
    """A short human label for an item (for the audit log and emails)."""
    if isinstance(target, Post):
        return f"{target.thread.title} #{target.number}"
    if isinstance(target, Thread) or hasattr(target, "delegation_id") and hasattr(target, "status"):
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




def open_items_count_query():
    """A scalar subquery: how many distinct items have open flags."""
    items = (
        select(Flag.target_type, Flag.target_id)
        .where(Flag.status == FlagStatus.OPEN.value)
        .distinct()
        .subquery()
    )
    return select(func.count()).select_from(items).scalar_subquery()


def open_items_count() -> int:
    """How many distinct items have open flags (one COUNT query)."""
    return db.session.scalar(select(open_items_count_query())) or 0


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
    practice_ids = [i.target_id for i in items if i.target_type == FlagTarget.PRACTICE.value]
    practices = {}
    if practice_ids:
        from ..models import Practice

        practices = {p.id: p for p in db.session.scalars(
            select(Practice).where(Practice.id.in_(practice_ids))
            .options(selectinload(Practice.delegation), selectinload(Practice.author)))}
    for item in items:
        if item.target_type == FlagTarget.POST.value:
            item.target = posts.get(item.target_id)
        else:
            item.target = practices.get(item.target_id)
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
    if action == FlagResolution.HIDDEN.value and not isinstance(target, Post):
        raise ModerationError(_("Practices cannot be hidden from here: edit the practice, or "
                                "delete it from its page."))
    if action == FlagResolution.LOCKED.value and getattr(target, "thread", None) is None:
        raise ModerationError(_("This practice has no discussion thread to lock."))
    if action == FlagResolution.HIDDEN.value:
        if not reason:
            raise ModerationError(_("Give the reason shown in place of the hidden content."))
        if not target.is_hidden:
            target.is_hidden = True
            target.hidden_reason = reason
            counters.post_deleted(target)
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
        queue_message_mail(sent, db.session.get(User, author_id))
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
    return sent


def mark_messages_read(user: User) -> int:
    """Mark the user's unread messages from the moderators as read; commits. How many."""
    result = db.session.execute(
        update(ModeratorMessage)
        .where(ModeratorMessage.recipient_id == user.id, ModeratorMessage.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return result.rowcount


def queue_message_mail(message: ModeratorMessage, recipient: User | None) -> None:
    """Queue the email of a moderator message, in the recipient's language; does not commit.

    The message stays on the recipient's flags page either way.
    """
    if recipient is None:
        return
    try:
        from ..platform.public_url import external_url

        link = external_url("moderation.my_flags")
    except RuntimeError:  # outside a request (commands)
        link = None
    queue_mail("moderator_message", "moderator_message", to=recipient.email,
               recipient=recipient, subject=_l("A message from the moderators"),
               language=language_for(recipient), link=link, body=message.body)
