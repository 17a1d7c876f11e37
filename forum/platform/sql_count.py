"""Opt-in instrumentation: count SQL statements per request (X-SQL-Statements header)."""

from __future__ import annotations

from flask import Flask, Response, g, has_app_context
from sqlalchemy import event

from ..extensions import db

HEADER = "X-SQL-Statements"


def _count(*_args) -> None:
    if has_app_context():
        g.sql_statements = g.get("sql_statements", 0) + 1


def _add_header(response: Response) -> Response:
    response.headers[HEADER] = str(g.get("sql_statements", 0))
    return response


def init_app(app: Flask) -> None:
    """When SQL_COUNT_HEADER is on, count statements on every engine and report them."""
    if not app.config.get("SQL_COUNT_HEADER"):
        return
    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "before_cursor_execute", _count):
        event.listen(engine, "before_cursor_execute", _count)
    app.after_request(_add_header)
