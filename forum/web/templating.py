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


def role_label(role: str) -> str:
    """The translated name of a role."""
    return str(ROLE_LABELS.get(str(role), role))


def visibility_label(visibility: str) -> str:
    """The translated name of a category visibility."""
    return str(VISIBILITY_LABELS.get(str(visibility), visibility))


def init_app(app: Flask) -> None:
    """Expose `perm` (the policy module) and number formatting to every template."""
    app.jinja_env.globals["perm"] = permissions
    # The reader as a global (not only through the context), so that macros imported without
    # context can use it: on CPython 3.11, calling macros imported "with context" many times in
    # a page led to a double free in garbage collection (reproduced by bench.soak).
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.globals["visibility_label"] = visibility_label
    app.jinja_env.filters["number"] = lambda value: format_decimal(value or 0)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
