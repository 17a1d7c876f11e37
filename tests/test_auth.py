"""Accounts end to end: invitations, password reset, login and logout, profile."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from factories import PASSWORD, make_user
from sqlalchemy import func, select

from forum.auth.services import create_invitation
from forum.extensions import db
from forum.models import Invitation, PasswordReset, User, utcnow
from forum.models.roster import delegation_by_code

NEW_PASSWORD = "a much longer passphrase"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def link_path(message) -> str:
    """The path of the single link in an email (the test client works with paths)."""
    url = re.search(r"https?://\S+", message.get_content()).group(0)
    return urlsplit(url).path


def invite(app, email="invitee@example.org", role="liaison", code="MX", locale="es", by=None):
    with app.test_request_context():
        invitation, _link, sent = create_invitation(email, role, delegation_by_code(code), by, locale)
    assert sent
    return invitation


def logged_in_user(client) -> str | None:
    """The display name shown in the header, or None when logged out."""
    page = text_of(client.get("/auth/profile"))
    match = re.search(r'<a href="/auth/profile">([^<]+)<span', page)
    return match.group(1) if match else None


# --- invitations ------------------------------------------------------------------------------


def test_invitation_flow_end_to_end(app, client, outbox):
    admin = make_user("admin")
    invite(app, "Invitee@Example.org", by=admin)
    [message] = outbox()
    assert message["To"] == "invitee@example.org"
    assert message["Subject"] == "Invitación al Intercambio de Prácticas Consulares"
    assert "oficial de enlace" in message.get_content()
    path = link_path(message)

    page = client.get(path)
    assert page.status_code == 200
    assert "invitee@example.org" in text_of(page)

    response = client.post(path, data={"display_name": "Ana López", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "invitee@example.org"))
    assert user.role == "liaison" and user.delegation.code == "MX" and user.locale == "es"
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_user(client) == "Ana López"
    invitation = db.session.scalar(select(Invitation))
    assert invitation.accepted_at is not None and invitation.user_id == user.id

    # The link is single use.
    client.post("/auth/logout")
    reused = client.get(path)
    assert reused.status_code == 410
    assert "Esta invitación ya se utilizó." in text_of(reused)  # in the invitation's language
    response = client.post(path, data={"display_name": "Intruder", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert db.session.scalar(select(func.count(User.id))) == 2


def test_invitation_short_password_and_mismatch_keep_the_name(app, client, outbox):
    invite(app, locale="en")
    path = link_path(outbox()[0])
    response = client.post(path, data={"display_name": "Ana López", "password": "short",
                                       "confirm": "short"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Use at least 12 characters." in page
    assert 'value="Ana López"' in page and 'value="short"' not in page

    response = client.post(path, data={"display_name": "Ana López", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD + "x"})
    assert response.status_code == 400
    assert "The two passwords do not match." in text_of(response)
    assert NEW_PASSWORD not in text_of(response)

    response = client.post(path, data={"display_name": "Ana López", "password": " " * 14,
                                       "confirm": " " * 14})
    assert response.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "invitee@example.org")) is None


def test_expired_invitation(app, client, outbox):
    invitation = invite(app)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(link_path(outbox()[0]))
    assert response.status_code == 410
    assert "This invitation has expired." in text_of(response)


def test_revoked_invitation(app, client, outbox):
    invitation = invite(app)
    invitation.revoked_at = utcnow()
    db.session.commit()
    response = client.post(link_path(outbox()[0]), data={
        "display_name": "Ana", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert "withdrawn" in text_of(response)
    assert db.session.scalar(select(User).where(User.email == "invitee@example.org")) is None


@pytest.mark.parametrize("token", ["unknown-token", "x" * 300, "%00"])
def test_unknown_invitation_token(client, token):
    response = client.get(f"/auth/invitation/{token}")
    assert response.status_code == 404
    assert "This invitation link is not valid." in text_of(response)


def test_invitation_for_an_address_that_got_an_account_meanwhile(app, client, outbox):
    invite(app, "dup@example.org")
    make_user("observer", email="DUP@example.org")
    path = link_path(outbox()[0])
    assert client.get(path).status_code == 409
    response = client.post(path, data={"display_name": "Dup", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 409
    assert "An account already exists for this address." in text_of(response)


def test_invitation_refused_for_existing_account_or_pending_invitation(app):
    from forum.auth.services import InvitationRefused

    make_user("liaison", email="taken@example.org")
    with pytest.raises(InvitationRefused, match="An account already exists"):
        invite(app, "Taken@example.org")
    invite(app, "pending@example.org")
    with pytest.raises(InvitationRefused, match="already pending"):
        invite(app, "PENDING@example.org")


def test_accepting_an_invitation_uses_the_language_chosen_on_the_page(app, client, outbox):
    invite(app, locale="es")
    client.post("/language", data={"lang": "fr", "next": "/"})
    client.post(link_path(outbox()[0]), data={"display_name": "Geneviève", "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert db.session.scalar(select(User.locale).where(User.email == "invitee@example.org")) == "fr"


# --- password reset ---------------------------------------------------------------------------


def test_reset_flow_end_to_end(app, client, outbox):
    user = make_user("liaison", email="ana@example.org", locale="fr")
    other_device = app.test_client()
    other_device.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert logged_in_user(other_device) == user.display_name

    response = client.post("/auth/reset", data={"email": "ANA@example.org"})
    assert response.status_code == 302
    [message] = outbox()
    assert message["To"] == "ana@example.org"
    path = link_path(message)
    assert client.get(path).status_code == 200

    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert logged_in_user(client) == user.display_name
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
    # The other device's session ended with the password change.
    assert logged_in_user(other_device) is None

    # Single use.
    client.post("/auth/logout")
    reused = client.post(path, data={"password": "yet another passphrase", "confirm": "yet another passphrase"})
    assert reused.status_code == 410
    assert "has already been used" in text_of(reused)
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_reset_does_not_disclose_whether_an_address_exists(client, outbox):
    make_user("liaison", email="ana@example.org")
    known = client.post("/auth/reset", data={"email": "ana@example.org"}, follow_redirects=True)
    unknown = client.post("/auth/reset", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert text_of(known) == text_of(unknown)
    assert "If an account exists for that address" in text_of(unknown)
    assert len(outbox()) == 1


def test_reset_not_sent_to_suspended_accounts(client, outbox):
    make_user("liaison", email="gone@example.org", suspended=True)
    assert client.post("/auth/reset", data={"email": "gone@example.org"}).status_code == 302
    assert outbox() == []


def test_reset_bad_input(client, outbox):
    response = client.post("/auth/reset", data={"email": "not an email"})
    assert response.status_code == 400
    assert 'value="not an email"' in text_of(response)
    assert client.post("/auth/reset", data={"email": ""}).status_code == 400
    assert outbox() == []


def test_reset_short_password_and_mismatch(client, outbox):
    make_user("liaison", email="ana@example.org")
    client.post("/auth/reset", data={"email": "ana@example.org"})
    path = link_path(outbox()[0])
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert "Use at least 12 characters." in text_of(response)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": "different passphrase"})
    assert response.status_code == 400
    assert "The two passwords do not match." in text_of(response)
    # The link still works after a mistake.
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_expired_and_unknown_reset_links(client, outbox):
    make_user("liaison", email="ana@example.org")
    client.post("/auth/reset", data={"email": "ana@example.org"})
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(link_path(outbox()[0]))
    assert response.status_code == 410
    assert "not valid, has expired or has already been used" in text_of(response)
    assert client.get("/auth/reset/unknown-token").status_code == 410


def test_using_one_reset_link_cancels_the_others(client, outbox):
    make_user("liaison", email="ana@example.org")
    client.post("/auth/reset", data={"email": "ana@example.org"})
    client.post("/auth/reset", data={"email": "ana@example.org"})
    first, second = (link_path(m) for m in outbox())
    assert client.post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    client.post("/auth/logout")
    assert client.get(first).status_code == 410


# --- login and logout -------------------------------------------------------------------------


def test_login_logout(client):
    user = make_user("liaison", email="Ana@Example.org")
    response = client.post("/auth/login", data={"email": "ana@example.ORG", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user(client) == user.display_name
    assert db.session.get(User, user.id).last_login_at is not None
    client.post("/auth/logout")
    assert client.get("/auth/profile").status_code == 302


def test_wrong_password_and_unknown_email_look_the_same(client):
    make_user("liaison", email="ana@example.org")
    wrong = client.post("/auth/login", data={"email": "ana@example.org", "password": "nope-nope-nope"})
    unknown = client.post("/auth/login", data={"email": "who@example.org", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in text_of(wrong) and "Wrong email or password." in text_of(unknown)
    assert 'value="ana@example.org"' in text_of(wrong)
    assert "nope-nope-nope" not in text_of(wrong)


def test_empty_login_form_is_400(client):
    response = client.post("/auth/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert "This field is required." in text_of(response)


def test_suspended_user_cannot_log_in(client):
    make_user("liaison", email="gone@example.org", suspended=True)
    response = client.post("/auth/login", data={"email": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert "This account is suspended." in text_of(response)
    assert logged_in_user(client) is None


def test_suspended_user_is_logged_out_on_next_request(client):
    user = make_user("liaison", email="ana@example.org")
    client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert logged_in_user(client) == user.display_name
    user.is_suspended = True
    db.session.commit()
    response = client.get("/auth/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_next_redirect_within_the_site(client):
    make_user("liaison", email="ana@example.org")
    response = client.post("/auth/login", data={
        "email": "ana@example.org", "password": PASSWORD, "next": "/auth/profile?tab=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/profile?tab=1"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil.example",
    "javascript:alert(1)", "/\tevil",
])
def test_next_open_redirect_is_refused(client, target):
    make_user("liaison", email="ana@example.org")
    page = client.get("/auth/login", query_string={"next": target})
    assert page.status_code == 400
    assert "is not on this site, so it was ignored" in text_of(page)
    response = client.post("/auth/login", data={
        "email": "ana@example.org", "password": PASSWORD, "next": target})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert 'value="ana@example.org"' in text_of(response)


def test_remember_me_sets_a_lasting_cookie(app, client):
    make_user("liaison", email="ana@example.org")
    client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD})
    domain = app.config["SERVER_NAME"]
    assert client.get_cookie("remember_token", domain=domain) is None

    remembered = app.test_client()
    remembered.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD,
                                         "remember": "y"})
    cookie = remembered.get_cookie("remember_token", domain=domain)
    assert cookie is not None and cookie.http_only and cookie.expires is not None
    # A browser restarted: the session cookie is gone, the remember cookie logs back in.
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value, domain=cookie.domain)
    assert fresh.get("/auth/profile").status_code == 200


def test_remember_cookie_stops_working_after_suspension(app, client):
    user = make_user("liaison", email="ana@example.org")
    client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token", domain=app.config["SERVER_NAME"])
    user.is_suspended = True
    db.session.commit()
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value, domain=cookie.domain)
    assert fresh.get("/auth/profile").status_code == 302


def test_session_is_rotated_on_login(client):
    make_user("liaison", email="ana@example.org")
    client.post("/language", data={"lang": "es", "next": "/"})
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        before = dict(session)
    client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] and session["_user_id"] != before.get("_user_id")
        assert session["lang"] == "es"  # the chosen language survives


def test_logout_needs_post(client, login_as):
    login_as(make_user("liaison"))
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/auth/profile").status_code == 200


# --- profile ----------------------------------------------------------------------------------


def test_profile_changes_name_and_language(client, login_as):
    user = login_as(make_user("liaison", delegation="GT"))
    page = text_of(client.get("/auth/profile"))
    assert "Guatemala" in page
    response = client.post("/auth/profile", data={"display_name": "Carlos Méndez", "locale": "fr"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.display_name == "Carlos Méndez" and user.locale == "fr"
    assert 'lang="fr"' in text_of(client.get("/auth/profile"))


def test_profile_bad_input(client, login_as):
    user = login_as(make_user("liaison"))
    response = client.post("/auth/profile", data={"display_name": "x", "locale": "de"})
    assert response.status_code == 400
    assert 'value="x"' in text_of(response)
    assert db.session.get(User, user.id).display_name != "x"


def test_change_password(app, client, login_as):
    user = make_user("liaison", email="ana@example.org")
    client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD})
    other_device = app.test_client()
    other_device.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD})

    wrong = client.post("/auth/password", data={
        "pw-current_password": "not my password", "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD})
    assert wrong.status_code == 400
    assert "This is not your current password." in text_of(wrong)
    short = client.post("/auth/password", data={
        "pw-current_password": PASSWORD, "pw-password": "short", "pw-confirm": "short"})
    assert short.status_code == 400

    ok = client.post("/auth/password", data={
        "pw-current_password": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD})
    assert ok.status_code == 302
    assert logged_in_user(client) == user.display_name  # this device stays logged in
    assert logged_in_user(other_device) is None  # the others are logged out
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_passwords_are_hashed_with_a_modern_algorithm(app):
    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user = make_user("liaison")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_mail_link_is_logged_when_there_is_no_smtp(app, caplog, outbox):
    with caplog.at_level("WARNING"):
        invite(app)
    assert "/auth/invitation/" in caplog.text
    assert outbox()


def test_outbox_files_keep_links_readable(app, outbox):
    invite(app, locale="fr")
    folder = app.config["MAIL_OUTBOX_DIR"]
    from pathlib import Path

    [path] = Path(folder).glob("*.eml")
    raw = path.read_text(encoding="utf-8")
    link = re.search(r"https?://\S+", outbox()[0].get_content()).group(0)
    assert link in raw  # whole on one line, ready to copy
    assert "Vous êtes invité" in raw


def test_invitation_page_speaks_the_invitation_language(app, client, outbox):
    invite(app, locale="fr")
    path = link_path(outbox()[0])
    page = client.get(path, headers={"Accept-Language": "es"})
    assert page.status_code == 200
    assert 'lang="fr"' in text_of(page) and "Acceptez votre invitation" in text_of(page)
    # The invitee can still choose another language before creating the account.
    client.post("/language", data={"lang": "es", "next": path})
    assert "Acepte su invitación" in text_of(client.get(path))
    client.post(path, data={"display_name": "Ana", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert db.session.scalar(select(User.locale).where(User.email == "invitee@example.org")) == "es"


# --- timing -----------------------------------------------------------------------------------


def test_unknown_address_costs_a_password_check_too(client, monkeypatch):
    """A wrong password and an unknown address both check a password hash (of the configured
    method), so the time of the answer does not reveal which accounts exist."""
    from werkzeug import security

    from forum.auth import services

    make_user("liaison", email="ana@example.org")
    checked = []
    real = security.check_password_hash

    def spy(pwhash, password):
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(security, "check_password_hash", spy)
    monkeypatch.setattr(services, "check_password_hash", spy, raising=False)
    import forum.models.people as people

    monkeypatch.setattr(people, "check_password_hash", spy)
    for email in ("ana@example.org", "nobody@example.org"):
        checked.clear()
        response = client.post("/auth/login", data={"email": email, "password": "wrong password!"})
        assert response.status_code == 401
        assert checked == ["pbkdf2:sha256:1000"], email


def test_reset_request_does_its_work_after_the_response(app, client, outbox):
    """The lookup, the token and the mail happen once the response has been sent."""
    make_user("liaison", email="ana@example.org")
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    for email in ("nobody@example.org", "ana@example.org"):
        response = client.post("/auth/reset", data={"email": email}, buffered=False)
        assert response.status_code == 302
        assert db.session.scalar(select(func.count(PasswordReset.id))) == 0
        assert not folder.exists() or not list(folder.glob("*.eml"))
        response.close()  # what the server does once the response is sent
    assert db.session.scalar(select(func.count(PasswordReset.id))) == 1
    assert len(list(folder.glob("*.eml"))) == 1
    [message] = outbox()
    assert message["To"] == "ana@example.org"
