"""Fingerprinted static URLs (`?v=<content hash>`) served with a one-year immutable lifetime."""

from __future__ import annotations

import hashlib
import os
import threading
import time

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age={max_age}, immutable"

_lock = threading.Lock()


def static_hash(app: Flask, filename: str) -> str | None:
    """A short content hash of a static file.

    The file is looked at again (size and mtime) at most every STATIC_HASH_RECHECK_SECONDS,
    so a page with several static links costs no system calls in the common case.
    """
    known: dict = app.extensions.setdefault("static_hashes", {})
    now = time.monotonic()
    entry = known.get(filename)
    recheck = app.config.get("STATIC_HASH_RECHECK_SECONDS", 2)
    if entry and now - entry[0] < recheck:
        return entry[3]
    path = safe_join(app.static_folder, filename) if app.static_folder else None
    try:
        stat = os.stat(path) if path else None
    except OSError:
        stat = None
    if stat is None:
        known[filename] = (now, None, None, None)
        return None
    if entry and entry[1] == stat.st_mtime_ns and entry[2] == stat.st_size:
        value = entry[3]
    else:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(65536), b""):
                digest.update(chunk)
        value = digest.hexdigest()[:12]
    with _lock:
        known[filename] = (now, stat.st_mtime_ns, stat.st_size, value)
    return value


def _add_fingerprint(endpoint: str, values: dict) -> None:
    """url_for('static', filename=...) gains v=<hash>, so a changed file gets a new URL."""
    if endpoint != "static" or "filename" not in values or "v" in values:
        return
    digest = static_hash(current_app, values["filename"])
    if digest:
        values["v"] = digest


def _cache_static(response: Response) -> Response:
    """A request for the current fingerprint may be cached for a year; others revalidate."""
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    version = request.args.get("v")
    if version and version == static_hash(current_app, filename):
        max_age = current_app.config.get("STATIC_IMMUTABLE_MAX_AGE", 31536000)
        response.headers["Cache-Control"] = IMMUTABLE.format(max_age=max_age)
        response.expires = None
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    """Install the URL fingerprint and the static cache headers."""
    if not app.config.get("STATIC_FINGERPRINT", True):
        return
    app.url_defaults(_add_fingerprint)
    app.after_request(_cache_static)
