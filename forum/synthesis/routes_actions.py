"""The follow-up actions register: list, filters, CSV export, items and their updates."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .. import permissions
from ..extensions import db
from ..models import (
    OPEN_STATUSES,
    ActionItem,
    ActionSource,
    ActionUpdate,
    Delegation,
    Report,
    Thread,
    action_owner,
    utcnow,
)
from ..platform.i18n import current_language
from ..web.numbers import db_int
from ..web.refusals import conceal, refuse
from . import bp, services
from .forms import ActionFilterForm, ActionForm, ActionUpdateForm, status_choices
from .services import SynthesisError


def status_label(status: str) -> str:
    """The translated name of a status."""
    return str(next((c.label for c in status_choices() if c.value == status), status))


def _delegation_choices() -> list[SelectChoice]:
    language = current_language()
    delegations = db.session.scalars(select(Delegation).order_by(Delegation.position)).all()
    return [SelectChoice(d.code, d.name_in(language)) for d in delegations]


def _filtered_items(form: ActionFilterForm) -> list[ActionItem]:
    query = select(ActionItem).options(
        selectinload(ActionItem.owners),
        selectinload(ActionItem.source_thread).selectinload(Thread.category),
        selectinload(ActionItem.source_report).selectinload(Report.versions),
    )
    if form.owner.data:
        query = query.where(ActionItem.id.in_(
            select(action_owner.c.action_id).join(Delegation, Delegation.id ==
                                                  action_owner.c.delegation_id)
            .where(Delegation.code == form.owner.data)
        ))
    if form.status.data == "active":
        query = query.where(ActionItem.status.in_(OPEN_STATUSES))
    elif form.status.data:
        query = query.where(ActionItem.status == form.status.data)
    today = utcnow().date()
    if form.due.data == "overdue":
        query = query.where(ActionItem.due_date < today, ActionItem.status.in_(OPEN_STATUSES))
    elif form.due.data in ("30", "90"):
        query = query.where(ActionItem.due_date <= today + timedelta(days=int(form.due.data)))
    elif form.due.data == "none":
        query = query.where(ActionItem.due_date.is_(None))
    items = db.session.scalars(query.order_by(ActionItem.due_date.is_(None), ActionItem.due_date,
                                              ActionItem.id)).all()
    return [item for item in items if permissions.can_read_action(current_user, item)]


def _filter_form() -> ActionFilterForm:
    form = ActionFilterForm(request.args)
    form.owner.choices = [SelectChoice("", _("All delegations"))] + _delegation_choices()
    form.status.choices = [SelectChoice("", _("Any status")),
                           SelectChoice("active", _("Open or in progress"))] + status_choices()
    return form


@bp.route("/actions")
def actions():
    """The register, filtered by owner, status and due date."""
    if not permissions.can_view_actions(current_user):
        refuse()
    form = _filter_form()
    if not form.validate():
        return render_template("synthesis/actions.html", form=form, items=[],
                               today=utcnow().date(), status_label=status_label), 400
    items = _filtered_items(form)
    return render_template("synthesis/actions.html", form=form, items=items,
                           today=utcnow().date(), status_label=status_label,
                           can_manage=permissions.can_manage_actions(current_user))


@bp.route("/actions.csv")
def actions_csv():
    """The filtered register as CSV."""
    if not permissions.can_view_actions(current_user):
        refuse()
    form = _filter_form()
    if not form.validate():
        abort(400)
    today = utcnow().date()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Number"), _("Description"), _("Owner delegations"), _("Due date"),
                     _("Status"), _("Overdue"), _("Agreed in"), _("Last update")])
    language = current_language()
    for item in _filtered_items(form):
        writer.writerow([
            item.id,
            _csv_safe(item.description),
            "; ".join(d.name_in(language) for d in item.owners),
            item.due_date.isoformat() if item.due_date else "",
            status_label(item.status),
            _("yes") if item.is_overdue(today) else _("no"),
            _csv_safe(_source_text(item)),
            item.updated_at.isoformat(timespec="minutes"),
        ])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="actions.csv"'})


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _source_text(item: ActionItem) -> str:
    if item.source_thread is not None:
        return _("Thread: %(title)s", title=item.source_thread.title)
    if item.source_report is not None:
        version = item.source_report.published or item.source_report.latest
        return _("Report: %(title)s", title=version.title if version else item.source_report.id)
    return _("Meeting: %(name)s", name=item.source_meeting) if item.source_meeting else ""


def _action_form(item: ActionItem | None = None) -> ActionForm:
    form = ActionForm(obj=None)
    form.owners.choices = [c for c in _delegation_choices()]
    if request.method == "GET":
        if item is not None:
            form.description.data = item.description
            form.owners.data = [d.code for d in item.owners]
            form.due_date.data = item.due_date
        else:
            thread_id = request.args.get("thread", type=db_int)
            report_id = request.args.get("report", type=db_int)
            if thread_id:
                form.source_kind.data, form.source_thread.data = ActionSource.THREAD.value, thread_id
            elif report_id:
                form.source_kind.data, form.source_report.data = ActionSource.REPORT.value, report_id
    return form


def _resolve_source(form: ActionForm) -> tuple[Thread | None, Report | None, bool]:
    """The thread or report named in the form; False when the named one is not readable."""
    thread = report = None
    if form.source_kind.data == ActionSource.THREAD.value:
        thread = db.session.get(Thread, form.source_thread.data or 0)
        if thread is None or not permissions.can_read_thread(current_user, thread):
            form.source_thread.errors = [_("There is no thread with this number.")]
            return None, None, False
    elif form.source_kind.data == ActionSource.REPORT.value:
        report = db.session.get(Report, form.source_report.data or 0)
        if report is None:
            form.source_report.errors = [_("There is no report with this number.")]
            return None, None, False
    elif not form.source_meeting.data:
        form.source_meeting.errors = [_("Name the meeting where this was agreed.")]
        return None, None, False
    return thread, report, True


@bp.route("/actions/new", methods=["GET", "POST"])
def new_action():
    """Record an agreement or commitment as an action item."""
    if not permissions.can_manage_actions(current_user):
        refuse()
    form = _action_form()
    status = 200
    if form.validate_on_submit():
        thread, report, ok = _resolve_source(form)
        owners = db.session.scalars(
            select(Delegation).where(Delegation.code.in_(form.owners.data))).all()
        if ok:
            try:
                item = services.create_action(
                    current_user, description=form.description.data, owners=owners,
                    due_date=form.due_date.data, source_kind=form.source_kind.data,
                    source_thread=thread, source_report=report,
                    source_meeting=form.source_meeting.data
                    if form.source_kind.data == ActionSource.MEETING.value else "",
                )
            except SynthesisError as error:
                form.due_date.errors = error.messages
            else:
                flash(_("The action item was recorded."), "success")
                return redirect(url_for("synthesis.view_action", action_id=item.id))
        status = 422
    elif form.errors:
        status = 422
    return render_template("synthesis/action_form.html", form=form, item=None), status


def _load_action(action_id: int) -> ActionItem:
    item = db.session.get(ActionItem, action_id)
    if item is None or not permissions.can_read_action(current_user, item):
        conceal()
    return item


@bp.route("/actions/<int:action_id>")
def view_action(action_id: int):
    """An action item with its history of updates."""
    item = _load_action(action_id)
    form = ActionUpdateForm()
    form.status.data = item.status
    updates = db.session.scalars(
        select(ActionUpdate).where(ActionUpdate.action_id == item.id)
        .options(selectinload(ActionUpdate.author)).order_by(ActionUpdate.created_at.desc())
    ).all()
    return render_template(
        "synthesis/action_view.html", item=item, form=form, updates=updates,
        today=utcnow().date(), status_label=status_label, source_text=_source_text(item),
        can_update=permissions.can_update_action_status(current_user, item),
        can_manage=permissions.can_manage_actions(current_user),
    )


@bp.post("/actions/<int:action_id>/update")
def update_action(action_id: int):
    """Change the status of an item or note progress."""
    item = _load_action(action_id)
    if not permissions.can_update_action_status(current_user, item):
        refuse()
    form = ActionUpdateForm()
    if form.validate_on_submit():
        try:
            services.update_action_status(item, current_user, status=form.status.data,
                                          note=form.note.data)
        except SynthesisError as error:
            form.note.errors = error.messages
        else:
            flash(_("The update was saved."), "success")
            return redirect(url_for("synthesis.view_action", action_id=item.id))
    updates = sorted(item.updates, key=lambda u: u.created_at, reverse=True)
    return render_template(
        "synthesis/action_view.html", item=item, form=form, updates=updates,
        today=utcnow().date(), status_label=status_label, source_text=_source_text(item),
        can_update=True, can_manage=permissions.can_manage_actions(current_user),
    ), 422


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit_action(action_id: int):
    """Change an item's description, owners or due date."""
    item = _load_action(action_id)
    if not permissions.can_manage_actions(current_user):
        refuse()
    form = _action_form(item)
    status = 200
    if form.validate_on_submit():
        owners = db.session.scalars(
            select(Delegation).where(Delegation.code.in_(form.owners.data))).all()
        try:
            services.edit_action(item, current_user, description=form.description.data,
                                 owners=owners, due_date=form.due_date.data)
        except SynthesisError as error:
            form.owners.errors = error.messages
            status = 422
        else:
            flash(_("The action item was updated."), "success")
            return redirect(url_for("synthesis.view_action", action_id=item.id))
    elif form.errors:
        status = 422
    return render_template("synthesis/action_form.html", form=form, item=item), status


def open_actions_for(delegation: Delegation) -> list[ActionItem]:
    """Open items owned by a delegation that the reader may see (for country profiles)."""
    if delegation is None or not permissions.can_view_actions(current_user):
        return []
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.status.in_(OPEN_STATUSES),
               ActionItem.id.in_(select(action_owner.c.action_id)
                                 .where(action_owner.c.delegation_id == delegation.id)))
        .options(selectinload(ActionItem.owners), selectinload(ActionItem.source_thread))
        .order_by(ActionItem.due_date.is_(None), ActionItem.due_date)
    ).all()
    return [item for item in items if permissions.can_read_action(current_user, item)]


@bp.app_template_global("synthesis_open_actions")
def _open_actions_global(delegation: Delegation) -> list[ActionItem]:
    """Template access to a delegation's open items."""
    return open_actions_for(delegation)
