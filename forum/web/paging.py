"""The `page` query argument of list pages: parsed, and checked against the last page."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from .refusals import conceal, fail


def page_number() -> int:
    """The `page` query argument: a whole number from 1, else a 400 with a clear message."""
    raw = request.args.get("page", "1").strip()
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        fail(400, _("The page number must be a whole number, starting at 1."))
    return int(raw)


def check_page_range(pagination, page: int) -> None:
    """A 404 with a clear message for a page past the last one."""
    last = max(pagination.pages, 1)
    if page > last:
        conceal(_("There is no page %(page)d here: the last page is %(last)d.", page=page, last=last))
