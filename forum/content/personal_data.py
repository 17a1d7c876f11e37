"""The personal-data guard: spot text that looks like data about one person.

The exchange is for practices, not cases. Before a post or practice is stored, its text is
scanned for identity-document numbers, phone numbers, individual email addresses and dates of
birth next to names, in English, Spanish and French wording. Years, case counts, statistics and
article or law numbers are not personal data and must not trigger the warning.

Configuration (all optional):
- MODERATION_PERSONAL_DATA_DISABLED: names of built-in detectors to switch off
  ("email", "phone", "id_number", "birth_date").
- MODERATION_PERSONAL_DATA_PATTERNS: extra {name: regular expression} detectors.
- MODERATION_GENERIC_EMAIL_PREFIXES: local parts of institutional mailboxes that are not
  personal (info@, consulado@, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, has_app_context

BUILTIN_DETECTORS = ("email", "phone", "id_number", "birth_date")

DEFAULT_GENERIC_EMAIL_PREFIXES = (
    "info", "contact", "contacto", "contactos", "consulado", "consulate", "consulat", "consular",
    "embajada", "embassy", "ambassade", "protection", "proteccion", "protecao", "admin",
    "office", "oficina", "bureau", "secretaria", "secretariat", "secretariado", "noreply",
    "no-reply", "press", "prensa", "presse", "webmaster", "help", "ayuda", "aide", "support",
    "soporte", "atencion", "citas", "mail", "correo", "comunicacion", "communication",
)

EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-]{1,64})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")

# Phone candidates: an optional +, then digits with the usual separators.
PHONE_RE = re.compile(r"(?<![\w/.,])(\+?\(?\d[\d\s().\-]{6,}\d)(?![\w/])")
PHONE_WORDS = re.compile(
    r"(?:tel(?:[ée]fono|[ée]phone|ephone)?|phone|m[óo]vil|mobile|portable|celular|cel|"
    r"whats ?app|cell)\.?\s*:?\s*$",
    re.IGNORECASE,
)
# Words that make a nearby number a legal reference, a count or a statistic.
REFERENCE_WORDS = re.compile(
    r"(?:art[íi]?(?:cle|culo|\.)?s?|ley|law|loi|decreto|d[ée]cret|decree|reglamento|"
    r"r[ée]glement|resoluci[óo]n|r[ée]solution|resolution|acuerdo|accord|agreement|"
    r"expediente|n[º°o]\.?|num(?:ber|[ée]ro)?\.?|n[úu]mero|no\.|case|caso|cas|dossier|file|"
    r"isbn|issn|p\.|pp\.|page|p[áa]gina)\s*:?\s*$",
    re.IGNORECASE,
)
YEAR_RANGE_RE = re.compile(r"^(?:19|20)\d{2}\s*[-–/]\s*(?:19|20)\d{2}$")
GROUPED_NUMBER_RE = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d+)?$")

ID_WORDS = (
    r"passport|pasaporte|passeport|dpi|dui|curp|rut|rfc|c[ée]dula|"
    r"id(?:entity)?\s*(?:card|number|no\.?)|national\s+id|"
    r"documento\s+(?:de\s+identidad|nacional)|n[úu]mero\s+de\s+(?:identidad|identificaci[óo]n|documento)|"
    r"carte\s+d['’]identit[ée]|pi[èe]ce\s+d['’]identit[ée]|num[ée]ro\s+d['’]identit[ée]|"
    r"alien\s+(?:registration\s+)?number|a-number|green\s+card|residence\s+card|"
    r"tarjeta\s+de\s+residencia|carte\s+de\s+s[ée]jour|visa\s+(?:no\.?|number|n[úu]mero|num[ée]ro)|"
    r"social\s+security|ssn|nss|seguro\s+social|s[ée]curit[ée]\s+sociale"
)
ID_NEAR_RE = re.compile(
    rf"\b(?:{ID_WORDS})\b[^\n\d]{{0,30}}?([A-Z]{{0,3}}[\s-]?\d[\dA-Z\s-]{{3,20}}\d)",
    re.IGNORECASE,
)
CURP_RE = re.compile(r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b")
A_NUMBER_RE = re.compile(r"\bA[\s-]?\d{3}[\s-]?\d{3}[\s-]?\d{2,3}\b")

MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|"
    r"noviembre|diciembre|"
    r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|"
    r"d[ée]cembre"
)
FULL_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}"
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}(?:er)?\s+(?:de\s+)?(?:{MONTHS})\.?\s+(?:de\s+|del\s+)?(?:19|20)\d{{2}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}})"
)
BIRTH_WORDS = (
    r"born|date\s+of\s+birth|birth\s*date|birthdate|d\.?o\.?b\.?|"
    r"nacid[oa]|fecha\s+de\s+nacimiento|f\.\s*(?:de\s+)?nac\.?|naci[óo]|"
    r"n[ée]e?|date\s+de\s+naissance"
)
BIRTH_RE = re.compile(rf"\b(?:{BIRTH_WORDS})\b[\s:,(]*(?:(?:on|el|le)\s+)?({FULL_DATE})", re.IGNORECASE)
NAME = r"[A-ZÁÉÍÓÚÑÜÇÈÊÀ][a-záéíóúñüçèêàëï'’-]+(?:\s+(?:de\s+|del\s+|la\s+)?[A-ZÁÉÍÓÚÑÜÇÈÊÀ][a-záéíóúñüçèêàëï'’-]+){1,3}"
NAME_DATE_RE = re.compile(rf"\b({NAME})\s*(?:,|\(|-|–)\s*({FULL_DATE})\)?")


@dataclass(frozen=True)
class Finding:
    """One stretch of text that looks like personal data."""

    kind: str
    text: str
    start: int
    end: int


def _config(name: str, default):
    if has_app_context():
        return current_app.config.get(name, default)
    return default


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _find_emails(text: str) -> list[Finding]:
    generic = {p.lower() for p in _config("MODERATION_GENERIC_EMAIL_PREFIXES",
                                          DEFAULT_GENERIC_EMAIL_PREFIXES)}
    found = []
    for match in EMAIL_RE.finditer(text):
        local = match.group(1).lower().strip(".")
        base = re.split(r"[.+_-]", local, maxsplit=1)[0]
        if local in generic or base in generic:
            continue
        found.append(Finding("email", match.group(0), match.start(), match.end()))
    return found


def _is_phone(candidate: str, before: str) -> bool:
    raw = candidate.strip()
    digits = _digits(raw)
    if len(digits) < 7 or len(digits) > 15:
        return False
    if PHONE_WORDS.search(before):
        return True
    if len(digits) < 8:
        return False
    if YEAR_RANGE_RE.match(raw) or GROUPED_NUMBER_RE.match(raw):
        return False
    if REFERENCE_WORDS.search(before):
        return False
    if "," in raw:
        return False
    # A run of plain digits with no separator is an identifier or a count, not a phone number,
    # unless it is written in international form.
    if raw.isdigit() and not raw.startswith("+"):
        return False
    return True


def _find_phones(text: str) -> list[Finding]:
    found = []
    for match in PHONE_RE.finditer(text):
        candidate = match.group(1).rstrip(" .-(")
        before = text[max(0, match.start() - 25):match.start()]
        if _is_phone(candidate, before):
            found.append(Finding("phone", candidate, match.start(), match.start() + len(candidate)))
    return found


def _find_ids(text: str) -> list[Finding]:
    found = []
    for match in ID_NEAR_RE.finditer(text):
        value = match.group(1).strip()
        if len(_digits(value)) >= 5 and not YEAR_RANGE_RE.match(value):
            found.append(Finding("id_number", value, match.start(1), match.end(1)))
    for regex in (CURP_RE, A_NUMBER_RE):
        for match in regex.finditer(text):
            found.append(Finding("id_number", match.group(0), match.start(), match.end()))
    return found


def _find_birth_dates(text: str) -> list[Finding]:
    found = []
    for match in BIRTH_RE.finditer(text):
        found.append(Finding("birth_date", match.group(0), match.start(), match.end()))
    for match in NAME_DATE_RE.finditer(text):
        found.append(Finding("birth_date", match.group(0).rstrip(")"), match.start(),
                             match.end()))
    return found


FINDERS = {
    "email": _find_emails,
    "phone": _find_phones,
    "id_number": _find_ids,
    "birth_date": _find_birth_dates,
}


def find_personal_data(*texts: str | None) -> list[Finding]:
    """Every stretch of the texts that looks like personal data, without overlaps."""
    disabled = set(_config("MODERATION_PERSONAL_DATA_DISABLED", ()) or ())
    extra = _config("MODERATION_PERSONAL_DATA_PATTERNS", {}) or {}
    results: list[Finding] = []
    for text in texts:
        if not text:
            continue
        findings: list[Finding] = []
        for name, finder in FINDERS.items():
            if name not in disabled:
                findings.extend(finder(text))
        for name, pattern in extra.items():
            for match in re.finditer(pattern, text):
                findings.append(Finding(str(name), match.group(0), match.start(), match.end()))
        findings.sort(key=lambda f: (f.start, -(f.end - f.start)))
        last_end = -1
        for finding in findings:
            if finding.start >= last_end:
                results.append(finding)
                last_end = finding.end
    return results


def looks_personal(*texts: str | None) -> bool:
    """True when any of the texts seems to hold personal data."""
    return bool(find_personal_data(*texts))
