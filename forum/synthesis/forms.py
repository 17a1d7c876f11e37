"""Forms of the synthesis feature."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..web.formfields import strip, strip_controls

LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("es", "Español"),
                    SelectChoice("fr", "Français")]


def language_choices(exclude: str | None = None) -> list[SelectChoice]:
    """The content languages, optionally without one."""
    return [c for c in LANGUAGE_CHOICES if c.value != exclude]


def audience_choices() -> list[SelectChoice]:
    """Who a published report is for, from the widest audience to the narrowest."""
    return [
        SelectChoice("public", _l("Everyone, including visitors who are not logged in")),
        SelectChoice("members", _l("All members, observers included")),
        SelectChoice("governments", _l("Government delegations and staff")),
        SelectChoice("staff", _l("Facilitators, moderators and administrators")),
    ]


def status_choices() -> list[SelectChoice]:
    """The statuses of an action item."""
    return [
        SelectChoice("open", _l("Open")),
        SelectChoice("in_progress", _l("In progress")),
        SelectChoice("done", _l("Done")),
        SelectChoice("dropped", _l("Dropped")),
    ]


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        """Accept only offered values, with a clear message."""
        values = {str(c.value) for c in self.choices or []}
        for value in self.data or []:
            if str(value) not in values:
                raise ValidationError(_l("One of the chosen values is not offered."))


class SummaryForm(FlaskForm):
    """Write a new version of a summary."""

    body = TextAreaField(
        _l("Summary (Markdown)"),
        filters=[strip_controls],
        validators=[DataRequired(message=_l("A summary cannot be empty.")), Length(max=20000)],
        description=_l("Cite a post with [post:123]: it is shown as a linked quote with its "
                       "delegation and date."),
    )
    language = SelectField(_l("Language of the summary"), choices=LANGUAGE_CHOICES)
    note = StringField(_l("What changed (optional)"), filters=[strip_controls],
                       validators=[Length(max=300)])
    submit = SubmitField(_l("Save summary"))


class ActionOnlyForm(FlaskForm):
    """A button with CSRF protection and nothing else."""


class CollectionForm(FlaskForm):
    """Create a clip collection."""

    name = StringField(_l("Name of the collection"), filters=[strip_controls],
                       validators=[DataRequired(message=_l("Give the collection a name.")),
                                   Length(max=160)])
    description = TextAreaField(_l("Description (optional)"), filters=[strip_controls],
                                validators=[Length(max=2000)])
    submit = SubmitField(_l("Create collection"))


class ClipForm(FlaskForm):
    """Clip a passage or a whole post into a collection."""

    collection = SelectField(_l("Collection"), coerce=int, validators=[Optional()])
    new_collection = StringField(_l("…or a new collection named"), filters=[strip_controls],
                                 validators=[Length(max=160)])
    text = TextAreaField(
        _l("Passage to clip"), filters=[strip_controls], validators=[Length(max=10000)],
        description=_l("Select text in the post to fill this in, or paste a passage. Leave it "
                       "empty to clip the whole post."),
    )
    note = TextAreaField(_l("Note (optional)"), filters=[strip_controls],
                         validators=[Length(max=2000)])
    whole = SubmitField(_l("Clip whole post"))
    passage = SubmitField(_l("Clip passage"))

    def validate_collection(self, field) -> None:
        """A collection is chosen or named."""
        if not field.data and not self.new_collection.data:
            raise ValidationError(_l("Choose a collection or name a new one."))


class ReportBuilderForm(FlaskForm):
    """The selection a report's first draft is built from."""

    title = StringField(_l("Title"), filters=[strip_controls],
                        validators=[DataRequired(message=_l("Give the report a title.")),
                                    Length(max=250)])
    language = SelectField(_l("Language of the report"), choices=LANGUAGE_CHOICES)
    tags = CheckboxListField(_l("Tags"), coerce=int)
    countries = CheckboxListField(_l("Countries"))
    categories = CheckboxListField(_l("Categories"), coerce=int)
    date_from = DateField(_l("Posts from"), validators=[Optional()])
    date_to = DateField(_l("Posts until"), validators=[Optional()])
    summaries = CheckboxListField(_l("Summaries"), coerce=int)
    clips = CheckboxListField(_l("Clips"), coerce=int)
    practices = CheckboxListField(_l("Practices"), coerce=int)
    submit = SubmitField(_l("Build the draft"))

    def validate_date_to(self, field) -> None:
        """The range is in order."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


class ReportEditForm(FlaskForm):
    """Edit the working draft of a report."""

    title = StringField(_l("Title"), filters=[strip_controls],
                        validators=[DataRequired(message=_l("Give the report a title.")),
                                    Length(max=250)])
    body = TextAreaField(
        _l("Text (Markdown)"), filters=[strip],
        validators=[DataRequired(message=_l("A report cannot be empty.")),
                    Length(max=200000)],
        description=_l("Sections start with “## ”. Cite a post with [post:123] or a clip with "
                       "[clip:45]."),
    )
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save draft"))


class PublishForm(FlaskForm):
    """Publish the draft for an audience."""

    audience = SelectField(_l("Audience"), choices=audience_choices)
    submit = SubmitField(_l("Publish"))


class TranslateForm(FlaskForm):
    """Start a translation of a report."""

    language = SelectField(_l("Translate into"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Start translation"))


class ActionForm(FlaskForm):
    """Create or edit an action item."""

    description = TextAreaField(_l("Description"), filters=[strip_controls],
                                validators=[DataRequired(message=_l("Describe the action.")),
                                            Length(max=4000)])
    owners = CheckboxListField(_l("Owner delegations"))
    due_date = DateField(_l("Due date"), validators=[Optional()])
    source_kind = SelectField(_l("Agreed in"), choices=lambda: [
        SelectChoice("meeting", _l("A meeting")),
        SelectChoice("thread", _l("A discussion thread")),
        SelectChoice("report", _l("A report")),
    ])
    source_thread = IntegerField(_l("Thread number"), validators=[Optional(), NumberRange(min=1)])
    source_report = IntegerField(_l("Report number"), validators=[Optional(), NumberRange(min=1)])
    source_meeting = StringField(_l("Meeting"), filters=[strip_controls],
                                 validators=[Length(max=200)])
    submit = SubmitField(_l("Save action item"))

    def validate_owners(self, field) -> None:
        """At least one owner."""
        if not field.data:
            raise ValidationError(_l("Choose at least one owner delegation."))


class ActionUpdateForm(FlaskForm):
    """Report progress on an action item."""

    status = SelectField(_l("Status"), choices=status_choices)
    note = TextAreaField(_l("Progress note"), filters=[strip_controls],
                         validators=[Length(max=4000)])
    submit = SubmitField(_l("Save update"))


class ActionFilterForm(FlaskForm):
    """Filters of the register (GET, no CSRF)."""

    class Meta:
        csrf = False

    owner = SelectField(_l("Owner"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    due = SelectField(_l("Due"), validators=[Optional()], choices=lambda: [
        SelectChoice("", _l("Any date")),
        SelectChoice("overdue", _l("Overdue")),
        SelectChoice("30", _l("Within 30 days")),
        SelectChoice("90", _l("Within 90 days")),
        SelectChoice("none", _l("No due date")),
    ])
    submit = SubmitField(_l("Filter"))

