"""Log in and out through the real forms."""

from __future__ import annotations

from factories import PASSWORD, make_user


def test_login_logout(client):
    user = make_user("liaison", email="Ana@Example.org")
    response = client.post("/auth/login", data={"email": "ana@example.ORG", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/auth/profile")
    assert page.status_code == 200
    assert user.display_name in page.get_data(as_text=True)
    client.post("/auth/logout")
    assert client.get("/auth/profile").status_code == 302


def test_wrong_password_keeps_email(client):
    make_user("liaison", email="ana@example.org")
    response = client.post("/auth/login", data={"email": "ana@example.org", "password": "nope-nope-nope"})
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert "Wrong email or password." in text
    assert 'value="ana@example.org"' in text
