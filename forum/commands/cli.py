"""Flask commands: demo data, delegations, and the groups added by each feature."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from ..extensions import db
from ..models import User


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo accounts and content, only into an empty database."""
    from ..demo import run_all

    if db.session.scalar(select(func.count(User.id))):
        click.echo("The database already has accounts: demo data not loaded.")
        return
    for line in run_all():
        click.echo(f"- {line}")
    click.echo("Demo data loaded. Log in at /auth/login with any address in the README.")


@click.command("seed-delegations")
def seed_delegations_command() -> None:
    """Create the delegations of the Regional Conference on Migration (idempotent)."""
    from ..models.roster import ensure_delegations

    click.echo(f"{ensure_delegations()} delegations added.")


@click.command("recount")
def recount_command() -> None:
    """Recount every stored counter (threads, categories, tags) from the rows; commits."""
    from ..board import counters

    counters.recount_all()
    db.session.commit()
    click.echo("Every thread, category and tag counter recounted.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_delegations_command)
    app.cli.add_command(recount_command)
    from .translations import translations_cli

    app.cli.add_command(translations_cli)
    # users and invitations
    from .users import users_cli

    app.cli.add_command(users_cli)

    # search
    from ..search.commands import search_cli

    app.cli.add_command(search_cli)

    # mail
    from ..mail.commands import mail_cli

    app.cli.add_command(mail_cli)

    # backup and restore
    from .backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)

