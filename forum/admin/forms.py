"""Forms of the administration pages."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from ..models import ROLE_ORDER, Visibility
from ..platform.i18n import LANGUAGE_NAMES
from ..web.formfields import strip, strip_controls
from ..web.templating import role_label

SHORT_TEXT = {"rows": 3, "class": "short"}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")

VISIBILITY_LABELS = {
    Visibility.PUBLIC.value: _l("Public: anyone, also without logging in"),
    Visibility.MEMBERS.value: _l("Members: every logged-in account, observers included"),
    Visibility.GOVERNMENTS.value: _l("Governments: liaison officers and staff, not observers"),
    Visibility.STAFF.value: _l("Staff: administrators, moderators and facilitators"),
}

STATUS_LABELS = {
    "active": _l("Active"),
    "suspended": _l("Suspended"),
}

INVITATION_STATUS_LABELS = {
    "pending": _l("Pending"),
    "accepted": _l("Accepted"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
}


def delegation_choices(delegations, blank: str | None = None) -> list[SelectChoice]:
    """Choices for a delegation select: countries then organizations, in the reader's language."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    choices += [SelectChoice(str(d.id), f"{d.name} ({d.code})") for d in delegations]
    return choices


def role_choices(roles, blank: str | None = None) -> list[SelectChoice]:
    """Choices for a role select, most trusted first."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(str(role), role_label(role)) for role in roles]


def language_choices() -> list[SelectChoice]:
    """The interface languages, each in its own name."""
    return [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


class UserFilterForm(FlaskForm):
    """Filters of the users list (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    delegation = SelectField(_l("Delegation"), validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    def fill(self, delegations) -> UserFilterForm:
        """Set the choices (they depend on the database and the language)."""
        self.delegation.choices = delegation_choices(delegations, str(_l("All delegations")))
        self.role.choices = role_choices(ROLE_ORDER, str(_l("All roles")))
        self.status.choices = [SelectChoice("", str(_l("Any status")))] + [
            SelectChoice(key, str(label)) for key, label in STATUS_LABELS.items()
        ]
        return self


class UserAccountForm(FlaskForm):
    """Change an account's role and delegation."""

    # No blank option, so no `required`: the choice itself must be one of the listed values.
    role = SelectField(_l("Role"))
    delegation = SelectField(_l("Delegation"))

    def fill(self, delegations) -> UserAccountForm:
        """Set the choices."""
        self.role.choices = role_choices(ROLE_ORDER)
        self.delegation.choices = delegation_choices(delegations)
        return self


class ReasonForm(FlaskForm):
    """Confirm a suspension or reactivation, with an optional reason for the audit log."""

    reason = TextAreaField(
        _l("Reason (recorded in the audit log)"),
        filters=[strip_controls],
        validators=[Optional(), Length(max=1000)],
    )


class ConfirmForm(FlaskForm):
    """A button that only carries the CSRF token (resend, revoke)."""


class DelegationForm(FlaskForm):
    """An organization's names in three languages, and the order of the delegation in lists."""

    name_en = StringField(_l("Name in English"), filters=[strip_controls],
                          validators=[DataRequired(), Length(max=200)])
    name_es = StringField(_l("Name in Spanish"), filters=[strip_controls],
                          validators=[DataRequired(), Length(max=200)])
    name_fr = StringField(_l("Name in French"), filters=[strip_controls],
                          validators=[DataRequired(), Length(max=200)])
    position = IntegerField(_l("Position in lists"), validators=[Optional(), NumberRange(0, 9999)])


class OrganizationForm(DelegationForm):
    """A new organization delegation."""

    code = StringField(
        _l("Code"),
        filters=[strip, lambda v: v.upper() if isinstance(v, str) else v],
        validators=[
            DataRequired(),
            Length(min=2, max=16),
            Regexp(CODE_PATTERN, message=_l("Use 2 to 16 capital letters or digits, starting with a letter.")),
        ],
        description=_l("A short acronym, for example IOM."),
    )


class InvitationForm(FlaskForm):
    """Invite an address to a delegation with a role."""

    email = EmailField(
        _l("Email"), filters=[strip],
        validators=[DataRequired(), Email(message=_l("Enter a valid email address.")), Length(max=254)],
    )
    delegation = SelectField(_l("Delegation"), validators=[DataRequired()])
    role = SelectField(_l("Role"))
    language = SelectField(
        _l("Language of the invitation email"),
        description=_l("Also the first interface language of the new account."),
    )

    def fill(self, delegations, roles) -> InvitationForm:
        """Set the choices: the delegations, and the roles the inviter may give."""
        self.delegation.choices = delegation_choices(delegations, str(_l("Choose a delegation")))
        self.role.choices = role_choices(roles)
        self.language.choices = language_choices()
        return self


class CategoryForm(FlaskForm):
    """A category: address, names and descriptions in three languages, order and visibility."""

    slug = StringField(
        _l("Address (slug)"),
        filters=[strip, lambda v: v.lower() if isinstance(v, str) else v],
        validators=[
            DataRequired(),
            Length(min=2, max=80),
            Regexp(SLUG_PATTERN, message=_l("Use lowercase letters, digits and single hyphens, for example “case-management”.")),
        ],
        description=_l("Part of the category's web address. Changing it breaks links shared before."),
    )
    name_en = StringField(_l("Name in English"), filters=[strip_controls],
                          validators=[DataRequired(), Length(max=120)])
    name_es = StringField(_l("Name in Spanish"), filters=[strip_controls],
                          validators=[DataRequired(), Length(max=120)])
    name_fr = StringField(_l("Name in French"), filters=[strip_controls],
                          validators=[DataRequired(), Length(max=120)])
    description_en = TextAreaField(_l("Description in English"), filters=[strip_controls],
                                   validators=[Optional(), Length(max=2000)], render_kw=SHORT_TEXT)
    description_es = TextAreaField(_l("Description in Spanish"), filters=[strip_controls],
                                   validators=[Optional(), Length(max=2000)], render_kw=SHORT_TEXT)
    description_fr = TextAreaField(_l("Description in French"), filters=[strip_controls],
                                   validators=[Optional(), Length(max=2000)], render_kw=SHORT_TEXT)
    position = IntegerField(_l("Position"), default=0,
                            validators=[Optional(), NumberRange(0, 9999)],
                            description=_l("Categories are listed by increasing position."))
    visibility = SelectField(
        _l("Who can read it"),
        choices=[SelectChoice(key, label) for key, label in VISIBILITY_LABELS.items()],
        default=Visibility.MEMBERS.value,
    )
    observers_may_reply = BooleanField(
        _l("Observers may reply"),
        description=_l("Observers (civil society) read the categories open to members; tick this to let them reply in this one too."),
    )
