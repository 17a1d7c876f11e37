"""Routes of tag curation: list, edit, synonyms and merges."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from .. import permissions
from ..extensions import db
from ..models import Tag
from ..web.refusals import refuse
from . import bp, services, services_tags
from .forms import (
    RemoveSynonymForm,
    SynonymForm,
    TagForm,
    TagMergeForm,
)
from .routes import _error


def _require_curator():
    if not permissions.can_curate_tags(current_user):
        refuse()


def _live_tag(tag_id: int) -> Tag:
    tag = db.get_or_404(Tag, tag_id)
    if tag.merged_into_id is not None:
        flash(_("This tag was merged into another one."), "info")
    return tag


@bp.route("/tags")
@login_required
def tags():
    """All live tags by group, and those created by members still lacking labels."""
    _require_curator()
    show = request.args.get("show", "")
    query = select(Tag).where(Tag.merged_into_id.is_(None)).options(selectinload(Tag.synonyms))
    if show == "missing":
        query = query.where(
            Tag.created_by_id.is_not(None),
            or_(*[or_(col.is_(None), col == "") for col in (Tag.label_en, Tag.label_es,
                                                            Tag.label_fr)]),
        )
    query = query.order_by(Tag.group, Tag.slug)
    page = db.paginate(query, per_page=50, error_out=False)
    missing_count = db.session.scalar(
        select(func.count(Tag.id)).where(
            Tag.merged_into_id.is_(None), Tag.created_by_id.is_not(None),
            or_(*[or_(col.is_(None), col == "") for col in (Tag.label_en, Tag.label_es,
                                                            Tag.label_fr)]))
    )
    return render_template("moderation/tags.html", page=page, show=show,
                           missing_count=missing_count)


@bp.route("/tags/<int:tag_id>", methods=["GET", "POST"])
@login_required
def edit_tag(tag_id: int):
    """Rename, relabel and group a tag; add and remove its synonyms."""
    _require_curator()
    tag = _live_tag(tag_id)
    form = TagForm(obj=tag if request.method == "GET" else None)
    if request.method == "GET":
        form.group.data = tag.group or ""
    context = {"form": form, "tag": tag, "synonym_form": SynonymForm(formdata=None),
               "remove_form": RemoveSynonymForm(formdata=None),
               "merge_form": TagMergeForm(formdata=None)}
    if tag.merged_into_id is not None and request.method == "POST":
        flash(_("This tag was merged into another one and can no longer be edited."), "error")
        return render_template("moderation/tag_edit.html", **context), 409
    if not form.validate_on_submit():
        return render_template("moderation/tag_edit.html", **context), (
            422 if form.errors else 200)
    try:
        services_tags.update_tag(current_user, tag, slug=form.slug.data, label_en=form.label_en.data,
                            label_es=form.label_es.data, label_fr=form.label_fr.data,
                            group=form.group.data)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/tag_edit.html", **context)
        return response or redirect(url_for("moderation.edit_tag", tag_id=tag.id))
    flash(_("The tag was saved."), "success")
    return redirect(url_for("moderation.edit_tag", tag_id=tag.id))


@bp.post("/tags/<int:tag_id>/synonyms")
@login_required
def add_synonym(tag_id: int):
    """Add a synonym to a tag."""
    _require_curator()
    tag = _live_tag(tag_id)
    synonym_form = SynonymForm()
    form = TagForm(obj=tag, formdata=None)
    form.group.data = tag.group or ""
    context = {"form": form, "tag": tag, "synonym_form": synonym_form,
               "remove_form": RemoveSynonymForm(formdata=None),
               "merge_form": TagMergeForm(formdata=None)}
    if tag.merged_into_id is not None:
        return render_template("moderation/tag_edit.html", **context), 409
    if not synonym_form.validate_on_submit():
        return render_template("moderation/tag_edit.html", **context), 422
    try:
        services_tags.add_synonym(current_user, tag, synonym_form.text.data)
    except services.ModerationError as exc:
        synonym_form.text.errors = [exc.message]
        if isinstance(exc, services.NothingToDo):
            flash(exc.message, "info")
            return redirect(url_for("moderation.edit_tag", tag_id=tag.id))
        return render_template("moderation/tag_edit.html", **context), exc.status
    flash(_("The synonym was added."), "success")
    return redirect(url_for("moderation.edit_tag", tag_id=tag.id))


@bp.post("/tags/<int:tag_id>/synonyms/remove")
@login_required
def remove_synonym(tag_id: int):
    """Remove a synonym from a tag."""
    _require_curator()
    tag = _live_tag(tag_id)
    form = RemoveSynonymForm()
    if not form.validate_on_submit():
        flash(_("Choose the synonym to remove."), "error")
        return redirect(url_for("moderation.edit_tag", tag_id=tag.id))
    try:
        services_tags.remove_synonym(current_user, tag, form.synonym_id.data)
    except services.ModerationError as exc:
        flash(exc.message, "info")
        return redirect(url_for("moderation.edit_tag", tag_id=tag.id))
    flash(_("The synonym was removed."), "success")
    return redirect(url_for("moderation.edit_tag", tag_id=tag.id))


def _tag_from_reference(text: str) -> Tag | None:
    """A tag from its slug, one of its labels or one of its synonyms (merges followed)."""
    from ..tags.services import find_tag

    tag = db.session.scalar(select(Tag).where(Tag.slug == (text or "").strip().lower()))
    return tag or find_tag(text)


@bp.route("/tags/<int:tag_id>/merge", methods=["GET", "POST"])
@login_required
def merge_tag(tag_id: int):
    """Merge a tag into another, after confirmation."""
    _require_curator()
    tag = _live_tag(tag_id)
    form = TagMergeForm()
    context = {"form": form, "tag": tag, "target": None}
    if not form.validate_on_submit():
        return render_template("moderation/tag_merge.html", **context), (
            422 if form.errors else 200)
    target = _tag_from_reference(form.target.data)
    if target is None:
        form.target.errors = [_("No tag with that address or label was found.")]
        return render_template("moderation/tag_merge.html", **context), 422
    if target.id == tag.id:
        form.target.errors = [_("A tag cannot be merged into itself.")]
        return render_template("moderation/tag_merge.html", **context), 422
    context["target"] = target
    if form.confirm_target.data != str(target.id):
        form.confirm_target.data = str(target.id)
        return render_template("moderation/tag_merge.html", **context)
    try:
        services_tags.merge_tags(current_user, tag, target)
    except services.ModerationError as exc:
        response = _error(exc, "moderation/tag_merge.html", **context)
        return response or redirect(url_for("moderation.tags"))
    flash(_("The tags were merged. The old address now leads to “%(tag)s”.",
            tag=target.label), "success")
    return redirect(url_for("moderation.edit_tag", tag_id=target.id))

