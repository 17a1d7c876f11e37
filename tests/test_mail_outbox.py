"""Mail through the outbox: written with the change, sent after commit, exactly once.

Rolled-back changes leave no mail; each committed invitation, reset or moderator's message is
one message in the recipient's language with a text and an HTML part; failures are retried with
backoff until the message is dead, shown on /admin/mail and retried from there; workers share
the queue on PostgreSQL, and a worker killed mid-batch and restarted sends every message once.
"""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from testconfig import TEST_DATABASE_URL

from forum.auth.services import request_password_reset
from forum.extensions import db
from forum.mail import queue_mail
from forum.mail.delivery import backoff, claim, send_pending
from forum.models import AuditEvent, MailOutbox, MailState, utcnow
from forum.models.roster import delegation_by_code

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def rows() -> list[MailOutbox]:
    db.session.expire_all()
    return list(db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)))


def parts(message) -> tuple[str, str]:
    """The text and the HTML of a message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def outbox_files(app) -> list[Path]:
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    return sorted(folder.glob("*.eml")) if folder.exists() else []


# --- written with the change, or not at all ---------------------------------------------------


def test_a_rolled_back_change_leaves_no_mail(app, outbox):
    user = make_user("liaison", email="ana@example.org", locale="es")
    with app.test_request_context():
        queue_mail("password_reset", "password_reset", to=user.email, subject="Subject",
                   language="es", recipient=user, link="http://exchange.test/x", user=user)
        db.session.flush()  # the row reached the database inside the transaction
        assert db.session.scalar(select(func.count(MailOutbox.id))) == 1
        db.session.rollback()
    assert rows() == []
    assert outbox() == []
    assert outbox_files(app) == []


def test_a_failing_request_sends_nothing(app, client, login_as, outbox, monkeypatch):
    # An invitation commits inside its request (a reset request does its work after the
    # response, so that its timing reveals nothing: its failure is covered below).
    login_as(make_user("admin", locale="en"))

    def fail(*args, **kwargs):
        raise RuntimeError("the commit failed")

    monkeypatch.setattr(db.session, "commit", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/admin/invitations", data={
        "email": "invitee@example.org", "delegation": delegation_by_code("CA").id,
        "role": "liaison", "language": "fr"})
    assert response.status_code == 500
    monkeypatch.undo()
    db.session.rollback()
    assert rows() == []
    assert outbox() == []


def test_a_reset_whose_commit_fails_after_the_response_sends_nothing(app, client, outbox,
                                                                      monkeypatch):
    make_user("liaison", email="ana@example.org")

    def fail(*args, **kwargs):
        raise RuntimeError("the commit failed")

    monkeypatch.setattr(db.session, "commit", fail)
    response = client.post("/auth/reset", data={"email": "ana@example.org"})
    assert response.status_code == 302  # the same answer whatever happens next
    monkeypatch.undo()
    db.session.rollback()
    assert rows() == []
    assert outbox() == []


# --- one message, in the recipient's language, text and HTML ----------------------------------


def test_an_invitation_is_one_message_in_the_invitees_language(app, client, login_as, outbox):
    login_as(make_user("admin", locale="en"))
    response = client.post("/admin/invitations", data={
        "email": "invitee@example.org", "delegation": delegation_by_code("CA").id,
        "role": "liaison", "language": "fr"})
    assert response.status_code == 302
    [message] = outbox()
    assert message["To"] == "invitee@example.org"
    assert message["Subject"] == "Invitation à l'Échange de pratiques consulaires"
    assert message["Content-Language"] == "fr"
    text, html = parts(message)
    assert "Vous êtes invité" in text and "/auth/invitation/" in text
    assert 'lang="fr"' in html and "Vous êtes invité" in html
    assert '<a href="http://exchange.test/auth/invitation/' in html
    [row] = rows()
    assert row.state == MailState.SENT.value and row.attempts == 1
    assert row.kind == "invitation" and row.language == "fr"
    assert row.message_id in message["Message-ID"]
    # The single-use link does not stay in the database once the message went out.
    assert row.body_text is None and row.body_html is None and row.link is None


def test_a_reset_is_one_message_in_the_account_language(app, client, outbox):
    make_user("liaison", email="ana@example.org", locale="es")
    client.post("/language", data={"lang": "fr", "next": "/"})  # the page is in French
    assert client.post("/auth/reset", data={"email": "ana@example.org"}).status_code == 302
    [message] = outbox()
    assert message["Subject"] == "Restablezca su contraseña"
    text, html = parts(message)
    assert "/auth/reset/" in text and "/auth/reset/" in html
    assert 'lang="es"' in html
    assert [r.recipient for r in rows()] == ["ana@example.org"]


def test_a_reset_for_an_account_without_a_language_uses_the_page_language(app, client, outbox):
    make_user("liaison", email="ana@example.org", locale=None)
    client.post("/language", data={"lang": "fr", "next": "/"})
    client.post("/auth/reset", data={"email": "ana@example.org"})
    [message] = outbox()
    assert message["Content-Language"] == "fr"


def test_a_moderators_message_is_in_the_authors_language(app, client, login_as, outbox):
    author = make_user("liaison", locale="es")
    thread = make_thread(author, make_category("members"), title="Registry practices")
    post = make_post(thread, author, body="Call +52 55 1234 5678 for the consul.")
    login_as(make_user("liaison"))
    client.post(f"/moderation/flag/post/{post.id}", data={"reason": "off_topic"})
    login_as(make_user("moderator", locale="fr"))
    response = client.post(f"/moderation/queue/post/{post.id}", data={
        "action": "messaged", "message": "Please remove the phone number."})
    assert response.status_code == 302
    [message] = outbox()
    assert message["To"] == author.email
    assert message["Subject"] == "Un mensaje de la moderación"
    text, html = parts(message)
    assert "Please remove the phone number." in text and "Please remove the phone number." in html
    assert "Una persona moderadora del Intercambio" in text
    assert "/moderation/my-flags" in text and "/moderation/my-flags" in html
    assert "Une personne chargée de la modération" not in text  # not the moderator's French


def test_html_part_escapes_what_people_wrote(app, outbox):
    user = make_user("liaison", display_name="<b>Ana</b>", email="ana@example.org")
    with app.test_request_context():
        request_password_reset("ana@example.org", "en")
    [message] = outbox()
    text, html = parts(message)
    assert "<b>Ana</b>" in text  # plain text is not HTML
    assert "&lt;b&gt;Ana&lt;/b&gt;" in html and "<b>Ana</b>" not in html
    assert user.email == message["To"]


def test_a_served_request_sends_once_its_response_is_closed(app, client, login_as):
    login_as(make_user("admin", locale="en"))
    response = client.post("/admin/invitations", data={
        "email": "invitee@example.org", "delegation": delegation_by_code("CA").id,
        "role": "liaison", "language": "fr"}, buffered=False)
    assert response.status_code == 302
    [row] = rows()
    assert row.state == MailState.QUEUED.value  # the response is not closed yet
    response.close()  # what the server does once the response went out
    assert [r.state for r in rows()] == [MailState.SENT.value]
    assert len(outbox_files(app)) == 1


def test_a_reset_is_queued_and_sent_once_its_response_is_closed(app, client):
    make_user("liaison", email="ana@example.org")
    response = client.post("/auth/reset", data={"email": "ana@example.org"}, buffered=False)
    assert response.status_code == 302
    assert rows() == []  # a reset does its own work after the response (equal timing)
    response.close()
    assert [r.state for r in rows()] == [MailState.SENT.value]
    assert len(outbox_files(app)) == 1


def test_with_a_worker_the_request_only_queues(app, client, runner, outbox):
    app.config["MAIL_DELIVERY"] = "worker"
    make_user("liaison", email="ana@example.org")
    client.post("/auth/reset", data={"email": "ana@example.org"}).close()
    assert [r.state for r in rows()] == [MailState.QUEUED.value]
    assert outbox_files(app) == []
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert [r.state for r in rows()] == [MailState.SENT.value]
    assert len(outbox()) == 1
    result = runner.invoke(args=["mail", "status"])
    assert "sent     1" in result.output


# --- failures, backoff, dead letters, retry ---------------------------------------------------


class FailingSMTP:
    """An SMTP server that refuses every connection."""

    calls = 0

    def __init__(self, *args, **kwargs):
        FailingSMTP.calls += 1
        raise smtplib.SMTPConnectError(421, b"mail.example.org: service not available")


class RecordingSMTP:
    """An SMTP server that accepts everything and remembers it."""

    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, *args):
        pass

    def send_message(self, message):
        RecordingSMTP.sent.append(message)


def _make_due() -> None:
    db.session.execute(update(MailOutbox).where(MailOutbox.state == MailState.QUEUED.value)
                       .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_smtp_failures_back_off_then_die_then_retry(app, client, login_as, monkeypatch):
    app.config.update(MAIL_SERVER="mail.example.org", MAIL_MAX_ATTEMPTS=3,
                      MAIL_RETRY_BASE_SECONDS=60, MAIL_RETRY_MAX_SECONDS=3600)
    monkeypatch.setattr(smtplib, "SMTP", FailingSMTP)
    FailingSMTP.calls = 0
    make_user("liaison", email="ana@example.org", locale="fr")
    with app.test_request_context():
        request_password_reset("ana@example.org", "en")  # attempt 1, right after the commit

    waits = []
    for attempt in (1, 2, 3):
        [row] = rows()
        assert row.attempts == attempt
        assert "SMTPConnectError" in row.last_error and "service not available" in row.last_error
        if attempt < 3:
            assert row.state == MailState.QUEUED.value
            waits.append((row.next_attempt_at - utcnow()).total_seconds())
            assert send_pending().handled == 0  # not due yet: nothing is tried
            _make_due()
            send_pending()
    [row] = rows()
    assert row.state == MailState.DEAD.value and row.attempts == 3
    assert FailingSMTP.calls == 3
    # exponential backoff: about 60 s, then about 120 s
    assert 55 < waits[0] <= 60 and 115 < waits[1] <= 120
    assert backoff(3) == timedelta(seconds=240) and backoff(20) == timedelta(seconds=3600)

    # The administrators see it, with its error, and send it again.
    login_as(make_user("admin"))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "ana@example.org" in page and "SMTPConnectError" in page
    assert f'action="/admin/mail/{row.id}/retry"' in page
    assert 'action="/admin/mail/retry-dead"' in page
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    RecordingSMTP.sent = []
    response = client.post(f"/admin/mail/{row.id}/retry")
    assert response.status_code == 302
    response.close()  # sent after the response, like any mail
    [row] = rows()
    assert row.state == MailState.SENT.value and row.attempts == 1
    [message] = RecordingSMTP.sent
    assert message["Message-ID"] == f"<{row.message_id}@localhost>"
    assert message["Content-Language"] == "fr"
    assert parts(message)[0].count("/auth/reset/") == 1
    assert db.session.scalars(select(AuditEvent.action)).all() == ["mail.retried"]
    # Retrying a message that is no longer dead changes nothing.
    client.post(f"/admin/mail/{row.id}/retry").close()
    assert rows()[0].state == MailState.SENT.value
    assert len(RecordingSMTP.sent) == 1


def test_retry_all_dead(app, client, login_as, monkeypatch):
    app.config.update(MAIL_SERVER="mail.example.org", MAIL_MAX_ATTEMPTS=1)
    monkeypatch.setattr(smtplib, "SMTP", FailingSMTP)
    for n in range(3):
        make_user("liaison", email=f"user{n}@example.org")
        with app.test_request_context():
            request_password_reset(f"user{n}@example.org", "en")
    assert [r.state for r in rows()] == [MailState.DEAD.value] * 3
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    RecordingSMTP.sent = []
    login_as(make_user("admin", locale="es"))
    response = client.post("/admin/mail/retry-dead", follow_redirects=True)
    assert "3 mensajes están de nuevo en la cola." in response.get_data(as_text=True)
    response.close()
    assert [r.state for r in rows()] == [MailState.SENT.value] * 3
    assert sorted(m["To"] for m in RecordingSMTP.sent) == [f"user{n}@example.org" for n in range(3)]
    page = client.get("/moderation/audit").get_data(as_text=True)
    assert "correo no entregado puesto de nuevo en la cola" in page


def test_mail_admin_needs_an_administrator_and_a_post(app, client, login_as):
    login_as(make_user("moderator"))
    assert client.get("/admin/mail").status_code == 403
    assert client.post("/admin/mail/retry-dead").status_code == 403
    login_as(make_user("admin"))
    assert client.get("/admin/mail/retry-dead").status_code == 405


def test_retry_needs_the_csrf_token(app, client, login_as):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(make_user("admin"))
    assert client.post("/admin/mail/retry-dead").status_code == 400


def test_a_claim_takes_one_batch_and_two_claims_do_not_overlap(app):
    ids = _queue_many(app, 12)
    first, second = (Session(db.engine, expire_on_commit=False) for _ in range(2))
    try:
        token_a, claimed_a = claim(first, 5)
        token_b, claimed_b = claim(second, 5)
        assert len(claimed_a) == 5 and len(claimed_b) == 5
        assert not {r.id for r in claimed_a} & {r.id for r in claimed_b}
        assert {r.claim_token for r in claimed_a} == {token_a}
        assert all(r.state == MailState.SENDING.value and r.attempts == 1 for r in claimed_b)
    finally:
        first.close()
        second.close()
    states = Counter(r.state for r in rows())
    assert states == {MailState.SENDING.value: 10, MailState.QUEUED.value: 2}
    assert len(ids) == 12


# --- workers in other processes ----------------------------------------------------------------


def _queue_many(app, count: int) -> list[str]:
    """Queue `count` messages in one transaction; only workers will send them."""
    app.config["MAIL_DELIVERY"] = "worker"
    ids = []
    with app.test_request_context():
        for n in range(count):
            message = queue_mail("password_reset", "password_reset", to=f"u{n}@example.org",
                                 subject="Reset", language=("en", "es", "fr")[n % 3],
                                 link=f"http://exchange.test/auth/reset/t{n}",
                                 user={"display_name": f"User {n}"})
            ids.append(message.message_id)
        db.session.commit()
    return ids


def _start_worker(app_config: dict, tmp_path: Path, name: str, exit_after_writes: int = 0,
                  **settings) -> subprocess.Popen:
    config = app_config | {"MAIL_DELIVERY": "worker", "MAIL_WORKER_POLL": 0.1} | settings
    env = os.environ | {
        "MAIL_WORKER_CONFIG": json.dumps(config),
        "MAIL_WORKER_LOG": str(tmp_path / "writes.log"),
        "MAIL_WORKER_EXIT_AFTER_WRITES": str(exit_after_writes),
        "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)]),
    }
    env.pop("FLASK_DEBUG", None)
    log = open(tmp_path / f"{name}.out", "w")
    process = subprocess.Popen(
        [str(BIN / "flask"), "--app", "mail_worker_app:create", "mail", "worker"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    process.log_file = log
    return process


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    process.log_file.close()


def _wait_until(condition, timeout: float, processes=()) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for process in processes:
            assert process.poll() is None, Path(process.log_file.name).read_text()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _sent_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(MailOutbox.id))
                             .where(MailOutbox.state == MailState.SENT.value)) or 0


def _writes(tmp_path: Path) -> list[tuple[str, str, str]]:
    path = tmp_path / "writes.log"
    if not path.exists():
        return []
    return [tuple(line.split()) for line in path.read_text().splitlines() if line]


@pytest.mark.slow
@pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set")
def test_two_workers_on_postgresql_share_the_queue(app, app_config, tmp_path):
    app.config["MAIL_DELIVERY"] = "worker"
    workers = [_start_worker(app_config, tmp_path, f"worker{n}", MAIL_SEND_DELAY=0.02,
                             MAIL_BATCH_SIZE=5) for n in range(2)]
    try:
        _wait_until(lambda: all("started" in Path(w.log_file.name).read_text()
                                for w in workers), 60, workers)
        ids = _queue_many(app, 200)
        _wait_until(lambda: _sent_count() == 200, 180, workers)
    finally:
        for worker in workers:
            _stop(worker)
    outputs = [Path(w.log_file.name).read_text() for w in workers]
    files = outbox_files(app)
    names = Counter(path.name.rsplit("-", 1)[1].removesuffix(".eml") for path in files)
    assert set(names) == set(ids) and len(files) == 200
    writes = _writes(tmp_path)
    per_message = Counter(name for name, _, _ in writes)
    assert all(count == 1 for count in per_message.values()), "a message was handed over twice"
    by_worker = Counter(pid for _, _, pid in writes)
    assert len(by_worker) == 2 and all(count > 0 for count in by_worker.values()), outputs
    assert all(r.attempts == 1 for r in rows())
    print(f"\ntwo workers: 200 queued, {len(files)} files, {len(per_message)} distinct, "
          f"per worker {sorted(by_worker.values())}")


@pytest.mark.slow
def test_a_worker_killed_mid_batch_and_restarted_sends_every_message_once(
        app, app_config, tmp_path):
    count = 40
    ids = _queue_many(app, count)
    settings = {"MAIL_SEND_DELAY": 0.05, "MAIL_BATCH_SIZE": 10, "MAIL_LEASE_SECONDS": 1.0}
    first = _start_worker(app_config, tmp_path, "first", **settings)
    try:
        # Killed in the middle of its second batch.
        _wait_until(lambda: len(outbox_files(app)) >= 13, 60, [first])
    finally:
        _stop(first, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL
    sent_before = _sent_count()
    in_flight = [r for r in rows() if r.state == MailState.SENDING.value]
    assert sent_before < count and in_flight  # the rest of its batch was claimed, not sent

    second = _start_worker(app_config, tmp_path, "second", **settings)
    try:
        _wait_until(lambda: _sent_count() == count, 90, [second])
    finally:
        _stop(second)

    files = outbox_files(app)
    per_id = Counter(path.name.rsplit("-", 1)[1].removesuffix(".eml") for path in files)
    assert set(per_id) == set(ids)
    assert all(n == 1 for n in per_id.values())
    assert not list(Path(app.config["MAIL_OUTBOX_DIR"]).glob(".*.tmp"))
    writes = _writes(tmp_path)
    written = Counter(name for name, what, _ in writes if what == "written")
    assert len(written) == count and all(n == 1 for n in written.values())
    final = rows()
    assert all(r.state == MailState.SENT.value for r in final)
    taken_again = sum(1 for r in final if r.attempts > 1)
    assert taken_again >= 1  # the claimed rows of the killed worker came back after the lease
    exactly_once = sum(1 for n in per_id.values() if n == 1)
    print(f"\nexactly-once: {exactly_once}/{count} messages in exactly one file "
          f"({len(files)} files; {sent_before} sent before SIGKILL, {len(in_flight)} claimed "
          f"and taken again after the lease: {taken_again}; files found already written on "
          f"retry: {sum(1 for _, what, _ in writes if what == 'existed')})")


@pytest.mark.slow
def test_a_worker_dying_after_writing_before_recording_still_sends_once(
        app, app_config, tmp_path):
    ids = _queue_many(app, 6)
    settings = {"MAIL_BATCH_SIZE": 10, "MAIL_LEASE_SECONDS": 1.0}
    first = _start_worker(app_config, tmp_path, "first", exit_after_writes=3, **settings)
    assert first.wait(timeout=60) == 9
    first.log_file.close()
    assert _sent_count() == 2  # the third file is written, its row still says "sending"
    second = _start_worker(app_config, tmp_path, "second", **settings)
    try:
        _wait_until(lambda: _sent_count() == 6, 60, [second])
    finally:
        _stop(second)
    files = outbox_files(app)
    assert sorted(p.name.rsplit("-", 1)[1].removesuffix(".eml") for p in files) == sorted(ids)
    writes = _writes(tmp_path)
    assert [what for _, what, _ in writes].count("existed") == 1  # handed over again, same file
    assert Counter(name for name, _, _ in writes).most_common(1)[0][1] == 2
