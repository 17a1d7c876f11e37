"""Demo moderation: a few open flags in the review queue and some entries in the audit log."""

from __future__ import annotations

from sqlalchemy import select

from .. import permissions
from ..extensions import db
from ..models import FlagReason, FlagTarget, Post, Thread, User


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed() -> str:
    """Flag some posts as members would, and pin the first thread as a moderator would."""
    from ..moderation import services, services_threads

    moderator = _user("moderator@demo.example")
    flaggers = [u for u in (_user("liaison.ca@demo.example"), _user("observer@demo.example"))
                if u is not None]
    posts = list(db.session.scalars(
        select(Post).join(Thread, Post.thread_id == Thread.id)
        .where(permissions.live_posts(), Post.number > 1)
        .order_by(Post.id).limit(6)))
    reasons = [FlagReason.OFF_TOPIC, FlagReason.PERSONAL_DATA, FlagReason.DUPLICATE]
    flags = 0
    for index, post in enumerate(posts[:3]):
        for flagger in flaggers[: 1 + index % 2]:
            if flagger.id == post.author_id:
                continue
            reason = reasons[index % len(reasons)]
            try:
                services.create_flag(
                    flagger, FlagTarget.POST.value, post.id, reason.value,
                    detail="Demo flag" if reason != FlagReason.DUPLICATE else None,
                    original_url="/threads/1" if reason == FlagReason.DUPLICATE else None)
            except services.ModerationError:
                continue
            flags += 1
    actions = 0
    thread = db.session.scalar(select(Thread).where(Thread.is_pinned.is_(False))
                               .order_by(Thread.id))
    if moderator is not None and thread is not None:
        services_threads.set_pinned(moderator, thread, True)
        actions += 1
    return f"{flags} open flags, {actions} moderation action(s) in the audit log"
