"""Moderation inside the board: tools on the thread page, redirects, hidden reasons, the guard."""

from __future__ import annotations

from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import Flag, Post, Tag, Thread


def text(response) -> str:
    return response.get_data(as_text=True)


def test_thread_page_shows_tools_to_moderators_only(client, login_as):
    thread = make_thread(make_user("liaison"), make_category("members"), title="Returns")
    reply = make_post(thread, make_user("liaison"))
    login_as(make_user("moderator"))
    page = text(client.get(f"/threads/{thread.id}"))
    assert "Moderation tools" in page
    for tool in ("pin", "lock", "close", "move", "merge", "split", "hide"):
        assert f"/moderation/thread/{thread.id}/{tool}" in page
    assert f"/moderation/post/{reply.id}/hide" in page
    login_as(make_user("liaison"))
    page = text(client.get(f"/threads/{thread.id}"))
    assert "Moderation tools" not in page
    assert f"/moderation/flag/post/{reply.id}" in page
    assert f"/moderation/post/{reply.id}/hide" not in page


def test_hidden_post_shows_the_reason_in_place(client, login_as):
    thread = make_thread(make_user("liaison"), make_category("members"))
    reply = make_post(thread, make_user("liaison"), body="Her phone is 8888-1234.")
    login_as(make_user("moderator"))
    client.post(f"/moderation/post/{reply.id}/hide", data={"reason": "Personal data removed."})
    login_as(make_user("liaison"))
    page = text(client.get(f"/threads/{thread.id}"))
    assert "Personal data removed." in page
    assert "8888-1234" not in page


def test_closed_thread_shows_its_note_and_refuses_replies(client, login_as):
    thread = make_thread(make_user("liaison"), make_category("members"))
    login_as(make_user("moderator"))
    client.post(f"/moderation/thread/{thread.id}/close", data={"reason": "Concluded in May."})
    member = login_as(make_user("liaison"))
    page = text(client.get(f"/threads/{thread.id}"))
    assert "Concluded in May." in page
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "One more", "language": "en"})
    assert response.status_code == 403
    assert member.id not in {p.author_id for p in db.session.get(Thread, thread.id).posts}


def test_merged_thread_url_redirects_for_everyone(client, login_as):
    category = make_category("members")
    source = make_thread(make_user("liaison"), category)
    target = make_thread(make_user("liaison"), category)
    login_as(make_user("moderator"))
    client.post(f"/moderation/thread/{source.id}/merge",
                data={"target": f"https://exchange.test/threads/{target.id}",
                      "confirm_target": str(target.id)})
    for user in (make_user("liaison"), make_user("moderator")):
        login_as(user)
        response = client.get(f"/threads/{source.id}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/threads/{target.id}")
    moved = db.session.scalars(select(Post).where(Post.thread_id == target.id)).all()
    assert len(moved) == 2
    old_post_link = client.get(f"/posts/{moved[0].id}")
    assert f"/threads/{target.id}" in old_post_link.headers["Location"]


def test_merge_accepts_a_post_link(client, login_as):
    category = make_category("members")
    source = make_thread(make_user("liaison"), category)
    target = make_thread(make_user("liaison"), category, title="The surviving one")
    login_as(make_user("moderator"))
    response = client.post(f"/moderation/thread/{source.id}/merge",
                           data={"target": f"/posts/{target.posts[0].id}"})
    assert response.status_code == 200 and "The surviving one" in text(response)


def test_renamed_and_merged_tags_redirect(client, login_as):
    tag = Tag(slug="ninez", label_en="children")
    other = Tag(slug="menores", label_en="minors")
    db.session.add_all([tag, other])
    db.session.commit()
    login_as(make_user("moderator"))
    client.post(f"/moderation/tags/{tag.id}", data={"slug": "migrant-children",
                                                    "label_en": "migrant children"})
    client.post(f"/moderation/tags/{other.id}/merge",
                data={"target": "migrant-children", "confirm_target": str(tag.id)})
    renamed = client.get("/tags/ninez")
    assert renamed.status_code == 302 and renamed.headers["Location"].endswith(
        "/tags/migrant-children")
    merged = client.get("/tags/menores")
    assert merged.status_code == 302 and merged.headers["Location"].endswith(
        "/tags/migrant-children")
    assert client.get("/tags/never-existed").status_code == 404


def test_guard_warns_on_new_thread_then_flags_when_confirmed(client, login_as):
    category = make_category("members")
    login_as(make_user("liaison"))
    data = {"category": category.slug, "title": "A case", "language": "en", "tags": "",
            "body": "Maria Lopez, born 12/03/1990, passport G12345678, needs help."}
    warned = client.post("/new", data=data)
    page = text(warned)
    assert warned.status_code == 200
    assert "This platform is for practices, not cases." in page
    assert "G12345678" in page and "passport G12345678, needs help." in page  # text kept
    assert db.session.scalar(select(Thread)) is None
    done = client.post("/new", data=data | {"personal_data_confirmed": "1"})
    assert done.status_code == 302
    thread = db.session.scalars(select(Thread)).one()
    flag = db.session.scalars(select(Flag)).one()
    assert (flag.target_id, flag.is_automatic, flag.reason) == (thread.posts[0].id, True,
                                                                 "personal_data")
    assert set(flag.detail.split(", ")) == {"birth_date", "id_number"}


def test_guard_lets_clean_text_through_and_edits_are_checked(client, login_as):
    thread = make_thread(make_user("liaison"), make_category("members"))
    member = login_as(make_user("liaison"))
    clean = {"body": "Article 27 of Law 1070-2019 covers 1,234 cases in 2019-2020.",
             "language": "en"}
    assert client.post(f"/threads/{thread.id}/reply", data=clean).status_code == 302
    assert db.session.scalar(select(Flag)) is None
    post = db.session.scalars(select(Post).where(Post.author_id == member.id)).one()
    edit = {"body": "Call me at +52 55 1234 5678.", "language": "en"}
    warned = client.post(f"/posts/{post.id}/edit", data=edit)
    assert warned.status_code == 200 and "not cases" in text(warned)
    assert db.session.get(Post, post.id).body.startswith("Article 27")
    assert client.post(f"/posts/{post.id}/edit",
                       data=edit | {"personal_data_confirmed": "1"}).status_code == 302
    assert db.session.scalars(select(Flag)).one().target_id == post.id


def test_guard_on_reply_in_spanish_and_french(client, login_as):
    thread = make_thread(make_user("liaison"), make_category("members"))
    login_as(make_user("liaison", locale="es"))
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Escriba a jperez@hotmail.com", "language": "es"})
    assert "Esta plataforma es para prácticas, no para casos." in text(response)
    login_as(make_user("liaison", locale="fr"))
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Téléphone : +33 6 12 34 56 78", "language": "fr"})
    assert "Cette plateforme est faite pour les pratiques, pas pour les cas." in text(response)
    assert db.session.get(Thread, thread.id).post_count == 1
