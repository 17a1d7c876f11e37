"""Forms of the search pages: the filter form and the glossary editor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from ..web.formfields import strip, strip_controls


class SearchForm(FlaskForm):
    """The search box and its filters (GET, no CSRF: searching changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search for"), filters=[strip_controls])
    country = SelectField(_l("Country or organization"), validators=[Optional()])
    tag = StringField(_l("Tag"), filters=[strip_controls], validators=[Length(max=100)])
    category = SelectField(_l("Category"), validators=[Optional()])
    lang = SelectField(_l("Language"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    after = DateField(_l("Posted on or after"), validators=[Optional()])
    before = DateField(_l("Posted before"), validators=[Optional()])
    in_title = BooleanField(_l("Titles only"))
    sort = SelectField(_l("Order"), choices=[
        SelectChoice("relevance", _l("Most relevant first")),
        SelectChoice("newest", _l("Newest first")),
    ], default="relevance", validators=[Optional()])

    def validate_before(self, field):
        """`before` must come after `after`."""
        if field.data and self.after.data and field.data <= self.after.data:
            raise ValidationError(_l("This date must be later than the “on or after” date."))


def _terms(field) -> list[str]:
    return [line.strip() for line in (field.data or "").splitlines() if line.strip()]


class GlossaryForm(FlaskForm):
    """One concept in three languages, one term per line."""

    terms_en = TextAreaField(_l("English terms"), filters=[strip_controls, strip],
                             validators=[Length(max=2000)],
                             description=_l("One term per line; the first is the preferred one."))
    terms_es = TextAreaField(_l("Spanish terms"), filters=[strip_controls, strip],
                             validators=[Length(max=2000)],
                             description=_l("One term per line; the first is the preferred one."))
    terms_fr = TextAreaField(_l("French terms"), filters=[strip_controls, strip],
                             validators=[Length(max=2000)],
                             description=_l("One term per line; the first is the preferred one."))
    note = TextAreaField(_l("Note (optional)"), filters=[strip_controls, strip],
                         validators=[Length(max=1000)])

    def validate(self, extra_validators=None) -> bool:
        """At least two terms in all, each of a sensible length."""
        ok = super().validate(extra_validators)
        fields = (self.terms_en, self.terms_es, self.terms_fr)
        for field in fields:
            if any(len(term) > 200 for term in _terms(field)):
                field.errors.append(_l("Each term must be at most 200 characters long."))
                ok = False
        if sum(len(_terms(f)) for f in fields) < 2:
            self.form_errors.append(_l("Give at least two equivalent terms (in any of the three languages)."))
            ok = False
        return ok
