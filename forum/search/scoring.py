"""Scoring: Whoosh's BM25F, with each segment's field lengths kept in memory.

BM25F needs the length of the field in every document it scores; Whoosh reads it from the file,
one seek per document and term. The lengths of a segment never change, so they are read once
(see docsets.field_lengths) and scores are the same as Whoosh's own.
"""

from __future__ import annotations

from whoosh.scoring import BM25F, BM25FScorer

from . import docsets


class CachedLengthBM25F(BM25F):
    """BM25F reading field lengths from memory."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if type(scorer) is BM25FScorer and searcher.is_atomic():
            lengths = docsets.field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer
