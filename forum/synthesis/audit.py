"""What the synthesis records in the audit log: changes to action items."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "action.create": _l("action item added"),
    "action.edit": _l("action item edited"),
    "action.status": _l("status of an action item changed"),
}
