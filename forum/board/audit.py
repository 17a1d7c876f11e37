"""What the boards record in the audit log (a moderator changing someone else's post)."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "post.edit": _l("post edited by a moderator"),
    "post.delete": _l("post deleted by a moderator"),
}
