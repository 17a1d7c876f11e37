"""Backup and restore: a populated instance round-trips into an empty one, row for row."""

from __future__ import annotations

import json
import os
import tarfile
import uuid

import pytest
from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import create_engine, select, text

from forum import create_app
from forum.commands.archive import data_tables
from forum.extensions import db
from forum.models import Revision, Tag, TagSynonym, record_audit, utcnow


def _populate(app) -> None:
    admin = make_user("admin", display_name="Ñandú Pérez")
    liaison = make_user("liaison", delegation="GT", locale="es")
    category = make_category("public", name="Niñez migrante")
    first = make_thread(liaison, category, title="Protección consular de niños",
                        body="Texto con acentos: migración, «comillas» y emoji 🇬🇹.", language="es")
    second = make_thread(admin, category, title="Duplicate", body="Same topic.")
    make_post(first, admin, body="Réponse en français : l'élève.", language="fr")
    # a row pointing at a later row of its own table, and a tag with synonyms and threads
    second.merged_into_id = first.id
    newer = make_thread(admin, category, title="Newer")
    first.merged_into_id = newer.id
    tag = Tag(slug="ninez-migrante", label_en="migrant children", label_es="niñez migrante",
              label_fr="enfants migrants", created_by_id=admin.id)
    tag.synonyms.append(TagSynonym(text="Niños migrantes", key="ninos migrantes"))
    tag.threads.append(first)
    db.session.add(tag)
    db.session.add(Revision(post_id=first.posts[0].id, editor_id=liaison.id, body="Antes.",
                            title="Título anterior", created_at=utcnow()))
    record_audit(admin, "thread.merge", "thread", second.id, label="Duplicate",
                 reason="Same topic", before={"merged": None}, after={"merged": first.id})
    db.session.commit()


def _snapshot() -> dict[str, list[dict]]:
    result = {}
    for table in data_tables():
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).mappings()
        result[table.name] = [dict(row) for row in rows]
    return result


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def empty_app(tmp_path, app_config, database_template):
    """A second installation on its own empty database, with delegations seeded."""
    target = tmp_path / "second"
    target.mkdir()
    config = app_config | {
        "INSTANCE_DIR": str(target / "instance"), "SEARCH_INDEX_DIR": str(target / "index"),
        "UPLOAD_DIR": str(target / "uploads"), "MAIL_OUTBOX_DIR": str(target / "outbox"),
    }
    if database_template["kind"] == "sqlite":
        path = target / "forum.db"
        path.write_bytes(database_template["path"].read_bytes())
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
        schema = None
    else:
        schema = f"test_restore_{uuid.uuid4().hex[:8]}"
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_pre_ping": True}
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    second = create_app(config)
    with second.app_context():
        db.create_all()
        from forum.models.roster import ensure_delegations

        ensure_delegations()
        db.session.remove()
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()
    if schema:
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_backup_round_trip(app, runner, empty_app, tmp_path):
    _populate(app)
    uploads = tmp_path / "uploads"
    (uploads / "2026" / "11").mkdir(parents=True)
    (uploads / "2026" / "11" / "protocolo.pdf").write_bytes(b"%PDF-1.4 fake \x00\xff")
    before = _snapshot()
    archive = tmp_path / "backup.tar.gz"

    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    with tarfile.open(archive) as tar:
        meta = json.load(tar.extractfile("metadata.json"))
        names = tar.getnames()
    assert meta["counts"]["thread"] == 3 and meta["counts"]["post"] == 4
    assert meta["counts"]["user"] == before["user"].__len__()
    assert meta["uploads"] == 1 and "created_at" in meta and "schema_revision" in meta
    assert "uploads/2026/11/protocolo.pdf" in names

    db.session.remove()
    with empty_app.app_context():
        result = empty_app.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert "Restored" in result.output
        assert "Search index rebuilt." in result.output
        check = empty_app.test_cli_runner().invoke(args=["search", "check"])
        assert check.exit_code == 0, check.output
        assert "The index matches the database." in check.output
        after = _snapshot()
        # new rows get fresh ids after the restored ones (sequences were moved on)
        newcomer = make_user("observer")
        assert newcomer.id > max(row["id"] for row in after["user"])
    for name, rows in before.items():
        assert after[name] == rows, name
    restored = tmp_path / "second" / "uploads" / "2026" / "11" / "protocolo.pdf"
    assert restored.read_bytes() == b"%PDF-1.4 fake \x00\xff"


def test_restore_refuses_a_non_empty_installation(app, runner, tmp_path):
    _populate(app)
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    users = len(_snapshot()["user"])
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert "not empty" in result.output
    db.session.remove()
    assert len(_snapshot()["user"]) == users


def test_restore_rejects_a_file_that_is_not_an_archive(runner, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0
    assert "not a readable backup archive" in result.output
