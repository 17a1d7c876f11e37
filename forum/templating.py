"""Template globals: the permission predicates and small presentation filters."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from . import permissions

ROLE_LABELS = {
    "admin": _l("administrator"),
    "moderator": _l("moderator"),
    "facilitator": _l("facilitator"),
    "liaison": _l("liaison officer"),
    "observer": _l("observer"),
}


def role_label(role: str) -> str:
    """The translated name of a role."""
    return str(ROLE_LABELS.get(str(role), role))


def init_app(app: Flask) -> None:
    """Expose `perm` (the policy module) and number formatting to every template."""
    app.jinja_env.globals["perm"] = permissions
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.filters["number"] = lambda value: format_decimal(value or 0)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
