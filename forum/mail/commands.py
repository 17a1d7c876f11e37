"""`flask mail ...`: the worker that sends queued mail, one pass, and the queue's state."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..extensions import db
from ..models import MailOutbox
from .delivery import run_worker, send_pending

mail_cli = AppGroup("mail", help="Outgoing mail: the outbox worker and the queue.")


@mail_cli.command("worker")
@click.option("--poll", type=float, default=None,
              help="Seconds between looks at an empty queue (default MAIL_WORKER_POLL).")
def worker_command(poll: float | None) -> None:
    """Send queued mail until stopped; retries with backoff. Several may run on PostgreSQL."""
    total = run_worker(poll=poll, echo=click.echo)
    click.echo(f"Mail worker stopped: {total.sent} sent, {total.retried} to retry, "
               f"{total.dead} dead.")


@mail_cli.command("send-pending")
def send_pending_command() -> None:
    """Send every message that is due now, once, and report."""
    outcome = send_pending(wait=10.0)
    click.echo(f"{outcome.sent} sent, {outcome.retried} to retry later, {outcome.dead} dead.")


@mail_cli.command("status")
def status_command() -> None:
    """How many messages are in each state."""
    counts = dict(db.session.execute(
        select(MailOutbox.state, func.count(MailOutbox.id)).group_by(MailOutbox.state)).all())
    for state in ("queued", "sending", "sent", "dead"):
        click.echo(f"{state:8} {counts.get(state, 0)}")
