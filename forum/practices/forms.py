"""Forms of the practices blueprint: the long practice form, reviews, documents, lists."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from ..models.base import utcnow
from ..web.formfields import strip, strip_controls
from .vocabulary import (
    EVIDENCE_LABELS,
    GROUP_LABELS,
    IMPLEMENTATION_LABELS,
    INSTITUTION_TYPE_LABELS,
    TECHNOLOGY_LABELS,
)

FIRST_YEAR = 1950
TEXT = [strip_controls]


def _choices(mapping: dict, blank=None) -> list[SelectChoice]:
    options = [SelectChoice(code, text) for code, text in mapping.items()]
    if blank is not None:
        options.insert(0, SelectChoice("", blank))
    return options


def optional_int(value):
    """Coerce a select value to int, with the blank choice as None."""
    if value in ("", None):
        return None
    return int(value)


def at_least_one(message):
    """A multi-select that must have at least one value."""

    def _check(form, field) -> None:
        if not field.data:
            raise ValidationError(message)

    return _check


def year_in_range(form, field) -> None:
    """Start years go from 1950 to the current year."""
    if field.data is None:
        return
    current = utcnow().year
    if not FIRST_YEAR <= field.data <= current:
        raise ValidationError(
            _l("Enter a year between %(first)d and %(last)d.", first=FIRST_YEAR, last=current)
        )


def _long(label, description, required=False, max_length=20000):
    validators = [DataRequired(message=_l("This field is required."))] if required else [Optional()]
    return TextAreaField(label, filters=TEXT, description=description,
                         validators=[*validators, Length(max=max_length)])


class PracticeForm(FlaskForm):
    """Every field of a practice; indicator questions are added per request."""

    # About the practice
    title = StringField(
        _l("Title"), filters=TEXT,
        validators=[DataRequired(message=_l("Give the practice a title.")), Length(min=5, max=200)],
        description=_l("A short name that says what the practice does, for example “Consular registry of unaccompanied children”."),
    )
    delegation = SelectField(
        _l("Delegation (country)"), coerce=optional_int,
        validators=[DataRequired(message=_l("Choose the country this practice belongs to."))],
        description=_l("The country whose practice this is."),
    )
    category = SelectField(
        _l("Discussion category"), coerce=int,
        description=_l("Where the practice's discussion thread is published; its visibility also decides who can read the practice."),
    )
    language = SelectField(
        _l("Language of the text"),
        choices=[SelectChoice("es", "Español"), SelectChoice("en", "English"), SelectChoice("fr", "Français")],
        description=_l("The language you write the practice in."),
    )
    institution = StringField(
        _l("Implementing institution"), filters=TEXT, validators=[Optional(), Length(max=300)],
        description=_l("The ministry, directorate or agency that runs the practice."),
    )
    institution_type = SelectField(
        _l("Type of institution"), choices=_choices(INSTITUTION_TYPE_LABELS, _l("Not stated")),
    )
    partners = _long(_l("Partners"), _l("Other institutions, organizations or countries involved."), max_length=4000)

    # Who and what
    populations = SelectMultipleField(
        _l("Target populations"), coerce=int,
        validators=[at_least_one(_l("Choose at least one target population."))],
        description=_l("Choose every group of people the practice serves."),
    )
    situations = SelectMultipleField(
        _l("Situations"), coerce=int,
        description=_l("Choose the situations the practice responds to."),
    )

    # The practice
    problem = _long(_l("Problem addressed"), _l("What went wrong or was missing before this practice existed."))
    description = _long(
        _l("Description"), _l("What the practice is, in a few paragraphs."), required=True
    )
    operation = _long(_l("How it works day to day"), _l("Who does what, with which tools, and how long it takes."))
    legal_basis = _long(_l("Legal basis"), _l("Laws, regulations, agreements or protocols that support it."), max_length=8000)
    resources = _long(_l("Resources"), _l("Staff, budget, equipment and training it needs."), max_length=8000)

    # The case-recording system
    system_name = StringField(
        _l("Name of the case-recording system"), filters=TEXT,
        validators=[Optional(), Length(max=200)],
        description=_l("The name consular staff use for the system, for example “SIPAC”."),
    )
    system_scope = _long(_l("Scope"), _l("Which consulates use it and since when."), max_length=8000)
    system_technology = SelectField(
        _l("Technology"), choices=_choices(TECHNOLOGY_LABELS, _l("Not stated")),
        description=_l("What the records are kept in."),
    )
    system_languages = StringField(
        _l("Languages of the system"), filters=TEXT, validators=[Optional(), Length(max=200)],
        description=_l("The languages the system can record cases in, separated by commas."),
    )
    system_interoperability = _long(
        _l("Interoperability and data sharing"),
        _l("Which other agencies or countries receive or send data, and how."), max_length=8000,
    )
    system_safeguards = _long(
        _l("Personal-data safeguards"),
        _l("Who can see a case, how long records are kept, and how people are informed."), max_length=8000,
    )

    # Results
    results = _long(_l("Results and evidence"), _l("What changed, with figures where you have them."))
    evidence_level = SelectField(
        _l("Evidence level"), choices=_choices(EVIDENCE_LABELS, _l("Not stated")),
        description=_l("How the results are known."),
    )
    enabling_factors = _long(_l("Enabling factors"), _l("What made the practice possible."), max_length=8000)
    constraints = _long(_l("Constraints"), _l("What limited it or still does."), max_length=8000)
    replicability = _long(_l("Replicability"), _l("What another country would need to adopt it."), max_length=8000)
    lessons = _long(_l("Lessons learned"), _l("What you would do differently."), max_length=8000)

    # Status and contact
    implementation_status = SelectField(
        _l("Status of the practice"), choices=_choices(IMPLEMENTATION_LABELS, _l("Not stated")),
    )
    start_year = IntegerField(
        _l("Start year"), validators=[Optional(), year_in_range],
        description=_l("The year the practice started (1950 or later)."),
    )
    focal_name = StringField(_l("Focal point name"), filters=TEXT, validators=[Optional(), Length(max=200)])
    focal_role = StringField(_l("Focal point role"), filters=TEXT, validators=[Optional(), Length(max=200)])
    focal_email = EmailField(
        _l("Focal point email"), filters=[strip],
        validators=[Optional(), Email(message=_l("Enter a valid email address, for example name@example.org.")),
                    Length(max=254)],
        description=_l("Shown only to logged-in members."),
    )
    tags = StringField(
        _l("Tags"), filters=TEXT, validators=[Optional(), Length(max=500)],
        description=_l("Keywords separated by commas, in any language."),
    )
    base_revision = HiddenField()
    note = StringField(
        _l("What did you change?"), filters=TEXT, validators=[Optional(), Length(max=300)],
        description=_l("A short note kept with this revision."),
    )

    def indicator_fields(self):
        """The per-indicator coverage questions, in order."""
        return [field for name, field in self._fields.items() if name.startswith("indicator_")]


COVERAGE_CHOICES = (
    ("yes", _l("Yes")),
    ("partly", _l("Partly")),
    ("no", _l("No")),
    ("", _l("No information")),
)


def practice_form_class(indicators):
    """A PracticeForm with one yes/partly/no question per active minimum indicator."""
    fields = {}
    for indicator in indicators:
        fields[f"indicator_{indicator.id}"] = RadioField(
            indicator.label,
            choices=[SelectChoice(value, text) for value, text in COVERAGE_CHOICES],
            default="",
            validate_choice=True,
        )
    return type("PracticeFormWithIndicators", (PracticeForm,), fields)


class ReasonForm(FlaskForm):
    """A written reason the delegation will read."""

    reason = TextAreaField(
        _l("Reason"), filters=TEXT,
        validators=[DataRequired(message=_l("Write what needs to change; the delegation will read it.")),
                    Length(min=5, max=4000)],
    )


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class DocumentForm(FlaskForm):
    """One file to attach."""

    file = FileField(_l("File"), description=_l("PDF, DOCX, XLSX, ODT, PNG or JPEG."))


class ListItemForm(FlaskForm):
    """One entry of a managed list (indicator, population or situation)."""

    code = StringField(
        _l("Code"), filters=[strip],
        validators=[DataRequired(), Length(min=2, max=64)],
        description=_l("A stable identifier used in the open data, in lower case with underscores."),
    )
    label_en = StringField(_l("Label in English"), filters=TEXT, validators=[DataRequired(), Length(max=200)])
    label_es = StringField(_l("Label in Spanish"), filters=TEXT, validators=[DataRequired(), Length(max=200)])
    label_fr = StringField(_l("Label in French"), filters=TEXT, validators=[DataRequired(), Length(max=200)])
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=10000)])
    group = SelectField(_l("Group"), choices=_choices(GROUP_LABELS))
    is_active = BooleanField(_l("In use"), default=True,
                             description=_l("Entries no longer in use are kept for old practices but not offered."))

    def validate_code(self, field) -> None:
        """Lower-case letters, digits and underscores."""
        import re

        if not re.fullmatch(r"[a-z][a-z0-9_]*", field.data or ""):
            raise ValidationError(_l("Use lower-case letters, digits and underscores, starting with a letter."))
