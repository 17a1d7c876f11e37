"""Similar titles while composing: a live search, visible threads only.

The stored related lists (`related.py`) serve thread and practice pages; this is the one
search a composer's typing triggers, kept cheap by a visibility document set remembered per
searcher.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload
from whoosh import query as wq

from .. import permissions
from ..extensions import db
from ..models import Thread
from . import docsets
from .analysis import analyze
from .registry import ResultItem
from .related import thread_item
from .writer import searcher as open_searcher


def load_summaries(user, ids: list[int]) -> list[ResultItem]:
    """Visible threads by id, in the given order, in one statement."""
    if not ids:
        return []
    threads = db.session.scalars(
        select(Thread).where(Thread.id.in_(ids), permissions.visible_threads(user))
        .options(joinedload(Thread.delegation))
    ).unique().all()
    by_id = {t.id: t for t in threads}
    return [thread_item(by_id[i]) for i in ids if i in by_id]


def _visible_thread_docs(searcher, user) -> docsets.AllowedDocs:
    """Thread documents (not hidden ones but for moderators), kept while the searcher lives."""
    moderator = permissions.is_moderator(user)

    def compute():
        parts = [wq.Term("kind", "thread")]
        if not moderator:
            parts.append(wq.Term("hidden", "0"))
        return docsets.AllowedDocs(docsets.filter_docs(searcher, parts))

    return docsets.remembered(searcher, ("similar-allowed", moderator), compute)


def similar_titles(user, title: str, limit: int = 5) -> list[ResultItem]:
    """Visible threads whose title or opening post resembles a title being typed."""
    stems = list(dict.fromkeys(analyze(title)))
    if not stems:
        return []
    searcher = open_searcher()
    minimum = 1 if len(stems) <= 2 else (len(stems) + 1) // 2
    q = wq.Or([wq.Or([wq.Term("title", s, boost=2.0), wq.Term("body", s)]) for s in stems],
              minmatch=minimum)
    results = searcher.search(q, filter=_visible_thread_docs(searcher, user), limit=limit * 3)
    ids = [hit["obj_id"] for hit in results]
    return load_summaries(user, ids)[:limit]

