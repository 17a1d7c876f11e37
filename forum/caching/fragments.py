"""Cached rendered HTML: whole pages for anonymous readers, fragments for everyone else.

Invalidation rule: every entry carries the content versions of the scopes it shows (see
`forum.caching.versions`): a thread's parts carry `thread:<id>`, a category page `category:<id>`,
the home page `activity`, and every entry `all`. A request reads the versions it needs once
(one small statement) and only uses HTML stored under the same values, so a change committed by
any process on any node is visible on the next request everywhere, while a reply to one thread
leaves every other thread's HTML in place.

Keys always include the interface language; what else the HTML depends on about the reader
comes from `forum.caching.readers`. Each process keeps at most FRAGMENT_CACHE_BYTES of HTML,
least recently used first out.

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
    message_flashed,
    request,
    session,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from . import readers, versions
from .versions import ACTIVITY

_CSRF_FIELD = "csrf_token"
# Unguessable per process, so text typed into a post can never match it.
PLACEHOLDER = f"csrf{secrets.token_hex(16)}"
# Endpoints whose whole page is cached for anonymous readers (see `whole_page`).
_PAGE_ENDPOINTS: dict[str, str] = {}


class RenderedHTML(str):
    """HTML rendered by the application's own autoescaping templates: inserted as is."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


class _Text(bytes):
    """Text stored encoded (see `FragmentStore.put`)."""

    __slots__ = ()


class FragmentStore:
    """Values by key, each with the stamp (content versions) it was made under; bounded in
    bytes, least recently used evicted first."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple, tuple[tuple, object]] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def peek(self, key: tuple) -> tuple[tuple, object] | None:
        """(stamp, value) stored under this key, whatever its stamp, or None."""
        with self._lock:
            return self.entries.get(key)

    def get(self, stamp: tuple, key: tuple):
        """The value stored under this key with this stamp, or None."""
        with self._lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != stamp:
                self.misses += 1
                return None
            self.entries.move_to_end(key)
            self.hits += 1
            value = entry[1]
        return value.decode() if isinstance(value, _Text) else value

    @staticmethod
    def _cost(value) -> int:
        """Roughly the bytes a value holds."""
        if isinstance(value, bytes):
            return len(value) + 100
        return len(repr(value)) * 2 + 200

    def put(self, stamp: tuple, key: tuple, value) -> None:
        """Store a value made under `stamp`, replacing any older one of the key.

        Text is kept as UTF-8: a page with one flag emoji would take four bytes a character.
        """
        if isinstance(value, str):
            value = _Text(value.encode())
        cost = self._cost(value)
        if cost > self.max_bytes // 4:
            return
        with self._lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= self._cost(old[1])
            self.entries[key] = (stamp, value)
            self.size += cost
            while self.size > self.max_bytes and self.entries:
                _, (_, evicted) = self.entries.popitem(last=False)
                self.size -= self._cost(evicted)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self.entries.clear()
            self.size = 0


def store(app: Flask | None = None) -> FragmentStore:
    """The application's fragment store."""
    return (app or current_app).extensions["fragments"]


def enabled() -> bool:
    """Whether caching is on (FRAGMENT_CACHE_BYTES > 0)."""
    return current_app.config.get("FRAGMENT_CACHE_BYTES", 0) > 0


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


def _scopes(scopes) -> tuple[str, ...]:
    """The scopes of an entry; None (not thought about) means every content change."""
    return (ACTIVITY,) if scopes is None else tuple(scopes)


def _fill_csrf_bytes(page: bytes) -> bytes:
    """`fill_csrf` for an encoded page."""
    marker = PLACEHOLDER.encode()
    if marker not in page:
        return page
    return page.replace(marker, generate_csrf().encode())


def cached_html_many(keys: list[tuple], scopes=None) -> list[str | None]:
    """The HTML cached for each key (plus the interface language), placeholder included, or None."""
    if not enabled():
        return [None] * len(keys)
    locale, stamp, cache = str(get_locale()), versions.stamp(_scopes(scopes)), store()
    return [cache.get(stamp, (locale, *key)) for key in keys]


def cached_value(key: tuple, load: Callable[[], object], scopes=None):
    """Plain data (no ORM objects) cached for `key` under the versions of `scopes`."""
    if not enabled():
        return load()
    stamp = versions.stamp(_scopes(scopes))  # read before the data, so the data is never older
    full_key = ("value", *key)
    value = store().get(stamp, full_key)
    if value is None:
        value = load()
        store().put(stamp, full_key, value)
    return value


def fragment(key: tuple, render: Callable[[], str], scopes=None,
             per_reader: bool = False) -> RenderedHTML:
    """Cached HTML for `key` (plus the interface language and, if `per_reader`, the reader's
    page key) under the versions of `scopes`, rendered by `render` on a miss."""
    if not enabled():
        return RenderedHTML(render())
    stamp = versions.stamp(_scopes(scopes))
    full_key = (str(get_locale()), *key, *(readers.page_reader() if per_reader else ()))
    cache = store()
    html = cache.get(stamp, full_key)
    if html is None:
        html = _render_with_placeholder(render)
        cache.put(stamp, full_key, html)
    return RenderedHTML(fill_csrf(html))


def cached_include(template: str, key: tuple, per_reader: bool = True, scopes=None,
                   **context) -> RenderedHTML:
    """A template rendered with `context`, cached under `key`, the versions of `scopes` and
    (unless `per_reader` is false) the reader's page key."""
    from flask import render_template

    return fragment((template, *key), lambda: render_template(template, **context), scopes,
                    per_reader)


def viewer_key(user=None) -> tuple:
    """What listings depend on about the reader (see `readers.page_reader`)."""
    return readers.page_reader(user)


def delegation_directory() -> tuple[dict, ...]:
    """Every delegation as plain data (id, code, kind, flag, names by language), cached."""
    return cached_value(("delegations",), _load_delegations, scopes=())


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


# ---------------------------------------------------------------------------------------------
# Whole pages for anonymous readers
# ---------------------------------------------------------------------------------------------


def whole_page(view=None, *, declared: bool = False):
    """Mark a GET view whose page is the same for every anonymous reader of a language.

    The page is kept with the versions of the scopes its parts read. Unless `declared` (the view
    and its parts read the versions of everything they show, see `depends_on`), it is also kept
    under `activity`: any content change renders it again.
    """

    def mark(view):
        view._whole_page_cache = "declared" if declared else "activity"
        return view

    return mark if view is None else mark(view)


def depends_on(*scopes: str) -> None:
    """Declare that the page being rendered shows these scopes (call before loading them)."""
    if enabled():
        versions.stamp(scopes)


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
    entry = store().peek(key)
    if entry is not None:
        page = store().get(versions.stamp(versions.stamp_scopes(entry[0])), key)
        if page is not None:
            return Response(_fill_csrf_bytes(page), mimetype="text/html")
    g.page_cache_key = key
    g.recorded_scopes = set()
    if _PAGE_ENDPOINTS[request.endpoint] == "activity":
        versions.stamp((ACTIVITY,))
    setattr(g, _CSRF_FIELD, PLACEHOLDER)
    return None


def _keep_page(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None:
        return response
    scopes = g.pop("recorded_scopes", set())
    if g.get(_CSRF_FIELD) == PLACEHOLDER:
        g.pop(_CSRF_FIELD)
    if response.direct_passthrough or response.mimetype != "text/html":
        return response
    page = response.get_data()
    if response.status_code == 200 and not g.get("page_not_cacheable"):
        # the versions read while rendering (memoized in `g`): never newer than the data shown
        store().put(versions.stamp(scopes), key, page)
    response.set_data(_fill_csrf_bytes(page))
    return response


def _flashed(sender, **_extra) -> None:
    g.page_not_cacheable = True


def init_app(app: Flask) -> None:
    """Create the store, the page hooks and the session listeners (once per process)."""
    app.extensions["fragments"] = FragmentStore(int(app.config.get("FRAGMENT_CACHE_BYTES", 0)))
    app.jinja_env.globals["cached_include"] = cached_include
    app.jinja_env.globals["delegation_directory"] = delegation_directory
    for endpoint, view in app.view_functions.items():
        kind = getattr(view, "_whole_page_cache", None)
        if kind:
            _PAGE_ENDPOINTS[endpoint] = kind
    app.before_request(_serve_cached_page)
    app.after_request(_keep_page)
    message_flashed.connect(_flashed, app)
    versions.listen()
