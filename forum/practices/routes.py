"""Practice pages: browse, read, write, revise, and move through the review workflow."""

from __future__ import annotations

import difflib
import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .. import permissions
from ..content.personal_data_guard import PersonalDataGuard, practice_texts
from ..extensions import db
from ..models import Attachment, Category, Delegation, DelegationKind, Post
from ..models.practices import (
    PUBLIC_STATUSES,
    MinimumIndicator,
    Practice,
    PracticeRevision,
    PracticeStatus,
    Situation,
    TargetPopulation,
)
from ..tags.services import TagInputError
from ..web.numbers import MAX_DB_INT, db_int
from ..web.refusals import conceal, refuse
from . import bp, services
from .forms import ActionForm, DocumentForm, PracticeForm, ReasonForm, practice_form_class
from .search_kind import related_practices
from .vocabulary import (
    EVIDENCE_LABELS,
    GROUP_LABELS,
    IMPLEMENTATION_LABELS,
    INSTITUTION_TYPE_LABELS,
    STATUS_LABELS,
    TECHNOLOGY_LABELS,
    label,
)


@bp.record_once
def _register_template_globals(state) -> None:
    """Labels and helpers the practice templates (and their imported macros) share."""
    state.app.jinja_env.globals.update({
        "practice_status_label": lambda code: label(STATUS_LABELS, code),
        "practice_labels": {
            "institution_type": INSTITUTION_TYPE_LABELS, "technology": TECHNOLOGY_LABELS,
            "evidence": EVIDENCE_LABELS, "implementation": IMPLEMENTATION_LABELS,
            "group": GROUP_LABELS,
        },
        "vocab_label": label,
        "post_documents_of": post_documents_of,
        "recent_practices": recent_practices,
    })


def recent_practices(user, limit: int = 5) -> list[Practice]:
    """The latest published practices the user may see (home page)."""
    return list(db.session.scalars(
        select(Practice)
        .where(permissions.visible_practices(user), Practice.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Practice.delegation))
        .order_by(Practice.published_at.desc(), Practice.id.desc()).limit(limit)
    ))


def post_documents_of(post) -> list[Attachment]:
    """A post's live documents; loaded once per thread and request to avoid a query per post."""
    cache = getattr(request, "_post_documents", None)
    if cache is None:
        cache = request._post_documents = {}
    if post.thread_id not in cache:
        rows = db.session.scalars(
            select(Attachment).join(Post, Post.id == Attachment.post_id)
            .where(Post.thread_id == post.thread_id, Attachment.deleted_at.is_(None))
            .order_by(Attachment.created_at)
        )
        by_post: dict[int, list[Attachment]] = {}
        for document in rows:
            by_post.setdefault(document.post_id, []).append(document)
        cache[post.thread_id] = by_post
    return cache[post.thread_id].get(post.id, [])


@bp.app_template_filter("paragraphs")
def paragraphs(text: str | None) -> Markup:
    """Plain text as escaped paragraphs: blank lines split paragraphs, newlines break lines."""
    blocks = re.split(r"\n\s*\n", (text or "").strip())
    return Markup("").join(
        Markup("<p>%s</p>") % Markup("<br>").join(escape(line) for line in block.splitlines())
        for block in blocks if block.strip()
    )


def load_practice(practice_id: int) -> Practice:
    """The practice or 404, then 404 again (not 403) when the user may not know it exists."""
    practice = db.session.get(Practice, practice_id)
    if practice is None or not permissions.can_view_practice(current_user, practice):
        conceal()
    return practice


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) <= MAX_DB_INT else None


# ---------------------------------------------------------------------------------------------
# Browse and read
# ---------------------------------------------------------------------------------------------


@bp.route("/practices")
def index():
    """All practices the user may see, with filters."""
    query = (
        select(Practice).where(permissions.visible_practices(current_user))
        .options(selectinload(Practice.delegation), selectinload(Practice.populations),
                 selectinload(Practice.situations))
    )
    country = (request.args.get("country") or "").upper()
    population = _int_arg("population")
    situation = _int_arg("situation")
    status = request.args.get("status", "")
    workflow = request.args.get("workflow", "")
    if country:
        query = query.join(Delegation, Delegation.id == Practice.delegation_id).where(
            Delegation.code == country)
    if population:
        query = query.where(Practice.populations.any(TargetPopulation.id == population))
    if situation:
        query = query.where(Practice.situations.any(Situation.id == situation))
    if status in IMPLEMENTATION_LABELS:
        query = query.where(Practice.implementation_status == status)
    if workflow in STATUS_LABELS:
        query = query.where(Practice.status == workflow)
    query = query.order_by(Practice.updated_at.desc(), Practice.id.desc())
    page = db.paginate(query, page=request.args.get("page", 1, type=db_int),
                       per_page=current_app.config["PRACTICES_PER_PAGE"], error_out=False)
    delegations = db.session.scalars(
        select(Delegation).where(Delegation.kind == DelegationKind.COUNTRY.value)
        .order_by(Delegation.position)
    ).all()
    filters = {"country": country, "population": population, "situation": situation,
               "status": status, "workflow": workflow}
    return render_template(
        "practices/index.html", page=page, delegations=delegations,
        populations=services.active_items(TargetPopulation),
        situations=services.active_items(Situation),
        filters=filters, active_filters={k: v for k, v in filters.items() if v},
    )


@bp.route("/practices/review")
@login_required
def review_queue():
    """Practices waiting for a reviewer's decision, oldest first."""
    if not permissions.can_review_practices(current_user):
        refuse()
    practices = db.session.scalars(
        select(Practice)
        .where(Practice.status == PracticeStatus.SUBMITTED.value, Practice.deleted_at.is_(None))
        .options(selectinload(Practice.delegation), selectinload(Practice.author))
        .order_by(Practice.submitted_at)
    ).all()
    updates = db.session.scalars(
        select(Practice)
        .where(Practice.status == PracticeStatus.UPDATE_REQUESTED.value,
               Practice.deleted_at.is_(None))
        .options(selectinload(Practice.delegation)).order_by(Practice.updated_at)
    ).all()
    return render_template("practices/review.html", practices=practices, updates=updates)


@bp.route("/practices/<int:practice_id>")
def view_practice(practice_id: int):
    """A practice in full, with its workflow actions, documents and thread."""
    practice = load_practice(practice_id)
    indicators = services.all_items(MinimumIndicator)
    shown = [i for i in indicators if i.is_active or practice.coverage_of(i.id)]
    related = related_practices(current_user, practice) if practice.is_public else []
    return render_template(
        "practices/view.html", practice=practice, indicators=shown, related=related,
        reason_form=ReasonForm(), action_form=ActionForm(), document_form=DocumentForm(),
    )


# ---------------------------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------------------------


def _build_form(practice: Practice | None):
    indicators = services.active_items(MinimumIndicator)
    form_class = practice_form_class(indicators)
    form = form_class()
    locale = str(get_locale() or "en")[:2]
    populations = services.active_items(TargetPopulation)
    situations = services.active_items(Situation)
    if practice is not None:
        populations += [p for p in practice.populations if not p.is_active]
        situations += [s for s in practice.situations if not s.is_active]
    form.populations.choices = [SelectChoice(p.id, p.label) for p in populations]
    form.situations.choices = [SelectChoice(s.id, s.label) for s in situations]
    categories = [c for c in db.session.scalars(select(Category).order_by(Category.position))
                  if permissions.can_post_in_category(current_user, c)]
    if practice is not None and practice.category not in categories:
        categories.append(practice.category)
    if not categories:
        categories = [services.practice_category()]
    form.category.choices = [SelectChoice(c.id, c.name) for c in categories]
    if permissions.can_choose_practice_delegation(current_user):
        countries = db.session.scalars(
            select(Delegation).where(Delegation.kind == DelegationKind.COUNTRY.value)
            .order_by(Delegation.position)).all()
        form.delegation.choices = [SelectChoice("", _("Choose a country"))] + [
            SelectChoice(d.id, f"{d.name}") for d in countries]
    else:
        del form.delegation
    if request.method == "GET":
        if practice is None:
            form.language.data = locale if locale in ("en", "es", "fr") else "es"
            default = next((c for c in categories
                            if c.slug == current_app.config["PRACTICES_CATEGORY_SLUG"]), None)
            form.category.data = (default or categories[0]).id
        else:
            for name in services.SCALAR_FIELDS:
                form[name].data = getattr(practice, name)
            if "delegation" in form._fields:
                form.delegation.data = practice.delegation_id
            form.category.data = practice.category_id
            form.populations.data = [p.id for p in practice.populations]
            form.situations.data = [s.id for s in practice.situations]
            form.tags.data = services.tag_text(practice)
            form.base_revision.data = str(practice.revision_count)
            for indicator in indicators:
                form[f"indicator_{indicator.id}"].data = practice.coverage_of(indicator.id) or ""
    return form, indicators


def _valid_category(form) -> bool:
    category = db.session.get(Category, form.category.data) if form.category.data else None
    if category is None or not permissions.can_post_in_category(current_user, category):
        form.category.errors.append(_("Choose a category you can publish in."))
        return False
    return True


def _valid_delegation(form) -> bool:
    if "delegation" not in form._fields:
        if not current_user.delegation.is_country:
            return False
        return True
    delegation = db.session.get(Delegation, form.delegation.data) if form.delegation.data else None
    if delegation is None or not delegation.is_country:
        form.delegation.errors.append(_("Choose the country this practice belongs to."))
        return False
    return True


def _render_form(form, practice, status=200, personal_data=None):
    return render_template("practices/form.html", form=form, practice=practice,
                           personal_data=personal_data), status


@bp.route("/practices/new", methods=["GET", "POST"])
@login_required
def new_practice():
    """Describe a new practice; it is saved as a draft of the delegation."""
    if not permissions.can_create_practice(current_user):
        refuse()
    form, indicators = _build_form(None)
    if form.is_submitted():
        ok = form.validate()
        ok = _valid_category(form) and ok
        ok = _valid_delegation(form) and ok
        if not ok:
            return _render_form(form, None, 422)
        guard = PersonalDataGuard(*practice_texts(form))
        if guard.needs_confirmation:
            return _render_form(form, None, personal_data=guard)
        try:
            practice = services.create_practice(current_user, form, indicators)
        except TagInputError as error:
            db.session.rollback()
            form.tags.errors.append(str(error))
            return _render_form(form, None, 422)
        guard.flag_if_confirmed("practice", practice.id)
        flash(_("Draft saved. Only your delegation can see it until you submit it for review."),
              "success")
        return redirect(url_for("practices.view_practice", practice_id=practice.id))
    return _render_form(form, None)


@bp.route("/practices/<int:practice_id>/edit", methods=["GET", "POST"])
@login_required
def edit_practice(practice_id: int):
    """Revise a practice; every save is kept as a revision."""
    practice = load_practice(practice_id)
    if not permissions.can_edit_practice(current_user, practice):
        refuse()
    form, indicators = _build_form(practice)
    if form.is_submitted():
        ok = form.validate()
        ok = _valid_category(form) and ok
        ok = _valid_delegation(form) and ok
        if not ok:
            return _render_form(form, practice, 422)
        guard = PersonalDataGuard(*practice_texts(form))
        if guard.needs_confirmation:
            return _render_form(form, practice, personal_data=guard)
        try:
            services.update_practice(current_user, practice, form, indicators)
        except TagInputError as error:
            db.session.rollback()
            form.tags.errors.append(str(error))
            return _render_form(form, practice, 422)
        except (services.StaleEdit, IntegrityError):
            db.session.rollback()
            form.form_errors.append(_(
                "Someone saved a newer version of this practice while you were editing. "
                "Your text is still below: compare it with the history, then save again."))
            form.base_revision.data = str(practice.revision_count)
            return _render_form(form, practice, 409)
        guard.flag_if_confirmed("practice", practice.id)
        flash(_("Your changes were saved as revision %(num)d.", num=practice.revision_count),
              "success")
        return redirect(url_for("practices.view_practice", practice_id=practice.id))
    return _render_form(form, practice)


# ---------------------------------------------------------------------------------------------
# Workflow
# ---------------------------------------------------------------------------------------------


def _workflow(practice_id: int, allowed, step, message: str, needs_reason: bool = False):
    practice = load_practice(practice_id)
    if not allowed(current_user, practice):
        refuse()
    form = ReasonForm() if needs_reason else ActionForm()
    if not form.validate_on_submit():
        if needs_reason:
            indicators = services.all_items(MinimumIndicator)
            return render_template(
                "practices/view.html", practice=practice, indicators=indicators,
                reason_form=form, action_form=ActionForm(), document_form=DocumentForm(),
                open_reason=request.endpoint,
            ), 422
        abort(400)
    try:
        if needs_reason:
            step(current_user, practice, form.reason.data)
        else:
            step(current_user, practice)
    except services.WorkflowError:
        db.session.rollback()
        flash(_("This practice has changed meanwhile; the action no longer applies."), "error")
        return render_template(
            "practices/view.html", practice=practice,
            indicators=services.all_items(MinimumIndicator), reason_form=ReasonForm(),
            action_form=ActionForm(), document_form=DocumentForm(),
        ), 409
    flash(message, "success")
    return redirect(url_for("practices.view_practice", practice_id=practice.id))


@bp.post("/practices/<int:practice_id>/submit")
@login_required
def submit_practice(practice_id: int):
    """Send the practice for review."""
    return _workflow(practice_id, permissions.can_submit_practice, services.submit_practice,
                     _("Submitted for review. A moderator or facilitator will read it."))


@bp.post("/practices/<int:practice_id>/publish")
@login_required
def publish_practice(practice_id: int):
    """Approve and publish."""
    return _workflow(practice_id, permissions.can_approve, services.publish_practice,
                     _("The practice is published and its discussion thread is open."))


@bp.post("/practices/<int:practice_id>/request-changes")
@login_required
def request_changes(practice_id: int):
    """Send the practice back to its delegation with a reason."""
    return _workflow(practice_id, permissions.can_request_changes, services.request_changes,
                     _("The delegation has been asked for changes."), needs_reason=True)


@bp.post("/practices/<int:practice_id>/request-update")
@login_required
def request_update(practice_id: int):
    """Ask the delegation to refresh a published practice."""
    return _workflow(practice_id, permissions.can_request_update, services.request_update,
                     _("The delegation has been asked to update the practice."), needs_reason=True)


@bp.post("/practices/<int:practice_id>/confirm-update")
@login_required
def confirm_update(practice_id: int):
    """Tell reviewers the requested update is done."""
    return _workflow(practice_id, permissions.can_confirm_update, services.confirm_update,
                     _("Thank you: the practice is marked as up to date."))


@bp.post("/practices/<int:practice_id>/delete")
@login_required
def delete_practice(practice_id: int):
    """Delete a practice (its documents and thread are hidden with it)."""
    practice = load_practice(practice_id)
    if not permissions.can_delete_practice(current_user, practice):
        refuse()
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_practice(current_user, practice, request.form.get("reason") or None)
    flash(_("The practice was deleted."), "success")
    return redirect(url_for("practices.index"))


# ---------------------------------------------------------------------------------------------
# History
# ---------------------------------------------------------------------------------------------


@bp.route("/practices/<int:practice_id>/history")
@login_required
def history(practice_id: int):
    """Every revision and workflow step."""
    practice = load_practice(practice_id)
    if not permissions.can_view_practice_history(current_user, practice):
        refuse()
    return render_template("practices/history.html", practice=practice)


def _field_label(name: str) -> str:
    unbound = getattr(PracticeForm, name, None)
    if unbound is not None and getattr(unbound, "args", None):
        return str(unbound.args[0])
    return {"delegation": _("Delegation (country)"), "category": _("Discussion category"),
            "indicators": _("Minimum recording indicators")}.get(name, name)


def _words_diff(old: str, new: str) -> Markup:
    """Word-level differences with <del> and <ins>."""
    a = re.findall(r"\s+|[^\s]+", old or "")
    b = re.findall(r"\s+|[^\s]+", new or "")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(Markup("<del>%s</del>") % "".join(a[i1:i2]))
        if j2 > j1:
            parts.append(Markup("<ins>%s</ins>") % "".join(b[j1:j2]))
    return Markup("").join(parts)


def _as_text(value) -> str:
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def diff_revisions(old: dict, new: dict) -> list[tuple[str, Markup]]:
    """The fields that differ between two snapshots, each with its word-level diff."""
    changes = []
    for name in dict.fromkeys([*old.keys(), *new.keys()]):
        before, after = _as_text(old.get(name)), _as_text(new.get(name))
        if before != after:
            changes.append((_field_label(name), _words_diff(before, after)))
    return changes


@bp.route("/practices/<int:practice_id>/revisions/<int:number>")
@login_required
def revision_diff(practice_id: int, number: int):
    """What changed in one revision, compared with another (the previous one by default)."""
    practice = load_practice(practice_id)
    if not permissions.can_view_practice_history(current_user, practice):
        refuse()
    revisions = {r.number: r for r in practice.revisions}
    revision = revisions.get(number) or conceal()
    base_number = _int_arg("compare") or number - 1
    base = revisions.get(base_number)
    changes = diff_revisions(base.snapshot if base else {}, revision.snapshot)
    return render_template("practices/diff.html", practice=practice, revision=revision,
                           base=base, changes=changes, revisions=practice.revisions)


@bp.route("/practices/revisions/<int:revision_id>")
@login_required
def revision_link(revision_id: int):
    """A stable link to a revision by its id."""
    revision = db.session.get(PracticeRevision, revision_id) or conceal()
    return redirect(url_for("practices.revision_diff", practice_id=revision.practice_id,
                            number=revision.number))
