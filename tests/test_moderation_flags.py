"""Flags and the review queue: members flag, moderators resolve, flaggers see the outcome."""

from __future__ import annotations

import pytest
from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEvent, Flag, ModeratorMessage


@pytest.fixture
def setup(app):
    category = make_category("members")
    author = make_user("liaison")
    thread = make_thread(author, category, title="Consular registry practices")
    post = make_post(thread, author, body="Our registry records cases by consulate.")
    return {"category": category, "author": author, "thread": thread, "post": post}


def flag(client, post, **data):
    payload = {"reason": "off_topic"} | data
    return client.post(f"/moderation/flag/post/{post.id}", data=payload)


def test_member_flags_a_post_and_sees_it_received(client, login_as, setup):
    member = login_as(make_user("liaison"))
    assert client.get(f"/moderation/flag/post/{setup['post'].id}").status_code == 200
    response = flag(client, setup["post"], reason="inappropriate", detail="Rude.")
    assert response.status_code == 302
    stored = db.session.scalars(select(Flag)).one()
    assert (stored.reporter_id, stored.reason, stored.status) == (member.id, "inappropriate",
                                                                  "open")
    page = client.get("/moderation/my-flags").get_data(as_text=True)
    assert "Received, waiting for review" in page
    assert "Inappropriate" in page


@pytest.mark.parametrize("role", ["observer", "liaison", "facilitator", "moderator", "admin"])
def test_every_member_role_can_flag(client, login_as, setup, role):
    login_as(make_user(role))
    assert flag(client, setup["post"]).status_code == 302


def test_anonymous_and_suspended_cannot_flag(client, login_as, setup):
    response = client.get(f"/moderation/flag/post/{setup['post'].id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as(make_user("liaison", suspended=True))
    assert flag(client, setup["post"]).status_code in (302, 403)
    assert db.session.scalar(select(Flag)) is None


def test_flagging_twice_is_refused(client, login_as, setup):
    login_as(make_user("liaison"))
    assert flag(client, setup["post"]).status_code == 302
    response = flag(client, setup["post"], reason="inappropriate")
    assert response.status_code == 409
    assert "already flagged" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Flag)).all()) == 1


def test_cannot_flag_own_post(client, login_as, setup):
    login_as(setup["author"])
    response = flag(client, setup["post"])
    assert response.status_code == 403
    assert "cannot flag your own post" in response.get_data(as_text=True)
    assert db.session.scalar(select(Flag)) is None


def test_flag_needs_reason_and_details(client, login_as, setup):
    login_as(make_user("liaison"))
    assert flag(client, setup["post"], reason="").status_code == 422
    response = flag(client, setup["post"], reason="other", detail="")
    assert response.status_code == 422
    assert "Explain what is wrong." in response.get_data(as_text=True)
    response = flag(client, setup["post"], reason="duplicate", detail="see the other one")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Give the link to the original contribution." in text
    assert "see the other one" in text  # what the user typed is kept
    assert flag(client, setup["post"], reason="duplicate",
                original_url="https://exchange.test/t/1").status_code == 302


def test_cannot_flag_a_post_in_an_unreadable_category(client, login_as):
    staff = make_category("staff")
    thread = make_thread(make_user("moderator"), staff)
    login_as(make_user("observer"))
    assert flag(client, thread.posts[0]).status_code == 404


def test_queue_groups_flags_by_item_oldest_first(client, login_as, setup):
    other_thread = make_thread(make_user("liaison"), setup["category"], title="Later item")
    for i in range(3):
        login_as(make_user("liaison"))
        flag(client, setup["post"], reason="off_topic" if i else "inappropriate")
    login_as(make_user("liaison"))
    flag(client, other_thread.posts[0], reason="inappropriate")
    login_as(make_user("moderator"))
    page = client.get("/moderation/queue").get_data(as_text=True)
    assert "2 items wait for review." in page
    assert "3 open flags" in page
    assert "Off-topic (2)" in page and "Inappropriate (1)" in page
    assert page.index("Consular registry practices") < page.index("Later item")
    filtered = client.get("/moderation/queue?reason=off_topic").get_data(as_text=True)
    assert "1 item waits for review." in filtered and "Later item" not in filtered
    cat2 = make_category("members")
    empty = client.get(f"/moderation/queue?category={cat2.id}").get_data(as_text=True)
    assert "Nothing to review." in empty


@pytest.mark.parametrize("role,status", [
    ("observer", 403), ("liaison", 403), ("facilitator", 403), ("moderator", 200), ("admin", 200),
])
def test_queue_access_per_role(client, login_as, role, status):
    login_as(make_user(role))
    assert client.get("/moderation/queue").status_code == status


def test_header_count_for_moderators_only(client, login_as, setup):
    login_as(make_user("liaison"))
    flag(client, setup["post"])
    login_as(make_user("moderator"))
    page = client.get("/").get_data(as_text=True)
    assert "Review queue" in page and "1 item" in page
    login_as(make_user("liaison"))
    assert "Review queue" not in client.get("/").get_data(as_text=True)


def _flag_by(client, login_as, post, n=2):
    flaggers = []
    for _ in range(n):
        flaggers.append(login_as(make_user("liaison")))
        flag(client, post)
    return flaggers


def test_dismiss_closes_all_flags_and_flagger_sees_resolution(client, login_as, setup):
    flaggers = _flag_by(client, login_as, setup["post"])
    moderator = login_as(make_user("moderator"))
    response = client.post(f"/moderation/queue/post/{setup['post'].id}",
                           data={"action": "dismissed"})
    assert response.status_code == 302
    flags = db.session.scalars(select(Flag)).all()
    assert {f.status for f in flags} == {"resolved"}
    assert {f.resolved_by_id for f in flags} == {moderator.id}
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "flag.dismissed" and event.before["open_flags"] == 2
    login_as(flaggers[0])
    assert "Reviewed: no action needed" in client.get("/moderation/my-flags").get_data(
        as_text=True)


def test_hide_from_queue_requires_reason_and_shows_it(client, login_as, setup):
    flaggers = _flag_by(client, login_as, setup["post"], 1)
    login_as(make_user("moderator"))
    url = f"/moderation/queue/post/{setup['post'].id}"
    response = client.post(url, data={"action": "hidden", "reason": ""})
    assert response.status_code == 422
    assert db.session.get(Flag, 1).status == "open"
    response = client.post(url, data={"action": "hidden", "reason": "Names a migrant."})
    assert response.status_code == 302
    db.session.refresh(setup["post"])
    assert setup["post"].is_hidden and setup["post"].hidden_reason == "Names a migrant."
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.before["is_hidden"] is False and event.after["is_hidden"] is True
    login_as(flaggers[0])
    page = client.get("/moderation/my-flags").get_data(as_text=True)
    assert "Hidden by a moderator" in page and "Names a migrant." in page


def test_lock_from_queue(client, login_as, setup):
    _flag_by(client, login_as, setup["post"], 1)
    login_as(make_user("moderator"))
    client.post(f"/moderation/queue/post/{setup['post'].id}", data={"action": "locked"})
    db.session.refresh(setup["thread"])
    assert setup["thread"].is_locked
    assert db.session.scalars(select(AuditEvent)).one().action == "flag.locked"


def test_message_author_emails_and_shows_on_their_page(client, login_as, setup, outbox):
    _flag_by(client, login_as, setup["post"], 1)
    login_as(make_user("moderator"))
    url = f"/moderation/queue/post/{setup['post'].id}"
    assert client.post(url, data={"action": "messaged", "message": ""}).status_code == 422
    response = client.post(url, data={"action": "messaged",
                                      "message": "Please remove the phone number."})
    assert response.status_code == 302
    message = db.session.scalars(select(ModeratorMessage)).one()
    assert message.recipient_id == setup["author"].id
    mails = outbox()
    assert len(mails) == 1 and mails[0]["To"] == setup["author"].email
    assert "Please remove the phone number." in mails[0].get_content()
    login_as(setup["author"])
    page = client.get("/moderation/my-flags").get_data(as_text=True)
    assert "Please remove the phone number." in page and "New" in page


def test_reading_my_flags_changes_nothing_until_marked_read(client, login_as, setup):
    moderator = make_user("moderator")
    db.session.add(ModeratorMessage(sender_id=moderator.id, recipient_id=setup["author"].id,
                                    target_type="post", target_id=setup["post"].id,
                                    body="Please check the dates."))
    db.session.commit()
    login_as(setup["author"])
    for _ in range(2):
        page = client.get("/moderation/my-flags").get_data(as_text=True)
        assert "New" in page and "Mark all as read" in page
    assert db.session.scalars(select(ModeratorMessage)).one().read_at is None
    assert client.post("/moderation/my-flags/read").status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(ModeratorMessage)).one().read_at is not None
    page = client.get("/moderation/my-flags").get_data(as_text=True)
    assert "Mark all as read" not in page and "Please check the dates." in page


def test_stale_resolution_is_a_harmless_no_op(client, login_as, setup):
    _flag_by(client, login_as, setup["post"], 1)
    first, second = make_user("moderator"), make_user("moderator")
    url = f"/moderation/queue/post/{setup['post'].id}"
    login_as(first)
    client.post(url, data={"action": "dismissed"})
    login_as(second)
    response = client.post(url, data={"action": "hidden", "reason": "late"}, follow_redirects=True)
    assert "already resolved by another moderator" in response.get_data(as_text=True)
    db.session.refresh(setup["post"])
    assert not setup["post"].is_hidden
    assert len(db.session.scalars(select(AuditEvent)).all()) == 1


@pytest.mark.parametrize("role", ["observer", "liaison", "facilitator"])
def test_non_moderators_cannot_resolve(client, login_as, setup, role):
    _flag_by(client, login_as, setup["post"], 1)
    login_as(make_user(role))
    response = client.post(f"/moderation/queue/post/{setup['post'].id}",
                           data={"action": "dismissed"})
    assert response.status_code == 403
    assert db.session.get(Flag, 1).status == "open"


def test_new_flag_after_resolution_is_allowed(client, login_as, setup):
    member = make_user("liaison")
    login_as(member)
    flag(client, setup["post"])
    login_as(make_user("moderator"))
    client.post(f"/moderation/queue/post/{setup['post'].id}", data={"action": "dismissed"})
    login_as(member)
    assert flag(client, setup["post"], reason="inappropriate").status_code == 302
    assert len(db.session.scalars(select(Flag)).all()) == 2


@pytest.mark.parametrize("locale,texts", [
    ("es", ["Cola de revisión", "Señalar un mensaje a la moderación", "Fuera de tema"]),
    ("fr", ["File d’examen", "Signaler un message à la modération", "Hors sujet"]),
])
def test_pages_are_translated(client, login_as, setup, locale, texts):
    login_as(make_user("moderator", locale=locale))
    queue = client.get("/moderation/queue").get_data(as_text=True)
    flag_page = client.get(f"/moderation/flag/post/{setup['post'].id}").get_data(as_text=True)
    assert texts[0] in queue
    assert texts[1] in flag_page and texts[2] in flag_page


def test_edited_resolution(client, login_as, setup):
    flaggers = _flag_by(client, login_as, setup["post"], 1)
    login_as(make_user("moderator"))
    page = client.get(f"/moderation/queue/post/{setup['post'].id}").get_data(as_text=True)
    assert f"/posts/{setup['post'].id}/edit" in page
    client.post(f"/moderation/queue/post/{setup['post'].id}", data={"action": "edited"})
    assert db.session.get(Flag, 1).resolution == "edited"
    login_as(flaggers[0])
    assert "Edited by a moderator" in client.get("/moderation/my-flags").get_data(as_text=True)


def test_database_refuses_a_second_open_flag(app, setup):
    from sqlalchemy.exc import IntegrityError

    member = make_user("liaison")
    for _ in range(2):
        db.session.add(Flag(target_type="post", target_id=setup["post"].id,
                            reporter_id=member.id, reason="off_topic"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # resolved flags do not count: the member may flag again later
    db.session.add(Flag(target_type="post", target_id=setup["post"].id, reporter_id=member.id,
                        reason="off_topic", status="resolved"))
    db.session.add(Flag(target_type="post", target_id=setup["post"].id, reporter_id=member.id,
                        reason="off_topic"))
    db.session.commit()


def test_header_count_is_one_query(app, setup):
    from sqlalchemy import event

    from forum.moderation.services import open_items_count

    for _ in range(3):
        db.session.add(Flag(target_type="post", target_id=setup["post"].id,
                            reporter_id=make_user("liaison").id, reason="off_topic"))
    db.session.commit()
    statements = []

    def count(*args, **kwargs):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert open_items_count() == 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1 and "count" in statements[0].lower()


def test_flag_a_deleted_or_missing_post(client, login_as, setup):
    login_as(make_user("liaison"))
    assert flag(client, type("P", (), {"id": 99999})()).status_code == 404
    setup["post"].is_deleted = True
    db.session.commit()
    assert flag(client, setup["post"]).status_code == 403
