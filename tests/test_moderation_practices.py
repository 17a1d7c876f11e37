"""Practices in moderation: flags, featuring on the home page, the personal-data guard."""

from __future__ import annotations

import pytest
from factories import make_user
from practices_support import form_data, lists, make_practice, practices_category
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEvent, FeaturedPractice, Flag
from forum.models.practices import Practice


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def practice(app):
    return make_practice(make_user("liaison"), title="Consular registry of children")


def test_member_flags_a_practice_and_moderator_resolves(client, login_as, practice):
    flagger = login_as(make_user("liaison", delegation="GT"))
    page = text(client.get(f"/practices/{practice.id}"))
    assert f"/moderation/flag/practice/{practice.id}" in page
    assert client.post(f"/moderation/flag/practice/{practice.id}",
                       data={"reason": "personal_data", "detail": "Names a child."}
                       ).status_code == 302
    again = client.post(f"/moderation/flag/practice/{practice.id}", data={"reason": "off_topic"})
    assert again.status_code == 409
    login_as(make_user("moderator"))
    queue = text(client.get("/moderation/queue"))
    assert "Consular registry of children" in queue
    url = f"/moderation/queue/practice/{practice.id}"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"action": "hidden", "reason": "x"}).status_code == 400
    assert client.post(url, data={"action": "messaged",
                                  "message": "Please remove the child's name."}).status_code == 302
    assert db.session.scalars(select(Flag)).one().resolution == "messaged"
    login_as(flagger)
    assert "The author was contacted" in text(client.get("/moderation/my-flags"))


def test_authors_cannot_flag_their_practice(client, login_as, practice):
    login_as(practice.author)
    assert client.post(f"/moderation/flag/practice/{practice.id}",
                       data={"reason": "off_topic"}).status_code == 403
    assert db.session.scalar(select(Flag)) is None


@pytest.mark.parametrize("role,allowed", [
    ("observer", False), ("liaison", False), ("facilitator", True), ("moderator", True),
    ("admin", True),
])
def test_feature_per_role_and_home_page(client, login_as, practice, role, allowed):
    login_as(make_user(role))
    url = f"/moderation/practice/{practice.id}/feature"
    response = client.post(url)
    if not allowed:
        assert response.status_code == 403
        assert db.session.scalar(select(FeaturedPractice)) is None
        return
    assert response.status_code == 302
    assert db.session.scalars(select(FeaturedPractice)).one().practice_id == practice.id
    home = text(client.get("/"))
    assert "Featured practices" in home and "Consular registry of children" in home
    again = client.post(url, follow_redirects=True)
    assert "already featured" in text(again)
    assert client.post(f"/moderation/practice/{practice.id}/unfeature").status_code == 302
    assert db.session.scalar(select(FeaturedPractice)) is None
    assert "Featured practices" not in text(client.get("/"))
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == [
        "practice.feature", "practice.unfeature"]


def test_only_published_practices_can_be_featured(client, login_as):
    draft = make_practice(make_user("liaison"), status="draft")
    login_as(make_user("moderator"))
    assert client.post(f"/moderation/practice/{draft.id}/feature").status_code in (404, 409)
    assert db.session.scalar(select(FeaturedPractice)) is None


def test_guard_on_the_practice_form(client, login_as):
    populations, _, _ = lists()
    category = practices_category()
    author = login_as(make_user("liaison"))
    data = form_data(category, [next(iter(populations.values()))],
                     description="La madre, María Pérez, nacida el 5 de mayo de 1990, "
                                 "tel. 8888-1234.",
                     focal_name="Ana Gómez", focal_email="ana.gomez@sre.gob.mx")
    warned = client.post("/practices/new", data=data)
    assert warned.status_code == 200
    assert "This platform is for practices, not cases." in text(warned)
    assert db.session.scalar(select(Practice)) is None
    done = client.post("/practices/new", data=data | {"personal_data_confirmed": "1"})
    assert done.status_code == 302
    practice = db.session.scalars(select(Practice)).one()
    flag = db.session.scalars(select(Flag)).one()
    assert (flag.target_type, flag.target_id, flag.is_automatic) == ("practice", practice.id, True)
    assert practice.author_id == author.id


def test_focal_point_contact_is_not_personal_data(client, login_as):
    populations, _, _ = lists()
    login_as(make_user("liaison"))
    data = form_data(practices_category(), [next(iter(populations.values()))],
                     focal_name="Ana Gómez", focal_email="ana.gomez@sre.gob.mx")
    assert client.post("/practices/new", data=data).status_code == 302
    assert db.session.scalar(select(Flag)) is None
