"""Routes for administration."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from .. import permissions
from . import bp


@bp.before_request
@login_required
def require_admin():
    """Every page here is for administrators only."""
    if not permissions.can_access_admin(current_user):
        abort(403)


@bp.route("/")
def index():
    """The administration overview."""
    return render_template("admin/index.html")
