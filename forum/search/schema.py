"""The index schema: searchable text plus the stored and sortable fields used to filter and facet."""

from __future__ import annotations

from whoosh import fields

from .analysis import multilingual_analyzer, spelling_analyzer

# Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 4


def make_schema() -> fields.Schema:
    """A fresh schema object (one per index)."""
    text = multilingual_analyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True, sortable=True),
        obj_id=fields.NUMERIC(int, bits=64, stored=True),
        group=fields.ID(stored=True, sortable=True),
        post_id=fields.NUMERIC(int, bits=64, stored=True),
        title=fields.TEXT(analyzer=text, field_boost=2.0),
        body=fields.TEXT(analyzer=text),
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


# Fields a document builder may fill; `stamp` is computed from the others.
DOCUMENT_FIELDS = (
    "key", "kind", "obj_id", "group", "post_id", "title", "body", "tags", "country",
    "category", "author", "lang", "hidden", "created", "tagkeys", "gstems", "variants",
)
