"""Every page type of pages.py, in the three languages, from the live server: the expected
status, the language, and the security headers on every response."""

from __future__ import annotations

import re

import pytest
from liveserver import HttpSession
from pages import LANGUAGES, PAGES, fetch_all


@pytest.fixture(scope="module")
def fetched(live_server):
    """Every page type in every language."""
    return fetch_all(live_server)


def _check_security_headers(headers, where: str) -> None:
    csp = headers["Content-Security-Policy"]
    assert csp, f"{where}: no Content-Security-Policy"
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts == ["'self'"], f"{where}: script-src {scripts}"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}, where
    permissions = headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in permissions, f"{where}: {feature} not denied"
    assert "Strict-Transport-Security" not in headers, f"{where}: HSTS over plain HTTP"


def test_every_page_type_in_every_language(fetched):
    assert len(fetched) == len(PAGES) * len(LANGUAGES)
    for page in fetched:
        where = f"{page.spec.name} [{page.lang}] {page.path}"
        assert page.status == page.spec.status, f"{where}: status {page.status}"
        assert re.search(rf'<html lang="{page.lang}"', page.html), f"{where}: not in {page.lang}"
        assert page.html.count("<h1") == 1, f"{where}: one <h1> expected"
        assert page.headers["Content-Type"].startswith("text/html; charset=utf-8"), where
        _check_security_headers(page.headers, where)


def test_pages_of_accounts_are_not_cached(fetched):
    for page in fetched:
        if page.spec.role:
            assert page.headers["Cache-Control"] == "no-store", page.spec.name


@pytest.mark.parametrize(
    "path", ["/static/css/main.css", "/static/js/main.js", "/favicon.ico", "/robots.txt", "/healthz"]
)
def test_headers_on_other_responses(live_server, path):
    status, headers, _ = HttpSession(live_server.url).request(path)
    assert status == 200
    _check_security_headers(headers, path)
