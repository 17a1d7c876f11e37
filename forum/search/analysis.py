"""Text analysis shared by indexing and querying: one analyzer for English, Spanish and French.

The order of the filters matters (measured on real cases): tokenize, lowercase, drop stop words
of the three languages, map irregular English plurals, stem with the Spanish then the English
Snowball stemmer, and only then fold accents. Stemming after folding, or English before Spanish,
makes `países` and `pais` stop matching.

Custom filters are pickled into the index schema: this module path must stay stable.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

# English plurals the stemmers cannot reduce to their singular.
IRREGULAR_PLURALS = {
    "children": "child",
    "women": "woman",
    "men": "man",
    "people": "person",
    "minors": "minor",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "geese": "goose",
    "wives": "wife",
    "lives": "life",
    "knives": "knife",
    "halves": "half",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "analyses": "analysis",
    "crises": "crisis",
    "bases": "basis",
}

def _strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_STOP_WORDS = (
    stopwords_for_language("es") | stopwords_for_language("en") | stopwords_for_language("fr")
)
# Stop words typed without their accents ("tambien", "despues") are stop words too.
STOP_WORDS = frozenset(_STOP_WORDS | {_strip_accents(w) for w in _STOP_WORDS})

# Spanish endings whose written accent the Snowball stemmer relies on ("información" loses
# "ación", "informacion" would keep it): restore the accent when it was typed without one, so
# that both spellings reach the same stem.
_ACCENTED_ENDINGS = (("cion", "ción"), ("sion", "sión"), ("ias", "ías"), ("ia", "ía"))


class IrregularPluralFilter(Filter):
    """Replace irregular English plurals (children, women, people...) by their singular."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                singular = IRREGULAR_PLURALS.get(token.text)
                if singular:
                    token.text = singular
            yield token


class SpanishAccentFilter(Filter):
    """Put back the accent of -ción, -sión and -ía endings typed without it."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for token in tokens:
            text = token.text
            if not token.stopped and len(text) > 4 and text.isascii():
                for plain, accented in _ACCENTED_ENDINGS:
                    if text.endswith(plain):
                        token.text = text[: -len(plain)] + accented
                        break
            yield token


def multilingual_analyzer():
    """The analyzer for every text field (titles, bodies, labels, glossary terms)."""
    return (
        RegexTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | IrregularPluralFilter()
        | SpanishAccentFilter()
        | StemFilter(lang="es", cachesize=50000)
        | StemFilter(lang="en", cachesize=50000)
        | CharsetFilter(accent_map)
    )


class PairFilter(Filter):
    """Join each index term to the next one ("a b"): an exact two-word phrase becomes one term.

    Runs at the end of the multilingual chain, so stop words are already gone and the pairs
    are made of the same stems a phrase query looks for.
    """

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            if token.stopped:
                continue
            text = token.text
            if previous is not None:
                token.text = f"{previous} {text}"
                yield token
            previous = text


def pair_analyzer():
    """The multilingual analyzer followed by `PairFilter`: the terms of the word-pair fields."""
    return multilingual_analyzer() | PairFilter()


def word_pairs(stems: list[str]) -> list[str]:
    """The word-pair terms of a list of index terms (as `PairFilter` makes them)."""
    return [f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False)]


def spelling_analyzer():
    """Words as typed but lowercased and without accents: the vocabulary for suggestions."""
    return RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)


@lru_cache(maxsize=1)
def _shared_analyzer():
    return multilingual_analyzer()


def analyze(text: str) -> list[str]:
    """The index terms of a text, in order (stop words removed)."""
    return [token.text for token in _shared_analyzer()(text or "")]


def fold(text: str) -> str:
    """Casefold and strip accents: the key used to compare labels and names."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())
