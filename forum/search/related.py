"""More like this: related threads and practices of other delegations, and similar titles.

Related lists are computed off the request path: the process applying the change log
(`writer._apply`) recomputes the list of every thread or practice whose own document changed
(title, opening text, tags, category...), offers it to the lists of the candidates it found,
and `flask search reindex` recomputes every list. A page reads the stored list with one indexed
statement filtered by the reader's visibility (see `related_threads`).

The computation is kept small: the title's stems and the opening text's 8 most distinctive
stems (by tf x idf, skipping stems found nearly everywhere or nowhere else), the tags and the
glossary's translations. Each is looked up as the set of documents of the same kind holding
it (kept while the searcher lives, so a rebuild reads each posting list once), and a candidate
scores the sum of the idf of what it shares. No Whoosh search walks the postings of every reply.

The similar-titles box while composing stays live (the title is being typed) with the same
diet: a cached document set instead of a filter query rebuilt on every keystroke.
"""

from __future__ import annotations

import math
from collections import Counter

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, contains_eager
from whoosh import query as wq

from .. import permissions
from ..caching import versions
from ..extensions import db
from ..models import RelatedPractice, RelatedThread, Thread, utcnow
from ..web.links import thread_url
from . import docsets
from .analysis import analyze
from .concepts import glossary_expansions
from .registry import ResultItem

# Candidates stored per thread or practice: more than a page shows (5), so that readers who
# may not see some (staff-only categories, hidden threads) still get a full list.
STORED = 20
# Stems of the opening text kept (besides the title's own).
BODY_TERMS = 8
BODY_CHARS = 3000
# Stems found in more than this share of documents (and in more than COMMON_FLOOR of them)
# say little and cost the most to match.
COMMON_SHARE = 0.2
COMMON_FLOOR = 200

# kind -> (model, its owner column)
_TABLES = {
    "thread": (RelatedThread, RelatedThread.thread_id),
    "practice": (RelatedPractice, RelatedPractice.practice_id),
}
RELATED_KINDS = frozenset(_TABLES)
_SOURCE_FIELDS = ("kind", "obj_id", "title", "tags", "country")


def related_source(doc: dict) -> dict:
    """What computing a document's related list needs (kept small: a rebuild holds them all)."""
    source = {name: doc.get(name) for name in _SOURCE_FIELDS}
    source["body"] = (doc.get("body") or "")[:BODY_CHARS]
    return source


# ---------------------------------------------------------------------------------------------
# Computing (worker side)
# ---------------------------------------------------------------------------------------------


class _KindTerms:
    """For one searcher and one kind: the documents of that kind holding a term, remembered
    (a rebuild asks for the same stems thousands of times; a drain batch for a few dozen)."""

    MAX = 200_000

    def __init__(self, searcher, kind: str):
        self.searcher = searcher
        self.docs = docsets.filter_docs(searcher, [wq.Term("kind", kind)])
        self.total = max(len(self.docs), 1)
        self.known: dict[tuple[str, str], frozenset[int]] = {}

    def __call__(self, fieldname: str, text: str) -> frozenset[int]:
        key = (fieldname, text)
        found = self.known.get(key)
        if found is None:
            found = frozenset(self.docs.intersection(
                docsets.raw_docs(self.searcher, wq.Term(fieldname, text))))
            if len(self.known) >= self.MAX:
                self.known.clear()
            self.known[key] = found
        return found

    def idf(self, count: int) -> float:
        """Inverse document frequency among the documents of this kind."""
        return math.log(1 + self.total / (1 + count))


def kind_terms(searcher, kind: str) -> _KindTerms:
    """The `_KindTerms` of a searcher (kept while the searcher lives)."""
    return docsets.remembered(searcher, ("kind-terms", kind), lambda: _KindTerms(searcher, kind))


def _key_terms(terms: _KindTerms, title_stems: list[str], body_stems: list[str]) -> list[str]:
    """The title's stems and the most distinctive stems of the opening text (tf x idf),
    skipping stems no other document holds and stems nearly every document holds."""
    common = max(terms.total * COMMON_SHARE, COMMON_FLOOR)

    def frequency(stem):
        return len(terms("body", stem) | terms("title", stem))

    chosen = []
    for stem in dict.fromkeys(title_stems):
        if 1 < frequency(stem) <= common:
            chosen.append(stem)
    scored = []
    for stem, tf in Counter(body_stems).items():
        if stem in chosen:
            continue
        df = frequency(stem)
        if 1 < df <= common:
            scored.append((tf * terms.idf(df), stem))
    scored.sort(reverse=True)
    return chosen + [stem for _score, stem in scored[:BODY_TERMS]]


def _matches(terms: _KindTerms, doc: dict, searcher) -> dict[int, float]:
    """Score of every document of the kind sharing the key terms, tags or glossary ideas of
    `doc`: the sum of the idf of what they share (a title match counts twice, a tag thrice)."""
    title_stems = analyze(doc.get("title") or "")
    body_stems = analyze((doc.get("body") or "")[:BODY_CHARS])
    scores: dict[int, float] = {}

    def add(docs, weight):
        for docnum in docs:
            scores[docnum] = scores.get(docnum, 0.0) + weight

    for stem in _key_terms(terms, title_stems, body_stems):
        in_title, in_body = terms("title", stem), terms("body", stem)
        idf = terms.idf(len(in_title | in_body))
        add(in_title, 2.0 * idf)
        add(in_body, idf)
    for tag in (doc.get("tags") or "").split():
        tagged = terms("tags", tag)
        add(tagged, 3.0 * terms.idf(len(tagged)))
    # The same ideas in the other languages, through the glossary.
    for _covered, others in glossary_expansions(title_stems + body_stems, searcher=searcher):
        for other in others[:3]:
            sets = [terms("body", s) | terms("title", s) for s in other]
            shared = frozenset.intersection(*sets) if sets else frozenset()
            add(shared, terms.idf(len(shared)))
    return scores


def _country_docs(searcher, country: str) -> frozenset[int]:
    return docsets.remembered(
        searcher, ("country-docs", country),
        lambda: frozenset(docsets.raw_docs(searcher, wq.Term("country", country))))


def compute_related(searcher, kind: str, doc: dict, limit: int = STORED) -> list[tuple[int, float]]:
    """(id, score) of the documents of `kind` most like `doc`, from other delegations, best first.

    Visibility is not applied here (lists are shared by every reader): pages filter in SQL.
    """
    terms = kind_terms(searcher, kind)
    scores = _matches(terms, doc, searcher)
    if not scores:
        return []
    country = doc.get("country") or ""
    excluded = _country_docs(searcher, country) if country else frozenset()
    ranked = sorted(((score, docnum) for docnum, score in scores.items() if docnum not in excluded),
                    key=lambda item: (-item[0], item[1]))
    own = doc.get("obj_id")
    found = []
    for score, docnum in ranked:
        obj_id = searcher.stored_fields(docnum).get("obj_id")
        if obj_id is not None and obj_id != own:
            found.append((obj_id, round(score, 4)))
            if len(found) >= limit:
                break
    return found


def _changed_list(session: Session, kind: str, owner: int) -> None:
    """A stored list changed: the owner's cached pages show it."""
    versions.touch(session, threads=[owner] if kind == "thread" else [])


def _store(session: Session, kind: str, owner: int, found: list[tuple[int, float]], now) -> bool:
    """Replace one stored list; False when it was already the same (nothing written)."""
    model, owner_col = _TABLES[kind]
    current = session.execute(
        select(model.related_id, model.score).where(owner_col == owner)
    ).all()
    if sorted((r, round(s, 4)) for r, s in current) == sorted(found):
        return False
    if current:
        session.execute(delete(model).where(owner_col == owner))
    if found:
        session.execute(insert(model), [
            {owner_col.key: owner, "related_id": related, "score": score, "computed_at": now}
            for related, score in found
        ])
    _changed_list(session, kind, owner)
    return True


def _offer(session: Session, kind: str, lists: dict[int, list[tuple[int, float]]], now) -> None:
    """Offer each computed document to the lists of its candidates (a new thread shows in the
    lists of the older threads it resembles without recomputing them)."""
    model, owner_col = _TABLES[kind]
    offers: dict[int, dict[int, float]] = {}
    for owner, found in lists.items():
        for related, score in found:
            if related not in lists:
                offers.setdefault(related, {})[owner] = score
    if not offers:
        return
    stored: dict[int, dict[int, float]] = {}
    for owner, related, score in session.execute(
        select(owner_col, model.related_id, model.score).where(owner_col.in_(list(offers)))
    ):
        stored.setdefault(owner, {})[related] = score
    for owner, offered in offers.items():
        current = stored.get(owner, {})
        merged = dict(current)
        merged.update(offered)
        keep = dict(sorted(merged.items(), key=lambda item: (-item[1], item[0]))[:STORED])
        if keep == current:
            continue
        _changed_list(session, kind, owner)
        gone = [r for r in current if r not in keep or keep[r] != current[r]]
        if gone:
            session.execute(delete(model).where(owner_col == owner, model.related_id.in_(gone)))
        added = [r for r in keep if r not in current or keep[r] != current[r]]
        if added:
            session.execute(insert(model), [
                {owner_col.key: owner, "related_id": r, "score": keep[r], "computed_at": now}
                for r in added
            ])


def refresh_related(session: Session, searcher, docs: dict[str, dict]) -> int:
    """Recompute and store the lists of the given thread and practice documents (by key).

    Called by the change-log applier after its Whoosh commit, with the documents whose content
    changed; commits once. Returns how many lists were recomputed.
    """
    now = utcnow()
    count = 0
    for kind in _TABLES:
        lists = {}
        for doc in docs.values():
            if doc.get("kind") == kind:
                lists[doc["obj_id"]] = compute_related(searcher, kind, doc)
        for owner, found in lists.items():
            _store(session, kind, owner, found, now)
        _offer(session, kind, lists, now)
        count += len(lists)
    if count:
        session.commit()
    return count


def rebuild_related(session: Session, searcher, docs: list[dict], chunk: int = 5000) -> int:
    """Recompute every stored list from a freshly built index (reindex).

    Every list is computed first, then the tables are replaced in one transaction (readers see
    the old lists until it commits); lists of documents no longer indexed go with them.
    """
    now = utcnow()
    rows: dict[str, list[dict]] = {}
    for kind, (_model, owner_col) in _TABLES.items():
        rows[kind] = [
            {owner_col.key: doc["obj_id"], "related_id": related, "score": score, "computed_at": now}
            for doc in docs if doc.get("kind") == kind
            for related, score in compute_related(searcher, kind, doc)
        ]
    versions.touch(session, everything=True)
    for kind, (model, _owner_col) in _TABLES.items():
        session.execute(delete(model))
        for start in range(0, len(rows[kind]), chunk):
            session.execute(insert(model), rows[kind][start:start + chunk])
    session.commit()
    return sum(1 for doc in docs if doc.get("kind") in _TABLES)


# ---------------------------------------------------------------------------------------------
# Reading (request side)
# ---------------------------------------------------------------------------------------------


def related_threads(user, thread: Thread, limit: int = 5) -> list[ResultItem]:
    """Up to `limit` visible threads from other delegations sharing content or tags.

    One statement: the stored list joined to the threads the reader may see.
    """
    rows = db.session.execute(
        select(Thread)
        .join(RelatedThread, RelatedThread.related_id == Thread.id)
        .join(Thread.delegation)
        .options(contains_eager(Thread.delegation))
        .where(RelatedThread.thread_id == thread.id, permissions.visible_threads(user),
               Thread.delegation_id != thread.delegation_id)
        .order_by(RelatedThread.score.desc(), RelatedThread.related_id)
        .limit(limit)
    ).scalars().all()
    return [thread_item(t) for t in rows]


def thread_item(thread: Thread) -> ResultItem:
    url = thread_url(thread)
    return ResultItem(
        kind="thread", obj_id=thread.id, title=thread.title, url=url, text="",
        country=thread.delegation.code, country_name=thread.delegation.name,
        flag=thread.delegation.flag, language=thread.language,
        created_at=thread.created_at, group_title=thread.title, group_url=url,
    )


def stored_related_practices(practice, visible, limit: int) -> list:
    """Stored similar practices of other countries matching `visible`, best first, in one
    statement (`visible`: the reader's practice filter; the practices feature owns it)."""
    from ..models import Practice

    return db.session.scalars(
        select(Practice)
        .join(RelatedPractice, RelatedPractice.related_id == Practice.id)
        .join(Practice.delegation)
        .options(contains_eager(Practice.delegation))
        .where(RelatedPractice.practice_id == practice.id, visible,
               Practice.delegation_id != practice.delegation_id)
        .order_by(RelatedPractice.score.desc(), RelatedPractice.related_id)
        .limit(limit)
    ).all()
