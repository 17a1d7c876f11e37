"""Queueing mail: a `mail_outbox` row in the caller's transaction, sent after the commit.

`queue_mail` renders the message in the recipient's language (plain text and HTML, from
templates/email/) and adds it to the current session without committing: the caller's single
commit stores the change and its mail together, and a rollback removes both. After a commit
that queued mail, the process sends it itself when MAIL_DELIVERY is "after_commit" (once the
response has gone, or at once outside a request); with "worker", `flask mail worker` does.
"""

from __future__ import annotations

import uuid

from flask import Flask, current_app, g, has_app_context, has_request_context, render_template
from flask_babel import force_locale
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, func, select, update

from ..extensions import db
from ..models import MailOutbox, MailState, User, utcnow

DIRTY = "mail_queued"
AFTER_RESPONSE = "mail_send_after_response"

# Delegations whose members mostly read another language than English, for accounts that
# have not chosen one yet.
DELEGATION_LANGUAGES = {
    "CR": "es", "DO": "es", "SV": "es", "GT": "es", "HN": "es", "MX": "es", "NI": "es",
    "PA": "es",
}


def language_for(user: User | None, fallback: str | None = None) -> str:
    """The language to write to a person in: their setting, else their delegation's, else English."""
    languages = current_app.config["LANGUAGES"]
    for candidate in (
        getattr(user, "locale", None),
        fallback,
        DELEGATION_LANGUAGES.get(getattr(getattr(user, "delegation", None), "code", "")),
    ):
        if candidate and candidate in languages:
            return candidate
    return "en"


def queue_mail(kind: str, template: str, *, to: str, subject, language: str,
               recipient: User | None = None, link: str | None = None,
               **context) -> MailOutbox:
    """Render email/<template>.txt and .html in `language` and queue them; does not commit.

    `subject` is a lazy string (``_l(...)``), translated here in the recipient's language.
    """
    if language not in current_app.config["LANGUAGES"]:
        language = "en"
    with force_locale(language):
        values = {"link": link, "language": language, **context}
        message = MailOutbox(
            message_id=uuid.uuid4().hex,
            kind=kind,
            recipient_id=getattr(recipient, "id", None),
            recipient=to,
            language=language,
            template=template,
            subject=str(subject)[:300],
            body_text=render_template(f"email/{template}.txt", **values),
            body_html=render_template(f"email/{template}.html", **values),
            link=link,
            state=MailState.QUEUED.value,
            attempts=0,
            next_attempt_at=utcnow(),
            created_at=utcnow(),
        )
    db.session.add(message)
    db.session.info[DIRTY] = True
    return message


def send_after_commit(app: Flask) -> None:
    """Send what is due in this process, logging failures (the rows stay queued)."""
    from .delivery import send_pending

    try:
        with app.app_context():
            send_pending(wait=0.0)
    except Exception:  # the messages stay in the outbox; the next pass or the worker sends them
        app.logger.exception("mail: sending after commit failed")


def _after_commit(session) -> None:
    if not session.info.pop(DIRTY, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if app.config.get("MAIL_DELIVERY") != "after_commit":
        return
    if has_request_context():
        g.setdefault(AFTER_RESPONSE, True)
    else:
        send_after_commit(app)


def _after_rollback(session) -> None:
    session.info.pop(DIRTY, None)


def _after_request(response):
    if g.pop(AFTER_RESPONSE, False):
        app = current_app._get_current_object()
        response.call_on_close(lambda: send_after_commit(app))
    return response


def _teardown_request(_error=None) -> None:
    # A request context without a response (test_request_context, commands building links):
    # send when it ends.
    if g.pop(AFTER_RESPONSE, False):
        send_after_commit(current_app._get_current_object())


def init_app(app: Flask) -> None:
    """Install the session hooks (once per process) and the after-response sending."""
    app.config.setdefault("MAIL_DELIVERY", "after_commit")
    if app.config["MAIL_DELIVERY"] not in ("after_commit", "worker"):
        raise ValueError("MAIL_DELIVERY must be 'after_commit' or 'worker'")
    for name, fn in (("after_commit", _after_commit), ("after_rollback", _after_rollback)):
        if not event.contains(FlaskSession, name, fn):
            event.listen(FlaskSession, name, fn)
    app.after_request(_after_request)
    app.teardown_request(_teardown_request)


def mail_counts() -> dict[str, int]:
    """How many messages are in each state (every state present, zero or not)."""
    rows = db.session.execute(
        select(MailOutbox.state, func.count(MailOutbox.id)).group_by(MailOutbox.state)).all()
    counts = {state.value: 0 for state in MailState}
    counts.update({state: count for state, count in rows})
    return counts


def retry_dead(message_ids: list[int] | None = None) -> list[int]:
    """Queue dead messages again with a fresh set of attempts; does not commit.

    Only messages still dead are touched (two administrators retrying at once queue each
    message once). Returns the ids queued again.
    """
    query = select(MailOutbox.id).where(MailOutbox.state == MailState.DEAD.value)
    if message_ids is not None:
        query = query.where(MailOutbox.id.in_(message_ids))
    ids = list(db.session.scalars(query.order_by(MailOutbox.id)))
    if not ids:
        return []
    result = db.session.execute(
        update(MailOutbox)
        .where(MailOutbox.id.in_(ids), MailOutbox.state == MailState.DEAD.value)
        .values(state=MailState.QUEUED.value, attempts=0, next_attempt_at=utcnow(),
                claim_token=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        db.session.info[DIRTY] = True
    return ids
