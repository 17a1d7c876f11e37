"""What the practices record in the audit log: review steps, documents, the managed lists.

The managed lists record `<list>.create` and `<list>.update` (see services.LIST_MODELS).
"""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "practice.submit": _l("practice submitted for review"),
    "practice.publish": _l("practice published"),
    "practice.request_changes": _l("changes requested to a practice"),
    "practice.request_update": _l("update of a published practice requested"),
    "practice.confirm_update": _l("updated practice published again"),
    "practice.delete": _l("practice deleted"),
    "document.delete": _l("document removed by a moderator"),
    "indicators.create": _l("minimum indicator added"),
    "indicators.update": _l("minimum indicator edited"),
    "populations.create": _l("target population added"),
    "populations.update": _l("target population edited"),
    "situations.create": _l("situation added"),
    "situations.update": _l("situation edited"),
}
