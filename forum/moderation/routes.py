"""Routes for moderation: flags, the review queue, thread tools, tag curation, the audit log."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .. import permissions
from ..extensions import db
from ..models import (
    AuditEvent,
    Category,
    Flag,
    FlagTarget,
    ModeratorMessage,
    Post,
    Tag,
    Thread,
    User,
    utcnow,
)
from . import bp, services
from .forms import (
    ACTION_LABELS,
    GROUP_LABELS,
    PERSONAL_DATA_LABELS,
    REASON_LABELS,
    RESOLUTION_LABELS,
    STATUS_LABELS,
    TARGET_LABELS,
    AuditFilterForm,
    CloseForm,
    ConfirmForm,
    FlagForm,
    MergeForm,
    MoveForm,
    QueueFilterForm,
    ReasonForm,
    RemoveSynonymForm,
    ResolveForm,
    SplitForm,
    SynonymForm,
    TagForm,
    TagMergeForm,
    label_of,
)


@bp.app_template_global()
def moderation_label(kind: str, key) -> str:
    """Translated labels of reasons, resolutions, statuses, targets, groups and actions."""
    mapping = {
        "reason": REASON_LABELS,
        "resolution": RESOLUTION_LABELS,
        "status": STATUS_LABELS,
        "target": TARGET_LABELS,
        "group": GROUP_LABELS,
        "action": ACTION_LABELS,
        "personal_data": PERSONAL_DATA_LABELS,
    }[kind]
    return label_of(mapping, key)


@bp.app_template_global()
def open_flag_count() -> int:
    """Items waiting in the review queue (for the header; moderators only)."""
    if not permissions.can_review_flags(current_user):
        return 0
    return services.open_items_count()


@bp.app_template_global()
def unread_moderator_messages() -> int:
    """Messages from moderators the current member has not opened yet (one COUNT query)."""
    if not permissions.can_see_own_flags(current_user):
        return 0
    return db.session.scalar(
        select(func.count(ModeratorMessage.id)).where(
            ModeratorMessage.recipient_id == current_user.id, ModeratorMessage.read_at.is_(None))
    ) or 0


def thread_url(thread: Thread) -> str:
    """The thread's page when the board is installed, otherwise the review queue."""
    if "board.view_thread" in current_app.view_functions:
        return url_for("board.view_thread", thread_id=thread.id)
    return url_for("moderation.queue")


def post_url(post: Post) -> str:
    """A link to a post in its thread."""
    if "board.post_link" in current_app.view_functions:
        return url_for("board.post_link", post_id=post.id)
    return thread_url(post.thread)


def tag_url(tag: Tag) -> str:
    """The tag's page when the tags pages are installed, otherwise the curation list."""
    if "tags.view_tag" in current_app.view_functions:
        return url_for("tags.view_tag", slug=tag.slug)
    return url_for("moderation.tags")


@bp.app_template_global("moderation_has_endpoint")
def has_endpoint(name: str) -> bool:
    """Whether another feature's page exists (so links appear once it is installed)."""
    return name in current_app.view_functions


bp.add_app_template_global(thread_url, "moderation_thread_url")
bp.add_app_template_global(post_url, "moderation_post_url")


def _load_thread(thread_id: int) -> Thread:
    thread = db.get_or_404(Thread, thread_id)
    if not permissions.can_moderate_thread(current_user, thread):
        abort(403)
    return thread


def _load_post(post_id: int) -> Post:
    post = db.get_or_404(Post, post_id)
    if not permissions.can_moderate_post(current_user, post):
        abort(403)
    return post


def _error(exc: services.ModerationError, template: str, **context):
    """Show a refusal: a harmless no-op redirects with a note; a real problem re-renders."""
    if isinstance(exc, services.NothingToDo):
        flash(exc.message, "info")
        return None
    flash(exc.message, "error")
    return render_template(template, **context), exc.status


# ---------------------------------------------------------------------------------------------
# Flags (members)
# ---------------------------------------------------------------------------------------------


@bp.route("/flag/post/<int:post_id>", methods=["GET", "POST"])
@login_required
def flag_post(post_id: int):
    """Flag a post for the moderators."""
    post = db.get_or_404(Post, post_id)
    if not permissions.can_read_thread(current_user, post.thread):
        abort(404)
    if post.author_id == current_user.id:
        flash(_("You cannot flag your own post. Edit or delete it instead."), "error")
        return render_template("moderation/flag_refused.html", post=post), 403
    if not permissions.can_flag_post(current_user, post):
        abort(403)
    existing = services.open_flag_for(current_user, FlagTarget.POST.value, post.id)
    form = FlagForm()
    if existing is not None:
        flash(_("You have already flagged this. Moderators will review it; you can follow it "
                "on your flags page."), "info")
        return render_template("moderation/flag_refused.html", post=post, existing=existing), 409
    if not form.validate_on_submit():
        return render_template("moderation/flag.html", form=form, post=post), (
            422 if form.errors else 200)
    try:
        services.create_flag(current_user, FlagTarget.POST.value, post.id, form.reason.data,
                             form.detail.data, form.original_url.data)
    except services.ModerationError as exc:
        flash(exc.message, "error")
        return render_template("moderation/flag_refused.html", post=post), exc.status
    flash(_("Thank you. The moderators received your flag; you can follow it on your flags "
            "page."), "success")
    return redirect(post_url(post))


@bp.route("/my-flags")
@login_required
def my_flags():
    """The flags a member raised, how they were resolved, and messages from moderators."""
    if not permissions.can_see_own_flags(current_user):
        abort(403)
    flags = db.paginate(
        select(Flag).where(Flag.reporter_id == current_user.id)
        .order_by(Flag.created_at.desc(), Flag.id.desc()),
        per_page=25, error_out=False,
    )
    messages = list(db.session.scalars(
        select(ModeratorMessage).where(ModeratorMessage.recipient_id == current_user.id)
        .order_by(ModeratorMessage.created_at.desc()).limit(50)
    ))
    targets = _targets_for(flags.items + messages)
    unread = [m for m in messages if m.read_at is None]
    if unread:
        now = utcnow()
        for message in unread:
            message.read_at = now
        db.session.commit()
    return render_template("moderation/my_flags.html", flags=flags, messages=messages,
                           targets=targets, unread_ids={m.id for m in unread})


def _targets_for(rows) -> dict:
    """Load the posts that flags or messages point at, in one query."""
    post_ids = {r.target_id for r in rows if r.target_type == FlagTarget.POST.value}
    posts = {}
    if post_ids:
        posts = {p.id: p for p in db.session.scalars(
            select(Post).where(Post.id.in_(post_ids))
            .options(selectinload(Post.thread).selectinload(Thread.category)))}
    return {("post", k): v for k, v in posts.items()}


# ---------------------------------------------------------------------------------------------
# Review queue (moderators)
# ---------------------------------------------------------------------------------------------


def _readable_categories() -> list[Category]:
    return list(db.session.scalars(
        select(Category).where(permissions.visible_categories(current_user))
        .order_by(Category.position, Category.id)))


@bp.route("/queue")
@login_required
def queue():
    """Open flags grouped by item, oldest first, with filters."""
    if not permissions.can_review_flags(current_user):
        abort(403)
    categories = _readable_categories()
    form = QueueFilterForm(request.args)
    form.category.choices = [SelectChoice("", _("All categories"))] + [
        SelectChoice(str(c.id), c.name) for c in categories]
    category_id = None
    if form.category.data:
        try:
            category_id = int(form.category.data)
        except ValueError:
            category_id = None
        if category_id not in {c.id for c in categories}:
            flash(_("That category does not exist."), "error")
            category_id = None
            form.category.data = ""
    reason = form.reason.data if form.reason.data in REASON_LABELS else None
    page = request.args.get("page", 1, type=int)
    items = services.review_queue(page, category_id=category_id, reason=reason)
    return render_template("moderation/queue.html", form=form, items=items,
                           resolve_form=ResolveForm(formdata=None),
                           filters={k: v for k, v in (("category", category_id),
                                                      ("reason", reason)) if v})


@bp.route("/queue/<target_type>/<int:target_id>", methods=["GET", "POST"])
@login_required
def resolve(target_type: str, target_id: int):
    """Decide on one flagged item; resolving closes all its flags."""
    if not permissions.can_review_flags(current_user):
        abort(403)
    if target_type not in {t.value for t in FlagTarget}:
        abort(404)
    target = services.flag_target(target_type, target_id)
    if target is None:
        abort(404)
    if isinstance(target, Post) and not permissions.can_moderate_post(current_user, target):
        abort(403)
    flags = services.open_flags_on(target_type, target_id)
    form = ResolveForm()
    context = {"form": form, "target": target, "target_type": target_type, "flags": flags}
    if request.method == "GET" and not flags:
        flash(_("These flags were already resolved by another moderator."), "info")
    if not form.validate_on_submit():
        return render_template("moderation/resolve.html", **context), (
            422 if form.errors else 200)
    try:
        services.resolve_item(current_user, target_type, target_id, form.action.data,
                              reason=form.reason.data, message=form.message.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/resolve.html", **context)
        return response or redirect(url_for("moderation.queue"))
    flash(_("Done. All the flags on this item are closed."), "success")
    return redirect(url_for("moderation.queue"))


# ---------------------------------------------------------------------------------------------
# Thread tools (moderators): GET shows the confirmation step, POST acts
# ---------------------------------------------------------------------------------------------

TOGGLES = {
    # name: (service, value, needs reason form, title, question, button)
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
    thread = _load_thread(thread_id)
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
            services.set_locked(current_user, thread, value, form.reason.data)
        else:
            getattr(services, name)(current_user, thread, value)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(thread_url(thread))
    flash(_("Done: %(what)s.", what=title), "success")
    return redirect(thread_url(thread))


@bp.route("/thread/<int:thread_id>/hide", methods=["GET", "POST"])
@login_required
def hide_thread(thread_id: int):
    """Hide a thread with a reason, after confirmation."""
    thread = _load_thread(thread_id)
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
        services.set_thread_hidden(current_user, thread, True, form.reason.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(thread_url(thread))
    flash(_("The thread is hidden."), "success")
    return redirect(thread_url(thread))


@bp.route("/thread/<int:thread_id>/close", methods=["GET", "POST"])
@login_required
def close_thread(thread_id: int):
    """Close a thread with a closing note, after confirmation."""
    thread = _load_thread(thread_id)
    form = CloseForm()
    context = {"form": form, "thread": thread, "title": _("Close the thread"),
               "question": _("Close this thread? Members will no longer be able to reply."),
               "button": _("Close"),
               "action": url_for("moderation.close_thread", thread_id=thread.id)}
    if not form.validate_on_submit():
        return render_template("moderation/confirm.html", **context), (
            422 if form.errors else 200)
    try:
        services.set_closed(current_user, thread, True, form.reason.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(thread_url(thread))
    flash(_("The thread is closed."), "success")
    return redirect(thread_url(thread))


@bp.route("/thread/<int:thread_id>/move", methods=["GET", "POST"])
@login_required
def move_thread(thread_id: int):
    """Move a thread to another category."""
    thread = _load_thread(thread_id)
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
        services.move_thread(current_user, thread, category)
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
    thread = _load_thread(thread_id)
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
        services.merge_threads(current_user, thread, target)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/merge.html", **context)
        return response or redirect(thread_url(services.surviving_thread(thread)))
    flash(_("The threads were merged. All the posts are now here, ordered by date."), "success")
    return redirect(thread_url(target))


@bp.route("/thread/<int:thread_id>/split", methods=["GET", "POST"])
@login_required
def split_thread(thread_id: int):
    """Move selected posts into a new thread."""
    thread = _load_thread(thread_id)
    form = SplitForm()
    form.posts.choices = [
        SelectChoice(p.id, f"#{p.number} · {p.author.display_name} · {p.created_at:%Y-%m-%d %H:%M}")
        for p in thread.posts]
    categories = _readable_categories()
    form.category.choices = [SelectChoice(c.id, c.name) for c in categories]
    if request.method == "GET":
        form.category.data = thread.category_id
        selected = request.args.getlist("post", type=int)
        if selected:
            form.posts.data = selected
    context = {"form": form, "thread": thread}
    if not form.validate_on_submit():
        return render_template("moderation/split.html", **context), (
            422 if form.errors else 200)
    category = db.session.get(Category, form.category.data)
    if category is None or not permissions.can_read_category(current_user, category):
        form.category.errors = [_("That category does not exist.")]
        return render_template("moderation/split.html", **context), 422
    try:
        new = services.split_thread(current_user, thread, form.posts.data, form.title.data,
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
    post = _load_post(post_id)
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
        services.set_post_hidden(current_user, post, True, form.reason.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(post_url(post))
    flash(_("The post is hidden."), "success")
    return redirect(post_url(post))


@bp.route("/post/<int:post_id>/restore", methods=["GET", "POST"])
@login_required
def restore_post(post_id: int):
    """Show a hidden post again."""
    post = _load_post(post_id)
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
        services.set_post_hidden(current_user, post, False)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/confirm.html", **context)
        return response or redirect(post_url(post))
    flash(_("The post is visible again."), "success")
    return redirect(post_url(post))


# ---------------------------------------------------------------------------------------------
# Tag curation (moderators)
# ---------------------------------------------------------------------------------------------


def _require_curator():
    if not permissions.can_curate_tags(current_user):
        abort(403)


def _live_tag(tag_id: int) -> Tag:
    tag = db.get_or_404(Tag, tag_id)
    if tag.merged_into_id is not None:
        flash(_("This tag was merged into another one."), "info")
    return tag


@bp.route("/tags")
@login_required
def tags():
    """All live tags by group, and those created by members still lacking labels."""
    _require_curator()
    show = request.args.get("show", "")
    query = select(Tag).where(Tag.merged_into_id.is_(None)).options(selectinload(Tag.synonyms))
    if show == "missing":
        query = query.where(
            Tag.created_by_id.is_not(None),
            or_(*[or_(col.is_(None), col == "") for col in (Tag.label_en, Tag.label_es,
                                                            Tag.label_fr)]),
        )
    query = query.order_by(Tag.group, Tag.slug)
    page = db.paginate(query, per_page=50, error_out=False)
    missing_count = db.session.scalar(
        select(func.count(Tag.id)).where(
            Tag.merged_into_id.is_(None), Tag.created_by_id.is_not(None),
            or_(*[or_(col.is_(None), col == "") for col in (Tag.label_en, Tag.label_es,
                                                            Tag.label_fr)]))
    )
    return render_template("moderation/tags.html", page=page, show=show,
                           missing_count=missing_count)


@bp.route("/tags/<int:tag_id>", methods=["GET", "POST"])
@login_required
def edit_tag(tag_id: int):
    """Rename, relabel and group a tag; add and remove its synonyms."""
    _require_curator()
    tag = _live_tag(tag_id)
    form = TagForm(obj=tag if request.method == "GET" else None)
    if request.method == "GET":
        form.group.data = tag.group or ""
    context = {"form": form, "tag": tag, "synonym_form": SynonymForm(formdata=None),
               "remove_form": RemoveSynonymForm(formdata=None),
               "merge_form": TagMergeForm(formdata=None)}
    if tag.merged_into_id is not None and request.method == "POST":
        flash(_("This tag was merged into another one and can no longer be edited."), "error")
        return render_template("moderation/tag_edit.html", **context), 409
    if not form.validate_on_submit():
        return render_template("moderation/tag_edit.html", **context), (
            422 if form.errors else 200)
    try:
        services.update_tag(current_user, tag, slug=form.slug.data, label_en=form.label_en.data,
                            label_es=form.label_es.data, label_fr=form.label_fr.data,
                            group=form.group.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/tag_edit.html", **context)
        return response or redirect(url_for("moderation.edit_tag", tag_id=tag.id))
    flash(_("The tag was saved."), "success")
    return redirect(url_for("moderation.edit_tag", tag_id=tag.id))


@bp.post("/tags/<int:tag_id>/synonyms")
@login_required
def add_synonym(tag_id: int):
    """Add a synonym to a tag."""
    _require_curator()
    tag = _live_tag(tag_id)
    synonym_form = SynonymForm()
    form = TagForm(obj=tag, formdata=None)
    form.group.data = tag.group or ""
    context = {"form": form, "tag": tag, "synonym_form": synonym_form,
               "remove_form": RemoveSynonymForm(formdata=None),
               "merge_form": TagMergeForm(formdata=None)}
    if tag.merged_into_id is not None:
        return render_template("moderation/tag_edit.html", **context), 409
    if not synonym_form.validate_on_submit():
        return render_template("moderation/tag_edit.html", **context), 422
    try:
        services.add_synonym(current_user, tag, synonym_form.text.data)
    except services.ModerationError as exc:
        synonym_form.text.errors = [exc.message]
        if isinstance(exc, services.NothingToDo):
            flash(exc.message, "info")
            return redirect(url_for("moderation.edit_tag", tag_id=tag.id))
        return render_template("moderation/tag_edit.html", **context), exc.status
    flash(_("The synonym was added."), "success")
    return redirect(url_for("moderation.edit_tag", tag_id=tag.id))


@bp.post("/tags/<int:tag_id>/synonyms/remove")
@login_required
def remove_synonym(tag_id: int):
    """Remove a synonym from a tag."""
    _require_curator()
    tag = _live_tag(tag_id)
    form = RemoveSynonymForm()
    if not form.validate_on_submit():
        flash(_("Choose the synonym to remove."), "error")
        return redirect(url_for("moderation.edit_tag", tag_id=tag.id))
    try:
        services.remove_synonym(current_user, tag, form.synonym_id.data)
    except services.ModerationError as exc:
        flash(exc.message, "info")
        return redirect(url_for("moderation.edit_tag", tag_id=tag.id))
    flash(_("The synonym was removed."), "success")
    return redirect(url_for("moderation.edit_tag", tag_id=tag.id))


def _tag_from_reference(text: str) -> Tag | None:
    key = services.fold(text)
    tag = db.session.scalar(select(Tag).where(Tag.slug == (text or "").strip().lower()))
    if tag is None:
        for candidate in db.session.scalars(select(Tag).where(Tag.merged_into_id.is_(None))):
            names = (candidate.label_en, candidate.label_es, candidate.label_fr)
            if any(name and services.fold(name) == key for name in names):
                tag = candidate
                break
    return tag


@bp.route("/tags/<int:tag_id>/merge", methods=["GET", "POST"])
@login_required
def merge_tag(tag_id: int):
    """Merge a tag into another, after confirmation."""
    _require_curator()
    tag = _live_tag(tag_id)
    form = TagMergeForm()
    context = {"form": form, "tag": tag, "target": None}
    if not form.validate_on_submit():
        return render_template("moderation/tag_merge.html", **context), (
            422 if form.errors else 200)
    target = _tag_from_reference(form.target.data)
    if target is None:
        form.target.errors = [_("No tag with that address or label was found.")]
        return render_template("moderation/tag_merge.html", **context), 422
    if target.id == tag.id:
        form.target.errors = [_("A tag cannot be merged into itself.")]
        return render_template("moderation/tag_merge.html", **context), 422
    context["target"] = target
    if form.confirm_target.data != str(target.id):
        form.confirm_target.data = str(target.id)
        return render_template("moderation/tag_merge.html", **context)
    try:
        services.merge_tags(current_user, tag, target)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/tag_merge.html", **context)
        return response or redirect(url_for("moderation.tags"))
    flash(_("The tags were merged. The old address now leads to “%(tag)s”.",
            tag=target.label), "success")
    return redirect(url_for("moderation.edit_tag", tag_id=target.id))


# ---------------------------------------------------------------------------------------------
# Audit log (admins and moderators; read-only)
# ---------------------------------------------------------------------------------------------


@bp.route("/audit")
@login_required
def audit_log():
    """Browse the audit log, newest first, filtered by actor, action, target and dates."""
    if not permissions.can_view_audit_log(current_user):
        abort(403)
    form = AuditFilterForm(request.args)
    actors = db.session.execute(
        select(User.id, User.display_name)
        .where(User.id.in_(select(AuditEvent.actor_id).distinct()))
        .order_by(User.display_name)
    ).all()
    form.actor.choices = [SelectChoice("", _("Anyone"))] + [
        SelectChoice(str(a.id), a.display_name) for a in actors]
    actions = sorted(db.session.scalars(select(AuditEvent.action).distinct()))
    form.action.choices = [SelectChoice("", _("Any action"))] + [
        SelectChoice(a, label_of(ACTION_LABELS, a)) for a in actions]
    types = sorted(db.session.scalars(select(AuditEvent.target_type).distinct()))
    form.target_type.choices = [SelectChoice("", _("Any target"))] + [
        SelectChoice(t, label_of(TARGET_LABELS, t)) for t in types]
    status = 200
    if request.args and not form.validate():
        status = 400
    query = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if form.actor.data and form.actor.data.isdigit():
        query = query.where(AuditEvent.actor_id == int(form.actor.data))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.target_type.data:
        query = query.where(AuditEvent.target_type == form.target_type.data)
    if form.date_from.data and not form.date_from.errors:
        query = query.where(AuditEvent.created_at >= datetime.combine(form.date_from.data,
                                                                       time.min))
    if form.date_to.data and not form.date_to.errors:
        query = query.where(AuditEvent.created_at < datetime.combine(form.date_to.data,
                                                                      time.min) + timedelta(1))
    query = query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    page = db.paginate(query, per_page=50, error_out=False)
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("moderation/audit_log.html", form=form, page=page,
                           filters=filters), status
