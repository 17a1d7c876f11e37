"""Routes for moderation: flags, the review queue, thread tools, tag curation, the audit log."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, literal, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .. import permissions
from ..caching import fragments
from ..extensions import db
from ..models import (
    AuditEvent,
    Category,
    Flag,
    FlagTarget,
    ModeratorMessage,
    Post,
    Thread,
    User,
)
from ..web.audit_labels import audit_labels
from ..web.links import post_url
from ..web.numbers import db_int
from ..web.refusals import conceal, refuse
from . import bp, services
from .forms import (
    GROUP_LABELS,
    PERSONAL_DATA_LABELS,
    REASON_LABELS,
    RESOLUTION_LABELS,
    STATUS_LABELS,
    TARGET_LABELS,
    AuditFilterForm,
    ConfirmForm,
    FlagForm,
    QueueFilterForm,
    ResolveForm,
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
        "action": audit_labels(),
        "personal_data": PERSONAL_DATA_LABELS,
    }[kind]
    return label_of(mapping, key)


def _header_counts() -> tuple[int, int]:
    """Open review items (moderators) and unread moderator messages, in one statement a request."""
    cached = g.get("moderation_header_counts")
    if cached is not None:
        return cached
    review = permissions.can_review_flags(current_user)
    member = permissions.can_see_own_flags(current_user)
    if not (review or member):
        cached = (0, 0)
    else:
        user_id = current_user.id

        def load() -> tuple[int, int]:
            flagged = services.open_items_count_query()
            unread = (
                select(func.count(ModeratorMessage.id))
                .where(ModeratorMessage.recipient_id == user_id,
                       ModeratorMessage.read_at.is_(None))
                .scalar_subquery()
            )
            row = db.session.execute(
                select(flagged if review else literal(0), unread if member else literal(0))
            ).one()
            return (row[0] or 0, row[1] or 0)

        # both counts change only with committed content: cached under the content generation
        cached = fragments.cached_value(("header-counts", user_id, review, member), load)
    g.moderation_header_counts = cached
    return cached


@bp.app_template_global()
def open_flag_count() -> int:
    """Items waiting in the review queue (for the header; moderators only)."""
    return _header_counts()[0]


@bp.app_template_global()
def unread_moderator_messages() -> int:
    """Messages from moderators the current member has not opened yet."""
    return _header_counts()[1]


@bp.app_template_global()
def featured_practices(user) -> list:
    """The featured practices for the home page."""
    from .services_featured import featured_practices as load

    return load(user)


@bp.app_template_global()
def is_featured_practice(practice) -> bool:
    """Whether a practice is featured on the home page."""
    from .services_featured import featured_entry

    return featured_entry(practice) is not None


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
        conceal()
    if post.author_id == current_user.id:
        flash(_("You cannot flag your own post. Edit or delete it instead."), "error")
        return render_template("moderation/flag_refused.html", post=post), 403
    if not permissions.can_flag_post(current_user, post):
        refuse()
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
        refuse()
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
    unread_ids = {m.id for m in messages if m.read_at is None}
    return render_template("moderation/my_flags.html", flags=flags, messages=messages,
                           targets=targets, unread_ids=unread_ids, read_form=ConfirmForm())


@bp.route("/my-flags/read", methods=["POST"])
@login_required
def mark_messages_read():
    """Mark every message from the moderators as read (reading the page changes nothing)."""
    if not permissions.can_see_own_flags(current_user):
        refuse()
    if ConfirmForm().validate_on_submit():
        services.mark_messages_read(current_user)
    return redirect(url_for("moderation.my_flags"))


def _targets_for(rows) -> dict:
    """Load the posts that flags or messages point at, in one query."""
    post_ids = {r.target_id for r in rows if r.target_type == FlagTarget.POST.value}
    posts = {}
    if post_ids:
        posts = {p.id: p for p in db.session.scalars(
            select(Post).where(Post.id.in_(post_ids))
            .options(selectinload(Post.thread).selectinload(Thread.category)))}
    targets = {("post", k): v for k, v in posts.items()}
    practice_ids = {r.target_id for r in rows if r.target_type == FlagTarget.PRACTICE.value}
    if practice_ids:
        from ..models import Practice

        for practice in db.session.scalars(select(Practice).where(Practice.id.in_(practice_ids))):
            targets[("practice", practice.id)] = practice
    return targets


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
        refuse()
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
    page = request.args.get("page", 1, type=db_int)
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
        refuse()
    if target_type not in {t.value for t in FlagTarget}:
        conceal()
    target = services.flag_target(target_type, target_id)
    if target is None:
        conceal()
    if isinstance(target, Post) and not permissions.can_moderate_post(current_user, target):
        refuse()
    if not isinstance(target, Post) and not permissions.can_view_practice(current_user, target):
        refuse()
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
# Audit log (admins and moderators; read-only)
# ---------------------------------------------------------------------------------------------


@bp.route("/audit")
@login_required
def audit_log():
    """Browse the audit log, newest first, filtered by actor, action, target and dates."""
    if not permissions.can_view_audit_log(current_user):
        refuse()
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
        SelectChoice(a, label_of(audit_labels(), a)) for a in actions]
    types = sorted(db.session.scalars(select(AuditEvent.target_type).distinct()))
    form.target_type.choices = [SelectChoice("", _("Any target"))] + [
        SelectChoice(t, label_of(TARGET_LABELS, t)) for t in types]
    status = 200
    if request.args and not form.validate():
        status = 400
        for field in (form.date_from, form.date_to):
            if field.errors:
                field.raw_data = []  # a date input cannot show what was typed
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
