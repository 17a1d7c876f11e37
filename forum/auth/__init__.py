"""Accounts: log in and out, invitations, password reset, profile."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import routes, sessions  # noqa: E402,F401
