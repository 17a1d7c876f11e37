"""Practices in the search index: found by system name without accents, `kind:practice`."""

from __future__ import annotations

from factories import make_category, make_user
from flask_login import AnonymousUserMixin
from practices_support import become_fixture, form_data, lists, make_practice, practices_category  # noqa: F401
from sqlalchemy import select

from forum.extensions import db
from forum.models.practices import Practice
from forum.practices import services
from forum.search import engine
from forum.search.writer import safe_sync


def _search(app, q, user=None):
    """Search as the search page does: apply pending changes first."""
    safe_sync(app)
    with app.test_request_context():
        outcome = engine.run(user or AnonymousUserMixin(), q, per_page=50)
    return [(g.item.kind, g.item.obj_id) for g in outcome.groups]


def test_guatemala_practice_found_by_its_system_name_without_accents(app, client, become):
    populations, _, _ = lists()
    category = practices_category()
    liaison = make_user("liaison", delegation="GT")
    moderator = make_user("moderator")
    become(liaison)
    data = form_data(category, [populations["unaccompanied_children"]],
                     title="Registro consular de niñez retornada",
                     system_name="Sistema Único de Atención Consular a la Niñez (SUACÑ)")
    client.post("/practices/new", data=data)
    practice = db.session.scalar(select(Practice))
    client.post(f"/practices/{practice.id}/submit")
    # Not searchable before it is published.
    assert ("practice", practice.id) not in _search(app, "unico atencion consular ninez")
    become(moderator)
    client.post(f"/practices/{practice.id}/publish")
    hits = _search(app, "sistema unico de atencion consular a la ninez")
    assert hits[0] == ("practice", practice.id)
    assert ("practice", practice.id) in _search(app, "kind:practice suacn")
    assert ("practice", practice.id) not in _search(app, "kind:post suacn")
    # The search page links to the practice.
    page = client.get("/search?q=SUACN").get_data(as_text=True)
    assert f"/practices/{practice.id}" in page


def test_title_and_system_name_outrank_body_mentions(app):
    populations, _, _ = lists()
    mx = make_user("liaison", delegation="MX")
    ca = make_user("liaison", delegation="CA")
    named = make_practice(mx, title="Registro de casos", system_name="Atlas Consular",
                          populations=[populations["travellers"]])
    mentioned = make_practice(ca, title="Gestion des dossiers",
                              description="Inspiré de l'outil Atlas utilisé ailleurs.",
                              populations=[populations["travellers"]])
    hits = _search(app, "atlas")
    assert hits.index(("practice", named.id)) < hits.index(("practice", mentioned.id))


def test_only_visible_practices_are_found(app):
    populations, _, _ = lists()
    gt = make_user("liaison", delegation="GT")
    restricted = make_practice(gt, title="Protocolo reservado Quetzal",
                               category=make_category("governments"),
                               populations=[populations["travellers"]])
    draft = make_practice(gt, status="draft", title="Borrador Quetzal",
                          populations=[populations["travellers"]])
    deleted = make_practice(gt, title="Eliminada Quetzal", populations=[populations["travellers"]])
    services.delete_practice(make_user("moderator"), deleted)
    anonymous = _search(app, "quetzal")
    assert ("practice", restricted.id) not in anonymous
    liaison_hits = _search(app, "quetzal", make_user("liaison", delegation="MX"))
    assert ("practice", restricted.id) in liaison_hits
    assert ("practice", draft.id) not in liaison_hits
    assert ("practice", deleted.id) not in liaison_hits


def test_similar_practices_from_other_countries(app, client):
    populations, _, _ = lists()
    mx = make_practice(make_user("liaison", delegation="MX"), title="Registro de niñez no acompañada",
                       system_name="Registro infantil", description="Registro consular de niñez no acompañada en la frontera.",
                       populations=[populations["unaccompanied_children"]])
    gt = make_practice(make_user("liaison", delegation="GT"), title="Niñez no acompañada retornada",
                       description="Registro de niñez no acompañada retornada desde la frontera.",
                       populations=[populations["unaccompanied_children"]])
    safe_sync(app)  # bring the index up to date
    page = client.get(f"/practices/{mx.id}").get_data(as_text=True)
    assert "Similar practices in other countries" in page and f"/practices/{gt.id}" in page
