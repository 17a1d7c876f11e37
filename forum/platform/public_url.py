"""The site's public address: emailed links are built from it, and other hosts are refused.

BASE_URL (e.g. https://exchange.example.org) or SERVER_NAME names the site. A link in an email
must never take its host from the request (a forged Host header would send a reset token to an
attacker's site), so links are built from that setting; production requires it, and there a
request for any other host is answered 400 before the application sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Flask, current_app, url_for
from werkzeug.wsgi import get_host, host_is_trusted


def public_origin(config) -> str | None:
    """scheme://host[:port] of the site from BASE_URL or SERVER_NAME, or None when unset."""
    base = (config.get("BASE_URL") or "").strip()
    if base:
        parts = urlsplit(base)
        if parts.scheme in ("http", "https") and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
        return None
    server = config.get("SERVER_NAME")
    if server:
        return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{server}"
    return None


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for an email: on the configured public address when there is one
    (development without one falls back to the request's host)."""
    origin = public_origin(current_app.config)
    if origin is None:
        return url_for(endpoint, _external=True, **values)
    return origin + url_for(endpoint, **values)


def allowed_hosts(config) -> list[str]:
    """The host names requests may be addressed to (empty: any, as in development)."""
    hosts = [h for h in (config.get("ALLOWED_HOSTS") or []) if h]
    production = config.get("PRODUCTION") or config.get("ENV_NAME") == "production"
    origin = public_origin(config)
    if production and origin:
        hosts.append(urlsplit(origin).hostname or "")
    return [h for h in hosts if h]


class HostCheck:
    """WSGI middleware answering 400 to a request whose Host is not one of the site's."""

    def __init__(self, wsgi_app, hosts: Iterable[str]):
        self.wsgi_app = wsgi_app
        self.hosts = list(hosts)

    def __call__(self, environ, start_response):
        try:
            host = get_host(environ)
        except Exception:  # a malformed Host header
            host = ""
        if not host or not host_is_trusted(host, self.hosts):
            body = b"Bad Request: this server does not answer for that host name.\n"
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                               ("Content-Length", str(len(body)))])
            return [body]
        return self.wsgi_app(environ, start_response)


def restrict_hosts(app: Flask) -> None:
    """Refuse requests for unknown hosts when a list applies (production, or ALLOWED_HOSTS)."""
    hosts = allowed_hosts(app.config)
    if hosts:
        app.wsgi_app = HostCheck(app.wsgi_app, hosts)  # type: ignore[method-assign]
