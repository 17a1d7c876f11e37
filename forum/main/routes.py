"""Routes of the main blueprint."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

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
    """Liveness, database, free disk space and index writability, as JSON (503 when degraded)."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any database failure means "not ok"; the reason is logged
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        database = "unavailable"
    disk = _disk_space()
    index = "writable" if _writable(current_app.config["SEARCH_INDEX_DIR"]) else "not writable"
    healthy = database == "ok" and disk["status"] == "ok" and index == "writable"
    status = 200 if healthy else 503
    return jsonify(status="ok" if healthy else "degraded", database=database, disk=disk,
                   index=index), status


def _disk_space() -> dict:
    """The least free space among the folders the site writes to, against the threshold."""
    config = current_app.config
    folders = {config["INSTANCE_DIR"], config["UPLOAD_DIR"], config["SEARCH_INDEX_DIR"]}
    free = None
    for folder in folders:
        path = Path(folder)
        while not path.exists() and path != path.parent:
            path = path.parent  # a folder not created yet lives on its parent's disk
        try:
            value = shutil.disk_usage(path).free
        except OSError:
            continue
        free = value if free is None else min(free, value)
    minimum = int(config.get("HEALTH_MIN_FREE_MB", 512)) * 1024 * 1024
    status = "unknown" if free is None else ("ok" if free >= minimum else "low")
    return {"status": status, "free_bytes": free, "min_free_bytes": minimum}


def _writable(folder: str) -> bool:
    """Whether a file can be written in the folder (created if missing), checked by writing."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-") as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError:
        return False
    return True
