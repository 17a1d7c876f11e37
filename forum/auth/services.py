"""Account services: invitations, password resets, logins. Each commits once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..mail import language_for, queue_mail
from ..models import Delegation, Invitation, PasswordReset, User, record_audit, utcnow
from ..platform.public_url import external_url


def hash_token(raw: str) -> str:
    """Tokens are stored only as SHA-256 hashes, so a database leak reveals no usable link."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh random token and its hash."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def find_user_by_email(email: str) -> User | None:
    """Look an account up by email, case-insensitively."""
    return db.session.scalar(select(User).where(User.email == User.normalize_email(email)))


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of a random password, made with the configured method (once per process)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _dummy_hashes[method]


def authenticate(email: str, password: str) -> User | None:
    """The account for these credentials, or None. An unknown address costs a password check
    too, so the time of the answer does not tell whether the account exists."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


class InvitationRefused(ValueError):
    """An invitation that must not be issued (the message is shown to the inviter)."""


class AccountExists(ValueError):
    """The invitation's address got an account meanwhile."""


def invitation_conflict(email: str) -> str | None:
    """Why an address cannot be invited now (an account or a pending invitation), or None."""
    email = User.normalize_email(email)
    if find_user_by_email(email) is not None:
        return _("An account already exists for %(email)s.", email=email)
    pending = db.session.scalar(
        select(Invitation).where(
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    if pending is not None:
        return _(
            "An invitation is already pending for %(email)s. Resend or revoke it from the list"
            " of pending invitations.",
            email=email,
        )
    return None


def _queue_invitation_mail(invitation: Invitation, raw: str) -> str:
    """Queue the invitation email in the invitation's language (sent after commit)."""
    link = external_url("auth.accept_invitation", token=raw)
    queue_mail("invitation", "invitation", to=invitation.email,
               subject=_l("Invitation to the Consular Practice Exchange"),
               language=invitation.locale or "en", link=link, invitation=invitation)
    return link


def _invitation_facts(invitation: Invitation) -> dict:
    return {
        "email": invitation.email,
        "role": invitation.role,
        "delegation": invitation.delegation.code,
        "locale": invitation.locale,
        "expires_at": invitation.expires_at.isoformat(timespec="seconds"),
    }


def create_invitation(
    email: str, role: str, delegation: Delegation, invited_by: User | None, locale: str = "en"
) -> tuple[Invitation, str, bool]:
    """Invite an address to a delegation with a role and email it a single-use 7-day link.

    Refuses (InvitationRefused) an address that has an account or a pending invitation.
    Returns the invitation, its link and whether the email was queued (it is sent after the
    commit, in the language chosen for the invitee).
    """
    problem = invitation_conflict(email)
    if problem:
        raise InvitationRefused(problem)
    raw, token_hash = new_token()
    invitation = Invitation(
        email=User.normalize_email(email),
        role=str(role),
        delegation=delegation,
        invited_by=invited_by,
        token_hash=token_hash,
        locale=locale if locale in current_app.config["LANGUAGES"] else "en",
        expires_at=utcnow() + timedelta(hours=current_app.config["INVITATION_TTL_HOURS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    record_audit(invited_by, "invitation.created", "invitation", invitation.id,
                 label=invitation.email, after=_invitation_facts(invitation))
    link = _queue_invitation_mail(invitation, raw)
    db.session.commit()
    return invitation, link, True


def resend_invitation(invitation: Invitation, actor: User | None) -> tuple[str, bool]:
    """Issue a new link for a pending invitation (the old link stops working) and queue it."""
    raw, invitation.token_hash = new_token()
    invitation.expires_at = utcnow() + timedelta(hours=current_app.config["INVITATION_TTL_HOURS"])
    record_audit(actor, "invitation.resent", "invitation", invitation.id,
                 label=invitation.email, after=_invitation_facts(invitation))
    link = _queue_invitation_mail(invitation, raw)
    db.session.commit()
    return link, True


def revoke_invitation(invitation: Invitation, actor: User | None) -> None:
    """Withdraw a pending invitation: its link stops working."""
    invitation.revoked_at = utcnow()
    record_audit(actor, "invitation.revoked", "invitation", invitation.id,
                 label=invitation.email, before=_invitation_facts(invitation))
    db.session.commit()


def find_invitation(raw: str) -> Invitation | None:
    """The invitation for a link, whatever its state."""
    if not raw or len(raw) > 200:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(raw)))


def accept_invitation(invitation: Invitation, display_name: str, password: str, locale: str) -> User:
    """Create the account of an invitation and mark it used; other links for the address end.

    Raises AccountExists when the address got an account meanwhile (two tabs, two links).
    """
    now = utcnow()
    user = User(
        email=invitation.email,
        display_name=display_name,
        role=invitation.role,
        delegation_id=invitation.delegation_id,
        locale=locale,
        last_login_at=now,
    )
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise AccountExists(invitation.email) from error
    invitation.accepted_at = now
    invitation.user_id = user.id
    for other in db.session.scalars(
        select(Invitation).where(
            Invitation.email == invitation.email,
            Invitation.id != invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        other.revoked_at = now
    db.session.commit()
    return user


def request_password_reset(email: str, locale: str) -> None:
    """Email a 1-hour reset link if the address has an active account; silent otherwise.

    The message is queued with the reset (one commit) in the account's language, or the
    language of the page the request came from when the account has none.
    """
    user = find_user_by_email(email)
    if user is None or user.is_suspended:
        return
    raw, token_hash = new_token()
    db.session.add(
        PasswordReset(
            user=user,
            token_hash=token_hash,
            expires_at=utcnow() + timedelta(hours=current_app.config["RESET_TTL_HOURS"]),
        )
    )
    link = external_url("auth.reset_password", token=raw)
    queue_mail("password_reset", "password_reset", to=user.email, recipient=user,
               subject=_l("Reset your password"), language=language_for(user, locale),
               link=link, user=user)
    db.session.commit()


def find_valid_reset(raw: str) -> PasswordReset | None:
    """The unused, unexpired reset for a link, or None."""
    if not raw or len(raw) > 200:
        return None
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_token(raw)))
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    if reset.user.is_suspended:
        return None
    return reset


def complete_password_reset(reset: PasswordReset, password: str) -> User:
    """Set the new password and use up every outstanding reset link of the account."""
    user = reset.user
    user.set_password(password)
    now = utcnow()
    for other in db.session.scalars(
        select(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
    ):
        other.used_at = now
    db.session.commit()
    return user


def record_login(user: User) -> None:
    """Remember when the account last logged in."""
    user.last_login_at = utcnow()
    db.session.commit()


def update_profile(user: User, display_name: str, locale: str) -> None:
    """Save the display name and preferred language."""
    user.display_name = display_name
    user.locale = locale
    db.session.commit()


def change_password(user: User, password: str) -> User:
    """Set a new password (which ends the account's other sessions)."""
    user.set_password(password)
    db.session.commit()
    return user
