"""Cached rendered HTML: whole pages for anonymous readers, fragments for everyone else.

Invalidation rule: everything is cached under the *content generation*, a counter in the
database that every transaction changing content raises before it commits (see
`forum.models.generation`). A request reads the counter once (one small statement) and only
uses HTML rendered under the same value, so a change committed by any process on any node is
visible on the next request everywhere. Bookkeeping tables that no page shows (the search
change log and its cursors) do not move the counter.

Keys always include the interface language; callers add what else the HTML depends on (the
reader's role, delegation, whether they wrote the post...). Each process keeps at most
FRAGMENT_CACHE_BYTES of HTML, least recently used first out; a new generation empties it.

Forms inside cached HTML carry a placeholder instead of the CSRF token, and every response
fills in its own reader's token, so cached HTML is never tied to one session.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    message_flashed,
    request,
    session,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models.base import utcnow
from ..models.generation import BUMP, READ

# Tables whose changes no page shows: writing them does not invalidate anything.
UNSHOWN_TABLES = frozenset({"search_change", "search_consumer", "content_generation"})
_CHANGED = "content_changed"
_CSRF_FIELD = "csrf_token"
# Unguessable per process, so text typed into a post can never match it.
PLACEHOLDER = f"csrf{secrets.token_hex(16)}"
# Endpoints whose whole page is cached for anonymous readers (see `whole_page`).
_PAGE_ENDPOINTS: set[str] = set()


class RenderedHTML(str):
    """HTML rendered by the application's own autoescaping templates: inserted as is."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


class FragmentStore:
    """HTML by key for one generation, bounded in bytes, least recently used evicted first."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.generation: tuple | None = None
        self.entries: OrderedDict[tuple, str] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def get(self, generation: tuple, key: tuple) -> str | None:
        """The HTML stored under this key in this generation, or None."""
        with self._lock:
            if generation != self.generation:
                self.misses += 1
                return None
            html = self.entries.get(key)
            if html is None:
                self.misses += 1
                return None
            self.entries.move_to_end(key)
            self.hits += 1
            return html

    @staticmethod
    def _cost(value) -> int:
        """Roughly the bytes a value holds (text is stored as UCS-2 or wider)."""
        return (len(value) if isinstance(value, str) else len(repr(value))) * 2 + 200

    def put(self, generation: tuple, key: tuple, html) -> None:
        """Store a value made under `generation`; a different generation empties the store."""
        cost = self._cost(html)
        if cost > self.max_bytes // 4:
            return
        with self._lock:
            if generation != self.generation:
                self.entries.clear()
                self.size = 0
                self.generation = generation
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= self._cost(old)
            self.entries[key] = html
            self.size += cost
            while self.size > self.max_bytes and self.entries:
                _, evicted = self.entries.popitem(last=False)
                self.size -= self._cost(evicted)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self.entries.clear()
            self.size = 0
            self.generation = None


def store(app: Flask | None = None) -> FragmentStore:
    """The application's fragment store."""
    return (app or current_app).extensions["fragments"]


def enabled() -> bool:
    """Whether caching is on (FRAGMENT_CACHE_BYTES > 0)."""
    return current_app.config.get("FRAGMENT_CACHE_BYTES", 0) > 0


def generation() -> tuple[int, str]:
    """The content generation, read once per request, with the UTC day (dates in pages, such
    as "overdue", change with it)."""
    if "content_generation" not in g:
        g.content_generation = (db.session.scalar(READ) or 0, utcnow().date().isoformat())
    return g.content_generation


# ---------------------------------------------------------------------------------------------
# Rendering with a CSRF placeholder
# ---------------------------------------------------------------------------------------------


def _render_with_placeholder(render: Callable[[], str]) -> str:
    """Render with the CSRF placeholder in place of the reader's token."""
    missing = object()
    previous = g.get(_CSRF_FIELD, missing)
    setattr(g, _CSRF_FIELD, PLACEHOLDER)
    try:
        return str(render())
    finally:
        if previous is missing:
            g.pop(_CSRF_FIELD, None)
        else:
            setattr(g, _CSRF_FIELD, previous)


def fill_csrf(html: str) -> str:
    """Put the reader's CSRF token where the placeholder is."""
    if PLACEHOLDER not in html:
        return html
    token = generate_csrf()
    if token == PLACEHOLDER:  # inside an enclosing cached render: it fills in later
        return html
    return html.replace(PLACEHOLDER, token)


def cached_html_many(keys: list[tuple]) -> list[str | None]:
    """The HTML cached for each key (plus the interface language), placeholder included, or None."""
    if not enabled():
        return [None] * len(keys)
    locale, generation_now, cache = str(get_locale()), generation(), store()
    return [cache.get(generation_now, (locale, *key)) for key in keys]


def cached_value(key: tuple, load: Callable[[], object]):
    """Plain data (no ORM objects) cached for `key` under the content generation."""
    if not enabled():
        return load()
    generation_now = generation()  # read before the data, so the data is never older
    full_key = ("value", *key)
    value = store().get(generation_now, full_key)
    if value is None:
        value = load()
        store().put(generation_now, full_key, value)
    return value


def fragment(key: tuple, render: Callable[[], str]) -> RenderedHTML:
    """Cached HTML for `key` (plus the interface language), rendered by `render` on a miss."""
    if not enabled():
        return RenderedHTML(render())
    generation_now = generation()
    full_key = (str(get_locale()), *key)
    cache = store()
    html = cache.get(generation_now, full_key)
    if html is None:
        html = _render_with_placeholder(render)
        cache.put(generation_now, full_key, html)
    return RenderedHTML(fill_csrf(html))


def cached_include(template: str, key: tuple, per_reader: bool = True, **context) -> RenderedHTML:
    """A template rendered with `context`, cached under `key` (and the reader's viewer key)."""
    from flask import render_template

    full_key = (template, *key, *(viewer_key() if per_reader else ()))
    return fragment(full_key, lambda: render_template(template, **context))


def viewer_key(user=None) -> tuple:
    """What listings depend on about the reader: role and delegation (or anonymous)."""
    from .. import permissions

    if user is None:
        if "viewer_key" not in g:
            g.viewer_key = viewer_key(current_user._get_current_object())
        return g.viewer_key
    role = permissions.role_of(user)
    if role is None:
        return ("anonymous",)
    return (role.value, user.delegation_id)


# ---------------------------------------------------------------------------------------------
# Whole pages for anonymous readers
# ---------------------------------------------------------------------------------------------


def whole_page(view):
    """Mark a GET view whose page is the same for every anonymous reader of a language."""
    view._whole_page_cache = True
    return view


def _page_key() -> tuple | None:
    if request.method not in ("GET", "HEAD") or request.endpoint not in _PAGE_ENDPOINTS:
        return None
    if not enabled() or "_flashes" in session or current_user.is_authenticated:
        return None
    return ("page", request.full_path, str(get_locale()))


def _serve_cached_page():
    key = _page_key()
    if key is None:
        return None
    html = store().get(generation(), key)
    if html is not None:
        return Response(fill_csrf(html), mimetype="text/html")
    g.page_cache_key = key
    setattr(g, _CSRF_FIELD, PLACEHOLDER)
    return None


def _keep_page(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None:
        return response
    if g.get(_CSRF_FIELD) == PLACEHOLDER:
        g.pop(_CSRF_FIELD)
    if response.direct_passthrough or response.mimetype != "text/html":
        return response
    html = response.get_data(as_text=True)
    if response.status_code == 200 and not g.get("page_not_cacheable"):
        store().put(generation(), key, html)
    response.set_data(fill_csrf(html))
    return response


def _flashed(sender, **_extra) -> None:
    g.page_not_cacheable = True


# ---------------------------------------------------------------------------------------------
# Moving the generation forward with every content change
# ---------------------------------------------------------------------------------------------


def _shown(table_name: str | None) -> bool:
    return table_name not in UNSHOWN_TABLES


def _after_flush(session: Session, _context) -> None:
    if session.info.get(_CHANGED):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if _shown(getattr(obj, "__tablename__", None)):
            session.info[_CHANGED] = True
            return


def _orm_execute(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and not state.session.info.get(_CHANGED):
        table = getattr(state.statement, "table", None)
        if _shown(getattr(table, "name", None)):
            state.session.info[_CHANGED] = True


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()
    if session.info.pop(_CHANGED, False):
        session.connection().execute(BUMP)
        session.info["content_generation_bumped"] = True


def _after_commit(session: Session) -> None:
    # this request changed content: read the new generation before using the cache again
    if session.info.pop("content_generation_bumped", False) and has_app_context():
        g.pop("content_generation", None)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop("content_generation_bumped", None)


def init_app(app: Flask) -> None:
    """Create the store, the page hooks and the session listeners (once per process)."""
    app.extensions["fragments"] = FragmentStore(int(app.config.get("FRAGMENT_CACHE_BYTES", 0)))
    app.jinja_env.globals["cached_include"] = cached_include
    for endpoint, view in app.view_functions.items():
        if getattr(view, "_whole_page_cache", False):
            _PAGE_ENDPOINTS.add(endpoint)
    app.before_request(_serve_cached_page)
    app.after_request(_keep_page)
    message_flashed.connect(_flashed, app)
    for name, fn in (("after_flush", _after_flush), ("do_orm_execute", _orm_execute),
                     ("before_commit", _before_commit), ("after_commit", _after_commit),
                     ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
