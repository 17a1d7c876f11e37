"""Outgoing mail through the database: queue in the caller's transaction, send after commit."""

from .outbox import init_app, language_for, queue_mail

__all__ = ["init_app", "language_for", "queue_mail"]
