"""Writes to the boards: each function changes several rows and commits exactly once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from sqlalchemy import update

from .. import permissions
from ..content.markup import render_markdown
from ..extensions import db
from ..models import (
    CONTENT_LANGUAGES,
    Category,
    Post,
    Revision,
    Tag,
    Thread,
    User,
    record_audit,
    record_change,
    utcnow,
)
from ..tags.services import resolve_tags

MAX_TITLE = 200
MAX_BODY = 100_000


class BoardInputError(ValueError):
    """Input that cannot be stored; `field` names the form field, the message is translated."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _check_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise BoardInputError(_("Please give the thread a title."), "title")
    if len(title) > MAX_TITLE:
        raise BoardInputError(
            _("The title is too long (at most %(num)d characters).", num=MAX_TITLE), "title"
        )
    return title


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise BoardInputError(_("Please write a message."), "body")
    if len(body) > MAX_BODY:
        raise BoardInputError(
            _("The message is too long (at most %(num)d characters).", num=MAX_BODY), "body"
        )
    return body


def _check_language(language: str) -> str:
    if language not in CONTENT_LANGUAGES:
        raise BoardInputError(_("Choose English, Spanish or French."), "language")
    return language


def _bump_counters(thread: Thread, category: Category, *, new_thread: bool, now) -> int:
    """Increment the counters with SQL expressions (safe with concurrent writers).

    Returns the number of the new post in its thread.
    """
    db.session.execute(
        update(Category)
        .where(Category.id == category.id)
        .values(
            post_count=Category.post_count + 1,
            thread_count=Category.thread_count + (1 if new_thread else 0),
            last_post_at=now,
        )
    )
    number = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_post_at=now)
        .returning(Thread.post_count)
    ).scalar_one()
    db.session.expire(category, ["post_count", "thread_count", "last_post_at"])
    db.session.expire(thread, ["post_count", "last_post_at"])
    return number


def _set_tags(thread: Thread, tags: list[Tag]) -> None:
    """Attach tags and keep each tag's thread count."""
    old = {t.id for t in thread.tags if t.id is not None}
    new_ids = {t.id for t in tags if t.id is not None}
    for tag in thread.tags:
        if tag.id not in new_ids and tag not in tags:
            tag.thread_count = max((tag.thread_count or 0) - 1, 0)
    for tag in tags:
        if tag.id is None or tag.id not in old:
            tag.thread_count = (tag.thread_count or 0) + 1
    thread.tags = list(tags)


def create_thread(author: User, category: Category, title: str, body: str, language: str,
                  tag_texts: list[str] | None = None) -> Thread:
    """Start a thread with its first post and tags; commits once (nothing stored on error)."""
    title = _check_title(title)
    body = _check_body(body)
    language = _check_language(language)
    try:
        tags = resolve_tags(list(tag_texts or []), author, language,
                            may_create=permissions.can_create_tag(author))
        now = utcnow()
        thread = Thread(category_id=category.id, title=title, language=language,
                        author_id=author.id, delegation_id=author.delegation_id,
                        created_at=now, last_post_at=now, post_count=0)
        db.session.add(thread)
        _set_tags(thread, tags)
        db.session.flush()
        number = _bump_counters(thread, category, new_thread=True, now=now)
        post = Post(thread_id=thread.id, number=number, author_id=author.id,
                    delegation_id=author.delegation_id, language=language, body=body,
                    body_html=str(render_markdown(body)), created_at=now)
        db.session.add(post)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return thread


def reply(author: User, thread: Thread, body: str, language: str) -> Post:
    """Add a post at the end of a thread and update the counters; commits once."""
    body = _check_body(body)
    language = _check_language(language)
    try:
        now = utcnow()
        number = _bump_counters(thread, thread.category, new_thread=False, now=now)
        post = Post(thread_id=thread.id, number=number, author_id=author.id,
                    delegation_id=author.delegation_id, language=language, body=body,
                    body_html=str(render_markdown(body)), created_at=now)
        db.session.add(post)
        # The thread's counters changed through a bulk UPDATE, which session events miss.
        record_change("thread", thread.id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return post


def edit_post(editor: User, post: Post, body: str, *, language: str | None = None,
              title: str | None = None, tag_texts: list[str] | None = None) -> Post:
    """Change a post, keeping its previous text as a revision; the first post may also
    change the thread's title and tags. Commits once; a moderator's edit of another
    person's post is audited."""
    body = _check_body(body)
    thread = post.thread
    is_first = post.number == 1
    new_title = _check_title(title) if (is_first and title is not None) else None
    if language is not None:
        language = _check_language(language)
    try:
        tags = None
        if is_first and tag_texts is not None:
            tags = resolve_tags(list(tag_texts), editor, language or thread.language,
                                may_create=permissions.can_create_tag(editor))
        title_changed = new_title is not None and new_title != thread.title
        body_changed = body != post.body
        tags_changed = tags is not None and {t.id for t in tags} != {t.id for t in thread.tags}
        language_changed = language is not None and language != post.language
        if not (title_changed or body_changed or tags_changed or language_changed):
            return post
        now = utcnow()
        if title_changed or body_changed:
            db.session.add(Revision(post_id=post.id, editor_id=editor.id, created_at=now,
                                    body=post.body,
                                    title=thread.title if is_first else None))
            post.revision_count = (post.revision_count or 0) + 1
            post.edited_at = now
        before = {"body": post.body, "title": thread.title if is_first else None}
        post.body = body
        post.body_html = str(render_markdown(body))
        if language_changed:
            post.language = language
            if is_first:
                thread.language = language
        if title_changed:
            thread.title = new_title
        if tags_changed:
            _set_tags(thread, tags)
        if editor.id != post.author_id:
            record_audit(editor, "post.edit", "post", post.id, label=thread.title,
                         before=before, after={"body": body, "title": thread.title})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return post


def delete_post(actor: User, post: Post, reason: str | None = None) -> Post:
    """Soft-delete a post: it keeps its place and shows as deleted. Commits once."""
    post.is_deleted = True
    post.deleted_at = utcnow()
    if actor.id != post.author_id:
        record_audit(actor, "post.delete", "post", post.id, label=post.thread.title,
                     reason=reason, before={"is_deleted": False}, after={"is_deleted": True})
    db.session.commit()
    return post
