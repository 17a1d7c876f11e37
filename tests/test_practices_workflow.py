"""The review workflow of a practice, end to end through the pages."""

from __future__ import annotations

from factories import make_user
from practices_support import become_fixture, form_data, lists, practices_category  # noqa: F401
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditEvent, Post, Thread
from forum.models.practices import Practice, PracticeRevision, PracticeTransition


def _gt_row(html: str) -> str:
    start = html.index('id="country-GT"')
    return html[start:html.index("</tr>", start)]


def test_guatemala_must_show_scenario(client, become):
    populations, situations, indicators = lists()
    category = practices_category()
    liaison = make_user("liaison", delegation="GT", locale="es")
    moderator = make_user("moderator", locale="en")

    before = client.get("/compare?by=indicators").get_data(as_text=True)
    assert "No submission yet" in _gt_row(before)

    # The liaison creates the practice and saves it as a draft.
    become(liaison)
    data = form_data(
        category, [populations["unaccompanied_children"]],
        indicators={indicators["case_id"]: "yes", indicators["age"]: "partly",
                    indicators["follow_up"]: "no"},
        system_name="Sistema de Atención Consular (SIAC)",
        title="Registro consular de niñez migrante no acompañada",
    )
    response = client.post("/practices/new", data=data)
    assert response.status_code == 302
    practice = db.session.scalar(select(Practice))
    assert practice.status == "draft"
    assert practice.delegation.code == "GT"
    assert practice.revision_count == 1

    # Only Guatemala sees the draft.
    become(moderator)
    assert client.get(f"/practices/{practice.id}").status_code == 404

    # Submit for review.
    become(liaison)
    assert client.post(f"/practices/{practice.id}/submit").status_code == 302
    db.session.refresh(practice)
    assert practice.status == "submitted"

    # The moderator asks for changes with a reason the liaison then reads.
    become(moderator)
    page = client.get(f"/practices/{practice.id}")
    assert page.status_code == 200
    assert "Approve and publish" in page.get_data(as_text=True)
    response = client.post(f"/practices/{practice.id}/request-changes",
                           data={"reason": "Indique desde qué año funciona el sistema."})
    assert response.status_code == 302
    db.session.refresh(practice)
    assert practice.status == "changes_requested"

    become(liaison)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Indique desde qué año funciona el sistema." in page

    # The liaison revises and resubmits.
    data["start_year"] = "2016"
    data["note"] = "Año de inicio"
    data[f"indicator_{indicators['follow_up'].id}"] = "yes"
    assert client.post(f"/practices/{practice.id}/edit", data=data).status_code == 302
    assert client.post(f"/practices/{practice.id}/submit").status_code == 302
    db.session.refresh(practice)
    assert practice.status == "submitted"
    assert practice.revision_count == 2

    # The moderator publishes; a thread opens with a summary first post.
    become(moderator)
    assert client.post(f"/practices/{practice.id}/publish").status_code == 302
    db.session.refresh(practice)
    assert practice.status == "published"
    thread = db.session.get(Thread, practice.thread_id)
    assert thread.title == practice.title
    first = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert "SIAC" in first.body and "/practices/" in first.body_html

    steps = [(t.from_status, t.to_status) for t in db.session.scalars(
        select(PracticeTransition).order_by(PracticeTransition.id))]
    assert steps == [(None, "draft"), ("draft", "submitted"), ("submitted", "changes_requested"),
                     ("changes_requested", "submitted"), ("submitted", "published")]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"practice.request_changes", "practice.publish"} <= actions

    # The Guatemala row of the matrix now shows the coverage, linked to the practice.
    become(None)
    after = _gt_row(client.get("/compare?by=indicators").get_data(as_text=True))
    assert "No submission yet" not in after
    assert f"/practices/{practice.id}" in after
    assert after.count("Yes") == 2 and after.count("Partly") == 1
    assert "No information" in after
    by_population = _gt_row(client.get("/compare?by=populations").get_data(as_text=True))
    assert "Yes" in by_population


def test_revisions_are_kept_and_diffable(client, become):
    populations, _, _ = lists()
    category = practices_category()
    liaison = make_user("liaison", delegation="GT")
    become(liaison)
    data = form_data(category, [populations["detained_nationals"]], title="Visitas a detenidos")
    client.post("/practices/new", data=data)
    practice = db.session.scalar(select(Practice))
    data["description"] = "Visitas mensuales a centros de detención."
    client.post(f"/practices/{practice.id}/edit", data=data)
    revisions = db.session.scalars(select(PracticeRevision).order_by(PracticeRevision.number)).all()
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].snapshot["description"] != revisions[1].snapshot["description"]
    page = client.get(f"/practices/{practice.id}/revisions/2").get_data(as_text=True)
    assert "<ins>" in page and "<del>" in page and "mensuales" in page
    assert client.get(f"/practices/{practice.id}/history").status_code == 200


def test_update_request_and_confirmation(client, become):
    populations, _, _ = lists()
    category = practices_category()
    liaison = make_user("liaison", delegation="MX")
    facilitator = make_user("facilitator")
    become(liaison)
    client.post("/practices/new", data=form_data(category, [populations["travellers"]]))
    practice = db.session.scalar(select(Practice))
    client.post(f"/practices/{practice.id}/submit")
    become(facilitator)
    assert client.post(f"/practices/{practice.id}/publish").status_code == 302
    response = client.post(f"/practices/{practice.id}/request-update", data={"reason": "Please add 2025 figures."})
    assert response.status_code == 302
    db.session.refresh(practice)
    assert practice.status == "update_requested"
    # still public while the update is pending
    become(None)
    assert client.get(f"/practices/{practice.id}").status_code == 200
    become(liaison)
    assert "Please add 2025 figures." in client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert client.post(f"/practices/{practice.id}/confirm-update").status_code == 302
    db.session.refresh(practice)
    assert practice.status == "published"


def test_request_changes_needs_a_reason(client, become):
    populations, _, _ = lists()
    category = practices_category()
    liaison = make_user("liaison", delegation="HN")
    become(liaison)
    client.post("/practices/new", data=form_data(category, [populations["travellers"]]))
    practice = db.session.scalar(select(Practice))
    client.post(f"/practices/{practice.id}/submit")
    become(make_user("moderator"))
    response = client.post(f"/practices/{practice.id}/request-changes", data={"reason": " "})
    assert response.status_code == 422
    assert "the delegation will read it" in response.get_data(as_text=True)
    db.session.refresh(practice)
    assert practice.status == "submitted"


def test_bad_input_is_kept_and_explained(client, become):
    populations, _, _ = lists()
    category = practices_category()
    become(make_user("liaison", delegation="GT"))
    data = form_data(category, [], title="Registro de connacionales", description="",
                     start_year="1949", focal_email="not-an-email",
                     system_name="Sistema único")
    response = client.post("/practices/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose at least one target population." in page
    assert "Enter a year between 1950 and" in page
    assert "Enter a valid email address" in page
    assert "This field is required." in page
    assert 'value="Registro de connacionales"' in page and 'value="Sistema único"' in page
    assert db.session.scalar(select(Practice)) is None

    data = form_data(category, [populations["travellers"]], start_year="2999")
    assert client.post("/practices/new", data=data).status_code == 422
    data = form_data(category, [populations["travellers"]], title="")
    assert "Give the practice a title." in client.post("/practices/new", data=data).get_data(as_text=True)


def test_bad_input_in_spanish(client, become):
    populations, _, _ = lists()
    category = practices_category()
    become(make_user("liaison", delegation="GT", locale="es"))
    response = client.post("/practices/new", data=form_data(category, [], start_year="1900"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Elija al menos una población destinataria." in page
    assert "Indique un año entre 1950 y" in page


def test_a_stale_edit_is_refused_and_keeps_the_text(client, become):
    populations, _, _ = lists()
    category = practices_category()
    liaison = make_user("liaison", delegation="GT")
    colleague = make_user("liaison", delegation="GT")
    become(liaison)
    data = form_data(category, [populations["travellers"]], title="Registro de viajeros")
    client.post("/practices/new", data=data)
    practice = db.session.scalar(select(Practice))
    page = client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    assert 'name="base_revision" type="hidden" value="1"' in page
    become(colleague)
    client.post(f"/practices/{practice.id}/edit",
                data=data | {"base_revision": "1", "description": "Versión de la colega."})
    become(liaison)
    response = client.post(f"/practices/{practice.id}/edit",
                           data=data | {"base_revision": "1", "description": "Mi versión."})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone saved a newer version" in page and "Mi versión." in page
    db.session.refresh(practice)
    assert practice.description == "Versión de la colega." and practice.revision_count == 2


def test_a_step_already_taken_by_someone_else(client, become):
    populations, _, _ = lists()
    category = practices_category()
    liaison = make_user("liaison", delegation="GT")
    become(liaison)
    client.post("/practices/new", data=form_data(category, [populations["travellers"]]))
    practice = db.session.scalar(select(Practice))
    client.post(f"/practices/{practice.id}/submit")
    become(make_user("moderator"))
    assert client.post(f"/practices/{practice.id}/publish").status_code == 302
    # a second reviewer who still sees the old page tries to publish again
    from forum.practices import services

    db.session.refresh(practice)
    from sqlalchemy.orm.attributes import set_committed_value

    set_committed_value(practice, "status", "submitted")  # what the stale page believed
    try:
        services.publish_practice(make_user("facilitator"), practice)
        raised = False
    except services.WorkflowError:
        raised = True
        db.session.rollback()
    assert raised
    assert db.session.scalar(select(func.count(Thread.id))) == 1
    assert client.post(f"/practices/{practice.id}/publish").status_code == 403
