"""The starting content of the managed lists (populations, situations, minimum indicators).

A new installation gets them when its schema is created: `flask db upgrade` (migration 0003)
and `db.create_all()` (the `after_create` listeners below) both call `insert_missing_defaults`.
Nothing is ever written while a page is read.
"""

from __future__ import annotations

from sqlalchemy import Connection, column, event, insert, select, table

from .practices import MinimumIndicator, Situation, TargetPopulation

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


def insert_missing_defaults(conn: Connection, only: str | None = None) -> int:
    """Add every default entry whose code is missing (idempotent); how many were added."""
    added = 0
    for model, rows in ((TargetPopulation, POPULATIONS), (Situation, SITUATIONS),
                        (MinimumIndicator, INDICATORS)):
        name = model.__tablename__
        if only is not None and name != only:
            continue
        # Only the columns written here (the migration runs this against older schemas too).
        names = ["code", "label_en", "label_es", "label_fr", "position", "is_active"]
        if model is MinimumIndicator:
            names.append("group")
        target = table(name, *(column(n) for n in names))
        existing = set(conn.scalars(select(target.c.code)))
        fresh = []
        for position, row in enumerate(rows):
            code, labels = row[0], row[-3:]
            if code in existing:
                continue
            values = dict(code=code, label_en=labels[0], label_es=labels[1], label_fr=labels[2],
                          position=position * 10, is_active=True)
            if model is MinimumIndicator:
                values["group"] = row[1]
            fresh.append(values)
        if fresh:
            conn.execute(insert(target), fresh)
            added += len(fresh)
    return added


def _seed_on_create(table, conn, **_kw) -> None:
    insert_missing_defaults(conn, only=table.name)


for _model in (TargetPopulation, Situation, MinimumIndicator):
    event.listen(_model.__table__, "after_create", _seed_on_create)
