"""/favicon.ico and /robots.txt, served from the static folder with a day of caching."""

from __future__ import annotations

from flask import current_app, send_from_directory

from . import bp

ONE_DAY = 24 * 60 * 60


@bp.route("/favicon.ico")
def favicon():
    """The site icon, for browsers that ask for it at the root."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=ONE_DAY
    )


@bp.route("/robots.txt")
def robots():
    """What crawlers may index: the public discussions, not accounts, administration or search."""
    return send_from_directory(
        current_app.static_folder, "robots.txt", mimetype="text/plain", max_age=ONE_DAY
    )
