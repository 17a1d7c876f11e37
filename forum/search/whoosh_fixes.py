"""A fix to whoosh-reloaded 2.7.5 applied at import: remember fields without a length column.

Writing a segment asks the per-document reader for the length of the field of every posting;
for fields without lengths (ids, keywords, numbers: a third of all postings) Whoosh looks for
the column file on disk again each time (`os.path.exists` per posting, about a tenth of a full
rebuild). A segment's files never change once written, so the answer is kept.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3PerDocReader

_MISSING = object()


def _cached_reader(self, fieldname, column):
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
    return reader


def apply() -> None:
    """Install the fix (idempotent)."""
    W3PerDocReader._cached_reader = _cached_reader
