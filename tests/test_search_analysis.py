"""The multilingual analyzer: spellings with and without accents reach the same terms."""

from __future__ import annotations

import pytest

from forum.search.analysis import analyze


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("información", "informacion"),
        ("deportación", "deportacion"),
        ("coordinación", "coordinacion"),
        ("misión", "mision"),
        ("categorías", "categorias"),
        ("garantía", "garantia"),
        ("protección consular", "proteccion consular"),
        ("niños no acompañados", "ninos no acompanados"),
        ("países", "paises"),
        ("élèves", "eleves"),
    ],
)
def test_accents_do_not_matter(accented, plain):
    assert analyze(accented) == analyze(plain)
    assert analyze(accented)


def test_stop_words_typed_without_accents_are_dropped():
    assert analyze("también") == analyze("tambien") == []


def test_plural_and_singular_meet():
    assert analyze("children") == analyze("child")
    assert analyze("enfants") == analyze("enfant")
    assert analyze("migrantes") == analyze("migrante")
