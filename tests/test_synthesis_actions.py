"""The follow-up actions register: permissions, bad input, overdue items, CSV, country list."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from factories import make_category, make_thread, make_user
from flask import render_template_string

from forum import permissions
from forum.extensions import db
from forum.models import ActionItem, AuditEvent, utcnow
from forum.models.roster import delegation_by_code
from forum.synthesis import services

ROLES = ("observer", "liaison", "facilitator", "moderator", "admin")


def _item(owner="MX", due_in=30, status="open", **fields):
    creator = make_user("facilitator")
    item = services.create_action(
        creator, description=fields.pop("description", "Share the consular case form."),
        owners=[delegation_by_code(owner)], due_date=utcnow().date() + timedelta(days=due_in),
        source_kind="meeting", source_meeting="Liaison network meeting", **fields)
    if status != "open":
        item.status = status
        db.session.commit()
    return item


def _overdue_item(owner="MX"):
    item = _item(owner)
    item.due_date = utcnow().date() - timedelta(days=3)
    db.session.commit()
    return item


def test_facilitator_creates_item(client, login_as):
    login_as(make_user("facilitator"))
    due = (utcnow().date() + timedelta(days=10)).isoformat()
    response = client.post("/synthesis/actions/new", data={
        "description": "Circulate the registry template.", "owners": ["PA", "MX"],
        "due_date": due, "source_kind": "meeting", "source_meeting": "Tegucigalpa, May"})
    assert response.status_code == 302
    item = db.session.query(ActionItem).one()
    assert sorted(d.code for d in item.owners) == ["MX", "PA"]


def test_due_date_in_the_past_is_refused_for_new_item(client, login_as):
    login_as(make_user("facilitator"))
    past = (utcnow().date() - timedelta(days=1)).isoformat()
    response = client.post("/synthesis/actions/new", data={
        "description": "Too late.", "owners": ["PA"], "due_date": past,
        "source_kind": "meeting", "source_meeting": "M"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "cannot be in the past" in html
    assert "Too late." in html
    assert db.session.query(ActionItem).count() == 0


def test_item_needs_an_owner_and_a_readable_source(client, login_as):
    login_as(make_user("facilitator"))
    response = client.post("/synthesis/actions/new", data={
        "description": "No owner.", "source_kind": "meeting", "source_meeting": "M"})
    assert response.status_code == 422
    assert "at least one owner" in response.get_data(as_text=True)
    response = client.post("/synthesis/actions/new", data={
        "description": "Bad thread.", "owners": ["PA"], "source_kind": "thread",
        "source_thread": "99999"})
    assert response.status_code == 422
    assert "no thread with this number" in response.get_data(as_text=True)


@pytest.mark.parametrize("role,expected", [
    (None, 302), ("observer", 403), ("liaison", 403), ("facilitator", 200),
    ("moderator", 200), ("admin", 200)])
def test_who_creates_items(client, login_as, role, expected):
    login_as(make_user(role) if role else None)
    assert client.get("/synthesis/actions/new").status_code == expected


def test_liaison_updates_own_delegation_items_only(client, login_as):
    mine = _item("MX")
    theirs = _item("GT")
    liaison = make_user("liaison", delegation="MX")
    login_as(liaison)
    response = client.post(f"/synthesis/actions/{mine.id}/update",
                           data={"status": "in_progress", "note": "Drafting started."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ActionItem, mine.id).status == "in_progress"
    assert db.session.get(ActionItem, mine.id).updates[0].note == "Drafting started."
    response = client.post(f"/synthesis/actions/{theirs.id}/update",
                           data={"status": "done", "note": ""})
    assert response.status_code == 403
    assert client.get(f"/synthesis/actions/{mine.id}/edit").status_code == 403


def test_moderator_manages_any_item_with_audit(client, login_as):
    item = _item("GT")
    moderator = make_user("moderator")
    login_as(moderator)
    response = client.post(f"/synthesis/actions/{item.id}/update",
                           data={"status": "dropped", "note": "Superseded by regional plan."})
    assert response.status_code == 302
    event = db.session.query(AuditEvent).filter_by(action="action.status").one()
    assert event.actor_id == moderator.id and event.after == {"status": "dropped"}


def test_update_without_change_is_refused(client, login_as):
    item = _item("MX")
    login_as(make_user("facilitator"))
    response = client.post(f"/synthesis/actions/{item.id}/update",
                           data={"status": "open", "note": ""})
    assert response.status_code == 422
    assert "Change the status or write a note." in response.get_data(as_text=True)


def test_register_filters_and_overdue_stands_out_in_text(client, login_as):
    overdue = _overdue_item("MX")
    _item("GT", description="Guatemala item.")
    _item("MX", status="done", description="Finished item.")
    login_as(make_user("liaison"))
    html = client.get("/synthesis/actions").get_data(as_text=True)
    assert "Overdue" in html and "is-overdue" in html
    html = client.get("/synthesis/actions?owner=GT").get_data(as_text=True)
    assert "Guatemala item." in html and "Share the consular" not in html
    html = client.get("/synthesis/actions?status=done").get_data(as_text=True)
    assert "Finished item." in html and "Guatemala item." not in html
    html = client.get("/synthesis/actions?due=overdue").get_data(as_text=True)
    assert f"/synthesis/actions/{overdue.id}" in html and "Guatemala item." not in html
    assert client.get("/synthesis/actions?status=bogus").status_code == 400


def test_register_csv_export(client, login_as):
    _overdue_item("MX")
    _item("GT", description="=HYPERLINK(\"x\")")
    login_as(make_user("observer"))
    response = client.get("/synthesis/actions.csv?status=open")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Number" and len(rows) == 3
    overdue_flags = {row[2]: row[5] for row in rows[1:]}
    assert overdue_flags["Mexico"] == "yes" and overdue_flags["Guatemala"] == "no"
    assert any(row[1].startswith("'=") for row in rows[1:])  # no formula injection


def test_register_needs_login_and_hides_items_of_unreadable_threads(client, login_as):
    staff_thread = make_thread(make_user("facilitator"), make_category("staff"))
    facilitator = make_user("facilitator")
    services.create_action(facilitator, description="Staff-only follow-up.",
                           owners=[delegation_by_code("MX")], due_date=None,
                           source_kind="thread", source_thread=staff_thread)
    login_as(None)
    assert client.get("/synthesis/actions").status_code == 302  # to the login page
    login_as(make_user("liaison"))
    assert "Staff-only follow-up." not in client.get("/synthesis/actions").get_data(as_text=True)
    login_as(facilitator)
    assert "Staff-only follow-up." in client.get("/synthesis/actions").get_data(as_text=True)


def test_country_profile_partial_lists_open_items(app):
    _overdue_item("MX")
    _item("MX", status="done", description="Closed one.")
    from flask_login import login_user

    with app.test_request_context():
        login_user(make_user("liaison"))
        html = render_template_string('{% include "synthesis/_country_actions.html" %}',
                                      delegation=delegation_by_code("MX"))
    assert "Share the consular case form." in html and "Overdue" in html
    assert "Closed one." not in html


# The permission matrix of the synthesis predicates: role x action.
MATRIX = {
    # action: roles allowed (anonymous and suspended accounts never are)
    "write_synthesis": {"facilitator", "admin"},
    "use_clips": {"facilitator", "admin"},
    "view_report_drafts": {"facilitator", "admin"},
    "view_actions": {"observer", "liaison", "facilitator", "moderator", "admin"},
    "manage_actions": {"facilitator", "moderator", "admin"},
    "update_own_action": {"liaison", "facilitator", "moderator", "admin"},
    "update_other_action": {"facilitator", "moderator", "admin"},
}


@pytest.mark.parametrize("role", [None, *ROLES, "suspended"])
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(app, role, action):
    if role is None:
        from flask_login import AnonymousUserMixin

        user = AnonymousUserMixin()
    elif role == "suspended":
        user = make_user("facilitator", suspended=True)
    else:
        user = make_user(role, delegation="MX" if role == "liaison" else None)
    own = _item("MX") if action.endswith("own_action") else None
    other = _item("GT") if action == "update_other_action" else None
    checks = {
        "write_synthesis": lambda: permissions.can_write_synthesis(user),
        "use_clips": lambda: permissions.can_use_clips(user),
        "view_report_drafts": lambda: permissions.can_view_report_drafts(user),
        "view_actions": lambda: permissions.can_view_actions(user),
        "manage_actions": lambda: permissions.can_manage_actions(user),
        "update_own_action": lambda: permissions.can_update_action_status(user, own),
        "update_other_action": lambda: permissions.can_update_action_status(user, other),
    }
    assert checks[action]() == (role in MATRIX[action])


def test_country_profile_lists_open_items_with_overdue_label(client, login_as):
    _overdue_item("MX")
    _item("MX", status="done", description="Closed one.")
    _item("GT", description="Guatemala only.")
    login_as(make_user("observer"))
    html = client.get("/countries/MX").get_data(as_text=True)
    assert "Open follow-up actions" in html
    assert "Share the consular case form." in html and "Overdue" in html
    assert "Closed one." not in html and "Guatemala only." not in html
    login_as(None)
    assert "Open follow-up actions" not in client.get("/countries/MX").get_data(as_text=True)
