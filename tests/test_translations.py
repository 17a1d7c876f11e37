"""The Spanish and French catalogs are complete: every message of the code is translated."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "fr")


def load(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def catalog(lang: str):
    return load(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po")


def key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str]:
    """Every msgid in the code and templates now, extracted as `make extract-messages` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "pyproject.toml",
         "-k", "_l", "-k", "lazy_gettext", "--no-location", "--sort-output",
         "--ignore-dirs", ".* node_modules build dist instance", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    ids = {key(m) for m in load(pot) if m.id}
    assert len(ids) > 100  # the extraction really ran over the code and the templates
    return ids


TEMPLATE_MESSAGE = re.compile(r"""\b_\(\s*(["'])(.+?)\1\s*[,)]""")


def test_extraction_reaches_every_template(extracted):
    """Cross-check the extractor's configuration: each literal _("...") of every template
    (partials and macros in folders starting with "_" too) must be among the extracted ids."""
    missed = set()
    for path in (ROOT / "forum" / "templates").rglob("*"):
        if path.suffix in (".html", ".txt"):
            for _quote, text in TEMPLATE_MESSAGE.findall(path.read_text(encoding="utf-8")):
                if text not in extracted:
                    missed.add(f"{path.relative_to(ROOT)}: {text}")
    assert not missed, "\n".join(sorted(missed))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    problems = []
    for message in catalog(lang):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {key(message)!r}")
        elif not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {key(message)!r}")
    assert not problems, f"{lang}: " + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_covers_every_extracted_message(lang, extracted):
    present = {key(m) for m in catalog(lang) if m.id}
    missing = sorted(extracted - present)
    assert not missing, (
        f"{lang}: run `make update-translations` and translate:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    errors = [
        f"{key(message)!r}: {', '.join(map(str, errs))}"
        for message, errs in catalog(lang).check()
        if errs
    ]
    assert not errors, f"{lang}:\n" + "\n".join(errors)


@pytest.mark.parametrize(("lang", "required"), [("es", "Este campo es obligatorio."),
                                                ("fr", "Ce champ est requis.")])
def test_form_messages_in_the_reader_language(client, lang, required):
    response = client.post("/auth/login", data={"email": "", "password": ""},
                           headers={"Accept-Language": lang})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert required in page  # WTForms' own messages
    assert "Please correct" not in page and "This field is required." not in page
