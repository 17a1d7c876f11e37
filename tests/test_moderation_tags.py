"""Tag curation: rename, labels, groups, synonyms, merge, and the list of unlabelled tags."""

from __future__ import annotations

import pytest
from factories import make_category, make_thread, make_user
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditEvent, SearchChange, Tag, TagRedirect, TagSynonym, Thread
from forum.tags.services import tag_redirect_for


def make_tag(slug, en=None, es=None, fr=None, created_by=None, synonyms=()):
    tag = Tag(slug=slug, label_en=en, label_es=es, label_fr=fr,
              created_by_id=created_by.id if created_by else None)
    for text in synonyms:
        tag.synonyms.append(TagSynonym(text=text, key=text.casefold()))
    db.session.add(tag)
    db.session.commit()
    return tag


def tagged_thread(*tags):
    thread = make_thread(make_user("liaison"), make_category("members"))
    thread.tags = list(tags)
    for tag in tags:
        tag.thread_count = (tag.thread_count or 0) + 1
    db.session.commit()
    return thread


def tag_form(tag, **changes):
    data = {"slug": tag.slug, "label_en": tag.label_en or "", "label_es": tag.label_es or "",
            "label_fr": tag.label_fr or "", "group": tag.group or ""}
    return data | changes


@pytest.mark.parametrize("role,status", [
    ("observer", 403), ("liaison", 403), ("facilitator", 403), ("moderator", 200), ("admin", 200),
])
def test_tag_curation_per_role(client, login_as, role, status):
    tag = make_tag("children", "children")
    login_as(make_user(role))
    assert client.get("/moderation/tags").status_code == status
    assert client.get(f"/moderation/tags/{tag.id}").status_code == status
    response = client.post(f"/moderation/tags/{tag.id}", data=tag_form(tag, label_es="niñez"))
    assert response.status_code == (302 if status == 200 else 403)
    assert client.post(f"/moderation/tags/{tag.id}/synonyms",
                       data={"text": "minors"}).status_code == (302 if status == 200 else 403)
    other = make_tag("minors-x", "kids")
    assert client.post(f"/moderation/tags/{other.id}/merge",
                       data={"target": "children", "confirm_target": str(tag.id)}
                       ).status_code == (302 if status == 200 else 403)


def test_rename_relabel_group_and_old_slug_redirects(client, login_as):
    tag = make_tag("ninez", "children", created_by=make_user("liaison"))
    thread = tagged_thread(tag)
    db.session.query(SearchChange).delete()
    db.session.commit()
    login_as(make_user("moderator"))
    response = client.post(f"/moderation/tags/{tag.id}", data=tag_form(
        tag, slug="migrant-children", label_es="niñez migrante", label_fr="enfants migrants",
        group="populations"))
    assert response.status_code == 302
    db.session.refresh(tag)
    assert (tag.slug, tag.label_es, tag.label_fr, tag.group) == (
        "migrant-children", "niñez migrante", "enfants migrants", "populations")
    assert tag_redirect_for("ninez").id == tag.id
    assert tag_redirect_for("migrant-children") is None
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "tag.edit" and event.before["slug"] == "ninez"
    assert event.after["group"] == "populations"
    changes = {(c.kind, c.obj_id) for c in db.session.scalars(select(SearchChange))}
    assert {("tag", tag.id), ("thread", thread.id)} <= changes


def test_tag_form_bad_input(client, login_as):
    tag = make_tag("detention", "detention")
    make_tag("returns", "returns")
    login_as(make_user("moderator"))
    url = f"/moderation/tags/{tag.id}"
    response = client.post(url, data=tag_form(tag, slug="Bad Slug!"))
    assert response.status_code == 422
    response = client.post(url, data=tag_form(tag, label_en="", label_es="", label_fr=""))
    assert response.status_code == 422
    assert "at least one language" in response.get_data(as_text=True)
    response = client.post(url, data=tag_form(tag, slug="returns"))
    assert response.status_code == 409
    db.session.refresh(tag)
    assert tag.slug == "detention"
    assert db.session.scalar(select(AuditEvent)) is None


def test_synonyms_add_and_remove(client, login_as):
    tag = make_tag("children", "children")
    make_tag("returns", "returns", es="retornos")
    login_as(make_user("moderator"))
    url = f"/moderation/tags/{tag.id}/synonyms"
    assert client.post(url, data={"text": "Niñez"}).status_code == 302
    db.session.refresh(tag)
    assert [(s.text, s.key) for s in tag.synonyms] == [("Niñez", "ninez")]
    again = client.post(url, data={"text": "niñez"}, follow_redirects=True)
    assert "already has that synonym" in again.get_data(as_text=True)
    clash = client.post(url, data={"text": "Retornos"})
    assert clash.status_code == 409 and "already belongs" in clash.get_data(as_text=True)
    assert client.post(url, data={"text": "  "}).status_code == 422
    synonym_id = tag.synonyms[0].id
    assert client.post(f"/moderation/tags/{tag.id}/synonyms/remove",
                       data={"synonym_id": synonym_id}).status_code == 302
    db.session.refresh(tag)
    assert tag.synonyms == []
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == [
        "tag.synonym_add", "tag.synonym_remove"]


def test_merge_tags_moves_threads_and_redirects(client, login_as):
    source = make_tag("menores", "minors", es="menores", synonyms=["chicos"])
    target = make_tag("children", "children", es="niñez")
    both = tagged_thread(source, target)
    only_source = tagged_thread(source)
    db.session.query(SearchChange).delete()
    db.session.commit()
    login_as(make_user("moderator"))
    url = f"/moderation/tags/{source.id}/merge"
    ask = client.post(url, data={"target": "niñez"})
    assert ask.status_code == 200 and "Merge “minors”" in ask.get_data(as_text=True)
    done = client.post(url, data={"target": "niñez", "confirm_target": str(target.id)})
    assert done.status_code == 302
    db.session.expire_all()
    assert [t.slug for t in db.session.get(Thread, both.id).tags] == ["children"]
    assert [t.slug for t in db.session.get(Thread, only_source.id).tags] == ["children"]
    target = db.session.get(Tag, target.id)
    source = db.session.get(Tag, source.id)
    assert target.thread_count == 2 and source.thread_count == 0
    assert source.merged_into_id == target.id
    assert {s.key for s in target.synonyms} >= {"chicos", "minors", "menores"}
    assert tag_redirect_for("menores").id == target.id
    changes = {(c.kind, c.obj_id) for c in db.session.scalars(select(SearchChange))}
    assert {("thread", both.id), ("thread", only_source.id), ("tag", source.id),
            ("tag", target.id)} <= changes
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "tag.merge" and event.after["moved_threads"] == 2


def test_merge_tag_bad_input(client, login_as):
    tag = make_tag("children", "children")
    login_as(make_user("moderator"))
    url = f"/moderation/tags/{tag.id}/merge"
    assert client.post(url, data={"target": "children"}).status_code == 422
    assert client.post(url, data={"target": "nothing-like-it"}).status_code == 422
    assert client.post(url, data={"target": ""}).status_code == 422
    assert db.session.scalar(select(AuditEvent)) is None


def test_chained_redirects(app):
    a, b = make_tag("a-tag", "a"), make_tag("b-tag", "b")
    c = make_tag("c-tag", "c")
    from forum.moderation import services_tags

    moderator = make_user("moderator")
    services_tags.merge_tags(moderator, a, b)
    services_tags.merge_tags(moderator, b, c)
    assert tag_redirect_for("a-tag").slug == "c-tag"
    assert db.session.get(Tag, a.id).merged_into_id == c.id
    db.session.add(TagRedirect(old_slug="old-b", tag_id=b.id))
    db.session.commit()
    assert tag_redirect_for("old-b").slug == "c-tag"
    assert tag_redirect_for("unknown") is None


def test_list_of_member_tags_missing_labels(client, login_as):
    member = make_user("liaison")
    make_tag("complete", "complete", es="completa", fr="complète", created_by=member)
    make_tag("half-done", "half done", created_by=member)
    make_tag("curated-missing", "curated")  # created by the curators, not listed
    login_as(make_user("moderator"))
    page = client.get("/moderation/tags?show=missing").get_data(as_text=True)
    assert "half-done" in page
    assert "complete" not in page.split("<table")[1] and "curated-missing" not in page
    assert "1 tag created by members lacks a label" in client.get("/moderation/tags").get_data(
        as_text=True)


def test_search_index_follows_tag_curation(app):
    from forum.moderation import services_tags
    from forum.search.index import handle
    from forum.search.writer import check, sync

    source = make_tag("menores", "minors", es="menores")
    target = make_tag("children", "children", es="niñez")
    thread = tagged_thread(source)
    sync()
    moderator = make_user("moderator")
    services_tags.update_tag(moderator, target, slug="migrant-children", label_en="migrant children",
                            label_es="niñez migrante", label_fr="enfants migrants",
                            group="populations")
    services_tags.add_synonym(moderator, target, "infancia")
    services_tags.merge_tags(moderator, source, target)
    sync()
    report = check(handle(app))
    assert (report["missing"], report["extra"], report["stale"]) == ([], [], [])
    from whoosh.query import Term

    with handle(app).open_current().searcher() as searcher:
        keys = {f["key"] for f in searcher.all_stored_fields()}
        tagged_new = {h["key"] for h in searcher.search(Term("tags", str(target.id)))}
        tagged_old = {h["key"] for h in searcher.search(Term("tags", str(source.id)))}
    assert f"tag:{source.id}" not in keys and f"tag:{target.id}" in keys
    assert f"thread:{thread.id}" in tagged_new and tagged_old == set()
