"""The query language: parse what the user typed into words, phrases, exclusions and filters.

Syntax (documented on the help page): words are all required; ``"exact phrase"``;
``-word`` or ``-"phrase"`` excludes; ``a OR b``; filters ``tag:``, ``country:``, ``category:``,
``author:``, ``lang:``, ``before:``/``after:`` (YYYY-MM-DD), ``in:title`` and ``kind:``; a
filter value with spaces goes in quotes (``country:"estados unidos"``).

Parsing never fails: what cannot be understood becomes a notice and is searched as text or
ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

MAX_QUERY_LENGTH = 500
FIELDS = ("tag", "country", "category", "author", "lang", "before", "after", "in", "kind")
FIELD_ALIASES = {
    "tags": "tag", "etiqueta": "tag", "etiquette": "tag", "étiquette": "tag",
    "pais": "country", "país": "country", "pays": "country", "delegation": "country",
    "categoria": "category", "categoría": "category", "categorie": "category",
    "catégorie": "category", "autor": "author", "auteur": "author", "idioma": "lang",
    "language": "lang", "langue": "lang", "antes": "before", "avant": "before",
    "despues": "after", "después": "after", "apres": "after", "après": "after",
    "en": "in", "dans": "in", "tipo": "kind", "type": "kind",
}
_FIELD_RE = re.compile(r"^([^\W\d_]+):(.*)$", re.UNICODE)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Term:
    """A word or a phrase the documents must (or must not) contain."""

    text: str
    phrase: bool = False


@dataclass
class Clause:
    """One required condition: any of its alternatives (joined by OR)."""

    alternatives: list[Term]


@dataclass
class ParsedQuery:
    """The structured form of a query."""

    raw: str = ""
    clauses: list[Clause] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    before: date | None = None
    after: date | None = None
    in_title: bool = False
    notices: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        """Whether any word or phrase is required."""
        return bool(self.clauses)

    @property
    def is_empty(self) -> bool:
        """Nothing to search for and nothing to filter on."""
        return not (self.clauses or self.excluded or self.filters or self.before or self.after)

    def positive_words(self) -> list[str]:
        """The required single-alternative words and phrases, in order."""
        return [c.alternatives[0].text for c in self.clauses if len(c.alternatives) == 1]

    def add_filter(self, name: str, value: str) -> None:
        """Add a filter value (repeated values: see the help page)."""
        values = self.filters.setdefault(name, [])
        if value not in values:
            values.append(value)


def clean(text: str) -> tuple[str, list[str]]:
    """Drop control characters and cut overlong queries; return the text and notices."""
    notices: list[str] = []
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0]
        notices.append(str(_l("Your search was too long and was shortened to its first %(n)d characters.", n=MAX_QUERY_LENGTH)))
    return text, notices


def _tokens(text: str, notices: list[str]):
    """Yield (kind, value, negated, field) with kind in word|phrase|or|field."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch == "-":
            if i + 1 >= n or text[i + 1].isspace():
                i += 1  # a lone "-" means nothing
                continue
            negated = True
            i += 1
            ch = text[i]
        if ch == '"':
            end = text.find('"', i + 1)
            if end == -1:
                notices.append(str(_l("A quotation mark was not closed: the rest of the search was taken as a phrase.")))
                end = n
            value = text[i + 1:end].strip()
            i = end + 1
            if value:
                yield ("phrase", value, negated, None)
            continue
        j = i
        while j < n and not text[j].isspace():
            if text[j] == '"' and j > i and text[j - 1] == ":":
                close = text.find('"', j + 1)
                if close == -1:
                    notices.append(str(_l("A quotation mark was not closed: the rest of the search was taken as a phrase.")))
                    close = n
                j = close + 1
                break
            j += 1
        word = text[i:j]
        i = j
        if word == "OR" and not negated:
            yield ("or", word, False, None)
            continue
        match = _FIELD_RE.match(word)
        if match and not match.group(2).startswith("//"):
            name = match.group(1).lower()
            name = FIELD_ALIASES.get(name, name)
            value = match.group(2).strip().strip('"').strip()
            if name in FIELDS:
                if value:
                    yield ("field", value, negated, name)
                else:
                    notices.append(str(_l("The filter %(name)s: needs a value, for example %(example)s.", name=name, example=f"{name}:…")))
                continue
            notices.append(str(_l('"%(name)s:" is not a known filter; it was searched as ordinary words.', name=match.group(1))))
            for part in re.split(r"[:]+", word):
                if part.strip('"'):
                    yield ("word", part.strip('"'), negated, None)
            continue
        word = word.strip('"')
        if word:
            yield ("word", word, negated, None)


def parse(raw: str) -> ParsedQuery:
    """Parse a query string; never raises."""
    text, notices = clean(raw)
    query = ParsedQuery(raw=text, notices=notices)
    pending_or = False
    for kind, value, negated, name in _tokens(text, query.notices):
        if kind == "or":
            pending_or = bool(query.clauses)
            continue
        if kind == "field":
            _apply_filter(query, name, value, negated)
            pending_or = False
            continue
        term = Term(value, phrase=(kind == "phrase"))
        if negated:
            query.excluded.append(term)
            pending_or = False
            continue
        if pending_or and query.clauses:
            query.clauses[-1].alternatives.append(term)
        else:
            query.clauses.append(Clause([term]))
        pending_or = False
    return query


def _apply_filter(query: ParsedQuery, name: str, value: str, negated: bool) -> None:
    if negated:
        query.notices.append(str(_l("Filters cannot be excluded with “-”; %(name)s:%(value)s was ignored.", name=name, value=value)))
        return
    if name in ("before", "after"):
        parsed = None
        if _DATE_RE.match(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            query.notices.append(str(_l("“%(value)s” is not a valid date for %(name)s: (use YYYY-MM-DD, e.g. 2025-03-31); the filter was ignored.", value=value, name=name)))
            return
        setattr(query, name, parsed)
        return
    if name == "in":
        if value.lower() in ("title", "titulo", "título", "titre"):
            query.in_title = True
        else:
            query.notices.append(str(_l("in:%(value)s is not supported; use in:title.", value=value)))
        return
    query.add_filter(name, value)
