"""Search: the query language, multilingual matching, visibility per role, pages, bad input."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from factories import make_category, make_post, make_thread, make_user
from flask_login import AnonymousUserMixin

from forum.extensions import db
from forum.models import GlossaryEntry, Tag, TagSynonym
from forum.search import engine
from forum.search.analysis import analyze
from forum.search.query import parse
from forum.search.writer import sync


def run(app, q, user=None, **kwargs):
    sync()  # what the search page does first
    with app.test_request_context():
        return engine.run(user or AnonymousUserMixin(), q, per_page=100, **kwargs)


def titles(app, q, user=None, **kwargs) -> set[str]:
    return {g.item.group_title for g in run(app, q, user, **kwargs).groups}


@pytest.fixture
def glossary(app):
    from forum.demo.search import ensure_glossary

    ensure_glossary()


@pytest.fixture
def corpus(app):
    """A few threads in three languages from several delegations."""
    public = make_category("public", name="Practices")
    mx = make_user(delegation="MX", display_name="María Pérez")
    us = make_user(delegation="US", display_name="John Smith")
    ca = make_user(delegation="CA", display_name="Chloé Tremblay")
    tag = Tag(slug="children", label_en="migrant children", label_es="niñez migrante",
              label_fr="enfants migrants")
    tag.synonyms.append(TagSynonym(text="NNA migrantes", key="nna migrantes"))
    db.session.add(tag)
    db.session.commit()
    threads = {
        "minors": make_thread(us, public, title="Unaccompanied minors at the southern border",
                              body="Our consulates interview unaccompanied minors within 24 hours."),
        "proteccion": make_thread(mx, public, title="Protección consular de trabajadores temporales",
                                  body="La protección consular de los trabajadores agrícolas en Canadá.",
                                  language="es"),
        "rapatriement": make_thread(ca, public, title="Rapatriement des dépouilles",
                                    body="Le consulat organise le rapatriement des dépouilles des travailleurs.",
                                    language="fr"),
        "registry": make_thread(mx, public, title="Registro consular en línea",
                                body="El registro consular ahora se hace en línea.", language="es",
                                created_at=datetime(2024, 3, 1), last_post_at=datetime(2024, 3, 1)),
        "shelters": make_thread(us, public, title="Shelter network",
                                body="We coordinate shelters with civil society."),
    }
    threads["shelters"].tags.append(tag)
    db.session.commit()
    reply = make_post(threads["minors"], mx, body="En México, los niños no acompañados reciben un tutor.",
                      language="es")
    return {"threads": threads, "reply": reply, "tag": tag, "users": {"mx": mx, "us": us, "ca": ca},
            "category": public}


# ---------------------------------------------------------------------------------------------
# Analysis and parsing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("niños migrantes", "niño migrante"), ("protección", "proteccion"), ("children", "child"),
    ("enfants", "enfant"), ("élèves", "eleves"), ("países", "pais"), ("MIGRACIÓN", "migracion"),
])
def test_analyzer_matches_forms_and_accents(a, b):
    assert analyze(a) == analyze(b)


def test_parser_understands_every_element(app):
    with app.test_request_context():
        q = parse('visa "exact phrase" -tourism -"old rule" a OR b tag:x country:"costa rica" '
                  'category:c author:ana lang:es before:2025-02-01 after:2024-01-01 in:title kind:post')
    assert [[t.text for t in c.alternatives] for c in q.clauses] == [["visa"], ["exact phrase"], ["a", "b"]]
    assert q.clauses[1].alternatives[0].phrase
    assert [t.text for t in q.excluded] == ["tourism", "old rule"]
    assert q.filters == {"tag": ["x"], "country": ["costa rica"], "category": ["c"],
                         "author": ["ana"], "lang": ["es"], "kind": ["post"]}
    assert str(q.before) == "2025-02-01" and str(q.after) == "2024-01-01" and q.in_title
    assert q.notices == []


@pytest.mark.parametrize("raw, notice", [
    ('"unbalanced quote', "quotation mark"),
    ("foo:bar", "not a known filter"),
    ("after:2025-13-45", "not a valid date"),
    ("before:yesterday", "not a valid date"),
    ("x" * 10000, "too long"),
    ("in:body", "in:title"),
])
def test_parser_reports_problems(app, raw, notice):
    with app.test_request_context():
        assert any(notice in n for n in parse(raw).notices)


@pytest.mark.parametrize("raw", ["-", "OR", "OR OR", "- OR -", "\x00\x01\x1b", '"', "tag:", ":", "-tag:x"])
def test_parser_never_fails(app, raw):
    with app.test_request_context():
        parse(raw)


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------


def test_words_are_all_required_accent_and_case_insensitive(app, corpus):
    assert titles(app, "PROTECCION consular") == {"Protección consular de trabajadores temporales"}
    assert titles(app, "proteccion shelters") == set()
    assert titles(app, "registro linea") == {"Registro consular en línea"}


def test_phrase_or_and_exclusion(app, corpus):
    assert titles(app, '"rapatriement des dépouilles"') == {"Rapatriement des dépouilles"}
    assert titles(app, '"dépouilles rapatriement"') == set()
    assert titles(app, "shelters OR rapatriement") == {"Shelter network", "Rapatriement des dépouilles"}
    assert titles(app, "consular -registro") == {"Protección consular de trabajadores temporales"}


def test_filters(app, corpus):
    all_consular = "consular OR consulat OR consulates"
    assert titles(app, f"{all_consular} country:MX") == {
        "Protección consular de trabajadores temporales", "Registro consular en línea"}
    assert titles(app, "niños country:MX") == {"Unaccompanied minors at the southern border"}
    assert titles(app, f"{all_consular} country:méxico kind:thread") == {
        "Protección consular de trabajadores temporales", "Registro consular en línea"}
    assert titles(app, f'{all_consular} country:"États-Unis"') == {"Unaccompanied minors at the southern border"}
    assert titles(app, f"{all_consular} lang:français") == {"Rapatriement des dépouilles"}
    assert titles(app, f"{all_consular} author:chloe") == {"Rapatriement des dépouilles"}
    assert titles(app, f"{all_consular} before:2025-01-01") == {"Registro consular en línea"}
    assert "Registro consular en línea" not in titles(app, f"{all_consular} after:2025-01-01")
    assert titles(app, "consular in:title") == {"Protección consular de trabajadores temporales",
                                                "Registro consular en línea"}
    assert titles(app, "coordinate tag:niñez-migrante") == {"Shelter network"}
    assert titles(app, "coordinate tag:children") == {"Shelter network"}
    assert titles(app, "category:practices tutor kind:post") == {
        "Unaccompanied minors at the southern border"}
    assert titles(app, "tutor kind:thread") == set()
    outcome = run(app, "consular country:atlantis")
    assert outcome.total == 0 and any("atlantis" in n for n in outcome.notices)


def test_form_filters_and_facets(app, corpus):
    outcome = run(app, "consular OR consulat OR consulates")
    facets = {f.name: {v.value: v.count for v in f.values} for f in outcome.facets}
    assert facets["country"] == {"MX": 2, "US": 1, "CA": 1}
    assert facets["lang"] == {"es": 2, "en": 1, "fr": 1}
    assert facets["kind"] == {"thread": 4}
    narrowed = run(app, "consular OR consulat OR consulates", extra_filters={"country": ["CA"]})
    assert {g.item.group_title for g in narrowed.groups} == {"Rapatriement des dépouilles"}


def test_results_grouped_by_thread_with_post_link(app, corpus):
    outcome = run(app, "minors OR niños")
    assert len(outcome.groups) == 1 and outcome.total == 2 and outcome.total_groups == 1


def test_tag_concept_matches_across_languages(app, corpus):
    for q in ("niñez migrante", "enfants migrants", "NNA migrantes", "migrant children"):
        assert "Shelter network" in titles(app, q), q


def test_glossary_matches_across_languages(app, corpus, glossary):
    assert "Unaccompanied minors at the southern border" in titles(app, "niños no acompañados")
    assert "Unaccompanied minors at the southern border" in titles(app, "mineurs non accompagnés")
    assert "Protección consular de trabajadores temporales" in titles(app, "temporary workers")
    assert "Rapatriement des dépouilles" in titles(app, "repatriation of remains")


def test_highlights_and_ordering(app, corpus):
    outcome = run(app, "consular")
    snippets = " ".join(str(g.snippet) for g in outcome.groups)
    assert '<mark class="hl' in snippets
    newest = run(app, "consular", order="newest")
    assert newest.groups[-1].item.group_title == "Registro consular en línea"


def test_snippets_escape_html(app):
    make_thread(category=make_category("public"), title="Escaping",
                body="<script>alert(1)</script> armadillo")
    snippet = str(run(app, "armadillo").groups[0].snippet)
    assert "<script" not in snippet and "alert(1)" in snippet and "&gt;" in snippet


def test_did_you_mean_and_related_tags(app, corpus):
    outcome = run(app, "repatriament")
    assert outcome.total == 0
    assert outcome.suggestion == "rapatriement"
    outcome = run(app, "shelters")
    assert corpus["tag"].id in [tag.id for tag in outcome.related_tags]


def test_pagination_and_out_of_range_pages(app):
    category = make_category("public")
    for i in range(25):
        make_thread(category=category, title=f"Pangolin {i}")
    with app.test_request_context():
        first = engine.run(AnonymousUserMixin(), "pangolin", per_page=10)
        last = engine.run(AnonymousUserMixin(), "pangolin", per_page=10, page=3)
        beyond = engine.run(AnonymousUserMixin(), "pangolin", per_page=10, page=99)
    assert first.pages == 3 and len(first.groups) == 10 and len(last.groups) == 5
    assert beyond.page == 3 and beyond.notices
    seen = set()
    for page in (1, 2, 3):
        with app.test_request_context():
            seen |= {g.item.obj_id for g in engine.run(AnonymousUserMixin(), "pangolin", per_page=10, page=page).groups}
    assert len(seen) == 25


# ---------------------------------------------------------------------------------------------
# Visibility for every role
# ---------------------------------------------------------------------------------------------

ROLES = ["anonymous", "observer", "liaison", "facilitator", "moderator", "admin", "suspended"]
EXPECTED = {
    "anonymous": {"public"},
    "suspended": {"public"},
    "observer": {"public", "members"},
    "liaison": {"public", "members", "governments"},
    "facilitator": {"public", "members", "governments", "staff"},
    "moderator": {"public", "members", "governments", "staff", "hidden thread", "hidden reply",
                  "deleted reply"},
    "admin": {"public", "members", "governments", "staff", "hidden thread", "hidden reply",
              "deleted reply"},
}


@pytest.fixture
def restricted(app):
    author = make_user("moderator")
    made = {}
    for visibility in ("public", "members", "governments", "staff"):
        category = make_category(visibility, name=f"Zone {visibility}")
        made[visibility] = make_thread(author, category, title=f"Zebra {visibility}", body="zebra")
    public = made["public"].category
    made["hidden thread"] = make_thread(author, public, title="Zebra hidden thread", body="zebra",
                                        is_hidden=True)
    host = make_thread(author, public, title="Host thread", body="nothing here")
    made["hidden reply"] = make_post(host, author, body="zebra secretword", is_hidden=True)
    other_host = make_thread(author, public, title="Second host", body="nothing there")
    made["deleted reply"] = make_post(other_host, author, body="zebra deletedword", is_deleted=True)
    return made


def _user(role):
    if role == "anonymous":
        return None
    if role == "suspended":
        return make_user("liaison", suspended=True)
    return make_user(role)


def _labels(outcome, made) -> set[str]:
    keys = {(g.item.kind, g.item.obj_id) for g in outcome.groups}
    out = set()
    for label, obj in made.items():
        kind = "post" if "reply" in label else "thread"
        if (kind, obj.id) in keys:
            out.add(label)
    return out


@pytest.mark.parametrize("role", ROLES)
def test_visibility_per_role(app, restricted, role, client, login_as):
    user = _user(role)
    outcome = run(app, "zebra", user)
    assert _labels(outcome, restricted) == EXPECTED[role]
    # Counts and facets only count what the user may read.
    assert outcome.total == len(EXPECTED[role])
    categories = {v.label for f in outcome.facets if f.name == "category" for v in f.values}
    for visibility in ("members", "governments", "staff"):
        assert (f"Zone {visibility}" in categories) == (visibility in EXPECTED[role])
    # Hidden text never shows, not in results, snippets or suggestions.
    secret = run(app, "secretword", user)
    assert (secret.total > 0) == ("hidden reply" in EXPECTED[role])
    typo = run(app, "secretwrd", user)
    assert (typo.suggestion is not None) == ("hidden reply" in EXPECTED[role])
    # The page itself, through the client.
    if user is not None and role != "suspended":
        login_as(user)
    page = client.get("/search?q=zebra").get_data(as_text=True)
    assert ("Zone staff" in page) == ("staff" in EXPECTED[role])
    assert (f"/threads/{restricted['hidden thread'].id}" in page) == ("hidden thread" in EXPECTED[role])
    assert ("secretword" in page) == ("hidden reply" in EXPECTED[role])


def test_similar_json_and_related_are_visible_only(app, client, login_as):
    staff = make_category("staff")
    public = make_category("public")
    mx = make_user(delegation="MX")
    gt = make_user(delegation="GT")
    make_thread(mx, staff, title="Consular registry reform secret", body="registry reform")
    visible = make_thread(gt, public, title="Consular registry reform", body="registry reform",
                          language="es")
    own = make_thread(mx, public, title="Registry reform in Mexico", body="registry reform")
    data = client.get("/search/similar?title=registry reform").get_json()
    assert [r["title"] for r in data["results"]] == ["Consular registry reform", "Registry reform in Mexico"] or \
        {r["title"] for r in data["results"]} == {"Consular registry reform", "Registry reform in Mexico"}
    assert client.get("/search/similar?title=").get_json() == {"results": []}
    from forum.search.related import related_threads

    with app.test_request_context():
        items = related_threads(AnonymousUserMixin(), own)
    assert [i.obj_id for i in items] == [visible.id]  # other delegations only, visible only
    assert items[0].country == "GT" and items[0].language == "es"
    page = client.get(f"/threads/{own.id}").get_data(as_text=True)
    assert "Consular registry reform" in page and "secret" not in page


# ---------------------------------------------------------------------------------------------
# Pages and bad input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [
    '"unbalanced', "-", "OR", "foo:bar baz", "after:2025-99-99", "x" * 10000, "a\x00b\x1bc",
    "country:", "tag:nonexistent", "((()))", "*", "kind:nothing", "before:2020-01-01 after:2021-01-01",
])
def test_bad_queries_never_fail(client, corpus, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("args", [
    {"q": "consular", "page": "abc"}, {"q": "consular", "page": "-5"}, {"q": "consular", "page": "999999"},
])
def test_bad_pages_give_a_sensible_page(client, corpus, args):
    assert client.get("/search", query_string=args).status_code == 200


def test_invalid_form_values_are_400_with_the_text_kept(client, corpus):
    response = client.get("/search", query_string={"q": "consular", "after": "2025-13-45"})
    assert response.status_code == 400
    assert 'value="consular"' in response.get_data(as_text=True)
    response = client.get("/search", query_string={"q": "consular", "country": "ZZ"})
    assert response.status_code == 400


def test_search_page_shows_results_facets_and_count(client, corpus):
    html = client.get("/search?q=consular").get_data(as_text=True)
    assert "<mark" in html and "results" in html
    assert "/posts/" in html or "/threads/" in html
    assert 'href="/search?' in html
    assert re.search(r"Mexico.*\(\d+\)", html, re.S)


def test_search_page_in_three_languages(client, corpus):
    for lang, word in (("en", "Results"), ("es", "Resultados"), ("fr", "Résultats")):
        html = client.get("/search?q=consular", headers={"Accept-Language": lang}).get_data(as_text=True)
        assert word in html, lang
    for lang, word in (("en", "How to search"), ("es", "Cómo buscar"), ("fr", "Comment chercher")):
        html = client.get("/search/help", headers={"Accept-Language": lang}).get_data(as_text=True)
        assert word in html, lang


def test_header_search_box_on_every_page(client):
    html = client.get("/").get_data(as_text=True)
    assert 'role="search"' in html and '<label for="site-search"' in html


def test_empty_search_suggests_tags(client, corpus):
    corpus["tag"].thread_count = 1
    db.session.commit()
    html = client.get("/search").get_data(as_text=True)
    assert "migrant children" in html


def test_just_posted_is_found_by_the_next_search(client, app, login_as):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False  # as if the drain after the response did not run
    thread = make_thread(category=make_category("public"), title="Fresh okapi")
    html = client.get("/search?q=okapi").get_data(as_text=True)
    assert f"/threads/{thread.id}" in html and "okapi</mark>" in html


def test_new_thread_shows_similar_step_without_javascript(client, login_as, app):
    category = make_category("members")
    make_thread(category=category, title="Consular registry reform", body="reform of the registry")
    login_as(make_user("liaison"))
    form = {"category": category.slug, "title": "Registry reform", "body": "How did you do it?",
            "language": "en", "tags": ""}
    response = client.post("/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "These threads look similar" in html
    assert 'name="similar_seen"' in html and 'value="Registry reform"' in html
    response = client.post("/new", data=form | {"similar_seen": "1"})
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------------
# Glossary management
# ---------------------------------------------------------------------------------------------


def test_glossary_pages_for_moderators_only(client, login_as, app):
    login_as(make_user("liaison"))
    assert client.get("/search/glossary").status_code == 200
    assert client.get("/search/glossary/new").status_code == 403
    moderator = login_as(make_user("moderator"))
    assert client.get("/search/glossary/new").status_code == 200
    response = client.post("/search/glossary/new", data={"terms_en": "", "terms_es": "", "terms_fr": ""})
    assert response.status_code == 422
    response = client.post("/search/glossary/new", data={
        "terms_en": "consular card", "terms_es": "matrícula consular\nmatrícula", "terms_fr": ""})
    assert response.status_code == 302
    entry = db.session.scalar(db.select(GlossaryEntry))
    assert entry.terms("es") == ["matrícula consular", "matrícula"]
    from forum.models import AuditEvent

    assert db.session.scalar(db.select(AuditEvent.action)) == "glossary.create"
    make_thread(category=make_category("public"), title="Matrícula consular en Houston", language="es")
    assert "Matrícula consular en Houston" in titles(app, "consular card")
    response = client.post(f"/search/glossary/{entry.id}/edit", data={
        "terms_en": "consular ID card", "terms_es": "matrícula consular", "terms_fr": "carte consulaire"})
    assert response.status_code == 302
    assert "Matrícula consular en Houston" in titles(app, "carte consulaire")
    assert client.post(f"/search/glossary/{entry.id}/delete").status_code == 302
    assert db.session.get(GlossaryEntry, entry.id) is None
    assert moderator


def test_seeded_glossary_has_forty_terms(app, glossary):
    entries = db.session.scalars(db.select(GlossaryEntry)).all()
    assert len(entries) >= 40
    assert all(e.terms("en") and e.terms("es") and e.terms("fr") for e in entries)
