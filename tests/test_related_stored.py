"""Related threads are computed by the change-log applier, stored, and read with one statement."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from factories import make_category, make_thread, make_user
from flask_login import AnonymousUserMixin
from sqlalchemy import delete, event, func, select

from forum.board.services import edit_post
from forum.extensions import db
from forum.models import RelatedThread
from forum.search.related import related_threads
from forum.search.writer import sync


def _stored(thread) -> dict[int, float]:
    db.session.expire_all()
    return dict(db.session.execute(
        select(RelatedThread.related_id, RelatedThread.score)
        .where(RelatedThread.thread_id == thread.id)
    ).all())


@contextmanager
def _statements():
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def trio(app):
    """Two threads about passports in two delegations, and one about something else."""
    public = make_category("public")
    mx, gt, co = (make_user(delegation=code) for code in ("MX", "GT", "HN"))
    first = make_thread(mx, public, title="Passport renewal queues at consulates",
                        body="Renewal of passports: appointment queues and waiting lists.")
    second = make_thread(gt, public, title="Passport renewal appointments",
                         body="Queues for passport renewal appointments keep growing.")
    other = make_thread(co, public, title="Detention visits protocol",
                        body="Visiting detained nationals: a protocol for detention centres.")
    return {"first": first, "second": second, "other": other, "users": (mx, gt, co)}


def test_lists_are_stored_when_threads_are_created(app, trio):
    first, second, other = trio["first"], trio["second"], trio["other"]
    # The newer thread found the older one, and was offered to the older one's list.
    assert second.id in _stored(first)
    assert first.id in _stored(second)
    assert other.id not in _stored(first) and other.id not in _stored(second)
    row = db.session.scalars(select(RelatedThread).where(RelatedThread.thread_id == first.id)).first()
    assert row.score > 0 and row.computed_at is not None
    with app.test_request_context():
        assert [i.obj_id for i in related_threads(AnonymousUserMixin(), first)] == [second.id]


def test_lists_follow_an_edit_of_the_text_and_of_the_tags(app, trio):
    first, second, other = trio["first"], trio["second"], trio["other"]
    mx = trio["users"][0]
    edit_post(mx, first.posts[0], "Visits to detained nationals in detention centres.",
              title="Detention visits by consuls")
    stored = _stored(first)
    assert other.id in stored and second.id not in stored

    # A tag shared with a thread that has no word in common.
    public = make_category("public")
    pe = make_user(delegation="PA")
    tagged = make_thread(pe, public, title="Hurricane season", body="Evacuation shelters.",
                         tags=["emergencias"])
    assert tagged.id not in _stored(first)
    edit_post(mx, first.posts[0], first.posts[0].body, tag_texts=["emergencias"])
    assert tagged.id in _stored(first)


def test_a_reply_does_not_recompute_the_list(app, trio):
    from factories import make_post

    first = trio["first"]
    before = db.session.execute(
        select(func.max(RelatedThread.computed_at)).where(RelatedThread.thread_id == first.id)
    ).scalar()
    make_post(first, trio["users"][1], body="Passport renewal queues here as well.")
    after = db.session.execute(
        select(func.max(RelatedThread.computed_at)).where(RelatedThread.thread_id == first.id)
    ).scalar()
    assert after == before


ROLES = {
    None: {"public"},
    "observer": {"public", "members"},
    "liaison": {"public", "members", "governments"},
    "moderator": {"public", "members", "governments", "staff", "hidden"},
}


@pytest.mark.parametrize("role", list(ROLES))
def test_stored_lists_are_filtered_by_visibility(app, client, login_as, role):
    mx = make_user(delegation="MX")
    own = make_thread(mx, make_category("public"), title="Consular registry reform",
                      body="Registry reform for consular records.")
    expected = {}
    for code, visibility in zip(("GT", "HN", "PA", "NI"), ("public", "members", "governments", "staff"),
                                strict=True):
        author = make_user("moderator" if visibility == "staff" else "liaison", delegation=code)
        thread = make_thread(author, make_category(visibility),
                             title=f"Consular registry reform ({visibility})",
                             body="Registry reform for consular records.")
        expected[visibility] = thread.id
    hidden = make_thread(make_user(delegation="SV"), make_category("public"),
                         title="Consular registry reform (hidden)",
                         body="Registry reform for consular records.", is_hidden=True)
    expected["hidden"] = hidden.id
    sync()
    assert set(_stored(own)) == set(expected.values())  # every candidate is stored

    user = AnonymousUserMixin() if role is None else make_user(role, delegation="CR" if role == "moderator" else None)
    with app.test_request_context():
        shown = {i.obj_id for i in related_threads(user, own)}
    assert shown == {expected[v] for v in ROLES[role]}
    if role == "liaison":
        assert expected["staff"] not in shown

    # The same on the page.
    if role is not None:
        login_as(user)
    page = client.get(f"/threads/{own.id}").get_data(as_text=True)
    for visibility, thread_id in expected.items():
        assert (f"/threads/{thread_id}\"" in page) == (visibility in ROLES[role]), visibility


def test_reindex_fills_the_table(app, runner, trio):
    db.session.execute(delete(RelatedThread))
    db.session.commit()
    assert _stored(trio["first"]) == {}
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert trio["second"].id in _stored(trio["first"])
    assert trio["first"].id in _stored(trio["second"])


def test_reading_the_list_is_one_statement(app, client, trio):
    first = trio["first"]
    with app.test_request_context():
        user = AnonymousUserMixin()
        db.session.refresh(first)  # the page has its thread loaded already
        with _statements() as seen:
            items = related_threads(user, first)
        assert [i.obj_id for i in items] == [trio["second"].id]
        assert len(seen) == 1
        # Showing the items (names, flags) loads nothing more.
        with _statements() as seen:
            assert all(i.country_name and i.url for i in items)
        assert seen == []
    with _statements() as seen:
        page = client.get(f"/threads/{first.id}")
    assert page.status_code == 200
    assert f"/threads/{trio['second'].id}" in page.get_data(as_text=True)
    assert len([s for s in seen if "related_thread" in s]) == 1


def test_similar_practices_are_stored_and_filtered(app, client):
    from practices_support import lists, make_practice

    from forum.models import RelatedPractice
    from forum.search.writer import safe_sync

    populations, _, _ = lists()
    children = [populations["unaccompanied_children"]]
    text = "Registro consular de niñez no acompañada en la frontera."
    mx = make_practice(make_user("liaison", delegation="MX"), title="Registro de niñez no acompañada",
                       description=text, populations=children)
    gt = make_practice(make_user("liaison", delegation="GT"), title="Niñez no acompañada retornada",
                       description=text, populations=children)
    hn = make_practice(make_user("liaison", delegation="HN"), title="Niñez no acompañada en tránsito",
                       description=text, populations=children,
                       category=make_category("governments"))
    safe_sync(app)
    stored = set(db.session.scalars(
        select(RelatedPractice.related_id).where(RelatedPractice.practice_id == mx.id)))
    assert {gt.id, hn.id} <= stored
    page = client.get(f"/practices/{mx.id}").get_data(as_text=True)
    assert f"/practices/{gt.id}\"" in page and f"/practices/{hn.id}\"" not in page
