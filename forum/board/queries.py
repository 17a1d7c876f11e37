"""Queries of the board pages: threads and posts with what their pages show, loaded eagerly."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from .. import permissions
from ..extensions import db
from ..models import Category, Post, Tag, Thread, thread_tag
from ..web.refusals import conceal
from ..web.thread_lists import thread_list_query


def thread_options():
    """Everything a thread header shows but its tags (see `load_thread`)."""
    return (
        joinedload(Thread.category),
        joinedload(Thread.author),
        joinedload(Thread.delegation),
    )


def load_thread(thread_id: int) -> Thread:
    """A thread with its header data, or 404."""
    # Tags through plain outer joins: a joined load would nest the tag join, which SQLite
    # materializes in full (8 ms at 300 tags instead of 0.7 ms).
    thread = db.session.scalars(
        select(Thread)
        .outerjoin(thread_tag, thread_tag.c.thread_id == Thread.id)
        .outerjoin(Tag, Tag.id == thread_tag.c.tag_id)
        .where(Thread.id == thread_id)
        .options(*thread_options(), contains_eager(Thread.tags))
    ).unique().first()
    if thread is None:
        thread_not_found()
    return thread


def thread_not_found() -> None:
    """The 404 of a thread that is missing or that the reader may not see."""
    conceal(_("This thread does not exist or is no longer available."))


def load_post(post_id: int) -> Post:
    """A post with its thread and category, or 404."""
    post = db.session.scalar(
        select(Post)
        .where(Post.id == post_id)
        .options(joinedload(Post.thread).joinedload(Thread.category), joinedload(Post.author))
    )
    if post is None:
        conceal(_("This post does not exist or is no longer available."))
    return post




def page_of_post(post: Post) -> int:
    """The page of its thread on which a post is shown."""
    before = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.thread_id == post.thread_id,
            or_(Post.number < post.number, and_(Post.number == post.number, Post.id < post.id)),
        )
    )
    return before // current_app.config["POSTS_PER_PAGE"] + 1






def categories_with_latest(user) -> list[tuple[Category, Thread | None]]:
    """The readable categories in order, each with its most recently active visible thread."""
    categories = list(
        db.session.scalars(
            select(Category)
            .where(permissions.visible_categories(user))
            .order_by(Category.position, Category.id)
        )
    )
    ranked = (
        select(
            Thread.id.label("id"),
            func.row_number()
            .over(partition_by=Thread.category_id,
                  order_by=(Thread.last_post_at.desc(), Thread.id.desc()))
            .label("rank"),
        )
        .where(permissions.visible_threads(user))
        .subquery()
    )
    latest = {
        t.category_id: t
        for t in db.session.scalars(
            select(Thread)
            .join(ranked, ranked.c.id == Thread.id)
            .where(ranked.c.rank == 1)
            .options(joinedload(Thread.delegation))
        )
    }
    return [(category, latest.get(category.id)) for category in categories]


def home_sections(user, limit: int = 8) -> dict:
    """What the home page shows of the boards: latest visible threads and the categories."""
    threads = list(db.session.scalars(
        thread_list_query(user).order_by(None).order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit)
    ).unique())
    categories = list(db.session.scalars(
        select(Category).where(permissions.visible_categories(user))
        .order_by(Category.position, Category.id)
    ))
    return {"threads": threads, "categories": categories}
