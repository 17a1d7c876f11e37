"""The fast paths of search give the same answers as Whoosh's own: phrases, sets, facets, scores."""

from __future__ import annotations

import json
import random
import re
from collections import Counter

import pytest
from factories import make_category, make_post, make_thread, make_user
from flask_login import AnonymousUserMixin
from whoosh import query as wq
from whoosh.scoring import BM25F

from forum.extensions import db
from forum.search import docsets, engine
from forum.search.analysis import analyze
from forum.search.index import handle
from forum.search.queries import Excluding, phrase_query
from forum.search.query import parse
from forum.search.schema import SCHEMA_VERSION
from forum.search.scoring import CachedLengthBM25F
from forum.search.writer import searcher as open_searcher
from forum.search.writer import sync


def run(app, q, user=None, **kwargs):
    sync()
    with app.test_request_context():
        return engine.run(user or AnonymousUserMixin(), q, per_page=100, **kwargs)


def titles(app, q, user=None) -> set[str]:
    return {g.item.group_title for g in run(app, q, user).groups}


# ---------------------------------------------------------------------------------------------
# Phrases
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def phrases(app):
    category = make_category("public")
    texts = {
        "adjacent": ("Protección consular en el campo", "La PROTECCION Consular de los trabajadores."),
        "reversed": ("Consular y protección", "Lo consular y la protección van juntos: consular protección."),
        "apart": ("Protección del personal", "La protección del personal en la misión consular."),
        "pairs only": ("Registro móvil", "El registro consular móvil y el consular digital."),
        "three": ("Registro consular digital", "Nuestro registro consular digital ya funciona."),
        "stop words": ("Rapatriement", "Le consulat organise le rapatriement des dépouilles."),
        "english": ("Shelter network", "We coordinate shelters with civil society."),
    }
    return {label: make_thread(category=category, title=title, body=body, language="es")
            for label, (title, body) in texts.items()}


def test_phrase_needs_adjacent_words_in_order_whatever_the_accents_and_case(app, phrases):
    assert titles(app, '"protección consular"') == {"Protección consular en el campo"}
    assert titles(app, '"PROTECCION consular"') == {"Protección consular en el campo"}
    assert titles(app, '"consular protección"') == {"Consular y protección"}
    assert titles(app, '"protección misión consular"') == set()
    assert titles(app, '"personal misión consular"') == {"Protección del personal"}
    assert titles(app, '"protección del personal"') == {"Protección del personal"}


def test_phrase_skips_stop_words_as_before(app, phrases):
    # Stop words are not indexed: "des" between the words does not break the phrase.
    assert titles(app, '"rapatriement dépouilles"') == {"Rapatriement"}
    assert titles(app, '"rapatriement des dépouilles"') == {"Rapatriement"}
    assert titles(app, '"dépouilles rapatriement"') == set()


def test_longer_phrase_is_checked_word_by_word(app, phrases):
    # "Registro móvil" holds both pairs of the phrase ("registro consular", "consular
    # digital") but not the phrase itself.
    assert titles(app, '"registro consular digital"') == {"Registro consular digital"}
    assert titles(app, '"registro consular"') == {"Registro móvil", "Registro consular digital"}
    assert titles(app, '"consular digital"') == {"Registro móvil", "Registro consular digital"}
    assert titles(app, '"nuestro registro consular digital"') == {"Registro consular digital"}
    assert titles(app, '"registro digital consular"') == set()


def test_phrase_in_title_exclusion_and_or(app, phrases):
    assert titles(app, '"registro consular" in:title') == {"Registro consular digital"}
    assert titles(app, 'consular -"protección consular"') == {
        "Consular y protección", "Protección del personal", "Registro móvil",
        "Registro consular digital"}
    assert titles(app, '"civil society" OR "consular digital"') == {
        "Shelter network", "Registro móvil", "Registro consular digital"}


def test_phrase_results_are_highlighted(app, phrases):
    outcome = run(app, '"registro consular digital"')
    (group,) = outcome.groups
    assert "<mark" in group.snippet and "registro" in group.snippet.lower()


WORDS = ("consular registro digital móvil protección campo frontera niños familia asilo "
         "protection border family children asylum registry").split()


@pytest.fixture
def random_corpus(app):
    """Threads of random text over a small vocabulary: many repeated and adjacent words."""
    rnd = random.Random(11)
    category = make_category("public")
    author = make_user()
    threads = []
    for i in range(30):
        title = " ".join(rnd.choices(WORDS, k=rnd.randint(3, 6)))
        body = " ".join(rnd.choice(WORDS) if rnd.random() > 0.2 else rnd.choice(("de", "la", "the")) for _ in range(rnd.randint(8, 40)))
        threads.append(make_thread(author, category, title=f"{title} {i}", body=body))
    # Edits, replies and deletions: several segments, some with deleted documents.
    for thread in threads[:5]:
        thread.posts[0].body = " ".join(rnd.choices(WORDS, k=20))
    db.session.commit()
    for thread in threads[5:10]:
        make_post(thread, author, body=" ".join(rnd.choices(WORDS, k=15)))
    for thread in threads[10:13]:
        db.session.delete(thread)
    db.session.commit()
    sync()
    return {"rnd": rnd, "threads": threads}


def _docs(searcher, q) -> set[int]:
    return set(searcher.docs_for_query(q))


def test_pair_phrases_match_exactly_what_positions_match(app, random_corpus):
    rnd = random_corpus["rnd"]
    with app.test_request_context():
        searcher = open_searcher()
        assert not searcher.reader().is_atomic()  # several segments
        assert searcher.reader().has_deletions()
        checked = found = 0
        for _ in range(150):
            words = rnd.choices(WORDS, k=rnd.choice((2, 2, 3, 4)))
            stems = analyze(" ".join(words))
            if len(stems) < 2:
                continue
            for field in ("title", "body"):
                expected = _docs(searcher, wq.Phrase(field, stems))
                q = phrase_query(field, stems)
                assert _docs(searcher, q) == expected, (field, words)
                assert docsets.query_docs(searcher, q) == expected, (field, words)
                top = searcher.search(q, limit=5)
                assert {hit.docnum for hit in top} <= expected
                assert len(top) == len(expected)
                checked += 1
                found += bool(expected)
        assert checked > 200 and found > 50


# ---------------------------------------------------------------------------------------------
# Document sets
# ---------------------------------------------------------------------------------------------


def _random_query(rnd, depth=0):
    field = rnd.choice(("title", "body", "kind", "hidden"))
    if field == "kind":
        leaf = wq.Term("kind", rnd.choice(("thread", "post", "tag")))
    elif field == "hidden":
        leaf = wq.Term("hidden", "0")
    else:
        leaf = wq.Term(field, analyze(rnd.choice(WORDS))[0])
    if depth >= 2 or rnd.random() < 0.3:
        return leaf
    shape = rnd.choice(("and", "or", "andnot", "every"))
    children = [_random_query(rnd, depth + 1) for _ in range(rnd.randint(2, 3))]
    if shape == "and":
        return wq.And(children)
    if shape == "or":
        return wq.Or(children)
    if shape == "andnot":
        return Excluding(children[0], children[1])
    return wq.And([wq.Every(), children[0]])


def _reference(searcher, q) -> set[int]:
    """Boolean evaluation from Whoosh's own answer for each term."""
    if isinstance(q, wq.Term):
        return _docs(searcher, q)
    if isinstance(q, wq.Every):
        return set(searcher.reader().all_doc_ids())
    if isinstance(q, wq.AndNot):
        return _reference(searcher, q.a) - _reference(searcher, q.b)
    sets = [_reference(searcher, sub) for sub in q.subqueries]
    return set.intersection(*sets) if isinstance(q, wq.And) else set.union(*sets)


def test_document_sets_equal_whoosh_answers(app, random_corpus):
    rnd = random_corpus["rnd"]
    with app.test_request_context():
        searcher = open_searcher()
        for _ in range(200):
            q = _random_query(rnd)
            expected = _reference(searcher, q)
            assert docsets.query_docs(searcher, q) == expected, q
            assert _docs(searcher, q) == expected, q
            top = searcher.search(q, limit=3)
            assert {hit.docnum for hit in top} <= expected, q
            assert top.scored_length() == min(3, len(expected)), q
            parts = [_random_query(rnd, 2) for _ in range(rnd.randint(1, 3))]
            assert docsets.filter_docs(searcher, parts) == _reference(searcher, wq.And(parts)), parts
        assert docsets.filter_docs(searcher, []) == _docs(searcher, wq.Every())


def test_excluded_word_never_matches(app):
    """Whoosh's AndNot skips its check on the first document of a segment when the excluded
    term's first document comes earlier (see queries.Excluding)."""
    from forum.search.writer import rebuild

    category = make_category("public")
    make_thread(category=category, title="Registro", body="Solo registro.")
    make_thread(category=category, title="Consular", body="Consular y registro.")
    make_thread(category=category, title="Consular limpio", body="Solo consular.")
    rebuild(handle(app))  # one segment, in id order
    outcome = run(app, "consular -registro")
    assert {g.item.group_title for g in outcome.groups} == {"Consular limpio"}
    assert outcome.total == 1
    facets = {f.name: {v.value: v.count for v in f.values} for f in outcome.facets}
    assert facets["kind"] == {"thread": 1}
    with app.test_request_context():
        searcher = open_searcher()
        q = engine.full_query(parse("consular -registro"), searcher)
        assert [hit["key"] for hit in searcher.search(q)] == [
            f"thread:{next(g.item.obj_id for g in outcome.groups)}"]
        plain = wq.AndNot(q.a, q.b)
        assert len(searcher.search(plain)) == 2  # Whoosh's own AndNot keeps "Consular"


def test_scores_equal_whoosh_bm25f(app, random_corpus):
    with app.test_request_context():
        ix = handle().open_current()
        plain, cached = ix.searcher(weighting=BM25F()), ix.searcher(weighting=CachedLengthBM25F())
        found = 0
        try:
            for raw in ("consular", "registro digital", '"protección campo"', "border OR asilo",
                        '"consular registro"', '"consular registro digital"', "familia -niños"):
                q = engine.full_query(parse(raw), plain)
                expected = [(h.docnum, h.score) for h in plain.search(q, limit=None)]
                assert [(h.docnum, h.score) for h in cached.search(q, limit=None)] == expected, raw
                found += bool(expected)
        finally:
            plain.close()
            cached.close()
        assert found >= 5


def test_empty_filter_finds_nothing(app, random_corpus):
    with app.test_request_context():
        searcher = open_searcher()
        assert engine.collapsed_hits(searcher, wq.Term("body", analyze("consular")[0]), set(), 10) == []


# ---------------------------------------------------------------------------------------------
# Facets
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def faceted(app):
    """Threads and replies in categories of every visibility, by several delegations."""
    rnd = random.Random(5)
    authors = [make_user(delegation=code) for code in ("MX", "US", "CA", "GT")]
    categories = [make_category(v, name=f"Area {v}") for v in ("public", "members", "governments", "staff")]
    threads, replies = [], []
    for i in range(24):
        author = rnd.choice(authors)
        thread = make_thread(author, rnd.choice(categories), title=f"Walrus report {i}",
                             body="walrus colony", language=rnd.choice(("en", "es", "fr")),
                             tags=rnd.sample(["ice", "coast", "census"], rnd.randint(0, 2)),
                             is_hidden=(i % 7 == 0))
        threads.append(thread)
        if i % 3 == 0:
            replies.append(make_post(thread, rnd.choice(authors), body="walrus again",
                                     language="es", is_hidden=(i % 2 == 0)))
    sync()
    return threads, replies


READABLE = {
    "anonymous": {"public"},
    "observer": {"public", "members"},
    "liaison": {"public", "members", "governments"},
    "facilitator": {"public", "members", "governments", "staff"},
    "moderator": {"public", "members", "governments", "staff"},
}


def _slow_facet_counts(searcher, docs) -> dict[str, Counter]:
    """Counts read value by value through Whoosh's column readers (the reference)."""
    counts = {}
    reader = searcher.reader()
    for name in engine.FACETS:
        column = reader.column_reader(name)
        counter: Counter = Counter()
        for docnum in docs:
            value = column[docnum]
            if isinstance(value, bytes):
                value = value.decode("utf-8")
            if value:
                counter.update(value.split() if name == "tags" else [value])
        counts[name] = counter
    return counts


@pytest.mark.parametrize("role", ["anonymous", "observer", "liaison", "facilitator", "moderator"])
def test_facet_counts_are_the_counts_of_the_visible_results(app, faceted, role):
    threads, replies = faceted
    user = None if role == "anonymous" else make_user(role)
    outcome = run(app, "walrus", user)
    everything = role == "moderator"
    visible_threads = [t for t in threads if t.category.visibility in READABLE[role]
                       and (everything or not t.is_hidden)]
    visible_replies = [p for p in replies if p.thread in visible_threads
                       and (everything or not p.is_hidden)]
    with app.test_request_context():
        searcher = open_searcher()
        parsed = parse("walrus")
        docs = engine.matched_docs(searcher, engine.full_query(parsed, searcher),
                                   engine.filter_query(user or AnonymousUserMixin(), parsed))
        expected = _slow_facet_counts(searcher, docs)
        keys = {searcher.stored_fields(d)["key"] for d in docs}
    assert outcome.total == len(docs) and not outcome.approximate
    # The visible results are exactly the documents counted.
    assert {f"{g.item.kind}:{g.item.obj_id}" for g in outcome.groups} <= keys
    facets = {f.name: {v.value: v.count for v in f.values} for f in outcome.facets}
    assert facets["country"] == dict(expected["country"])
    assert facets["lang"] == dict(expected["lang"])
    assert facets["kind"] == dict(expected["kind"])
    assert facets["kind"] == {k: n for k, n in (("thread", len(visible_threads)),
                                                ("post", len(visible_replies))) if n}
    assert facets["lang"] == dict(Counter([t.language for t in visible_threads]
                                          + [p.language for p in visible_replies]))
    assert sum(facets["country"].values()) == outcome.total
    assert sum(facets["kind"].values()) == outcome.total
    categories = {v.value: v.count for f in outcome.facets if f.name == "category" for v in f.values}
    assert sum(categories.values()) == outcome.total
    tags = {v.label: v.count for f in outcome.facets if f.name == "tag" for v in f.values}
    assert sum(tags.values()) == sum(expected["tags"].values())


def test_facet_counts_follow_index_changes(app, faceted):
    threads, _replies = faceted
    moderator = make_user("moderator")
    before = run(app, "walrus", moderator)
    lang = {v.value: v.count for f in before.facets if f.name == "lang" for v in f.values}
    thread = next(t for t in threads if t.language != "fr")
    old = thread.language
    thread.language = "fr"
    db.session.commit()
    make_thread(title="Walrus late", body="walrus", language="en")
    after = run(app, "walrus", moderator)
    changed = {v.value: v.count for f in after.facets if f.name == "lang" for v in f.values}
    expected = Counter(lang)
    expected[old] -= 1
    expected["fr"] += 1
    expected["en"] += 1
    assert changed == {k: v for k, v in expected.items() if v}
    assert after.total == before.total + 1


def test_sampled_facets_are_scaled_and_marked_approximate(app, faceted):
    app.config["SEARCH_FACET_SAMPLE"] = 5
    outcome = run(app, "walrus", make_user("moderator"))
    assert outcome.approximate and outcome.total > 5
    kinds = {v.value: v.count for f in outcome.facets if f.name == "kind" for v in f.values}
    assert all(count % -(-outcome.total // 5) == 0 for count in kinds.values())


# ---------------------------------------------------------------------------------------------
# Schema version
# ---------------------------------------------------------------------------------------------


def test_index_of_an_older_schema_is_rebuilt_with_word_pairs(app):
    thread = make_thread(title="Consular registry", body="The consular registry moved online.")
    idx = handle(app)
    path = idx.current_dir()
    cursor = json.loads((path / "cursor.json").read_text())
    cursor["schema"] = SCHEMA_VERSION - 1
    (path / "cursor.json").write_text(json.dumps(cursor))
    idx.close()
    assert titles(app, '"consular registry"') == {thread.title}
    assert idx.current_dir() != path
    assert idx.read_cursor(idx.current_dir())["schema"] == SCHEMA_VERSION
    with app.test_request_context():
        searcher = open_searcher()
        assert "body_pairs" in searcher.schema
        pairs = {t.decode() for t in searcher.lexicon("body_pairs")}
    assert " ".join(analyze("consular registry")) in pairs
    assert all(re.fullmatch(r"\S+ \S+", p) for p in pairs)
