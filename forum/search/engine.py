"""Running searches: Whoosh queries from parsed input, visible results, facets, highlights.

Hits are only ids: every result is loaded back through SQL with the visible_* filters. Counts,
facets and suggestions come from the index restricted by the same rules (readable categories,
hidden documents for moderators only), and suggestions are offered only when they find
something the user may see.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select
from whoosh import query as wq
from whoosh.highlight import ContextFragmenter, HtmlFormatter

from .. import permissions
from ..caching import fragments
from ..caching.fragments import delegation_directory
from ..extensions import db
from ..models import Category, Tag
from ..platform.i18n import current_language, language_name
from . import concepts, docsets
from .analysis import analyze, fold
from .queries import Excluding, phrase_query
from .query import ParsedQuery, Term, parse
from .registry import KINDS, ResultItem, result_kinds
from .writer import searcher as open_searcher

FACETS = ("country", "tags", "category", "lang", "kind")
ORDERS = ("relevance", "newest")


@dataclass
class FacetValue:
    """One value of a facet with its count among the visible matches."""

    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    """Counts by one field (country, tag, category, language, kind)."""

    name: str
    param: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


@dataclass
class ResultGroup:
    """One line of results: a thread (or other group) and its best matching document."""

    item: ResultItem
    title_html: Markup
    snippet: Markup
    matches: int = 1


@dataclass
class Outcome:
    """Everything the search page shows."""

    query: ParsedQuery
    groups: list[ResultGroup] = field(default_factory=list)
    total: int = 0
    total_groups: int = 0
    approximate: bool = False
    page: int = 1
    pages: int = 0
    per_page: int = 10
    facets: list[Facet] = field(default_factory=list)
    suggestion: str | None = None
    related_tags: list = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    order: str = "relevance"


# ---------------------------------------------------------------------------------------------
# Building Whoosh queries
# ---------------------------------------------------------------------------------------------


def _word_query(stems, fields) -> wq.Query:
    parts = [wq.Or([wq.Term(f, s) for f in fields]) for s in stems]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _term_query(term: Term, fields) -> wq.Query | None:
    stems = analyze(term.text)
    if not stems:
        return None
    if term.phrase and len(stems) > 1:
        return wq.Or([phrase_query(f, stems) for f in fields])
    return _word_query(stems, fields)


def text_query(parsed: ParsedQuery, searcher=None) -> wq.Query | None:
    """The text part: required clauses (expanded through the glossary and tag concepts)."""
    fields = ["title"] if parsed.in_title else ["title", "body"]
    built: list[tuple[tuple[str, ...] | None, wq.Query]] = []
    for clause in parsed.clauses:
        alternatives = [q for q in (_term_query(t, fields) for t in clause.alternatives) if q]
        if not alternatives:
            continue
        simple = len(clause.alternatives) == 1 and not clause.alternatives[0].phrase
        stems = tuple(analyze(clause.alternatives[0].text)) if simple else None
        built.append((stems, alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)))
    if not built:
        return None
    if searcher is None:
        searcher = open_searcher()
    all_stems = [s for stems, _q in built if stems for s in stems]
    for covered, others in concepts.glossary_expansions(all_stems, searcher):
        group = [(stems, q) for stems, q in built if stems and set(stems) <= covered]
        if not group:
            continue
        rest = [(stems, q) for stems, q in built if not (stems and set(stems) <= covered)]
        original = group[0][1] if len(group) == 1 else wq.And([q for _s, q in group])
        expanded = wq.Or([original] + [_word_query(o, fields) for o in others])
        built = rest + [(None, expanded)]
    main = built[0][1] if len(built) == 1 else wq.And([q for _s, q in built])
    if not parsed.in_title and all(len(c.alternatives) == 1 for c in parsed.clauses):
        tag_id = concepts.tag_for_text(" ".join(c.alternatives[0].text for c in parsed.clauses), searcher)
        if tag_id is not None:
            main = wq.Or([main, wq.Term("tags", str(tag_id), boost=2.0)])
    return main


def full_query(parsed: ParsedQuery, searcher=None) -> wq.Query:
    """Text query with exclusions; everything when only filters were given."""
    main = text_query(parsed, searcher)
    fields = ["title"] if parsed.in_title else ["title", "body"]
    excluded = [q for q in (_term_query(t, fields) for t in parsed.excluded) if q]
    if main is None:
        main = wq.Every()
    if excluded:
        main = Excluding(main, wq.Or(excluded) if len(excluded) > 1 else excluded[0])
    return main


def _any(fieldname: str, values) -> wq.Query:
    values = [str(v) for v in values]
    if not values:  # matches nothing (NullQuery would be dropped from an And)
        return wq.Term(fieldname, "\x00none")
    if len(values) == 1:
        return wq.Term(fieldname, values[0])
    return wq.Or([wq.Term(fieldname, v) for v in values])


def readable_category_ids(user) -> tuple[int, ...]:
    """Ids of the categories `user` can read, in their display order, cached per kind of reader."""
    return fragments.cached_value(
        ("readable-category-ids", *fragments.viewer_key(user)),
        lambda: tuple(db.session.scalars(
            select(Category.id).where(permissions.visible_categories(user))
            .order_by(Category.position, Category.id))),
    )


def visibility_filter(user, kinds: list[str] | None = None) -> list[wq.Query]:
    """Index filters matching what `user` may read (kinds, readable categories, hidden)."""
    readable = readable_category_ids(user)
    kinds = kinds or result_kinds()
    parts = [_any("kind", kinds)]
    in_categories = _any("category", readable)
    if "tag" in kinds:
        in_categories = wq.Or([in_categories, wq.Term("kind", "tag")])
    parts.append(in_categories)
    if not permissions.is_moderator(user):
        parts.append(wq.Term("hidden", "0"))
    return parts


def filter_query(user, parsed: ParsedQuery) -> list[wq.Query]:
    """Visibility plus the user's filters, as parts that must all match.

    Unknown filter values match nothing (with a notice).
    """
    kinds = None
    if parsed.filters.get("kind"):
        kinds = []
        for value in parsed.filters["kind"]:
            from .registry import kind_for_alias

            name = kind_for_alias(value)
            if name and KINDS[name].in_results:
                kinds.append(name)
            else:
                parsed.notices.append(_("There is no kind “%(value)s”; use thread or post.", value=value))
        kinds = kinds or ["__none__"]
    parts = visibility_filter(user, kinds)
    for value in parsed.filters.get("tag", []):
        ids = concepts.resolve_tags(value)
        if not ids:
            parsed.notices.append(_("No tag is called “%(value)s”.", value=value))
        parts.append(_any("tags", ids))
    resolvers = {
        "country": (concepts.country_codes, "country",
                    _("No country or delegation is called “%(value)s”.")),
        "lang": (concepts.language_codes, "lang",
                 _("“%(value)s” is not a language of the exchange (en, es, fr).")),
        "author": (concepts.author_ids, "author", _("No member is called “%(value)s”.")),
        "category": (lambda v: concepts.category_ids(v, permissions.visible_categories(user)),
                     "category", _("No category is called “%(value)s”.")),
    }
    for name, (resolve, fieldname, message) in resolvers.items():
        values = parsed.filters.get(name)
        if not values:
            continue
        found: list = []
        for value in values:
            matched = resolve(value)
            if not matched:
                parsed.notices.append(message % {"value": value})
            found.extend(matched)
        parts.append(_any(fieldname, found))
    if parsed.after or parsed.before:
        start = datetime.combine(parsed.after, time.min) if parsed.after else None
        end = datetime.combine(parsed.before, time.min) if parsed.before else None
        if start and end and start >= end:
            parsed.notices.append(_("The “after” date is not before the “before” date: nothing can match."))
        parts.append(wq.DateRange("created", start, end, endexcl=True))
    return parts


# ---------------------------------------------------------------------------------------------
# Searching
# ---------------------------------------------------------------------------------------------


def _sample(docs: list[int], cap: int) -> tuple[list[int], int]:
    if len(docs) <= cap:
        return docs, 1
    step = math.ceil(len(docs) / cap)
    return docs[::step], step


def _facets(searcher, docs: list[int], parsed: ParsedQuery, cap: int) -> tuple[list[Facet], bool]:
    sample, step = _sample(docs, cap)
    counts: dict[str, Counter] = {}
    for name in FACETS:
        values = docsets.column_values(searcher, name, split=(name == "tags"))
        counter: Counter = Counter()
        if values is not None:
            found = [v for v in map(values.__getitem__, sample) if v is not None]
            if name == "tags":
                for tags in found:
                    counter.update(tags)
            else:
                counter.update(found)
        counts[name] = Counter({k: v * step for k, v in counter.items()}) if step > 1 else counter
    return _label_facets(counts, parsed), step > 1


def _label_facets(counts: dict[str, Counter], parsed: ParsedQuery) -> list[Facet]:
    facets = []
    selected = {k: {fold(v) for v in vs} for k, vs in parsed.filters.items()}
    lang = current_language()
    countries = {d["code"]: d for d in delegation_directory()}
    facet = Facet("country", "country", _("Country or organization"))
    for code, n in counts["country"].most_common(15):
        d = countries.get(code)
        name = (d["names"].get(lang) or d["names"]["en"]) if d else code
        facet.values.append(FacetValue(code, name, n, fold(code) in selected.get("country", set())))
    facets.append(facet)
    tags = tag_directory()
    facet = Facet("tag", "tag", _("Tag"))
    for tid, n in counts["tags"].most_common(12):
        tag = tags.get(int(tid)) if tid.isdigit() else None
        if tag is not None:
            facet.values.append(FacetValue(tag.slug, tag.label, n,
                                           fold(tag.slug) in selected.get("tag", set())))
    facets.append(facet)
    categories = category_directory()
    facet = Facet("category", "category", _("Category"))
    for cid, n in counts["category"].most_common(12):
        cat = categories.get(int(cid)) if cid.isdigit() else None
        if cat is not None:
            slug, names = cat
            facet.values.append(FacetValue(slug, names.get(lang) or names["en"], n,
                                           fold(slug) in selected.get("category", set())))
    facets.append(facet)
    facet = Facet("lang", "lang", _("Language"))
    for code, n in counts["lang"].most_common():
        facet.values.append(FacetValue(code, language_name(code), n, code in selected.get("lang", set())))
    facets.append(facet)
    facet = Facet("kind", "kind", _("Kind"))
    for name, n in counts["kind"].most_common():
        if name in KINDS:
            facet.values.append(FacetValue(name, str(KINDS[name].label), n,
                                           name in selected.get("kind", set())))
    facets.append(facet)
    return facets


def _highlight(hit, fieldname: str, text: str, top: int) -> Markup | None:
    if not text:
        return None
    try:
        fragment = hit.highlights(fieldname, text=text, top=top)
    except Exception:  # highlighting is cosmetic: fall back to plain text
        current_app.logger.exception("search: highlighting failed")
        return None
    return Markup(fragment) if fragment else None


def _shorten(text: str, size: int = 240) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"


def filter_docs(searcher, parts: list[wq.Query]) -> frozenset[int]:
    """Documents matching every filter part (kept while the searcher lives: see docsets)."""
    return docsets.filter_docs(searcher, parts)


def matched_set(searcher, q, parts) -> frozenset[int] | set[int]:
    """Document numbers of every visible match."""
    allowed = filter_docs(searcher, parts if isinstance(parts, list) else [parts])
    if isinstance(q, wq.Every) or not allowed:
        return allowed
    # `allowed` holds live documents only, so the raw sets need no deletion check.
    return allowed.intersection(docsets.raw_docs(searcher, q))


def matched_docs(searcher, q, parts) -> list[int]:
    """Document numbers of every visible match, in index order."""
    return sorted(matched_set(searcher, q, parts))


def collapsed_hits(searcher, q, allowed, wanted: int, **kwargs) -> list:
    """The best hit of each group (thread), best groups first, at least `wanted` groups.

    Whoosh's own `collapse` is ignored when a filter is given, so groups are collapsed here.
    """
    if not allowed:
        return []  # (Whoosh ignores an empty filter: it would return every match)
    limit = max(wanted * 3, 30)
    allowed_docs = docsets.AllowedDocs(allowed if isinstance(allowed, (set, frozenset)) else set(allowed))
    while True:
        results = searcher.search(q, filter=allowed_docs, limit=limit, **kwargs)
        results.fragmenter = ContextFragmenter(maxchars=260, surround=70)
        results.formatter = HtmlFormatter(tagname="mark", classname="hl", termclass="t",
                                          between=" … ")
        seen: set = set()
        hits = []
        for hit in results:
            group = hit["group"]
            if group in seen:
                continue
            seen.add(group)
            hits.append(hit)
            if len(hits) >= wanted:
                return hits
        if results.scored_length() < limit or limit >= 20000:
            return hits
        limit *= 4


def run(user, raw: str, *, extra_filters: dict | None = None, order: str = "relevance",
        page: int = 1, per_page: int | None = None) -> Outcome:
    """Search as `user`: grouped, visible, highlighted results with facets and hints."""
    parsed = parse(raw)
    for name, values in (extra_filters or {}).items():
        for value in values:
            if name in ("before", "after"):
                setattr(parsed, name, value)
            elif name == "in_title":
                parsed.in_title = parsed.in_title or bool(value)
            elif value:
                parsed.add_filter(name, value)
    per_page = per_page or current_app.config["SEARCH_RESULTS_PER_PAGE"]
    order = order if order in ORDERS else "relevance"
    outcome = Outcome(query=parsed, per_page=per_page, order=order, notices=parsed.notices)
    if parsed.is_empty:
        outcome.related_tags = popular_tags(user)
        return outcome
    searcher = open_searcher()
    q = full_query(parsed, searcher)
    parts = filter_query(user, parsed)
    matched = matched_set(searcher, q, parts)
    docs = sorted(matched)
    outcome.total = len(docs)
    groups = docsets.column_values(searcher, "group")
    cap = current_app.config["SEARCH_FACET_SAMPLE"]
    sample, step = _sample(docs, cap)
    if groups is not None:
        outcome.total_groups = len(set(map(groups.__getitem__, sample))) * step
        outcome.approximate = step > 1
    outcome.facets, approx = _facets(searcher, docs, parsed, cap)
    outcome.approximate = outcome.approximate or approx
    outcome.pages = max(1, math.ceil(outcome.total_groups / per_page)) if docs else 0
    if page > max(outcome.pages, 1):
        outcome.notices.append(_("There is no page %(page)d of these results; here is the last one.", page=page))
        page = max(outcome.pages, 1)
    outcome.page = max(page, 1)
    if docs:
        kwargs = {"sortedby": "created", "reverse": True} if order == "newest" else {}
        hits = collapsed_hits(searcher, q, matched, outcome.page * per_page, **kwargs)
        outcome.groups = _load_groups(user, hits[(outcome.page - 1) * per_page:])
    if parsed.has_text:
        outcome.related_tags = related_tags(user, parsed, outcome.facets, searcher=searcher)
        if outcome.total == 0 or len(outcome.groups) == 0:
            outcome.suggestion = did_you_mean(user, parsed, searcher)
    return outcome


def _load_groups(user, hits) -> list[ResultGroup]:
    wanted: dict[str, list[int]] = {}
    for hit in hits:
        wanted.setdefault(hit["kind"], []).append(hit["obj_id"])
    loaded = {kind: KINDS[kind].load(user, ids) for kind, ids in wanted.items() if kind in KINDS}
    groups = []
    for hit in hits:
        item = loaded.get(hit["kind"], {}).get(hit["obj_id"])
        if item is None:  # not visible (or the index is behind): never shown
            continue
        title = _highlight(hit, "title", item.group_title, 1) if hit["kind"] == "thread" else None
        snippet = _highlight(hit, "body", item.text, 2)
        groups.append(ResultGroup(
            item=item,
            title_html=title or escape(item.group_title or item.title),
            snippet=snippet or escape(_shorten(item.text)),
        ))
    return groups


def popular_tags(user, limit: int = 12) -> list:
    """The most used tags, for empty searches."""
    threads = permissions.visible_tag_threads(user)
    return db.session.scalars(
        select(Tag).where(Tag.merged_into_id.is_(None), threads > 0)
        .order_by(threads.desc(), Tag.slug).limit(limit)
    ).all()


def related_tags(user, parsed: ParsedQuery, facets: list[Facet], limit: int = 8, searcher=None) -> list:
    """Tags named like the query, then the tags most common among the visible results."""
    ids: list[int] = []
    words = [analyze(t.text) for c in parsed.clauses for t in c.alternatives]
    stems = [s for group in words for s in group]
    if stems:
        if searcher is None:
            searcher = open_searcher()
        words_q = wq.Or([wq.Term(f, s) for s in stems for f in ("title", "body")])
        # Driven by the few tag documents, not by every document holding the words (the
        # kind term adds the same score to every tag, so the order is the words' order).
        for hit in searcher.search(wq.And([wq.Term("kind", "tag"), words_q]), limit=limit):
            ids.append(hit["obj_id"])
    slugs = [v.value for f in facets if f.name == "tag" for v in f.values]
    tags = tag_directory()
    ordered = [tags[i] for i in ids if i in tags and not tags[i].merged]
    if slugs:
        by_slug = {t.slug: t for t in tags.values()}
        ordered += [by_slug[s] for s in slugs if s in by_slug and by_slug[s] not in ordered]
    if ordered:  # a tag named like the query may be used only where the reader cannot look
        allowed = set(db.session.scalars(select(Tag.id).where(
            Tag.id.in_([t.id for t in ordered]), permissions.visible_tags(user))))
        ordered = [t for t in ordered if t.id in allowed]
    return ordered[:limit]


@dataclass(frozen=True)
class TagLabel:
    """A tag as search pages show it: slug and label in each language (plain, cacheable)."""

    id: int
    slug: str
    labels: dict
    merged: bool

    @property
    def label(self) -> str:
        """The label in the reader's language."""
        return self.labels.get(current_language()) or self.labels["en"]


def tag_directory() -> dict[int, TagLabel]:
    """Every tag's slug and labels, cached under the content generation."""

    def load() -> dict[int, TagLabel]:
        tags = db.session.scalars(select(Tag)).all()
        return {t.id: TagLabel(t.id, t.slug, {lang: t.label_in(lang) for lang in ("en", "es", "fr")},
                               t.merged_into_id is not None) for t in tags}

    return fragments.cached_value(("tag-directory",), load)


def category_directory() -> dict[int, tuple[str, dict[str, str]]]:
    """Every category's slug and names by language, cached under the content generation."""

    def load():
        return {c.id: (c.slug, {lang: c.name_in(lang) for lang in ("en", "es", "fr")})
                for c in db.session.scalars(select(Category))}

    return fragments.cached_value(("category-directory",), load)


def did_you_mean(user, parsed: ParsedQuery, searcher) -> str | None:
    """A corrected query that finds something this user may see, or None."""
    reader = searcher.reader()
    corrected = parsed.raw
    changed = False
    for clause in parsed.clauses:
        for term in clause.alternatives:
            for word in term.text.split():
                key = fold(word)
                if not key or reader.doc_frequency("spell", key) > 0:
                    continue
                options = searcher.suggest("spell", key, limit=1, maxdist=2, prefix=1)
                if options and options[0] != key:
                    corrected = corrected.replace(word, options[0], 1)
                    changed = True
    if not changed:
        return None
    candidate = parse(corrected)
    candidate.filters = parsed.filters
    candidate.before, candidate.after, candidate.in_title = parsed.before, parsed.after, parsed.in_title
    if matched_docs(searcher, full_query(candidate, searcher), filter_query(user, candidate)):
        return corrected
    return None
