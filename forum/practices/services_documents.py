"""Removing a practice's or a post's attached document."""

from __future__ import annotations

from ..extensions import db
from ..models import Attachment, record_audit, utcnow
from ..permissions import is_moderator


def remove_document(user, document: Attachment) -> None:
    """Hide a document (the file stays until the row is purged, so history can be audited)."""
    document.deleted_at = utcnow()
    if is_moderator(user) and document.uploader_id != user.id:
        record_audit(user, "document.delete", "document", document.id, label=document.filename)
    db.session.commit()
