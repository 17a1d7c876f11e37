"""More like this: related threads from other delegations, and similar titles while composing."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from whoosh import query as wq

from ..extensions import db
from ..models import Post, Thread
from .analysis import analyze
from .documents import load_threads
from .engine import visibility_filter
from .writer import searcher as open_searcher


def related_threads(user, thread: Thread, limit: int = 5) -> list:
    """Up to `limit` visible threads from other delegations sharing content or tags."""
    try:
        searcher = open_searcher()
    except Exception:  # the sidebar must never break the thread page
        current_app.logger.exception("search: related threads unavailable")
        return []
    first = db.session.scalar(
        select(Post).where(Post.thread_id == thread.id).order_by(Post.id).limit(1)
    )
    text = thread.title + " " + (first.body if first is not None and not first.is_hidden
                                 and not first.is_deleted else "")
    terms = [t for t, _w in searcher.key_terms_from_text("body", text, numterms=12)]
    parts = [wq.Term(f, t) for t in terms for f in ("title", "body")]
    parts += [wq.Term("tags", str(tag.id), boost=3.0) for tag in thread.tags]
    if not parts:
        return []
    filters = visibility_filter(user, ["thread"])
    filters.append(wq.Not(wq.Term("key", f"thread:{thread.id}")))
    if thread.delegation is not None:
        filters.append(wq.Not(wq.Term("country", thread.delegation.code)))
    results = searcher.search(wq.Or(parts), filter=wq.And(filters), limit=limit * 2)
    ids = [hit["obj_id"] for hit in results]
    items = load_threads(user, ids)
    return [items[i] for i in ids if i in items][:limit]


def similar_titles(user, title: str, limit: int = 5) -> list:
    """Visible threads whose title or opening post resembles a title being typed."""
    stems = analyze(title)
    if not stems:
        return []
    searcher = open_searcher()
    parts = [wq.Term("title", s, boost=2.0) for s in stems] + [wq.Term("body", s) for s in stems]
    minimum = 1 if len(stems) <= 2 else (len(stems) + 1) // 2
    q = wq.Or([wq.Or([wq.Term("title", s), wq.Term("body", s)]) for s in stems], minmatch=minimum)
    results = searcher.search(wq.And([q, wq.Or(parts)]), filter=wq.And(visibility_filter(user, ["thread"])),
                              limit=limit)
    ids = [hit["obj_id"] for hit in results]
    items = load_threads(user, ids)
    return [items[i] for i in ids if i in items]
