"""Production safety, static fingerprints, the opt-in SQL counter and the cached reference lists."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from forum import create_app
from forum.caching.fragments import cached_value, delegation_directory, store
from forum.extensions import db
from forum.platform.production import UnsafeConfigurationError, configuration_problems


@pytest.fixture
def new_app():
    """create_app() for tests that build their own apps; engines are closed afterwards."""
    made = []

    def _make(config):
        made.append(create_app(config))
        return made[-1]

    yield _make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


SAFE = {
    "ENV_NAME": "production",
    "SECRET_KEY": "k" * 48,
    "DEBUG": False,
    "TESTING": False,
    "PREFERRED_URL_SCHEME": "https",
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_SECURE": True,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://forum@127.0.0.1:5432/forum",
    "BASE_URL": "https://exchange.example.org",
}


def _production(tmp_path, **changes) -> dict:
    return SAFE | {"INSTANCE_DIR": str(tmp_path / "instance")} | changes


def test_safe_production_configuration_starts(tmp_path):
    app = create_app(_production(tmp_path))
    assert app.config["ENV_NAME"] == "production"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"SECRET_KEY": "dev-only-insecure-secret-key"}, "SECRET_KEY is missing"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is missing"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"DEBUG": True}, "debug mode is on"),
        ({"SESSION_COOKIE_SECURE": False}, "HTTPS"),
        ({"REMEMBER_COOKIE_SECURE": False}, "HTTPS"),
        ({"WTF_CSRF_ENABLED": False}, "CSRF"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/forum.db"}, "SQLite"),
    ],
)
def test_production_refuses_unsafe_configuration(tmp_path, changes, message):
    with pytest.raises(UnsafeConfigurationError) as info:
        create_app(_production(tmp_path, **changes))
    text = str(info.value)
    assert "REFUSING TO START" in text
    assert message in text


def test_refusal_lists_every_problem_at_once(tmp_path):
    problems = configuration_problems(
        _production(tmp_path, SECRET_KEY="dev-only-insecure-secret-key", DEBUG=True,
                    SESSION_COOKIE_SECURE=False)
    )
    assert len(problems) == 3


def test_sqlite_allowed_in_production_when_asked(tmp_path):
    app = create_app(_production(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/f.db",
                                 ALLOW_SQLITE_IN_PRODUCTION=True))
    assert app.config["ALLOW_SQLITE_IN_PRODUCTION"]


def test_development_mode_does_not_check(tmp_path):
    app = create_app({"INSTANCE_DIR": str(tmp_path / "i"), "SECRET_KEY": "dev-only-insecure-secret-key",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/f.db"})
    assert not app.config["PRODUCTION"]


def test_static_urls_are_fingerprinted_and_cached_for_a_year(app, client):
    css = Path(app.static_folder) / "css" / "main.css"
    digest = hashlib.sha256(css.read_bytes()).hexdigest()[:12]
    page = client.get("/").get_data(as_text=True)
    assert f"/static/css/main.css?v={digest}" in page

    response = client.get(f"/static/css/main.css?v={digest}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    response.close()

    for url in ("/static/css/main.css", "/static/css/main.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"]
        assert "no-cache" in response.headers["Cache-Control"]
        response.close()


def test_changed_static_file_gets_a_new_fingerprint(tmp_path, app_config, new_app):
    static = tmp_path / "static"
    app = new_app(app_config | {"STATIC_HASH_RECHECK_SECONDS": 0})
    shutil.copytree(Path(app.static_folder), static)
    app.static_folder = str(static)
    with app.test_request_context():
        from flask import url_for

        first = url_for("static", filename="js/main.js")
        path = static / "js" / "main.js"
        path.write_text(path.read_text() + "\n// changed\n")
        second = url_for("static", filename="js/main.js")
        missing = url_for("static", filename="js/none.js")
    assert first != second and "?v=" in first and "?v=" in second
    assert missing == "/static/js/none.js"


def test_sql_statement_header_is_opt_in(app_config, new_app):
    app = new_app(app_config)
    response = app.test_client().get("/healthz")
    assert "X-SQL-Statements" not in response.headers

    app = new_app(app_config | {"SQL_COUNT_HEADER": True})
    client = app.test_client()
    assert client.get("/healthz").headers["X-SQL-Statements"] == "1"
    response = client.get("/robots.txt")
    assert response.headers["X-SQL-Statements"] == "0"
    response.close()


def test_reference_cache_is_invalidated_by_a_committed_change(app):
    from forum.models.roster import delegation_by_code

    names = {d["code"]: d["names"] for d in delegation_directory()}
    assert names["IOM"]["es"].startswith("Organización Internacional")
    assert names["MX"]["fr"] == "Mexique"

    iom = delegation_by_code("IOM")
    iom.name_es = "OIM (nuevo nombre)"
    db.session.flush()
    # not committed yet: other requests keep the committed value
    assert {d["code"]: d["names"] for d in delegation_directory()}["IOM"]["es"] != "OIM (nuevo nombre)"
    db.session.rollback()
    iom = delegation_by_code("IOM")
    iom.name_es = "OIM (nuevo nombre)"
    db.session.commit()
    assert {d["code"]: d["names"] for d in delegation_directory()}["IOM"]["es"] == "OIM (nuevo nombre)"


def test_reference_cache_serves_the_same_value_between_changes(app):
    calls = []
    def probe():
        return cached_value(("probe",), lambda: calls.append(1) or len(calls), scopes=())
    assert probe() == 1
    assert probe() == 1
    store().clear()
    assert probe() == 2


def test_forwarded_headers_are_trusted_only_when_configured(app_config, new_app):
    from flask import request

    seen = {}
    for hops in (0, 1):
        app = new_app(app_config | {"TRUSTED_PROXIES": hops})

        @app.get("/probe")
        def probe(hops=hops):
            seen[hops] = (request.remote_addr, request.scheme)
            return "ok"

        app.test_client().get("/probe", headers={"X-Forwarded-For": "203.0.113.7",
                                                 "X-Forwarded-Proto": "https"})
    assert seen[0] == ("127.0.0.1", "http")
    assert seen[1] == ("203.0.113.7", "https")


def test_planner_statistics_are_gathered(app, database_template):
    from sqlalchemy import text

    from forum.platform.db_stats import analyze

    if database_template["kind"] == "sqlite":  # gathered on first connection when missing
        names = db.session.execute(text("SELECT name FROM sqlite_master")).scalars().all()
        assert "sqlite_stat1" in names
    with db.engine.begin() as conn:  # and on demand after bulk loads, on either database
        analyze(conn)


def test_memoized_date_filters_match_babel(app):
    from datetime import datetime

    from flask_babel import format_date, format_datetime, format_time, refresh

    filters = app.jinja_env.filters
    moments = [datetime(2026, 1, 2, 3, 4, 5), datetime(2025, 12, 31, 23, 59, 59, 999)]
    seen = set()
    for lang in ("en", "es", "fr"):
        with app.test_request_context("/", headers={"Accept-Language": lang}):
            refresh()
            for moment in moments:
                for fmt in ("short", "medium", "long", "full"):
                    expected = format_datetime(moment, fmt)
                    assert filters["datetime"](moment, fmt) == expected
                    assert filters["datetime"](moment, fmt) == expected  # from the cache
                    seen.add(expected)
                when = f"{format_date(moment, 'medium')}, {format_time(moment, 'short')}"
                assert filters["when"](moment) == when
            assert filters["datetime"](None) == "" and filters["when"](None) == ""
    assert len(seen) == 3 * 4 * 2  # each language and format gave its own text
    assert filters["datetime"].cache_info().hits >= 24


def test_wsgi_entry_point_refuses_unsafe_production_environment(tmp_path):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "DATABASE_URL", "FLASK_DEBUG", "PREFERRED_URL_SCHEME")}
    env |= {"FORUM_ENV": "production", "FORUM_INSTANCE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "REFUSING TO START" in result.stderr
    for problem in ("SECRET_KEY", "HTTPS", "SQLite", "BASE_URL"):
        assert problem in result.stderr

    env |= {"SECRET_KEY": "s" * 40, "PREFERRED_URL_SCHEME": "https",
            "BASE_URL": "https://exchange.example.org",
            "DATABASE_URL": "postgresql+psycopg://forum@127.0.0.1:5432/forum"}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
