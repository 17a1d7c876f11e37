"""Emailed links are built from the configured public address, never from the request's Host."""

from __future__ import annotations

import re

import pytest
from factories import make_user

from forum import create_app
from forum.auth.services import create_invitation
from forum.extensions import db
from forum.models.roster import delegation_by_code
from forum.platform.production import UnsafeConfigurationError

SAFE = {
    "ENV_NAME": "production",
    "SECRET_KEY": "k" * 48,
    "DEBUG": False,
    "TESTING": False,
    "PREFERRED_URL_SCHEME": "https",
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SECURE": True,
    "ALLOW_SQLITE_IN_PRODUCTION": True,
    "RATELIMIT_ENABLED": False,
}


def _links(outbox) -> list[str]:
    return [link for message in outbox()
            for link in re.findall(r"https?://\S+", message.get_content())]


@pytest.mark.parametrize("base", ["https://exchange.example.org", "https://exchange.example.org/"])
def test_reset_and_invitation_links_use_the_base_url(app, client, outbox, base):
    app.config["BASE_URL"] = base
    make_user("liaison", email="ana@example.org")
    response = client.post("/auth/reset", data={"email": "ana@example.org"},
                           headers={"Host": "evil.example"})
    assert response.status_code == 302
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        create_invitation("new@example.org", "liaison", delegation_by_code("MX"), None)
    links = _links(outbox)
    assert len(links) == 2
    assert all(link.startswith("https://exchange.example.org/auth/") for link in links), links
    assert not any("evil.example" in link for link in links)


def test_without_base_url_links_use_server_name_not_the_host_header(app, client, outbox):
    assert app.config["SERVER_NAME"] == "exchange.test" and not app.config.get("BASE_URL")
    make_user("liaison", email="ana@example.org")
    client.post("/auth/reset", data={"email": "ana@example.org"}, headers={"Host": "evil.example"})
    [link] = _links(outbox)
    assert link.startswith("http://exchange.test/auth/reset/"), link


def test_production_requires_a_base_url(tmp_path):
    config = SAFE | {"INSTANCE_DIR": str(tmp_path / "i"),
                     "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/f.db"}
    with pytest.raises(UnsafeConfigurationError) as info:
        create_app(config | {"SERVER_NAME": None, "BASE_URL": ""})
    assert "BASE_URL" in str(info.value)
    with pytest.raises(UnsafeConfigurationError) as info:
        create_app(config | {"BASE_URL": "exchange.example.org"})
    assert "BASE_URL" in str(info.value)
    app = create_app(config | {"SERVER_NAME": "exchange.example.org"})
    with app.app_context():
        db.engine.dispose()


def test_production_refuses_requests_for_unknown_hosts(tmp_path):
    app = create_app(SAFE | {"INSTANCE_DIR": str(tmp_path / "i"),
                             "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/f.db",
                             "BASE_URL": "https://exchange.example.org",
                             "ALLOWED_HOSTS": ["health.internal"]})
    client = app.test_client()
    for host in ("evil.example", "exchange.example.org.evil.example"):
        response = client.get("/robots.txt", headers={"Host": host})
        assert response.status_code == 400, host
        response = client.post("/auth/reset", data={"email": "a@example.org"},
                               headers={"Host": host})
        assert response.status_code == 400, host
    for host in ("exchange.example.org", "exchange.example.org:443", "health.internal"):
        response = client.get("/robots.txt", headers={"Host": host},
                              base_url="https://" + host)
        assert response.status_code == 200, host
        response.close()
    with app.app_context():
        db.engine.dispose()


def test_development_accepts_any_host(client):
    response = client.get("/robots.txt", headers={"Host": "localhost:5000"})
    assert response.status_code == 200
    response.close()
