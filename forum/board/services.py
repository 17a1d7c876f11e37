"""Writes to the boards: each function changes several rows and commits exactly once."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

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
from . import counters

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


def stage_thread(category: Category, *, author_id: int, delegation_id: int, title: str,
                 body: str, language: str, tags: list[Tag], now=None) -> Thread:
    """Add a thread, its first post, its tags and the counter changes to the session.

    Does not check the texts and does not commit: the calling service does both. The first
    post is `thread.posts[0]`.
    """
    now = now or utcnow()
    thread = Thread(category_id=category.id, title=title, language=language,
                    author_id=author_id, delegation_id=delegation_id,
                    created_at=now, last_post_at=now, post_count=0)
    db.session.add(thread)
    counters.set_thread_tags(thread, tags)
    number = counters.thread_started(thread, now)
    db.session.add(Post(thread=thread, number=number, author_id=author_id,
                        delegation_id=delegation_id, language=language, body=body,
                        body_html=str(render_markdown(body)), created_at=now))
    return thread


def stage_new_thread(author: User, category: Category, title: str, body: str, language: str,
                     tag_texts: list[str] | None = None) -> Thread:
    """Check an author's new thread and stage it (see `stage_thread`); no commit.

    Raises BoardInputError or TagInputError.
    """
    title = _check_title(title)
    body = _check_body(body)
    language = _check_language(language)
    tags = resolve_tags(list(tag_texts or []), author, language,
                        may_create=permissions.can_create_tag(author))
    return stage_thread(category, author_id=author.id, delegation_id=author.delegation_id,
                        title=title, body=body, language=language, tags=tags)


def create_thread(author: User, category: Category, title: str, body: str, language: str,
                  tag_texts: list[str] | None = None) -> Thread:
    """Start a thread with its first post and tags; commits once (nothing stored on error)."""
    try:
        thread = stage_new_thread(author, category, title, body, language, tag_texts)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return thread


def stage_reply(author: User, thread: Thread, body: str, language: str) -> Post:
    """Check a reply and add it at the end of the thread, counters included; no commit."""
    body = _check_body(body)
    language = _check_language(language)
    now = utcnow()
    number = counters.post_added(thread, now)
    post = Post(thread_id=thread.id, number=number, author_id=author.id,
                delegation_id=author.delegation_id, language=language, body=body,
                body_html=str(render_markdown(body)), created_at=now)
    db.session.add(post)
    # The thread's counters changed through a bulk UPDATE, which session events miss.
    record_change("thread", thread.id)
    return post


def reply(author: User, thread: Thread, body: str, language: str) -> Post:
    """Add a post at the end of a thread and update the counters; commits once."""
    try:
        post = stage_reply(author, thread, body, language)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return post


def stage_edit(editor: User, post: Post, body: str, *, language: str | None = None,
               title: str | None = None, tag_texts: list[str] | None = None) -> bool:
    """Change a post, keeping its previous text as a revision; the first post may also
    change the thread's title and tags. A moderator's edit of another person's post is
    audited. No commit; returns whether anything changed."""
    body = _check_body(body)
    thread = post.thread
    is_first = post.number == 1
    new_title = _check_title(title) if (is_first and title is not None) else None
    if language is not None:
        language = _check_language(language)
    tags = None
    if is_first and tag_texts is not None:
        tags = resolve_tags(list(tag_texts), editor, language or thread.language,
                            may_create=permissions.can_create_tag(editor))
    title_changed = new_title is not None and new_title != thread.title
    body_changed = body != post.body
    tags_changed = tags is not None and {t.id for t in tags} != {t.id for t in thread.tags}
    language_changed = language is not None and language != post.language
    if not (title_changed or body_changed or tags_changed or language_changed):
        return False
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
        counters.set_thread_tags(thread, tags)
    if editor.id != post.author_id:
        record_audit(editor, "post.edit", "post", post.id, label=thread.title,
                     before=before, after={"body": body, "title": thread.title})
    return True


def edit_post(editor: User, post: Post, body: str, *, language: str | None = None,
              title: str | None = None, tag_texts: list[str] | None = None) -> Post:
    """Change a post (see `stage_edit`); commits once, and not at all when nothing changed."""
    try:
        if stage_edit(editor, post, body, language=language, title=title,
                      tag_texts=tag_texts):
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return post


def delete_post(actor: User, post: Post, reason: str | None = None) -> Post:
    """Soft-delete a post: it keeps its place and shows as deleted. Commits once."""
    post.is_deleted = True
    post.deleted_at = utcnow()
    counters.post_deleted(post)
    if actor.id != post.author_id:
        record_audit(actor, "post.delete", "post", post.id, label=post.thread.title,
                     reason=reason, before={"is_deleted": False}, after={"is_deleted": True})
    db.session.commit()
    return post
