"""Cached HTML is invalidated by what changed, not by every change, across nodes sharing a database.

Two application instances on one database stand for two nodes: each has its own in-process
cache, and every write goes through one of them while pages are read through the other.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import select

from forum.auth.sessions import open_session
from forum.caching import fragments
from forum.extensions import db
from forum.models import ContentVersion, Post, Tag, Thread

TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


class Node:
    """One application instance with its own cache, reading and writing the shared database."""

    def __init__(self, config: dict):
        from forum import create_app

        self.app = create_app(config)
        self.store = fragments.store(self.app)

    @contextmanager
    def writing(self):
        """An application context to change data in, as a request of this node would."""
        with self.app.app_context():
            yield
            db.session.remove()

    def client(self, login: str | None = None):
        """A test client, logged in with a session id (`open_session(user)`) when given."""
        client = self.app.test_client()
        if login is not None:
            with client.session_transaction() as session:
                session["_user_id"] = login
                session["_fresh"] = True
        return client

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def nodes(app_config, database_template):
    """Two nodes on the test database, delegations seeded."""
    from forum.models.roster import ensure_delegations

    a, b = Node(app_config), Node(app_config)
    with a.writing():
        ensure_delegations()
    yield a, b
    a.close()
    b.close()


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return TOKEN.sub("", response.get_data(as_text=True))


def _versions() -> dict[str, int]:
    return dict(db.session.execute(select(ContentVersion.scope, ContentVersion.value)).all())


@contextmanager
def _lookups(store):
    """The keys the store was asked for, each with whether it was a hit."""
    seen: list[tuple[tuple, bool]] = []
    original = store.get

    def get(stamp, key):
        value = original(stamp, key)
        seen.append((key, value is not None))
        return value

    store.get = get
    try:
        yield seen
    finally:
        store.get = original


def test_a_reply_to_one_thread_leaves_the_others_cached_on_every_node(nodes):
    a, b = nodes
    with a.writing():
        category = make_category("public")
        author = make_user("liaison", delegation="MX")
        reader = make_user("liaison", delegation="GT")
        first = make_thread(author, category, title="Hilo alfa", body="Primer mensaje alfa")
        second = make_thread(author, category, title="Hilo beta", body="Primer mensaje beta")
        make_post(second, author, body="Respuesta beta uno")
        ids = (first.id, second.id, author.id, open_session(reader))
    first_id, second_id, author_id, reader_id = ids
    url_a, url_b = f"/threads/{first_id}", f"/threads/{second_id}"
    anonymous, member = b.client(), b.client(reader_id)
    pages = {(who, url): _page(client, url) for who, client in (("anon", anonymous), ("member", member))
             for url in (url_a, url_b)}

    with a.writing():  # a reply to the first thread, through the other node
        before = _versions()
        make_post(db.session.get(Thread, first_id), db.session.get(type(reader), author_id),
                  body="Respuesta gamma nueva")
        after = _versions()
    assert after[f"thread:{first_id}"] > before[f"thread:{first_id}"]
    assert after.get(f"thread:{second_id}") == before.get(f"thread:{second_id}")
    assert after.get("all") == before.get("all")

    # the replied thread changes at once on node B, for everyone
    assert "Respuesta gamma nueva" in _page(anonymous, url_a)
    assert "Respuesta gamma nueva" in _page(member, url_a)

    # the other thread: the anonymous page straight from node B's cache...
    hits = b.store.hits
    with _lookups(b.store) as seen:
        assert _page(anonymous, url_b) == pages[("anon", url_b)]
    assert b.store.hits == hits + 1 and [hit for _, hit in seen] == [True]
    # ...and, for a member, every part of the thread (posts, header, sidebar, reply box)
    with _lookups(b.store) as seen:
        assert _page(member, url_b) == pages[("member", url_b)]
    thread_parts = [(key, hit) for key, hit in seen if key[0] != "value" or key[1] == "thread-facts"]
    assert thread_parts and all(hit for _, hit in thread_parts), thread_parts
    assert sum(1 for key, _ in seen if key[1] == "post") >= 2, seen


def test_hidden_posts_never_leak_through_another_nodes_cache(nodes):
    a, b = nodes
    with a.writing():
        thread = make_thread(make_user(), make_category("public"))
        post = make_post(thread, body="Dato confidencial zorzal")
        moderator, liaison = make_user("moderator"), make_user("liaison")
        thread_id, post_id, moderator_id, liaison_id = thread.id, post.id, open_session(moderator), open_session(liaison)
    url = f"/threads/{thread_id}"
    readers = {"anon": b.client(), "liaison": b.client(liaison_id), "moderator": b.client(moderator_id)}
    for client in readers.values():
        assert "zorzal" in _page(client, url)
    with a.writing():
        db.session.get(Post, post_id).is_hidden = True
        db.session.commit()
    assert "zorzal" not in _page(readers["anon"], url)
    assert "zorzal" not in _page(readers["liaison"], url)
    assert "zorzal" in _page(readers["moderator"], url)  # moderators still read it


def test_category_and_visibility_changes_reach_every_page_they_affect(nodes):
    a, b = nodes
    with a.writing():
        category = make_category("public")
        other = make_category("public")
        author = make_user("liaison", delegation="MX")
        thread = make_thread(author, category, title="Hilo delta")
        elsewhere = make_thread(author, other, title="Hilo épsilon")
        ids = (category.id, category.slug, thread.id, elsewhere.id)
    category_id, slug, thread_id, elsewhere_id = ids
    anonymous = b.client()
    urls = [f"/threads/{thread_id}", f"/categories/{slug}", "/categories", "/"]
    for url in urls:
        assert "Hilo delta" in _page(anonymous, url)

    with a.writing():  # the category becomes members-only
        db.session.get(type(category), category_id).visibility = "members"
        db.session.commit()
    assert anonymous.get(f"/threads/{thread_id}").status_code in (302, 404)
    assert anonymous.get(f"/categories/{slug}").status_code == 302
    for url in ("/categories", "/"):
        assert "Hilo delta" not in _page(anonymous, url)

    # a renamed category shows at once on the pages of its threads, even ones not replied to
    other_url = f"/threads/{elsewhere_id}"
    _page(anonymous, other_url)
    with a.writing():
        thread_other = db.session.get(Thread, elsewhere_id)
        for language in ("en", "es", "fr"):
            setattr(thread_other.category, f"name_{language}", "Categoría renombrada")
        db.session.commit()
    assert "Categoría renombrada" in _page(anonymous, other_url)


def test_moving_hiding_and_relabelling_invalidate_what_shows_them(nodes):
    a, b = nodes
    with a.writing():
        category = make_category("public")
        author = make_user("liaison", delegation="MX")
        thread = make_thread(author, category, title="Hilo zeta", tags=["registro civil"])
        # a second visible thread keeps the tag page there once the first is hidden (a tag
        # used only in hidden threads is not found)
        make_thread(author, category, title="Hilo eta", tags=["registro civil"])
        tag = thread.tags[0]
        ids = (thread.id, tag.id, tag.slug, category.slug)
    thread_id, tag_id, tag_slug, slug = ids
    anonymous = b.client()
    assert "Hilo zeta" in _page(anonymous, f"/tags/{tag_slug}")
    assert "Hilo zeta" in _page(anonymous, f"/categories/{slug}")
    _page(anonymous, f"/threads/{thread_id}")
    with a.writing():  # new labels show on the thread's page at once
        tag = db.session.get(Tag, tag_id)
        for attribute in ("label_en", "label_es", "label_fr"):
            if hasattr(tag, attribute):
                setattr(tag, attribute, "Registro renombrado")
        db.session.commit()
    assert "Registro renombrado" in _page(anonymous, f"/threads/{thread_id}")
    with a.writing():  # a thread moved to another category leaves the first one's page at once
        target = make_category("public")
        target_slug = target.slug
        _page(anonymous, f"/categories/{target_slug}")
        db.session.get(Thread, thread_id).category_id = target.id
        db.session.commit()
    assert "Hilo zeta" not in _page(anonymous, f"/categories/{slug}")
    assert "Hilo zeta" in _page(anonymous, f"/categories/{target_slug}")
    slug = target_slug
    with a.writing():  # a hidden thread leaves every list at once
        db.session.get(Thread, thread_id).is_hidden = True
        db.session.commit()
    assert "Hilo zeta" not in _page(anonymous, f"/tags/{tag_slug}")
    assert "Hilo zeta" not in _page(anonymous, f"/categories/{slug}")
    assert anonymous.get(f"/threads/{thread_id}").status_code == 404


def test_a_reply_moves_its_threads_lists_and_nothing_else(app):
    category = make_category("public")
    other = make_category("public")
    thread = make_thread(make_user(), category, tags=["pasaportes"])
    untouched = make_thread(make_user(), other, tags=["visados"])
    before = _versions()
    make_post(thread, body="Una respuesta")
    after = _versions()
    moved = {scope for scope in after if after[scope] != before.get(scope)}
    tag_ids = [t.id for t in thread.tags]
    assert moved == {"activity", f"thread:{thread.id}", f"category:{category.id}",
                     *(f"tag:{t}" for t in tag_ids)}
    assert f"thread:{untouched.id}" not in moved and f"category:{other.id}" not in moved


def test_bookkeeping_and_logins_move_nothing(app):
    user = make_user()
    before = _versions()
    user.last_login_at = user.created_at
    user.locale = "fr"
    db.session.commit()
    assert _versions() == before
