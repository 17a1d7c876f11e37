"""Facilitator synthesis: thread summaries, clips, reports and the follow-up actions register."""

from flask import Blueprint

bp = Blueprint("synthesis", __name__, url_prefix="/synthesis")

from . import routes, routes_actions, routes_reports, search_kind  # noqa: E402,F401
