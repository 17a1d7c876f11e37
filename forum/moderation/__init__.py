"""Moderation and curation: flags, review queue, thread tools, tag curation, audit log."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from . import routes, routes_practices, routes_tags, routes_threads  # noqa: E402,F401
