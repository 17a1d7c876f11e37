"""Forms and translated labels for moderation and curation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..web.formfields import strip, strip_controls

REASON_LABELS = {
    "personal_data": _l("Contains personal data of a migrant or a case"),
    "off_topic": _l("Off-topic"),
    "duplicate": _l("Duplicate of another contribution"),
    "inappropriate": _l("Inappropriate"),
    "other": _l("Something else"),
}

RESOLUTION_LABELS = {
    "dismissed": _l("Reviewed: no action needed"),
    "hidden": _l("Hidden by a moderator"),
    "edited": _l("Edited by a moderator"),
    "locked": _l("Thread locked"),
    "messaged": _l("The author was contacted"),
}

STATUS_LABELS = {"open": _l("Received, waiting for review"), "resolved": _l("Resolved")}

TARGET_LABELS = {
    "post": _l("post"),
    "practice": _l("practice"),
    "thread": _l("thread"),
    "tag": _l("tag"),
    "user": _l("account"),
    "invitation": _l("invitation"),
    "category": _l("category"),
    "delegation": _l("delegation"),
}

GROUP_LABELS = {
    "populations": _l("Populations"),
    "situations": _l("Situations"),
    "themes": _l("Themes"),
}

PERSONAL_DATA_LABELS = {
    "email": _l("email address of a person"),
    "phone": _l("phone number"),
    "id_number": _l("passport or identity document number"),
    "birth_date": _l("date of birth"),
}


def label_of(mapping: dict, key) -> str:
    """The translated label of a key, or the key itself when unknown."""
    value = mapping.get(str(key) if key is not None else "")
    return str(value) if value is not None else str(key or "")


class FlagForm(FlaskForm):
    """Why a member flags a post or a practice."""

    reason = RadioField(
        _l("Why should moderators look at this?"),
        choices=[SelectChoice(k, v) for k, v in REASON_LABELS.items()],
        validators=[InputRequired(message=_l("Choose a reason."))],
    )
    original_url = StringField(
        _l("Link to the original (for a duplicate)"),
        filters=[strip],
        validators=[Length(max=500)],
    )
    detail = TextAreaField(
        _l("Details for the moderators"),
        filters=[strip_controls],
        validators=[Length(max=2000)],
        description=_l("Required when the reason is “Something else”. Do not repeat the "
                       "personal data here."),
    )

    def validate_original_url(self, field):
        """A duplicate needs a link to the original."""
        if self.reason.data == "duplicate" and not field.data:
            raise ValidationError(_l("Give the link to the original contribution."))
        if field.data and not (field.data.startswith(("/", "http://", "https://"))):
            raise ValidationError(_l("Paste a link that starts with http://, https:// or /."))

    def validate_detail(self, field):
        """"Something else" needs an explanation."""
        if self.reason.data == "other" and not field.data:
            raise ValidationError(_l("Explain what is wrong."))


RESOLVE_ACTIONS = {
    "dismissed": _l("Dismiss the flags (nothing wrong)"),
    "hidden": _l("Hide the item, showing a reason in its place"),
    "edited": _l("I edited the item: close the flags"),
    "locked": _l("Lock the thread"),
    "messaged": _l("Message the author (by email and on their flags page)"),
}


class ResolveForm(FlaskForm):
    """A moderator's decision on a flagged item; closes every open flag on it."""

    action = RadioField(
        _l("Decision"),
        choices=[SelectChoice(k, v) for k, v in RESOLVE_ACTIONS.items()],
        validators=[InputRequired(message=_l("Choose what to do."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip_controls],
        validators=[Length(max=1000)],
        description=_l("Required to hide: readers see it in place of the content."),
    )
    message = TextAreaField(
        _l("Message to the author"),
        filters=[strip_controls],
        validators=[Length(max=5000)],
    )

    def validate_reason(self, field):
        """Hiding needs a reason."""
        if self.action.data == "hidden" and not field.data:
            raise ValidationError(_l("Give the reason shown in place of the hidden content."))

    def validate_message(self, field):
        """Messaging needs a message."""
        if self.action.data == "messaged" and not field.data:
            raise ValidationError(_l("Write the message to the author."))


class ConfirmForm(FlaskForm):
    """A confirmation step with an optional reason for the audit log."""

    reason = TextAreaField(
        _l("Reason (optional, kept in the audit log)"),
        filters=[strip_controls],
        validators=[Optional(), Length(max=1000)],
    )


class ReasonForm(FlaskForm):
    """A confirmation step that requires a reason shown to readers."""

    reason = TextAreaField(
        _l("Reason shown to readers"),
        filters=[strip_controls],
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=1000)],
    )


class CloseForm(FlaskForm):
    """Close a thread with a note for the readers."""

    reason = TextAreaField(
        _l("Closing note"),
        filters=[strip_controls],
        validators=[DataRequired(message=_l("Write a closing note for the readers.")),
                    Length(max=2000)],
        description=_l("Shown at the end of the thread, for example what was concluded."),
    )


class MoveForm(FlaskForm):
    """Choose the category a thread moves to (choices filled by the view)."""

    category = SelectField(_l("Move to the category"), coerce=int)


class MergeForm(FlaskForm):
    """The thread to merge into, by number or link."""

    target = StringField(
        _l("Thread to merge into"),
        filters=[strip],
        validators=[DataRequired(message=_l("Give the number or the link of the thread.")),
                    Length(max=500)],
        description=_l("Its number or its link. The posts of both threads are kept, ordered "
                       "by date; this thread's address will lead to the other one."),
    )
    confirm_target = HiddenField()


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SplitForm(FlaskForm):
    """Posts to move into a new thread (choices filled by the view)."""

    posts = MultiCheckboxField(_l("Posts to move"), coerce=int)
    title = StringField(
        _l("Title of the new thread"),
        filters=[strip_controls],
        validators=[DataRequired(message=_l("Give the new thread a title.")), Length(max=200)],
    )
    category = SelectField(_l("Category of the new thread"), coerce=int)

    def validate_posts(self, field):
        """At least one post."""
        if not field.data:
            raise ValidationError(_l("Select at least one post to move into the new thread."))


class TagForm(FlaskForm):
    """Rename a tag, label it in each language and group it."""

    slug = StringField(
        _l("Address (slug)"),
        filters=[strip],
        validators=[DataRequired(), Length(max=100)],
        description=_l("Lower-case letters, digits and hyphens. The old address keeps "
                       "working."),
    )
    label_en = StringField(_l("Label in English"), filters=[strip_controls],
                           validators=[Length(max=100)])
    label_es = StringField(_l("Label in Spanish"), filters=[strip_controls],
                           validators=[Optional(), Length(max=100)])
    label_fr = StringField(_l("Label in French"), filters=[strip_controls],
                           validators=[Optional(), Length(max=100)])
    group = SelectField(
        _l("Group"),
        choices=[SelectChoice("", _l("No group"))]
        + [SelectChoice(k, v) for k, v in GROUP_LABELS.items()],
        validators=[Optional()],
    )

    def validate_slug(self, field):
        """Only a-z, 0-9 and hyphens."""
        allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-")
        value = (field.data or "").lower()
        if not value or any(ch not in allowed for ch in value) or value.strip("-") != value:
            raise ValidationError(_l("Use lower-case letters, digits and hyphens only."))

    def validate_label_en(self, field):
        """At least one label."""
        if not (self.label_en.data or self.label_es.data or self.label_fr.data):
            raise ValidationError(_l("Give the tag a label in at least one language."))


class SynonymForm(FlaskForm):
    """Add a synonym to a tag."""

    text = StringField(_l("New synonym"), filters=[strip_controls],
                       validators=[DataRequired(message=_l("Type the synonym to add.")),
                                   Length(max=100)])


class RemoveSynonymForm(FlaskForm):
    """Remove a synonym (the id comes from the button)."""

    synonym_id = IntegerField(validators=[InputRequired()])


class TagMergeForm(FlaskForm):
    """The tag that survives a merge."""

    target = StringField(
        _l("Merge into the tag"),
        filters=[strip_controls],
        validators=[DataRequired(message=_l("Name the tag to merge into.")), Length(max=100)],
        description=_l("Its address (slug) or one of its labels."),
    )
    confirm_target = HiddenField()


class QueueFilterForm(FlaskForm):
    """Filters of the review queue (a GET form)."""

    class Meta:
        csrf = False

    category = SelectField(_l("Category"), coerce=str, validators=[Optional()])
    reason = SelectField(
        _l("Reason"),
        choices=[SelectChoice("", _l("All reasons"))]
        + [SelectChoice(k, v) for k, v in REASON_LABELS.items()],
        validators=[Optional()],
    )


class AuditFilterForm(FlaskForm):
    """Filters of the audit log (a GET form)."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Who"), coerce=str, validators=[Optional()])
    action = SelectField(_l("Action"), coerce=str, validators=[Optional()])
    target_type = SelectField(_l("Target"), coerce=str, validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])
