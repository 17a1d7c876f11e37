"""SQLAlchemy session hooks: write change rows in the writer's transaction, drain after commit.

Changes are collected in ``after_flush`` (so rows flushed early by autoflush are not missed)
and written with the same connection, hence in the same transaction: a rollback removes them.
After the commit, the process tries the drain lock without waiting; inside a request the drain
runs once the response has been sent, so writes never wait for the index.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, insert

from ..models import SearchChange, utcnow
from .registry import changes_for

SEEN = "search_seen"
DIRTY = "search_dirty"


def _after_flush(session, _flush_context) -> None:
    if not has_app_context() or "search" not in current_app.extensions:
        return
    found: list[tuple[str, int]] = []
    for obj in session.new:
        found.extend(changes_for(obj, session))
    for obj in session.dirty:
        if session.is_modified(obj):
            found.extend(changes_for(obj, session))
    for obj in session.deleted:
        found.extend(changes_for(obj, session))
    if not found:
        return
    seen = session.info.setdefault(SEEN, set())
    fresh = [c for c in dict.fromkeys(found) if c[1] is not None and c not in seen]
    if fresh:
        now = utcnow()
        session.connection().execute(
            insert(SearchChange.__table__),
            [{"kind": kind, "obj_id": obj_id, "created_at": now} for kind, obj_id in fresh],
        )
        seen.update(fresh)
    session.info[DIRTY] = True


def _after_commit(session) -> None:
    session.info.pop(SEEN, None)
    if not session.info.pop(DIRTY, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if not app.config.get("SEARCH_SYNC_ON_COMMIT") or "search" not in app.extensions:
        return
    if has_request_context():
        g.search_sync_after_response = True
    else:
        from .writer import safe_sync

        safe_sync(app)


def _after_rollback(session) -> None:
    session.info.pop(SEEN, None)
    session.info.pop(DIRTY, None)


def _after_soft_rollback(session, previous_transaction) -> None:
    # A rolled-back savepoint took its change rows with it: record them again if needed.
    if previous_transaction.nested:
        session.info.pop(SEEN, None)


def _after_request(response):
    if g.pop("search_sync_after_response", False):
        from .writer import safe_sync

        app = current_app._get_current_object()
        response.call_on_close(lambda: safe_sync(app))
    return response


def init_app(app: Flask) -> None:
    """Install the session hooks (once per process) and the after-response drain."""
    from . import documents  # noqa: F401  (registers the built-in kinds)

    app.extensions.setdefault("search", {})
    for name, fn in (("after_flush", _after_flush), ("after_commit", _after_commit),
                     ("after_rollback", _after_rollback),
                     ("after_soft_rollback", _after_soft_rollback)):
        if not event.contains(FlaskSession, name, fn):
            event.listen(FlaskSession, name, fn)
    app.after_request(_after_request)

    def search_related_threads(thread):
        from flask_login import current_user

        from .related import related_threads

        return related_threads(current_user, thread)

    app.jinja_env.globals["search_related_threads"] = search_related_threads

    if app.testing:
        # Tests create many short-lived apps: release the index files with each app context
        # (a served app keeps one searcher per process instead).
        @app.teardown_appcontext
        def close_searcher(_error=None):
            ext = app.extensions.get("search", {})
            if "handle" in ext:
                ext["handle"].close()
