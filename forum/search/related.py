"""More like this: related threads from other delegations, and similar titles while composing.

Both run on every thread page or keystroke, so they cost at most two SQL statements: candidates
come from the index (the readable-category check is left to the SQL load, which applies
visible_threads), and only the columns shown are loaded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from whoosh import query as wq

from .. import permissions
from ..extensions import db
from ..models import Post, Thread
from ..web.links import thread_url
from .analysis import analyze
from .concepts import glossary_expansions
from .index import handle
from .registry import ResultItem
from .writer import searcher as open_searcher

# Related-thread candidates per (index, generation, thread, moderator view): a thread page is read
# far more often than the index changes, and the more-like query is the costliest part of the
# page. A new index generation (any indexed change) makes every entry unreachable, so nothing
# stale is served; the visibility filter is still applied in SQL on every view.
_CANDIDATES: OrderedDict[tuple, list[int]] = OrderedDict()
_CANDIDATES_MAX = 4096
_CANDIDATES_LOCK = threading.Lock()


def _all_of(stems) -> wq.Query:
    terms = [wq.Term("body", s) for s in stems]
    return terms[0] if len(terms) == 1 else wq.And(terms)


def _candidate_filter(user, exclude: Thread | None = None) -> wq.Query:
    parts = [wq.Term("kind", "thread")]
    if not permissions.is_moderator(user):
        parts.append(wq.Term("hidden", "0"))
    if exclude is not None:
        parts.append(wq.Not(wq.Term("key", f"thread:{exclude.id}")))
        if exclude.delegation is not None:
            parts.append(wq.Not(wq.Term("country", exclude.delegation.code)))
    return wq.And(parts)


def load_summaries(user, ids: list[int]) -> list[ResultItem]:
    """Visible threads by id, in the given order, in one statement."""
    if not ids:
        return []
    threads = db.session.scalars(
        select(Thread).where(Thread.id.in_(ids), permissions.visible_threads(user))
        .options(joinedload(Thread.delegation))
    ).unique().all()
    by_id = {t.id: t for t in threads}
    items = []
    for thread_id in ids:
        thread = by_id.get(thread_id)
        if thread is None:
            continue
        url = thread_url(thread)
        items.append(ResultItem(
            kind="thread", obj_id=thread.id, title=thread.title, url=url, text="",
            country=thread.delegation.code, country_name=thread.delegation.name,
            flag=thread.delegation.flag, language=thread.language,
            created_at=thread.created_at, group_title=thread.title, group_url=url,
        ))
    return items


def related_threads(user, thread: Thread, limit: int = 5) -> list[ResultItem]:
    """Up to `limit` visible threads from other delegations sharing content or tags."""
    try:
        searcher = open_searcher()
        index = handle()
        key = (str(index.root), index.searcher_generation, thread.id, permissions.is_moderator(user), limit)
        with _CANDIDATES_LOCK:
            ids = _CANDIDATES.get(key)
            if ids is not None:
                _CANDIDATES.move_to_end(key)
        if ids is None:
            ids = _related_candidates(searcher, user, thread, limit)
            with _CANDIDATES_LOCK:
                _CANDIDATES[key] = ids
                while len(_CANDIDATES) > _CANDIDATES_MAX:
                    _CANDIDATES.popitem(last=False)
    except Exception:  # the sidebar must never break the thread page
        current_app.logger.exception("search: related threads unavailable")
        return []
    return load_summaries(user, ids)[:limit]


def _related_candidates(searcher, user, thread: Thread, limit: int) -> list[int]:
    """Ids of threads like this one, best first (visibility is checked later, in SQL)."""
    body = db.session.scalar(
        select(Post.body).where(Post.thread_id == thread.id, Post.is_hidden.is_(False),
                                Post.is_deleted.is_(False)).order_by(Post.id).limit(1)
    ) or ""
    terms = [t for t, _w in searcher.key_terms_from_text("body", f"{thread.title} {body}",
                                                         numterms=12)]
    parts = [wq.Term(f, t) for t in terms for f in ("title", "body")]
    parts += [wq.Term("tags", str(tag.id), boost=3.0) for tag in thread.tags]
    # The same ideas in the other languages, through the glossary.
    stems = analyze(f"{thread.title} {body[:3000]}")
    for _covered, others in glossary_expansions(stems):
        parts += [_all_of(other) for other in others[:6]]
    if not parts:
        return []
    results = searcher.search(wq.Or(parts), filter=_candidate_filter(user, thread),
                              limit=limit * 3)
    return [hit["obj_id"] for hit in results]


def similar_titles(user, title: str, limit: int = 5) -> list[ResultItem]:
    """Visible threads whose title or opening post resembles a title being typed."""
    stems = list(dict.fromkeys(analyze(title)))
    if not stems:
        return []
    searcher = open_searcher()
    minimum = 1 if len(stems) <= 2 else (len(stems) + 1) // 2
    q = wq.Or([wq.Or([wq.Term("title", s, boost=2.0), wq.Term("body", s)]) for s in stems],
              minmatch=minimum)
    results = searcher.search(q, filter=_candidate_filter(user), limit=limit * 3)
    ids = [hit["obj_id"] for hit in results]
    return load_summaries(user, ids)[:limit]
