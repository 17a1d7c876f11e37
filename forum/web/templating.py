"""Template globals: the permission predicates and small presentation filters."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import permissions

ROLE_LABELS = {
    "admin": _l("administrator"),
    "moderator": _l("moderator"),
    "facilitator": _l("facilitator"),
    "liaison": _l("liaison officer"),
    "observer": _l("observer"),
}


VISIBILITY_LABELS = {
    "public": _l("public"),
    "members": _l("members"),
    "governments": _l("governments"),
    "staff": _l("staff"),
}

# Audit actions by key; each feature adds its own keys here (or in its module at import time).
AUDIT_ACTION_LABELS = {
    "invitation.created": _l("invitation sent"),
    "invitation.resent": _l("invitation sent again"),
    "invitation.revoked": _l("invitation revoked"),
    "user.updated": _l("role or delegation changed"),
    "user.suspended": _l("account suspended"),
    "user.reactivated": _l("account reactivated"),
    "delegation.created": _l("delegation added"),
    "delegation.updated": _l("delegation edited"),
    "category.created": _l("category created"),
    "category.updated": _l("category edited"),
    "mail.retried": _l("undelivered email queued again"),
}


def role_label(role: str) -> str:
    """The translated name of a role."""
    return str(ROLE_LABELS.get(str(role), role))


def visibility_label(visibility: str) -> str:
    """The translated name of a category visibility."""
    return str(VISIBILITY_LABELS.get(str(visibility), visibility))


def audit_action_label(action: str) -> str:
    """The translated description of an audit action key."""
    return str(AUDIT_ACTION_LABELS.get(action, action))


def init_app(app: Flask) -> None:
    """Expose `perm` (the policy module) and number formatting to every template."""
    app.jinja_env.globals["perm"] = permissions
    # The reader as a global (not only through the context), so that macros imported without
    # context can use it: on CPython 3.11, calling macros imported "with context" many times in
    # a page led to a double free in garbage collection (reproduced by bench.soak).
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["visibility_label"] = visibility_label
    app.jinja_env.globals["audit_action_label"] = audit_action_label
    app.jinja_env.filters["number"] = lambda value: format_decimal(value or 0)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
