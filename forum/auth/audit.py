"""What the accounts feature records in the audit log."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "invitation.created": _l("invitation sent"),
    "invitation.resent": _l("invitation sent again"),
    "invitation.revoked": _l("invitation revoked"),
}
