"""The role x action matrix for every moderation predicate, and the observer rules."""

from __future__ import annotations

import pytest
from factories import make_category, make_post, make_thread, make_user

from forum import permissions as p

ROLES = ["anonymous", "suspended", "observer", "liaison", "facilitator", "moderator", "admin"]


def user_for(role):
    if role == "anonymous":
        return None
    if role == "suspended":
        return make_user("moderator", suspended=True)
    return make_user(role)


MODS = {"moderator", "admin"}
MEMBERS = {"observer", "liaison", "facilitator", "moderator", "admin"}

MATRIX = {
    # action: roles allowed
    "flag_post": MEMBERS,
    "see_own_flags": MEMBERS,
    "review_flags": MODS,
    "moderate_thread": MODS,  # pin, lock, close, hide, move, merge, split
    "moderate_post": MODS,  # hide and restore posts
    "merge_threads": MODS,
    "move_thread_to": MODS,
    "curate_tags": MODS,
    "feature_practice": MODS | {"facilitator"},
    "view_audit_log": MODS,
}


@pytest.fixture
def content(app):
    category = make_category("members")
    other = make_category("members")
    thread = make_thread(make_user("liaison"), category)
    target = make_thread(make_user("liaison"), other)
    post = make_post(thread, make_user("liaison"))
    return {"category": category, "other": other, "thread": thread, "target": target,
            "post": post}


def check(action, user, c):
    return {
        "flag_post": lambda: p.can_flag_post(user, c["post"]),
        "see_own_flags": lambda: p.can_see_own_flags(user),
        "review_flags": lambda: p.can_review_flags(user),
        "moderate_thread": lambda: p.can_moderate_thread(user, c["thread"]),
        "moderate_post": lambda: p.can_moderate_post(user, c["post"]),
        "merge_threads": lambda: p.can_merge_threads(user, c["thread"], c["target"]),
        "move_thread_to": lambda: p.can_move_thread_to(user, c["thread"], c["other"]),
        "curate_tags": lambda: p.can_curate_tags(user),
        "feature_practice": lambda: p.can_feature_practice(user),
        "view_audit_log": lambda: p.can_view_audit_log(user),
    }[action]()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_matrix(content, role, action):
    assert check(action, user_for(role), content) is (role in MATRIX[action])


def test_nobody_flags_their_own_post(content):
    author = content["post"].author
    assert not p.can_flag_post(author, content["post"])


def test_moderators_cannot_act_where_they_cannot_read(app):
    secret = make_category("members")
    secret.visibility = "secret"
    thread = make_thread(make_user("liaison"), secret)
    visible = make_thread(make_user("liaison"), make_category("members"))
    moderator = make_user("moderator")
    assert not p.can_moderate_thread(moderator, thread)
    assert not p.can_merge_threads(moderator, visible, thread)
    assert not p.can_move_thread_to(moderator, visible, secret)


@pytest.mark.parametrize("visibility,can_read", [
    ("public", True), ("members", True), ("governments", False), ("staff", False),
])
def test_observers_read_what_their_categories_allow(app, visibility, can_read):
    observer = make_user("observer")
    thread = make_thread(make_user("moderator"), make_category(visibility))
    assert p.can_read_thread(observer, thread) is can_read
    assert p.can_flag_post(observer, thread.posts[0]) is can_read


@pytest.mark.parametrize("open_consultation", [True, False])
def test_observers_reply_only_in_open_consultations(app, open_consultation):
    observer = make_user("observer")
    category = make_category("members", observers_may_reply=open_consultation)
    thread = make_thread(make_user("liaison"), category)
    assert p.can_reply(observer, thread) is open_consultation
    assert not p.can_post_in_category(observer, category)
