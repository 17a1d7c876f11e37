"""What the search records in the audit log: changes to the glossary of search terms."""

from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "glossary.create": _l("glossary entry added"),
    "glossary.update": _l("glossary entry edited"),
    "glossary.delete": _l("glossary entry deleted"),
}
