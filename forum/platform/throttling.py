"""Throttling of password guesses and secret-link checks.

Only failures count (a wrong password, an unknown or used-up link), so people who simply use the
site are never slowed down. Counters live in the Flask-Limiter storage: RATELIMIT_STORAGE_URI or
REDIS_URL when set; otherwise memory in development and the database in production, so that every
worker shares them. A refusal is the same
whether or not the account exists, so it reveals nothing about accounts.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from flask import Flask, Response, current_app, g, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from ..extensions import limiter
from .throttle_store import SCHEME

ACCOUNT_LIMIT = "5 per 15 minutes"
ADDRESS_LIMIT = "20 per 15 minutes"


def _submitted_email() -> str | None:
    email = (request.form.get("email") or "").strip().casefold()
    return email or None


def _current_account() -> str | None:
    return str(current_user.get_id()) if current_user.is_authenticated else None


@dataclass(frozen=True)
class Rule:
    """What counts as a failed attempt on one endpoint, and whose counters it feeds."""

    scope: str
    methods: frozenset[str]
    failed: Callable[[Response], bool]
    account: Callable[[], str | None] | None = None


RULES: dict[str, Rule] = {
    # a wrong password (the answer is the same for an unknown address)
    "auth.login": Rule("login", frozenset({"POST"}), lambda r: r.status_code == 401,
                       _submitted_email),
    # each accepted request sends an email, so every one counts
    "auth.request_reset": Rule("reset-request", frozenset({"POST"}),
                               lambda r: r.status_code < 400, _submitted_email),
    # an unknown, expired or used link
    "auth.reset_password": Rule("reset-link", frozenset({"GET", "POST"}),
                                lambda r: r.status_code in (404, 410)),
    "auth.accept_invitation": Rule("invitation-link", frozenset({"GET", "POST"}),
                                   lambda r: r.status_code in (404, 410)),
    # a wrong current password when changing it
    "auth.change_password": Rule("password-change", frozenset({"POST"}),
                                 lambda r: r.status_code == 400, _current_account),
}


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED"))


def _counters(rule: Rule) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "forum"
    config = current_app.config
    counters = [
        (parse(config.get("THROTTLE_ADDRESS_LIMIT", ADDRESS_LIMIT)),
         (prefix, rule.scope, "address", request.remote_addr or "unknown")),
    ]
    account = rule.account() if rule.account else None
    if account:
        # Addresses are kept out of the counter store: only a digest is used as the key.
        digest = hashlib.sha256(account.encode("utf-8")).hexdigest()[:32]
        counters.append(
            (parse(config.get("THROTTLE_ACCOUNT_LIMIT", ACCOUNT_LIMIT)),
             (prefix, rule.scope, "account", digest))
        )
    return counters


def _refuse(retry_after: int) -> NoReturn:
    """Refuse with 429: the error pages render the message and the Retry-After header."""
    minutes = max(1, math.ceil(retry_after / 60))
    delay = format_timedelta(timedelta(minutes=minutes), threshold=1.1, granularity="minute")
    error = TooManyRequests(retry_after=retry_after)
    error.friendly_message = _(
        "Too many unsuccessful attempts. For your security, please wait %(delay)s and try again.",
        delay=delay,
    )
    raise error


def check_attempt():
    """Before a throttled request: refuse it (429) while one of its counters is full."""
    rule = RULES.get(request.endpoint or "")
    if rule is None or request.method not in rule.methods or not _enabled():
        return None
    counters = _counters(rule)
    strategy = limiter.limiter
    for item, keys in counters:
        if not strategy.test(item, *keys):
            reset_at = strategy.get_window_stats(item, *keys).reset_time
            retry_after = max(1, math.ceil(reset_at - time.time()))
            current_app.logger.warning("throttled %s from %s", rule.scope, request.remote_addr)
            _refuse(retry_after)
    g.throttle_counters = (rule, counters)
    return None


def record_attempt(response: Response) -> Response:
    """After a throttled request: count it when it failed."""
    pending = g.pop("throttle_counters", None)
    if pending is not None:
        rule, counters = pending
        if rule.failed(response):
            for item, keys in counters:
                limiter.limiter.hit(item, *keys)
    return response


def storage_uri(config) -> str:
    """Where the counters live: the configured store, else memory (development) or the
    database (production: a per-process store would let each worker count on its own)."""
    uri = config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL")
    if uri:
        return uri
    production = config.get("PRODUCTION") or config.get("ENV_NAME") == "production"
    return f"{SCHEME}://" if production else "memory://"


def init_app(app: Flask) -> None:
    """Bind Flask-Limiter (its storage) and the throttling hooks."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    limiter.init_app(app)
    app.before_request(check_attempt)
    app.after_request(record_attempt)
