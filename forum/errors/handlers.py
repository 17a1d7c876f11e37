"""Error handlers for the whole application."""

from __future__ import annotations

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db
from . import bp


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please check what you sent and try again.")),
        403: (_("Access denied"), _("You do not have permission to see this page or do this action.")),
        404: (_("Page not found"), _("The page you asked for does not exist or is no longer available.")),
        405: (_("Method not allowed"), _("This page cannot be used that way.")),
        409: (_("Conflict"), _("Someone else changed this item meanwhile. Reload the page and try again.")),
        413: (_("File too large"), _("The file or form you sent is larger than the limit.")),
        422: (_("Invalid input"), _("Some of what you sent is not valid. Please correct it and try again.")),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a few minutes and try again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. It has been logged; please try again later.")),
    }


def wants_json() -> bool:
    """True for the API and for clients that prefer JSON over HTML."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


def render_error(code: int, detail: str | None = None):
    """Render an error page or JSON body for a status code."""
    title, message = _messages().get(code, (_("Error"), _("An error occurred.")))
    if detail:
        message = detail
    if wants_json():
        return jsonify(error=title, message=message, status=code), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    """A missing or forged CSRF token."""
    return render_error(
        400, _("The form has expired or was not sent from this site. Please go back, reload the page and try again.")
    )


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Every HTTP error through the friendly page."""
    if error.code and error.code >= 500:
        db.session.rollback()
    detail = getattr(error, "friendly_message", None)
    response = make_response(render_error(error.code or 500, detail))
    if error.code == 429 and getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    """Roll back, log, and show a friendly 500 page without a traceback."""
    if isinstance(error, HTTPException):
        return http_error(error)
    db.session.rollback()
    current_app.logger.exception("unhandled error on %s", request.path)
    return render_error(InternalServerError.code)
