"""Threads and posts through the browser-facing routes: reading, posting, quoting, editing."""

from __future__ import annotations

from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, Revision, Tag, Thread


def text(response) -> str:
    return response.get_data(as_text=True)


def test_category_index_shows_counts_and_latest(client, login_as):
    category = make_category("public", name="Consular records")
    thread = make_thread(category=category, title="How do you record cases?")
    make_post(thread)
    page = text(client.get("/categories"))
    assert "Consular records" in page
    assert "How do you record cases?" in page
    category = db.session.get(type(category), category.id)
    assert (category.thread_count, category.post_count) == (1, 2)


def test_category_page_pinned_first_then_latest(client):
    category = make_category("public")
    old = make_thread(category=category, title="Old pinned", is_pinned=True)
    make_thread(category=category, title="Middle")
    newest = make_thread(category=category, title="Newest")
    make_post(newest)
    page = text(client.get(f"/categories/{category.slug}"))
    assert page.index("Old pinned") < page.index("Newest") < page.index("Middle")
    assert old.is_pinned


def test_thread_page_shows_posts_with_author_delegation_language_and_anchor(client):
    author = make_user("liaison", delegation="GT", display_name="Carlos Méndez")
    thread = make_thread(author, make_category("public"), title="Registro", body="**Hola**",
                         language="es")
    post = thread_posts(thread)[0]
    page = text(client.get(f"/threads/{thread.id}", headers={"Accept-Language": "en"}))
    assert "Carlos Méndez" in page
    assert "Guatemala" in page
    assert f'id="post-{post.id}"' in page
    assert "<strong>Hola</strong>" in page
    assert 'lang="es"' in page and ">es</abbr>" in page


def thread_posts(thread):
    return list(db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.number)))


def test_thread_pagination_and_post_link(client, app):
    thread = make_thread(category=make_category("public"))
    posts = [make_post(thread, body=f"reply number {n}") for n in range(30)]
    first = text(client.get(f"/threads/{thread.id}"))
    assert "reply number 23" in first and "reply number 24" not in first
    second = text(client.get(f"/threads/{thread.id}?page=2"))
    assert "reply number 24" in second and "reply number 29" in second
    response = client.get(f"/posts/{posts[-1].id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/threads/{thread.id}?page=2#post-{posts[-1].id}")
    response = client.get(f"/posts/{posts[0].id}")
    assert response.headers["Location"].endswith(f"/threads/{thread.id}#post-{posts[0].id}")


def test_bad_page_numbers(client):
    thread = make_thread(category=make_category("public"))
    for bad in ("abc", "0", "-1", "1.5", "99999999999"):
        response = client.get(f"/threads/{thread.id}?page={bad}")
        assert response.status_code == 400, bad
        assert "whole number" in text(response)
    response = client.get(f"/threads/{thread.id}?page=3")
    assert response.status_code == 404
    assert "the last page is 1" in text(response)
    category = thread.category
    assert client.get(f"/categories/{category.slug}?page=x").status_code == 400
    assert client.get(f"/categories/{category.slug}?page=7").status_code == 404


def test_bad_page_message_is_translated(client):
    thread = make_thread(category=make_category("public"))
    response = client.get(f"/threads/{thread.id}?page=zz", headers={"Accept-Language": "es"})
    assert response.status_code == 400
    assert "número de página" in text(response)


def test_start_thread_end_to_end(client, login_as):
    user = login_as(make_user("liaison"))
    category = make_category("members")
    response = client.get(f"/new?category={category.slug}")
    assert response.status_code == 200
    response = client.post("/new", data={
        "category": category.slug, "title": "  Emergency registration  ",
        "tags": "emergencias, registro de viajeros", "language": "es",
        "body": "Usamos un *formulario* en línea.", "submit": "1",
    })
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread).where(Thread.title == "Emergency registration"))
    assert thread.author_id == user.id and thread.language == "es"
    assert sorted(t.label_es for t in thread.tags) == ["emergencias", "registro de viajeros"]
    post = thread_posts(thread)[0]
    assert post.body_html == "<p>Usamos un <em>formulario</em> en línea.</p>\n"
    page = text(client.get(response.headers["Location"]))
    assert "Emergency registration" in page


def test_new_thread_preview_keeps_text_and_stores_nothing(client, login_as):
    login_as(make_user("liaison"))
    category = make_category("members")
    response = client.post("/new", data={
        "category": category.slug, "title": "Draft", "language": "en",
        "body": "| a | b |\n|---|---|\n| 1 | 2 |", "tags": "drafts", "preview": "1",
    })
    assert response.status_code == 200
    page = text(response)
    assert "<table>" in page
    assert "| a | b |" in page  # the text stays in the textarea
    assert 'value="Draft"' in page
    assert db.session.scalar(select(func.count(Thread.id))) == 0
    assert db.session.scalar(select(func.count(Tag.id))) == 0


def test_new_thread_bad_input_keeps_text_and_stores_nothing(client, login_as):
    login_as(make_user("liaison"))
    category = make_category("members")
    cases = [
        ({"title": "   "}, "Please give the thread a title."),
        ({"title": "x" * 201}, "The title is too long"),
        ({"body": " \n\t "}, "Please write a message."),
        ({"body": "y" * 100_001}, "The message is too long"),
        ({"tags": "ok, ¡¿...?!"}, "is not a tag"),
        ({"category": "no-such-category"}, "This category does not exist or you cannot post in it."),
    ]
    for change, message in cases:
        data = {"category": category.slug, "title": "A good title", "language": "en",
                "body": "Kept body text", "tags": "kept tag", "submit": "1"} | change
        response = client.post("/new", data=data)
        assert response.status_code == 422, change
        page = text(response)
        assert message in page, change
        if "body" not in change:
            assert "Kept body text" in page
    assert db.session.scalar(select(func.count(Thread.id))) == 0
    assert db.session.scalar(select(func.count(Post.id))) == 0
    assert db.session.scalar(select(func.count(Tag.id))) == 0


def test_new_thread_in_unreadable_category_is_refused(client, login_as):
    login_as(make_user("liaison"))
    make_category("members")
    staff = make_category("staff")
    response = client.get(f"/new?category={staff.slug}")
    assert response.status_code == 404
    response = client.post("/new", data={"category": staff.slug, "title": "T", "body": "B",
                                         "language": "en", "submit": "1"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_observer_cannot_start_threads(client, login_as):
    login_as(make_user("observer"))
    make_category("members")
    response = client.get("/new")
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client):
    category = make_category("members")
    thread = make_thread(category=category)
    for url in ("/new", f"/categories/{category.slug}", f"/threads/{thread.id}"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/auth/login" in response.headers["Location"]


def test_reply_and_counters(client, login_as):
    thread = make_thread(category=make_category("members"))
    user = login_as(make_user("liaison", delegation="HN"))
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Nuestra experiencia", "language": "es", "submit": "1"})
    assert response.status_code == 302
    post = thread_posts(thread)[-1]
    assert (post.number, post.author_id, post.language) == (2, user.id, "es")
    db.session.refresh(thread)
    assert thread.post_count == 2
    assert thread.category.post_count == 2 and thread.category.thread_count == 1
    assert thread.last_post_at == post.created_at


def test_reply_bad_input(client, login_as):
    thread = make_thread(category=make_category("members"))
    login_as(make_user("liaison"))
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "   ", "language": "en", "submit": "1"})
    assert response.status_code == 422
    assert "Please write a message." in text(response)
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "z" * 100_001, "language": "en", "submit": "1"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_reply_preview_without_javascript(client, login_as):
    thread = make_thread(category=make_category("members"))
    login_as(make_user("liaison"))
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "# Title\n\n- one\n- two", "language": "en", "preview": "1"})
    assert response.status_code == 200
    page = text(response)
    assert "<h3>Title</h3>" in page and "<li>one</li>" in page
    assert "# Title" in page
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_quote_prefills_reply_with_attribution(client, login_as):
    author = make_user("liaison", display_name="Lucía Hernández")
    thread = make_thread(author, make_category("members"), body="Line one\nLine two")
    post = thread_posts(thread)[0]
    login_as(make_user("liaison"))
    response = client.get(f"/threads/{thread.id}/reply?quote={post.id}")
    assert response.status_code == 200
    page = text(response)
    assert "&gt; **Lucía Hernández wrote:**" in page
    assert "&gt; Line one\n&gt; Line two" in page
    other = make_thread(category=thread.category)
    assert client.get(f"/threads/{other.id}/reply?quote={post.id}").status_code == 404


def test_reply_to_locked_thread(client, login_as):
    thread = make_thread(category=make_category("members"), is_locked=True)
    login_as(make_user("liaison"))
    page = text(client.get(f"/threads/{thread.id}"))
    assert "This thread is locked" in page
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "My careful reply", "language": "en", "submit": "1"})
    assert response.status_code == 403
    assert "My careful reply" in text(response)
    assert "locked" in text(response)
    login_as(make_user("moderator"))
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Moderator note", "language": "en", "submit": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Post.id))) == 2


def test_reply_to_hidden_thread(client, login_as):
    thread = make_thread(category=make_category("members"), is_hidden=True)
    login_as(make_user("liaison"))
    assert client.get(f"/threads/{thread.id}").status_code == 404
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Typed before it was hidden", "language": "en", "submit": "1"})
    assert response.status_code == 404
    assert "Typed before it was hidden" in text(response)
    assert db.session.scalar(select(func.count(Post.id))) == 1


def test_observer_replies_only_in_open_consultation(client, login_as):
    closed = make_thread(category=make_category("members"))
    open_ = make_thread(category=make_category("members", observers_may_reply=True))
    login_as(make_user("observer"))
    page = text(client.get(f"/threads/{closed.id}"))
    assert "Observers can reply only in open consultation categories" in page
    response = client.post(f"/threads/{closed.id}/reply",
                           data={"body": "Civil society view", "language": "es", "submit": "1"})
    assert response.status_code == 403
    response = client.post(f"/threads/{open_.id}/reply",
                           data={"body": "Civil society view", "language": "es", "submit": "1"})
    assert response.status_code == 302


def test_edit_own_post_keeps_revision_and_shows_diff(client, login_as):
    author = make_user("liaison")
    thread = make_thread(author, make_category("members"), title="Old title", body="We use paper forms.",
                         tags=["registro"])
    post = thread_posts(thread)[0]
    login_as(author)
    response = client.post(f"/posts/{post.id}/edit", data={
        "title": "New title", "tags": "registro, paper", "body": "We use electronic forms.",
        "language": "en", "submit": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert post.body == "We use electronic forms." and post.edited_at is not None
    assert post.thread.title == "New title"
    assert {t.slug for t in post.thread.tags} == {"registro", "paper"}
    revision = db.session.scalar(select(Revision))
    assert (revision.body, revision.title, revision.editor_id) == ("We use paper forms.", "Old title", author.id)
    page = text(client.get(f"/threads/{thread.id}"))
    assert f"/posts/{post.id}/revisions" in page and "edited" in page
    history = text(client.get(f"/posts/{post.id}/revisions"))
    assert "<del>paper</del><ins>electronic</ins>" in history
    assert "<del>Old</del><ins>New</ins>" in history


def test_revisions_only_for_author_and_moderators(client, login_as):
    author = make_user("liaison")
    thread = make_thread(author, make_category("members"))
    post = thread_posts(thread)[0]
    from forum.board.services import edit_post

    edit_post(author, post, "Changed")
    login_as(make_user("liaison"))
    assert client.get(f"/posts/{post.id}/revisions").status_code == 403
    page = text(client.get(f"/threads/{thread.id}"))
    assert f"/posts/{post.id}/revisions" not in page
    login_as(make_user("moderator"))
    assert client.get(f"/posts/{post.id}/revisions").status_code == 200


def test_editing_someone_elses_post_is_refused(client, login_as):
    thread = make_thread(category=make_category("members"), body="Original")
    post = thread_posts(thread)[0]
    login_as(make_user("liaison"))
    response = client.post(f"/posts/{post.id}/edit",
                           data={"title": "Hijack", "body": "My replacement text", "language": "en", "submit": "1"})
    assert response.status_code == 403
    assert "You can only edit your own posts." in text(response)
    assert "My replacement text" in text(response)
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Original"
    assert db.session.scalar(select(func.count(Revision.id))) == 0


def test_moderator_edit_is_audited(client, login_as):
    from forum.models import AuditEvent

    thread = make_thread(category=make_category("members"), body="Original")
    reply_post = make_post(thread, body="A reply")
    login_as(make_user("moderator"))
    response = client.post(f"/posts/{reply_post.id}/edit", data={"body": "Tidied", "language": "en", "submit": "1"})
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "post.edit" and event.target_id == reply_post.id


def test_soft_delete_keeps_place_and_moderators_see_text(client, login_as):
    author = make_user("liaison")
    thread = make_thread(author, make_category("members"))
    post = make_post(thread, author, body="Secret details")
    make_post(thread, body="Later reply")
    login_as(author)
    assert client.get(f"/posts/{post.id}/delete").status_code == 200
    response = client.post(f"/posts/{post.id}/delete", data={"submit": "1"})
    assert response.status_code == 302
    page = text(client.get(f"/threads/{thread.id}"))
    assert "This post was deleted." in page and "Secret details" not in page
    assert f'id="post-{post.id}"' in page
    assert page.index(f'id="post-{post.id}"') < page.index("Later reply")
    login_as(make_user("moderator"))
    assert "Secret details" in text(client.get(f"/threads/{thread.id}"))
    login_as(make_user("liaison"))
    assert client.post(f"/posts/{post.id}/delete", data={"submit": "1"}).status_code in (403, 409)


def test_deleting_someone_elses_post_is_refused(client, login_as):
    thread = make_thread(category=make_category("members"))
    post = thread_posts(thread)[0]
    login_as(make_user("liaison"))
    assert client.post(f"/posts/{post.id}/delete", data={"submit": "1"}).status_code == 403
    db.session.expire_all()
    assert not db.session.get(Post, post.id).is_deleted


def test_live_preview_endpoint(client, login_as):
    assert client.post("/preview", json={"body": "x"}).status_code == 401
    login_as(make_user("liaison"))
    response = client.post("/preview", json={"body": "**bold** <script>alert(1)</script>"})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>bold</strong>" in html and "<script" not in html
    assert client.post("/preview", json={"body": "x" * 100_001}).status_code == 422
    assert client.post("/preview", data="nonsense").status_code == 400


def test_live_preview_requires_csrf(app, client, login_as):
    app.config["WTF_CSRF_ENABLED"] = True
    login_as(make_user("liaison"))
    response = client.post("/preview", json={"body": "x"})
    assert response.status_code == 400


def test_home_page_lists_latest_visible_threads(client, login_as):
    make_thread(category=make_category("public"), title="Public discussion")
    make_thread(category=make_category("governments"), title="Government only")
    page = text(client.get("/"))
    assert "Public discussion" in page and "Government only" not in page
    login_as(make_user("liaison"))
    page = text(client.get("/"))
    assert "Public discussion" in page and "Government only" in page


def test_nav_shows_new_thread_only_to_posters(client, login_as):
    assert "/new" not in text(client.get("/"))
    login_as(make_user("observer"))
    assert 'href="/new"' not in text(client.get("/"))
    login_as(make_user("liaison"))
    assert 'href="/new"' in text(client.get("/"))


def test_failed_thread_creation_leaves_nothing(app, monkeypatch):
    import pytest

    from forum.board import services
    from forum.models import Category

    category = make_category("members")
    author = make_user("liaison")

    def broken(_text):
        raise RuntimeError("renderer failure")

    monkeypatch.setattr(services, "render_markdown", broken)
    with pytest.raises(RuntimeError):
        services.create_thread(author, category, "Title", "Body", "en", ["a brand new tag"])
    assert db.session.scalar(select(func.count(Thread.id))) == 0
    assert db.session.scalar(select(func.count(Post.id))) == 0
    assert db.session.scalar(select(func.count(Tag.id))) == 0
    category = db.session.get(Category, category.id)
    assert (category.thread_count, category.post_count) == (0, 0)


def test_edit_first_post_bad_title_keeps_text(client, login_as):
    author = make_user("liaison")
    thread = make_thread(author, make_category("members"), title="Original title", body="Original body")
    post = thread_posts(thread)[0]
    login_as(author)
    for title, message in (("  ", "Please give the thread a title."), ("t" * 201, "The title is too long")):
        response = client.post(f"/posts/{post.id}/edit", data={
            "title": title, "tags": "", "body": "New body I typed", "language": "en", "submit": "1"})
        assert response.status_code == 422
        page = text(response)
        assert message in page and "New body I typed" in page
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Original body"
    assert db.session.get(Thread, thread.id).title == "Original title"


def test_edit_preview_stores_nothing(client, login_as):
    author = make_user("liaison")
    thread = make_thread(author, make_category("members"), body="Original body")
    post = make_post(thread, author, body="Reply body")
    login_as(author)
    response = client.post(f"/posts/{post.id}/edit", data={
        "body": "*Changed*", "language": "en", "preview": "1"})
    assert response.status_code == 200
    assert "<em>Changed</em>" in text(response)
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Reply body"
    assert db.session.scalar(select(func.count(Revision.id))) == 0


def test_unknown_thread_and_post(client, login_as):
    login_as(make_user("liaison"))
    for url in ("/threads/999", "/posts/999", "/posts/999/edit", "/posts/999/revisions",
                "/threads/999/reply", "/categories/nope"):
        assert client.get(url).status_code == 404, url


def test_reading_unreadable_category_is_forbidden(client, login_as):
    staff = make_category("staff")
    thread = make_thread(make_user("moderator"), staff)
    login_as(make_user("liaison"))
    assert client.get(f"/categories/{staff.slug}").status_code == 403
    # 404 (was 403): a thread of a category the reader cannot read is not revealed to exist
    for url in (f"/threads/{thread.id}", f"/posts/{thread.posts[0].id}", "/threads/999999"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "This thread does not exist" in text(response), url
    assert staff.name not in text(client.get("/categories"))


def test_word_diff_restores_both_versions():
    from forum.board.texts import word_diff

    old = "We record cases in\n- paper forms;\n- a spreadsheet."
    new = "We record all cases in\n- an online system;\n- a spreadsheet, weekly."
    pieces = word_diff(old, new)
    assert "".join(t for op, t in pieces if op != "insert") == old
    assert "".join(t for op, t in pieces if op != "delete") == new
    assert ("insert", "all") in [(op, t.strip()) for op, t in pieces]


def test_extension_points_are_included(app, client, login_as):
    """Other features plug into the thread, new-thread and home pages by creating templates."""
    from jinja2 import ChoiceLoader, DictLoader

    partials = {
        "synthesis/_thread_summary.html": "[summary {{ thread.id }}]",
        "moderation/_thread_tools.html": "[tools {{ thread.id }}]",
        "moderation/_post_actions.html": "[mod {{ post.id }}]",
        "synthesis/_post_actions.html": "[clip {{ post.id }}]",
        "practices/_post_documents.html": "[docs {{ post.id }}]",
        "search/_related.html": "[related {{ thread.id }}]",
        "search/_similar_hint.html": "[similar]",
    }
    app.jinja_env.loader = ChoiceLoader([DictLoader(partials), app.jinja_env.loader])
    app.jinja_env.cache = {}
    thread = make_thread(category=make_category("public"))
    post = thread_posts(thread)[0]
    page = text(client.get(f"/threads/{thread.id}"))
    for marker in (f"[summary {thread.id}]", f"[tools {thread.id}]", f"[mod {post.id}]",
                   f"[clip {post.id}]", f"[docs {post.id}]", f"[related {thread.id}]"):
        assert marker in page, marker
    login_as(make_user("liaison"))
    assert "[similar]" in text(client.get("/new"))


def test_history_of_a_hidden_post_follows_its_text(client, login_as):
    """Decision (README, Discussions): the edit history is the post's text, so it follows the
    same rule: while a post is hidden or deleted only moderators read it, its author included."""
    author = make_user("liaison")
    thread = make_thread(author, make_category("members"))
    post = make_post(thread, author=author, body="Texto con datos de contacto: 5555-1234")
    from forum.board.services import edit_post

    edit_post(author, post, "Texto corregido")
    post.is_hidden = True
    db.session.commit()
    login_as(author)
    response = client.get(f"/posts/{post.id}/revisions")
    assert response.status_code == 403
    page = text(response)
    assert "5555-1234" not in page and "Texto corregido" not in page
    assert "only the moderators can see its text and edit history" in page
    login_as(make_user("moderator"))
    assert "5555-1234" in text(client.get(f"/posts/{post.id}/revisions"))
    post.is_hidden = False
    db.session.commit()
    login_as(author)
    assert client.get(f"/posts/{post.id}/revisions").status_code == 200
