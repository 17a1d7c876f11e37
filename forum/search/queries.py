"""Query classes: exact phrases from the word-pair fields, and an exclusion that holds.

Phrases
-------

Whoosh checks a `Phrase` by reading the positions of its words in every document that holds
all of them: for two frequent words that is most of the index. The index also stores, for the
title and the body, each pair of adjacent stems as one term (``title_pairs``, ``body_pairs``,
made by `analysis.PairFilter` after the same analysis, so stop words are skipped the same way).

- A two-word phrase is exactly "the pair term is present": a term lookup.
- A longer phrase needs every one of its pairs; positions are then read only in the documents
  holding all the pairs, which keeps the answer exact ("a b x b c" has both pairs of "a b c"
  but not the phrase).

The words themselves are part of each query so that scores and highlights keep working on the
title and body fields.

Exclusions
----------
Whoosh's `AndNotMatcher` checks its first document against the excluded side only when both
sides start on the same document: when the excluded term's first document comes earlier, the
first match of each segment is kept even if it holds the excluded term. `Excluding` checks it.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.matching import AndNotMatcher, IntersectionMatcher, NullMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2, SpanWrappingMatcher
from whoosh.util import make_binary_tree

from .analysis import word_pairs
from .schema import PAIR_FIELDS


def phrase_query(fieldname: str, stems: list[str]) -> wq.Query:
    """Documents whose `fieldname` holds `stems` adjacent and in this order."""
    pairs_field = PAIR_FIELDS.get(fieldname)
    if len(stems) < 2:
        return wq.Term(fieldname, stems[0]) if stems else wq.NullQuery
    if pairs_field is None:
        return wq.Phrase(fieldname, list(stems))
    if len(stems) == 2:
        words = [wq.Term(fieldname, s) for s in dict.fromkeys(stems)]
        return wq.And([wq.Term(pairs_field, word_pairs(stems)[0])] + words)
    return PairedPhrase(fieldname, list(stems))


class PairedPhrase(wq.Phrase):
    """A phrase of three or more words, checked only where all its word pairs occur."""

    def normalize(self):
        return self

    def matcher(self, searcher, context=None):
        pairs_field = PAIR_FIELDS.get(self.fieldname)
        if pairs_field is None or pairs_field not in searcher.schema or len(self.words) < 3:
            return super().matcher(searcher, context)
        reader = searcher.reader()
        pairs = list(dict.fromkeys(word_pairs(self.words)))
        if any((pairs_field, p) not in reader for p in pairs):
            return NullMatcher()
        if any((self.fieldname, w) not in reader for w in self.words):
            return NullMatcher()
        gate = wq.And([wq.Term(pairs_field, p) for p in pairs]).matcher(searcher, context)
        if not gate.is_active():
            return NullMatcher()
        words = [wq.Term(self.fieldname, w).matcher(searcher, context) for w in self.words]
        m = _GatedPhraseMatcher(gate, words)
        if self.boost != 1.0:
            m = WrappingMatcher(m, boost=self.boost)
        return m


class _GatedPhraseMatcher(SpanNear2.SpanNear2Matcher):
    """Whoosh's phrase matcher, moved only through documents that also match `gate`."""

    def __init__(self, gate, ms):
        self.gate = gate
        self.ms = ms
        self.slop = 1
        self.ordered = True
        self.mindist = 1
        words = make_binary_tree(IntersectionMatcher, ms)
        SpanWrappingMatcher.__init__(self, IntersectionMatcher(gate, words))

    def copy(self):
        return self.__class__(self.gate.copy(), [m.copy() for m in self.ms])

    def supports_block_quality(self):
        # Skipping a block by quality would land on a document whose positions were not
        # checked: never skip, every candidate is checked.
        return False


class Excluding(wq.AndNot):
    """Documents matching `a` and not `b` (see the module docstring)."""

    def matcher(self, searcher, context=None):
        return _AndNotMatcher(self.a.matcher(searcher, context),
                              self.b.matcher(searcher, searcher.boolean_context()))


class _AndNotMatcher(AndNotMatcher):
    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()
