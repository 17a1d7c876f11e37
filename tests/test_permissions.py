"""The role x action matrix: who may do what, for every predicate in forum/permissions.py.

To extend it, add one line to MATRIX: the action's name, the set of roles that may do it, and a
function (user, world) -> bool that asks permissions.py. `world` builds the objects on demand
(categories of each visibility, threads in given states, posts by the acting user or by someone
else), so a new line rarely needs a new fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from factories import make_category, make_post, make_thread, make_user
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from forum import permissions as perm
from forum.extensions import db
from forum.models import Category, Invitation, Post, Practice, Thread, Visibility, utcnow

ROLES = ("anonymous", "observer", "liaison", "facilitator", "moderator", "admin", "suspended")

NOBODY: set[str] = set()
EVERYONE = set(ROLES)
MEMBERS = {"observer", "liaison", "facilitator", "moderator", "admin"}
WRITERS = {"liaison", "facilitator", "moderator", "admin"}
STAFF = {"facilitator", "moderator", "admin"}
MODERATORS = {"moderator", "admin"}
ADMINS = {"admin"}


class World:
    """The users of every role and the objects the actions are tried on, built when first asked."""

    def __init__(self) -> None:
        self.users = {role: make_user(role) for role in ROLES if role not in ("anonymous", "suspended")}
        self.users["suspended"] = make_user("liaison", suspended=True)
        self.users["anonymous"] = AnonymousUserMixin()
        self.someone_else = make_user("liaison", delegation="GT")
        self._cache: dict = {}

    def _once(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def category(self, visibility: str = "members", *, observers_may_reply: bool = False) -> Category:
        """A category of a visibility."""
        return self._once(("category", visibility, observers_may_reply),
                          lambda: make_category(visibility, observers_may_reply=observers_may_reply))

    def thread(self, visibility: str = "members", *, observers_may_reply: bool = False, **state) -> Thread:
        """A thread by someone else in a category of a visibility, in a state (locked=True, ...)."""
        key = ("thread", visibility, observers_may_reply, tuple(sorted(state.items())))
        fields = {"is_locked": state.get("locked", False), "is_hidden": state.get("hidden", False)}
        if state.get("closed"):
            fields["closed_at"] = utcnow()
        return self._once(key, lambda: make_thread(
            self.someone_else, self.category(visibility, observers_may_reply=observers_may_reply), **fields))

    def post(self, by, *, deleted: bool = False) -> Post:
        """A reply by `by` (a user, or None for someone else) in a members thread open to observers."""
        author = by if getattr(by, "is_authenticated", False) else self.someone_else
        key = ("post", author.id, deleted)
        thread = self.thread("members", observers_may_reply=True)
        return self._once(key, lambda: make_post(thread, author, is_deleted=deleted))

    def practice(self, status: str, visibility: str = "public") -> Practice:
        """A practice of someone else's delegation (Guatemala) in a workflow status."""
        def build():
            practice = Practice(title=f"Practice {status}", description="What it does.",
                                delegation_id=self.someone_else.delegation_id,
                                author_id=self.someone_else.id, status=status,
                                category_id=self.category(visibility).id)
            db.session.add(practice)
            db.session.commit()
            return practice
        return self._once(("practice", status, visibility), build)

    def invitation(self, role: str) -> Invitation:
        """A pending invitation for a role."""
        def build():
            invitation = Invitation(email=f"{role}@invited.example", role=role,
                                    delegation=self.someone_else.delegation,
                                    token_hash=f"{role:0<64}"[:64], expires_at=utcnow())
            db.session.add(invitation)
            db.session.commit()
            return invitation
        return self._once(("invitation", role), build)


SYNTHESIS_WRITERS = {"facilitator", "admin"}


def report_version(world: World, audience: str | None):
    """A report citing a post of a thread of the same visibility: a draft when audience is None."""
    from forum.synthesis import services

    def build():
        author = world.users["facilitator"]
        thread = world.thread(audience or "members")
        report = services.create_report(author, title="R", language="en", selection={},
                                        body=f"## 1. S\n\n[post:{thread.posts[0].id}]\n")
        if audience:
            services.publish_report(report, author, audience)
        return report.latest
    return world._once(("report", audience), build)


def action_item(world: World, user):
    """An open action item owned by the user's delegation (or by someone else's)."""
    from forum.models import ActionItem

    owner = user.delegation if getattr(user, "is_authenticated", False) else world.someone_else.delegation
    if user is None:
        owner = world.someone_else.delegation

    def build():
        item = ActionItem(description="Follow up", created_by_id=world.users["admin"].id)
        item.owners = [owner]
        db.session.add(item)
        db.session.commit()
        return item
    return world._once(("action", owner.id), build)


@dataclass(frozen=True)
class Rule:
    allowed: set[str]
    check: Callable[[object, World], bool]


MATRIX: dict[str, Rule] = {
    # administration
    "open the administration pages": Rule(ADMINS, lambda u, w: perm.can_access_admin(u)),
    "manage users": Rule(ADMINS, lambda u, w: perm.can_manage_users(u)),
    "change another account": Rule(ADMINS, lambda u, w: perm.can_change_user(u, w.someone_else)),
    "manage delegations": Rule(ADMINS, lambda u, w: perm.can_manage_delegations(u)),
    "manage categories": Rule(ADMINS, lambda u, w: perm.can_manage_categories(u)),
    "manage the mail queue": Rule(ADMINS, lambda u, w: perm.can_manage_mail(u)),
    "open the invitations page": Rule(MODERATORS, lambda u, w: perm.can_manage_invitations(u)),
    "invite an admin": Rule(ADMINS, lambda u, w: perm.can_invite(u, "admin")),
    "invite a moderator": Rule(ADMINS, lambda u, w: perm.can_invite(u, "moderator")),
    "invite a facilitator": Rule(ADMINS, lambda u, w: perm.can_invite(u, "facilitator")),
    "invite a liaison": Rule(MODERATORS, lambda u, w: perm.can_invite(u, "liaison")),
    "invite an observer": Rule(ADMINS, lambda u, w: perm.can_invite(u, "observer")),
    "resend/revoke a liaison invitation": Rule(
        MODERATORS, lambda u, w: perm.can_manage_invitation(u, w.invitation("liaison"))),
    "resend/revoke a facilitator invitation": Rule(
        ADMINS, lambda u, w: perm.can_manage_invitation(u, w.invitation("facilitator"))),
    "edit own profile": Rule(MEMBERS, lambda u, w: u.is_authenticated and perm.can_edit_profile(u, u)),
    "edit someone else's profile": Rule(NOBODY, lambda u, w: perm.can_edit_profile(u, w.someone_else)),
    # reading categories and threads
    "read a public category": Rule(EVERYONE, lambda u, w: perm.can_read_category(u, w.category("public"))),
    "read a members category": Rule(MEMBERS, lambda u, w: perm.can_read_category(u, w.category("members"))),
    "read a governments category": Rule(
        WRITERS, lambda u, w: perm.can_read_category(u, w.category("governments"))),
    "read a staff category": Rule(STAFF, lambda u, w: perm.can_read_category(u, w.category("staff"))),
    "read a thread in a members category": Rule(
        MEMBERS, lambda u, w: perm.can_read_thread(u, w.thread("members"))),
    "read a hidden thread": Rule(
        MODERATORS, lambda u, w: perm.can_read_thread(u, w.thread("public", hidden=True))),
    # starting threads
    "start a thread somewhere": Rule(WRITERS, lambda u, w: perm.can_start_thread(u)),
    "post in a public category": Rule(WRITERS, lambda u, w: perm.can_post_in_category(u, w.category("public"))),
    "post in a members category": Rule(WRITERS, lambda u, w: perm.can_post_in_category(u, w.category("members"))),
    "post in a governments category": Rule(
        WRITERS, lambda u, w: perm.can_post_in_category(u, w.category("governments"))),
    "post in a staff category": Rule(STAFF, lambda u, w: perm.can_post_in_category(u, w.category("staff"))),
    # replying
    "reply in a public category": Rule(WRITERS, lambda u, w: perm.can_reply(u, w.thread("public"))),
    "reply in a members category": Rule(WRITERS, lambda u, w: perm.can_reply(u, w.thread("members"))),
    "reply where observers may reply": Rule(
        MEMBERS, lambda u, w: perm.can_reply(u, w.thread("members", observers_may_reply=True))),
    "reply in a governments category": Rule(WRITERS, lambda u, w: perm.can_reply(u, w.thread("governments"))),
    "reply in a staff category": Rule(STAFF, lambda u, w: perm.can_reply(u, w.thread("staff"))),
    "reply to a locked thread": Rule(MODERATORS, lambda u, w: perm.can_reply(u, w.thread("members", locked=True))),
    "reply to a closed thread": Rule(MODERATORS, lambda u, w: perm.can_reply(u, w.thread("members", closed=True))),
    # posts
    "edit own post": Rule(MEMBERS, lambda u, w: perm.can_edit_post(u, w.post(u))),
    "edit someone else's post": Rule(MODERATORS, lambda u, w: perm.can_edit_post(u, w.post(None))),
    "delete own post": Rule(MEMBERS, lambda u, w: perm.can_delete_post(u, w.post(u))),
    "delete someone else's post": Rule(MODERATORS, lambda u, w: perm.can_delete_post(u, w.post(None))),
    "delete an already deleted post": Rule(NOBODY, lambda u, w: perm.can_delete_post(u, w.post(None, deleted=True))),
    "read a deleted post's text": Rule(
        MODERATORS, lambda u, w: perm.can_read_post_text(u, w.post(None, deleted=True))),
    "view own post's revisions": Rule(MEMBERS, lambda u, w: perm.can_view_revisions(u, w.post(u))),
    "view someone else's revisions": Rule(MODERATORS, lambda u, w: perm.can_view_revisions(u, w.post(None))),
    # tags
    "create a tag": Rule(WRITERS, lambda u, w: perm.can_create_tag(u)),
    # discussion core: starting threads anywhere, frozen threads
    "start threads (the New thread link)": Rule(WRITERS, lambda u, w: perm.can_start_thread(u)),
    "reply to a hidden thread": Rule(
        MODERATORS, lambda u, w: perm.can_reply(u, w.thread("members", hidden=True))),
    "reply to a locked thread open to observers": Rule(
        MODERATORS, lambda u, w: perm.can_reply(u, w.thread("members", observers_may_reply=True, locked=True))),
    "edit own post in a thread locked afterwards": Rule(MODERATORS, lambda u, w: _own_post_then_lock(u, w)),
    "quote (reply) in a thread open to observers": Rule(
        MEMBERS, lambda u, w: perm.can_reply(u, w.thread("members", observers_may_reply=True))),
    # practices (of another delegation unless said otherwise)
    "describe a practice": Rule(WRITERS, lambda u, w: perm.can_create_practice(u)),
    "read another delegation's draft": Rule(NOBODY, lambda u, w: perm.can_view_practice(u, w.practice("draft"))),
    "read a practice under review": Rule(STAFF, lambda u, w: perm.can_view_practice(u, w.practice("submitted"))),
    "read a published practice": Rule(EVERYONE, lambda u, w: perm.can_view_practice(u, w.practice("published"))),
    "read a published practice of a governments category": Rule(
        WRITERS, lambda u, w: perm.can_view_practice(u, w.practice("published", "governments"))),
    "edit another delegation's practice": Rule(
        MODERATORS, lambda u, w: perm.can_edit_practice(u, w.practice("published"))),
    "submit another delegation's draft": Rule(
        MODERATORS, lambda u, w: perm.can_submit_practice(u, w.practice("draft"))),
    "approve a practice": Rule(STAFF, lambda u, w: perm.can_approve(u, w.practice("submitted"))),
    "request changes to a practice": Rule(
        STAFF, lambda u, w: perm.can_request_changes(u, w.practice("submitted"))),
    "ask for an update of a published practice": Rule(
        STAFF, lambda u, w: perm.can_request_update(u, w.practice("published"))),
    "delete a published practice": Rule(
        MODERATORS, lambda u, w: perm.can_delete_practice(u, w.practice("published"))),
    "attach a document to another delegation's practice": Rule(
        MODERATORS, lambda u, w: perm.can_upload_practice_document(u, w.practice("published"))),
    "see focal point contacts": Rule(MEMBERS, lambda u, w: perm.can_see_focal_points(u)),
    "manage indicators, populations and situations": Rule(
        {"facilitator", "admin"}, lambda u, w: perm.can_manage_practice_lists(u)),
    # moderation and curation
    "flag someone else's post": Rule(MEMBERS, lambda u, w: perm.can_flag_post(u, w.post(None))),
    "flag own post": Rule(NOBODY, lambda u, w: perm.can_flag_post(u, w.post(u))),
    "flag a deleted post": Rule(NOBODY, lambda u, w: perm.can_flag_post(u, w.post(None, deleted=True))),
    "flag a post in a staff category": Rule(
        STAFF, lambda u, w: perm.can_flag_post(u, w.thread("staff").posts[0])),
    "see own flags and messages": Rule(MEMBERS, lambda u, w: perm.can_see_own_flags(u)),
    "open the review queue and resolve flags": Rule(MODERATORS, lambda u, w: perm.can_review_flags(u)),
    "pin, lock, close, hide, move, split a thread": Rule(
        MODERATORS, lambda u, w: perm.can_moderate_thread(u, w.thread("members"))),
    "use the thread tools in a staff category": Rule(
        MODERATORS, lambda u, w: perm.can_moderate_thread(u, w.thread("staff"))),
    "restore a hidden thread": Rule(
        MODERATORS, lambda u, w: perm.can_moderate_thread(u, w.thread("public", hidden=True))),
    "hide or restore someone else's post": Rule(
        MODERATORS, lambda u, w: perm.can_moderate_post(u, w.post(None))),
    "merge two threads": Rule(
        MODERATORS, lambda u, w: perm.can_merge_threads(u, w.thread("members"), w.thread("public"))),
    "move a thread to another category": Rule(
        MODERATORS, lambda u, w: perm.can_move_thread_to(u, w.thread("members"), w.category("public"))),
    "curate tags (rename, labels, synonyms, merge, groups)": Rule(
        MODERATORS, lambda u, w: perm.can_curate_tags(u)),
    "feature a practice": Rule(STAFF, lambda u, w: perm.can_feature_practice(u)),
    "flag another delegation's published practice": Rule(
        MEMBERS, lambda u, w: perm.can_flag_practice(u, w.practice("published"))),
    "flag a draft": Rule(NOBODY, lambda u, w: perm.can_flag_practice(u, w.practice("draft"))),
    "browse the audit log": Rule(MODERATORS, lambda u, w: perm.can_view_audit_log(u)),
    # synthesis: summaries, clips, reports, follow-up actions
    "summarize a members thread": Rule(
        SYNTHESIS_WRITERS, lambda u, w: perm.can_write_summary(u, w.thread("members"))),
    "summarize a staff thread": Rule(
        SYNTHESIS_WRITERS, lambda u, w: perm.can_write_summary(u, w.thread("staff"))),
    "clip a post": Rule(SYNTHESIS_WRITERS, lambda u, w: perm.can_clip_post(u, w.post(None))),
    "see report drafts": Rule(SYNTHESIS_WRITERS, lambda u, w: perm.can_view_report_drafts(u)),
    "read a report published for members": Rule(
        MEMBERS, lambda u, w: perm.can_read_report_version(u, report_version(w, "members"))),
    "read a report published for governments": Rule(
        WRITERS, lambda u, w: perm.can_read_report_version(u, report_version(w, "governments"))),
    "read a report published for staff": Rule(
        STAFF, lambda u, w: perm.can_read_report_version(u, report_version(w, "staff"))),
    "export a report draft": Rule(
        SYNTHESIS_WRITERS, lambda u, w: perm.can_export_report_version(u, report_version(w, None))),
    "view the actions register": Rule(MEMBERS, lambda u, w: perm.can_view_actions(u)),
    "create and edit action items": Rule(STAFF, lambda u, w: perm.can_manage_actions(u)),
    "update an item of own delegation": Rule(
        WRITERS, lambda u, w: perm.can_update_action_status(u, action_item(w, u))),
    "update an item of another delegation": Rule(
        STAFF, lambda u, w: perm.can_update_action_status(u, action_item(w, None))),
}


def _own_post_then_lock(user, world: World) -> bool:
    """Whether the user may still edit their own reply once moderators lock the thread."""
    if not getattr(user, "is_authenticated", False):
        return perm.can_edit_post(user, world.post(None))
    thread = make_thread(world.someone_else, world.category("members", observers_may_reply=True))
    post = make_post(thread, user)
    thread.is_locked = True
    db.session.commit()
    return perm.can_edit_post(user, post)


@pytest.fixture
def world(app) -> World:
    return World()


@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(world, action):
    rule = MATRIX[action]
    granted = {role for role in ROLES if rule.check(world.users[role], world)}
    assert granted == rule.allowed, (
        f"{action}: unexpectedly allowed {sorted(granted - rule.allowed)}, "
        f"unexpectedly denied {sorted(rule.allowed - granted)}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_visible_filters_agree_with_the_predicates(world, role):
    user = world.users[role]
    for visibility in Visibility:
        world.thread(visibility.value)
    world.thread("public", hidden=True)
    categories = set(db.session.scalars(select(Category).where(perm.visible_categories(user))))
    assert categories == {c for c in db.session.scalars(select(Category)) if perm.can_read_category(user, c)}
    threads = set(db.session.scalars(select(Thread).where(perm.visible_threads(user))))
    assert threads == {t for t in db.session.scalars(select(Thread)) if perm.can_read_thread(user, t)}
    world.post(None)
    world.post(None, deleted=True)
    posts = set(db.session.scalars(select(Post).join(Thread).where(perm.visible_posts(user))))
    assert posts == {
        p for p in db.session.scalars(select(Post))
        if perm.can_read_thread(user, p.thread) and perm.can_read_post_text(user, p)
    }
    for status in ("draft", "submitted", "changes_requested", "published", "update_requested"):
        world.practice(status)
    world.practice("published", "governments")
    practices = set(db.session.scalars(select(Practice).where(perm.visible_practices(user))))
    assert practices == {p for p in db.session.scalars(select(Practice)) if perm.can_view_practice(user, p)}


# The same rules, seen through the pages: status code for each role on each administrative URL.
PAGES = {
    "/admin/": ADMINS,
    "/admin/users": ADMINS,
    "/admin/delegations": ADMINS,
    "/admin/categories": ADMINS,
    "/admin/categories/new": ADMINS,
    "/admin/mail": ADMINS,
    "/admin/invitations": MODERATORS,
    "/auth/profile": MEMBERS,
    "/moderation/queue": MODERATORS,
    "/moderation/audit": MODERATORS,
    "/moderation/tags": MODERATORS,
    "/moderation/my-flags": MEMBERS,
    "/synthesis/collections": {"facilitator", "admin"},
    "/synthesis/reports/new": {"facilitator", "admin"},
    "/synthesis/actions": MEMBERS,
    "/synthesis/actions/new": STAFF,
}


@pytest.mark.parametrize("path", list(PAGES))
def test_pages_by_role(app, client, login_as, path):
    users = {role: make_user(role) for role in MEMBERS}
    users["suspended"] = make_user("admin", suspended=True)
    for role in ROLES:
        login_as(users.get(role))
        status = client.get(path).status_code
        if role in PAGES[path]:
            assert status == 200, (role, path)
        elif role in ("anonymous", "suspended"):
            assert status == 302, (role, path)  # to the login page
        else:
            assert status == 403, (role, path)
