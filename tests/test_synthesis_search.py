"""Summaries are searchable with `kind:summary`, only by readers of their thread."""

from __future__ import annotations

from factories import make_category, make_thread, make_user
from flask_login import AnonymousUserMixin

from forum.search import engine
from forum.synthesis import services


def _titles(app, q, user=None) -> list[tuple[str, str]]:
    with app.test_request_context():
        result = engine.run(user or AnonymousUserMixin(), q, per_page=100)
    found = []
    for group in result.groups:
        for item in [group.item, *getattr(group, "children", [])]:
            found.append((item.kind, item.title))
    return found


def test_summary_found_with_kind_filter_and_visibility(app):
    facilitator = make_user("facilitator")
    public = make_thread(make_user(), make_category("public"), title="Mobile consulates",
                         body="We visit farms every month.")
    staff = make_thread(facilitator, make_category("staff"), title="Internal planning",
                        body="Budget lines.")
    services.save_summary(public, facilitator, "Delegations described **itinerant** "
                          f"consular services [post:{public.posts[0].id}].", language="en")
    services.save_summary(staff, facilitator, "The itinerant budget was discussed.",
                          language="en")

    anonymous = _titles(app, "itinerant kind:summary")
    assert ("summary", "Mobile consulates") in anonymous
    assert all(title != "Internal planning" for _kind, title in anonymous)
    assert all(kind == "summary" for kind, _title in anonymous)

    staff_view = _titles(app, "itinerant kind:summary", facilitator)
    assert ("summary", "Internal planning") in staff_view

    # A new version is indexed again (the old words are gone).
    services.save_summary(public, facilitator, "Delegations described travelling teams.",
                          language="en")
    assert ("summary", "Mobile consulates") not in _titles(app, "itinerant kind:summary")
    assert ("summary", "Mobile consulates") in _titles(app, "travelling kind:resumen")


def test_search_page_lists_summaries(app, client):
    facilitator = make_user("facilitator")
    thread = make_thread(make_user(), make_category("public"), title="Mobile consulates",
                         body="We visit farms every month.")
    services.save_summary(thread, facilitator, "Delegations described itinerant services.",
                          language="en")
    response = client.get("/search?q=itinerant+kind:summary")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Mobile consulates" in html and "itinerant" in html
