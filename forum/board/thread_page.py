"""The thread page, assembled from cached parts.

Under the thread's content version (see `forum.caching.versions`) the page keeps, as plain data,
which posts are on each page and what the permission checks need; and, as HTML, each post per
kind of reader (`forum.caching.readers`), the thread header, the reply box and the sidebar. A
change to another thread leaves all of it in place. A reader whose parts are all cached
costs no ORM loading at all; a missing part loads only what it needs (the missing posts in one
statement), so the page stays within a few statements either way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import SimpleNamespace

from flask import current_app, render_template
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload
from werkzeug.local import LocalProxy

from .. import permissions
from ..caching import fragments, readers
from ..caching.versions import scope
from ..extensions import db
from ..models import Category, Post, Thread
from .forms import PostForm
from .queries import load_thread, thread_not_found
from .texts import reply_refusal


class KnownPage(Pagination):
    """A pagination whose items and total are already known."""

    def _query_items(self) -> list:
        return list(self._query_args["items"])

    def _query_count(self) -> int:
        return self._query_args["total"]


@dataclass(frozen=True)
class ThreadFacts:
    """What the thread view needs before rendering anything, as plain data."""

    thread_id: int
    title: str
    category_visibility: str
    is_hidden: bool
    merged_into_id: int | None
    total: int
    posts: tuple[tuple[int, int], ...]  # (post id, author id) on the requested page

    def for_permissions(self) -> SimpleNamespace:
        """The attributes the read checks look at, shaped like a thread."""
        return SimpleNamespace(
            category=SimpleNamespace(visibility=self.category_visibility),
            is_hidden=self.is_hidden, merged_into_id=self.merged_into_id,
        )


def _load_facts(thread_id: int, page: int, per_page: int) -> ThreadFacts:
    """The thread's read-check columns, its post count and the page's posts: one statement."""
    page_posts = (
        select(Post.id, Post.author_id, Post.number).where(Post.thread_id == thread_id)
        .order_by(Post.number, Post.id).limit(per_page).offset((page - 1) * per_page)
        .subquery()
    )
    total = select(func.count(Post.id)).where(Post.thread_id == Thread.id).scalar_subquery()
    rows = db.session.execute(
        select(Thread.title, Category.visibility, Thread.is_hidden, Thread.merged_into_id, total,
               page_posts.c.id, page_posts.c.author_id)
        .join(Category, Category.id == Thread.category_id)
        .outerjoin(page_posts, true())
        .where(Thread.id == thread_id)
        .order_by(page_posts.c.number, page_posts.c.id)
    ).all()
    if not rows:
        thread_not_found()
    title, visibility, hidden, merged, count = rows[0][:5]
    posts = tuple((row[5], row[6]) for row in rows if row[5] is not None)
    return ThreadFacts(thread_id, title, visibility, bool(hidden), merged, count or 0, posts)


def scopes(thread_id: int) -> tuple[str]:
    """The content scopes every part of a thread page is cached under."""
    return (scope("thread", thread_id),)


def thread_facts(thread_id: int, page: int) -> ThreadFacts:
    """The facts of a thread page, cached under the thread's version."""
    per_page = current_app.config["POSTS_PER_PAGE"]
    return fragments.cached_value(("thread-facts", thread_id, page, per_page),
                                  lambda: _load_facts(thread_id, page, per_page),
                                  scopes(thread_id))


def lazy_thread(thread_id: int) -> Thread:
    """The thread as an ORM object, loaded only if a part of the page needs rendering."""
    return LocalProxy(functools.cache(lambda: load_thread(thread_id)))


def pagination(facts: ThreadFacts, page: int) -> KnownPage:
    """The pagination of the thread's posts (its items are post ids)."""
    return KnownPage(page=page, per_page=current_app.config["POSTS_PER_PAGE"], error_out=False,
                     items=[post_id for post_id, _ in facts.posts], total=facts.total)


def posts_html(facts: ThreadFacts, thread: Thread) -> list[fragments.RenderedHTML]:
    """Each post of the page as HTML; the missing ones are loaded in one statement."""
    keys = [
        (post_id, ("post", post_id, *readers.post_reader(author_id)))
        for post_id, author_id in facts.posts
    ]
    thread_scopes = scopes(facts.thread_id)
    cached = fragments.cached_html_many([key for _, key in keys], thread_scopes)
    found = {post_id: html for (post_id, _), html in zip(keys, cached, strict=True)}
    missing = [post_id for post_id, html in found.items() if html is None]
    if missing:
        loaded = db.session.scalars(
            select(Post).where(Post.id.in_(missing))
            .options(joinedload(Post.author), joinedload(Post.delegation))
        )
        by_id = {post.id: post for post in loaded}
        for post_id, key in keys:
            if found[post_id] is None and post_id in by_id:
                post = by_id[post_id]
                found[post_id] = fragments.fragment(
                    key, lambda post=post: render_template("board/_post.html", post=post,
                                                           thread=thread), thread_scopes)
    return [fragments.RenderedHTML(fragments.fill_csrf(found[post_id])) for post_id, _ in keys
            if found[post_id] is not None]


def reply_box(thread_id: int, thread: Thread) -> fragments.RenderedHTML:
    """The reply form, or why the reader cannot reply."""

    def render() -> str:
        form = PostForm(formdata=None) if permissions.can_reply(current_user, thread) else None
        return render_template("board/_reply_box.html", thread=thread, form=form,
                               refusal=reply_refusal(current_user, thread))

    return fragments.fragment(("reply-box", thread_id, *readers.page_reader()), render,
                              scopes(thread_id))
