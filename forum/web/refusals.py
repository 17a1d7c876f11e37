"""Refusing a request with a specific, translated reason on the error page."""

from __future__ import annotations

from werkzeug.exceptions import HTTPException, default_exceptions


def fail(code: int, message: str) -> None:
    """Abort with an HTTP error whose page shows a specific translated message."""
    error: HTTPException = default_exceptions[code]()
    error.friendly_message = message
    raise error
