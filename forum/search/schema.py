"""The index schema: searchable text plus the stored and sortable fields used to filter and facet."""

from __future__ import annotations

from whoosh import fields

from .analysis import multilingual_analyzer, pair_analyzer, spelling_analyzer

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 6


def make_schema() -> fields.Schema:
    """A fresh schema object (one per index)."""
    text = multilingual_analyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True, sortable=True),
        # Looked up by value, never by range: one term per value (the default indexes 16).
        obj_id=fields.NUMERIC(int, bits=64, stored=True, shift_step=0),
        group=fields.ID(stored=True, sortable=True),
        post_id=fields.NUMERIC(int, bits=64, stored=True, shift_step=0),
        title=fields.TEXT(analyzer=text, field_boost=2.0),
        body=fields.TEXT(analyzer=text),
        # Adjacent stems of title and body ("a b"): exact phrases are looked up, not verified
        # position by position in every document holding all their words.
        title_pairs=fields.TEXT(analyzer=pair_analyzer(), phrase=False, field_boost=2.0),
        body_pairs=fields.TEXT(analyzer=pair_analyzer(), phrase=False),
        spell=fields.TEXT(analyzer=spelling_analyzer(), phrase=False),
        tags=fields.KEYWORD(sortable=True),
        tagkeys=fields.KEYWORD(commas=True),
        gstems=fields.KEYWORD,
        variants=fields.STORED,
        country=fields.ID(sortable=True),
        category=fields.ID(sortable=True),
        author=fields.ID,
        lang=fields.ID(sortable=True),
        hidden=fields.ID,
        created=fields.DATETIME(sortable=True),
        stamp=fields.STORED,
    )


# The word-pair field of each phrase-searchable text field (filled from the same text).
PAIR_FIELDS = {"title": "title_pairs", "body": "body_pairs"}

# Fields a document builder may fill; `stamp` and the pair fields are computed from the others.
DOCUMENT_FIELDS = (
    "key", "kind", "obj_id", "group", "post_id", "title", "body", "tags", "country",
    "category", "author", "lang", "hidden", "created", "tagkeys", "gstems", "variants",
)
