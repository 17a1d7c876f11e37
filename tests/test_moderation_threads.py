"""Thread tools: pin, lock, close, hide, move, merge and split, each per role and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEvent, Category, Post, SearchChange, Tag, Thread, utcnow


@pytest.fixture
def thread(app):
    category = make_category("members")
    thread = make_thread(make_user("liaison"), category, title="Registry of detained nationals")
    make_post(thread, body="A reply.")
    return thread


def audit_actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


TOGGLES = [
    ("pin", "is_pinned", True, "thread.pin"),
    ("lock", "is_locked", True, "thread.lock"),
]


@pytest.mark.parametrize("tool,attribute,value,action", TOGGLES)
def test_toggle_needs_confirmation_and_is_audited(client, login_as, thread, tool, attribute,
                                                  value, action):
    login_as(make_user("moderator"))
    url = f"/moderation/thread/{thread.id}/{tool}"
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.get_data(as_text=True)
    db.session.refresh(thread)
    assert getattr(thread, attribute) is False  # GET only asks
    assert client.post(url).status_code == 302
    db.session.refresh(thread)
    assert getattr(thread, attribute) is value
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == action
    assert event.before[attribute] is False and event.after[attribute] is True


def test_unpin_unlock_and_stale_toggles(client, login_as, thread):
    login_as(make_user("moderator"))
    client.post(f"/moderation/thread/{thread.id}/pin")
    again = client.post(f"/moderation/thread/{thread.id}/pin", follow_redirects=True)
    assert "already pinned" in again.get_data(as_text=True)
    client.post(f"/moderation/thread/{thread.id}/unpin")
    client.post(f"/moderation/thread/{thread.id}/lock", data={"reason": "Heated."})
    client.post(f"/moderation/thread/{thread.id}/unlock")
    db.session.refresh(thread)
    assert not thread.is_pinned and not thread.is_locked
    assert audit_actions() == ["thread.pin", "thread.unpin", "thread.lock", "thread.unlock"]


ROLES = ["observer", "liaison", "facilitator", "moderator", "admin"]
TOOLS = ["pin", "unpin", "lock", "unlock", "reopen", "restore", "hide", "close", "move",
         "merge", "split"]


@pytest.mark.parametrize("role", ROLES + ["suspended", "anonymous"])
@pytest.mark.parametrize("tool", TOOLS)
def test_thread_tools_per_role(client, login_as, thread, role, tool):
    if role == "anonymous":
        expected = {302}
    elif role == "suspended":
        login_as(make_user("moderator", suspended=True))
        expected = {302, 403}
    else:
        login_as(make_user(role))
        expected = {200} if role in ("moderator", "admin") else {403}
    response = client.get(f"/moderation/thread/{thread.id}/{tool}")
    assert response.status_code in expected
    if 200 not in expected:
        assert client.post(f"/moderation/thread/{thread.id}/{tool}",
                           data={"reason": "x"}).status_code in expected | {403}
        assert audit_actions() == []


@pytest.mark.parametrize("role", ROLES)
def test_post_hide_restore_per_role(client, login_as, thread, role):
    post = thread.posts[1]
    login_as(make_user(role))
    response = client.post(f"/moderation/post/{post.id}/hide", data={"reason": "Off topic."})
    if role in ("moderator", "admin"):
        assert response.status_code == 302
        db.session.refresh(post)
        assert post.is_hidden and post.hidden_reason == "Off topic."
        assert client.post(f"/moderation/post/{post.id}/restore").status_code == 302
        db.session.refresh(post)
        assert not post.is_hidden and post.hidden_reason is None
        assert audit_actions() == ["post.hide", "post.restore"]
    else:
        assert response.status_code == 403
        db.session.refresh(post)
        assert not post.is_hidden


def test_hide_needs_reason_and_stale_hide_is_a_no_op(client, login_as, thread):
    post = thread.posts[1]
    login_as(make_user("moderator"))
    response = client.post(f"/moderation/post/{post.id}/hide", data={"reason": ""})
    assert response.status_code == 422 and "Give a reason." in response.get_data(as_text=True)
    client.post(f"/moderation/post/{post.id}/hide", data={"reason": "First."})
    login_as(make_user("moderator"))
    response = client.post(f"/moderation/post/{post.id}/hide", data={"reason": "Second."},
                           follow_redirects=True)
    assert "already hidden" in response.get_data(as_text=True)
    db.session.refresh(post)
    assert post.hidden_reason == "First."
    assert audit_actions() == ["post.hide"]


def test_hide_and_restore_thread(client, login_as, thread):
    login_as(make_user("moderator"))
    url = f"/moderation/thread/{thread.id}/hide"
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "Contains a case file."}).status_code == 302
    db.session.refresh(thread)
    assert thread.is_hidden and thread.hidden_reason == "Contains a case file."
    assert thread.category.thread_count == 0
    client.post(f"/moderation/thread/{thread.id}/restore")
    db.session.refresh(thread)
    assert not thread.is_hidden and thread.category.thread_count == 1
    assert audit_actions() == ["thread.hide", "thread.restore"]


def test_close_with_note_and_reopen(client, login_as, thread):
    login_as(make_user("moderator"))
    url = f"/moderation/thread/{thread.id}/close"
    response = client.post(url, data={"reason": ""})
    assert response.status_code == 422
    assert "Write a closing note" in response.get_data(as_text=True)
    assert client.post(url, data={"reason": "Summarized in the report."}).status_code == 302
    db.session.refresh(thread)
    assert thread.closed_at is not None and thread.closing_note == "Summarized in the report."
    client.post(f"/moderation/thread/{thread.id}/reopen")
    db.session.refresh(thread)
    assert thread.closed_at is None and thread.closing_note is None
    assert audit_actions() == ["thread.close", "thread.reopen"]


def test_move_thread_fixes_counters(client, login_as, thread):
    source = thread.category
    target = make_category("members")
    login_as(make_user("moderator"))
    page = client.get(f"/moderation/thread/{thread.id}/move").get_data(as_text=True)
    assert target.name in page
    assert client.post(f"/moderation/thread/{thread.id}/move",
                       data={"category": target.id}).status_code == 302
    db.session.refresh(thread)
    db.session.refresh(source)
    db.session.refresh(target)
    assert thread.category_id == target.id
    assert (source.thread_count, source.post_count) == (0, 0)
    assert (target.thread_count, target.post_count) == (1, 2)
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.before["category_id"], event.after["category_id"]) == (
        "thread.move", source.id, target.id)


def test_move_to_missing_category(client, login_as, thread):
    login_as(make_user("moderator"))
    response = client.post(f"/moderation/thread/{thread.id}/move", data={"category": 9999})
    assert response.status_code == 422
    assert "That category does not exist." in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert audit_actions() == []


def _tag(slug):
    tag = Tag(slug=slug, label_en=slug.replace("-", " "))
    db.session.add(tag)
    db.session.commit()
    return tag


def _thread_with_posts(category, title, count, start, tags):
    authors = [make_user("liaison") for _ in range(3)]
    thread = make_thread(authors[0], category, title=title, body=f"{title} post 1")
    thread.posts[0].created_at = start
    thread.created_at = start
    for i in range(1, count):
        post = make_post(thread, authors[i % 3], body=f"{title} post {i + 1}")
        post.created_at = start + timedelta(hours=2 * i)
    thread.tags = tags
    db.session.commit()
    return thread


def test_merge_two_threads_of_thirty_posts(client, login_as):
    category = make_category("members")
    t1, t2, shared = _tag("consular-registry"), _tag("detention"), _tag("children")
    base = utcnow() - timedelta(days=10)
    source = _thread_with_posts(category, "Alpha", 30, base + timedelta(hours=1), [t1, shared])
    target = _thread_with_posts(category, "Beta", 30, base, [t2, shared])
    original = {p.id: (p.author_id, p.created_at, p.body)
                for p in db.session.scalars(select(Post))}
    db.session.query(SearchChange).delete()
    db.session.commit()

    login_as(make_user("moderator"))
    url = f"/moderation/thread/{source.id}/merge"
    first = client.post(url, data={"target": str(target.id)})
    assert first.status_code == 200 and "Move all 30 posts" in first.get_data(as_text=True)
    assert db.session.get(Thread, source.id).merged_into_id is None  # asked, not done
    done = client.post(url, data={"target": str(target.id), "confirm_target": str(target.id)})
    assert done.status_code == 302

    db.session.expire_all()
    merged = db.session.get(Thread, target.id)
    posts = merged.posts
    assert len(posts) == 60 and merged.post_count == 60
    assert [p.number for p in posts] == list(range(1, 61))
    dates = [p.created_at for p in posts]
    assert dates == sorted(dates)
    # interleaved by date: Beta 1, Alpha 1, Beta 2, Alpha 2, ...
    assert [p.body for p in posts[:4]] == ["Beta post 1", "Alpha post 1", "Beta post 2",
                                           "Alpha post 2"]
    for post in posts:
        assert (post.author_id, post.created_at, post.body) == original[post.id]
    assert {t.slug for t in merged.tags} == {"consular-registry", "detention", "children"}
    old = db.session.get(Thread, source.id)
    assert old.merged_into_id == target.id and old.post_count == 0 and old.tags == []
    assert db.session.get(Category, category.id).thread_count == 1
    assert db.session.get(Category, category.id).post_count == 60
    assert {t.slug: t.thread_count for t in db.session.scalars(select(Tag))} == {
        "consular-registry": 1, "detention": 1, "children": 1}
    changes = {(c.kind, c.obj_id) for c in db.session.scalars(select(SearchChange))}
    assert {("thread", source.id), ("thread", target.id)} <= changes
    moved = {pid for pid, (_, _, body) in original.items() if body.startswith("Alpha")}
    assert {("post", pid) for pid in moved} <= changes
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "thread.merge" and event.after["moved_posts"] == 30
    assert event.before["source"]["post_count"] == 30


def test_merge_bad_input(client, login_as, thread):
    login_as(make_user("moderator"))
    url = f"/moderation/thread/{thread.id}/merge"
    response = client.post(url, data={"target": str(thread.id)})
    assert response.status_code == 422 and "cannot be merged into itself" in response.get_data(
        as_text=True)
    assert client.post(url, data={"target": "99999"}).status_code == 422
    assert client.post(url, data={"target": ""}).status_code == 422
    db.session.refresh(thread)
    assert thread.merged_into_id is None and audit_actions() == []


def test_merge_into_a_thread_the_moderator_cannot_see(client, login_as, thread):
    hidden = make_thread(make_user("liaison"), make_category("members"))
    hidden.is_hidden = True
    db.session.commit()
    # a moderator sees hidden threads; a category beyond their reach is simulated by
    # an unknown visibility level
    secret_category = make_category("members")
    secret_category.visibility = "secret"
    db.session.commit()
    secret = make_thread(make_user("liaison"), secret_category)
    login_as(make_user("moderator"))
    response = client.post(f"/moderation/thread/{thread.id}/merge",
                           data={"target": str(secret.id), "confirm_target": str(secret.id)})
    assert response.status_code == 422
    assert "No thread with that number or link was found." in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert thread.merged_into_id is None and len(thread.posts) == 2


def test_merge_failure_leaves_nothing_half_done(app, thread, monkeypatch):
    from forum.board import counters
    from forum.moderation import services_threads

    target = make_thread(make_user("liaison"), thread.category)
    moderator = make_user("moderator")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(counters, "recount_category", boom)
    with pytest.raises(RuntimeError):
        services_threads.merge_threads(moderator, thread, target)
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).merged_into_id is None
    assert len(db.session.get(Thread, thread.id).posts) == 2
    assert len(db.session.get(Thread, target.id).posts) == 1
    assert audit_actions() == []


def test_merge_twice_is_a_no_op(client, login_as, thread):
    target = make_thread(make_user("liaison"), thread.category)
    login_as(make_user("moderator"))
    data = {"target": str(target.id), "confirm_target": str(target.id)}
    client.post(f"/moderation/thread/{thread.id}/merge", data=data)
    response = client.post(f"/moderation/thread/{thread.id}/merge", data=data,
                           follow_redirects=True)
    assert "already merged" in response.get_data(as_text=True)
    assert audit_actions() == ["thread.merge"]


def test_split_selected_posts(client, login_as):
    category = make_category("members")
    tag = _tag("returns")
    base = utcnow() - timedelta(days=2)
    thread = _thread_with_posts(category, "Gamma", 5, base, [tag])
    moving = [thread.posts[1].id, thread.posts[3].id]
    login_as(make_user("moderator"))
    url = f"/moderation/thread/{thread.id}/split"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"title": "Side topic", "category": category.id}
                       ).status_code == 422  # no post selected
    response = client.post(url, data={"posts": moving, "title": "Side topic",
                                      "category": category.id})
    assert response.status_code == 302
    db.session.expire_all()
    old = db.session.get(Thread, thread.id)
    new = db.session.scalars(select(Thread).where(Thread.title == "Side topic")).one()
    assert [p.number for p in old.posts] == [1, 2, 3] and old.post_count == 3
    assert [p.id for p in new.posts] == moving and [p.number for p in new.posts] == [1, 2]
    assert new.author_id == db.session.get(Post, moving[0]).author_id
    assert [t.slug for t in new.tags] == ["returns"]
    assert db.session.get(Tag, tag.id).thread_count == 2
    assert db.session.get(Category, category.id).post_count == 5
    assert db.session.get(Category, category.id).thread_count == 2
    assert audit_actions() == ["thread.split"]


def test_split_all_posts_is_refused(client, login_as, thread):
    login_as(make_user("moderator"))
    response = client.post(f"/moderation/thread/{thread.id}/split",
                           data={"posts": [p.id for p in thread.posts], "title": "All",
                                 "category": thread.category_id})
    assert response.status_code == 400
    assert "Leave at least one post" in response.get_data(as_text=True)
    assert db.session.scalars(select(Thread)).all() == [thread]


def test_thread_tools_partial_renders_for_moderators_only(app, thread):
    from flask import render_template_string
    from flask_login import login_user

    with app.test_request_context():
        login_user(make_user("moderator"))
        html = render_template_string('{% include "moderation/_thread_tools.html" %}',
                                      thread=thread)
        assert f"/moderation/thread/{thread.id}/merge" in html
    with app.test_request_context():
        login_user(make_user("liaison"))
        html = render_template_string('{% include "moderation/_thread_tools.html" %}'
                                      '{% include "moderation/_post_actions.html" %}',
                                      thread=thread, post=thread.posts[1])
        assert "merge" not in html and "/moderation/flag/post/" in html


def test_split_stale_selection_and_missing_category(client, login_as, thread):
    other = make_thread(make_user("liaison"), thread.category)
    login_as(make_user("moderator"))
    url = f"/moderation/thread/{thread.id}/split"
    response = client.post(url, data={"posts": [other.posts[0].id], "title": "x",
                                      "category": thread.category_id})
    assert response.status_code == 422
    assert "no longer in this thread" in response.get_data(as_text=True)
    response = client.post(url, data={"posts": [thread.posts[1].id], "title": "x",
                                      "category": 9999})
    assert response.status_code == 422
    assert "That category does not exist." in response.get_data(as_text=True)
    assert audit_actions() == []


def test_stale_thread_hide_is_a_no_op(client, login_as, thread):
    login_as(make_user("moderator"))
    client.post(f"/moderation/thread/{thread.id}/hide", data={"reason": "First."})
    login_as(make_user("moderator"))
    page = client.get(f"/moderation/thread/{thread.id}/hide").get_data(as_text=True)
    assert "already hidden" in page
    response = client.post(f"/moderation/thread/{thread.id}/hide", data={"reason": "Second."},
                           follow_redirects=True)
    assert "already hidden" in response.get_data(as_text=True)
    db.session.refresh(thread)
    assert thread.hidden_reason == "First." and audit_actions() == ["thread.hide"]


def test_merge_search_index_follows_the_surviving_thread(app):
    """The must-show, in the index: 60 posts found under the surviving thread only."""
    from flask_login import AnonymousUserMixin

    from forum.moderation import services_threads
    from forum.search import engine
    from forum.search.index import handle
    from forum.search.writer import check, sync

    category = make_category("public")
    base = utcnow() - timedelta(days=5)
    source = _thread_with_posts(category, "Walrus registry", 30, base + timedelta(hours=1),
                                [_tag("walrus-tag")])
    target = _thread_with_posts(category, "Narwhal registry", 30, base, [_tag("narwhal-tag")])
    sync()

    def groups(q):
        with app.test_request_context():
            outcome = engine.run(AnonymousUserMixin(), q, per_page=100)
            return {(g.item.kind, g.item.obj_id, g.item.group_url or g.item.url)
                    for g in outcome.groups}

    assert any(str(source.id) in (url or "") for _, _, url in groups("walrus"))
    services_threads.merge_threads(make_user("moderator"), source, target)
    sync()

    with handle(app).open_current().searcher() as searcher:
        docs = [f for f in searcher.all_stored_fields() if f["kind"] in ("thread", "post")]
    assert all(d["group"] == f"thread:{target.id}" for d in docs)
    post_ids = {p.id for p in db.session.get(Thread, target.id).posts}
    indexed = {d["obj_id"] for d in docs if d["kind"] == "post"}
    first = db.session.get(Thread, target.id).posts[0].id
    assert indexed == post_ids - {first}  # the first post lives in the thread document
    assert {d["obj_id"] for d in docs if d["kind"] == "thread"} == {target.id}
    report = check(handle(app))
    assert (report["missing"], report["extra"], report["stale"]) == ([], [], [])
    for word in ("walrus", "narwhal"):
        hits = groups(word)
        assert hits and all(f"/threads/{target.id}" in (url or "") for _, _, url in hits), hits
        assert not any(f"/threads/{source.id}" in (url or "") for _, _, url in hits)
