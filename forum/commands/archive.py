"""Backup and restore: one archive with every table, the uploaded documents and metadata.

The database is written as portable JSON lines (one file per table, parents before children)
rather than with pg_dump or a raw SQLite file: the same archive restores into SQLite or
PostgreSQL, needs no external binary whose version must match the server, is read through the
application's own connection, and is checked column by column against the schema it is loaded
into. Consistency: on PostgreSQL all tables are read in one REPEATABLE READ READ ONLY
transaction (one snapshot); on SQLite the file is first copied with the sqlite3 online backup
API (an atomic snapshot, even while the site is writing) and the copy is read.
"""

from __future__ import annotations

import base64
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Table, create_engine, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.schema import sort_tables_and_constraints

from ..extensions import db
from ..models import generation

FORMAT_VERSION = 1
BATCH_SIZE = 1000
# Derived state: the index is rebuilt after a restore, so its change log is not carried over;
# the content versions only name what rendered HTML is current, and moves on after a restore.
SKIPPED_PREFIXES = ("search_", "content_version")
# Seeded by every installation; replaced by the archive's rows when restoring.
REFERENCE_TABLES = ("delegation", "target_population", "situation", "minimum_indicator")


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says why."""


def data_tables() -> list[Table]:
    """The tables carried in an archive."""
    return [t for t in db.metadata.sorted_tables if not t.name.startswith(SKIPPED_PREFIXES)]


def _ordered() -> tuple[list[Table], dict[str, set[str]]]:
    """Tables parents first, and per table the columns to fill in a second pass (cycles)."""
    wanted = {t.name for t in data_tables()}
    order: list[Table] = []
    deferred: dict[str, set[str]] = {}
    for table, constraints in sort_tables_and_constraints(db.metadata.sorted_tables):
        if table is None:
            for fk in constraints:
                deferred.setdefault(fk.parent.name, set()).update(c.name for c in fk.columns)
        elif table.name in wanted:
            order.append(table)
    for table in order:  # a row may point at a later row of its own table
        for fk in table.foreign_key_constraints:
            if fk.referred_table is table:
                deferred.setdefault(table.name, set()).update(c.name for c in fk.columns)
    return order, deferred


def _encode(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    return value


def _decoder(column):
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = None

    def decode(value):
        if value is None:
            return None
        if isinstance(value, dict) and "$b64" in value:
            return base64.b64decode(value["$b64"])
        if python_type is datetime and isinstance(value, str):
            return datetime.fromisoformat(value)
        if python_type is date and isinstance(value, str):
            return date.fromisoformat(value)
        if python_type is time and isinstance(value, str):
            return time.fromisoformat(value)
        if python_type is Decimal:
            return Decimal(value)
        return value

    return decode


def schema_revision(conn: Connection) -> str | None:
    """The Alembic revision stamped in the database, if any."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _rows(conn: Connection, table: Table) -> Iterator[dict]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(stream_results=True).execute(select(table).order_by(*order))
    for row in result.mappings():
        yield {key: _encode(value) for key, value in row.items()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _dump(conn: Connection, tar: tarfile.TarFile, dialect: str) -> dict:
    counts = {}
    order, _ = _ordered()
    for table in order:
        if not inspect(conn).has_table(table.name):
            continue
        with tempfile.TemporaryFile() as handle:
            count = 0
            for row in _rows(conn, table):
                handle.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
                count += 1
            handle.seek(0)
            info = tarfile.TarInfo(f"database/{table.name}.jsonl")
            info.size = os.fstat(handle.fileno()).st_size
            info.mtime = int(datetime.now().timestamp())
            tar.addfile(info, handle)
        counts[table.name] = count
    return {
        "format": FORMAT_VERSION,
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "dialect": dialect,
        "schema_revision": schema_revision(conn),
        "tables": [t.name for t in order if t.name in counts],
        "columns": {t.name: [c.name for c in t.columns] for t in order if t.name in counts},
        "counts": counts,
    }


def write_backup(path: str | Path, upload_dir: str | Path) -> dict:
    """Write the archive (tar.gz) to `path` and return its metadata."""
    path = Path(path)
    engine = db.engine
    tmp_path = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory() as workdir, tarfile.open(tmp_path, "w:gz") as tar:
        if engine.dialect.name == "sqlite":
            snapshot = Path(workdir) / "snapshot.db"
            source = sqlite3.connect(make_url(engine.url).database)
            target = sqlite3.connect(snapshot)
            try:
                with target:
                    source.backup(target)
            finally:
                source.close()
                target.close()
            snap_engine = create_engine(f"sqlite:///{snapshot}")
            try:
                with snap_engine.connect() as conn:
                    meta = _dump(conn, tar, "sqlite")
            finally:
                snap_engine.dispose()
        else:
            with engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    if engine.dialect.name == "postgresql":
                        conn.execute(text("SET TRANSACTION READ ONLY"))
                    meta = _dump(conn, tar, engine.dialect.name)
        uploads = Path(upload_dir)
        files = 0
        if uploads.is_dir():
            for file in sorted(p for p in uploads.rglob("*") if p.is_file()):
                tar.add(file, arcname=f"uploads/{file.relative_to(uploads).as_posix()}")
                files += 1
        meta["uploads"] = files
        _add_bytes(tar, "metadata.json", json.dumps(meta, indent=2).encode())
    os.replace(tmp_path, path)
    return meta


def read_metadata(path: str | Path) -> dict:
    """The metadata of an archive."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile("metadata.json")
            if member is None:
                raise KeyError("metadata.json")
            return json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{path} is not a readable backup archive ({exc}).") from exc


def non_empty_tables(conn: Connection) -> list[str]:
    """Tables holding rows, apart from the reference data every installation seeds."""
    found = []
    for table in data_tables():
        if table.name in REFERENCE_TABLES or not inspect(conn).has_table(table.name):
            continue
        if conn.execute(select(func.count()).select_from(table)).scalar():
            found.append(table.name)
    return found


def _check_schema(conn: Connection, meta: dict) -> None:
    inspector = inspect(conn)
    missing_tables = [name for name in meta["tables"] if not inspector.has_table(name)]
    if missing_tables:
        raise BackupError(
            "The database has no schema for: " + ", ".join(missing_tables)
            + ". Run `flask --app wsgi db upgrade` first."
        )
    for name, columns in meta["columns"].items():
        present = {c["name"] for c in inspector.get_columns(name)}
        extra = [c for c in columns if c not in present]
        if extra:
            raise BackupError(
                f"Table {name} has no column {', '.join(extra)}: the archive comes from a "
                "different schema version. Upgrade this installation to the same version first."
            )


def _load_table(conn: Connection, tar: tarfile.TarFile, table: Table, later: set[str]) -> list:
    member = tar.extractfile(f"database/{table.name}.jsonl")
    if member is None:
        return []
    decoders = {c.name: _decoder(c) for c in table.columns}
    pending_updates = []
    batch: list[dict] = []
    pk = [c.name for c in table.primary_key.columns]
    for line in member:
        raw = json.loads(line)
        row = {k: decoders[k](v) for k, v in raw.items() if k in decoders}
        deferred = {k: row[k] for k in later if row.get(k) is not None}
        if deferred:
            pending_updates.append(({k: row[k] for k in pk}, deferred))
            row.update(dict.fromkeys(deferred))
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            conn.execute(insert(table), batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)
    return pending_updates


def _reset_sequences(conn: Connection, tables: list[Table]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not pk[0].autoincrement or pk[0].type.python_type is not int:
            continue
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"),
            {"t": conn.dialect.identifier_preparer.format_table(table), "c": pk[0].name},
        ).scalar()
        if seq:
            conn.execute(
                text(f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM '
                     f"{conn.dialect.identifier_preparer.format_table(table)}), 0) + 1, false)"),
                {"s": seq},
            )


def restore_backup(path: str | Path, upload_dir: str | Path) -> dict:
    """Load an archive into an empty installation (one transaction) and its uploads; metadata."""
    meta = read_metadata(path)
    if meta.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unsupported archive format {meta.get('format')!r}.")
    order, deferred = _ordered()
    known = {t.name for t in order}
    unknown = [name for name in meta["tables"] if name not in known]
    if unknown:
        raise BackupError("The archive has tables this version does not know: " + ", ".join(unknown))
    uploads = Path(upload_dir)
    if uploads.is_dir() and any(p.is_file() for p in uploads.rglob("*")):
        raise BackupError(f"The upload folder {uploads} is not empty: restore only into an empty installation.")
    db.session.remove()
    with tarfile.open(path, "r:gz") as tar, db.engine.begin() as conn:
        _check_schema(conn, meta)
        meta["target_revision"] = schema_revision(conn)
        busy = non_empty_tables(conn)
        if busy:
            raise BackupError(
                "This installation is not empty (" + ", ".join(busy) + " hold rows): restore only "
                "into a new, empty database."
            )
        in_archive = [t for t in order if t.name in meta["tables"]]
        for table in reversed(in_archive):
            if table.name in REFERENCE_TABLES:
                conn.execute(table.delete())
        updates = []
        for table in in_archive:
            later = deferred.get(table.name, set())
            updates.append((table, _load_table(conn, tar, table, later)))
        for table, pending in updates:
            for key, values in pending:
                where = [table.c[k] == v for k, v in key.items()]
                conn.execute(table.update().where(*where).values(**values))
        _reset_sequences(conn, in_archive)
        conn.execute(generation.BUMP)  # pages cached before the restore are out of date
        for table in in_archive:
            count = conn.execute(select(func.count()).select_from(table)).scalar()
            if count != meta["counts"].get(table.name):
                raise BackupError(
                    f"Table {table.name}: {count} rows loaded, {meta['counts'].get(table.name)} "
                    "expected; nothing was restored."
                )
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("uploads/"):
                continue
            relative = Path(member.name).relative_to("uploads")
            target = (uploads / relative).resolve()
            if uploads.resolve() not in target.parents:
                raise BackupError(f"Unsafe path in archive: {member.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())
    from ..platform.db_stats import analyze

    with db.engine.begin() as conn:  # fresh planner statistics after the bulk load
        analyze(conn)
    return meta
