"""The outgoing mail queue: counts per state, the latest messages, retrying dead ones."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..mail import mail_counts, retry_dead
from ..models import MailOutbox, MailState, record_audit
from . import bp
from .forms import ConfirmForm

LATEST_MESSAGES = 50

STATE_LABELS = {
    MailState.QUEUED.value: _l("queued"),
    MailState.SENDING.value: _l("being sent"),
    MailState.SENT.value: _l("sent"),
    MailState.DEAD.value: _l("undeliverable"),
}
KIND_LABELS = {
    "invitation": _l("invitation"),
    "password_reset": _l("password reset"),
    "moderator_message": _l("message from the moderators"),
}


@bp.route("/mail")
def mail():
    """How many messages wait, are being sent, went out or gave up; the latest ones."""
    latest = db.session.scalars(
        select(MailOutbox).order_by(MailOutbox.created_at.desc(), MailOutbox.id.desc())
        .limit(LATEST_MESSAGES)
    ).all()
    return render_template("admin/mail.html", counts=mail_counts(), latest=latest,
                           state_labels=STATE_LABELS, kind_labels=KIND_LABELS)


def _retry(message_ids: list[int] | None) -> int:
    ids = retry_dead(message_ids)
    if ids:
        record_audit(current_user, "mail.retried", "mail", ids[0] if len(ids) == 1 else None,
                     label=", ".join(str(i) for i in ids)[:300],
                     after={"messages": ids, "state": MailState.QUEUED.value})
    db.session.commit()
    return len(ids)


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int):
    """Queue one dead message again."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if db.session.get(MailOutbox, message_id) is None:
        abort(404)
    if _retry([message_id]):
        flash(_("The message is queued again."), "success")
    else:
        flash(_("This message is not undeliverable: nothing to retry."), "info")
    return redirect(url_for("admin.mail"))


@bp.post("/mail/retry-dead")
def retry_dead_mail():
    """Queue every dead message again."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    count = _retry(None)
    if count:
        flash(ngettext("%(num)s message is queued again.", "%(num)s messages are queued again.",
                       count), "success")
    else:
        flash(_("No undeliverable message to retry."), "info")
    return redirect(url_for("admin.mail"))
