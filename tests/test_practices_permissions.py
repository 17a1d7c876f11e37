"""The role x action matrix for practices, plus the same rules seen through the pages."""

from __future__ import annotations

import pytest
from factories import make_category, make_user
from practices_support import become_fixture, form_data, lists, make_practice  # noqa: F401
from sqlalchemy import select

from forum import permissions as p
from forum.extensions import db
from forum.models.practices import Practice

ROLES = ["anonymous", "observer", "own_liaison", "other_liaison", "facilitator", "moderator",
         "admin", "suspended"]


def _user(role):
    if role == "anonymous":
        return None
    if role == "own_liaison":
        return make_user("liaison", delegation="GT")
    if role == "other_liaison":
        return make_user("liaison", delegation="MX")
    if role == "suspended":
        return make_user("liaison", delegation="GT", suspended=True)
    return make_user(role)


# role -> expected result, for each (predicate, practice status)
MATRIX = {
    ("can_view_practice", "draft"):
        {"own_liaison"},
    ("can_view_practice", "submitted"):
        {"own_liaison", "facilitator", "moderator", "admin"},
    ("can_view_practice", "changes_requested"):
        {"own_liaison", "facilitator", "moderator", "admin"},
    ("can_view_practice", "published"):
        set(ROLES),
    ("can_edit_practice", "draft"):
        {"own_liaison", "moderator", "admin"},
    ("can_edit_practice", "published"):
        {"own_liaison", "moderator", "admin"},
    ("can_submit_practice", "draft"):
        {"own_liaison", "moderator", "admin"},
    ("can_submit_practice", "changes_requested"):
        {"own_liaison", "moderator", "admin"},
    ("can_submit_practice", "published"):
        set(),
    ("can_approve", "submitted"):
        {"facilitator", "moderator", "admin"},
    ("can_approve", "draft"):
        set(),
    ("can_request_changes", "submitted"):
        {"facilitator", "moderator", "admin"},
    ("can_request_update", "published"):
        {"facilitator", "moderator", "admin"},
    ("can_request_update", "submitted"):
        set(),
    ("can_confirm_update", "update_requested"):
        {"own_liaison", "moderator", "admin"},
    ("can_delete_practice", "draft"):
        {"own_liaison", "moderator", "admin"},
    ("can_delete_practice", "published"):
        {"moderator", "admin"},
    ("can_upload_practice_document", "published"):
        {"own_liaison", "moderator", "admin"},
    ("can_view_practice_history", "published"):
        {"observer", "own_liaison", "other_liaison", "facilitator", "moderator", "admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action,status", list(MATRIX))
def test_practice_matrix(app, role, action, status):
    lists()
    owner = make_user("liaison", delegation="GT")
    practice = make_practice(owner, status=status)
    user = _user(role)
    allowed = getattr(p, action)(user, practice)
    assert allowed == (role in MATRIX[(action, status)]), (role, action, status)
    if action == "can_view_practice":
        visible = db.session.scalar(select(Practice.id).where(p.visible_practices(user)))
        assert (visible == practice.id) == allowed


@pytest.mark.parametrize("role,expected", [
    ("anonymous", False), ("observer", False), ("own_liaison", True), ("facilitator", True),
    ("moderator", True), ("admin", True), ("suspended", False),
])
def test_who_creates(app, role, expected):
    assert p.can_create_practice(_user(role)) is expected


@pytest.mark.parametrize("role,expected", [
    ("anonymous", False), ("observer", False), ("own_liaison", False), ("facilitator", True),
    ("moderator", False), ("admin", True), ("suspended", False),
])
def test_who_manages_lists(app, role, expected):
    assert p.can_manage_practice_lists(_user(role)) is expected


@pytest.mark.parametrize("role,expected", [("anonymous", False), ("observer", True),
                                           ("own_liaison", True), ("suspended", False)])
def test_focal_points_for_members_only(app, role, expected):
    assert p.can_see_focal_points(_user(role)) is expected


def test_restricted_category_practice(app):
    lists()
    practice = make_practice(make_user("liaison", delegation="GT"),
                             category=make_category("governments"))
    assert not p.can_view_practice(None, practice)
    assert not p.can_view_practice(make_user("observer"), practice)
    assert p.can_view_practice(make_user("liaison", delegation="MX"), practice)


def test_deleted_practice_only_for_moderators(app):
    lists()
    from forum.models import utcnow

    practice = make_practice(make_user("liaison", delegation="GT"), deleted_at=utcnow())
    assert not p.can_view_practice(make_user("liaison", delegation="GT"), practice)
    assert p.can_view_practice(make_user("moderator"), practice)
    assert not p.can_edit_practice(make_user("moderator"), practice)


def test_liaison_cannot_edit_another_delegations_practice(client, become):
    populations, _, _ = lists()
    practice = make_practice(make_user("liaison", delegation="GT"),
                             populations=[populations["travellers"]])
    become(make_user("liaison", delegation="MX"))
    assert client.get(f"/practices/{practice.id}/edit").status_code == 403
    data = form_data(practice.category, [populations["travellers"]], title="Hijacked title")
    assert client.post(f"/practices/{practice.id}/edit", data=data).status_code == 403
    db.session.refresh(practice)
    assert practice.title == "A practice"


def test_liaison_cannot_approve(client, become):
    populations, _, _ = lists()
    owner = make_user("liaison", delegation="GT")
    practice = make_practice(owner, status="submitted", populations=[populations["travellers"]])
    for user in (owner, make_user("liaison", delegation="GT")):
        become(user)
        response = client.post(f"/practices/{practice.id}/publish")
        assert response.status_code == 403
        assert "You do not have permission" in response.get_data(as_text=True)
    db.session.refresh(practice)
    assert practice.status == "submitted"


def test_observer_and_anonymous_cannot_create(client, become):
    become(make_user("observer"))
    assert client.get("/practices/new").status_code == 403
    become(None)
    assert client.get("/practices/new").status_code == 302


def test_liaison_writes_only_for_own_delegation(client, become):
    populations, _, _ = lists()
    category = make_category("public")
    gt = make_user("liaison", delegation="GT")
    become(gt)
    mexico = db.session.scalar(select(Practice.delegation_id).limit(1))
    data = form_data(category, [populations["travellers"]], delegation=str(mexico or 999))
    assert client.post("/practices/new", data=data).status_code == 302
    practice = db.session.scalar(select(Practice))
    assert practice.delegation_id == gt.delegation_id


def test_staff_choose_the_country(client, become):
    populations, _, _ = lists()
    category = make_category("public")
    become(make_user("facilitator"))
    data = form_data(category, [populations["travellers"]])
    response = client.post("/practices/new", data=data)
    assert response.status_code == 422
    assert "Choose the country this practice belongs to." in response.get_data(as_text=True)
    from forum.models.roster import delegation_by_code

    iom = delegation_by_code("IOM")
    data["delegation"] = str(iom.id)
    assert client.post("/practices/new", data=data).status_code == 422
    data["delegation"] = str(delegation_by_code("PA").id)
    assert client.post("/practices/new", data=data).status_code == 302
    assert db.session.scalar(select(Practice)).delegation.code == "PA"


def test_category_must_be_writable(client, become):
    populations, _, _ = lists()
    staff_only = make_category("staff")
    become(make_user("liaison", delegation="GT"))
    response = client.post("/practices/new", data=form_data(staff_only, [populations["travellers"]]))
    assert response.status_code == 422


def test_list_management(client, become):
    lists()
    become(make_user("liaison", delegation="GT"))
    assert client.get("/practices/lists/indicators").status_code == 403
    become(make_user("facilitator"))
    data = {"code": "legal_status", "label_en": "Migration status", "label_es": "Situación migratoria",
            "label_fr": "Statut migratoire", "position": "5", "group": "person", "is_active": "y"}
    assert client.post("/practices/lists/indicators/new", data=data).status_code == 302
    assert client.post("/practices/lists/indicators/new", data=data).status_code == 422
    data["code"] = "Bad Code!"
    assert client.post("/practices/lists/indicators/new", data=data).status_code == 422
    from forum.models import AuditEvent
    from forum.models.practices import MinimumIndicator

    indicator = db.session.scalar(select(MinimumIndicator).where(MinimumIndicator.code == "legal_status"))
    assert indicator.label_fr == "Statut migratoire" and indicator.group == "person"
    assert db.session.scalar(select(AuditEvent.action)) == "indicators.create"
    assert "Migration status" in client.get("/compare").get_data(as_text=True)
