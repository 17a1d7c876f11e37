"""Sending queued mail: claim rows, hand each message over, record the outcome.

A worker claims due rows in one statement (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
several workers share the queue without waiting on each other): the rows become `sending` with
the worker's claim token and a lease, and their attempt is counted. Before each message the
lease is renewed under the same token; after the transport accepted it, the row becomes
`sent` under that token. A worker killed in between leaves a `sending` row that any worker
claims again once the lease has passed; the message is then handed over again with the same
Message-ID and the same outbox file name (for files: exactly once; for SMTP: at least once,
see README.md). A failed attempt is retried with exponential backoff until MAIL_MAX_ATTEMPTS,
then the row is `dead` with its last error until an administrator retries it.

On SQLite one process sends at a time (an flock next to the database's instance folder).
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import MailOutbox, MailState, utcnow
from ..platform.file_lock import FileLock
from ..platform.mail import build_message, outbox_file_name, transmit

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one pass did."""

    sent: int = 0
    retried: int = 0
    dead: int = 0
    lost: int = 0  # messages another worker took over (our lease had passed)

    @property
    def handled(self) -> int:
        """Messages this pass attempted."""
        return self.sent + self.retried + self.dead + self.lost

    def add(self, other: Outcome) -> None:
        """Add another pass's counts to this one."""
        self.sent += other.sent
        self.retried += other.retried
        self.dead += other.dead
        self.lost += other.lost


def _config(name: str):
    return current_app.config[name]


def _is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def send_lock() -> FileLock | None:
    """The lock that keeps SQLite to one sending process; None on PostgreSQL (rows are locked)."""
    if _is_postgresql():
        return None
    return FileLock(Path(_config("INSTANCE_DIR")) / "mail-send.lock")


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones: doubling, capped."""
    base = float(_config("MAIL_RETRY_BASE_SECONDS"))
    seconds = min(base * 2 ** max(attempts - 1, 0), float(_config("MAIL_RETRY_MAX_SECONDS")))
    return timedelta(seconds=seconds)


def _claimable(now):
    return or_(
        and_(MailOutbox.state == MailState.QUEUED.value, MailOutbox.next_attempt_at <= now),
        and_(MailOutbox.state == MailState.SENDING.value, MailOutbox.lease_until < now),
    )


def _bury_abandoned(session: Session, now) -> int:
    """Messages whose worker died on their last allowed attempt: dead, with why."""
    result = session.execute(
        update(MailOutbox)
        .where(MailOutbox.state == MailState.SENDING.value, MailOutbox.lease_until < now,
               MailOutbox.attempts >= _config("MAIL_MAX_ATTEMPTS"))
        .values(state=MailState.DEAD.value, claim_token=None, lease_until=None,
                last_error="the sending process stopped before recording the outcome "
                           "(lease expired) on the last allowed attempt")
    )
    return result.rowcount or 0


def claim(session: Session, limit: int) -> tuple[str, list[MailOutbox]]:
    """Claim up to `limit` due messages for this worker; committed before anything is sent."""
    now = utcnow()
    token = secrets.token_hex(16)
    _bury_abandoned(session, now)
    due = select(MailOutbox.id).where(_claimable(now)).order_by(MailOutbox.id).limit(limit)
    if _is_postgresql():
        # Lock the chosen rows first, then update exactly those: inside `UPDATE ... WHERE id IN
        # (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)` PostgreSQL may run the subquery again
        # per row, and one worker would take the whole queue.
        chosen = list(session.scalars(due.with_for_update(skip_locked=True)))
    else:
        # SQLite: one statement, so the claim starts as a write (no snapshot to upgrade).
        chosen = due.scalar_subquery()
    session.execute(
        update(MailOutbox)
        .where(MailOutbox.id.in_(chosen), _claimable(now))
        .values(state=MailState.SENDING.value, claim_token=token,
                lease_until=now + timedelta(seconds=_config("MAIL_LEASE_SECONDS")),
                attempts=MailOutbox.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    rows = list(session.scalars(
        select(MailOutbox).where(MailOutbox.claim_token == token).order_by(MailOutbox.id)))
    session.commit()
    return token, rows


def _renew(session: Session, row: MailOutbox, token: str) -> bool:
    """Extend the lease of a claimed row before sending it; False if another worker took it."""
    now = utcnow()
    result = session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == row.id, MailOutbox.claim_token == token,
               MailOutbox.state == MailState.SENDING.value)
        .values(lease_until=now + timedelta(seconds=_config("MAIL_LEASE_SECONDS")))
    )
    session.commit()
    return bool(result.rowcount)


def _mark_sent(session: Session, row: MailOutbox, token: str) -> bool:
    result = session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == row.id, MailOutbox.claim_token == token)
        .values(state=MailState.SENT.value, sent_at=utcnow(), claim_token=None,
                lease_until=None, body_text=None, body_html=None, link=None)
    )
    session.commit()
    return bool(result.rowcount)


def _mark_failed(session: Session, row: MailOutbox, token: str, error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= _config("MAIL_MAX_ATTEMPTS"):
        values = {"state": MailState.DEAD.value}
    else:
        values = {"state": MailState.QUEUED.value,
                  "next_attempt_at": utcnow() + backoff(row.attempts)}
    result = session.execute(
        update(MailOutbox)
        .where(MailOutbox.id == row.id, MailOutbox.claim_token == token)
        .values(claim_token=None, lease_until=None, last_error=text, **values)
    )
    session.commit()
    if not result.rowcount:
        return "lost"
    return values["state"]


def send_one(session: Session, row: MailOutbox, token: str) -> str:
    """Hand one claimed message over and record the outcome: sent, queued, dead or lost."""
    if not _renew(session, row, token):
        return "lost"
    delay = float(_config("MAIL_SEND_DELAY") or 0)
    if delay:
        time.sleep(delay)
    message = build_message(
        message_id=row.message_id, to=row.recipient, subject=row.subject,
        text=row.body_text or "", html=row.body_html, language=row.language,
        created_at=row.created_at,
    )
    try:
        transmit(message, file_name=outbox_file_name(row.message_id, row.created_at),
                 link=row.link)
    except Exception as error:  # any failure to hand over is recorded and retried
        log.warning("mail %s to %s failed (attempt %s): %s", row.id, row.recipient,
                    row.attempts, error)
        return _mark_failed(session, row, token, error)
    if not _mark_sent(session, row, token):
        # Our lease passed while sending: another worker has taken the message again.
        log.warning("mail %s was taken over by another worker after its lease passed", row.id)
        return "lost"
    return "sent"


def send_batch(session: Session, stop: threading.Event | None = None) -> Outcome:
    """Claim one batch of due messages and send them."""
    outcome = Outcome()
    token, rows = claim(session, int(_config("MAIL_BATCH_SIZE")))
    for index, row in enumerate(rows):
        if stop is not None and stop.is_set():
            # Give the rest back at once rather than after the lease.
            _release(session, [r.id for r in rows[index:]], token)
            break
        state = send_one(session, row, token)
        if state == MailState.SENT.value:
            outcome.sent += 1
        elif state == MailState.QUEUED.value:
            outcome.retried += 1
        elif state == MailState.DEAD.value:
            outcome.dead += 1
        else:
            outcome.lost += 1
    return outcome


def _release(session: Session, ids: list[int], token: str) -> None:
    if not ids:
        return
    session.execute(
        update(MailOutbox)
        .where(MailOutbox.id.in_(ids), MailOutbox.claim_token == token)
        .values(state=MailState.QUEUED.value, claim_token=None, lease_until=None,
                attempts=MailOutbox.attempts - 1)
    )
    session.commit()


def due_count(session: Session) -> int:
    """How many messages could be claimed now."""
    return session.scalar(select(func.count(MailOutbox.id)).where(_claimable(utcnow()))) or 0


def _drain(session: Session, stop: threading.Event | None) -> Outcome:
    total = Outcome()
    while stop is None or not stop.is_set():
        outcome = send_batch(session, stop)
        total.add(outcome)
        if not outcome.handled:
            break
    return total


def send_pending(*, wait: float | None = 0.0, stop: threading.Event | None = None) -> Outcome:
    """Send every message due now, in batches, and return what happened.

    On SQLite, takes the send lock, waiting up to `wait` seconds (None: as long as needed). A
    process that cannot take it leaves the messages to the holder, which looks again before
    letting go, so nothing committed meanwhile is left behind.
    """
    session = Session(db.engine, expire_on_commit=False)
    total = Outcome()
    try:
        lock = send_lock()
        if lock is None:
            total.add(_drain(session, stop))
            return total
        while True:
            if not lock.acquire(wait):
                return total
            try:
                total.add(_drain(session, stop))
            finally:
                lock.release()
            if (stop is not None and stop.is_set()) or not due_count(session):
                return total
            session.rollback()
            wait = 0.0
    finally:
        session.close()


def run_worker(*, poll: float | None = None, stop: threading.Event | None = None,
               echo=print) -> Outcome:
    """Send mail until stopped (SIGTERM or SIGINT finish the message in hand, then stop)."""
    stop = stop or threading.Event()
    poll = float(_config("MAIL_WORKER_POLL") if poll is None else poll)
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    total = Outcome()
    lock = send_lock()
    if lock is not None and not lock.acquire(0.0):
        echo("Another process is sending mail from this SQLite database: waiting for it.")
        while not lock.acquire(1.0):
            if stop.is_set():
                return total
    session = Session(db.engine, expire_on_commit=False)
    try:
        echo(f"Mail worker {os.getpid()} started ({db.engine.dialect.name}).")
        while not stop.is_set():
            outcome = _drain(session, stop)
            total.add(outcome)
            if outcome.handled:
                echo(f"sent {outcome.sent}, to retry {outcome.retried}, dead {outcome.dead}"
                     + (f", taken over {outcome.lost}" if outcome.lost else ""))
            stop.wait(poll)
    finally:
        session.close()
        if lock is not None:
            lock.release()
    return total
