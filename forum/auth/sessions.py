"""Sessions: which account a session cookie stands for, and when it stops standing for it.

The cookie (and the remember-me cookie) carries "id:session_version:token". The version ends
every session of the account at once (password change, suspension); the token names one login,
kept in the user_session table as a hash, which logging out revokes, so a copy of the cookie
stops working on the server and not only in the browser that logged out.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select, update

from ..extensions import db, login_manager
from ..models import User, UserSession, utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(user: User) -> str:
    """Record a new login of the account (committed) and return the id its cookie carries."""
    # The account's revoked logins are no longer needed once it logs in again.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.revoked_at.is_not(None)))
    token = secrets.token_urlsafe(24)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    db.session.commit()
    user.session_token = token
    return user.get_id()


def revoke_session(user: User) -> None:
    """End the login the current cookie stands for (committed); other devices stay logged in."""
    token = getattr(user, "session_token", None)
    if not token:
        return
    db.session.execute(update(UserSession)
                       .where(UserSession.token_hash == _hash(token),
                              UserSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.commit()
    user.session_token = None


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the user of a live login; a revoked login, a changed password or suspension end it."""
    try:
        user_part, version_part, token = session_id.split(":", 2)
        user_id, version = int(user_part), int(version_part)
    except (ValueError, AttributeError):
        return None
    if not token:
        return None
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.token_hash == _hash(token),
               UserSession.revoked_at.is_(None))
    )
    if user is None or user.is_suspended or (user.session_version or 0) != version:
        return None
    user.session_token = token
    return user
