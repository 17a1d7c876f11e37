"""Composing on the boards: a new thread, a reply or an edit, from the submitted form to the
database in one commit together with its attachment and its personal-data flag.

Each use case takes the submitted form through the same steps: a preview, the similar-threads
step (new threads, for browsers without JavaScript), the personal-data confirmation, then the
write. The `Outcome` tells the view what happened: something was stored (the view flashes and
redirects), or the form must be shown again, with the author's text kept, an error beside the
field and the status to answer with.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from flask import current_app, request
from flask_babel import gettext as _

from ..content.attachments import UploadError, post_attachment
from ..content.markup import render_markdown
from ..content.personal_data_guard import PersonalDataGuard
from ..extensions import db
from ..models import Category, Post, Thread, User
from ..tags.services import TagInputError, split_tag_input
from . import services
from .services import BoardInputError


@dataclass
class Outcome:
    """The result of a submitted compose form."""

    status: int = 200
    thread_id: int | None = None
    post_id: int | None = None
    # What the form's template shows beside the form (preview, similar, personal_data, ...).
    context: dict = field(default_factory=dict)

    @property
    def saved(self) -> bool:
        """True when the post was stored (and committed)."""
        return self.post_id is not None


def _again(form, **context) -> Outcome:
    """Show the form again: 422 when a field has an error, else 200."""
    status = 422 if form.errors or any(f.errors for f in form) else 200
    return Outcome(status=status, context=context)


def similar_threads(user: User, title: str) -> list:
    """Existing threads that look like the one being started (search)."""
    from ..search.similar import similar_titles

    try:
        return similar_titles(user, title)
    except Exception:  # the similarity step must never prevent posting
        current_app.logger.exception("similar threads unavailable")
        return []


def start_thread(author: User, form, categories: dict[str, Category]) -> Outcome:
    """A submitted new-thread form; `categories` are those the author may post in, by slug."""
    if not form.validate_on_submit():
        preview = render_markdown(form.body.data) if form.wants_preview and form.body.data else None
        return _again(form, preview=preview)
    category = categories.get(form.category.data)
    if category is None:
        form.category.errors.append(_("This category does not exist or you cannot post in it."))
        return _again(form)
    if form.wants_preview:
        return _again(form, preview=render_markdown(form.body.data))
    if not request.form.get("similar_seen") and (similar := similar_threads(author, form.title.data)):
        # Without JavaScript: show the look-alikes once; submitting again posts anyway.
        return Outcome(context={"similar": similar})
    guard = PersonalDataGuard(form.title.data, form.body.data)
    if guard.needs_confirmation:
        return _again(form, personal_data=guard)

    def stage() -> Post:
        thread = services.stage_new_thread(author, category, form.title.data, form.body.data,
                                           form.language.data, split_tag_input(form.tags.data))
        db.session.flush()
        return thread.posts[0]

    return _store(author, form, guard, stage, with_attachment=True)


def reply(author: User, thread: Thread, form) -> Outcome:
    """A submitted reply form, for a thread the author may reply to."""
    if not form.validate_on_submit():
        return _again(form)
    if form.wants_preview:
        return _again(form, preview=render_markdown(form.body.data))
    guard = PersonalDataGuard(form.body.data)
    if guard.needs_confirmation:
        return _again(form, personal_data=guard)
    return _store(author, form, guard,
                  lambda: services.stage_reply(author, thread, form.body.data, form.language.data),
                  with_attachment=True)


def edit(editor: User, post: Post, form) -> Outcome:
    """A submitted edit form, for a post the editor may edit; the first post has a title and
    tags too."""
    is_first = post.number == 1
    if not form.validate_on_submit():
        return _again(form)
    if is_first and not form.title.data:
        form.title.errors.append(_("Please give the thread a title."))
        return _again(form)
    if form.wants_preview:
        return _again(form, preview=render_markdown(form.body.data))
    guard = PersonalDataGuard(form.title.data if is_first else None, form.body.data)
    if guard.needs_confirmation:
        return _again(form, personal_data=guard)

    def stage() -> Post:
        services.stage_edit(
            editor, post, form.body.data, language=form.language.data,
            title=form.title.data if is_first else None,
            tag_texts=split_tag_input(form.tags.data) if is_first else None,
        )
        return post

    return _store(editor, form, guard, stage, with_attachment=False)


def _store(author: User, form, guard: PersonalDataGuard, stage: Callable[[], Post], *,
           with_attachment: bool) -> Outcome:
    """Stage the post, its attachment and its personal-data flag, then commit once."""
    try:
        with post_attachment() if with_attachment else nullcontext() as upload:
            try:
                post = stage()
                db.session.flush()
                if upload is not None:
                    upload.place(author, post=post)
                guard.stage_flag("post", post.id)
                saved = Outcome(thread_id=post.thread_id, post_id=post.id)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                if upload is not None:
                    upload.discard()
                raise
    except UploadError as error:
        return Outcome(status=error.status, context={"attachment_error": error.message})
    except TagInputError as error:
        form.tags.errors.append(str(error))
    except BoardInputError as error:
        getattr(form, error.field or "body").errors.append(str(error.message))
    else:
        return saved
    return _again(form)
