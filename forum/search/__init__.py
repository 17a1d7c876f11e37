"""Search: a Whoosh index derived from the database, its pages and commands."""

from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/search")

from . import routes  # noqa: E402,F401
