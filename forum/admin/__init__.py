"""Administration pages: users, delegations, invitations, categories, the mail queue."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import routes, routes_mail  # noqa: E402,F401
