"""Whole numbers from URLs and query arguments, bounded to what the database can hold.

A number above 2^63-1 in an id or a page would reach SQL and fail there (OverflowError on
SQLite, an out-of-range error on PostgreSQL): such a URL does not match its route (404), and
such a query argument counts as missing.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_DB_INT = 2**63 - 1


class BoundedIntegerConverter(IntegerConverter):
    """The `int` URL converter, refusing numbers the database cannot hold (the route 404s)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = None, signed: bool = False):  # noqa: A002
        bound = MAX_DB_INT if max is None else min_of(max, MAX_DB_INT)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)


def min_of(a: int, b: int) -> int:
    """The smaller of two numbers (the builtin `min` is shadowed by the converter argument)."""
    return a if a < b else b


def db_int(value: str) -> int:
    """int() for query arguments, as `request.args.get(name, type=db_int)`: a number beyond the
    database's range raises ValueError, so the argument's default is used instead."""
    number = int(value)
    if not -MAX_DB_INT <= number <= MAX_DB_INT:
        raise ValueError(f"{value!r} is out of range")
    return number


def init_app(app: Flask) -> None:
    """Make `<int:...>` bounded in every route (before the blueprints add their rules)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
