"""Featured practices: moderators and facilitators choose published practices for the home page."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import permissions
from ..extensions import db
from ..models import FeaturedPractice, User, record_audit
from ..models.practices import Practice
from .services import ModerationError, NothingToDo


def featured_entry(practice: Practice) -> FeaturedPractice | None:
    """The practice's place among the featured ones, if it has one."""
    return db.session.scalar(select(FeaturedPractice)
                             .where(FeaturedPractice.practice_id == practice.id))


def feature_practice(actor: User, practice: Practice, note: str | None = None) -> FeaturedPractice:
    """Feature a published practice on the home page."""
    if not practice.is_public:
        raise ModerationError(_("Only published practices can be featured."), 409)
    if featured_entry(practice) is not None:
        raise NothingToDo(_("This practice is already featured."))
    position = (db.session.scalar(select(func.max(FeaturedPractice.position))) or 0) + 1
    entry = FeaturedPractice(practice_id=practice.id, featured_by_id=actor.id, note=note or None,
                             position=position)
    db.session.add(entry)
    record_audit(actor, "practice.feature", "practice", practice.id, label=practice.title,
                 reason=note or None, before={"featured": False}, after={"featured": True})
    db.session.commit()
    return entry


def unfeature_practice(actor: User, practice: Practice, reason: str | None = None) -> None:
    """Take a practice off the home page."""
    entry = featured_entry(practice)
    if entry is None:
        raise NothingToDo(_("This practice is not featured."))
    db.session.delete(entry)
    record_audit(actor, "practice.unfeature", "practice", practice.id, label=practice.title,
                 reason=reason or None, before={"featured": True}, after={"featured": False})
    db.session.commit()


def featured_practices(user, limit: int = 6) -> list[Practice]:
    """The featured practices the reader may see, those in the reader's language first."""
    from ..models.practices import PUBLIC_STATUSES
    from ..platform.i18n import current_language

    rows = list(db.session.scalars(
        select(Practice)
        .join(FeaturedPractice, FeaturedPractice.practice_id == Practice.id)
        .where(permissions.visible_practices(user), Practice.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Practice.delegation))
        .order_by(FeaturedPractice.position.desc(), FeaturedPractice.id.desc())
        .limit(limit)
    ))
    lang = current_language()
    return sorted(rows, key=lambda p: p.language != lang)
