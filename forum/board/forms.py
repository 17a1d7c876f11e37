"""Forms for threads and posts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..platform.i18n import current_language
from ..web.formfields import strip, strip_controls
from .services import MAX_BODY, MAX_TITLE

LANGUAGE_CHOICES = (("en", "English"), ("es", "Español"), ("fr", "Français"))


def _body_field(label):
    return TextAreaField(
        label,
        filters=[strip_controls],
        validators=[
            DataRequired(message=_l("Please write a message.")),
            Length(max=MAX_BODY, message=_l("The message is too long (at most %(max)d characters).")),
        ],
        description=_l("Markdown: **bold**, *italic*, lists, > quotes, tables and links."),
        render_kw={"rows": 10},
    )


def _language_field():
    return SelectField(
        _l("Language of your message"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_CHOICES],
    )


class PostForm(FlaskForm):
    """A reply (also the base of the other post forms)."""

    body = _body_field(_l("Your message"))
    language = _language_field()
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Post reply"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.language.data or self.language.data not in dict(LANGUAGE_CHOICES):
            self.language.data = current_language()

    @property
    def wants_preview(self) -> bool:
        """True when the Preview button was pressed."""
        return bool(self.preview.data)


class ThreadForm(PostForm):
    """A new thread: category, title, tags, language and first message."""

    category = SelectField(_l("Category"), validate_choice=False,
                           validators=[DataRequired(message=_l("Choose a category."))])
    title = StringField(
        _l("Title"),
        filters=[strip_controls],
        validators=[
            DataRequired(message=_l("Please give the thread a title.")),
            Length(max=MAX_TITLE, message=_l("The title is too long (at most %(max)d characters).")),
        ],
        render_kw={"maxlength": MAX_TITLE},
    )
    tags = StringField(
        _l("Tags"),
        filters=[strip_controls],
        validators=[Optional(), Length(max=600)],
        description=_l("Separate tags with commas, in any language, e.g. migrant children, consular registry."),
    )
    submit = SubmitField(_l("Start thread"))
    field_order = ("category", "title", "tags", "language", "body")

    def set_categories(self, categories) -> None:
        """Offer the categories the user may post in."""
        self.category.choices = [SelectChoice("", _l("Choose a category…"))] + [
            SelectChoice(c.slug, c.name) for c in categories
        ]


class EditPostForm(PostForm):
    """Edit a post; for the first post of a thread also its title and tags."""

    title = StringField(
        _l("Title"),
        filters=[strip_controls],
        validators=[
            Optional(),
            Length(max=MAX_TITLE, message=_l("The title is too long (at most %(max)d characters).")),
        ],
        render_kw={"maxlength": MAX_TITLE},
    )
    tags = StringField(
        _l("Tags"),
        filters=[strip_controls],
        validators=[Optional(), Length(max=600)],
        description=_l("Separate tags with commas, in any language."),
    )
    submit = SubmitField(_l("Save changes"))


class DeletePostForm(FlaskForm):
    """Confirm a deletion."""

    reason = StringField(_l("Reason (optional)"), filters=[strip], validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Delete post"))


class PreviewForm(FlaskForm):
    """The live preview request (JSON)."""

    body = TextAreaField(filters=[strip_controls], validators=[Length(max=MAX_BODY)])
