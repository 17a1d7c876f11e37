"""Facilitator synthesis: thread summaries, clips, reports and the follow-up actions register."""

from flask import Blueprint

bp = Blueprint("synthesis", __name__, url_prefix="/synthesis")

from . import action_routes, report_routes, routes, search_kind  # noqa: E402,F401
