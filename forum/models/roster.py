"""The delegations of the Regional Conference on Migration and the partner organizations."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from . import Delegation, DelegationKind

COUNTRIES = ("BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US")

ORGANIZATIONS = (
    ("IOM", "International Organization for Migration (IOM)",
     "Organización Internacional para las Migraciones (OIM)",
     "Organisation internationale pour les migrations (OIM)"),
    ("UNHCR", "UN Refugee Agency (UNHCR)",
     "Agencia de la ONU para los Refugiados (ACNUR)",
     "Agence des Nations Unies pour les réfugiés (HCR)"),
    ("UNICEF", "United Nations Children's Fund (UNICEF)",
     "Fondo de las Naciones Unidas para la Infancia (UNICEF)",
     "Fonds des Nations Unies pour l'enfance (UNICEF)"),
    ("RNCOM", "Regional Network of Civil Organizations for Migration (RNCOM)",
     "Red Regional de Organizaciones Civiles para las Migraciones (RROCM)",
     "Réseau régional d'organisations civiles pour les migrations (RROCM)"),
)


def ensure_delegations() -> int:
    """Create any missing delegation (idempotent); return how many were added. Commits."""
    from babel import Locale

    existing = set(db.session.scalars(select(Delegation.code)))
    added = 0
    names = {lang: Locale.parse(lang).territories for lang in ("en", "es", "fr")}
    for position, code in enumerate(COUNTRIES):
        if code in existing:
            continue
        db.session.add(
            Delegation(
                code=code,
                kind=DelegationKind.COUNTRY.value,
                name_en=names["en"][code],
                name_es=names["es"][code],
                name_fr=names["fr"][code],
                position=position,
            )
        )
        added += 1
    for offset, (code, en, es, fr) in enumerate(ORGANIZATIONS):
        if code in existing:
            continue
        db.session.add(
            Delegation(
                code=code,
                kind=DelegationKind.ORGANIZATION.value,
                name_en=en,
                name_es=es,
                name_fr=fr,
                position=100 + offset,
            )
        )
        added += 1
    db.session.commit()
    return added


def delegation_by_code(code: str) -> Delegation | None:
    """Find a delegation by its code (case-insensitive)."""
    return db.session.scalar(select(Delegation).where(Delegation.code == code.upper()))
