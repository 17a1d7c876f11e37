"""Content versions: counters that committed content changes move forward, one per scope.

A scope names what a cached page or fragment shows: `thread:12`, `category:3`, `tag:7`; plus
`activity`, moved by every content change, and `all`, moved only by what changes every page
(visibility rules, roles, categories, tag labels...). Rendered HTML is cached with the versions of
the scopes it shows (see `forum.caching.versions`). The counters are raised by the same
transaction as the change they announce, so a process on any node that reads a newer value also
reads the change.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ContentVersion(db.Model):
    """One row per scope that ever changed; a missing row reads as version 0."""

    __tablename__ = "content_version"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


# One statement per list of scopes (sorted, so concurrent writers lock rows in the same order),
# safe under concurrent writers on SQLite and PostgreSQL, with or without the rows.
def bump_statement(scopes: list[str]):
    """The upsert raising every scope in `scopes` (distinct names) by one."""
    rows = ", ".join(f"(:s{n}, 1)" for n in range(len(scopes)))
    statement = text(
        f"INSERT INTO content_version (scope, value) VALUES {rows} "
        "ON CONFLICT (scope) DO UPDATE SET value = content_version.value + 1"
    )
    return statement.bindparams(**{f"s{n}": scope for n, scope in enumerate(sorted(scopes))})


# Everything cached is out of date (used after a restore).
BUMP = bump_statement(["activity", "all"])
READ = text("SELECT scope, value FROM content_version WHERE scope IN :scopes").bindparams(
    bindparam("scopes", expanding=True))
