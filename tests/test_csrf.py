"""CSRF protection with the real setting on: missing or forged tokens get a clear 400."""

from __future__ import annotations

import re

import pytest
from factories import PASSWORD, make_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import Invitation, User

MESSAGE = "The form has expired or was not sent from this site."


@pytest.fixture
def app_config(app_config):
    return app_config | {"WTF_CSRF_ENABLED": True}


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.mark.parametrize("token", [None, "", "forged-token", "IjVh.Zm9v.YmFy"])
def test_login_without_a_valid_token_is_refused(client, token):
    make_user("liaison", email="ana@example.org")
    data = {"email": "ana@example.org", "password": PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/auth/login", data=data)
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    assert client.get("/auth/profile").status_code == 302  # not logged in


def test_login_with_the_token_from_the_page_works(client):
    make_user("liaison", email="ana@example.org")
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/auth/profile").status_code == 200


def test_token_of_another_session_is_refused(app, client):
    make_user("liaison", email="ana@example.org")
    stolen = csrf_token(app.test_client(), "/auth/login")
    client.get("/auth/login")
    response = client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD,
                                                "csrf_token": stolen})
    assert response.status_code == 400


def test_logout_and_language_need_the_token(client, login_as):
    user = login_as(make_user("liaison"))
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/auth/profile").status_code == 200
    assert client.post("/language", data={"lang": "fr"}).status_code == 400
    assert db.session.get(User, user.id).locale != "fr"


def test_admin_actions_need_the_token(client, login_as):
    login_as(make_user("admin"))
    target = make_user("liaison")
    assert client.post(f"/admin/users/{target.id}/suspend", data={"reason": "x"}).status_code == 400
    assert not db.session.get(User, target.id).is_suspended
    response = client.post("/admin/invitations", data={
        "email": "x@example.org", "delegation": target.delegation_id, "role": "liaison", "language": "en"})
    assert response.status_code == 400
    assert MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None


def test_csrf_error_as_json(client):
    response = client.post("/auth/login", data={}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["status"] == 400
    assert MESSAGE in response.get_json()["message"]


def test_csrf_message_is_translated(client):
    response = client.post("/auth/login", data={}, headers={"Accept-Language": "es"})
    assert response.status_code == 400
    assert 'lang="es"' in response.get_data(as_text=True)
    assert MESSAGE not in response.get_data(as_text=True)
