"""The personal-data guard as used by the compose forms (posts, threads, practices).

A compose view asks the guard before saving:

    guard = PersonalDataGuard(form.title.data, form.body.data)
    if guard.needs_confirmation:
        return render_template(..., personal_data=guard)   # the form shows the warning
    post = create_it(...)
    guard.flag_if_confirmed("post", post.id)

The form template includes `moderation/_personal_data_warning.html`, which lists what looked
like personal data and offers "edit" (change the text, submit again) or "post anyway" (a submit
button named `personal_data_confirmed`). Confirmed items with matches are flagged for review.
"""

from __future__ import annotations

from flask import request
from sqlalchemy import select

from ..extensions import db
from ..models import Flag, FlagReason, FlagStatus
from .personal_data import Finding, find_personal_data

CONFIRM_FIELD = "personal_data_confirmed"


class PersonalDataGuard:
    """The findings in some texts and whether the author confirmed them."""

    def __init__(self, *texts: str | None):
        self.findings: list[Finding] = find_personal_data(*texts)
        self.confirmed = request.form.get(CONFIRM_FIELD) == "1"

    @property
    def needs_confirmation(self) -> bool:
        """Text looks personal and the author has not yet confirmed it."""
        return bool(self.findings) and not self.confirmed

    @property
    def kinds(self) -> list[str]:
        """The kinds of personal data found, without repeats."""
        return sorted({f.kind for f in self.findings})

    def flag_if_confirmed(self, target_type: str, target_id: int) -> None:
        """After saving: flag the item for moderators when it still holds matches."""
        if self.findings:
            stage_personal_data_flag(target_type, target_id, self.findings)
            db.session.commit()

    def stage_flag(self, target_type: str, target_id: int) -> None:
        """Like `flag_if_confirmed`, inside the caller's transaction (no commit)."""
        if self.findings:
            stage_personal_data_flag(target_type, target_id, self.findings)


# The narrative fields of the practice form; the focal point's name and address are meant to be
# contact details and are not checked.
PRACTICE_TEXT_FIELDS = (
    "title", "partners", "problem", "description", "operation", "legal_basis", "resources",
    "system_name", "system_scope", "system_interoperability", "system_safeguards", "results",
    "enabling_factors", "constraints", "replicability", "lessons",
)


def practice_texts(form) -> list[str]:
    """The texts of a practice form that the guard reads."""
    return [getattr(form, name).data or "" for name in PRACTICE_TEXT_FIELDS
            if hasattr(form, name) and isinstance(getattr(form, name).data, str)]


def stage_personal_data_flag(target_type: str, target_id: int, findings) -> Flag | None:
    """Add the automatic personal-data flag of an item to the session (no commit), unless
    there are no findings or the item already has an open automatic flag."""
    if not findings:
        return None
    exists = db.session.scalar(
        select(Flag.id).where(
            Flag.target_type == target_type,
            Flag.target_id == target_id,
            Flag.is_automatic.is_(True),
            Flag.status == FlagStatus.OPEN.value,
        )
    )
    if exists:
        return None
    kinds = sorted({f.kind for f in findings})
    flag = Flag(
        target_type=target_type,
        target_id=target_id,
        reporter_id=None,
        is_automatic=True,
        reason=FlagReason.PERSONAL_DATA.value,
        detail=", ".join(kinds),
    )
    db.session.add(flag)
    return flag
