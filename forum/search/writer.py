"""Applying the change log to the index: drain, rebuild, check and prune.

One process at a time applies changes to a node's index (the drain lock). It reads pending
change rows in batches, builds each document from the current database row, commits the Whoosh
writer and only then moves the cursor stored next to the index. A process killed at any point
leaves the rows pending (or applied twice, which is harmless). A process that cannot take the
lock leaves its rows to the holder, which looks again after releasing the lock.

Several nodes may consume the same log with their own index: each reports its cursor in
`SearchConsumer`. Ids are given out before commit (PostgreSQL sequences), so a row may become
visible after rows with higher ids: rows created within ``SEARCH_LATE_COMMIT_GRACE`` seconds
are re-scanned behind the cursor, and the ids applied among them are remembered.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import SearchChange, SearchConsumer, utcnow
from .analysis import analyze, word_pairs
from .index import IndexHandle, IndexUnavailable, handle
from .registry import KINDS
from .related import RELATED_KINDS, rebuild_related, refresh_related, related_source
from .schema import DOCUMENT_FIELDS, PAIR_FIELDS, SCHEMA_VERSION
from .scoring import CachedLengthBM25F

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1)


def _seconds(moment: datetime) -> float:
    return (moment - EPOCH).total_seconds()


def prepare(doc: dict) -> dict:
    """The fields given to Whoosh: the document, its spelling text, word pairs and a stamp."""
    fields = {name: doc[name] for name in DOCUMENT_FIELDS if name in doc}
    # Suggestions come from titles and the start of texts: enough vocabulary, a smaller index.
    fields["spell"] = f"{doc.get('title', '')} {' '.join((doc.get('body') or '').split()[:80])}"
    for source, pairs in PAIR_FIELDS.items():
        if fields.get(source):
            # Analysed once: Whoosh indexes a list of terms as they are (positions 0, 1, ...,
            # as the analyzer numbers them once stop words are dropped), and the word pairs
            # come from the same terms instead of a second run of the analyzer.
            stems = analyze(fields[source])
            fields[source] = stems
            fields[pairs] = word_pairs(stems)
    fields["stamp"] = stamp(doc)
    return fields


def stamp(doc: dict) -> str:
    """A short digest of a document's content, to find stale documents."""
    payload = json.dumps({k: doc.get(k) for k in DOCUMENT_FIELDS}, default=str, sort_keys=True)
    return hashlib.blake2b(payload.encode(), digest_size=8).hexdigest()


def _session() -> Session:
    return Session(db.engine, expire_on_commit=False)


def _config(name: str):
    return current_app.config[name]


# ---------------------------------------------------------------------------------------------
# Pending rows and the cursor
# ---------------------------------------------------------------------------------------------


def _pending(session: Session, state: dict, limit: int) -> list:
    """Rows not yet applied: after the cursor, plus late commits behind it."""
    cursor = int(state.get("cursor", 0))
    rows = session.execute(
        select(SearchChange.id, SearchChange.kind, SearchChange.obj_id, SearchChange.created_at)
        .where(SearchChange.id > cursor).order_by(SearchChange.id).limit(limit)
    ).all()
    threshold = utcnow() - timedelta(seconds=_config("SEARCH_LATE_COMMIT_GRACE"))
    late = session.execute(
        select(SearchChange.id, SearchChange.kind, SearchChange.obj_id, SearchChange.created_at)
        .where(SearchChange.id <= cursor, SearchChange.created_at >= threshold)
        .order_by(SearchChange.id)
    ).all()
    recent = state.get("recent", {})
    late = [row for row in late if str(row.id) not in recent]
    return late + rows


def _advance(state: dict, rows: list) -> None:
    """Move the cursor past `rows` and remember late-commit candidates among them."""
    grace = _config("SEARCH_LATE_COMMIT_GRACE")
    threshold = _seconds(utcnow()) - grace
    recent = {k: v for k, v in state.get("recent", {}).items() if v >= threshold}
    for row in rows:
        created = _seconds(row.created_at) if row.created_at else 0
        if created >= threshold:
            recent[str(row.id)] = created
    state["recent"] = recent
    state["cursor"] = max([int(state.get("cursor", 0))] + [row.id for row in rows])


def pending_count(app=None) -> int:
    """How many change rows this node's index has not applied yet."""
    idx = handle(app)
    path = idx.current_dir()
    session = _session()
    try:
        if path is None:
            return session.scalar(select(func.count(SearchChange.id))) or 0
        return len(_pending(session, idx.read_cursor(path), 100000))
    finally:
        session.close()


def _report(session: Session, idx: IndexHandle, cursor: int) -> None:
    """Tell the other nodes how far this index has applied the log."""
    node = idx.node_id()
    row = session.get(SearchConsumer, node)
    if row is None:
        row = SearchConsumer(id=node, host=os.uname().nodename[:255])
        session.add(row)
    row.cursor = cursor
    row.updated_at = utcnow()
    session.commit()


# ---------------------------------------------------------------------------------------------
# Draining
# ---------------------------------------------------------------------------------------------


def _apply(idx: IndexHandle, session: Session, rows: list) -> int:
    """Build the documents of `rows` from the database and commit them to the index."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        by_kind[row.kind].add(row.obj_id)
    docs: dict[str, dict | None] = {}
    for kind, ids in by_kind.items():
        if kind not in KINDS:
            log.warning("search: change of unknown kind %r ignored", kind)
            continue
        docs.update(KINDS[kind].build(session, sorted(ids)))
    session.rollback()  # end the read transaction: the next batch sees newer rows
    if not docs:
        return 0
    changed = _changed_with_related(idx, docs)
    writer = idx.open_current().writer(timeout=30)
    try:
        for key, doc in docs.items():
            if doc is None:
                writer.delete_by_term("key", key)
            else:
                writer.update_document(**prepare(doc))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    if changed:
        _refresh_related(idx, session, changed)
    return len(docs)


def _changed_with_related(idx: IndexHandle, docs: dict[str, dict | None]) -> dict[str, dict]:
    """Documents with a related list (threads, practices) whose content changed.

    A reply also rewrites its thread's document (counts, dates) without changing its stamp:
    only new documents and changed stamps recompute a list.
    """
    candidates = {key: doc for key, doc in docs.items()
                  if doc is not None and doc.get("kind") in RELATED_KINDS}
    if not candidates:
        return {}
    before = idx.searcher()
    return {key: related_source(doc) for key, doc in candidates.items()
            if (before.document(key=key) or {}).get("stamp") != stamp(doc)}


def _refresh_related(idx: IndexHandle, session: Session, docs: dict[str, dict]) -> None:
    """Store the related lists of changed documents; a failure leaves the index applied."""
    try:
        refresh_related(session, idx.searcher(), docs)
    except IntegrityError:
        # Another node stored the same lists at the same moment (each index applies the log).
        session.rollback()
        log.info("search: related lists stored concurrently by another node")
    except Exception:  # the lists are refreshed again by the next change or a reindex
        session.rollback()
        log.exception("search: storing related lists failed")


def _ensure_index(idx: IndexHandle, session: Session) -> None:
    """Rebuild when there is no index, it fails to open, or it may have missed pruned rows."""
    path = idx.current_dir()
    reason = None
    if path is None:
        reason = "no index yet"
    else:
        try:
            idx.open_current()
        except Exception as error:  # any failure to open means: rebuild from the database
            reason = f"index failed to open ({error!r})"
        else:
            state = idx.read_cursor(path)
            if int(state.get("cursor", 0)) > 0 and session.get(SearchConsumer, idx.node_id()) is None:
                reason = "index unknown to this database (or idle past the retention window)"
    if reason:
        log.warning("search: rebuilding the index: %s", reason)
        rebuild(idx, session, locked=True)


def _drain_locked(idx: IndexHandle, max_batches: int | None) -> int:
    """Apply pending rows in batches while holding the drain lock."""
    session = _session()
    try:
        _ensure_index(idx, session)
        path = idx.current_dir()
        state = idx.read_cursor(path)
        batch = _config("SEARCH_BATCH_SIZE")
        applied = batches = 0
        while True:
            rows = _pending(session, state, batch)
            if not rows:
                break
            _apply(idx, session, rows)
            _advance(state, rows)
            idx.write_cursor(path, state)
            applied += len(rows)
            batches += 1
            if max_batches is not None and batches >= max_batches:
                break
        now = time.monotonic()
        if applied or now - getattr(idx, "last_report", 0) > _config("SEARCH_PRUNE_INTERVAL"):
            _report(session, idx, int(state["cursor"]))
        if now - getattr(idx, "last_report", 0) > _config("SEARCH_PRUNE_INTERVAL"):
            idx.last_report = now
            prune(session)
        return applied
    finally:
        session.close()


def _has_pending(idx: IndexHandle) -> bool:
    path = idx.current_dir()
    if path is None:
        return True
    session = _session()
    try:
        return bool(_pending(session, idx.read_cursor(path), 1))
    finally:
        session.close()


def sync(*, wait: float = 0.0, max_batches: int | None = None, app=None) -> int:
    """Apply pending changes if this process can take the drain lock (waiting up to `wait` s).

    Returns the number of change rows applied. Without `max_batches`, loops until nothing is
    pending, looking again after releasing the lock so rows left by others are not stranded.
    """
    idx = handle(app)
    applied = 0
    while True:
        lock = idx.lock
        if not lock.acquire(wait):
            return applied
        try:
            applied += _drain_locked(idx, max_batches)
        finally:
            lock.release()
        if max_batches is not None or not _has_pending(idx):
            return applied
        wait = 0.0


def safe_sync(app, **kwargs) -> int:
    """`sync` for hooks and requests: failures are logged, never raised into the caller."""
    try:
        with app.app_context():
            return sync(**kwargs)
    except Exception:  # the change rows stay pending; the next sync applies them
        app.logger.exception("search: applying pending changes failed")
        return 0


# ---------------------------------------------------------------------------------------------
# Rebuild, check, prune
# ---------------------------------------------------------------------------------------------


def count_documents(session: Session) -> int:
    """How many rows a rebuild will read."""
    total = 0
    for kind in KINDS.values():
        total += sum(1 for _ in kind.all_ids(session))
    return total


def _batches(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rebuild(idx: IndexHandle | None = None, session: Session | None = None, *,
            progress=None, locked: bool = False) -> int:
    """Build a new index generation from the database and switch to it atomically.

    The new index starts from the change-log position read *before* the rows, so nothing
    committed meanwhile is missed. Returns the number of documents indexed.
    """
    idx = idx or handle()
    own_session = session is None
    session = session or _session()
    try:
        start = session.scalar(select(func.max(SearchChange.id))) or 0
        _report(session, idx, start)  # registered first: nothing after `start` gets pruned
        path = idx.new_dir()
        ix = idx.create_index(path)
        all_ids = {name: list(kind.all_ids(session)) for name, kind in KINDS.items()}
        total = sum(len(ids) for ids in all_ids.values())
        procs = _config("SEARCH_REINDEX_PROCS") if has_app_context() else 1
        if procs > 1 and total >= _config("SEARCH_REINDEX_PARALLEL_FROM"):
            # Analysis in `procs` forked processes while this one reads the database; each
            # process leaves its own segment (merging them would cost as much again).
            writer = ix.writer(procs=procs, multisegment=True,
                               limitmb=max(_config("SEARCH_REINDEX_POOL_MB") // 2, 16))
        else:
            writer = ix.writer(limitmb=_config("SEARCH_REINDEX_POOL_MB"))
        count = 0
        with_related = []
        try:
            for name, kind in KINDS.items():
                for chunk in _batches(all_ids[name], 500):
                    docs = kind.build(session, chunk)
                    for key, doc in docs.items():
                        if doc is not None and key.startswith(f"{name}:"):
                            writer.add_document(**prepare(doc))
                            count += 1
                            if name in RELATED_KINDS:
                                with_related.append(related_source(doc))
                    session.rollback()
                    session.expunge_all()
                    if progress:
                        progress(len(chunk))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        with ix.searcher(weighting=CachedLengthBM25F()) as built:
            rebuild_related(session, built, with_related)
        idx.write_cursor(path, {"cursor": start, "recent": {}, "schema": SCHEMA_VERSION})
        if locked:
            idx.switch_to(path)
        else:
            lock = idx.lock
            lock.acquire(timeout=None)
            try:
                idx.switch_to(path)
            finally:
                lock.release()
        return count
    finally:
        if own_session:
            session.close()


def check(idx: IndexHandle | None = None) -> dict:
    """Compare the database with the index: missing, extra and stale document keys."""
    idx = idx or handle()
    session = _session()
    try:
        expected: dict[str, str] = {}
        for name, kind in KINDS.items():
            for chunk in _batches(kind.all_ids(session), 500):
                for key, doc in kind.build(session, chunk).items():
                    if doc is not None and key.startswith(f"{name}:"):
                        expected[key] = stamp(doc)
                session.rollback()
                session.expunge_all()
    finally:
        session.close()
    try:
        ix = idx.open_current()
    except (IndexUnavailable, Exception) as error:  # reported as drift, not raised
        return {"error": str(error), "missing": sorted(expected), "extra": [], "stale": [],
                "indexed": 0, "expected": len(expected)}
    with ix.searcher() as searcher:
        indexed = {f["key"]: f.get("stamp") for f in searcher.all_stored_fields()}
    missing = sorted(set(expected) - set(indexed))
    extra = sorted(set(indexed) - set(expected))
    stale = sorted(k for k in set(expected) & set(indexed) if expected[k] != indexed[k])
    return {"missing": missing, "extra": extra, "stale": stale, "indexed": len(indexed),
            "expected": len(expected), "error": None}


def prune(session: Session | None = None) -> int:
    """Delete change rows every known index has applied, and rows past the retention window."""
    own = session is None
    session = session or _session()
    try:
        now = utcnow()
        retention = now - timedelta(seconds=_config("SEARCH_RETENTION_SECONDS"))
        grace = now - timedelta(seconds=_config("SEARCH_LATE_COMMIT_GRACE"))
        session.execute(delete(SearchConsumer).where(SearchConsumer.updated_at < retention))
        floor = session.scalar(select(func.min(SearchConsumer.cursor)))
        condition = SearchChange.created_at < retention
        if floor is not None:
            condition = or_(condition, and_(SearchChange.id <= floor,
                                            SearchChange.created_at < grace))
        result = session.execute(delete(SearchChange).where(condition))
        session.commit()
        return result.rowcount or 0
    finally:
        if own:
            session.close()


def searcher():
    """This process's searcher; an index that is missing or fails to open is rebuilt first."""
    idx = handle()
    try:
        return idx.searcher()
    except Exception as error:  # missing, corrupt or of another schema: rebuild from the database
        log.warning("search: cannot open the index (%r); rebuilding", error)
        idx.close()
        sync(wait=30.0)
        try:
            return idx.searcher()
        except Exception as second:
            raise IndexUnavailable(str(second)) from second
