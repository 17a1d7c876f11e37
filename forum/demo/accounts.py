"""Demo accounts: one per role, with fixed addresses and one shared password."""

from __future__ import annotations

from ..extensions import db
from ..models import User
from ..models.roster import delegation_by_code, ensure_delegations
from . import DEMO_PASSWORD

ACCOUNTS = (
    ("admin@demo.example", "Alex Admin", "admin", "IOM", "en"),
    ("moderator@demo.example", "Morgan Moderator", "moderator", "CR", "es"),
    ("facilitator@demo.example", "Fatima Facilitator (IOM)", "facilitator", "IOM", "en"),
    ("observer@demo.example", "Olga Observer (RROCM)", "observer", "RNCOM", "es"),
    ("liaison.mx@demo.example", "Lucía Hernández", "liaison", "MX", "es"),
    ("liaison.gt@demo.example", "Carlos Méndez", "liaison", "GT", "es"),
    ("liaison.ca@demo.example", "Geneviève Tremblay", "liaison", "CA", "fr"),
)


def seed() -> str:
    """Create the demo accounts (and the delegations they belong to)."""
    ensure_delegations()
    for email, name, role, code, locale in ACCOUNTS:
        user = User(
            email=email,
            display_name=name,
            role=role,
            delegation=delegation_by_code(code),
            locale=locale,
        )
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    db.session.commit()
    return f"{len(ACCOUNTS)} demo accounts (password: {DEMO_PASSWORD})"
