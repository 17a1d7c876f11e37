"""Thread summaries (versions, citations, outdated marker, translations) and clips."""

from __future__ import annotations

from factories import make_category, make_post, make_thread, make_user
from flask import render_template_string

from forum.extensions import db
from forum.models import Clip, Summary, SummaryVersion
from forum.synthesis import services


def _summary_box(thread) -> str:
    return render_template_string('{% include "synthesis/_thread_summary.html" %}', thread=thread)


def test_facilitator_writes_summary_with_cited_post(client, login_as):
    facilitator = make_user("facilitator")
    liaison = make_user("liaison", delegation="PA")
    thread = make_thread(liaison, body="Panama registers every case in a shared ledger.")
    first = thread.posts[0]
    login_as(facilitator)
    response = client.post(f"/synthesis/threads/{thread.id}/summary",
                           data={"body": f"Panama keeps a ledger.\n\n[post:{first.id}]",
                                 "language": "en", "note": ""})
    assert response.status_code == 302
    summary = db.session.query(Summary).one()
    assert summary.current_version.number == 1
    assert summary.current_version.last_post_id == first.id
    login_as(make_user("observer"))
    with client.application.test_request_context():
        pass
    page = client.get(f"/synthesis/threads/{thread.id}/summary/history")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Panama registers every case" in html  # quote of the cited post
    assert "Panama" in html and f'data-post-id="{first.id}"' in html


def test_empty_summary_is_refused_and_text_kept(client, login_as):
    thread = make_thread()
    login_as(make_user("facilitator"))
    response = client.post(f"/synthesis/threads/{thread.id}/summary",
                           data={"body": "   ", "language": "en"})
    assert response.status_code == 422
    assert "A summary cannot be empty." in response.get_data(as_text=True)
    assert db.session.query(Summary).count() == 0


def test_citation_to_missing_post_is_refused(client, login_as):
    thread = make_thread()
    login_as(make_user("facilitator"))
    response = client.post(f"/synthesis/threads/{thread.id}/summary",
                           data={"body": "See [post:999999] for details.", "language": "en"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "[post:999999] does not exist" in text
    assert "See [post:999999] for details." in text  # what was typed is kept
    assert db.session.query(Summary).count() == 0


def test_citation_to_post_the_audience_cannot_read_is_refused(client, login_as):
    public_thread = make_thread(category=make_category("public"))
    staff_thread = make_thread(make_user("facilitator"), category=make_category("staff"),
                               body="Internal staff note.")
    login_as(make_user("facilitator"))
    response = client.post(
        f"/synthesis/threads/{public_thread.id}/summary",
        data={"body": f"As said in [post:{staff_thread.posts[0].id}].", "language": "en"})
    assert response.status_code == 422
    assert "cannot be read by everyone" in response.get_data(as_text=True)


def test_hidden_post_citation_is_refused(app):
    thread = make_thread()
    post = make_post(thread, body="To be hidden.")
    post.is_hidden = True
    db.session.commit()
    with app.test_request_context():
        assert services.citation_problems(f"[post:{post.id}]", "public")


def test_only_facilitators_write_summaries(client, login_as):
    thread = make_thread()
    for role in ("liaison", "observer", "moderator"):
        login_as(make_user(role))
        response = client.post(f"/synthesis/threads/{thread.id}/summary",
                               data={"body": "A summary.", "language": "en"})
        assert response.status_code == 403, role
    login_as(None)
    assert client.get(f"/synthesis/threads/{thread.id}/summary").status_code == 302  # log in


def test_outdated_marker_counts_new_posts_until_updated_or_confirmed(app, client, login_as):
    facilitator = make_user("facilitator")
    thread = make_thread()
    summary = services.save_summary(thread, facilitator, "Everyone agrees.", language="en")
    assert services.summary_status(summary).new_posts == 0
    with app.test_request_context():
        assert "Outdated" not in _summary_box(thread)

    make_post(thread, body="New point one.")
    make_post(thread, body="New point two.")
    deleted = make_post(thread, body="Deleted point.")
    deleted.is_deleted = True
    db.session.commit()
    assert services.summary_status(summary).new_posts == 2
    with app.test_request_context():
        box = _summary_box(thread)
    assert "2 new posts since this summary was written." in box
    assert facilitator.display_name in box

    # A liaison sees the marker too (it is shown to everyone).
    login_as(make_user("liaison"))
    page = client.get(f"/synthesis/threads/{thread.id}/summary/history")
    assert "2 new posts since" in page.get_data(as_text=True)

    # Confirming clears it.
    login_as(facilitator)
    response = client.post(f"/synthesis/summaries/{summary.id}/confirm")
    assert response.status_code == 302
    db.session.expire_all()
    assert services.summary_status(db.session.get(Summary, summary.id)).new_posts == 0

    # A new post brings it back; a new version clears it again.
    make_post(thread, body="Yet another point.")
    assert services.summary_status(db.session.get(Summary, summary.id)).new_posts == 1
    services.save_summary(thread, facilitator, "Everyone agrees, with a nuance.", language="en")
    summary = db.session.get(Summary, summary.id)
    assert services.summary_status(summary).new_posts == 0
    assert [v.number for v in summary.versions] == [1, 2]


def test_versions_are_kept_and_diffable(client, login_as):
    facilitator = make_user("facilitator")
    thread = make_thread()
    services.save_summary(thread, facilitator, "Line one.\nLine two.", language="en")
    services.save_summary(thread, facilitator, "Line one.\nLine three.", language="en")
    assert db.session.query(SummaryVersion).count() == 2
    login_as(make_user("liaison"))
    html = client.get(f"/synthesis/threads/{thread.id}/summary/history?a=1&b=2").get_data(
        as_text=True)
    assert "removed:" in html and "Line two." in html
    assert "added:" in html and "Line three." in html


def test_translation_is_marked_outdated_with_its_source(app):
    facilitator = make_user("facilitator")
    thread = make_thread()
    source = services.save_summary(thread, facilitator, "Agreed.", language="en")
    translation = services.save_summary_translation(source, facilitator, "Acordado.",
                                                    language="es")
    assert translation.current_version.source_version_id == source.current_version_id
    assert not services.summary_status(translation).outdated

    make_post(thread, body="Something new.")
    assert services.summary_status(translation).new_posts == 1  # outdated source, outdated copy
    services.confirm_summary(source, facilitator)
    assert not services.summary_status(translation).outdated

    services.save_summary(thread, facilitator, "Agreed, again.", language="en")
    status = services.summary_status(translation)
    assert status.source_newer and status.outdated
    with app.test_request_context(headers={"Accept-Language": "es"}):
        box = _summary_box(thread)
    assert "Acordado." in box


def test_citation_quote_only_for_readers_of_the_post(app):
    facilitator = make_user("facilitator")
    staff_thread = make_thread(facilitator, category=make_category("staff"),
                               body="Confidential staff detail.")
    summary = services.save_summary(
        staff_thread, facilitator, f"[post:{staff_thread.posts[0].id}]", language="en")
    from forum.synthesis.citing import render_with_citations

    with app.test_request_context():
        assert "Confidential staff detail." in render_with_citations(
            summary.current_version.body, facilitator)
        liaison_view = render_with_citations(summary.current_version.body, make_user("liaison"))
    assert "Confidential" not in liaison_view
    assert "citation not available" in liaison_view


def test_clip_whole_post_and_passage_keep_text_after_edit(client, login_as):
    facilitator = make_user("facilitator")
    author = make_user("liaison", delegation="GT")
    thread = make_thread(author, body="Guatemala opened three new consulates along the route.")
    post = thread.posts[0]
    login_as(facilitator)
    response = client.post(f"/synthesis/posts/{post.id}/clip",
                           data={"collection": "0", "new_collection": "Consular networks",
                                 "text": "", "note": "Useful", "whole": "Clip whole post"})
    assert response.status_code == 302
    response = client.post(f"/synthesis/posts/{post.id}/clip",
                           data={"collection": str(db.session.query(Clip).one().collection_id),
                                 "text": "three new consulates", "note": "",
                                 "passage": "Clip passage"})
    assert response.status_code == 302
    clips = db.session.query(Clip).order_by(Clip.id).all()
    assert clips[0].whole_post and "three new consulates" in clips[0].text
    assert clips[1].text == "three new consulates" and not clips[1].whole_post
    assert clips[1].delegation.code == "GT"

    post.body = "Guatemala opened two consulates."
    post.body_html = "<p>Guatemala opened two consulates.</p>"
    post.revision_count = 1
    db.session.commit()
    html = client.get(f"/synthesis/collections/{clips[0].collection_id}").get_data(as_text=True)
    assert "three new consulates" in html
    assert "edited after it was clipped" in html
    assert "Guatemala" in html  # grouped by country


def test_clip_of_text_not_in_post_is_refused(client, login_as):
    thread = make_thread(body="Real words.")
    collection = services.create_collection(make_user("facilitator"), "C")
    login_as(collection.created_by)
    response = client.post(f"/synthesis/posts/{thread.posts[0].id}/clip",
                           data={"collection": str(collection.id), "text": "Invented words",
                                 "passage": "Clip passage"})
    assert response.status_code == 422
    assert "not part of this post" in response.get_data(as_text=True)
    assert db.session.query(Clip).count() == 0


def test_clips_are_for_facilitators(client, login_as):
    thread = make_thread()
    login_as(make_user("liaison"))
    assert client.get(f"/synthesis/posts/{thread.posts[0].id}/clip").status_code == 403
    assert client.get("/synthesis/collections").status_code == 403


def test_post_actions_partial_offers_clip_to_facilitators_only(app):
    thread = make_thread()
    post = thread.posts[0]
    from flask_login import login_user

    template = '{% include "synthesis/_post_actions.html" %}'
    with app.test_request_context():
        login_user(make_user("facilitator"))
        html = render_template_string(template, post=post)
    assert "Clip whole post" in html and f"/synthesis/posts/{post.id}/clip" in html
    with app.test_request_context():
        login_user(make_user("liaison"))
        assert "Clip" not in render_template_string(template, post=post)


def test_thread_page_shows_summary_outdated_marker_and_clip_actions(client, login_as):
    facilitator = make_user("facilitator")
    thread = make_thread(make_user("liaison", delegation="PA"), body="Panama shares its data.")
    services.save_summary(thread, facilitator, f"Panama shares [post:{thread.posts[0].id}].",
                          language="en")
    make_post(thread, make_user("liaison", delegation="MX"), body="Mexico too.")
    login_as(make_user("liaison"))
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "thread-summary" in html and facilitator.display_name in html
    assert "1 new post since this summary was written." in html
    assert "Clip whole post" not in html
    assert "Confirm it is still up to date" not in html
    login_as(facilitator)
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Clip whole post" in html and "Confirm it is still up to date" in html


def test_demo_content_has_outdated_summary_published_report_and_overdue_item(app, client,
                                                                             login_as):
    from forum.demo import run_all
    from forum.models import ActionItem, Report, User, utcnow

    run_all()
    summaries = db.session.query(Summary).filter(Summary.source_id.is_(None)).all()
    assert any(services.summary_status(s).outdated for s in summaries)
    assert db.session.query(Clip).count() >= 3
    report = db.session.query(Report).one()
    assert report.published is not None
    items = db.session.query(ActionItem).all()
    assert len(items) >= 5 and sum(i.is_overdue(utcnow().date()) for i in items) == 1
    login_as(db.session.query(User).filter_by(email="liaison.mx@demo.example").one())
    response = client.get(f"/synthesis/reports/{report.id}/export/docx")
    assert response.status_code == 200
    import io

    import docx

    document = docx.Document(io.BytesIO(response.data))
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)


def test_concurrent_summary_save_is_a_message_not_an_error(client, login_as, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    thread = make_thread()
    login_as(make_user("facilitator"))

    def clash():
        raise IntegrityError("INSERT", {}, Exception("duplicate version number"))

    monkeypatch.setattr(services.db.session, "commit", clash)
    response = client.post(f"/synthesis/threads/{thread.id}/summary",
                           data={"body": "My careful text.", "language": "en"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "at the same moment" in html and "My careful text." in html
