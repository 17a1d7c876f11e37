"""Thread tools: pin, lock, close, hide, move, merge and split; each commits once and is audited."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..board import counters
from ..extensions import db
from ..models import (
    Category,
    Post,
    Thread,
    User,
    record_audit,
    record_change,
    utcnow,
)
from .services import ModerationError, NothingToDo, post_state, target_label, thread_state


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
    if hidden:
        counters.thread_hidden(thread)
    else:
        counters.thread_restored(thread)
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
    if hidden:
        counters.post_deleted(post)
    else:
        counters.post_restored(post)
    record_change("post", post.id)
    record_audit(moderator, "post.hide" if hidden else "post.restore", "post", post.id,
                 label=target_label(post), reason=reason, before=before, after=post_state(post))
    db.session.commit()


def _renumber(thread: Thread) -> None:
    """Number a thread's posts 1..n by date (its counters are the counter keeper's)."""
    posts = sorted(thread.posts, key=lambda p: (p.created_at, p.id or 0))
    for number, post in enumerate(posts, start=1):
        if post.number != number:
            post.number = number
            if post.id is not None:
                record_change("post", post.id)
    if posts:
        thread.created_at = posts[0].created_at


def move_thread(moderator: User, thread: Thread, category: Category) -> None:
    """Move a thread into another category and fix both categories' counters."""
    if thread.category_id == category.id:
        raise NothingToDo(_("The thread is already in this category."))
    before = thread_state(thread)
    old_category_id = thread.category_id
    thread.category = category
    counters.thread_moved(thread, old_category_id)
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
        for post in target.posts:  # their documents carry the thread's tags and first post
            record_change("post", post.id)
        tag_ids = {t.id for t in source.tags} | {t.id for t in target.tags}
        for tag in list(source.tags):
            if tag not in target.tags:
                target.tags.append(tag)
        source.tags.clear()
        source.merged_into_id = target.id
        source.is_pinned = False
        counters.threads_merged(source, target, tag_ids)
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
        counters.thread_split(thread, new)
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
