"""Read-side helpers of the boards: page numbers, eager-loaded queries and refusal reasons."""

from __future__ import annotations

import difflib
import re

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from werkzeug.exceptions import HTTPException, default_exceptions

from .. import permissions
from ..extensions import db
from ..models import Category, Post, Role, Tag, Thread, Visibility, thread_tag


def fail(code: int, message: str) -> None:
    """Abort with an HTTP error whose page shows a specific translated message."""
    error: HTTPException = default_exceptions[code]()
    error.friendly_message = message
    raise error


def page_number() -> int:
    """The `page` query argument: a whole number from 1, else a 400 with a clear message."""
    raw = request.args.get("page", "1").strip()
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        fail(400, _("The page number must be a whole number, starting at 1."))
    return int(raw)


def check_page_range(pagination, page: int) -> None:
    """A 404 with a clear message for a page past the last one."""
    last = max(pagination.pages, 1)
    if page > last:
        fail(404, _("There is no page %(page)d here: the last page is %(last)d.", page=page, last=last))


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
    fail(404, _("This thread does not exist or is no longer available."))


def load_post(post_id: int) -> Post:
    """A post with its thread and category, or 404."""
    post = db.session.scalar(
        select(Post)
        .where(Post.id == post_id)
        .options(joinedload(Post.thread).joinedload(Thread.category), joinedload(Post.author))
    )
    if post is None:
        fail(404, _("This post does not exist or is no longer available."))
    return post


def posts_page(thread: Thread, page: int):
    """One page of a thread's posts with authors and delegations (two statements)."""
    query = (
        select(Post)
        .where(Post.thread_id == thread.id)
        .order_by(Post.number, Post.id)
        .options(joinedload(Post.author), joinedload(Post.delegation))
    )
    per_page = current_app.config["POSTS_PER_PAGE"]
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def page_of_post(post: Post) -> int:
    """The page of its thread on which a post is shown."""
    before = db.session.scalar(
        select(func.count(Post.id)).where(
            Post.thread_id == post.thread_id,
            or_(Post.number < post.number, and_(Post.number == post.number, Post.id < post.id)),
        )
    )
    return before // current_app.config["POSTS_PER_PAGE"] + 1


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


def reply_refusal(user, thread: Thread) -> str | None:
    """Why the user cannot reply to the thread, or None when they can."""
    if permissions.can_reply(user, thread):
        return None
    role = permissions.role_of(user)
    if not getattr(user, "is_authenticated", False):
        return _("Log in to reply to this thread.")
    if role is None:
        return _("Your account is suspended: it cannot post.")
    if thread.is_hidden:
        return _("This thread is hidden by the moderators and accepts no replies.")
    if thread.merged_into_id is not None:
        return _("This thread was merged into another one: reply there instead.")
    if thread.closed_at is not None:
        return _("This thread is closed: it accepts no new replies.")
    if thread.is_locked:
        return _("This thread is locked by the moderators: it accepts no new replies.")
    if role == Role.OBSERVER:
        return _(
            "Observers can reply only in open consultation categories; "
            "this category is reserved for the delegations."
        )
    if thread.category.visibility == Visibility.STAFF.value:
        return _("Only facilitators, moderators and administrators post in this category.")
    return _("You cannot reply to this thread.")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A readable word-level diff: (op, text) pieces where op is equal, insert or delete."""
    a, b = _tokens(old), _tokens(new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")


def _tokens(text: str) -> list[str]:
    """Words, punctuation and white space as separate pieces; joining restores the text."""
    return _TOKEN.findall(text or "")


def quote_text(post: Post) -> str:
    """A Markdown blockquote of a post with attribution, to start a reply with."""
    from flask import url_for

    name = post.author.display_name
    link = url_for("board.post_link", post_id=post.id)
    lines = (post.body or "").strip().splitlines() or [""]
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    header = _("%(name)s wrote:", name=name)
    return f"> **{header}** [#{post.number}]({link})\n>\n{quoted}\n\n"


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
