"""Moderation and curation: flags, review queue, thread tools, tag curation, audit log."""

from flask import Blueprint

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

from . import routes, tag_routes, thread_routes  # noqa: E402,F401
