"""Outgoing email: SMTP when configured, otherwise .eml files in the instance outbox."""

from __future__ import annotations

import secrets
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app


def send_mail(to: str, subject: str, body: str, link: str | None = None) -> bool:
    """Send a plain-text message; without SMTP, write it to instance/outbox/ and log the link.

    Returns False (and logs why) when the message could not be handed over, so callers can tell
    the user instead of failing the request after their change was already committed.
    """
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="exchange.local")
    # Files in the outbox are read by people: keep lines (and links) whole rather than
    # quoted-printable; SMTP gets the safe 7-bit encoding.
    message.set_content(body, cte="quoted-printable" if config.get("MAIL_SERVER") else "8bit")

    if config.get("MAIL_SERVER"):
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            current_app.logger.exception("mail to %s could not be sent through SMTP", to)
            return False
        return True

    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    safe_to = "".join(ch if ch.isalnum() else "_" for ch in to)[:60]
    # The random part keeps two messages written in the same microsecond apart.
    path = outbox / f"{stamp}-{secrets.token_hex(4)}-{safe_to}.eml"
    path.write_bytes(bytes(message))
    current_app.logger.warning("mail to %s written to %s%s", to, path, f" (link: {link})" if link else "")
    return True
