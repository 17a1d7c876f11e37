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
    assert response.get_json() == {"status": "ok", "database": "ok"}


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
