"""make_* factories with good defaults; each commits so the object is ready to use."""

from __future__ import annotations

import itertools

from forum.extensions import db
from forum.models import Category, Post, Role, Thread, User
from forum.models.roster import delegation_by_code

PASSWORD = "correct horse battery"
_seq = itertools.count(1)

ROLE_DELEGATION = {
    "admin": "IOM",
    "moderator": "CR",
    "facilitator": "UNHCR",
    "liaison": "MX",
    "observer": "RNCOM",
}


def make_user(role: str | Role = "liaison", *, delegation: str | None = None, email: str | None = None,
              display_name: str | None = None, password: str = PASSWORD, suspended: bool = False,
              locale: str | None = None) -> User:
    """A user of a role, in a sensible delegation for that role."""
    role = Role(role).value
    n = next(_seq)
    user = User(
        email=User.normalize_email(email or f"{role}{n}@example.org"),
        display_name=display_name or f"{role.title()} {n}",
        role=role,
        delegation=delegation_by_code(delegation or ROLE_DELEGATION[role]),
        is_suspended=suspended,
        locale=locale,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_category(visibility: str = "public", *, observers_may_reply: bool = False,
                  name: str | None = None, position: int | None = None) -> Category:
    """A category with names in three languages."""
    n = next(_seq)
    name = name or f"Category {n}"
    category = Category(
        slug=f"category-{n}",
        name_en=name,
        name_es=f"{name} (es)",
        name_fr=f"{name} (fr)",
        description_en=f"About {name}.",
        description_es=f"Sobre {name}.",
        description_fr=f"À propos de {name}.",
        position=position if position is not None else n,
        visibility=visibility,
        observers_may_reply=observers_may_reply,
    )
    db.session.add(category)
    db.session.commit()
    return category


def make_thread(author: User | None = None, category: Category | None = None, *,
                title: str | None = None, body: str = "First post of the thread.",
                language: str = "en", tags: list[str] | None = None, **fields) -> Thread:
    """A thread with its first post, created through the board services.

    Extra `fields` (is_pinned, is_locked, is_hidden, ...) are set on the thread afterwards.
    """
    from forum.board.services import create_thread

    author = author or make_user()
    category = category or make_category()
    thread = create_thread(author, category, title or f"Thread {next(_seq)}", body, language,
                           tags or [])
    if fields:
        for name, value in fields.items():
            setattr(thread, name, value)
        db.session.commit()
    return thread


def make_post(thread: Thread, author: User | None = None, *, body: str = "A reply.",
              language: str = "en", **fields) -> Post:
    """A reply at the end of a thread, through the board services; extra `fields` are set after."""
    from forum.board.services import reply

    author = author or make_user()
    post = reply(author, thread, body, language)
    if fields:
        for name, value in fields.items():
            setattr(post, name, value)
        db.session.commit()
    return post
