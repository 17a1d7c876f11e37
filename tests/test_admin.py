"""Administration pages: users, delegations, invitations, categories, and their audit trail."""

from __future__ import annotations

import re

import pytest
from factories import PASSWORD, make_category, make_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEvent, Category, Delegation, Invitation, User
from forum.models.roster import delegation_by_code


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def admin(login_as):
    return login_as(make_user("admin", display_name="Ada Admin"))


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/users", "/admin/delegations", "/admin/delegations/new",
     "/admin/categories", "/admin/categories/new"],
)
def test_admin_pages_for_admins_only(client, login_as, path):
    assert client.get(path).status_code == 302  # to the login page
    for role in ("observer", "liaison", "facilitator", "moderator"):
        login_as(make_user(role))
        assert client.get(path).status_code == 403, role
    login_as(make_user("admin"))
    response = client.get(path)
    assert response.status_code == 200
    assert text_of(response).count("<h1>") == 1


def test_overview_links_to_every_page(client, admin):
    page = text_of(client.get("/admin/"))
    for path in ("/admin/users", "/admin/invitations", "/admin/delegations", "/admin/categories"):
        assert f'href="{path}"' in page
    assert "Administration" in text_of(client.get("/"))


def test_admin_pages_in_spanish_and_french(client, admin):
    for lang, word in (("es", "Usuarios"), ("fr", "Utilisateurs")):
        admin.locale = lang
        db.session.commit()
        page = text_of(client.get("/admin/"))
        assert f'lang="{lang}"' in page and word in page


# --- users ------------------------------------------------------------------------------------


def test_users_list_filters_by_delegation_role_and_status(client, admin):
    mx = make_user("liaison", delegation="MX", display_name="Lucía MX")
    make_user("liaison", delegation="GT", display_name="Carlos GT")
    make_user("observer", display_name="Olga Observer")
    make_user("liaison", delegation="MX", display_name="Susana Suspended", suspended=True)

    page = text_of(client.get(f"/admin/users?delegation={mx.delegation_id}"))
    assert "Lucía MX" in page and "Susana Suspended" in page and "Carlos GT" not in page

    page = text_of(client.get("/admin/users?role=observer"))
    assert "Olga Observer" in page and "Lucía MX" not in page

    page = text_of(client.get(f"/admin/users?delegation={mx.delegation_id}&status=suspended"))
    assert "Susana Suspended" in page and "Lucía MX" not in page


def test_users_list_bad_filter_is_400(client, admin):
    response = client.get("/admin/users?role=emperor")
    assert response.status_code == 400
    assert "Not a valid choice" in text_of(response)


def test_users_list_is_paginated_and_keeps_filters(client, admin):
    for n in range(30):
        make_user("liaison", delegation="GT", display_name=f"Liaison {n:02d}")
    gt = delegation_by_code("GT")
    first = text_of(client.get(f"/admin/users?delegation={gt.id}"))
    assert "30 accounts match." in first
    assert "Liaison 00" in first and "Liaison 29" not in first
    assert f"/admin/users?page=2&amp;delegation={gt.id}" in first
    second = text_of(client.get(f"/admin/users?page=2&delegation={gt.id}"))
    assert "Liaison 29" in second and "Liaison 00" not in second
    assert client.get("/admin/users?page=9").status_code == 404


def test_change_role_and_delegation_is_audited(client, admin):
    user = make_user("liaison", delegation="MX")
    gt = delegation_by_code("GT")
    response = client.post(f"/admin/users/{user.id}", data={"role": "moderator", "delegation": gt.id})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "moderator" and user.delegation.code == "GT"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.updated"))
    assert event.actor_id == admin.id and event.target_id == user.id
    assert event.before == {"role": "liaison", "delegation": "MX", "suspended": False}
    assert event.after == {"role": "moderator", "delegation": "GT", "suspended": False}
    assert "role or delegation changed" in text_of(client.get(f"/admin/users/{user.id}"))


def test_cannot_demote_yourself(client, admin):
    make_user("admin")  # not the last admin: the refusal is about yourself
    response = client.post(f"/admin/users/{admin.id}",
                           data={"role": "liaison", "delegation": admin.delegation_id})
    assert response.status_code == 409
    assert "You cannot change your own role" in text_of(response)
    assert db.session.get(User, admin.id).role == "admin"
    assert audit_actions() == []


def test_service_refuses_to_demote_or_suspend_the_last_admin(app):
    # Through the pages the last active admin can only be acted on by themselves (refused
    # earlier); the service still guards the rule for any other caller.
    from forum.admin.services import AdminRefused, change_account, suspend_account

    last = make_user("admin", display_name="Last Admin")
    former = make_user("admin", suspended=True)
    with pytest.raises(AdminRefused, match="last active administrator"):
        change_account(former, last, "liaison", last.delegation)
    with pytest.raises(AdminRefused, match="last active administrator"):
        suspend_account(former, last, None)
    assert db.session.get(User, last.id).role == "admin"
    assert not db.session.get(User, last.id).is_suspended
    assert audit_actions() == []


def test_last_admin_page_says_it_cannot_be_suspended(client, admin):
    make_user("admin", suspended=True)
    other = make_user("admin")
    page = text_of(client.get(f"/admin/users/{other.id}"))
    assert "Suspend the account" in page  # two active admins
    response = client.post(f"/admin/users/{other.id}/suspend", data={"reason": "left"})
    assert response.status_code == 302
    page = text_of(client.get(f"/admin/users/{admin.id}"))
    assert "You cannot change your own role or suspend your own account" in page
    response = client.post(f"/admin/users/{admin.id}/suspend")
    assert response.status_code == 409
    assert "You cannot suspend your own account." in text_of(response)


def test_suspend_asks_for_confirmation_then_logs_the_user_out(app, client, admin):
    target = make_user("liaison", email="target@example.org", display_name="Tina Target")
    other = app.test_client()
    assert other.post("/auth/login", data={"email": "target@example.org", "password": PASSWORD}).status_code == 302
    assert other.get("/auth/profile").status_code == 200

    confirm = client.get(f"/admin/users/{target.id}/suspend")
    assert confirm.status_code == 200
    assert "Suspend Tina Target?" in text_of(confirm)
    assert db.session.get(User, target.id).is_suspended is False  # GET changes nothing

    response = client.post(f"/admin/users/{target.id}/suspend", data={"reason": "Left the ministry"})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.is_suspended
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.suspended"))
    assert event.reason == "Left the ministry" and event.actor_id == admin.id

    # Their open session ends on the next request, and they cannot log in again.
    assert other.get("/auth/profile").status_code == 302
    response = other.post("/auth/login", data={"email": "target@example.org", "password": PASSWORD})
    assert response.status_code == 403

    # Suspending twice is refused with a message, not a crash.
    response = client.post(f"/admin/users/{target.id}/suspend")
    assert response.status_code == 409
    assert "already suspended" in text_of(response)

    response = client.post(f"/admin/users/{target.id}/reactivate", data={"reason": "Back"})
    assert response.status_code == 302
    db.session.refresh(target)
    assert not target.is_suspended
    assert audit_actions() == ["user.suspended", "user.reactivated"]
    assert other.post("/auth/login", data={"email": "target@example.org", "password": PASSWORD}).status_code == 302


def test_reason_too_long_keeps_the_text(client, admin):
    target = make_user("liaison")
    response = client.post(f"/admin/users/{target.id}/suspend", data={"reason": "x" * 1001})
    assert response.status_code == 400
    assert "x" * 1001 in text_of(response)
    assert not db.session.get(User, target.id).is_suspended


def test_unknown_user_is_404(client, admin):
    assert client.get("/admin/users/9999").status_code == 404
    assert client.post("/admin/users/9999/suspend").status_code == 404


# --- delegations ------------------------------------------------------------------------------


def test_delegations_list_shows_names_in_the_reader_language(client, admin):
    page = text_of(client.get("/admin/delegations"))
    assert "Mexico" in page and "International Organization for Migration (IOM)" in page
    admin.locale = "es"
    db.session.commit()
    page = text_of(client.get("/admin/delegations"))
    assert "México" in page and "Organización Internacional para las Migraciones (OIM)" in page


def test_edit_organization_names_is_audited(client, admin):
    iom = delegation_by_code("IOM")
    response = client.post(f"/admin/delegations/{iom.id}", data={
        "name_en": "IOM, the UN Migration Agency", "name_es": "OIM, Agencia de la ONU para la Migración",
        "name_fr": "OIM, Agence des Nations Unies pour les migrations", "position": "100",
    })
    assert response.status_code == 302
    db.session.refresh(iom)
    assert iom.name_in("es") == "OIM, Agencia de la ONU para la Migración"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delegation.updated"))
    assert event.before["name_en"] == "International Organization for Migration (IOM)"
    assert event.after["name_en"] == "IOM, the UN Migration Agency"


def test_edit_organization_requires_every_name(client, admin):
    iom = delegation_by_code("IOM")
    response = client.post(f"/admin/delegations/{iom.id}",
                           data={"name_en": "Typed name", "name_es": "", "name_fr": "x"})
    assert response.status_code == 400
    assert 'value="Typed name"' in text_of(response)
    assert delegation_by_code("IOM").name_en == "International Organization for Migration (IOM)"


def test_country_names_are_not_editable_but_position_is(client, admin):
    mx = delegation_by_code("MX")
    page = text_of(client.get(f"/admin/delegations/{mx.id}"))
    assert 'name="name_en"' not in page and "México" in page
    response = client.post(f"/admin/delegations/{mx.id}", data={"name_en": "Hacked", "position": "42"})
    assert response.status_code == 302
    db.session.refresh(mx)
    assert mx.name_en == "Mexico" and mx.position == 42


def test_add_organization_and_refuse_duplicate_code(client, admin):
    data = {"code": "ifrc", "name_en": "Red Cross", "name_es": "Cruz Roja", "name_fr": "Croix-Rouge"}
    assert client.post("/admin/delegations/new", data=data).status_code == 302
    added = delegation_by_code("IFRC")
    assert added is not None and not added.is_country
    response = client.post("/admin/delegations/new", data=data)
    assert response.status_code == 409
    assert "already exists" in text_of(response)
    assert db.session.scalar(select(Delegation).where(Delegation.code == "IFRC")) is not None
    assert audit_actions() == ["delegation.created"]


# --- invitations ------------------------------------------------------------------------------


def test_admin_issues_an_invitation_for_any_role(client, admin, outbox):
    iom = delegation_by_code("IOM")
    response = client.post("/admin/invitations", data={
        "email": "New.Facilitator@Example.org", "delegation": iom.id, "role": "facilitator",
        "language": "fr",
    })
    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert invitation.email == "new.facilitator@example.org"
    assert invitation.role == "facilitator" and invitation.locale == "fr"
    assert invitation.invited_by_id == admin.id
    [message] = outbox()
    assert message["To"] == "new.facilitator@example.org"
    assert message["Subject"] == "Invitation à l'Échange de pratiques consulaires"  # its language
    assert "/auth/invitation/" in message.get_content()
    page = text_of(client.get("/admin/invitations"))
    assert "new.facilitator@example.org" in page
    assert audit_actions() == ["invitation.created"]


def test_duplicate_invitations_are_refused_with_a_message(client, admin, outbox):
    make_user("liaison", email="exists@example.org")
    mx = delegation_by_code("MX")
    response = client.post("/admin/invitations", data={
        "email": "EXISTS@example.org", "delegation": mx.id, "role": "liaison", "language": "es"})
    assert response.status_code == 409
    assert "An account already exists for exists@example.org." in text_of(response)
    assert 'value="EXISTS@example.org"' in text_of(response)

    data = {"email": "new@example.org", "delegation": mx.id, "role": "liaison", "language": "es"}
    assert client.post("/admin/invitations", data=data).status_code == 302
    response = client.post("/admin/invitations", data=data | {"email": "New@Example.org"})
    assert response.status_code == 409
    assert "An invitation is already pending for new@example.org." in text_of(response)
    assert len(outbox()) == 1
    assert db.session.scalar(select(db.func.count(Invitation.id))) == 1


def test_invalid_invitation_input_keeps_what_was_typed(client, admin):
    response = client.post("/admin/invitations", data={
        "email": "not-an-address", "delegation": "9999", "role": "liaison", "language": "en"})
    assert response.status_code == 400
    page = text_of(response)
    assert 'value="not-an-address"' in page
    assert "Enter a valid email address." in page
    assert db.session.scalar(select(Invitation)) is None


def test_resend_gives_a_new_link_and_revoke_kills_it(client, admin, outbox):
    mx = delegation_by_code("MX")
    client.post("/admin/invitations", data={
        "email": "ana@example.org", "delegation": mx.id, "role": "liaison", "language": "es"})
    invitation = db.session.scalar(select(Invitation))
    first_link = re.search(r"http://\S+", outbox()[0].get_content()).group(0)

    assert client.post(f"/admin/invitations/{invitation.id}/resend").status_code == 302
    second_link = re.search(r"http://\S+", outbox()[1].get_content()).group(0)
    assert second_link != first_link
    assert client.get(first_link).status_code == 404  # the old link no longer works
    assert client.get(second_link).status_code == 200

    assert client.post(f"/admin/invitations/{invitation.id}/revoke").status_code == 302
    assert client.get(second_link).status_code == 410
    assert "withdrawn" in text_of(client.get(second_link))
    page = text_of(client.get("/admin/invitations?status=revoked"))
    assert "ana@example.org" in page
    # Acting on a revoked invitation again is refused with a message.
    response = client.post(f"/admin/invitations/{invitation.id}/revoke")
    assert response.status_code == 409
    assert "already used or revoked" in text_of(response)
    response = client.post(f"/admin/invitations/{invitation.id}/resend")
    assert response.status_code == 409
    assert audit_actions() == ["invitation.created", "invitation.resent", "invitation.revoked"]


def test_moderator_invites_liaisons_only(client, login_as, outbox):
    moderator = login_as(make_user("moderator"))
    page = client.get("/admin/invitations")
    assert page.status_code == 200
    html = text_of(page)
    assert 'value="liaison"' in html and 'value="admin"' not in html
    assert 'href="/admin/invitations"' in text_of(client.get("/"))  # the header link
    gt = delegation_by_code("GT")
    response = client.post("/admin/invitations", data={
        "email": "carlos@example.org", "delegation": gt.id, "role": "liaison", "language": "es"})
    assert response.status_code == 302
    response = client.post("/admin/invitations", data={
        "email": "boss@example.org", "delegation": gt.id, "role": "admin", "language": "es"})
    assert response.status_code == 400  # not one of the offered roles
    assert db.session.scalar(select(Invitation).where(Invitation.email == "boss@example.org")) is None
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/users").status_code == 403

    # An admin's invitation of a facilitator is neither listed nor manageable by the moderator.
    admin = make_user("admin")
    from forum.auth.services import create_invitation

    with client.application.test_request_context():
        facilitator_inv, _link, _sent = create_invitation(
            "fac@example.org", "facilitator", delegation_by_code("IOM"), admin)
    assert "fac@example.org" not in text_of(client.get("/admin/invitations"))
    assert client.post(f"/admin/invitations/{facilitator_inv.id}/revoke").status_code == 403
    assert db.session.get(Invitation, facilitator_inv.id).revoked_at is None
    assert moderator.id == db.session.scalar(
        select(Invitation.invited_by_id).where(Invitation.email == "carlos@example.org"))


@pytest.mark.parametrize("role", ["observer", "liaison", "facilitator"])
def test_other_roles_cannot_reach_invitations(client, login_as, role):
    login_as(make_user(role))
    assert client.get("/admin/invitations").status_code == 403
    assert client.post("/admin/invitations", data={"email": "x@example.org"}).status_code == 403


# --- categories -------------------------------------------------------------------------------


CATEGORY_DATA = {
    "slug": "case-management", "name_en": "Case management", "name_es": "Gestión de casos",
    "name_fr": "Gestion des dossiers", "description_en": "How cases are recorded.",
    "description_es": "Cómo se registran los casos.", "description_fr": "Comment les dossiers sont saisis.",
    "position": "3", "visibility": "governments", "observers_may_reply": "y",
}


def test_create_and_edit_a_category(client, admin):
    assert client.post("/admin/categories/new", data=CATEGORY_DATA).status_code == 302
    category = db.session.scalar(select(Category))
    assert category.slug == "case-management" and category.visibility == "governments"
    assert category.observers_may_reply is True and category.position == 3
    assert category.name_in("fr") == "Gestion des dossiers"

    page = text_of(client.get("/admin/categories"))
    assert "Case management" in page and "governments" in page

    edited = CATEGORY_DATA | {"visibility": "staff", "name_en": "Case files"}
    del edited["observers_may_reply"]
    assert client.post(f"/admin/categories/{category.id}", data=edited).status_code == 302
    db.session.refresh(category)
    assert category.visibility == "staff" and category.observers_may_reply is False
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["category.created", "category.updated"]
    assert events[1].before["visibility"] == "governments" and events[1].after["visibility"] == "staff"


def test_category_slug_rules(client, admin):
    make_category(name="Existing")
    existing = db.session.scalar(select(Category))
    response = client.post("/admin/categories/new", data=CATEGORY_DATA | {"slug": existing.slug})
    assert response.status_code == 409
    assert "is already used by the category Existing" in text_of(response)
    response = client.post("/admin/categories/new", data=CATEGORY_DATA | {"slug": "Bad slug!"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Use lowercase letters, digits and single hyphens" in page
    assert 'value="Gestión de casos"' in page
    assert db.session.scalar(select(db.func.count(Category.id))) == 1


def test_category_unknown_visibility_is_400(client, admin):
    response = client.post("/admin/categories/new", data=CATEGORY_DATA | {"visibility": "secret"})
    assert response.status_code == 400
    assert db.session.scalar(select(Category)) is None


# --- command line -----------------------------------------------------------------------------


def test_cli_invites_the_first_admin(app, client, runner, outbox):
    result = runner.invoke(args=["users", "invite", "Boss@Example.org", "--role", "admin",
                                 "--delegation", "iom", "--base-url", "https://exchange.example.org"])
    assert result.exit_code == 0, result.output
    link = re.search(r"https://exchange\.example\.org(/auth/invitation/\S+)", result.output)
    assert link, result.output
    assert "outbox" in result.output
    assert len(outbox()) == 1
    response = client.post(link.group(1), data={
        "display_name": "The Boss", "password": "first admin passphrase",
        "confirm": "first admin passphrase"})
    assert response.status_code == 302
    boss = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert boss.role == "admin" and boss.delegation.code == "IOM"
    assert client.get("/admin/").status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.created"))
    assert event.actor_id is None


def test_cli_invite_refusals(runner):
    make_user("liaison", email="taken@example.org")
    result = runner.invoke(args=["users", "invite", "taken@example.org", "--delegation", "MX"])
    assert result.exit_code == 1
    assert "An account already exists for taken@example.org." in result.output
    result = runner.invoke(args=["users", "invite", "new@example.org", "--delegation", "XX"])
    assert result.exit_code == 2 and "no delegation with the code" in result.output
    result = runner.invoke(args=["users", "invite", "not-an-address", "--delegation", "MX"])
    assert result.exit_code == 2
    result = runner.invoke(args=["users", "invite", "new@example.org", "--delegation", "MX",
                                 "--role", "emperor"])
    assert result.exit_code == 2
    assert db.session.scalar(select(Invitation)) is None


def test_cli_lists_users(runner):
    make_user("liaison", email="ana@example.org", delegation="MX")
    make_user("observer", email="olga@example.org", suspended=True)
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert "ana@example.org" in result.output and "olga@example.org" in result.output
    assert "suspended" in result.output and "2 account(s)." in result.output
    result = runner.invoke(args=["users", "list", "--delegation", "mx"])
    assert "ana@example.org" in result.output and "olga@example.org" not in result.output
    result = runner.invoke(args=["users", "list", "--role", "admin"])
    assert result.output.strip() == "No accounts."


def test_missing_or_unknown_choices_are_400(client, admin):
    user = make_user("liaison")
    response = client.post(f"/admin/users/{user.id}", data={})
    assert response.status_code == 400 and "Not a valid choice" in text_of(response)
    response = client.post(f"/admin/users/{user.id}", data={"role": "emperor", "delegation": "1"})
    assert response.status_code == 400
    response = client.post("/admin/invitations", data={"email": "a@example.org", "delegation": "",
                                                       "role": "liaison", "language": "en"})
    assert response.status_code == 400 and "This field is required." in text_of(response)
    assert db.session.get(User, user.id).role == "liaison"
