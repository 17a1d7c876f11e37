"""Routes for accounts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from .. import permissions
from ..models import utcnow
from ..platform.deferred import after_response
from ..platform.i18n import current_language
from ..platform.security import is_safe_next, safe_next
from ..web.refusals import refuse
from . import bp, services
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from .sessions import open_session, revoke_session


def start_session(user, remember: bool = False) -> None:
    """Log a user in on a fresh session (rotated, so a planted session id is useless)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    open_session(user)
    login_user(user, remember=remember)
    # From here on this request speaks the account's language (the welcome message too).
    refresh()


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    next_url = form.next.data or ""
    if next_url and not is_safe_next(next_url):
        form.next.data = ""
        form.form_errors.append(
            _("The page to return to after logging in is not on this site, so it was ignored.")
        )
        return render_template("auth/login.html", form=form), 400
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(next_url, url_for("main.index")))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), (400 if form.errors else 200)

    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        form.form_errors.append(_("Wrong email or password."))
        return render_template("auth/login.html", form=form), 401
    if user.is_suspended:
        form.form_errors.append(
            _("This account is suspended. Contact an administrator of the exchange.")
        )
        return render_template("auth/login.html", form=form), 403
    start_session(user, remember=form.remember.data)
    services.record_login(user)
    flash(_("Welcome, %(name)s.", name=user.display_name), "success")
    return redirect(safe_next(next_url, url_for("main.index")))


@bp.post("/logout")
def logout():
    """Log out and end the session on the server too (a copy of the cookie stops working)."""
    if current_user.is_authenticated:
        revoke_session(current_user._get_current_object())
    logout_user()
    lang = session.get("lang")
    session.clear()
    # Flask-Login deletes the remember-me cookie when it sees this flag after the request.
    session["_remember"] = "clear"
    if lang:
        session["lang"] = lang
    # The goodbye message in the language of the next page (no longer the account's).
    refresh()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


def _invitation_problem(invitation) -> tuple[str, int] | None:
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it."), 404
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Log in with the account it created."), 410
    if invitation.revoked_at is not None:
        return _("This invitation has been withdrawn. Ask the person who invited you for a new one."), 410
    if invitation.expires_at <= utcnow():
        return _("This invitation has expired. Ask the person who invited you to send it again."), 410
    return None


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Accept an invitation: choose a display name and password, then log in."""
    invitation = services.find_invitation(token)
    problem = _invitation_problem(invitation)
    if problem:
        message, status = problem
        return render_template("auth/link_problem.html", message=message), status
    if services.find_user_by_email(invitation.email) is not None:
        return render_template(
            "auth/link_problem.html",
            message=_("An account already exists for this address. Log in instead."),
        ), 409
    if "lang" not in session and not current_user.is_authenticated:
        # Speak the language the inviter chose until the invitee picks another one.
        session["lang"] = invitation.locale
        refresh()
    form = AcceptInvitationForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status
    try:
        user = services.accept_invitation(
            invitation, form.display_name.data, form.password.data,
            session.get("lang") or invitation.locale or current_language(),
        )
    except services.AccountExists:
        return render_template(
            "auth/link_problem.html",
            message=_("An account already exists for this address. Log in instead."),
        ), 409
    start_session(user)
    flash(_("Welcome to the exchange, %(name)s. Your account is ready.", name=user.display_name), "success")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
def request_reset():
    """Ask for a password-reset link; the answer never tells whether the address exists."""
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return render_template("auth/request_reset.html", form=form), (400 if form.errors else 200)
    # Looked up and mailed after the response, so known and unknown addresses take as long.
    after_response(services.request_password_reset, form.email.data, current_language())
    flash(
        _("If an account exists for that address, we have sent it a link to choose a new password. The link is valid for one hour."),
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from an emailed link."""
    reset = services.find_valid_reset(token)
    if reset is None:
        message = _("This password-reset link is not valid, has expired or has already been used. Ask for a new one.")
        return render_template("auth/link_problem.html", message=message, show_reset=True), 410
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_password.html", form=form), (400 if form.errors else 200)
    user = services.complete_password_reset(reset, form.password.data)
    start_session(user)
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("main.index"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """See the account, change display name and preferred language."""
    if not permissions.can_edit_profile(current_user, current_user):
        refuse()
    form = ProfileForm(obj=current_user) if request.method == "GET" else ProfileForm()
    password_form = ChangePasswordForm(prefix="pw")
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("auth/profile.html", form=form, password_form=password_form), 400
        services.update_profile(current_user, form.display_name.data, form.locale.data)
        session["lang"] = form.locale.data
        refresh()  # the confirmation speaks the newly chosen language
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, password_form=password_form)


@bp.post("/password")
@login_required
def change_password():
    """Change the password; other sessions of the account end."""
    form = ProfileForm(obj=current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if not password_form.validate_on_submit():
        return render_template("auth/profile.html", form=form, password_form=password_form), 400
    if not current_user.check_password(password_form.current_password.data):
        password_form.current_password.errors.append(_("This is not your current password."))
        return render_template("auth/profile.html", form=form, password_form=password_form), 400
    # The real object, not the proxy: login_user() stores what it gets as the current user.
    user = services.change_password(current_user._get_current_object(), password_form.password.data)
    start_session(user)
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("auth.profile"))

