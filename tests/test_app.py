"""The application shell: home page, health check, errors, languages, headers."""

from __future__ import annotations


def test_home_page_in_three_languages(client):
    for lang, expected in [("en", "Consular Practice Exchange"), ("es", 'lang="es"'), ("fr", 'lang="fr"')]:
        response = client.get("/", headers={"Accept-Language": lang})
        assert response.status_code == 200
        assert expected in response.get_data(as_text=True)


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.get_json()
    # (the answer now also reports the disk and the index, see the test below)
    assert data["status"] == "ok" and data["database"] == "ok"


def test_healthz_reports_disk_space_and_index_writability(app, client, monkeypatch, tmp_path):
    import shutil
    from collections import namedtuple

    data = client.get("/healthz").get_json()
    assert data["disk"]["status"] == "ok" and data["disk"]["free_bytes"] > 0
    assert data["index"] == "writable"

    usage = namedtuple("usage", "total used free")
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**12, 10**12 - 10**6, 10**6))
    response = client.get("/healthz")
    assert response.status_code == 503
    data = response.get_json()
    assert data["status"] == "degraded" and data["disk"]["status"] == "low"
    assert data["disk"]["free_bytes"] == 10**6
    monkeypatch.setattr(shutil, "disk_usage", real)

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the index folder should be")
    app.config["SEARCH_INDEX_DIR"] = str(blocker / "index")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["index"] == "not writable"


def test_404_html_and_json(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "<h1>" in response.get_data(as_text=True)
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_security_headers_on_every_response(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_language_switch_when_logged_out(client):
    response = client.post("/language", data={"lang": "fr", "next": "/"})
    assert response.status_code == 302
    assert 'lang="fr"' in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_open_redirect(client):
    response = client.post("/language", data={"lang": "es", "next": "//evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_500_is_friendly_and_rolls_back(app, client, caplog):
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level("ERROR"):
        response = client.get("/boom", headers={"Accept-Language": "fr"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "secret internals" not in page and "Traceback" not in page
    assert "Un problème est survenu" in page
    assert "secret internals" in caplog.text  # logged for the operators
    response = client.get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500 and response.get_json()["status"] == 500


def test_403_page_is_translated(client, login_as):
    from factories import make_user

    login_as(make_user("liaison", locale="es"))
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Acceso denegado" in response.get_data(as_text=True)


def test_seed_demo_only_into_an_empty_database(app, client, runner):
    from sqlalchemy import func, select

    from forum.demo.accounts import ACCOUNTS
    from forum.extensions import db
    from forum.models import User

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "demo-password-2026" in result.output
    emails = set(db.session.scalars(select(User.email)))
    assert {account[0] for account in ACCOUNTS} <= emails
    assert {"admin@demo.example", "liaison.ca@demo.example"} <= emails
    count = db.session.scalar(select(func.count(User.id)))
    result = runner.invoke(args=["seed-demo"])
    assert "already has accounts" in result.output
    assert db.session.scalar(select(func.count(User.id))) == count

    response = client.post("/auth/login", data={"email": "liaison.mx@demo.example",
                                                "password": "demo-password-2026"})
    assert response.status_code == 302
    page = client.get("/auth/profile").get_data(as_text=True)
    assert 'lang="es"' in page and "México" in page and "Cerrar sesión" in page
    for lang, word in (("fr", "Se déconnecter"), ("en", "Log out")):
        client.post("/language", data={"lang": lang, "next": "/"})
        assert word in client.get("/").get_data(as_text=True)


def test_seed_delegations_is_idempotent(runner):
    from sqlalchemy import func, select

    from forum.extensions import db
    from forum.models import Delegation

    before = db.session.scalar(select(func.count(Delegation.id)))
    assert before == 15  # 11 countries and 4 organizations
    result = runner.invoke(args=["seed-delegations"])
    assert result.exit_code == 0 and "0 delegations added." in result.output
    assert db.session.scalar(select(func.count(Delegation.id))) == before

