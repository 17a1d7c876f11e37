"""Fingerprinted static URLs (`?v=<content hash>`) served with a one-year immutable lifetime."""

from __future__ import annotations

import hashlib
import os
import threading

from flask import Flask, Response, current_app, request

IMMUTABLE = "public, max-age={max_age}, immutable"

_lock = threading.Lock()
_hashes: dict[str, tuple[int, int, str]] = {}


def static_hash(app: Flask, filename: str) -> str | None:
    """A short content hash of a static file, recomputed when its size or mtime changes."""
    folder = app.static_folder
    if not folder:
        return None
    path = os.path.realpath(os.path.join(folder, filename))
    if not path.startswith(os.path.realpath(folder) + os.sep):
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    known = _hashes.get(path)
    if known and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
        return known[2]
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    value = digest.hexdigest()[:12]
    with _lock:
        _hashes[path] = (stat.st_mtime_ns, stat.st_size, value)
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
