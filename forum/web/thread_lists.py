"""Thread lists as every list page shows them (categories, tags, home): visible threads, pinned
first then latest activity, with their last posts."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions
from ..extensions import db
from ..models import Post, Thread


def thread_list_query(user, *conditions):
    """Visible threads, pinned first then latest activity, with what a list row shows."""
    return (
        select(Thread)
        .where(permissions.visible_threads(user), *conditions)
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .options(
            joinedload(Thread.author),
            joinedload(Thread.delegation),
            joinedload(Thread.category),
            selectinload(Thread.tags),
        )
    )


def last_posts(threads) -> dict[int, Post]:
    """The last post of each thread, with its author, in one statement."""
    pairs = [and_(Post.thread_id == t.id, Post.number == t.post_count) for t in threads]
    if not pairs:
        return {}
    rows = db.session.scalars(
        select(Post).where(or_(*pairs)).options(joinedload(Post.author), joinedload(Post.delegation))
    )
    return {post.thread_id: post for post in rows}
