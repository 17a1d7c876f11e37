"""The keeper of the stored counters: every change to them goes through this module.

What each counter means (the `recount_*` functions compute exactly this from the rows):

- `Thread.post_count`: every post of the thread, deleted and hidden ones included, since they
  keep their place and number (the last post's number is the count); `Thread.last_post_at`:
  the time of its newest post.
- `Category.thread_count` and `Category.post_count`: the category's threads that are neither
  hidden nor merged away, and the sum of their post counts; `Category.last_post_at`: the
  newest activity among those threads.
- `Tag.thread_count`: the threads carrying the tag, hidden ones included (a thread merged
  away carries no tags).

The functions here change the session only and never commit: the calling service does, once.
Frequent changes (a post, a hidden thread, a tag) are SQL increments, safe with concurrent
writers; rare moderator tools (move, merge, split, tag merge) recount what they touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Category, Post, Tag, Thread, thread_tag

_CATEGORY_COUNTERS = ["thread_count", "post_count", "last_post_at"]


def _counted(thread_id: int):
    """SQL condition: the thread counts towards its category (not hidden, not merged away)."""
    return exists(
        select(Thread.id).where(Thread.id == thread_id, Thread.is_hidden.is_(False),
                                Thread.merged_into_id.is_(None))
    )


def _expire_category(category_id: int) -> None:
    """Make a loaded category read its counters again after an SQL increment."""
    category = db.session.identity_map.get(Session.identity_key(Category, category_id))
    if category is not None:
        db.session.expire(category, _CATEGORY_COUNTERS)


def _add_post(thread: Thread, now: datetime, *, new_thread: bool) -> int:
    db.session.flush()
    number = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_post_at=now)
        .returning(Thread.post_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.execute(
        update(Category)
        .where(Category.id == thread.category_id, _counted(thread.id))
        .values(post_count=Category.post_count + 1,
                thread_count=Category.thread_count + (1 if new_thread else 0),
                last_post_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(thread, ["post_count", "last_post_at"])
    _expire_category(thread.category_id)
    return number


def thread_started(thread: Thread, now: datetime) -> int:
    """A new thread and its first post: the category gains both. Returns the post's number."""
    return _add_post(thread, now, new_thread=True)


def post_added(thread: Thread, now: datetime) -> int:
    """A reply at the end of a thread. Returns the new post's number in its thread."""
    return _add_post(thread, now, new_thread=False)


def post_deleted(post: Post) -> None:
    """A post deleted by its author or hidden by a moderator: no counter changes.

    The post keeps its place and number, and pages find a thread's last post by its number
    (`Post.number == Thread.post_count`), so the counts go on including it.
    """


def post_restored(post: Post) -> None:
    """A hidden post shown again: no counter changes (see `post_deleted`)."""


def _shift_category(thread: Thread, sign: int) -> None:
    db.session.flush()
    posts = select(Thread.post_count).where(Thread.id == thread.id).scalar_subquery()
    # A thread merged away counts nowhere, hidden or not.
    not_merged = exists(select(Thread.id).where(Thread.id == thread.id,
                                                Thread.merged_into_id.is_(None)))
    db.session.execute(
        update(Category)
        .where(Category.id == thread.category_id, not_merged)
        .values(thread_count=Category.thread_count + sign,
                post_count=(Category.post_count + posts) if sign > 0
                else (Category.post_count - posts))
        .execution_options(synchronize_session=False)
    )
    _expire_category(thread.category_id)


def thread_hidden(thread: Thread) -> None:
    """A thread just hidden: its category loses the thread and its posts."""
    _shift_category(thread, -1)


def thread_restored(thread: Thread) -> None:
    """A hidden thread shown again: its category gets the thread and its posts back."""
    _shift_category(thread, +1)


def practice_deleted(practice) -> None:
    """A deleted practice whose thread was just hidden with it: the same change as hiding it."""
    if practice.thread is not None:
        thread_hidden(practice.thread)


def set_thread_tags(thread: Thread, tags: list[Tag]) -> None:
    """Give a thread these tags; each tag gained or lost counts one thread more or less."""
    before = list(thread.tags)
    thread.tags = list(tags)
    db.session.flush()  # new tags get their ids
    old_ids = {t.id for t in before}
    new_ids = {t.id for t in tags}
    for ids, step in ((new_ids - old_ids, 1), (old_ids - new_ids, -1)):
        if ids:
            db.session.execute(
                update(Tag).where(Tag.id.in_(sorted(ids)))
                .values(thread_count=Tag.thread_count + step)
                .execution_options(synchronize_session=False)
            )
    for tag in {*before, *tags}:
        if tag.id in old_ids ^ new_ids:
            db.session.expire(tag, ["thread_count"])


def thread_moved(thread: Thread, old_category_id: int) -> None:
    """A thread moved to another category: both categories are recounted."""
    db.session.flush()
    recount_category(old_category_id)
    recount_category(thread.category_id)


def threads_merged(source: Thread, target: Thread, tag_ids: Iterable[int]) -> None:
    """Every post of `source` moved into `target`: recount both threads, their categories and
    the tags either carried."""
    db.session.flush()
    recount_thread(source)
    recount_thread(target)
    db.session.flush()
    recount_tags(tag_ids)
    recount_category(source.category_id)
    if target.category_id != source.category_id:
        recount_category(target.category_id)


def thread_split(thread: Thread, new: Thread) -> None:
    """Some posts of `thread` moved into the `new` thread (same tags): recount what changed."""
    db.session.flush()
    recount_thread(thread)
    recount_thread(new)
    db.session.flush()
    recount_tags(t.id for t in thread.tags)
    recount_category(thread.category_id)
    if new.category_id != thread.category_id:
        recount_category(new.category_id)


def tags_merged(tag_ids: Iterable[int]) -> None:
    """Threads moved from one tag to another: recount both tags."""
    db.session.flush()
    recount_tags(tag_ids)


# ---------------------------------------------------------------------------------------------
# Recounts from the rows
# ---------------------------------------------------------------------------------------------


def recount_thread(thread: Thread) -> None:
    """Set a thread's post count and last post time from its posts."""
    count, last = db.session.execute(
        select(func.count(Post.id), func.max(Post.created_at)).where(Post.thread_id == thread.id)
    ).one()
    thread.post_count = count
    if last is not None:
        thread.last_post_at = last


def recount_category(category_id: int) -> None:
    """Set a category's thread and post counts and last post time from its threads."""
    threads, posts, last = db.session.execute(
        select(func.count(Thread.id), func.coalesce(func.sum(Thread.post_count), 0),
               func.max(Thread.last_post_at))
        .where(Thread.category_id == category_id, Thread.merged_into_id.is_(None),
               Thread.is_hidden.is_(False))
    ).one()
    category = db.session.get(Category, category_id)
    category.thread_count = threads
    category.post_count = posts
    category.last_post_at = last


def recount_tags(tag_ids: Iterable[int]) -> None:
    """Set each tag's thread count from the threads carrying it."""
    for tag_id in sorted(set(tag_ids)):
        count = db.session.scalar(
            select(func.count()).select_from(thread_tag).where(thread_tag.c.tag_id == tag_id)
        )
        db.session.execute(update(Tag).where(Tag.id == tag_id).values(thread_count=count))


def recount_all() -> None:
    """Recount every thread, category and tag (repairs counters that drifted in the past)."""
    for thread in db.session.scalars(select(Thread)):
        recount_thread(thread)
    db.session.flush()
    for category_id in db.session.scalars(select(Category.id)):
        recount_category(category_id)
    recount_tags(db.session.scalars(select(Tag.id)))
