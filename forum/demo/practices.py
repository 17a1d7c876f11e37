"""Demo practices: ten published practices from nine countries, a few drafts, real gaps.

The systems and figures are illustrative examples written for the demonstration; they are
not statements of any government's actual arrangements.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Tag, User, utcnow
from ..models.practices import (
    IndicatorCoverage,
    MinimumIndicator,
    Practice,
    PracticeStatus,
    PracticeTransition,
    Situation,
    TargetPopulation,
)
from ..models.roster import delegation_by_code
from ..practices import services
from ..practices.defaults import ensure_lists
from . import DEMO_PASSWORD

EXTRA_LIAISONS = (
    ("liaison.sv@demo.example", "Rosa Martínez", "SV", "es"),
    ("liaison.hn@demo.example", "José Zelaya", "HN", "es"),
    ("liaison.cr@demo.example", "Daniela Vargas", "CR", "es"),
    ("liaison.do@demo.example", "Ramón Peña", "DO", "es"),
    ("liaison.pa@demo.example", "Itzel Castillo", "PA", "es"),
    ("liaison.us@demo.example", "Megan Brooks", "US", "en"),
    ("liaison.bz@demo.example", "Andrew Young", "BZ", "en"),
)

ALL = ("case_id", "date_opened", "consulate", "nationality", "age", "sex", "unaccompanied",
       "vulnerability", "assistance_type", "referral", "outcome", "date_closed", "follow_up")


def _cov(yes=(), partly=(), no=()):
    values = {code: "yes" for code in yes}
    values.update({code: "partly" for code in partly})
    values.update({code: "no" for code in no})
    return values


PRACTICES = [
    dict(
        country="MX", language="es", status="published", months_ago=20,
        title="Registro consular integral de casos de protección",
        institution="Secretaría de Relaciones Exteriores — Dirección General de Protección Consular",
        institution_type="ministry", partners="Red de consulados en Estados Unidos y Canadá; DIF Nacional.",
        populations=["unaccompanied_children", "detained_nationals", "migrant_workers", "returnees"],
        situations=["detention", "repatriation", "labour_exploitation", "death_abroad"],
        problem="Cada consulado llevaba sus propios registros, con criterios distintos, y no era posible saber cuántos casos de niñez no acompañada se atendían en la red.",
        description="Un sistema único en línea donde cada consulado abre un expediente por persona atendida, con un identificador nacional y campos obligatorios para edad, sexo, condición de no acompañado y tipo de asistencia.\n\nLos expedientes se cierran con un resultado codificado y una fecha, y los casos de niñez se marcan para seguimiento a los 30 días.",
        operation="El personal de protección registra el caso el mismo día de la entrevista. Una persona supervisora revisa semanalmente los expedientes abiertos más de 60 días.",
        legal_basis="Ley del Servicio Exterior y su reglamento; lineamientos internos de protección consular.",
        resources="Equipo de desarrollo interno de cinco personas; capacitación anual en línea para el personal de protección.",
        system_name="Sistema Integral de Protección Consular (SIPC)",
        system_scope="Toda la red consular en Estados Unidos desde 2012 y en Canadá desde 2015.",
        system_technology="in_house", system_languages="español, inglés",
        system_interoperability="Intercambio de datos de repatriación con el Instituto Nacional de Migración mediante archivos diarios.",
        system_safeguards="Acceso por perfil: cada consulado ve sus casos; la oficina central ve todos. Conservación de 10 años.",
        results="En 2023 la red registró más de 150 000 atenciones; el seguimiento de niñez no acompañada pasó del 40 % al 85 % de los casos.",
        evidence_level="monitored", implementation_status="operational", start_year=2012,
        enabling_factors="Mandato institucional claro y presupuesto estable.",
        constraints="Conectividad limitada en consulados móviles.",
        replicability="Requiere un equipo técnico propio o un proveedor con contrato a largo plazo.",
        lessons="Definir desde el inicio un diccionario de datos compartido.",
        focal_name="Lucía Hernández", focal_role="Coordinadora de protección consular",
        focal_email="proteccion.demo@example.org",
        coverage=_cov(yes=ALL[:12], partly=("follow_up",)),
        tags=["unaccompanied-minors", "case-management"],
    ),
    dict(
        country="MX", language="en", status="published", months_ago=8,
        title="Mobile consulates for agricultural workers",
        institution="Consular network in Canada", institution_type="consular_network",
        partners="Employers' associations; provincial labour ministries.",
        populations=["migrant_workers"], situations=["labour_exploitation", "health", "documentation"],
        problem="Seasonal workers on remote farms could not reach a consulate during working hours.",
        description="Consular staff visit farms on weekends with a laptop and a portable printer, issue documents and open protection cases on the spot in the national system.",
        operation="Visits are planned monthly with the workers' representatives; cases opened offline are synchronised on return.",
        system_name="SIPC (offline module)", system_scope="Six consulates in Canada since 2019.",
        system_technology="in_house", system_languages="Spanish, English, French",
        results="About 3,000 workers reached per season.", evidence_level="self_reported",
        implementation_status="operational", start_year=2019,
        coverage=_cov(yes=("case_id", "date_opened", "consulate", "nationality", "sex", "assistance_type"),
                      partly=("age", "referral", "outcome"), no=("unaccompanied",)),
        tags=["temporary-work", "mobile-consulates"],
    ),
    dict(
        country="GT", language="es", status="published", months_ago=14,
        title="Atención consular a niñez migrante retornada",
        institution="Ministerio de Relaciones Exteriores — Dirección de Asistencia Consular",
        institution_type="ministry", partners="Secretaría de Bienestar Social; Procuraduría General de la Nación; UNICEF.",
        populations=["unaccompanied_children", "returnees"], situations=["repatriation", "documentation"],
        problem="La información sobre niñas y niños retornados no llegaba a las instituciones de protección en Guatemala.",
        description="Los consulados en México y Estados Unidos registran a cada niña o niño no acompañado y envían una ficha a la institución que lo recibe en el país.",
        operation="La ficha se completa durante la entrevista consular y se envía por correo institucional antes del traslado.",
        system_name="Sistema de Registro Consular de Niñez (SIRCON)",
        system_scope="Consulados en la frontera sur de México desde 2017; ampliado a Estados Unidos en 2020.",
        system_technology="spreadsheet", system_languages="español",
        system_interoperability="Envío de fichas a la Procuraduría General de la Nación.",
        system_safeguards="Los archivos se guardan en carpetas con contraseña; no existe aún una política de conservación.",
        results="Casi todos los casos de niñez retornada por vía terrestre llegan con ficha.",
        evidence_level="self_reported", implementation_status="operational", start_year=2017,
        constraints="Las hojas de cálculo se duplican y es difícil consolidarlas.",
        coverage=_cov(yes=("case_id", "date_opened", "consulate", "age", "sex", "unaccompanied"),
                      partly=("vulnerability", "referral"), no=("outcome", "date_closed", "follow_up")),
        tags=["unaccompanied-minors", "returns"],
    ),
    dict(
        country="CA", language="fr", status="published", months_ago=16,
        title="Gestion des dossiers d'assistance consulaire aux ressortissants détenus",
        institution="Affaires mondiales Canada — Direction des opérations consulaires",
        institution_type="ministry",
        populations=["detained_nationals", "travellers"], situations=["detention", "health", "death_abroad"],
        problem="Les dossiers de détention étaient suivis par courriel, sans vue d'ensemble des visites effectuées.",
        description="Un système de gestion des dossiers commun à toutes les missions enregistre chaque visite, chaque contact avec la famille et chaque démarche auprès des autorités locales.",
        operation="L'agent consulaire ouvre un dossier dès la notification de l'arrestation et planifie les visites selon le niveau de risque.",
        legal_basis="Politique de services consulaires; Convention de Vienne sur les relations consulaires.",
        system_name="Système de gestion des cas consulaires (SGCC)",
        system_scope="Toutes les missions à l'étranger depuis 2014.",
        system_technology="commercial", system_languages="français, anglais",
        system_interoperability="Aucun échange automatique avec d'autres pays; échanges ponctuels avec la police fédérale.",
        system_safeguards="Accès selon le besoin d'en connaître; journal des consultations; conservation selon le calendrier de l'institution.",
        results="Les visites dans les délais cibles sont suivies chaque trimestre.",
        evidence_level="independently_evaluated", implementation_status="operational", start_year=2014,
        focal_name="Geneviève Tremblay", focal_role="Agente principale, opérations consulaires",
        focal_email="consulaire.demo@example.org",
        coverage=_cov(yes=("case_id", "date_opened", "consulate", "nationality", "age", "sex",
                           "vulnerability", "assistance_type", "outcome", "date_closed", "follow_up"),
                      partly=("referral",), no=("unaccompanied",)),
        tags=["immigration-detention", "case-management"],
    ),
    dict(
        country="SV", language="es", status="published", months_ago=11,
        title="Protocolo consular de atención a víctimas de trata",
        institution="Ministerio de Relaciones Exteriores — Dirección General de Atención al Migrante",
        institution_type="ministry", partners="Consejo Nacional contra la Trata de Personas; OIM.",
        populations=["trafficking_victims", "women_at_risk"], situations=["labour_exploitation", "repatriation"],
        description="Un protocolo y un formulario electrónico guían la identificación de posibles víctimas de trata y su canalización a servicios especializados.",
        system_name="Sistema de Información de Atención Consular (SIAC)",
        system_scope="Consulados en Guatemala, México y Estados Unidos desde 2018.",
        system_technology="in_house", system_languages="español",
        system_safeguards="Los casos de trata se marcan como confidenciales y sólo los ve la unidad especializada.",
        results="Se duplicó la canalización de víctimas identificadas a servicios especializados.",
        evidence_level="monitored", implementation_status="operational", start_year=2018,
        coverage=_cov(yes=("case_id", "date_opened", "consulate", "nationality", "sex", "vulnerability",
                           "referral", "assistance_type"),
                      partly=("age", "outcome", "follow_up"), no=("date_closed",)),
        tags=["human-trafficking", "referral-pathways"],
    ),
    dict(
        country="HN", language="es", status="published", months_ago=6,
        title="Centros de atención al migrante retornado con registro en línea",
        institution="Secretaría de Relaciones Exteriores y Cooperación Internacional",
        institution_type="ministry", partners="Cruz Roja; iglesias; gobiernos municipales.",
        populations=["returnees", "accompanied_children", "unaccompanied_children"],
        situations=["repatriation", "documentation", "health"],
        description="Las personas retornadas son recibidas en centros donde se registra su llegada y se ofrecen servicios de documentación, salud y reintegración.",
        system_name="Sistema Integral de Atención al Migrante Retornado (SIAMIR)",
        system_scope="Tres centros de recepción desde 2016.", system_technology="in_house",
        system_languages="español",
        results="Registro de cerca del 90 % de las llegadas por vía aérea y terrestre.",
        evidence_level="monitored", implementation_status="operational", start_year=2016,
        coverage=_cov(yes=("case_id", "date_opened", "nationality", "age", "sex", "unaccompanied",
                           "assistance_type", "referral"),
                      partly=("vulnerability",), no=("consulate", "outcome", "date_closed", "follow_up")),
    ),
    dict(
        country="CR", language="es", status="published", months_ago=9,
        title="Hoja de ruta consular para emergencias y desastres",
        institution="Ministerio de Relaciones Exteriores y Culto", institution_type="ministry",
        populations=["travellers", "migrant_workers"], situations=["emergencies", "death_abroad"],
        description="Ante un desastre, cada consulado activa una hoja de ruta para localizar a las personas costarricenses y registra cada solicitud de ayuda en un formulario compartido.",
        system_name="Registro de emergencias consulares", system_scope="Todas las representaciones desde 2020.",
        system_technology="spreadsheet", system_languages="español, inglés",
        results="Usado en tres emergencias; todas las solicitudes se respondieron en 48 horas.",
        evidence_level="self_reported", implementation_status="pilot", start_year=2020,
        coverage=_cov(yes=("case_id", "date_opened", "consulate", "nationality", "assistance_type"),
                      partly=("outcome",), no=("age", "sex", "unaccompanied", "vulnerability",
                                                "referral", "date_closed", "follow_up")),
    ),
    dict(
        country="DO", language="es", status="published", months_ago=5,
        title="Asistencia consular a trabajadoras domésticas dominicanas",
        institution="Ministerio de Relaciones Exteriores — Viceministerio para las Comunidades Dominicanas en el Exterior",
        institution_type="ministry",
        populations=["migrant_workers", "women_at_risk"], situations=["labour_exploitation", "documentation"],
        description="Una línea de atención y un registro de casos permiten acompañar a trabajadoras domésticas en conflictos laborales y en trámites de documentación.",
        system_name="Registro de Asistencia Consular (RAC)", system_scope="Consulados en Puerto Rico, Panamá y Costa Rica desde 2021.",
        system_technology="paper", system_languages="español",
        results="Primer informe anual en preparación.", evidence_level="self_reported",
        implementation_status="pilot", start_year=2021,
        coverage=_cov(yes=("date_opened", "consulate", "sex"), partly=("case_id", "assistance_type"),
                      no=("age", "follow_up")),
    ),
    dict(
        country="PA", language="es", status="published", months_ago=4,
        title="Registro consular de connacionales en situación de detención",
        institution="Ministerio de Relaciones Exteriores", institution_type="ministry",
        populations=["detained_nationals"], situations=["detention"],
        description="Un registro centralizado de personas panameñas detenidas en el exterior, con visitas programadas y contacto con sus familias.",
        system_name="Registro de Detenidos en el Exterior", system_scope="Todas las secciones consulares desde 2022.",
        system_technology="spreadsheet", system_languages="español",
        evidence_level="self_reported", implementation_status="operational", start_year=2022,
        coverage=_cov(yes=("case_id", "date_opened", "consulate", "nationality", "age", "sex"),
                      no=("vulnerability", "referral", "follow_up")),
    ),
    dict(
        country="US", language="en", status="published", months_ago=12,
        title="Case management for U.S. citizens in crisis abroad",
        institution="Department of State — Bureau of Consular Affairs", institution_type="ministry",
        populations=["travellers", "detained_nationals", "persons_with_disabilities"],
        situations=["emergencies", "detention", "death_abroad", "health"],
        description="A single case-management application records every request for assistance from citizens abroad, from arrests to deaths and crisis evacuations.",
        operation="Duty officers open cases around the clock; cases are transferred between posts when people travel.",
        system_name="American Citizen Services case system (illustrative)",
        system_scope="All embassies and consulates.", system_technology="in_house",
        system_languages="English",
        system_safeguards="Privacy Act safeguards; access limited by role; consent recorded before sharing with family.",
        results="Crisis task forces use the same records as posts.", evidence_level="monitored",
        implementation_status="operational", start_year=2005,
        coverage=_cov(yes=("case_id", "date_opened", "consulate", "nationality", "age", "sex",
                           "assistance_type", "outcome", "date_closed"),
                      partly=("vulnerability", "follow_up", "referral"), no=("unaccompanied",)),
    ),
    # Not yet published: they must not appear in the matrix or the open data.
    dict(
        country="BZ", language="en", status="draft", months_ago=1,
        title="Consular register of Belizean seasonal workers",
        institution="Ministry of Foreign Affairs", institution_type="ministry",
        populations=["migrant_workers"], situations=["labour_exploitation"],
        description="A first draft of a register of Belizean seasonal workers abroad.",
        system_name="Seasonal workers register", system_technology="spreadsheet",
        coverage=_cov(yes=("case_id", "nationality")),
    ),
    dict(
        country="GT", language="es", status="draft", months_ago=1,
        title="Acompañamiento consular en casos de fallecimiento",
        populations=["migrant_workers"], situations=["death_abroad", "repatriation"],
        description="Borrador: procedimiento para la repatriación de restos.",
    ),
    dict(
        country="HN", language="es", status="submitted", months_ago=1,
        title="Ferias de documentación en consulados móviles",
        populations=["migrant_workers", "travellers"], situations=["documentation"],
        description="Jornadas de documentación en ciudades sin consulado, con registro de cada trámite.",
        system_name="SIAMIR (módulo de documentación)", system_technology="in_house",
        implementation_status="pilot", start_year=2024,
        coverage=_cov(yes=("case_id", "date_opened", "nationality")),
    ),
]


def _user(code: str) -> User:
    delegation = delegation_by_code(code)
    user = db.session.scalar(select(User).where(User.delegation_id == delegation.id,
                                                User.role == "liaison").limit(1))
    if user is None:
        email, name, _, locale = next(item for item in EXTRA_LIAISONS if item[2] == code)
        user = User(email=email, display_name=name, role="liaison", delegation=delegation,
                    locale=locale)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def _reviewer() -> User | None:
    return db.session.scalar(select(User).where(User.role == "moderator").limit(1))


def seed() -> str:
    """Create the managed lists and the demo practices with their threads."""
    ensure_lists()
    for _, _, code, _ in EXTRA_LIAISONS:
        _user(code)
    with current_app.test_request_context("/"):
        populations = {p.code: p for p in db.session.scalars(select(TargetPopulation))}
        situations = {s.code: s for s in db.session.scalars(select(Situation))}
        indicators = {i.code: i for i in db.session.scalars(select(MinimumIndicator))}
        category = services.practice_category()
        reviewer = _reviewer()
        counts = {"published": 0, "other": 0}
        for spec in PRACTICES:
            spec = dict(spec)
            author = _user(spec.pop("country"))
            status = spec.pop("status")
            when = utcnow() - timedelta(days=30 * spec.pop("months_ago"))
            tags = spec.pop("tags", [])
            coverage = spec.pop("coverage", {})
            practice = Practice(author_id=author.id, delegation_id=author.delegation_id,
                                category_id=category.id, status="draft", created_at=when,
                                updated_at=when, **{k: v for k, v in spec.items()
                                                    if k not in ("populations", "situations")})
            practice.populations = [populations[c] for c in spec["populations"]]
            practice.situations = [situations[c] for c in spec["situations"]]
            for code, value in coverage.items():
                practice.coverages.append(IndicatorCoverage(indicator_id=indicators[code].id,
                                                            value=value))
            # Only tags that already exist (the discussion demo's curated, multilingual ones).
            practice.tags = list(db.session.scalars(select(Tag).where(Tag.slug.in_(tags))))
            db.session.add(practice)
            db.session.add(PracticeTransition(practice=practice, actor_id=author.id,
                                              from_status=None, to_status="draft",
                                              created_at=when))
            services._add_revision(practice, author, "")
            if status in ("submitted", "published"):
                db.session.add(PracticeTransition(practice=practice, actor_id=author.id,
                                                  from_status="draft", to_status="submitted",
                                                  created_at=when + timedelta(days=2)))
                practice.status = PracticeStatus.SUBMITTED.value
                practice.submitted_at = when + timedelta(days=2)
            if status == "published" and reviewer is not None:
                db.session.add(PracticeTransition(practice=practice, actor_id=reviewer.id,
                                                  from_status="submitted", to_status="published",
                                                  created_at=when + timedelta(days=5)))
                practice.status = PracticeStatus.PUBLISHED.value
                practice.published_at = when + timedelta(days=5)
                db.session.flush()
                thread = services.open_thread(practice)
                thread.created_at = thread.last_post_at = practice.published_at
                thread.posts[0].created_at = practice.published_at
                counts["published"] += 1
            else:
                counts["other"] += 1
        db.session.commit()
    return (f"{counts['published']} published practices and {counts['other']} drafts or "
            f"submissions, with the managed lists")
