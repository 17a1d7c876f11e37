"""Every practice page renders for every role and language, on the demo data."""

from __future__ import annotations

import pytest
from practices_support import become_fixture  # noqa: F401
from sqlalchemy import select

from forum.demo import accounts
from forum.demo import practices as demo_practices
from forum.extensions import db
from forum.models import User
from forum.models.practices import Practice, PracticeRevision


@pytest.fixture
def demo(app):
    accounts.seed()
    demo_practices.seed()
    return {u.email: u for u in db.session.scalars(select(User))}


def _pages():
    published = db.session.scalar(select(Practice).where(Practice.status == "published"))
    return [
        "/practices", "/practices?country=MX&population=1&situation=2&status=operational",
        f"/practices/{published.id}", "/countries", "/countries/GT", "/countries/NI",
        "/countries/IOM", "/compare", "/compare?by=populations", "/compare?by=situations",
        "/compare?by=status", "/compare?by=technology", "/compare?population=1&situation=2",
        "/practices/open-data",
    ]


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_public_pages_render(client, demo, become, lang):
    become(None)
    client.post("/language", data={"lang": lang})
    for url in _pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in response.get_data(as_text=True)


@pytest.mark.parametrize("email", ["admin@demo.example", "moderator@demo.example",
                                   "facilitator@demo.example", "observer@demo.example",
                                   "liaison.gt@demo.example"])
def test_member_pages_render(client, demo, become, email):
    become(demo[email])
    practice = db.session.scalar(select(Practice).where(Practice.status == "published"))
    for url in _pages() + [f"/practices/{practice.id}/history",
                           f"/practices/{practice.id}/revisions/1"]:
        assert client.get(url).status_code == 200, url


def test_demo_data_shows_coverage_and_gaps(client, demo):
    page = client.get("/compare").get_data(as_text=True)
    for code in ("BZ", "NI"):
        row = page[page.index(f'id="country-{code}"'):]
        assert "No submission yet" in row[:row.index("</tr>")]
    mexico = page[page.index('id="country-MX"'):]
    assert "Yes" in mexico[:mexico.index("</tr>")]
    assert db.session.scalar(select(PracticeRevision)) is not None


def test_forms_render_for_writers_and_list_managers(client, demo, become):
    become(demo["liaison.gt@demo.example"])
    assert client.get("/practices/new").status_code == 200
    own = db.session.scalar(select(Practice).where(Practice.delegation_id == demo["liaison.gt@demo.example"].delegation_id))
    page = client.get(f"/practices/{own.id}/edit")
    assert page.status_code == 200
    assert own.title in page.get_data(as_text=True)
    become(demo["facilitator@demo.example"])
    for kind in ("indicators", "populations", "situations"):
        assert client.get(f"/practices/lists/{kind}").status_code == 200
        assert client.get(f"/practices/lists/{kind}/new").status_code == 200
    assert client.get("/practices/review").status_code == 200


def test_a_new_installation_gets_the_default_lists(client, become):
    from factories import make_user

    from forum.models.practices import MinimumIndicator

    become(make_user("liaison", delegation="NI"))
    page = client.get("/practices/new").get_data(as_text=True)
    assert "Unaccompanied children and adolescents" in page and "Case identifier" in page
    assert db.session.scalar(select(MinimumIndicator).where(MinimumIndicator.code == "follow_up"))


def test_home_page_lists_recent_practices(client, demo):
    page = client.get("/").get_data(as_text=True)
    assert "Recently published practices" in page
    assert "Case management for U.S. citizens in crisis abroad" in page or "Asistencia consular" in page
