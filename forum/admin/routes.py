"""Routes for administration: users, delegations, invitations and categories."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .. import permissions
from ..auth import services as account_services
from ..extensions import db
from ..mail import mail_counts
from ..models import AuditEvent, Category, Delegation, Invitation, Role, User, utcnow
from ..platform.i18n import current_language
from ..web.refusals import conceal, refuse
from . import bp, services
from .forms import (
    INVITATION_STATUS_LABELS,
    CategoryForm,
    ConfirmForm,
    DelegationForm,
    InvitationForm,
    OrganizationForm,
    ReasonForm,
    UserAccountForm,
    UserFilterForm,
)

USERS_PER_PAGE = 25
INVITATIONS_PER_PAGE = 25

# The predicate each group of pages asks (every other page: `can_access_admin`). Moderators
# reach the invitation pages to invite liaisons; the rest is for administrators.
PAGE_RULES = {
    "admin.invitations": permissions.can_manage_invitations,
    "admin.resend_invitation": permissions.can_manage_invitations,
    "admin.revoke_invitation": permissions.can_manage_invitations,
    "admin.delegations": permissions.can_manage_delegations,
    "admin.edit_delegation": permissions.can_manage_delegations,
    "admin.new_organization": permissions.can_manage_delegations,
    "admin.categories": permissions.can_manage_categories,
    "admin.new_category": permissions.can_manage_categories,
    "admin.edit_category": permissions.can_manage_categories,
    "admin.mail": permissions.can_manage_mail,
    "admin.retry_mail": permissions.can_manage_mail,
    "admin.retry_dead_mail": permissions.can_manage_mail,
}


@bp.before_request
@login_required
def require_admin():
    """Each page asks its own predicate of the policy (administrators for most)."""
    if not PAGE_RULES.get(request.endpoint, permissions.can_access_admin)(current_user):
        refuse()


def _delegations() -> list[Delegation]:
    return list(db.session.scalars(select(Delegation).order_by(Delegation.position, Delegation.code)))


def _get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        conceal()
    return obj


@bp.route("/")
def index():
    """The administration overview: counts and links to every page."""
    now = utcnow()
    counts = {
        "users": db.session.scalar(select(func.count(User.id))) or 0,
        "suspended": db.session.scalar(
            select(func.count(User.id)).where(User.is_suspended.is_(True))
        ) or 0,
        "pending": db.session.scalar(
            select(func.count(Invitation.id)).where(
                Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
        ) or 0,
        "delegations": db.session.scalar(select(func.count(Delegation.id))) or 0,
        "categories": db.session.scalar(select(func.count(Category.id))) or 0,
    }
    recent = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type.in_(("user", "invitation", "delegation", "category")))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(10)
    ).all()
    return render_template("admin/index.html", counts=counts, recent=recent, mail=mail_counts())


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------


@bp.route("/users")
def users():
    """Every account, filtered by delegation, role and status, a page at a time."""
    delegations = _delegations()
    form = UserFilterForm(request.args).fill(delegations)
    query = select(User).order_by(User.display_name, User.id)
    filters = {}
    if not form.validate():
        return render_template("admin/users.html", form=form, page=None, filters={}), 400
    if form.delegation.data:
        query = query.where(User.delegation_id == int(form.delegation.data))
        filters["delegation"] = form.delegation.data
    if form.role.data:
        query = query.where(User.role == form.role.data)
        filters["role"] = form.role.data
    if form.status.data:
        query = query.where(User.is_suspended.is_(form.status.data == "suspended"))
        filters["status"] = form.status.data
    page = db.paginate(query, per_page=USERS_PER_PAGE, max_per_page=USERS_PER_PAGE)
    return render_template("admin/users.html", form=form, page=page, filters=filters)


def _render_user(user: User, form: UserAccountForm, status: int = 200):
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type == "user", AuditEvent.target_id == user.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(20)
    ).all()
    invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == user.id))
    return render_template(
        "admin/user.html", user=user, form=form, history=history, invitation=invitation,
        last_admin=services.active_admin_count() <= 1 and user.role == Role.ADMIN.value,
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    """One account: its facts and history; change its role and delegation."""
    target = _get_or_404(User, user_id)
    delegations = _delegations()
    if request.method == "GET":
        form = UserAccountForm(data={"role": target.role, "delegation": str(target.delegation_id)})
        return _render_user(target, form.fill(delegations))
    form = UserAccountForm().fill(delegations)
    if not form.validate_on_submit():
        return _render_user(target, form, 400)
    delegation = _get_or_404(Delegation, int(form.delegation.data))
    try:
        changed = services.change_account(current_user, target, form.role.data, delegation)
    except services.AdminRefused as refusal:
        form.form_errors.append(str(refusal))
        return _render_user(target, form, 409)
    if changed:
        flash(_("The account of %(name)s has been updated.", name=target.display_name), "success")
    else:
        flash(_("Nothing to change."), "info")
    return redirect(url_for("admin.user", user_id=target.id))


def _suspension_view(user_id: int, suspend: bool):
    target = _get_or_404(User, user_id)
    form = ReasonForm()
    template = "admin/confirm_suspension.html"
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template(template, user=target, form=form, suspend=suspend), status
    try:
        if suspend:
            services.suspend_account(current_user, target, form.reason.data)
            flash(_("%(name)s is suspended and can no longer log in.", name=target.display_name), "success")
        else:
            services.reactivate_account(current_user, target, form.reason.data)
            flash(_("%(name)s can log in again.", name=target.display_name), "success")
    except services.AdminRefused as refusal:
        form.form_errors.append(str(refusal))
        return render_template(template, user=target, form=form, suspend=suspend), 409
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>/suspend", methods=["GET", "POST"])
def suspend_user(user_id: int):
    """Confirm, then suspend an account."""
    return _suspension_view(user_id, suspend=True)


@bp.route("/users/<int:user_id>/reactivate", methods=["GET", "POST"])
def reactivate_user(user_id: int):
    """Confirm, then reactivate a suspended account."""
    return _suspension_view(user_id, suspend=False)


# ---------------------------------------------------------------------------------------------
# Delegations
# ---------------------------------------------------------------------------------------------


@bp.route("/delegations")
def delegations():
    """Every delegation with its number of members."""
    counts = dict(
        db.session.execute(select(User.delegation_id, func.count(User.id)).group_by(User.delegation_id)).all()
    )
    return render_template("admin/delegations.html", delegations=_delegations(), counts=counts)


def _names(form: DelegationForm) -> dict[str, str]:
    return {"en": form.name_en.data, "es": form.name_es.data, "fr": form.name_fr.data}


@bp.route("/delegations/<int:delegation_id>", methods=["GET", "POST"])
def edit_delegation(delegation_id: int):
    """Rename an organization, or move a delegation in lists."""
    delegation = _get_or_404(Delegation, delegation_id)
    form = DelegationForm(obj=delegation)
    if delegation.is_country:
        # Country names come from the Unicode territory names, so only the position is editable.
        form.name_en.data, form.name_es.data, form.name_fr.data = (
            delegation.name_in("en"), delegation.name_in("es"), delegation.name_in("fr")
        )
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("admin/delegation_form.html", form=form, delegation=delegation), status
    if services.update_delegation(current_user, delegation, _names(form), form.position.data):
        flash(_("The delegation %(code)s has been saved.", code=delegation.code), "success")
    else:
        flash(_("Nothing to change."), "info")
    return redirect(url_for("admin.delegations"))


@bp.route("/delegations/new", methods=["GET", "POST"])
def new_organization():
    """Add an organization delegation."""
    form = OrganizationForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("admin/delegation_form.html", form=form, delegation=None), status
    try:
        delegation = services.create_organization(
            current_user, form.code.data, _names(form), form.position.data
        )
    except services.AdminRefused as refusal:
        form.code.errors.append(str(refusal))
        return render_template("admin/delegation_form.html", form=form, delegation=None), 409
    flash(_("The delegation %(code)s has been added.", code=delegation.code), "success")
    return redirect(url_for("admin.delegations"))


# ---------------------------------------------------------------------------------------------
# Invitations (moderators too, for liaisons)
# ---------------------------------------------------------------------------------------------


def _invitation_status_filter(status: str):
    now = utcnow()
    pending = (Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    return {
        "pending": (*pending, Invitation.expires_at > now),
        "expired": (*pending, Invitation.expires_at <= now),
        "accepted": (Invitation.accepted_at.is_not(None),),
        "revoked": (Invitation.accepted_at.is_(None), Invitation.revoked_at.is_not(None)),
    }[status]


def _render_invitations(form: InvitationForm, status: int = 200):
    shown = request.args.get("status", "pending")
    if shown not in INVITATION_STATUS_LABELS:
        shown = "pending"
    query = (
        select(Invitation)
        .where(*_invitation_status_filter(shown))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    manageable = [role.value for role in permissions.invitable_roles(current_user)]
    query = query.where(Invitation.role.in_(manageable))
    page = db.paginate(query, per_page=INVITATIONS_PER_PAGE, max_per_page=INVITATIONS_PER_PAGE)
    return render_template(
        "admin/invitations.html", form=form, page=page, shown=shown,
        statuses=INVITATION_STATUS_LABELS,
    ), status


@bp.route("/invitations", methods=["GET", "POST"])
def invitations():
    """Issue invitations and follow them: pending, accepted, expired, revoked."""
    roles = permissions.invitable_roles(current_user)
    form = InvitationForm().fill(_delegations(), roles)
    if request.method == "GET":
        form.language.data = current_language()
        form.role.data = Role.LIAISON.value  # the most common invitation, never admin by accident
        return _render_invitations(form)
    if not form.validate_on_submit():
        return _render_invitations(form, 400)
    if not permissions.can_invite(current_user, form.role.data):
        refuse()
    delegation = _get_or_404(Delegation, int(form.delegation.data))
    try:
        invitation, _link, sent = account_services.create_invitation(
            form.email.data, form.role.data, delegation, current_user, form.language.data
        )
    except account_services.InvitationRefused as refusal:
        form.email.errors.append(str(refusal))
        return _render_invitations(form, 409)
    _flash_sent(invitation, sent)
    return redirect(url_for("admin.invitations"))


def _flash_sent(invitation: Invitation, sent: bool) -> None:
    if not sent:
        flash(
            _("The invitation for %(email)s is saved, but the email could not be sent. Check the mail settings, then resend it.",
              email=invitation.email),
            "warning",
        )
        return
    flash(_("Invitation sent to %(email)s. The link is valid for 7 days.", email=invitation.email), "success")
    if not current_app.config.get("MAIL_SERVER"):
        flash(_("No mail server is configured: the message was written to the outbox folder of the server."), "info")


def _manageable_invitation(invitation_id: int) -> Invitation:
    invitation = _get_or_404(Invitation, invitation_id)
    if not permissions.can_manage_invitation(current_user, invitation):
        refuse()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return invitation


def _refuse(message: str):
    flash(message, "error")
    form = InvitationForm(formdata=None).fill(_delegations(), permissions.invitable_roles(current_user))
    form.language.data = current_language()
    form.role.data = Role.LIAISON.value
    return _render_invitations(form, 409)


@bp.post("/invitations/<int:invitation_id>/resend")
def resend_invitation(invitation_id: int):
    """Send a pending or expired invitation again with a new 7-day link."""
    invitation = _manageable_invitation(invitation_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return _refuse(_("This invitation was already used or revoked; it cannot be sent again."))
    if account_services.find_user_by_email(invitation.email) is not None:
        return _refuse(_("An account already exists for %(email)s.", email=invitation.email))
    _link, sent = account_services.resend_invitation(invitation, current_user)
    _flash_sent(invitation, sent)
    return redirect(url_for("admin.invitations"))


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke_invitation(invitation_id: int):
    """Withdraw an invitation that has not been used yet."""
    invitation = _manageable_invitation(invitation_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return _refuse(_("This invitation was already used or revoked."))
    account_services.revoke_invitation(invitation, current_user)
    flash(_("The invitation for %(email)s has been revoked.", email=invitation.email), "success")
    return redirect(url_for("admin.invitations"))


# ---------------------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------------------


@bp.route("/categories")
def categories():
    """Every category in order, with its visibility."""
    rows = db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()
    return render_template("admin/categories.html", categories=rows)


def _category_values(form: CategoryForm) -> dict:
    return {name: getattr(form, name).data for name in services.CATEGORY_FIELDS}


def _category_form_view(category: Category | None):
    form = CategoryForm(obj=category)
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("admin/category_form.html", form=form, category=category), status
    creating = category is None
    try:
        category = services.save_category(current_user, category, _category_values(form))
    except services.AdminRefused as refusal:
        form.slug.errors.append(str(refusal))
        return render_template("admin/category_form.html", form=form, category=category), 409
    if creating:
        flash(_("The category %(name)s has been created.", name=category.name), "success")
    else:
        flash(_("The category %(name)s has been saved.", name=category.name), "success")
    return redirect(url_for("admin.categories"))


@bp.route("/categories/new", methods=["GET", "POST"])
def new_category():
    """Create a category."""
    return _category_form_view(None)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def edit_category(category_id: int):
    """Change a category."""
    return _category_form_view(_get_or_404(Category, category_id))
