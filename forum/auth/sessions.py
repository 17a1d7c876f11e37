"""Sessions: which account a session cookie stands for, and when it stops standing for it."""

from __future__ import annotations

from ..extensions import db, login_manager
from ..models import User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the user from "id:session_version"; a changed password or suspension ends it."""
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or user.is_suspended or (user.session_version or 0) != version:
        return None
    return user
