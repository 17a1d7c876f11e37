"""Writes for practices: save with a revision, workflow steps, threads, tags and lists.

Every public function here commits exactly once (or not at all when it raises).
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..board import counters
from ..board.services import stage_thread
from ..content.markup import render_markdown
from ..extensions import db
from ..models import (
    Category,
    Post,
    Tag,
    Thread,
    Visibility,
    record_audit,
    record_change,
    utcnow,
)
from ..models.practices import (
    IndicatorCoverage,
    MinimumIndicator,
    Practice,
    PracticeRevision,
    PracticeStatus,
    PracticeTransition,
    Situation,
    TargetPopulation,
)
from ..permissions import is_staff
from .vocabulary import (
    IMPLEMENTATION_LABELS,
    INSTITUTION_TYPE_LABELS,
    TECHNOLOGY_LABELS,
    label,
)

SCALAR_FIELDS = (
    "title", "language", "institution", "institution_type", "partners", "problem",
    "description", "operation", "legal_basis", "resources", "system_name", "system_scope",
    "system_technology", "system_languages", "system_interoperability", "system_safeguards",
    "results", "evidence_level", "enabling_factors", "constraints", "replicability", "lessons",
    "implementation_status", "start_year", "focal_name", "focal_role", "focal_email",
)


class WorkflowError(Exception):
    """A workflow step that is not allowed from the practice's current status."""


def active_items(model) -> list:
    """The entries of a managed list that are in use, in order."""
    return list(db.session.scalars(
        select(model).where(model.is_active.is_(True)).order_by(model.position, model.id)
    ))


def all_items(model) -> list:
    """Every entry of a managed list, in order."""
    return list(db.session.scalars(select(model).order_by(model.position, model.id)))


def practice_category() -> Category:
    """The category for practice threads, created (public, three languages) when missing."""
    slug = current_app.config["PRACTICES_CATEGORY_SLUG"]
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        category = Category(
            slug=slug,
            name_en="Practices", name_es="Prácticas", name_fr="Pratiques",
            description_en="One thread per published practice, to discuss it with its delegation.",
            description_es="Un hilo por práctica publicada, para comentarla con su delegación.",
            description_fr="Un fil par pratique publiée, pour en discuter avec sa délégation.",
            position=(db.session.scalar(select(func.max(Category.position))) or 0) + 1,
            visibility=Visibility.PUBLIC.value,
        )
        db.session.add(category)
        db.session.flush()
    return category


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------


def snapshot(practice: Practice) -> dict:
    """Everything a revision keeps: scalar fields, list codes, coverage and tags."""
    data = {name: getattr(practice, name) for name in SCALAR_FIELDS}
    data["delegation"] = practice.delegation.code if practice.delegation else None
    data["category"] = practice.category.slug if practice.category else None
    data["populations"] = [p.code for p in practice.populations]
    data["situations"] = [s.code for s in practice.situations]
    data["indicators"] = {c.indicator.code: c.value for c in practice.coverages if c.indicator}
    data["tags"] = [t.label_in(practice.language) for t in practice.tags]
    return data


def resolve_practice_tags(text: str, language: str, user) -> list[Tag]:
    """Typed tags resolved like thread tags (any label or synonym); raises TagInputError."""
    from ..permissions import can_create_tag
    from ..tags.services import resolve_tags, split_tag_input

    return resolve_tags(split_tag_input(text), user, language or "en",
                        may_create=can_create_tag(user))


def tag_text(practice: Practice) -> str:
    """The practice's tags as the comma-separated text the form shows."""
    return ", ".join(t.label_in(practice.language) for t in practice.tags)


def _apply_form(practice: Practice, form, indicators, user) -> None:
    tags = resolve_practice_tags(form.tags.data, form.language.data, user)
    for name in SCALAR_FIELDS:
        value = getattr(form, name).data
        if name != "start_year":
            value = value or ""
        setattr(practice, name, value)
    if practice.focal_email:
        practice.focal_email = practice.focal_email.lower()
    if "delegation" in form._fields and form.delegation.data:
        practice.delegation_id = form.delegation.data
    practice.category_id = form.category.data
    practice.populations = list(db.session.scalars(
        select(TargetPopulation).where(TargetPopulation.id.in_(form.populations.data or []))
    ))
    practice.situations = list(db.session.scalars(
        select(Situation).where(Situation.id.in_(form.situations.data or []))
    ))
    existing = {c.indicator_id: c for c in practice.coverages}
    for indicator in indicators:
        value = form[f"indicator_{indicator.id}"].data or ""
        coverage = existing.get(indicator.id)
        if value and coverage is None:
            practice.coverages.append(IndicatorCoverage(indicator_id=indicator.id, value=value))
        elif value:
            coverage.value = value
        elif coverage is not None:
            practice.coverages.remove(coverage)
    practice.tags = tags
    practice.updated_at = utcnow()


def _add_revision(practice: Practice, user, note: str = "") -> PracticeRevision:
    db.session.flush()
    db.session.refresh(practice, ["delegation", "category", "coverages"])
    for coverage in practice.coverages:
        db.session.refresh(coverage, ["indicator"])
    practice.revision_count = (practice.revision_count or 0) + 1
    revision = PracticeRevision(
        practice=practice, number=practice.revision_count, editor_id=user.id,
        status=practice.status, note=note or "", snapshot=snapshot(practice),
    )
    db.session.add(revision)
    return revision


def _transition(practice: Practice, actor, to_status: PracticeStatus,
                reason: str | None = None) -> PracticeTransition:
    """Move to a status only if nobody moved the practice meanwhile (a conditional UPDATE)."""
    before = practice.status
    moved = db.session.execute(
        update(Practice).where(Practice.id == practice.id, Practice.status == before)
        .values(status=to_status.value).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise WorkflowError(before)
    # A bulk UPDATE fires no ORM events: tell the search index directly.
    record_change("practice", practice.id)
    step = PracticeTransition(practice=practice, actor_id=actor.id, from_status=before,
                              to_status=to_status.value, reason=reason)
    db.session.add(step)
    set_committed_value(practice, "status", to_status.value)
    return step


def create_practice(user, form, indicators) -> Practice:
    """Save a new practice as a draft of the user's (or the chosen) delegation."""
    practice = Practice(author_id=user.id, delegation_id=user.delegation_id,
                        status=PracticeStatus.DRAFT.value)
    _apply_form(practice, form, indicators, user)
    db.session.add(practice)
    db.session.add(PracticeTransition(practice=practice, actor_id=user.id, from_status=None,
                                      to_status=PracticeStatus.DRAFT.value))
    _add_revision(practice, user, form.note.data or "")
    db.session.commit()
    return practice


class StaleEdit(Exception):
    """Someone saved a newer revision since the form was opened."""


def update_practice(user, practice: Practice, form, indicators) -> Practice:
    """Save changes as a new revision; a published practice's thread follows the title."""
    if form.base_revision.data and form.base_revision.data != str(practice.revision_count):
        raise StaleEdit(practice.revision_count)
    _apply_form(practice, form, indicators, user)
    _add_revision(practice, user, form.note.data or "")
    if practice.thread is not None:
        _refresh_thread(practice)
    db.session.commit()
    return practice


# ---------------------------------------------------------------------------------------------
# Workflow
# ---------------------------------------------------------------------------------------------


def _require(practice: Practice, *statuses: PracticeStatus) -> None:
    if practice.status not in {s.value for s in statuses}:
        raise WorkflowError(practice.status)


def _audit(user, action: str, practice: Practice, before: str, reason: str | None = None) -> None:
    if is_staff(user):
        record_audit(user, action, "practice", practice.id, label=practice.title, reason=reason,
                     before={"status": before}, after={"status": practice.status})


def submit_practice(user, practice: Practice) -> None:
    """Draft or sent back -> submitted for review."""
    _require(practice, PracticeStatus.DRAFT, PracticeStatus.CHANGES_REQUESTED)
    before = practice.status
    _transition(practice, user, PracticeStatus.SUBMITTED)
    practice.submitted_at = utcnow()
    _audit(user, "practice.submit", practice, before)
    db.session.commit()


def publish_practice(user, practice: Practice) -> None:
    """Submitted -> published, opening the practice's discussion thread the first time."""
    _require(practice, PracticeStatus.SUBMITTED)
    before = practice.status
    _transition(practice, user, PracticeStatus.PUBLISHED)
    practice.published_at = practice.published_at or utcnow()
    if practice.thread is None:
        open_thread(practice)
    else:
        _refresh_thread(practice)
    _audit(user, "practice.publish", practice, before)
    db.session.commit()


def request_changes(user, practice: Practice, reason: str) -> None:
    """Submitted -> changes requested, with a reason the delegation reads."""
    _require(practice, PracticeStatus.SUBMITTED)
    before = practice.status
    _transition(practice, user, PracticeStatus.CHANGES_REQUESTED, reason)
    _audit(user, "practice.request_changes", practice, before, reason)
    db.session.commit()


def request_update(user, practice: Practice, reason: str) -> None:
    """Published -> update requested (the practice stays public meanwhile)."""
    _require(practice, PracticeStatus.PUBLISHED)
    before = practice.status
    _transition(practice, user, PracticeStatus.UPDATE_REQUESTED, reason)
    _audit(user, "practice.request_update", practice, before, reason)
    db.session.commit()


def confirm_update(user, practice: Practice) -> None:
    """Update requested -> published, once the delegation has revised the practice."""
    _require(practice, PracticeStatus.UPDATE_REQUESTED)
    before = practice.status
    _transition(practice, user, PracticeStatus.PUBLISHED)
    _audit(user, "practice.confirm_update", practice, before)
    db.session.commit()


def delete_practice(user, practice: Practice, reason: str | None = None) -> None:
    """Soft-delete: the practice, its documents and its thread disappear from view."""
    practice.deleted_at = utcnow()
    if practice.thread is not None and not practice.thread.is_hidden:
        practice.thread.is_hidden = True
        practice.thread.hidden_reason = reason or "practice deleted"
        counters.practice_deleted(practice)
    if is_staff(user):
        record_audit(user, "practice.delete", "practice", practice.id, label=practice.title,
                     reason=reason, before={"status": practice.status}, after={"deleted": True})
    db.session.commit()


# ---------------------------------------------------------------------------------------------
# The discussion thread
# ---------------------------------------------------------------------------------------------


def _summary(practice: Practice) -> str:
    """The first post of the practice's thread, as Markdown in the practice's language."""
    with force_locale(practice.language or "en"):
        link = url_for("practices.view_practice", practice_id=practice.id)
        rows = [
            (_("Country"), practice.delegation.name_in(practice.language)),
            (_("Implementing institution"), practice.institution),
            (_("Type of institution"), label(INSTITUTION_TYPE_LABELS, practice.institution_type)),
            (_("Case-recording system"), practice.system_name),
            (_("Technology"), label(TECHNOLOGY_LABELS, practice.system_technology)),
            (_("Target populations"),
             ", ".join(p.label_in(practice.language) for p in practice.populations)),
            (_("Status of the practice"),
             label(IMPLEMENTATION_LABELS, practice.implementation_status)),
        ]
        intro = _("This thread discusses a practice shared by its delegation.")
        more = _("Read the full practice")
    description = practice.description.strip()
    if len(description) > 800:
        description = description[:800].rsplit(" ", 1)[0] + " …"
    lines = [intro, ""]
    lines += [f"- **{name}**: {_md_escape(value)}" for name, value in rows if value]
    return "\n".join([*lines, "", _md_escape(description), "", f"[{more}]({link})"])


def _md_escape(text: str) -> str:
    """Typed text shown literally in Markdown (no links, emphasis or HTML of its own)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()<>#+!|~" else ch for ch in text or "")


def open_thread(practice: Practice) -> Thread:
    """Create the practice's discussion thread with its summary post, tags and counters in the
    current transaction (no commit; the publishing service commits)."""
    category = db.session.get(Category, practice.category_id)
    thread = stage_thread(category, author_id=practice.author_id,
                          delegation_id=practice.delegation_id, title=practice.title,
                          body=_summary(practice), language=practice.language,
                          tags=list(practice.tags))
    practice.thread = thread
    return thread


def _refresh_thread(practice: Practice) -> None:
    """Keep the thread's title, category, tags and summary post in step with the practice."""
    thread = practice.thread
    thread.title = practice.title
    thread.language = practice.language
    if thread.category_id != practice.category_id:
        old_category_id = thread.category_id
        thread.category_id = practice.category_id
        counters.thread_moved(thread, old_category_id)
    counters.set_thread_tags(thread, list(practice.tags))
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 1))
    if first is not None:
        first.body = _summary(practice)
        first.body_html = str(render_markdown(first.body))
        first.language = practice.language


# ---------------------------------------------------------------------------------------------
# Managed lists
# ---------------------------------------------------------------------------------------------

LIST_MODELS = {
    "indicators": MinimumIndicator,
    "populations": TargetPopulation,
    "situations": Situation,
}


def save_list_item(user, kind: str, item, form):
    """Create or update an entry of a managed list, with an audit entry."""
    model = LIST_MODELS[kind]
    creating = item is None
    before = None if creating else {"code": item.code, "label_en": item.label_en,
                                    "is_active": item.is_active}
    if creating:
        item = model()
        db.session.add(item)
    item.code = form.code.data
    item.label_en = form.label_en.data
    item.label_es = form.label_es.data
    item.label_fr = form.label_fr.data
    item.position = form.position.data or 0
    item.is_active = bool(form.is_active.data)
    if kind == "indicators":
        item.group = form.group.data
    db.session.flush()
    record_audit(user, f"{kind}.{'create' if creating else 'update'}", kind[:-1], item.id,
                 label=item.label_en, before=before,
                 after={"code": item.code, "label_en": item.label_en,
                        "is_active": item.is_active})
    db.session.commit()
    return item


def code_taken(kind: str, code: str, item=None) -> bool:
    """Whether another entry of the list already uses a code."""
    model = LIST_MODELS[kind]
    other = db.session.scalar(select(model).where(model.code == code))
    return other is not None and other is not item
