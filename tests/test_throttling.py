"""Throttling of password guesses and secret-link checks (5 per account, 20 per address)."""

from __future__ import annotations

import uuid

import pytest
from factories import PASSWORD, make_user

from forum.auth import services
from forum.extensions import db
from forum.models.roster import delegation_by_code, ensure_delegations


@pytest.fixture
def throttled(app_config):
    """Turn the throttling on (it is off in the default test configuration)."""
    app_config["RATELIMIT_ENABLED"] = True
    app_config["RATELIMIT_STORAGE_URI"] = "memory://"
    app_config["RATELIMIT_KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    return app_config


def _login(client, email, password, address="10.0.0.1", lang="en"):
    return client.post(
        "/auth/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": lang},
    )


def test_five_wrong_passwords_lock_the_account_for_a_while(throttled, client):
    make_user("liaison", email="ana@example.org")
    for _ in range(5):
        assert _login(client, "ana@example.org", "wrong password!").status_code == 401
    refused = _login(client, "ana@example.org", "wrong password!")
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    assert "please wait 15 minutes and try again" in text
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    # Even the right password is refused while the account is throttled, from any address...
    assert _login(client, "ANA@example.org", PASSWORD, address="10.0.0.2").status_code == 429
    # ...but other accounts are not affected.
    make_user("liaison", email="ben@example.org")
    assert _login(client, "ben@example.org", PASSWORD).status_code == 302


def test_successful_logins_do_not_count(throttled, client):
    make_user("liaison", email="ana@example.org")
    for _ in range(8):
        assert _login(client, "ana@example.org", PASSWORD).status_code == 302
        client.post("/auth/logout")
    assert _login(client, "ana@example.org", "wrong password!").status_code == 401


def test_refusal_does_not_reveal_whether_the_account_exists(throttled, client):
    make_user("liaison", email="ana@example.org")
    for email in ("ana@example.org", "nobody@example.org"):
        for _ in range(5):
            assert _login(client, email, "wrong password!", address="10.0.0.9").status_code == 401
    existing = _login(client, "ana@example.org", "wrong password!", address="10.0.0.9")
    unknown = _login(client, "nobody@example.org", "wrong password!", address="10.0.0.9")
    assert existing.status_code == unknown.status_code == 429
    assert existing.get_data(as_text=True) == unknown.get_data(as_text=True)


def test_twenty_failures_from_one_address(throttled, client):
    for n in range(20):
        assert _login(client, f"guess{n}@example.org", "wrong password!").status_code == 401
    assert _login(client, "guess99@example.org", "wrong password!").status_code == 429
    # Another address can still log in.
    make_user("liaison", email="ana@example.org")
    assert _login(client, "ana@example.org", PASSWORD, address="10.0.0.77").status_code == 302


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("es", "espere 15 minutos"),
        ("fr", "patienter 15 minutes"),
    ],
)
def test_refusal_is_translated(throttled, client, lang, expected):
    for _ in range(6):
        response = _login(client, "ana@example.org", "wrong password!", lang=lang)
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert f'lang="{lang}"' in text
    assert expected in text


def test_invitation_links_are_throttled(throttled, client):
    for n in range(20):
        response = client.get(f"/auth/invitation/guess-{n}", environ_base={"REMOTE_ADDR": "10.1.1.1"})
        assert response.status_code == 404
    admin = make_user("admin")
    services.create_invitation("new@example.org", "liaison", delegation_by_code("MX"), admin)
    # The next check is refused, even for a real link, from that address only.
    assert client.get("/auth/invitation/anything", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 429
    assert client.get("/auth/invitation/anything", environ_base={"REMOTE_ADDR": "10.1.1.2"}).status_code == 404


def test_reset_links_are_throttled(throttled, client):
    for n in range(20):
        assert client.get(f"/auth/reset/guess-{n}").status_code == 410
    assert client.post("/auth/reset/guess-x", data={"password": "x", "confirm": "x"}).status_code == 429


def test_reset_requests_are_throttled_per_address_and_per_account(throttled, client, outbox):
    make_user("liaison", email="ana@example.org")
    for _ in range(5):
        assert client.post("/auth/reset", data={"email": "ana@example.org"}).status_code == 302
    assert client.post("/auth/reset", data={"email": "ana@example.org"}).status_code == 429
    assert len(outbox()) == 5
    # The same answer for an address without an account.
    for _ in range(5):
        assert client.post("/auth/reset", data={"email": "none@example.org"}, environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 302
    assert client.post("/auth/reset", data={"email": "none@example.org"}, environ_base={"REMOTE_ADDR": "10.2.0.1"}).status_code == 429


def test_wrong_current_password_is_throttled(throttled, client):
    make_user("liaison", email="ana@example.org")
    assert _login(client, "ana@example.org", PASSWORD).status_code == 302
    data = {"pw-current_password": "not it at all", "pw-password": "another long password", "pw-confirm": "another long password"}
    for _ in range(5):
        assert client.post("/auth/password", data=data).status_code == 400
    assert client.post("/auth/password", data=data).status_code == 429


def test_throttling_is_off_when_disabled(client):
    make_user("liaison", email="ana@example.org")
    for _ in range(8):
        assert _login(client, "ana@example.org", "wrong password!").status_code == 401


def test_counters_in_redis(throttled):
    """With RATELIMIT_STORAGE_URI pointing at Redis, every worker shares the counters there."""
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=2)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis at 127.0.0.1:6379 is not reachable")
    from forum import create_app

    app = create_app(throttled | {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"})
    prefix = throttled["RATELIMIT_KEY_PREFIX"]
    email = f"{prefix}@example.org"  # this app's database is not emptied
    try:
        with app.app_context():
            ensure_delegations()
            make_user("liaison", email=email)
            client = app.test_client()
            for _ in range(5):
                assert _login(client, email, "wrong password!").status_code == 401
            keys = server.keys(f"*{prefix}*")
            assert keys, "no throttling counters in Redis"
            assert not any(b"@example.org" in key for key in keys)
            assert _login(client, email, PASSWORD).status_code == 429
            db.session.remove()
            db.engine.dispose()
    finally:
        for key in server.keys(f"*{prefix}*"):
            server.delete(key)


def _production(tmp_path, **changes) -> dict:
    return {
        "ENV_NAME": "production", "SECRET_KEY": "k" * 48, "DEBUG": False, "TESTING": False,
        "PREFERRED_URL_SCHEME": "https", "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True, "BASE_URL": "https://exchange.example.org",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/forum.db",
        "ALLOW_SQLITE_IN_PRODUCTION": True, "RATELIMIT_ENABLED": True,
        "INSTANCE_DIR": str(tmp_path / "instance"),
    } | changes


def _storage_of(app) -> str:
    from forum.extensions import limiter

    storage = type(limiter.storage).__name__
    with app.app_context():
        db.engine.dispose()
    return storage


def test_production_shares_the_counters_by_default(tmp_path, monkeypatch):
    from forum import create_app

    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    app = create_app(_production(tmp_path, RATELIMIT_STORAGE_URI="", REDIS_URL=""))
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    assert _storage_of(app) == "DatabaseStorage"
    app = create_app(_production(tmp_path, RATELIMIT_STORAGE_URI="",
                                 REDIS_URL="redis://127.0.0.1:6379/0"))
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert _storage_of(app) == "RedisStorage"


@pytest.mark.parametrize(("workers", "gunicorn_args", "refused"), [
    (4, "", True), (0, "--workers 3", True), (0, "-w2 --bind 127.0.0.1:8000", True),
    (1, "", False), (0, "", False),
])
def test_production_refuses_per_process_counters_with_several_workers(
        tmp_path, monkeypatch, workers, gunicorn_args, refused):
    from forum import create_app
    from forum.platform.production import UnsafeConfigurationError

    monkeypatch.setenv("GUNICORN_CMD_ARGS", gunicorn_args)
    config = _production(tmp_path, RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY=workers)
    if refused:
        with pytest.raises(UnsafeConfigurationError, match="memory:// with"):
            create_app(config)
    else:
        _storage_of(create_app(config))


@pytest.fixture
def database_counters(throttled):
    """Throttling on, with its counters in the database."""
    throttled["RATELIMIT_STORAGE_URI"] = "database://"
    return throttled


def test_counters_in_the_database_are_shared_by_workers(database_counters, app, client):
    """Two apps on one database (as two workers): failures counted by one refuse at the other."""
    from sqlalchemy import select

    from forum import create_app
    from forum.platform.throttle_store import rate_limit_counter

    make_user("liaison", email="ana@example.org")
    for _ in range(5):
        assert _login(client, "ana@example.org", "wrong password!").status_code == 401
    keys = db.session.scalars(select(rate_limit_counter.c.key)).all()
    assert keys and not any("example.org" in key for key in keys)
    db.session.commit()
    second = create_app(database_counters)  # another worker: its own storage object
    try:
        with second.app_context():
            assert _login(second.test_client(), "ana@example.org", PASSWORD).status_code == 429
            db.session.remove()
    finally:
        with second.app_context():
            db.engine.dispose()
