"""The starting content of the managed lists, and `flask practices seed-lists`."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..extensions import db
from ..models.practices import MinimumIndicator, Situation, TargetPopulation
from . import bp

POPULATIONS = (
    ("unaccompanied_children", "Unaccompanied children and adolescents",
     "Niñas, niños y adolescentes no acompañados", "Enfants et adolescents non accompagnés"),
    ("accompanied_children", "Accompanied children", "Niñas y niños acompañados",
     "Enfants accompagnés"),
    ("travellers", "Travellers", "Personas viajeras", "Voyageurs"),
    ("migrant_workers", "Migrant workers and temporary visa holders",
     "Personas trabajadoras migrantes y con visas temporales",
     "Travailleurs migrants et titulaires de visas temporaires"),
    ("trafficking_victims", "Victims of trafficking", "Víctimas de trata",
     "Victimes de la traite"),
    ("detained_nationals", "Detained nationals", "Personas connacionales detenidas",
     "Ressortissants détenus"),
    ("returnees", "Returnees and deportees", "Personas retornadas y deportadas",
     "Personnes de retour et expulsées"),
    ("women_at_risk", "Women at risk", "Mujeres en riesgo", "Femmes à risque"),
    ("persons_with_disabilities", "Persons with disabilities", "Personas con discapacidad",
     "Personnes handicapées"),
    ("other_population", "Other", "Otra", "Autre"),
)

SITUATIONS = (
    ("emergencies", "Emergencies and natural disasters", "Emergencias y desastres naturales",
     "Urgences et catastrophes naturelles"),
    ("detention", "Detention", "Detención", "Détention"),
    ("repatriation", "Repatriation", "Repatriación", "Rapatriement"),
    ("documentation", "Documentation and identity", "Documentación e identidad",
     "Documents et identité"),
    ("labour_exploitation", "Labour exploitation", "Explotación laboral",
     "Exploitation par le travail"),
    ("health", "Health", "Salud", "Santé"),
    ("death_abroad", "Death abroad", "Fallecimiento en el exterior", "Décès à l'étranger"),
    ("other_situation", "Other", "Otra", "Autre"),
)

INDICATORS = (
    ("case_id", "case", "Case identifier", "Identificador del caso", "Identifiant du dossier"),
    ("date_opened", "case", "Date opened", "Fecha de apertura", "Date d'ouverture"),
    ("consulate", "case", "Consulate", "Consulado", "Consulat"),
    ("nationality", "person", "Nationality", "Nacionalidad", "Nationalité"),
    ("age", "person", "Age or date of birth", "Edad o fecha de nacimiento",
     "Âge ou date de naissance"),
    ("sex", "person", "Sex", "Sexo", "Sexe"),
    ("unaccompanied", "person", "Unaccompanied status", "Condición de no acompañado",
     "Statut de mineur non accompagné"),
    ("vulnerability", "person", "Vulnerability factors", "Factores de vulnerabilidad",
     "Facteurs de vulnérabilité"),
    ("assistance_type", "assistance", "Type of assistance", "Tipo de asistencia",
     "Type d'assistance"),
    ("referral", "assistance", "Referral to other institutions",
     "Canalización a otras instituciones", "Orientation vers d'autres institutions"),
    ("outcome", "closure", "Outcome", "Resultado", "Issue du dossier"),
    ("date_closed", "closure", "Date closed", "Fecha de cierre", "Date de clôture"),
    ("follow_up", "closure", "Follow-up", "Seguimiento", "Suivi"),
)


def ensure_lists() -> int:
    """Add any missing default entry of the three managed lists (by code); commits."""
    added = 0
    for model, rows in ((TargetPopulation, POPULATIONS), (Situation, SITUATIONS)):
        existing = set(db.session.scalars(select(model.code)))
        for position, (code, en, es, fr) in enumerate(rows):
            if code not in existing:
                db.session.add(model(code=code, label_en=en, label_es=es, label_fr=fr,
                                     position=position * 10))
                added += 1
    existing = set(db.session.scalars(select(MinimumIndicator.code)))
    for position, (code, group, en, es, fr) in enumerate(INDICATORS):
        if code not in existing:
            db.session.add(MinimumIndicator(code=code, group=group, label_en=en, label_es=es,
                                            label_fr=fr, position=position * 10))
            added += 1
    db.session.commit()
    return added


@bp.cli.command("seed-lists")
def seed_lists_command() -> None:
    """Create the default populations, situations and minimum indicators (idempotent)."""
    click.echo(f"{ensure_lists()} list entries added.")
