"""Routes of the thread tools: each GET shows a confirmation step, each POST acts."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .. import permissions
from ..extensions import db
from ..models import Category, Post, Thread
from ..web.links import post_url, thread_url
from ..web.numbers import db_int
from ..web.refusals import refuse
from . import bp, services, services_threads
from .forms import (
    CloseForm,
    ConfirmForm,
    MergeForm,
    MoveForm,
    ReasonForm,
    SplitForm,
)
from .routes import _error, _readable_categories


def _thread_to_moderate(thread_id: int) -> Thread:
    thread = db.get_or_404(Thread, thread_id)
    if not permissions.can_moderate_thread(current_user, thread):
        refuse()
    return thread


def _post_to_moderate(post_id: int) -> Post:
    post = db.get_or_404(Post, post_id)
    if not permissions.can_moderate_post(current_user, post):
        refuse()
    return post


TOGGLES = {
    # tool: (function of thread_tools, the state it sets)
    "pin": ("set_pinned", True),
    "unpin": ("set_pinned", False),
    "lock": ("set_locked", True),
    "unlock": ("set_locked", False),
    "reopen": ("set_closed", False),
    "restore": ("set_thread_hidden", False),
}


def _toggle_texts(tool: str) -> tuple[str, str, str]:
    texts = {
        "pin": (_("Pin the thread"), _("Pin this thread at the top of its category?"),
                _("Pin")),
        "unpin": (_("Unpin the thread"), _("Unpin this thread?"), _("Unpin")),
        "lock": (_("Lock the thread"),
                 _("Lock this thread? Only moderators will be able to reply."), _("Lock")),
        "unlock": (_("Unlock the thread"), _("Unlock this thread so members can reply again?"),
                   _("Unlock")),
        "reopen": (_("Reopen the thread"), _("Reopen this thread and remove its closing note?"),
                   _("Reopen")),
        "restore": (_("Restore the thread"), _("Show this hidden thread to readers again?"),
                    _("Restore")),
    }
    return texts[tool]


@bp.route("/thread/<int:thread_id>/<any(pin, unpin, lock, unlock, reopen, restore):tool>",
          methods=["GET", "POST"])
@login_required
def thread_toggle(thread_id: int, tool: str):
    """Pin, unpin, lock, unlock, reopen or restore a thread, after confirmation."""
    thread = _thread_to_moderate(thread_id)
    form = ConfirmForm()
    title, question, button = _toggle_texts(tool)
    context = {"form": form, "thread": thread, "title": title, "question": question,
               "button": button, "action": url_for("moderation.thread_toggle",
                                                   thread_id=thread.id, tool=tool)}
    if not form.validate_on_submit():
        return render_template("moderation/confirm.html", **context), (
            422 if form.errors else 200)
    name, value = TOGGLES[tool]
    try:
        if name == "set_locked":
            services_threads.set_locked(current_user, thread, value, form.reason.data)
        else:
            getattr(services_threads, name)(current_user, thread, value)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(thread_url(thread))
    flash(_("Done: %(what)s.", what=title), "success")
    return redirect(thread_url(thread))


@bp.route("/thread/<int:thread_id>/hide", methods=["GET", "POST"])
@login_required
def hide_thread(thread_id: int):
    """Hide a thread with a reason, after confirmation."""
    thread = _thread_to_moderate(thread_id)
    form = ReasonForm()
    context = {"form": form, "thread": thread, "title": _("Hide the thread"),
               "question": _("Hide this thread from everyone but moderators?"),
               "button": _("Hide"),
               "action": url_for("moderation.hide_thread", thread_id=thread.id)}
    if thread.is_hidden and request.method == "GET":
        flash(_("The thread was already hidden, perhaps by another moderator."), "info")
    if not form.validate_on_submit():
        return render_template("moderation/confirm.html", **context), (
            422 if form.errors else 200)
    try:
        services_threads.set_thread_hidden(current_user, thread, True, form.reason.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(thread_url(thread))
    flash(_("The thread is hidden."), "success")
    return redirect(thread_url(thread))


@bp.route("/thread/<int:thread_id>/close", methods=["GET", "POST"])
@login_required
def close_thread(thread_id: int):
    """Close a thread with a closing note, after confirmation."""
    thread = _thread_to_moderate(thread_id)
    form = CloseForm()
    context = {"form": form, "thread": thread, "title": _("Close the thread"),
               "question": _("Close this thread? Members will no longer be able to reply."),
               "button": _("Close"),
               "action": url_for("moderation.close_thread", thread_id=thread.id)}
    if not form.validate_on_submit():
        return render_template("moderation/confirm.html", **context), (
            422 if form.errors else 200)
    try:
        services_threads.set_closed(current_user, thread, True, form.reason.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(thread_url(thread))
    flash(_("The thread is closed."), "success")
    return redirect(thread_url(thread))


@bp.route("/thread/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move_thread(thread_id: int):
    """Move a thread to another category."""
    thread = _thread_to_moderate(thread_id)
    form = MoveForm()
    form.category.choices = [SelectChoice(c.id, c.name) for c in _readable_categories()]
    if request.method == "GET":
        form.category.data = thread.category_id
    context = {"form": form, "thread": thread}
    if not form.validate_on_submit():
        if form.category.errors and request.method == "POST":
            form.category.errors = [_("That category does not exist.")]
        return render_template("moderation/move.html", **context), (
            422 if form.errors else 200)
    category = db.session.get(Category, form.category.data)
    if category is None or not permissions.can_move_thread_to(current_user, thread, category):
        form.category.errors = [_("That category does not exist.")]
        return render_template("moderation/move.html", **context), 422
    try:
        services_threads.move_thread(current_user, thread, category)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/move.html", **context)
        return response or redirect(thread_url(thread))
    flash(_("The thread was moved to %(category)s.", category=category.name), "success")
    return redirect(thread_url(thread))


def _thread_from_reference(text: str) -> Thread | None:
    """A thread from its number or any link to it (thread page or post link)."""
    text = (text or "").strip().lstrip("#")
    if text.isdigit():
        return db.session.get(Thread, int(text))
    path = urlsplit(text).path or text
    try:
        endpoint, values = current_app.url_map.bind("localhost").match(path, method="GET")
    except Exception:  # any routing failure means "not a link to a thread"
        endpoint, values = None, {}
    if "thread_id" in values:
        return db.session.get(Thread, values["thread_id"])
    if "post_id" in values:
        post = db.session.get(Post, values["post_id"])
        return post.thread if post else None
    match = re.search(r"(\d+)", path)
    if endpoint is None and match and re.search(r"thread|/t/", path):
        return db.session.get(Thread, int(match.group(1)))
    return None


@bp.route("/thread/<int:thread_id>/merge", methods=["GET", "POST"])
@login_required
def merge_thread(thread_id: int):
    """Merge a thread into another: first choose, then confirm with both titles shown."""
    thread = _thread_to_moderate(thread_id)
    form = MergeForm()
    context = {"form": form, "thread": thread, "target": None}
    if not form.validate_on_submit():
        return render_template("moderation/merge.html", **context), (
            422 if form.errors else 200)
    target = _thread_from_reference(form.target.data)
    if target is None or (not permissions.can_read_thread(current_user, target)):
        form.target.errors = [_("No thread with that number or link was found.")]
        return render_template("moderation/merge.html", **context), 422
    if target.id == thread.id:
        form.target.errors = [_("A thread cannot be merged into itself.")]
        return render_template("moderation/merge.html", **context), 422
    if not permissions.can_merge_threads(current_user, thread, target):
        form.target.errors = [_("No thread with that number or link was found.")]
        return render_template("moderation/merge.html", **context), 422
    context["target"] = target
    if form.confirm_target.data != str(target.id):
        form.confirm_target.data = str(target.id)
        return render_template("moderation/merge.html", **context)
    try:
        services_threads.merge_threads(current_user, thread, target)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/merge.html", **context)
        return response or redirect(thread_url(services_threads.surviving_thread(thread)))
    flash(_("The threads were merged. All the posts are now here, ordered by date."), "success")
    return redirect(thread_url(target))


@bp.route("/thread/<int:thread_id>/split", methods=["GET", "POST"])
@login_required
def split_thread(thread_id: int):
    """Move selected posts into a new thread."""
    thread = _thread_to_moderate(thread_id)
    form = SplitForm()
    form.posts.choices = [
        SelectChoice(p.id, f"#{p.number} · {p.author.display_name} · {p.created_at:%Y-%m-%d %H:%M}")
        for p in thread.posts]
    categories = _readable_categories()
    form.category.choices = [SelectChoice(c.id, c.name) for c in categories]
    if request.method == "GET":
        form.category.data = thread.category_id
        selected = request.args.getlist("post", type=db_int)
        if selected:
            form.posts.data = selected
    context = {"form": form, "thread": thread}
    if not form.validate_on_submit():
        if form.category.errors:
            form.category.errors = [_("That category does not exist.")]
        if form.posts.errors and form.posts.data:
            form.posts.errors = [_("Some of the selected posts are no longer in this thread. "
                                   "Check the selection again.")]
        return render_template("moderation/split.html", **context), (
            422 if form.errors else 200)
    category = db.session.get(Category, form.category.data)
    if category is None or not permissions.can_read_category(current_user, category):
        form.category.errors = [_("That category does not exist.")]
        return render_template("moderation/split.html", **context), 422
    try:
        new = services_threads.split_thread(current_user, thread, form.posts.data, form.title.data,
                                    category)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/split.html", **context)
        return response or redirect(thread_url(thread))
    flash(_("The selected posts are now a new thread."), "success")
    return redirect(thread_url(new))


@bp.route("/post/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide_post(post_id: int):
    """Hide a post, with a reason shown in its place."""
    post = _post_to_moderate(post_id)
    form = ReasonForm()
    context = {"form": form, "thread": post.thread, "post": post, "title": _("Hide the post"),
               "question": _("Hide this post? Its place stays in the thread, with your reason."),
               "button": _("Hide"),
               "action": url_for("moderation.hide_post", post_id=post.id)}
    if post.is_hidden and request.method == "GET":
        flash(_("The post was already hidden, perhaps by another moderator."), "info")
    if not form.validate_on_submit():
        return render_template("moderation/confirm.html", **context), (
            422 if form.errors else 200)
    try:
        services_threads.set_post_hidden(current_user, post, True, form.reason.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(post_url(post))
    flash(_("The post is hidden."), "success")
    return redirect(post_url(post))


@bp.route("/post/<int:post_id>/restore", methods=["GET", "POST"])
@login_required
def restore_post(post_id: int):
    """Show a hidden post again."""
    post = _post_to_moderate(post_id)
    form = ConfirmForm()
    context = {"form": form, "thread": post.thread, "post": post,
               "title": _("Restore the post"),
               "question": _("Show this hidden post to readers again?"),
               "button": _("Restore"),
               "action": url_for("moderation.restore_post", post_id=post.id)}
    if not form.validate_on_submit():
        return render_template("moderation/confirm.html", **context), (
            422 if form.errors else 200)
    try:
        services_threads.set_post_hidden(current_user, post, False)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(post_url(post))
    flash(_("The post is visible again."), "success")
    return redirect(post_url(post))

