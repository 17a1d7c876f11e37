"""Logging out ends that session on the server: a copied cookie stops working."""

from __future__ import annotations

import re

from factories import PASSWORD, make_thread, make_user

from forum.extensions import db
from forum.models import Post


def _name_shown(client) -> str | None:
    page = client.get("/auth/profile").get_data(as_text=True)
    match = re.search(r'<a href="/auth/profile">([^<]+)<span', page)
    return match.group(1) if match else None


def _copy_cookies(source, target, domain) -> None:
    copied = 0
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name, domain=domain)
        if cookie is not None:
            copied += 1
            target.set_cookie(name, cookie.value, domain=cookie.domain,
                              origin_only=cookie.origin_only, path=cookie.path)
    assert copied == 2


def _log_in(client, email, remember=False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302


def test_a_copied_cookie_stops_working_after_logout(app, client):
    user = make_user("liaison", email="ana@example.org")
    thread = make_thread(user)
    _log_in(client, "ana@example.org", remember=True)
    thief = app.test_client()
    _copy_cookies(client, thief, app.config["SERVER_NAME"])
    assert _name_shown(thief) == user.display_name  # the copy works while the session lives

    client.post("/auth/logout")
    assert _name_shown(client) is None
    assert _name_shown(thief) is None
    assert thief.get("/auth/profile").status_code == 302
    posts = db.session.query(Post).count()
    response = thief.post(f"/threads/{thread.id}/reply",
                          data={"body": "Posted with a stolen cookie.", "language": "en",
                                "submit": "1"})
    assert response.status_code in (302, 401, 403)
    assert db.session.query(Post).count() == posts


def test_logging_out_one_device_leaves_the_others(app, client):
    user = make_user("liaison", email="ana@example.org")
    laptop, phone = client, app.test_client()
    _log_in(laptop, "ana@example.org")
    _log_in(phone, "ana@example.org")
    laptop.post("/auth/logout")
    assert _name_shown(laptop) is None
    assert _name_shown(phone) == user.display_name


def test_password_change_and_suspension_end_every_session(app, client):
    from forum.admin.services import suspend_account

    user = make_user("liaison", email="ana@example.org")
    admin = make_user("admin")
    other = app.test_client()
    _log_in(client, "ana@example.org")
    _log_in(other, "ana@example.org")
    response = client.post("/auth/password", data={
        "pw-current_password": PASSWORD, "pw-password": "a much longer passphrase",
        "pw-confirm": "a much longer passphrase"})
    assert response.status_code == 302
    assert _name_shown(client) == user.display_name  # the device that changed it stays in
    assert _name_shown(other) is None
    suspend_account(admin, db.session.get(type(user), user.id), "test")
    assert _name_shown(client) is None
