"""The personal-data detector: English, Spanish and French examples and false positives."""

from __future__ import annotations

import pytest

from forum.content.personal_data import find_personal_data, looks_personal

PERSONAL = [
    # English
    ("en", "email", "Write to maria.lopez84@gmail.com about her situation."),
    ("en", "phone", "His sister can be reached at +1 (202) 555-0147."),
    ("en", "phone", "Call her at 202-555-0147 after six."),
    ("en", "id_number", "His passport number is G12345678 and it expired."),
    ("en", "id_number", "The A-number A-123-456-789 appears on the notice."),
    ("en", "birth_date", "John Smith, born on March 3, 1990, was detained in Texas."),
    ("en", "birth_date", "Date of birth: 12/03/1990."),
    # Spanish
    ("es", "email", "Puede escribir a jperez@hotmail.com para más datos."),
    ("es", "phone", "Su teléfono es 8888-1234 en Costa Rica."),
    ("es", "phone", "Tel. 5512345678"),
    ("es", "id_number", "Pasaporte núm. E1234567, emitido en Tegucigalpa."),
    ("es", "id_number", "Su CURP es GODE561231HDFRRN09."),
    ("es", "id_number", "Presentó su DPI 2345 67890 0101 en el consulado."),
    ("es", "birth_date", "María José Hernández, nacida el 5 de mayo de 1998, fue detenida."),
    ("es", "birth_date", "Fecha de nacimiento: 03/04/2001"),
    ("es", "birth_date", "El menor Carlos Ruiz (14/02/2010) viajaba solo."),
    # French
    ("fr", "email", "Son adresse est jean.dupont@orange.fr."),
    ("fr", "phone", "Téléphone : +33 6 12 34 56 78"),
    ("fr", "id_number", "Numéro de passeport 19AB12345 délivré à Paris."),
    ("fr", "id_number", "Sa carte d'identité n° 123456789012 a été perdue."),
    ("fr", "birth_date", "Marie Claire Dubois, née le 12 mars 1985, est détenue."),
    ("fr", "birth_date", "Date de naissance : 1er janvier 1999"),
]


@pytest.mark.parametrize("lang,kind,text", PERSONAL)
def test_detects_personal_data(app, lang, kind, text):
    kinds = {f.kind for f in find_personal_data(text)}
    assert kind in kinds, (lang, text, kinds)


NOT_PERSONAL = [
    # years, periods and dates without a person
    "Between 2019 and 2023 the consulates registered more cases.",
    "During 2019-2020 the protocol was reviewed.",
    "Entre 2018-2022 se atendieron casos en 14 consulados.",
    "The workshop took place on 12/03/2024 in San José.",
    "Le protocole est entré en vigueur le 1er janvier 2020.",
    # case counts and statistics
    "We handled 12,345 cases and 1.234.567 consular services in 2022.",
    "Atendimos 3 456 casos, un 12,5 % más que en 2021.",
    "Nous avons traité 45 000 dossiers, soit 23,4 % de plus.",
    "The budget was USD 2,500,000 for 2023-2024.",
    # article, law and decree numbers
    "Article 123 of Law 8764 defines the consular register.",
    "Según el artículo 27 de la Ley 1070-2019 y el Decreto 45-2016.",
    "Selon l'article L. 313-11 et le décret n° 2019-1234 du code.",
    "Resolution 12345678 of the Ministry.",
    "Expediente número 2023-004567 del Ministerio.",
    # institutional mailboxes and words without numbers
    "Write to consulado@sre.gob.mx or info@iom.int for the guide.",
    "Passport procedures vary between countries.",
    "La cédula consular se expide en 30 días.",
    "Contact the protection desk by phone during office hours.",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_false_positives(app, text):
    assert find_personal_data(text) == [], text


def test_configurable_patterns(app):
    app.config["MODERATION_PERSONAL_DATA_PATTERNS"] = {"case_file": r"\bEXP-\d{6}\b"}
    assert [f.kind for f in find_personal_data("See EXP-123456.")] == ["case_file"]
    app.config["MODERATION_PERSONAL_DATA_DISABLED"] = ["email"]
    assert not looks_personal("maria.lopez84@gmail.com")


def test_findings_have_positions(app):
    text = "Call 202-555-0147 now."
    (finding,) = find_personal_data(text)
    assert text[finding.start:finding.end] == finding.text == "202-555-0147"


def test_guard_asks_then_flags_confirmed_items(app):
    from factories import make_post, make_thread
    from flask import render_template_string
    from sqlalchemy import select

    from forum.content.personal_data_guard import PersonalDataGuard
    from forum.extensions import db
    from forum.models import Flag

    text = "Her passport number is G12345678."
    with app.test_request_context(method="POST", data={"body": text}):
        guard = PersonalDataGuard(text)
        assert guard.needs_confirmation and guard.kinds == ["id_number"]
        html = render_template_string(
            '{% include "moderation/_personal_data_warning.html" %}', personal_data=guard)
        assert "This platform is for practices, not cases." in html
        assert "G12345678" in html and 'name="personal_data_confirmed"' in html
    post = make_post(make_thread(), body=text)
    with app.test_request_context(method="POST",
                                  data={"body": text, "personal_data_confirmed": "1"}):
        guard = PersonalDataGuard(text)
        assert not guard.needs_confirmation
        guard.flag_if_confirmed("post", post.id)
        guard.flag_if_confirmed("post", post.id)  # never twice
    flag = db.session.scalars(select(Flag)).one()
    assert (flag.is_automatic, flag.reason, flag.reporter_id, flag.detail) == (
        True, "personal_data", None, "id_number")
    with app.test_request_context(method="POST", data={"body": "Article 12 of Law 8764."}):
        guard = PersonalDataGuard("Article 12 of Law 8764.")
        assert not guard.needs_confirmation
        guard.flag_if_confirmed("post", post.id + 1)
    assert len(db.session.scalars(select(Flag)).all()) == 1
