"""Discussion boards: categories, threads and posts."""

from flask import Blueprint

bp = Blueprint("board", __name__)

from . import routes  # noqa: E402,F401
