"""Document-number sets and per-document column values, kept while a searcher lives.

Counts, facets and filters only need *which* documents match, not their scores. Whoosh's
`docs_for_query` walks every posting one Python call at a time and reading a column value
seeks in the file for every document; here:

- boolean queries (terms, And, Or, AndNot, everything) are answered with Python sets built
  from whole posting blocks; other queries (phrases, date ranges) go through Whoosh;
- filter parts (visibility, kinds, categories...) and their intersections are kept until the
  searcher changes, since most searches share them;
- facet columns are read once per index segment (a segment never changes; a new searcher
  after an update reuses the big segments' values and reads only the new small ones).

The posting-block reader uses the block layout of the whoosh3 codec (pinned in pyproject) and
falls back to Whoosh's own iteration for any other matcher.
"""

from __future__ import annotations

import threading

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.idsets import DocIdSet
from whoosh.matching import FilterMatcher

_MAX_SETS = 512
_MAX_SEGMENT_ENTRIES = 512  # columns and field lengths of ~50 segments


class _State:
    """What is cached for one searcher."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.lock = threading.Lock()
        self.live: frozenset[int] | None = None
        self.parts: dict[str, frozenset[int]] = {}
        self.combined: dict[tuple, frozenset[int]] = {}
        self.columns: dict[tuple, list] = {}
        self.memo: dict = {}


_state: _State | None = None
_segment_columns: dict[tuple, list] = {}
_segment_lock = threading.Lock()


def _for(searcher) -> _State:
    global _state
    state = _state
    if state is None or state.searcher is not searcher:
        state = _State(searcher)
        _state = state
        _prune_segments({_segment_id(leaf) for leaf, _offset in searcher.reader().leaf_readers()})
    return state


_MISSING = object()


def remembered(searcher, key, compute):
    """`compute()`, remembered while this searcher lives (answers that depend on the index only)."""
    state = _for(searcher)
    value = state.memo.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        with state.lock:
            if len(state.memo) > 4096:
                state.memo.clear()
            state.memo[key] = value
    return value


# ---------------------------------------------------------------------------------------------
# Sets of documents
# ---------------------------------------------------------------------------------------------


def live_docs(searcher) -> frozenset[int]:
    """Every document number that is not deleted."""
    state = _for(searcher)
    if state.live is None:
        live: set[int] = set()
        for leaf, offset in searcher.reader().leaf_readers():
            segment = leaf.segment()
            if segment is None:
                live.update(offset + d for d in leaf.all_doc_ids())
                continue
            live.update(range(offset, offset + leaf.doc_count_all()))
            if segment.has_deletions():
                live.difference_update(offset + d for d in segment.deleted_docs())
        state.live = frozenset(live)
    return state.live


def _posting_ids(matcher) -> list[int]:
    """Document numbers of a fresh posting matcher, read block by block when possible."""
    if type(matcher) is not W3LeafMatcher:
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        matcher.id()  # loads the current block's ids
        block = matcher._ids
        ids.extend(block[matcher._i:] if matcher._i else block)
        matcher._next_block()
    return ids


def _term_docs(searcher, fieldname: str, text) -> set[int]:
    """Documents holding a term, deleted ones included (callers intersect with live sets)."""
    out: set[int] = set()
    for reader, offset in searcher.reader().leaf_readers():
        if (fieldname, text) not in reader:
            continue
        matcher = reader.postings(fieldname, text)
        if isinstance(matcher, FilterMatcher):  # hides deleted documents: callers do that
            matcher = matcher.child
        ids = _posting_ids(matcher)
        out.update(ids if not offset else (d + offset for d in ids))
    return out


def raw_docs(searcher, q) -> set[int] | frozenset[int]:
    """Documents matching `q`; for term-based parts, deleted documents may be included."""
    kind = type(q)
    if kind is wq.Term:
        return _term_docs(searcher, q.fieldname, q.text)
    if kind is wq.And and q.subqueries:
        sets = sorted((raw_docs(searcher, sub) for sub in q.subqueries), key=len)
        result = set(sets[0])
        for other in sets[1:]:
            if not result:
                break
            result.intersection_update(other)
        return result
    if kind is wq.Or and not q.minmatch:
        result = set()
        for sub in q.subqueries:
            result |= raw_docs(searcher, sub)
        return result
    if isinstance(q, wq.AndNot):
        positive = raw_docs(searcher, q.a)
        if not positive:
            return positive
        return set(positive).difference(raw_docs(searcher, q.b))
    if kind is wq.Every and q.fieldname is None:
        return live_docs(searcher)
    if q is wq.NullQuery:
        return set()
    return set(searcher.docs_for_query(q))


def query_docs(searcher, q) -> set[int] | frozenset[int]:
    """Every live document matching `q` (what Whoosh's `docs_for_query` answers, without the
    AndNot slip described in queries.py)."""
    docs = raw_docs(searcher, q)
    if searcher.reader().has_deletions():
        docs = live_docs(searcher).intersection(docs)
    return docs


def filter_docs(searcher, parts: list) -> frozenset[int]:
    """Live documents matching every filter part; parts and their combinations are cached."""
    state = _for(searcher)
    keys = tuple(sorted({repr(part): part for part in parts}.items()))
    combo = tuple(key for key, _part in keys)
    result = state.combined.get(combo)
    if result is not None:
        return result
    result = live_docs(searcher)
    for key, part in sorted(keys, key=lambda item: len(_part_docs(state, *item))):
        if not result:
            break
        result = result.intersection(_part_docs(state, key, part))
    result = frozenset(result)
    with state.lock:
        if len(state.combined) > _MAX_SETS:
            state.combined.clear()
        state.combined[combo] = result
    return result


def _part_docs(state: _State, key: str, part) -> frozenset[int]:
    docs = state.parts.get(key)
    if docs is None:
        docs = frozenset(raw_docs(state.searcher, part))
        with state.lock:
            if len(state.parts) > _MAX_SETS:
                state.parts.clear()
            state.parts[key] = docs
    return docs


class AllowedDocs(DocIdSet):
    """A read-only view of a set of document numbers, usable as a Whoosh search filter.

    Whoosh accepts only a `set` (which would be copied on every search) or a `DocIdSet`.
    """

    def __init__(self, docs):
        self.docs = docs

    def __contains__(self, docnum):
        return docnum in self.docs

    def __len__(self):
        return len(self.docs)

    def __iter__(self):
        return iter(sorted(self.docs))

    def __bool__(self):
        return bool(self.docs)


# ---------------------------------------------------------------------------------------------
# Column values
# ---------------------------------------------------------------------------------------------


def column_values(searcher, name: str, split: bool = False) -> list | None:
    """The value of a sortable field for every document number (None when empty).

    With `split`, each value is the tuple of its space-separated words (tags). Returns None
    when the index has no such column.
    """
    state = _for(searcher)
    key = (name, split)
    values = state.columns.get(key)
    if values is not None:
        return values
    reader = searcher.reader()
    if not reader.has_column(name):
        return None
    leaves = list(reader.leaf_readers())
    values = []
    for leaf, offset in leaves:
        if len(values) < offset:  # never expected: keep document numbers aligned anyway
            values.extend([None] * (offset - len(values)))
        values.extend(_segment_values(leaf, name, split))
    with state.lock:
        state.columns[key] = values
    return values


def _segment_id(leaf) -> str | None:
    segment = leaf.segment()
    return segment.segment_id() if segment is not None else None


def _segment_values(leaf, name: str, split: bool) -> list:
    segment_key = (_segment_id(leaf), name, split)
    values = _segment_columns.get(segment_key) if segment_key[0] else None
    if values is not None and len(values) == leaf.doc_count_all():
        return values
    decoded: dict = {}
    values = []
    append = values.append
    if leaf.has_column(name):
        for raw in leaf.column_reader(name, translate=False):
            value = decoded.get(raw)
            if value is None and raw not in decoded:
                text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw or "")
                value = (tuple(text.split()) or None) if split else (text or None)
                decoded[raw] = value
            append(value)
    else:
        values = [None] * leaf.doc_count_all()
    if segment_key[0]:
        with _segment_lock:
            _segment_columns[segment_key] = values
    return values


def field_lengths(leaf, fieldname: str) -> list | None:
    """Every document's length in `fieldname` for one segment reader (what BM25 reads)."""
    segment = leaf.segment() if leaf.is_atomic() else None
    if segment is None or fieldname not in leaf.schema or not leaf.schema[fieldname].scorable:
        return None
    segment_key = (segment.segment_id(), "length", fieldname)
    lengths = _segment_columns.get(segment_key)
    if lengths is None or len(lengths) != leaf.doc_count_all():
        length = leaf.doc_field_length
        lengths = [length(docnum, fieldname, 1) for docnum in range(leaf.doc_count_all())]
        with _segment_lock:
            _segment_columns[segment_key] = lengths
    return lengths


def _prune_segments(current: set[str]) -> None:
    """Forget segments of older searchers once the cache holds many."""
    with _segment_lock:
        if len(_segment_columns) <= _MAX_SEGMENT_ENTRIES:
            return
        for key in [k for k in _segment_columns if k[0] not in current]:
            del _segment_columns[key]
