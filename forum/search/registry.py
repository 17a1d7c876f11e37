"""The registry of searchable kinds.

Each kind of searchable thing registers a `SearchKind` once at import time:

- ``name``: the value of the ``kind`` field (``thread``, ``post``, ``tag``; ``practice`` and
  ``summary`` later) and the prefix of document keys (``"post:42"``).
- ``build(session, ids) -> {key: document or None}``: builds documents from the *current*
  database rows, so applying a change twice is harmless. ``None`` deletes the document (row
  gone, merged away, ...). A builder may return documents of other kinds too (editing the first
  post of a thread rebuilds the thread document).
- ``all_ids(session)``: every id to index, used by reindex and check.
- ``load(user, ids) -> {id: ResultItem}``: loads hits back through SQL *with the visible_*
  filters of forum/permissions.py*; ids the user may not see are simply absent.
- ``watch``: ``{Model: fn(obj, session) -> [(kind, id), ...]}``; the session hooks call ``fn``
  for every new, changed or deleted instance of ``Model`` and write one change row per pair.
- ``in_results``: whether hits of this kind are listed on the search page (tags are not: they
  feed the related-tags list), ``label`` and ``aliases`` for the ``kind:`` filter.

Documents are dicts with the fields of `schema.DOCUMENT_FIELDS`. ``group`` decides how results
are grouped on the search page (a thread and its posts share ``"thread:<id>"``).

To add a kind, call ``register(SearchKind(...))`` from the owning feature's module and import
that module from `forum.search.documents.load_plugins` (or let the feature import it at app
creation): nothing else in the search package changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class ResultItem:
    """What the search page needs to show one hit, loaded through the visibility filters."""

    kind: str
    obj_id: int
    title: str
    url: str | None
    text: str
    country: str = ""
    country_name: str = ""
    language: str = ""
    created_at: datetime | None = None
    author: str = ""
    group_title: str = ""
    group_url: str | None = None
    tags: list = field(default_factory=list)
    category: str = ""
    flag: str = ""
    hidden: bool = False


@dataclass
class SearchKind:
    """One searchable kind; see the module docstring."""

    name: str
    build: Callable[[Any, list[int]], dict[str, dict | None]]
    all_ids: Callable[[Any], Iterable[int]]
    load: Callable[[Any, list[int]], dict[int, ResultItem]]
    watch: dict = field(default_factory=dict)
    in_results: bool = True
    label: Any = ""
    aliases: tuple[str, ...] = ()


KINDS: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> SearchKind:
    """Add (or replace) a searchable kind."""
    KINDS[kind.name] = kind
    return kind


def result_kinds() -> list[str]:
    """Kinds listed on the search page."""
    return [name for name, kind in KINDS.items() if kind.in_results]


def kind_for_alias(text: str) -> str | None:
    """The kind named by `text` (its name or an alias in any language)."""
    from .analysis import fold

    value = fold(text)
    for name, kind in KINDS.items():
        if value == name or value in {fold(a) for a in kind.aliases}:
            return name
    return None


def changes_for(obj, session) -> list[tuple[str, int]]:
    """The (kind, id) changes an instance implies, according to every kind's watch list."""
    found: list[tuple[str, int]] = []
    for kind in KINDS.values():
        for model, fn in kind.watch.items():
            if isinstance(obj, model):
                found.extend(fn(obj, session))
    return found
