"""`flask practices seed-lists`: add any missing default entry of the managed lists."""

from __future__ import annotations

import click

from ..extensions import db
from ..models.practice_defaults import insert_missing_defaults
from . import bp


def ensure_lists() -> int:
    """Add any missing default entry of the three managed lists (by code); commits."""
    added = insert_missing_defaults(db.session.connection())
    db.session.commit()
    return added


@bp.cli.command("seed-lists")
def seed_lists_command() -> None:
    """Create the default populations, situations and minimum indicators (idempotent)."""
    click.echo(f"{ensure_lists()} list entries added.")
