"""Cookies, session rotation, HTTPS settings, favicon and robots.txt."""

from __future__ import annotations

import importlib
import uuid

import pytest
from factories import PASSWORD, make_user
from flask import g


def _cookie_headers(response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookies[header.split("=", 1)[0]] = header
    return cookies


def _attributes(set_cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]} | {
        part.strip().lower() for part in set_cookie.split(";")[1:]
    }


def test_session_and_remember_cookies_are_httponly_and_samesite_lax(client):
    make_user("liaison", email="ana@example.org")
    response = client.post(
        "/auth/login", data={"email": "ana@example.org", "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    cookies = _cookie_headers(response)
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        attributes = _attributes(cookies[name])
        assert "httponly" in attributes, cookies[name]
        assert "samesite=lax" in attributes, cookies[name]
        assert "secure" not in attributes, "plain-HTTP development must keep working"


def test_session_is_rotated_on_login(app, client):
    make_user("liaison", email="ana@example.org")
    client.post("/language", data={"lang": "es", "next": "/"})
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_user_id"] = "999:1"
    before = client.get_cookie("session", domain="exchange.test").value
    response = client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 302
    after = client.get_cookie("session", domain="exchange.test").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] != "999:1"
        assert session["lang"] == "es"  # the chosen language survives the rotation
    # The cookie from before the login does not give access.
    # The fixture's application context is shared by the requests: forget the loaded user.
    g.pop("_login_user", None)
    replay = app.test_client()
    replay.set_cookie("session", before, domain="exchange.test")
    assert replay.get("/auth/profile").status_code == 302
    g.pop("_login_user", None)
    assert client.get("/auth/profile").status_code == 200


def test_logout_clears_the_session(client):
    make_user("liaison", email="ana@example.org")
    client.post("/auth/login", data={"email": "ana@example.org", "password": PASSWORD, "remember": "y"})
    response = client.post("/auth/logout")
    cookies = _cookie_headers(response)
    assert "remember_token" in cookies and "expires=thu, 01 jan 1970" in cookies["remember_token"].lower()
    with client.session_transaction() as session:
        assert "_user_id" not in session
    # Nothing logs the browser back in: neither the session nor the remember-me cookie.
    assert client.get("/auth/profile").status_code == 302


@pytest.fixture
def https_config(app_config, monkeypatch):
    """The configuration of a site served over HTTPS (PREFERRED_URL_SCHEME=https)."""
    import config

    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    importlib.reload(config)
    yield app_config
    monkeypatch.delenv("PREFERRED_URL_SCHEME")
    importlib.reload(config)


def test_https_configuration_sends_hsts_and_secure_cookies(https_config):
    from forum import create_app
    from forum.extensions import db
    from forum.models.roster import ensure_delegations

    app = create_app(https_config)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    email = f"https-{uuid.uuid4().hex[:8]}@example.org"  # this app's database is not emptied
    with app.app_context():
        ensure_delegations()
        make_user("liaison", email=email)
        client = app.test_client()
        page = client.get("/", base_url="https://exchange.test")
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        response = client.post(
            "/auth/login", base_url="https://exchange.test",
            data={"email": email, "password": PASSWORD, "remember": "y"},
        )
        assert response.status_code == 302
        cookies = _cookie_headers(response)
        for name in ("session", "remember_token"):
            attributes = _attributes(cookies[name])
            assert {"secure", "httponly", "samesite=lax"} <= attributes, cookies[name]
        db.session.remove()
        db.engine.dispose()


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_favicon_ico(client):
    with client.get("/favicon.ico") as response:
        response.direct_passthrough = False
        data = response.get_data()
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert data[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert "max-age" in response.headers["Cache-Control"]


def test_robots_txt(client):
    with client.get("/robots.txt") as response:
        response.direct_passthrough = False
        text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "User-agent: *" in text
    for private in ("/admin/", "/auth/"):
        assert f"Disallow: {private}" in text
