"""The one way to refuse a request: `refuse` (403 with a reason), `conceal` (404), `fail`.

- `refuse(reason)`: the reader may not do this. A visitor is sent to the login page (logging in
  may help); a member gets the 403 page with the translated reason (or the generic one).
- `conceal(message)`: a 404, for what does not exist *or* what the reader may not know exists
  (a restricted thread answers like a missing one).
- `fail(code, message)`: any other error page with a specific translated message (400, 409...).
"""

from __future__ import annotations

from typing import NoReturn

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException, default_exceptions

from ..extensions import login_manager


def fail(code: int, message: str) -> NoReturn:
    """Abort with an HTTP error whose page shows a specific translated message."""
    error: HTTPException = default_exceptions[code]()
    error.friendly_message = message
    raise error


def refuse(reason: str | None = None, *, visitor: str | None = None) -> NoReturn:
    """Refuse access: visitors go to the login page (told `visitor` when given, and brought
    back here afterwards), members get a 403 with the reason."""
    if not current_user.is_authenticated:
        if visitor:
            flash(visitor, "info")
            abort(redirect(url_for(login_manager.login_view,
                                   next=request.full_path.rstrip("?"))))
        abort(login_manager.unauthorized())
    if reason:
        fail(403, reason)
    abort(403)


def conceal(message: str | None = None) -> NoReturn:
    """A 404: the thing does not exist, or the reader may not learn that it does."""
    if message:
        fail(404, message)
    abort(404)
