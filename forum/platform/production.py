"""Production safety: refuse to start with an unsafe configuration, loudly and clearly."""

from __future__ import annotations

import logging
import os
import re
import sys

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import DEV_SECRET_KEY

from .public_url import public_origin, restrict_hosts

MIN_SECRET_KEY_LENGTH = 32

logger = logging.getLogger(__name__)


class UnsafeConfigurationError(RuntimeError):
    """Raised by create_app() when FORUM_ENV=production and a setting is unsafe."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            "\n\n"
            "*** REFUSING TO START: unsafe production configuration (FORUM_ENV=production) ***\n"
            f"{lines}\n"
            "Fix these settings in the environment (see the Production section of README.md),\n"
            "or unset FORUM_ENV to run in development mode.\n"
        )


def configuration_problems(config: dict) -> list[str]:
    """Every reason the configuration is unsafe for production (empty when it is fine)."""
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if not secret or secret == DEV_SECRET_KEY:
        problems.append(
            "SECRET_KEY is missing or is the development default: set SECRET_KEY to a long random "
            'value, e.g. python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY is too short ({len(secret)} characters): use at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters"
        )
    if config.get("DEBUG"):
        problems.append("debug mode is on: unset FLASK_DEBUG (the debugger runs arbitrary code)")
    if config.get("TESTING"):
        problems.append("TESTING is on: it disables error handling meant for production")
    if not config.get("WTF_CSRF_ENABLED", True):
        problems.append("CSRF protection is off: WTF_CSRF_ENABLED must stay on")
    if not config.get("SESSION_COOKIE_SECURE") or not config.get("REMEMBER_COOKIE_SECURE"):
        problems.append(
            "cookies would be sent over plain HTTP: serve the site over HTTPS and set "
            "PREFERRED_URL_SCHEME=https (this marks the session and remember-me cookies Secure)"
        )
    if (config.get("BASE_URL") or "").strip() and public_origin(config) is None:
        problems.append(
            "BASE_URL is not an absolute address: set it to the site's public address, "
            "e.g. BASE_URL=https://exchange.example.org"
        )
    elif public_origin(config) is None:
        problems.append(
            "BASE_URL (or SERVER_NAME) is not set: emailed links would take their host from the "
            "request; set BASE_URL to the site's public address, e.g. "
            "BASE_URL=https://exchange.example.org"
        )
    if config.get("RATELIMIT_ENABLED", True) and web_workers(config) > 1 and str(
        config.get("RATELIMIT_STORAGE_URI") or ""
    ).startswith("memory://"):
        problems.append(
            f"RATELIMIT_STORAGE_URI is memory:// with {web_workers(config)} workers: each worker "
            "would count login failures on its own; unset it (the database is then used) or set "
            "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0"
        )
    uri = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    if uri.startswith("sqlite") and not config.get("ALLOW_SQLITE_IN_PRODUCTION"):
        problems.append(
            "DATABASE_URL is not set or points to SQLite: set DATABASE_URL=postgresql+psycopg://... "
            "(or ALLOW_SQLITE_IN_PRODUCTION=1 for a deliberate single-server installation)"
        )
    return problems


def web_workers(config) -> int:
    """How many web workers serve this installation: WEB_CONCURRENCY, else gunicorn's
    --workers (from GUNICORN_CMD_ARGS or its command line), else 1."""
    if int(config.get("WEB_CONCURRENCY") or 0) > 0:
        return int(config["WEB_CONCURRENCY"])
    words = os.environ.get("GUNICORN_CMD_ARGS", "").split()
    if sys.argv and "gunicorn" in os.path.basename(sys.argv[0]):
        words += sys.argv[1:]
    for at, word in enumerate(words):
        match = re.fullmatch(r"(?:-w|--workers)(?:=?(\d+))?", word)
        if match:
            value = match.group(1) or (words[at + 1] if at + 1 < len(words) else "")
            if value.isdigit():
                return int(value)
    return 1


def check_production_config(app: Flask) -> None:
    """In production mode, raise UnsafeConfigurationError listing every unsafe setting."""
    if not (app.config.get("PRODUCTION") or app.config.get("ENV_NAME") == "production"):
        return
    problems = configuration_problems(app.config)
    if problems:
        raise UnsafeConfigurationError(problems)
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        logger.warning(
            "RATELIMIT_STORAGE_URI is memory://: each worker counts separately, so limits are "
            "multiplied by the number of workers; use redis://127.0.0.1:6379/0"
        )
    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        logger.warning("SQLite in production: one server only, and back it up with `flask backup`")


def trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the client address, scheme and host from X-Forwarded-*."""
    # The host check sits inside ProxyFix, so it sees the host the proxy forwarded.
    restrict_hosts(app)
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
