"""Routes of the main blueprint."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from ..caching import fragments
from ..extensions import db
from ..platform.security import safe_next
from . import bp


@bp.route("/")
@fragments.whole_page
def index():
    """The home page: what the platform is, and what is new."""
    return render_template("main/index.html")


@bp.post("/language")
def set_language():
    """Switch the interface language (stored on the account when logged in)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("main.index")))


@bp.route("/healthz")
def healthz():
    """Liveness and database status, as JSON."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any database failure means "not ok"; the reason is logged
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
