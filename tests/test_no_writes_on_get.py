"""Reading a page changes nothing: no GET request writes a row of content or state.

Every GET route without parameters, and the main pages of a thread, a post, a practice, a tag,
a category and a country, are opened by each kind of reader on the demo data while the SQL
statements are recorded. Only the search index's own bookkeeping (applying the change log after
the response) may write.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from forum.extensions import db
from forum.models import Category, Practice, Tag, Thread, User

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b[^;]*?\b(?:INTO|FROM)?\s*\"?(\w+)", re.I)
# The index applier records how far it got; that is bookkeeping of a derived store.
BOOKKEEPING = {"search_consumer", "search_change"}
READERS = (None, "liaison.mx@demo.example", "observer@demo.example",
           "facilitator@demo.example", "moderator@demo.example", "admin@demo.example")


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return app


def _urls(app) -> list[str]:
    plain = sorted(
        rule.rule for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/static")
    )
    thread = db.session.scalar(select(Thread).where(Thread.is_hidden.is_(False)).limit(1))
    practice = db.session.scalar(select(Practice).where(Practice.status == "published").limit(1))
    tag = db.session.scalar(select(Tag).limit(1))
    category = db.session.scalar(select(Category).limit(1))
    return plain + [
        f"/threads/{thread.id}", f"/posts/{thread.posts[0].id}", f"/practices/{practice.id}",
        f"/tags/{tag.slug}", f"/categories/{category.slug}", "/countries/MX",
        "/practices/new", "/search?q=migrantes",
    ]


def test_no_get_request_writes(seeded, client, login_as):
    writes: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        match = WRITE.match(statement)
        if match and match.group(2).lower() not in BOOKKEEPING:
            writes.append(statement.split("\n")[0][:120])

    urls = _urls(seeded)
    users = {u.email: u for u in db.session.scalars(select(User))}
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = {}
        for email in READERS:
            login_as(users[email] if email else None)
            for url in urls:
                writes.clear()
                response = client.get(url)
                response.close()
                assert response.status_code < 500, (email, url)
                if writes:
                    found[(email, url)] = list(writes)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert found == {}
