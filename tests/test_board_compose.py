"""The compose service: a new thread, a reply or an edit is stored by exactly one commit,
together with its attachment and its personal-data flag, or not at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from factories import make_category, make_thread, make_user
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Attachment, Flag, Post, Thread

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PERSONAL = "Maria Lopez, passport G12345678, needs help."


@pytest.fixture
def app_config(app_config):
    # The search index syncs after each commit by committing on its own; not counted here.
    return app_config | {"SEARCH_SYNC_ON_COMMIT": False}


@pytest.fixture
def commits(monkeypatch):
    """The number of commits made since the fixture was set up."""
    made = []
    commit = db.session.commit

    def counting_commit():
        made.append(1)
        return commit()

    monkeypatch.setattr(db.session, "commit", counting_commit)
    return made


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _uploads(app) -> list:
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def _attachment():
    return (io.BytesIO(PDF), "protocolo.pdf")


def test_new_thread_with_attachment_and_flag_is_one_commit(client, login_as, commits):
    category = make_category("members")
    author = login_as(make_user("liaison"))
    commits.clear()
    response = client.post("/new", data={
        "category": category.slug, "title": "A registry", "tags": "returns",
        "body": PERSONAL, "language": "en", "similar_seen": "1",
        "personal_data_confirmed": "1", "attachment": _attachment(),
    }, content_type="multipart/form-data")
    assert response.status_code == 302 and len(commits) == 1
    thread = db.session.scalars(select(Thread)).one()
    first = thread.posts[0]
    assert first.author_id == author.id
    assert db.session.scalars(select(Attachment)).one().post_id == first.id
    assert db.session.scalars(select(Flag)).one().target_id == first.id


def test_reply_and_edit_are_one_commit_each(client, login_as, commits):
    author = make_user("liaison")
    thread = make_thread(author, make_category("members"))
    login_as(author)
    commits.clear()
    response = client.post(f"/threads/{thread.id}/reply", data={
        "body": PERSONAL, "language": "en", "personal_data_confirmed": "1",
        "attachment": _attachment(),
    }, content_type="multipart/form-data")
    assert response.status_code == 302 and len(commits) == 1
    reply = db.session.scalar(select(Post).where(Post.number == 2))
    assert db.session.scalars(select(Attachment)).one().post_id == reply.id
    assert db.session.scalars(select(Flag)).one().target_id == reply.id

    commits.clear()
    first = db.session.scalar(select(Post).where(Post.number == 1))
    response = client.post(f"/posts/{first.id}/edit", data={
        "title": "A new title", "tags": "returns", "body": PERSONAL, "language": "en",
        "personal_data_confirmed": "1",
    })
    assert response.status_code == 302 and len(commits) == 1
    assert db.session.get(Thread, thread.id).title == "A new title"
    assert {f.target_id for f in db.session.scalars(select(Flag))} == {reply.id, first.id}


def test_a_failure_before_the_commit_stores_nothing(app, client, login_as, monkeypatch):
    from forum.content import personal_data_guard as moderation

    category = make_category("members")
    login_as(make_user("liaison"))

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(moderation, "stage_personal_data_flag", broken)
    response = client.post("/new", data={
        "category": category.slug, "title": "A registry", "tags": "returns",
        "body": PERSONAL, "language": "en", "similar_seen": "1",
        "personal_data_confirmed": "1", "attachment": _attachment(),
    }, content_type="multipart/form-data")
    assert response.status_code == 500
    assert (_count(Thread), _count(Post), _count(Attachment), _count(Flag)) == (0, 0, 0, 0)
    category = db.session.get(type(category), category.id)
    assert (category.thread_count, category.post_count) == (0, 0)
    assert _uploads(app) == []
