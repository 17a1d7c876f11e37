"""A per-process cache for rarely changing, user-independent lists (delegations, categories...).

Invalidation rule: each entry names the models it is built from. When a transaction that
inserted, changed or deleted one of those models commits, the process that committed drops
the entry at once; every other worker process reloads it after at most
REFERENCE_CACHE_SECONDS. Values are plain data (dicts, tuples), never ORM objects, so they
are safe to share between requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

_TOUCHED = "reference_cache_touched"


@dataclass
class _Entry:
    loader: Callable[[], Any]
    models: tuple[type, ...]
    value: Any = None
    loaded_at: float | None = None


@dataclass
class ReferenceCache:
    """Named entries with a loader and the models whose changes invalidate them."""

    ttl: float
    entries: dict[str, _Entry] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, name: str, loader: Callable[[], Any], models: tuple[type, ...]) -> None:
        """Declare an entry; it is loaded on first use."""
        self.entries[name] = _Entry(loader=loader, models=tuple(models))

    def get(self, name: str) -> Any:
        """The cached value, reloaded when invalidated or older than the time limit."""
        entry = self.entries[name]
        now = time.monotonic()
        if entry.loaded_at is None or now - entry.loaded_at >= self.ttl:
            value = entry.loader()
            with self.lock:
                entry.value, entry.loaded_at = value, now
            return value
        return entry.value

    def invalidate_models(self, classes: set[type]) -> None:
        """Drop every entry built from one of these model classes."""
        with self.lock:
            for entry in self.entries.values():
                if any(issubclass(cls, entry.models) for cls in classes):
                    entry.loaded_at = None

    def clear(self) -> None:
        """Drop every entry."""
        with self.lock:
            for entry in self.entries.values():
                entry.loaded_at = None


def cache(app: Flask | None = None) -> ReferenceCache:
    """The application's reference cache."""
    return (app or current_app).extensions["reference_cache"]


def cached(name: str) -> Any:
    """Shortcut: the value of a registered entry."""
    return cache().get(name)


def _after_flush(session: Session, _context) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        touched.add(type(obj))


def _after_commit(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if touched and has_app_context() and "reference_cache" in current_app.extensions:
        cache().invalidate_models(touched)


def _after_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def _load_delegations() -> tuple[dict, ...]:
    from sqlalchemy import select

    from ..extensions import db
    from ..models import Delegation

    rows = db.session.scalars(select(Delegation).order_by(Delegation.position, Delegation.code))
    return tuple(
        {
            "id": d.id,
            "code": d.code,
            "kind": d.kind,
            "is_country": d.is_country,
            "flag": d.flag,
            "names": {lang: d.name_in(lang) for lang in ("en", "es", "fr")},
        }
        for d in rows
    )


def delegation_directory() -> tuple[dict, ...]:
    """Every delegation as plain data (id, code, kind, flag, names by language), cached."""
    return cached("delegations")


def init_app(app: Flask) -> None:
    """Create the cache, register the shared entries and the session listeners (once)."""
    from ..models import Delegation

    ref = ReferenceCache(ttl=float(app.config.get("REFERENCE_CACHE_SECONDS", 5)))
    ref.register("delegations", _load_delegations, (Delegation,))
    app.extensions["reference_cache"] = ref
    app.jinja_env.globals["delegation_directory"] = delegation_directory
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
