"""The audit log: who may read it, its filters, and that nobody can change it."""

from __future__ import annotations

from datetime import datetime

import pytest
from factories import make_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEvent, record_audit


@pytest.fixture
def events(app):
    alice = make_user("moderator", display_name="Alice Moderator")
    bob = make_user("admin", display_name="Bob Admin")
    first = record_audit(alice, "thread.pin", "thread", 1, label="Pinned thread",
                         before={"is_pinned": False}, after={"is_pinned": True})
    first.created_at = datetime(2026, 1, 10, 12)
    second = record_audit(bob, "tag.merge", "tag", 2, label="old → new", reason="Duplicates")
    second.created_at = datetime(2026, 2, 10, 12)
    third = record_audit(alice, "post.hide", "post", 3, label="Hidden post", reason="Case data")
    third.created_at = datetime(2026, 3, 10, 12)
    db.session.commit()
    return {"alice": alice, "bob": bob}


@pytest.mark.parametrize("role,status", [
    ("observer", 403), ("liaison", 403), ("facilitator", 403), ("moderator", 200), ("admin", 200),
])
def test_audit_log_access(client, login_as, role, status):
    login_as(make_user(role))
    assert client.get("/moderation/audit").status_code == status


def test_audit_log_anonymous_and_suspended(client, login_as):
    assert client.get("/moderation/audit").status_code == 302
    login_as(make_user("admin", suspended=True))
    assert client.get("/moderation/audit").status_code in (302, 403)


def test_audit_log_lists_and_filters(client, login_as, events):
    login_as(events["bob"])
    page = client.get("/moderation/audit").get_data(as_text=True)
    assert "3 entries" in page
    assert page.index("Hidden post") < page.index("old → new") < page.index("Pinned thread")
    assert "thread pinned" in page and "Case data" in page
    by_actor = client.get(f"/moderation/audit?actor={events['alice'].id}").get_data(as_text=True)
    assert "2 entries" in by_actor and "old → new" not in by_actor
    by_action = client.get("/moderation/audit?action=tag.merge").get_data(as_text=True)
    assert "1 entry" in by_action and "Duplicates" in by_action
    by_type = client.get("/moderation/audit?target_type=post").get_data(as_text=True)
    assert "1 entry" in by_type and "Hidden post" in by_type
    by_dates = client.get("/moderation/audit?date_from=2026-02-01&date_to=2026-02-10").get_data(
        as_text=True)
    assert "1 entry" in by_dates and "old → new" in by_dates


def test_audit_log_bad_dates_are_a_400_not_a_crash(client, login_as, events):
    login_as(events["bob"])
    response = client.get("/moderation/audit?date_from=yesterday")
    assert response.status_code == 400
    assert "3 entries" in response.get_data(as_text=True)


def test_audit_log_is_read_only(client, login_as, events, app):
    login_as(events["bob"])
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/moderation/audit").status_code == 405
    rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)
    assert len(db.session.scalars(select(AuditEvent)).all()) == 3


def test_demo_seed_fills_the_queue_and_the_log(app):
    from factories import make_category, make_post, make_thread

    from forum.demo import accounts, moderation
    from forum.models import Flag

    accounts.seed()
    thread = make_thread(make_user("liaison"), make_category("members"))
    for _ in range(4):
        make_post(thread, make_user("liaison"))
    summary = moderation.seed()
    assert summary.startswith("4 open flags")
    assert len(db.session.scalars(select(Flag)).all()) == 4
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["thread.pin"]


def test_other_features_actions_are_labelled(client, login_as, app):
    admin = make_user("admin")
    record_audit(admin, "user.suspended", "user", admin.id, label="someone@example.org")
    db.session.commit()
    login_as(admin)
    page = client.get("/moderation/audit?target_type=user").get_data(as_text=True)
    assert "account suspended" in page
