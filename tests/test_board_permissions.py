"""The role x action matrix of the discussion core (pure predicates of forum.permissions)."""

from __future__ import annotations

import pytest
from factories import make_category, make_post, make_thread, make_user
from flask_login import AnonymousUserMixin

from forum import permissions as perm

ROLES = ["anonymous", "observer", "liaison", "facilitator", "moderator", "admin", "suspended"]

# role: expected result, in the order of ROLES
MATRIX = {
    "read public": [1, 1, 1, 1, 1, 1, 1],
    "read members": [0, 1, 1, 1, 1, 1, 0],
    "read governments": [0, 0, 1, 1, 1, 1, 0],
    "read staff": [0, 0, 0, 1, 1, 1, 0],
    "start thread public": [0, 0, 1, 1, 1, 1, 0],
    "start thread members": [0, 0, 1, 1, 1, 1, 0],
    "start thread governments": [0, 0, 1, 1, 1, 1, 0],
    "start thread staff": [0, 0, 0, 1, 1, 1, 0],
    "reply members": [0, 0, 1, 1, 1, 1, 0],
    "reply open consultation": [0, 1, 1, 1, 1, 1, 0],
    "reply governments": [0, 0, 1, 1, 1, 1, 0],
    "reply staff": [0, 0, 0, 1, 1, 1, 0],
    "reply locked": [0, 0, 0, 0, 1, 1, 0],
    "reply locked open consultation": [0, 0, 0, 0, 1, 1, 0],
    "read hidden thread": [0, 0, 0, 0, 1, 1, 0],
    "reply hidden thread": [0, 0, 0, 0, 1, 1, 0],
    "edit own post": [0, 1, 1, 1, 1, 1, 0],
    "edit own post in locked thread": [0, 0, 0, 0, 1, 1, 0],
    "edit other's post": [0, 0, 0, 0, 1, 1, 0],
    "delete own post": [0, 1, 1, 1, 1, 1, 0],
    "delete other's post": [0, 0, 0, 0, 1, 1, 0],
    "read deleted post text": [0, 0, 0, 0, 1, 1, 0],
    "view own revisions": [0, 1, 1, 1, 1, 1, 0],
    "view other's revisions": [0, 0, 0, 0, 1, 1, 0],
    "create tag": [0, 0, 1, 1, 1, 1, 0],
    "start threads at all": [0, 0, 1, 1, 1, 1, 0],
}


def _user(role):
    if role == "anonymous":
        return AnonymousUserMixin()
    if role == "suspended":
        return make_user("liaison", suspended=True)
    return make_user(role)


def _check(action: str, user, role: str) -> bool:
    cats = {v: make_category(v) for v in ("public", "members", "governments", "staff")}
    open_cat = make_category("members", observers_may_reply=True)
    author = make_user("liaison")
    own_author = user if role in ("observer", "liaison", "facilitator", "moderator", "admin") else author
    if action.startswith("read ") and action.split(" ", 1)[1] in cats:
        return perm.can_read_category(user, cats[action.split(" ", 1)[1]])
    if action.startswith("start thread ") and action.split(" ", 2)[2] in cats:
        return perm.can_post_in_category(user, cats[action.split(" ", 2)[2]])
    if action == "start threads at all":
        return perm.can_start_thread(user)
    if action.startswith("reply ") and action.split(" ", 1)[1] in cats:
        return perm.can_reply(user, make_thread(author, cats[action.split(" ", 1)[1]]))
    if action == "reply open consultation":
        return perm.can_reply(user, make_thread(author, open_cat))
    if action == "reply locked":
        return perm.can_reply(user, make_thread(author, cats["members"], is_locked=True))
    if action == "reply locked open consultation":
        return perm.can_reply(user, make_thread(author, open_cat, is_locked=True))
    if action == "read hidden thread":
        return perm.can_read_thread(user, make_thread(author, cats["members"], is_hidden=True))
    if action == "reply hidden thread":
        return perm.can_reply(user, make_thread(author, cats["members"], is_hidden=True))
    if action == "edit own post":
        thread = make_thread(author, open_cat)
        return perm.can_edit_post(user, make_post(thread, own_author))
    if action == "edit own post in locked thread":
        thread = make_thread(author, open_cat)
        post = make_post(thread, own_author)
        thread.is_locked = True
        return perm.can_edit_post(user, post)
    if action == "edit other's post":
        return perm.can_edit_post(user, make_thread(author, cats["public"]).posts[0])
    if action == "delete own post":
        return perm.can_delete_post(user, make_post(make_thread(author, open_cat), own_author))
    if action == "delete other's post":
        return perm.can_delete_post(user, make_thread(author, cats["public"]).posts[0])
    if action == "read deleted post text":
        post = make_post(make_thread(author, cats["public"]), author, is_deleted=True)
        return perm.can_read_post_text(user, post)
    if action == "view own revisions":
        return perm.can_view_revisions(user, make_post(make_thread(author, open_cat), own_author))
    if action == "view other's revisions":
        return perm.can_view_revisions(user, make_thread(author, cats["public"]).posts[0])
    if action == "create tag":
        return perm.can_create_tag(user)
    raise AssertionError(action)


CASES = [(action, role, bool(row[i])) for action, row in MATRIX.items() for i, role in enumerate(ROLES)]


@pytest.mark.parametrize(("action", "role", "expected"), CASES,
                         ids=[f"{a}-{r}" for a, r, _ in CASES])
def test_matrix(app, action, role, expected):
    user = _user(role)
    assert _check(action, user, role) is expected


def test_visible_threads_filter_matches_predicate(app):
    from sqlalchemy import select

    from forum.extensions import db
    from forum.models import Thread

    author = make_user("liaison")
    threads = [make_thread(author, make_category(v)) for v in ("public", "members", "governments", "staff")]
    threads.append(make_thread(author, threads[1].category, is_hidden=True))
    for role in ROLES:
        user = _user(role)
        listed = set(db.session.scalars(select(Thread.id).where(perm.visible_threads(user))))
        expected = {t.id for t in threads if perm.can_read_thread(user, t)}
        assert listed == expected, role
