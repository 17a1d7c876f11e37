"""The list and thread pages run a constant number of SQL statements, whatever their size."""

from __future__ import annotations

import contextlib
import re

from factories import make_category, make_post, make_thread, make_user
from flask import g
from sqlalchemy import event

from forum.caching import fragments
from forum.extensions import db
from forum.models import User

MAX_STATEMENTS = 10


@contextlib.contextmanager
def count_statements():
    """Count the statements sent to the database inside the block."""
    counter = {"n": 0}

    def before_cursor_execute(*_args, **_kwargs):
        counter["n"] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def _authors(n):
    codes = ["MX", "GT", "SV", "HN", "CR", "PA", "US", "CA", "DO", "BZ", "NI"]
    return [make_user("liaison", delegation=codes[i % len(codes)]) for i in range(n)]


def _fill_category(category, threads, authors):
    for i in range(threads):
        thread = make_thread(authors[i % len(authors)], category, tags=[f"topic {i % 5}", f"area {i % 3}"])
        make_post(thread, authors[(i + 1) % len(authors)])


def _fill_thread(thread, posts, authors):
    for i in range(posts):
        make_post(thread, authors[i % len(authors)], body=f"Reply {i} with **markdown**")


def _get(client, url) -> int:
    """Statements of a request on the cold path: nothing in the rendered-HTML cache."""
    fragments.store().clear()
    db.session.expunge_all()
    g.pop("_login_user", None)  # as in a fresh request: the reader is loaded again
    with count_statements() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    cold = counter["n"]
    db.session.expunge_all()
    g.pop("_login_user", None)
    with count_statements() as counter:
        again = client.get(url)
    assert again.get_data(as_text=True) == response.get_data(as_text=True).replace(
        _csrf(response), _csrf(again)), "the cached page differs from the rendered one"
    assert counter["n"] <= cold
    return cold


def _csrf(response) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    return match.group(1) if match else "-"


def test_category_page_statement_count_is_constant(client, login_as):
    reader = make_user("liaison")
    authors = _authors(8)
    small, large = make_category("members"), make_category("members")
    _fill_category(small, 2, authors[:2])
    _fill_category(large, 18, authors)
    urls = [f"/categories/{small.slug}", f"/categories/{large.slug}"]
    login_as(reader)
    few, many = (_get(client, url) for url in urls)
    assert few == many
    assert many <= MAX_STATEMENTS


def test_thread_page_statement_count_is_constant(client, login_as):
    reader = make_user("moderator")
    authors = _authors(10)
    small = make_thread(authors[0], make_category("members"), tags=["a", "b"])
    large = make_thread(authors[1], small.category, tags=["a", "b", "c", "d"])
    _fill_thread(small, 2, authors[:2])
    _fill_thread(large, 24, authors)
    from forum.board.services import delete_post, edit_post

    post = large.posts[3]
    edit_post(post.author, post, "Edited text")
    delete_post(reader, large.posts[5])
    urls = [f"/threads/{small.id}", f"/threads/{large.id}"]
    login_as(reader)
    few, many = (_get(client, url) for url in urls)
    assert few == many
    assert many <= MAX_STATEMENTS


def test_categories_home_and_tag_pages_statement_count_is_constant(client, login_as):
    reader = make_user("liaison")
    authors = _authors(6)
    first = make_category("members")
    _fill_category(first, 2, authors[:2])
    author_ids = [a.id for a in authors]
    login_as(reader)
    counts_before = [_get(client, url) for url in ("/categories", "/", "/tags/", "/tags/topic-0")]
    authors = [db.session.get(User, i) for i in author_ids]
    for _ in range(3):
        _fill_category(make_category("members"), 6, authors)
    counts_after = [_get(client, url) for url in ("/categories", "/", "/tags/", "/tags/topic-0")]
    assert counts_before == counts_after
    assert max(counts_after) <= MAX_STATEMENTS
