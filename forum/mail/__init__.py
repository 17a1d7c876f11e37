"""Outgoing mail through the database: queue in the caller's transaction, send after commit."""

from .outbox import init_app, language_for, mail_counts, queue_mail, retry_dead

__all__ = ["init_app", "language_for", "mail_counts", "queue_mail", "retry_dead"]
