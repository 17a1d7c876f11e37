"""Outgoing email transports: SMTP when MAIL_SERVER is set, otherwise .eml files in the outbox.

Nothing here knows about the database: forum/mail queues messages in the `mail_outbox` table
and hands each one to `transmit` after the commit. A message keeps the Message-ID fixed when
it was queued, and its outbox file is named after it, so handing the same message over twice
(a worker killed before it could mark it sent) writes the same file again rather than a second
one. SMTP cannot offer that: see "Email" in README.md.
"""

from __future__ import annotations

import os
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import current_app


def message_id_header(message_id: str, sender: str) -> str:
    """The Message-ID header of a queued message: stable across retries."""
    domain = sender.rpartition("@")[2].strip("> ") or "exchange.local"
    return f"<{message_id}@{domain}>"


def build_message(*, message_id: str, to: str, subject: str, text: str, html: str | None,
                  language: str, created_at: datetime) -> EmailMessage:
    """A multipart/alternative message (plain text, then HTML) with stable headers."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id_header(message_id, config["MAIL_DEFAULT_SENDER"])
    message["Date"] = format_datetime(created_at.replace(tzinfo=UTC))
    # Files in the outbox are read by people: keep lines (and links) whole rather than
    # quoted-printable; SMTP gets the safe 7-bit encoding.
    cte = "quoted-printable" if config.get("MAIL_SERVER") else "8bit"
    message.set_content(text, cte=cte)
    if html:
        message.add_alternative(html, subtype="html", cte=cte)
    message["Content-Language"] = language  # after the content: setting it clears Content-*
    return message


def outbox_file_name(message_id: str, created_at: datetime) -> str:
    """The outbox file of a message: sorts by queueing time, unique by message id."""
    return f"{created_at.strftime('%Y%m%dT%H%M%S%f')}-{message_id}.eml"


def transmit(message: EmailMessage, *, file_name: str, link: str | None = None) -> str:
    """Hand a message over: SMTP when configured, else the outbox folder. Returns where to.

    Raises smtplib.SMTPException or OSError when the message could not be handed over.
    """
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return f"smtp://{config['MAIL_SERVER']}"
    path = write_outbox_file(Path(config["MAIL_OUTBOX_DIR"]), file_name, bytes(message))
    current_app.logger.warning("mail to %s written to %s%s", message["To"], path,
                               f" (link: {link})" if link else "")
    return str(path)


def write_outbox_file(folder: Path, file_name: str, data: bytes) -> Path:
    """Write `data` to folder/file_name atomically: the file is whole or absent, never twice.

    A file that already exists was written by an earlier attempt of the same message (whose
    process died before recording it): it is left as it is.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name
    if path.exists():
        return path
    # Not *.eml, so readers of the outbox never see a half-written message.
    temporary = folder / f".{file_name}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    for stale in folder.glob(f".{file_name}.*.tmp"):  # left by an attempt killed mid-write
        stale.unlink(missing_ok=True)
    return path

