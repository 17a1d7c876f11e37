"""What the administration pages record in the audit log."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "user.updated": _l("role or delegation changed"),
    "user.suspended": _l("account suspended"),
    "user.reactivated": _l("account reactivated"),
    "delegation.created": _l("delegation added"),
    "delegation.updated": _l("delegation edited"),
    "category.created": _l("category created"),
    "category.updated": _l("category edited"),
    "mail.retried": _l("undelivered email queued again"),
}
