"""People: delegations, users, roles, invitations and password-reset tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from babel import Locale
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import utcnow


class Role(enum.StrEnum):
    """What an account may do; ordered from most to least trusted in ROLE_ORDER."""

    ADMIN = "admin"
    MODERATOR = "moderator"
    FACILITATOR = "facilitator"
    LIAISON = "liaison"
    OBSERVER = "observer"


ROLE_ORDER = [Role.ADMIN, Role.MODERATOR, Role.FACILITATOR, Role.LIAISON, Role.OBSERVER]
STAFF_ROLES = frozenset({Role.ADMIN, Role.MODERATOR, Role.FACILITATOR})


class DelegationKind(enum.StrEnum):
    """A delegation is a member country or an organization."""

    COUNTRY = "country"
    ORGANIZATION = "organization"


class Delegation(db.Model):
    """A country delegation (ISO 3166 alpha-2 code) or an organization (IOM, UNHCR, ...)."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=DelegationKind.COUNTRY.value)
    name_en: Mapped[str] = mapped_column(String(200))
    name_es: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    members: Mapped[list[User]] = relationship(back_populates="delegation")

    @property
    def is_country(self) -> bool:
        """True for a country delegation."""
        return self.kind == DelegationKind.COUNTRY.value

    def name_in(self, locale: str) -> str:
        """The delegation's name in a language: Babel territory names for countries."""
        lang = str(locale)[:2]
        if self.is_country:
            try:
                name = Locale.parse(lang).territories.get(self.code)
            except (ValueError, TypeError):
                name = None
            if name:
                return name
        return getattr(self, f"name_{lang}", None) or self.name_en

    @property
    def name(self) -> str:
        """The name in the current request's language."""
        from flask_babel import get_locale

        return self.name_in(str(get_locale() or "en"))

    @property
    def flag(self) -> str:
        """A flag emoji for a country (regional indicator symbols), empty for organizations."""
        if not self.is_country or len(self.code) != 2:
            return ""
        return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in self.code.upper())

    def __repr__(self) -> str:
        return f"<Delegation {self.code}>"


class User(UserMixin, db.Model):
    """An account, always tied to one delegation; created only through an invitation."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.LIAISON.value, index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    is_suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    delegation: Mapped[Delegation] = relationship(back_populates="members", lazy="joined")

    @staticmethod
    def normalize_email(email: str) -> str:
        """Emails are unique and compared case-insensitively: store them casefolded."""
        return (email or "").strip().lower()

    def set_password(self, password: str) -> None:
        """Hash and store a password (scrypt) and end every other session of this account."""
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        """Check a password against the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    # The token of the login this object was loaded for (not a column: see auth/sessions.py).
    session_token = None

    def get_id(self) -> str:
        """"id:session_version:session token": the version changes with the password (every
        session ends), the token names one login, which logging out revokes (see auth/sessions)."""
        token = getattr(self, "session_token", None)
        base = f"{self.id}:{self.session_version or 0}"
        return f"{base}:{token}" if token else base

    @property
    def is_active(self) -> bool:
        """Suspended accounts cannot log in and are logged out on their next request."""
        return not self.is_suspended

    @property
    def role_enum(self) -> Role:
        """The role as an enum member."""
        return Role(self.role)

    @property
    def is_staff(self) -> bool:
        """Admins, moderators and facilitators."""
        return self.role_enum in STAFF_ROLES

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class Invitation(db.Model):
    """A single-use invitation for an email address, a delegation and a role."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16))
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegation.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    locale: Mapped[str] = mapped_column(String(8), default="en")

    delegation: Mapped[Delegation] = relationship(lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_pending(self) -> bool:
        """Neither accepted, revoked nor expired."""
        return (
            self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()
        )

    @property
    def status(self) -> str:
        """One of pending, accepted, revoked, expired."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"


class PasswordReset(db.Model):
    """A single-use password-reset token (stored as a hash), valid for one hour."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One login of an account (the cookie carries its random token, stored here as a hash);
    logging out revokes it, so a copied cookie stops working."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
