"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text

from forum import create_app
from forum.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def _config(tmp_path, url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_DIR": str(tmp_path / "instance"),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        **extra,
    }


def _upgrade_check_downgrade(app) -> None:
    try:
        _check_history(app)
    finally:
        # Close the pool even when a check fails, so no connection outlives the test.
        with app.app_context():
            db.engine.dispose()


def _check_history(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables

    with app.app_context():
        # a new installation starts with the managed lists' default entries
        assert db.session.scalar(text("SELECT count(*) FROM minimum_indicator")) > 0
        db.session.remove()
        db.engine.dispose()

    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, f"the models and the migrations differ:\n{result.output}"

    # The whole history can be undone and replayed.
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_upgrade_an_empty_sqlite_database(tmp_path):
    path = tmp_path / "fresh.db"
    app = create_app(_config(tmp_path, f"sqlite:///{path}"))
    _upgrade_check_downgrade(app)
    assert path.exists()


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set")
def test_upgrade_an_empty_postgresql_schema(tmp_path):
    schema = f"migrate_{uuid.uuid4().hex[:10]}"
    engine = create_engine(TEST_DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
        app = create_app(_config(tmp_path, TEST_DATABASE_URL, SQLALCHEMY_ENGINE_OPTIONS=options))
        _upgrade_check_downgrade(app)
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"),
                {"s": schema},
            ).scalar()
        assert count >= len(db.metadata.tables)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
