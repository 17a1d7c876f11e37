"""Tags are multilingual concepts: any label or synonym, any case or accents, is one tag."""

from __future__ import annotations

import pytest
from factories import make_category, make_post, make_thread, make_user
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Tag, TagSynonym, Thread, tag_key
from forum.tags.services import TagInputError, find_tag, resolve_tags, split_tag_input


def make_tag(slug, en=None, es=None, fr=None, synonyms=()):
    tag = Tag(slug=slug, label_en=en, label_es=es, label_fr=fr)
    tag.synonyms = [TagSynonym(text=s) for s in synonyms]
    db.session.add(tag)
    db.session.commit()
    return tag


@pytest.fixture
def children(app):
    return make_tag("migrant-children", "Migrant children", "Niñez migrante", "Enfants migrants",
                    synonyms=["menores migrantes", "unaccompanied minors"])


def test_keys_fold_case_accents_and_punctuation():
    assert tag_key("  Niñez   MIGRANTE ") == "ninez migrante"
    assert tag_key("niñez-migrante") == tag_key("Ninez_migrante") == "ninez migrante"
    assert tag_key("Enfants migrants!") == "enfants migrants"
    assert tag_key("¿?¡!...---") == ""


@pytest.mark.parametrize("typed", [
    "niñez migrante", "ninez migrante", "NIÑEZ MIGRANTE", "Migrant children", "migrant-children",
    "enfants migrants", "Enfants Migrants", "menores migrantes", "Menores Migrantes",
    "unaccompanied minors",
])
def test_every_label_and_synonym_finds_the_tag(children, typed):
    assert find_tag(typed).id == children.id


def test_labels_keep_keys_in_step_when_renamed(children):
    children.label_en = "Children on the move"
    db.session.commit()
    assert find_tag("children on the move").id == children.id
    assert find_tag("migrant children") is None


def test_merged_tag_resolves_to_its_target(children):
    old = make_tag("ninos", es="Niños migrantes")
    old.merged_into_id = children.id
    db.session.commit()
    assert find_tag("ninos migrantes").id == children.id


def test_unknown_text_creates_tag_in_thread_language(app):
    user = make_user("liaison")
    tags = resolve_tags(["Reclutamiento fraudulento"], user, "es", may_create=True)
    db.session.commit()
    tag = tags[0]
    assert (tag.label_es, tag.label_en, tag.label_fr) == ("Reclutamiento fraudulento", None, None)
    assert tag.slug == "reclutamiento-fraudulento" and tag.created_by_id == user.id
    # Shown in English (fallback) until curated, and found again without accents.
    assert tag.label_in("en") == "Reclutamiento fraudulento"
    assert find_tag("RECLUTAMIENTO fraudulento").id == tag.id


def test_same_new_text_twice_is_one_tag(app):
    user = make_user("liaison")
    tags = resolve_tags(["Visas temporales", "visas temporales", "VISAS TEMPORALES"], user, "es",
                        may_create=True)
    assert len(tags) == 1


def test_punctuation_only_tag_is_refused(app):
    with pytest.raises(TagInputError):
        resolve_tags(["ok", "!!!"], make_user(), "en", may_create=True)
    assert db.session.scalar(select(func.count(Tag.id))) == 0


def test_unknown_tag_refused_without_permission(children):
    with pytest.raises(TagInputError):
        resolve_tags(["brand new idea"], make_user("observer"), "en", may_create=False)
    assert [t.id for t in resolve_tags(["ninez migrante"], make_user("observer"), "en",
                                       may_create=False)] == [children.id]


def test_too_many_and_too_long_tags(app):
    with pytest.raises(TagInputError):
        resolve_tags([f"t{i}" for i in range(9)], make_user(), "en", may_create=True)
    with pytest.raises(TagInputError):
        resolve_tags(["x" * 61], make_user(), "en", may_create=True)


def test_split_tag_input():
    assert split_tag_input(" a,  b  c ,,; d\n e ") == ["a", "b c", "d", "e"]
    assert split_tag_input("") == []


def test_thread_tag_counts(children):
    category = make_category("members")
    make_thread(category=category, tags=["niñez migrante", "Migrant children"])
    make_thread(category=category, tags=["enfants migrants"])
    db.session.refresh(children)
    assert children.thread_count == 2


def test_spanish_thread_english_reply_same_tags_in_each_language(client, login_as, children):
    """A liaison starts a thread in Spanish with tags typed without accents; another replies in
    English; both see the same tags, each in their interface language."""
    make_tag("consular-registry", "Consular registry", "Registro consular", "Registre consulaire")
    category = make_category("governments")
    lucia = make_user("liaison", delegation="MX", locale="es")
    john = make_user("liaison", delegation="US", locale="en")
    login_as(lucia)
    response = client.post("/new", data={
        "category": category.slug, "title": "¿Cómo registran a los menores no acompañados?",
        "tags": "ninez migrante, registro consular", "language": "es",
        "body": "En México usamos el SIRC.", "submit": "1",
    })
    assert response.status_code == 302
    thread = db.session.scalar(select(Thread))
    assert {t.slug for t in thread.tags} == {"migrant-children", "consular-registry"}
    assert db.session.scalar(select(func.count(Tag.id))) == 2  # nothing new was created

    login_as(john)
    response = client.post(f"/threads/{thread.id}/reply", data={
        "body": "In the US we record them in a separate case type.", "language": "en", "submit": "1"})
    assert response.status_code == 302
    english = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Migrant children" in english and "Consular registry" in english
    assert "Niñez migrante" not in english

    login_as(lucia)
    spanish = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Niñez migrante" in spanish and "Registro consular" in spanish
    assert "Migrant children" not in spanish

    # A French-speaking reader finds the thread under the French label.
    login_as(make_user("liaison", delegation="CA", locale="fr"))
    page = client.get("/tags/migrant-children").get_data(as_text=True)
    assert "Enfants migrants" in page and "¿Cómo registran a los menores no acompañados?" in page


def test_tag_index_and_page_respect_visibility(client, login_as, children):
    public = make_thread(category=make_category("public"), title="Open thread", tags=["migrant children"])
    hidden = make_thread(category=make_category("governments"), title="Closed thread",
                         tags=["menores migrantes"])
    page = client.get("/tags/").get_data(as_text=True)
    assert "Migrant children" in page and "1 thread" in page
    page = client.get("/tags/migrant-children").get_data(as_text=True)
    assert "Open thread" in page and "Closed thread" not in page
    assert "Niñez migrante" in page and "Enfants migrants" in page  # labels in every language
    login_as(make_user("liaison"))
    page = client.get("/tags/migrant-children").get_data(as_text=True)
    assert "Open thread" in page and "Closed thread" in page
    assert public.id != hidden.id


def test_tag_page_errors(client, children):
    assert client.get("/tags/no-such-tag").status_code == 404
    assert client.get("/tags/migrant-children?page=abc").status_code == 400
    assert client.get("/tags/migrant-children?page=5").status_code == 404


def test_merged_tag_page_redirects(client, children):
    old = make_tag("old-children", en="Kids")
    old.merged_into_id = children.id
    db.session.commit()
    response = client.get("/tags/old-children")
    assert response.status_code == 302 and response.headers["Location"].endswith("/tags/migrant-children")


def test_suggest_matches_any_language_and_prefix(client, login_as, children):
    assert client.get("/tags/suggest?q=nin").status_code == 401
    login_as(make_user("liaison"))
    make_tag("temporary-work", "Temporary work", "Trabajo temporal", "Travail temporaire")
    for typed, expected in [("nin", "migrant-children"), ("Enf", "migrant-children"),
                            ("migr", "migrant-children"), ("menores", "migrant-children"),
                            ("trab", "temporary-work"), ("TEMP", "temporary-work")]:
        data = client.get("/tags/suggest", query_string={"q": typed},
                          headers={"Accept-Language": "es"}).get_json()
        assert expected in [t["slug"] for t in data["tags"]], typed
    data = client.get("/tags/suggest?q=nin", headers={"Accept-Language": "es"}).get_json()
    assert data["tags"][0]["label"] == "Niñez migrante"
    assert data["tags"][0]["labels"]["fr"] == "Enfants migrants"
    assert client.get("/tags/suggest?q=%25").get_json()["tags"] == []
    assert client.get("/tags/suggest?q=").get_json()["tags"] == []


def test_editing_first_post_tags_updates_counts(client, login_as, children):
    author = make_user("liaison")
    thread = make_thread(author, make_category("members"), tags=["niñez migrante"])
    make_post(thread)
    login_as(author)
    post = thread.posts[0]
    response = client.post(f"/posts/{post.id}/edit", data={
        "title": thread.title, "tags": "trata de personas", "body": post.body, "language": "en",
        "submit": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Tag, children.id).thread_count == 0
    assert [t.label_en for t in db.session.get(Thread, thread.id).tags] == ["trata de personas"]


def test_punctuation_only_tag_on_form_keeps_input(client, login_as):
    login_as(make_user("liaison"))
    category = make_category("members")
    response = client.post("/new", data={
        "category": category.slug, "title": "Title kept", "tags": "#!?", "language": "en",
        "body": "Body kept", "submit": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "is not a tag" in page and "Title kept" in page and "Body kept" in page
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_tags_of_content_a_reader_cannot_see_are_not_revealed(client, login_as):
    """Suggestions, counts, tag pages and the search page's tags go through the same
    visibility filters as the lists: staff-only and hidden threads and draft practices do not
    leak their tags' names or counts."""
    from practices_support import make_practice

    author = make_user("liaison", delegation="MX")
    staff_only = make_tag("staff-topic", "Staff topic zeta")
    make_tag("hidden-topic", "Hidden topic zeta")
    draft_only = make_tag("draft-topic", "Draft topic zeta")
    shared = make_tag("shared-topic", "Shared topic zeta")
    make_tag("unused-topic", "Unused topic zeta")
    make_thread(make_user("moderator"), make_category("staff"),
                tags=["Staff topic zeta", "Shared topic zeta"])
    make_thread(author, make_category("public"), tags=["Hidden topic zeta"],
                is_hidden=True)
    make_thread(author, make_category("public"), tags=["Shared topic zeta"])
    practice = make_practice(author, status="draft")
    practice.tags = [draft_only]
    db.session.commit()
    db.session.expire_all()
    assert staff_only.thread_count == 1 and shared.thread_count == 2

    def suggested(user):
        login_as(user)
        data = client.get("/tags/suggest?q=zeta").get_json()
        return {t["slug"]: t["threads"] for t in data["tags"]}

    expected = {"shared-topic": 1, "unused-topic": 0}
    assert suggested(make_user("observer")) == expected
    assert suggested(make_user("liaison", delegation="GT")) == expected
    # the practice's own delegation sees its draft's tag; staff see the staff thread's
    assert suggested(make_user("liaison", delegation="MX")) == expected | {"draft-topic": 0}
    # (a draft is its delegation's own until it is submitted, even for moderators)
    assert suggested(make_user("moderator")) == {
        "staff-topic": 1, "hidden-topic": 1, "shared-topic": 2, "unused-topic": 0}

    login_as(None)
    for slug in ("staff-topic", "hidden-topic", "draft-topic"):
        assert client.get(f"/tags/{slug}").status_code == 404, slug
    assert client.get("/tags/shared-topic").status_code == 200
    page = client.get("/search").get_data(as_text=True)
    assert "Staff topic zeta" not in page and "Hidden topic zeta" not in page
    login_as(make_user("moderator"))
    assert client.get("/tags/staff-topic").status_code == 200
