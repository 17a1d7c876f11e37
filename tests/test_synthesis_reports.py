"""Reports: automatic draft, states, visibility for every role, exports (Word, Markdown, print)."""

from __future__ import annotations

import io
import re
from urllib.parse import urlparse

import docx
import pytest
from factories import make_category, make_post, make_thread, make_user

from forum import permissions
from forum.content.citations import extract_citations
from forum.extensions import db
from forum.models import Post, Report, ReportState
from forum.synthesis import services
from forum.synthesis.exports import body_from_markdown_export

ROLES = ("observer", "liaison", "facilitator", "moderator", "admin")


@pytest.fixture
def discussion():
    """A members thread where Panama, Mexico and Canada took part, with a summary."""
    category = make_category("members", name="Consular registries")
    panama = make_user("liaison", delegation="PA")
    mexico = make_user("liaison", delegation="MX")
    canada = make_user("liaison", delegation="CA")
    thread = make_thread(panama, category, title="Shared case registries",
                         body="Panama records every assisted national in one registry.")
    p2 = make_post(thread, mexico, body="Mexico uses SIRCE for consular cases.")
    p3 = make_post(thread, canada, body="Canada keeps case files in a national database.")
    facilitator = make_user("facilitator")
    summary = services.save_summary(
        thread, facilitator,
        f"Three registries were presented.\n\n[post:{p2.id}]\n\nCanada added its view [post:{p3.id}].",
        language="en")
    return {"thread": thread, "posts": [thread.posts[0], p2, p3], "summary": summary,
            "facilitator": facilitator, "category": category}


def _build(client, discussion, **extra):
    data = {"title": "Regional report on registries", "language": "en",
            "summaries": [str(discussion["summary"].id)]}
    data.update(extra)
    return client.post("/synthesis/reports/new", data=data)


def test_automatic_draft_has_numbered_sections_and_participants(client, login_as, discussion):
    login_as(discussion["facilitator"])
    response = _build(client, discussion)
    assert response.status_code == 302
    report = db.session.query(Report).one()
    body = report.latest.body
    assert report.latest.state == ReportState.DRAFT.value
    assert "## 1. Shared case registries" in body
    assert "The delegations of Panama, Mexico and Canada presented" in body
    assert f"[post:{discussion['posts'][1].id}]" in body


def test_draft_in_spanish_names_countries_in_spanish(client, login_as, discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion, language="es")
    body = db.session.query(Report).one().latest.body
    assert "Las delegaciones de Panamá, México y Canadá" in body


def test_selection_without_discussions_is_refused(client, login_as):
    login_as(make_user("facilitator"))
    response = client.post("/synthesis/reports/new",
                           data={"title": "Empty", "language": "en", "countries": ["BZ"]})
    assert response.status_code == 422
    assert "no sections" in response.get_data(as_text=True)
    assert db.session.query(Report).count() == 0


def test_report_without_sections_cannot_be_saved(client, login_as, discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion)
    report = db.session.query(Report).one()
    response = client.post(f"/synthesis/reports/{report.id}/edit",
                           data={"title": "T", "body": "Just a paragraph.", "save": "Save"})
    assert response.status_code == 422
    assert "at least one section" in response.get_data(as_text=True)


def _publish(client, report, audience):
    return client.post(f"/synthesis/reports/{report.id}/publish", data={"audience": audience})


def test_publishing_refused_when_audience_cannot_read_a_citation(client, login_as, discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion)
    report = db.session.query(Report).one()
    response = _publish(client, report, "public")  # the thread is for members only
    assert response.status_code == 422
    assert "cannot be read by everyone" in response.get_data(as_text=True)
    db.session.expire_all()
    assert report.latest.is_draft
    assert _publish(client, report, "members").status_code == 302
    db.session.expire_all()
    assert report.latest.is_published and report.latest.audience == "members"


def test_new_version_supersedes_the_published_one(client, login_as, discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion)
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    body = report.latest.body + "\n\n## 2. Conclusions\n\nMore to come.\n"
    client.post(f"/synthesis/reports/{report.id}/edit",
                data={"title": "Regional report, revised", "body": body, "save": "Save"})
    db.session.expire_all()
    assert [v.state for v in report.versions] == ["published", "draft"]
    _publish(client, report, "members")
    db.session.expire_all()
    assert [v.state for v in report.versions] == ["superseded", "published"]
    assert report.published.title == "Regional report, revised"
    history = client.get(f"/synthesis/reports/{report.id}/history").get_data(as_text=True)
    assert "Conclusions" in history


@pytest.mark.parametrize("audience", ["public", "members", "governments", "staff"])
def test_visibility_of_published_report_for_every_role(client, login_as, audience):
    facilitator = make_user("facilitator")
    category = make_category(audience)
    thread = make_thread(make_user("liaison"), category, title="Case", body="A fact.")
    report = services.create_report(facilitator, title="R", language="en", selection={},
                                    body=f"## 1. Case\n\nSaid: [post:{thread.posts[0].id}]\n")
    readers = {
        "anonymous": None,
        **{role: make_user(role) for role in ROLES},
        "suspended": make_user("liaison", suspended=True),
    }
    # A draft: facilitators (and administrators) only.
    for name, user in readers.items():
        login_as(user)
        expected = 200 if name in ("facilitator", "admin") else 404
        assert client.get(f"/synthesis/reports/{report.id}").status_code == expected, name
    services.publish_report(report, facilitator, audience)
    allowed = {
        "public": {"anonymous", "observer", "liaison", "facilitator", "moderator", "admin",
                   "suspended"},
        "members": {"observer", "liaison", "facilitator", "moderator", "admin"},
        "governments": {"liaison", "facilitator", "moderator", "admin"},
        "staff": {"facilitator", "moderator", "admin"},
    }[audience]
    for name, user in readers.items():
        login_as(user)
        status = client.get(f"/synthesis/reports/{report.id}").status_code
        assert status == (200 if name in allowed else 404), (name, audience)
        export = client.get(f"/synthesis/reports/{report.id}/export/md").status_code
        assert export == (200 if name in allowed else 404), (name, audience)


def test_report_never_leaks_a_post_hidden_after_publication(client, login_as, discussion):
    facilitator = discussion["facilitator"]
    login_as(facilitator)
    _build(client, discussion)
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    hidden = discussion["posts"][1]
    hidden.is_hidden = True
    db.session.commit()
    liaison = make_user("liaison")
    login_as(liaison)
    # The report cites something the reader can no longer read: it is not shown to them.
    assert client.get(f"/synthesis/reports/{report.id}").status_code == 404
    # Facilitators still see it; the export omits the hidden post.
    login_as(facilitator)
    text = client.get(f"/synthesis/reports/{report.id}/export/md").get_data(as_text=True)
    assert "SIRCE" not in text
    assert f"[post:{hidden.id}]" not in text
    assert "citation not available" in text


def test_export_of_a_draft_by_non_facilitator_is_refused(client, login_as, discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion)
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    client.post(f"/synthesis/reports/{report.id}/edit",
                data={"title": "Next", "body": report.latest.body, "save": "Save"})
    db.session.expire_all()
    assert report.latest.is_draft and report.latest.number == 2
    for role in ("liaison", "moderator", "observer"):
        login_as(make_user(role))
        # 404 (was 403): the answer does not reveal that a newer draft exists
        response = client.get(f"/synthesis/reports/{report.id}/export/docx?version=2")
        assert response.status_code == 404, role
        missing = client.get(f"/synthesis/reports/{report.id}/export/docx?version=9")
        assert missing.status_code == 404
        assert "Only facilitators" not in response.get_data(as_text=True)
        assert (response.get_data(as_text=True).replace("version=2", "version=9")
                == missing.get_data(as_text=True))
        # The published version exports fine.
        assert client.get(f"/synthesis/reports/{report.id}/export/docx").status_code == 200
    login_as(discussion["facilitator"])
    assert client.get(f"/synthesis/reports/{report.id}/export/docx?version=2").status_code == 200


def _post_id_from_url(url: str) -> int:
    path = urlparse(url).path
    return int(re.search(r"/(\d+)$", path.rstrip("/")).group(1))


def test_word_export_headings_numbered_paragraphs_and_resolving_sources(
        app, client, login_as, discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion)
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    reader = make_user("observer")
    login_as(reader)
    response = client.get(f"/synthesis/reports/{report.id}/export/docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.data))
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert ("Title", "Regional report on registries") in headings
    assert ("Heading 1", "Participating delegations") in headings
    assert ("Heading 1", "1. Shared case registries") in headings
    assert ("Heading 1", "Sources") in headings
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert any("The delegations of Panama, Mexico and Canada" in text for text in numbered)
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert {"Mexico", "Canada"} <= set(bullets)
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert any("SIRCE" in text for text in quotes)

    # Every hyperlink of the sources annex is absolute and resolves to a post the reader sees.
    urls = [rel.target_ref for rel in document.part.rels.values()
            if rel.reltype.endswith("/hyperlink")]
    assert len(urls) == 2
    for url in urls:
        assert url.startswith("http://exchange.test/")
        post = db.session.get(Post, _post_id_from_url(url))
        assert post is not None and permissions.can_read_cited_post(reader, post)
        followed = client.get(urlparse(url).path)
        assert followed.status_code in (200, 302)


def test_markdown_export_round_trips_citations(client, login_as, discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion)
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    body = report.published.body
    text = client.get(f"/synthesis/reports/{report.id}/export/md").get_data(as_text=True)
    assert text.startswith("# Regional report on registries")
    # Every citation is kept as written, and defined as a link back to its post.
    assert extract_citations(body_from_markdown_export(text)) == extract_citations(body)
    for citation in extract_citations(body):
        assert re.search(
            rf"^\[{citation.kind}:{citation.obj_id}\]: http://exchange.test/\S+/{citation.obj_id} ",
            text, re.MULTILINE)
    # Bringing the exported text back as the report text changes nothing.
    assert body_from_markdown_export(text).strip() == body.strip()


def test_print_page_is_in_the_report_language(client, login_as, discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion, language="fr")
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    html = client.get(f"/synthesis/reports/{report.id}/export/print").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Délégations participantes" in html or "Participating delegations" in html
    assert "Mexique" in html


def test_translation_of_report_and_outdated_mark(client, login_as, discussion):
    facilitator = discussion["facilitator"]
    login_as(facilitator)
    _build(client, discussion)
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    response = client.post(f"/synthesis/reports/{report.id}/translate", data={"language": "es"})
    assert response.status_code == 302
    translation = db.session.query(Report).filter(Report.source_id == report.id).one()
    assert translation.latest.source_version_id == report.published.id
    client.post(f"/synthesis/reports/{translation.id}/edit",
                data={"title": "Informe regional", "body": translation.latest.body,
                      "save": "Save"})
    assert _publish(client, translation, "members").status_code == 302
    assert not services.report_translation_outdated(translation)
    assert client.get(f"/synthesis/reports/{translation.id}/export/docx").status_code == 200
    # A new published version of the source makes the translation outdated.
    client.post(f"/synthesis/reports/{report.id}/edit",
                data={"title": "Revised", "body": report.published.body + "\nMore.\n",
                      "save": "Save"})
    _publish(client, report, "members")
    db.session.expire_all()
    assert services.report_translation_outdated(db.session.get(Report, translation.id))


def test_markdown_export_pasted_back_into_the_editor_keeps_citations(client, login_as,
                                                                      discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion)
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    exported = client.get(f"/synthesis/reports/{report.id}/export/md").get_data(as_text=True)
    response = client.post(f"/synthesis/reports/{report.id}/edit",
                           data={"title": "Round trip", "body": exported, "save": "Save"})
    assert response.status_code == 302
    db.session.expire_all()
    draft = report.latest
    assert draft.is_draft and draft.number == 2
    assert extract_citations(draft.body) == extract_citations(report.versions[0].body)
    assert "## Sources" not in draft.body and "<!-- sources -->" not in draft.body


def test_exports_leave_out_posts_of_a_hidden_thread_even_for_moderators(client, login_as,
                                                                         discussion):
    login_as(discussion["facilitator"])
    _build(client, discussion)
    report = db.session.query(Report).one()
    _publish(client, report, "members")
    discussion["thread"].is_hidden = True
    db.session.commit()
    login_as(make_user("moderator"))
    assert client.get(f"/synthesis/reports/{report.id}").status_code == 404
    login_as(discussion["facilitator"])
    text = client.get(f"/synthesis/reports/{report.id}/export/md").get_data(as_text=True)
    assert "SIRCE" not in text and "[post:" not in text
    document = docx.Document(io.BytesIO(
        client.get(f"/synthesis/reports/{report.id}/export/docx").data))
    assert not any("SIRCE" in p.text for p in document.paragraphs)


def test_chosen_practice_brings_its_discussion_as_a_section(client, login_as):
    from practices_support import make_practice

    author = make_user("liaison", delegation="PA")
    category = make_category("members")
    thread = make_thread(author, category, title="Panama's registry practice",
                         body="Panama describes its registry.")
    practice = make_practice(author, category=category, title="Registro único de Panamá",
                             thread_id=thread.id)
    login_as(make_user("facilitator"))
    page = client.get("/synthesis/reports/new").get_data(as_text=True)
    assert "Registro único de Panamá" in page
    response = client.post("/synthesis/reports/new", data={
        "title": "Practices", "language": "en", "practices": [str(practice.id)]})
    assert response.status_code == 302
    body = db.session.query(Report).one().latest.body
    assert "## 1. Panama's registry practice" in body
    assert "The delegation of Panama presented its practice" in body
    assert f"[post:{thread.posts[0].id}]" in body
