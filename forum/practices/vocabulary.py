"""Translated labels for the fixed vocabularies of a practice (stored as stable codes)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted for review"),
    "changes_requested": _l("Changes requested"),
    "published": _l("Published"),
    "update_requested": _l("Update requested"),
}

INSTITUTION_TYPE_LABELS = {
    "ministry": _l("Ministry"),
    "consular_network": _l("Consular network"),
    "other_agency": _l("Other government agency"),
    "international_org": _l("International organization"),
    "civil_society": _l("Civil society"),
}

TECHNOLOGY_LABELS = {
    "in_house": _l("In-house software"),
    "commercial": _l("Commercial software"),
    "spreadsheet": _l("Spreadsheets"),
    "paper": _l("Paper records"),
}

EVIDENCE_LABELS = {
    "self_reported": _l("Self-reported"),
    "monitored": _l("Monitored"),
    "independently_evaluated": _l("Independently evaluated"),
}

IMPLEMENTATION_LABELS = {
    "pilot": _l("Pilot"),
    "operational": _l("Operational"),
    "completed": _l("Completed"),
    "discontinued": _l("Discontinued"),
}

GROUP_LABELS = {
    "case": _l("The case"),
    "person": _l("The person"),
    "assistance": _l("Assistance"),
    "closure": _l("Outcome and follow-up"),
}

COVERAGE_LABELS = {
    "yes": _l("Yes"),
    "partly": _l("Partly"),
    "no": _l("No"),
    "unknown": _l("No information"),
    "none": _l("No submission yet"),
    "nomatch": _l("No matching practice"),
}

# Symbols shown beside the words so the matrix never relies on colour alone.
COVERAGE_SYMBOLS = {
    "yes": "●", "partly": "◐", "no": "○", "unknown": "?", "none": "–", "nomatch": "–",
}

LIST_KINDS = {
    "indicators": (_l("Minimum recording indicators"), _l("indicator")),
    "populations": (_l("Target populations"), _l("population")),
    "situations": (_l("Situations"), _l("situation")),
}


def label(mapping: dict, code: str | None) -> str:
    """The translated label of a code, or the code itself when unknown."""
    if not code:
        return ""
    value = mapping.get(code)
    return str(value) if value is not None else code

# The navigation partial lives in a folder the message extractor skips (names starting with
# "_"), so its labels are declared here to reach the catalogs.
NAV_LABELS = (_l("Practices"), _l("Countries"), _l("Compare"), _l("Review practices"))
