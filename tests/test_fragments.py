"""The rendered-HTML cache: never stale, never shared across kinds of readers or sessions."""

from __future__ import annotations

import re

import pytest
from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import insert, select

from forum.caching import fragments
from forum.extensions import db
from forum.models import ContentVersion, Post, SearchChange, Thread


def _generation() -> int:
    """The version every content change moves (the former single content generation)."""
    return db.session.scalar(
        select(ContentVersion.value).where(ContentVersion.scope == "activity")) or 0


TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def _same_page(a: str, b: str) -> bool:
    """Equal but for the CSRF token, whose signature carries the current second."""
    return TOKEN.sub("", a) == TOKEN.sub("", b)


def _page(client, url: str, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_content_commits_move_the_generation_and_bookkeeping_does_not(app):
    start = _generation()
    thread = make_thread()
    after_thread = _generation()
    assert after_thread > start
    db.session.execute(insert(SearchChange).values(kind="thread", obj_id=thread.id))
    db.session.commit()
    assert _generation() == after_thread  # the search change log is not shown on any page
    db.session.rollback()
    thread.title = "Renamed"
    db.session.rollback()  # a rolled-back change moves nothing
    assert _generation() == after_thread
    db.session.execute(
        Thread.__table__.update().where(Thread.id == thread.id).values(title="Bulk renamed"))
    db.session.commit()  # a bulk statement moves it too
    assert _generation() > after_thread


def test_anonymous_pages_come_from_the_cache_until_content_changes(app, client):
    thread = make_thread(make_user(), make_category("public"), title="Registro consular")
    url = f"/threads/{thread.id}"
    first = _page(client, url)
    assert fragments.store().hits == 0
    assert _same_page(_page(client, url), first)
    assert fragments.store().hits >= 1  # served from the cache
    make_post(thread, body="Nueva respuesta sobre trabajadores temporales")
    assert "trabajadores temporales" in _page(client, url)  # at once, not after a delay


def test_cached_pages_carry_each_session_its_own_csrf_token(app_config, database_template):
    from forum import create_app
    from forum.models.roster import ensure_delegations

    app = create_app(app_config | {"WTF_CSRF_ENABLED": True})
    with app.app_context():
        ensure_delegations()
        make_thread(make_user(), make_category("public"))
        db.session.remove()
    tokens = []  # requests outside any app context: each has its own `g`, as in production
    for _ in range(2):
        client = app.test_client()
        page = _page(client, "/")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert fragments.PLACEHOLDER not in page
        tokens.append(token)
        # the language switcher of the (cached) page works for this visitor
        response = client.post("/language", data={"csrf_token": token, "lang": "fr", "next": "/"})
        assert response.status_code == 302
        assert 'lang="fr"' in _page(client, "/")
    assert tokens[0] != tokens[1]
    assert fragments.store(app).hits >= 1
    with app.app_context():
        db.engine.dispose()


def test_languages_are_cached_apart(app, client):
    make_thread(make_user(), make_category("public"))
    english = _page(client, "/categories", **{"Accept-Language": "en"})
    spanish = _page(client, "/categories", **{"Accept-Language": "es"})
    assert 'lang="en"' in english and 'lang="es"' in spanish


def test_post_controls_are_cached_per_kind_of_reader(app, client, login_as):
    category = make_category("members")
    author = make_user("liaison", delegation="MX")
    thread = make_thread(author, category)
    post = make_post(thread, author, body="Texto del autor")
    url = f"/threads/{thread.id}"
    edit = f"/posts/{post.id}/edit"
    hide = f"/moderation/post/{post.id}/hide"

    login_as(make_user("moderator"))
    assert hide in _page(client, url)
    login_as(author)
    page = _page(client, url)
    assert edit in page and hide not in page
    login_as(make_user("liaison", delegation="MX"))  # same kind of reader, not the author
    page = _page(client, url)
    assert edit not in page and hide not in page
    login_as(author)
    assert edit in _page(client, url)


def test_hidden_content_never_leaks_through_the_cache(app, client, login_as):
    category = make_category("public")
    thread = make_thread(make_user(), category)
    make_post(thread, body="Dato confidencial zorzal")
    url = f"/threads/{thread.id}"
    login_as(make_user("moderator"))
    assert "zorzal" in _page(client, url)
    post = db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == 2))
    post.is_hidden = True
    db.session.commit()
    login_as(make_user("moderator"))
    assert "zorzal" in _page(client, url)  # moderators still read it
    login_as(None)
    assert "zorzal" not in _page(client, url)
    login_as(make_user("liaison"))
    assert "zorzal" not in _page(client, url)


def test_flashed_messages_are_not_cached(app, client):
    category = make_category("members")
    response = client.get(f"/categories/{category.slug}")
    assert response.status_code == 302  # log in first, with a message
    login_page = _page(client, response.headers["Location"])
    assert "flash" in login_page or "notice" in login_page
    public = make_category("public")
    first = _page(client, f"/categories/{public.slug}")
    assert _same_page(_page(client, f"/categories/{public.slug}"), first)


@pytest.mark.parametrize("size", [0])
def test_the_cache_can_be_turned_off(app_config, database_template, size):
    from forum import create_app
    from forum.models.roster import ensure_delegations

    app = create_app(app_config | {"FRAGMENT_CACHE_BYTES": size})
    with app.app_context():
        ensure_delegations()
        url = f"/threads/{make_thread(make_user(), make_category('public')).id}"
        db.session.remove()
    client = app.test_client()
    first, second = _page(client, url), _page(client, url)
    assert _same_page(first, second)
    assert fragments.store(app).hits == 0 and not fragments.store(app).entries
    with app.app_context():
        db.engine.dispose()


def test_the_store_stays_within_its_budget():
    store = fragments.FragmentStore(max_bytes=50_000)
    for n in range(100):
        store.put((1, "day"), ("k", n), "x" * 1000)
    assert store.size <= 50_000 and len(store.entries) < 100
    assert store.get((1, "day"), ("k", 99)) is not None  # the newest stay
    assert store.get((1, "day"), ("k", 0)) is None  # the oldest went first
    store.put((2, "day"), ("k", 1), "y")
    assert store.get((1, "day"), ("k", 1)) is None  # a newer version replaces the older entry
    assert store.get((2, "day"), ("k", 99)) is None  # nothing made under an older one is served
