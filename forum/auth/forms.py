"""Forms for accounts."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from ..web.formfields import strip, strip_controls


def password_strength(form, field) -> None:
    """At least PASSWORD_MIN_LENGTH characters, and not only spaces."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum or not (field.data or "").strip():
        raise ValidationError(
            _l("Use at least %(num)d characters.", num=minimum)
        )


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("Email"), filters=[strip], validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])
    remember = BooleanField(_l("Remember me on this computer"))
    next = HiddenField()


class NewPasswordMixin:
    """A new password typed twice."""

    password = PasswordField(
        _l("New password"), validators=[InputRequired(), Length(max=1024), password_strength]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
    )


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    """Choose a display name and a password."""

    display_name = StringField(
        _l("Display name"),
        filters=[strip_controls],
        validators=[DataRequired(), Length(min=2, max=80)],
        description=_l("How other members will see you, for example “Ana López (Consulate in Houston)”."),
    )


class ResetRequestForm(FlaskForm):
    """Ask for a password-reset link."""

    email = EmailField(
        _l("Email"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    """Choose a new password from a reset link."""


class ProfileForm(FlaskForm):
    """Display name and preferred language."""

    display_name = StringField(
        _l("Display name"), filters=[strip_controls], validators=[DataRequired(), Length(min=2, max=80)]
    )
    locale = SelectField(
        _l("Preferred language"),
        choices=[SelectChoice("en", "English"), SelectChoice("es", "Español"), SelectChoice("fr", "Français")],
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    """Change the password, confirming the current one."""

    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(), Length(max=1024)]
    )
