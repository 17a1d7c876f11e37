"""Fixtures: a fresh database and search index per test, a client, and login_as()."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from flask import g, request_started
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from testconfig import TEST_DATABASE_URL, base_config

from forum import create_app
from forum.extensions import db
from forum.models.practice_defaults import insert_missing_defaults


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Build the schema once per run: a SQLite file to copy, or a PostgreSQL schema to empty."""
    root = tmp_path_factory.mktemp("db")
    if TEST_DATABASE_URL:
        schema = f"test_{uuid.uuid4().hex[:10]}"
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        url = TEST_DATABASE_URL
        options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
        app = create_app(base_config(root, url) | {"SQLALCHEMY_ENGINE_OPTIONS": options})
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        yield {"kind": "postgresql", "url": url, "schema": schema, "options": options}
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
    else:
        path = root / "template.db"
        app = create_app(base_config(root, f"sqlite:///{path}"))
        with app.app_context():
            db.create_all()
            db.session.remove()
            db.engine.dispose()
        yield {"kind": "sqlite", "path": path}


def _empty_postgres(app) -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    # back to a new installation: the managed lists its schema creation seeds
    insert_missing_defaults(db.session.connection())
    db.session.commit()


@pytest.fixture
def app_config(tmp_path, database_template) -> dict:
    """The configuration of the test app; tests may change it before `app` is used."""
    if database_template["kind"] == "sqlite":
        path = tmp_path / "forum.db"
        shutil.copy(database_template["path"], path)
        return base_config(tmp_path, f"sqlite:///{path}")
    return base_config(tmp_path, database_template["url"]) | {
        "SQLALCHEMY_ENGINE_OPTIONS": database_template["options"]
    }


def _forget_request_caches(sender, **extra):
    """The test keeps one app context (and so one `g`) open across requests: start each
    request with an empty `g`, as a fresh request in production would, so what Flask-Login,
    Flask-Babel and Flask-WTF cached there does not leak to the next request or client."""
    for key in list(g):
        g.pop(key, None)


class ServerLikeClient(FlaskClient):
    """A test client that reads each response in full and closes it, as a server does once it
    has sent it: work deferred until after the response (forum.platform.deferred) has run when
    a request returns. Pass buffered=False to look at the moment before."""

    def open(self, *args, buffered: bool = True, **kwargs):
        """Make a request; the response is buffered (and so closed) unless asked otherwise."""
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture
def app(app_config, database_template):
    """An application on an empty database (delegations seeded) and an empty index folder."""
    app = create_app(app_config)
    app.test_client_class = ServerLikeClient
    with app.app_context():
        if database_template["kind"] == "postgresql":
            _empty_postgres(app)
        from forum.models.roster import ensure_delegations

        ensure_delegations()
    request_started.connect(_forget_request_caches, app)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Log a user into the test client (or log out with None)."""

    def _login(user):
        from forum.auth.sessions import open_session

        session_id = open_session(user) if user is not None else None
        with client.session_transaction() as session:
            session.clear()
            if user is not None:
                session["_user_id"] = session_id
                session["_fresh"] = True
        return user

    return _login


def _mail_policy():
    """The default policy, except that get_content() of a text-and-HTML message is its text."""
    from email import policy
    from email.contentmanager import ContentManager, raw_data_manager

    manager = ContentManager()
    manager.get_handlers = dict(raw_data_manager.get_handlers)
    manager.set_handlers = dict(raw_data_manager.set_handlers)
    manager.add_get_handler(
        "multipart", lambda msg: msg.get_body(preferencelist=("plain",)).get_content())
    return policy.default.clone(content_manager=manager)


@pytest.fixture
def outbox(app):
    """Send the mail still queued, then read the .eml files of the outbox, oldest first.

    The test client never closes its responses, so the sending a served request does once its
    response is closed happens here instead. Each message has a text and an HTML part;
    get_content() gives the text, get_body(preferencelist=("html",)) the HTML.
    """
    from email import message_from_bytes

    from forum.mail.delivery import send_pending

    mail_policy = _mail_policy()

    def _read():
        from forum.platform.deferred import run_pending

        run_pending(app)  # mail sent after a response the test did not close
        if app.config.get("MAIL_DELIVERY") == "after_commit":
            send_pending(wait=None)
        folder = Path(app.config["MAIL_OUTBOX_DIR"])
        if not folder.exists():
            return []
        return [
            message_from_bytes(p.read_bytes(), policy=mail_policy)
            for p in sorted(folder.glob("*.eml"))
        ]

    return _read
