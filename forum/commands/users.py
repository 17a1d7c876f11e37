"""`flask users`: invite the first administrator and list accounts from the command line."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import ROLE_ORDER, MailOutbox, MailState, User

users_cli = AppGroup("users", help="Invite people and list accounts.")

ROLE_NAMES = [str(role) for role in ROLE_ORDER]


@users_cli.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLE_NAMES), default="liaison", show_default=True,
              help="Role of the new account.")
@click.option("--delegation", "code", required=True,
              help="Delegation code: a country (MX, GT, ...) or an organization (IOM, ...).")
@click.option("--language", type=click.Choice(["en", "es", "fr"]), default="en", show_default=True,
              help="Language of the email and first interface language of the account.")
@click.option("--base-url", envvar="FORUM_BASE_URL",
              help="Public address of the site for the link (env FORUM_BASE_URL; default: "
                   "BASE_URL, else SERVER_NAME with PREFERRED_URL_SCHEME, else "
                   "http://127.0.0.1:5000).")
def invite_command(email: str, role: str, code: str, language: str, base_url: str | None) -> None:
    """Invite EMAIL and print the acceptance link (how the first administrator is created)."""
    from email_validator import EmailNotValidError, validate_email

    from ..auth.services import InvitationRefused, create_invitation
    from ..models.roster import delegation_by_code, ensure_delegations
    from ..platform.public_url import public_origin

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    ensure_delegations()
    delegation = delegation_by_code(code)
    if delegation is None:
        raise click.BadParameter(f"no delegation with the code {code!r}", param_hint="--delegation")
    config = current_app.config
    if base_url:
        # An explicit address wins over BASE_URL and SERVER_NAME for the link of this command.
        config["SERVER_NAME"] = None
        config["BASE_URL"] = base_url
    else:
        base_url = public_origin(config) or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base_url):
        try:
            invitation, link, _queued = create_invitation(email, role, delegation, None, language)
        except InvitationRefused as refusal:
            raise click.ClickException(str(refusal)) from refusal
    click.echo(f"Invitation for {invitation.email} ({role}, {delegation.code}), valid for "
               f"{current_app.config['INVITATION_TTL_HOURS'] // 24} days:")
    click.echo(link)
    state = db.session.scalar(
        select(MailOutbox.state).where(MailOutbox.kind == "invitation",
                                       MailOutbox.recipient == invitation.email)
        .order_by(MailOutbox.id.desc()).limit(1)
    )
    if state != MailState.SENT.value:
        click.echo(f"The email is {state or 'not queued'} in the mail queue (`flask mail status`; "
                   "`flask mail worker` sends it); give the link above by hand if it stays there.")
    elif current_app.config.get("MAIL_SERVER"):
        click.echo("Emailed.")
    else:
        click.echo(f"No mail server configured: the message is in {current_app.config['MAIL_OUTBOX_DIR']}{os.sep}")


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLE_NAMES), help="Only this role.")
@click.option("--delegation", "code", help="Only this delegation code.")
def list_command(role: str | None, code: str | None) -> None:
    """List the accounts: email, role, delegation, status, last login."""
    query = select(User).order_by(User.email)
    if role:
        query = query.where(User.role == role)
    users = [u for u in db.session.scalars(query) if not code or u.delegation.code == code.upper()]
    if not users:
        click.echo("No accounts.")
        return
    width = max(len(u.email) for u in users)
    for user in users:
        status = "suspended" if user.is_suspended else "active"
        last = user.last_login_at.isoformat(sep=" ", timespec="minutes") if user.last_login_at else "never"
        click.echo(f"{user.email:<{width}}  {user.role:<11}  {user.delegation.code:<6}  {status:<9}  "
                   f"{last}  {user.display_name}")
    click.echo(f"{len(users)} account(s).")
