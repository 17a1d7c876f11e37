"""Demo discussions: the seven categories of the agenda, liaison accounts, tags and threads."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..board import services
from ..extensions import db
from ..models import Category, Post, Tag, TagSynonym, Thread, User, utcnow
from ..models.roster import delegation_by_code
from . import DEMO_PASSWORD
from .board_content import THREADS

# (email, display name, role, delegation, interface language)
EXTRA_ACCOUNTS = (
    ("liaison.sv@demo.example", "Marisol Aguilar", "liaison", "SV", "es"),
    ("liaison.hn@demo.example", "José Antonio Reyes", "liaison", "HN", "es"),
    ("liaison.cr@demo.example", "Daniela Vargas", "liaison", "CR", "es"),
    ("liaison.pa@demo.example", "Ricardo Castillo", "liaison", "PA", "es"),
    ("liaison.us@demo.example", "Jennifer Walsh", "liaison", "US", "en"),
    ("liaison.do@demo.example", "Rosa Peña", "liaison", "DO", "es"),
    ("liaison.bz@demo.example", "Andre Young", "liaison", "BZ", "en"),
    ("liaison.ni@demo.example", "Ernesto Morales", "liaison", "NI", "es"),
    ("facilitator.unicef@demo.example", "Ana Lucía Torres (UNICEF)", "facilitator", "UNICEF", "es"),
)

# Short names used in the content module -> demo addresses.
AUTHORS = {
    "mx": "liaison.mx@demo.example",
    "gt": "liaison.gt@demo.example",
    "ca": "liaison.ca@demo.example",
    "sv": "liaison.sv@demo.example",
    "hn": "liaison.hn@demo.example",
    "cr": "liaison.cr@demo.example",
    "pa": "liaison.pa@demo.example",
    "us": "liaison.us@demo.example",
    "do": "liaison.do@demo.example",
    "bz": "liaison.bz@demo.example",
    "ni": "liaison.ni@demo.example",
    "iom": "facilitator@demo.example",
    "unicef": "facilitator.unicef@demo.example",
    "mod": "moderator@demo.example",
    "admin": "admin@demo.example",
    "obs": "observer@demo.example",
}

# slug, position, visibility, observers may reply, (en, es, fr names), (en, es, fr descriptions)
CATEGORIES = (
    ("case-recording-systems", 1, "governments", False,
     ("Consular case-recording systems", "Sistemas de registro de casos consulares",
      "Systèmes d'enregistrement des cas consulaires"),
     ("How each country records, follows and closes consular protection cases: tools, fields, "
      "workflows and lessons learned.",
      "Cómo registra, da seguimiento y cierra cada país los casos de protección consular: "
      "herramientas, campos, flujos de trabajo y lecciones aprendidas.",
      "Comment chaque pays enregistre, suit et clôt les cas de protection consulaire : outils, "
      "champs, procédures et enseignements.")),
    ("migrant-children", 2, "members", True,
     ("Migrant children and adolescents", "Niñez y adolescencia migrante",
      "Enfants et adolescents migrants"),
     ("Protection of unaccompanied and separated children and adolescents, best-interests "
      "procedures and family reunification. Open consultation: observers may reply.",
      "Protección de niñas, niños y adolescentes no acompañados o separados, procedimientos de "
      "interés superior y reunificación familiar. Consulta abierta: las personas observadoras "
      "pueden responder.",
      "Protection des enfants et adolescents non accompagnés ou séparés, procédures d'intérêt "
      "supérieur et regroupement familial. Consultation ouverte : les observateurs peuvent "
      "répondre.")),
    ("migrant-workers", 3, "members", False,
     ("Migrant workers and temporary visas", "Personas trabajadoras migrantes y visas temporales",
      "Travailleurs migrants et visas temporaires"),
     ("Temporary work programmes, recruitment fraud, labour rights and consular assistance to "
      "workers abroad.",
      "Programas de trabajo temporal, fraude en el reclutamiento, derechos laborales y asistencia "
      "consular a personas trabajadoras en el exterior.",
      "Programmes de travail temporaire, fraude au recrutement, droits du travail et assistance "
      "consulaire aux travailleurs à l'étranger.")),
    ("emergencies-abroad", 4, "governments", False,
     ("Emergencies and natural disasters abroad", "Emergencias y desastres naturales en el exterior",
      "Urgences et catastrophes naturelles à l'étranger"),
     ("Registering travellers, locating nationals and coordinating assistance when a hurricane, "
      "earthquake or crisis strikes.",
      "Registro de viajeros, localización de connacionales y coordinación de la asistencia ante "
      "huracanes, sismos o crisis.",
      "Enregistrement des voyageurs, localisation des ressortissants et coordination de "
      "l'assistance en cas d'ouragan, de séisme ou de crise.")),
    ("technology-social-media", 5, "public", False,
     ("Technology and social media for protection", "Tecnología y redes sociales para la protección",
      "Technologie et réseaux sociaux au service de la protection"),
     ("Alert tools, hotlines, apps and social-media channels that help reach nationals abroad.",
      "Herramientas de alerta, líneas de atención, aplicaciones y redes sociales para llegar a "
      "las personas connacionales en el exterior.",
      "Outils d'alerte, lignes d'assistance, applications et réseaux sociaux pour joindre les "
      "ressortissants à l'étranger.")),
    ("training-workshops", 6, "public", False,
     ("Training and workshops", "Capacitación y talleres", "Formation et ateliers"),
     ("Training for consular staff, workshop materials and exchanges of trainers.",
      "Capacitación para el personal consular, materiales de talleres e intercambio de "
      "personas formadoras.",
      "Formation du personnel consulaire, supports d'ateliers et échanges de formateurs.")),
    ("agreements-follow-up", 7, "staff", False,
     ("Follow-up of agreements", "Seguimiento de acuerdos", "Suivi des accords"),
     ("Working space of the facilitators and moderators to track the commitments of the "
      "Conference before reporting back to the delegations.",
      "Espacio de trabajo de facilitadores y moderadores para dar seguimiento a los compromisos "
      "de la Conferencia antes de informar a las delegaciones.",
      "Espace de travail des facilitateurs et des modérateurs pour suivre les engagements de la "
      "Conférence avant d'en rendre compte aux délégations.")),
)

# slug, (en, es, fr), synonyms
TAGS = (
    ("consular-registry", ("Consular registry", "Registro consular", "Registre consulaire"),
     ("consular records", "registro de casos")),
    ("case-management", ("Case management", "Gestión de casos", "Gestion des cas"),
     ("case tracking", "seguimiento de casos")),
    ("migrant-children", ("Migrant children", "Niñez migrante", "Enfants migrants"),
     ("menores migrantes", "niños migrantes", "child migrants")),
    ("unaccompanied-minors", ("Unaccompanied minors", "Niñez no acompañada", "Mineurs non accompagnés"),
     ("NNA no acompañados", "menores no acompañados", "unaccompanied children")),
    ("best-interests-of-the-child", ("Best interests of the child", "Interés superior de la niñez",
                                     "Intérêt supérieur de l'enfant"), ("interés superior",)),
    ("family-reunification", ("Family reunification", "Reunificación familiar", "Regroupement familial"),
     ()),
    ("temporary-work", ("Temporary work", "Trabajo temporal", "Travail temporaire"),
     ("temporary workers", "trabajadores temporales")),
    ("recruitment-fraud", ("Recruitment fraud", "Fraude en el reclutamiento", "Fraude au recrutement"),
     ("reclutamiento fraudulento", "fake job offers", "ofertas de empleo falsas")),
    ("labour-rights", ("Labour rights", "Derechos laborales", "Droits du travail"), ("labor rights",)),
    ("work-visas", ("Work visas", "Visas de trabajo", "Visas de travail"), ("H-2A", "H-2B")),
    ("human-trafficking", ("Human trafficking", "Trata de personas", "Traite des personnes"),
     ("trata",)),
    ("emergency-registration", ("Emergency registration of travellers", "Registro de viajeros en emergencias",
                                "Enregistrement des voyageurs en situation d'urgence"),
     ("traveller registration", "registro de viajeros")),
    ("natural-disasters", ("Natural disasters", "Desastres naturales", "Catastrophes naturelles"),
     ("hurricanes", "huracanes", "sismos", "earthquakes")),
    ("evacuation", ("Evacuation", "Evacuación", "Évacuation"), ()),
    ("contingency-plans", ("Contingency plans", "Planes de contingencia", "Plans d'urgence"), ()),
    ("social-media", ("Social media", "Redes sociales", "Réseaux sociaux"), ("Facebook", "WhatsApp")),
    ("alerts", ("Alerts", "Alertas", "Alertes"), ("early warning", "alerta temprana")),
    ("hotlines", ("Hotlines", "Líneas de atención", "Lignes d'assistance"),
     ("call centre", "centro de llamadas")),
    ("mobile-apps", ("Mobile apps", "Aplicaciones móviles", "Applications mobiles"), ("apps",)),
    ("indicators", ("Indicators", "Indicadores", "Indicateurs"), ()),
    ("minimum-data-set", ("Minimum data set", "Conjunto mínimo de datos", "Ensemble minimal de données"),
     ("datos mínimos", "minimum fields")),
    ("data-protection", ("Data protection", "Protección de datos", "Protection des données"),
     ("privacy", "privacidad")),
    ("interoperability", ("Interoperability", "Interoperabilidad", "Interopérabilité"), ()),
    ("statistics", ("Statistics", "Estadísticas", "Statistiques"), ()),
    ("training", ("Training", "Capacitación", "Formation"), ("workshops", "talleres")),
    ("good-practices", ("Good practices", "Buenas prácticas", "Bonnes pratiques"), ()),
    ("returns", ("Returns", "Retornos", "Retours"), ("deportation", "deportaciones", "repatriación")),
    ("immigration-detention", ("Immigration detention", "Detención migratoria", "Rétention administrative"),
     ()),
    ("missing-migrants", ("Missing migrants", "Personas migrantes desaparecidas", "Migrants disparus"),
     ("desaparecidos",)),
    ("repatriation-of-remains", ("Repatriation of remains", "Repatriación de restos",
                                 "Rapatriement des dépouilles"), ()),
    ("gender", ("Gender", "Género", "Genre"), ("women migrants", "mujeres migrantes")),
    ("victims-of-violence", ("Victims of violence", "Víctimas de violencia", "Victimes de violence"), ()),
    ("asylum-refugees", ("Asylum and refugees", "Asilo y refugio", "Asile et réfugiés"), ()),
    ("mobile-consulates", ("Mobile consulates", "Consulados móviles", "Consulats mobiles"), ()),
    ("identity-documents", ("Identity documents", "Documentos de identidad", "Pièces d'identité"),
     ("passports", "pasaportes")),
    ("referral-pathways", ("Referral pathways", "Rutas de derivación", "Circuits d'orientation"),
     ("rutas de atención", "referrals")),
    ("regional-cooperation", ("Regional cooperation", "Cooperación regional", "Coopération régionale"), ()),
    ("agreements-follow-up", ("Follow-up of agreements", "Seguimiento de acuerdos", "Suivi des accords"),
     ()),
    ("psychosocial-support", ("Psychosocial support", "Apoyo psicosocial", "Soutien psychosocial"), ()),
    ("civil-society", ("Civil society", "Sociedad civil", "Société civile"), ()),
)


def _accounts() -> dict[str, User]:
    for email, name, role, code, locale in EXTRA_ACCOUNTS:
        user = User(email=email, display_name=name, role=role,
                    delegation=delegation_by_code(code), locale=locale)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    db.session.commit()
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    return {short: by_email[email] for short, email in AUTHORS.items()}


def _categories() -> dict[str, Category]:
    for slug, position, visibility, observers, names, descriptions in CATEGORIES:
        db.session.add(Category(
            slug=slug, position=position, visibility=visibility, observers_may_reply=observers,
            name_en=names[0], name_es=names[1], name_fr=names[2],
            description_en=descriptions[0], description_es=descriptions[1],
            description_fr=descriptions[2],
        ))
    db.session.commit()
    return {c.slug: c for c in db.session.scalars(select(Category))}


def _tags() -> None:
    for slug, (en, es, fr), synonyms in TAGS:
        tag = Tag(slug=slug, label_en=en, label_es=es, label_fr=fr)
        tag.synonyms = [TagSynonym(text=text) for text in synonyms]
        db.session.add(tag)
    db.session.commit()


def seed() -> str:
    """Create liaison accounts, categories, tags, threads and posts (dated over recent weeks)."""
    users = _accounts()
    categories = _categories()
    _tags()
    now = utcnow().replace(second=0, microsecond=0)
    post_total = 0
    for spec in THREADS:
        first = spec["posts"][0]
        thread = services.create_thread(users[first[0]], categories[spec["category"]],
                                        spec["title"], first[2], first[1], list(spec["tags"]))
        for author, language, body, *_ in spec["posts"][1:]:
            services.reply(users[author], thread, body, language)
        post_total += len(spec["posts"])
        _backdate(thread, spec, now)
        for post_number, new_body, editor in spec.get("edits", ()):
            post = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                        Post.number == post_number))
            services.edit_post(users[editor], post, new_body)
            _mark_edit_time(post, spec, now)
        for post_number in spec.get("deleted", ()):
            post = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                        Post.number == post_number))
            services.delete_post(post.author, post)
        if spec.get("pinned") or spec.get("locked"):
            thread.is_pinned = bool(spec.get("pinned"))
            thread.is_locked = bool(spec.get("locked"))
            db.session.commit()
    for category in categories.values():
        latest = db.session.scalar(
            select(Thread.last_post_at).where(Thread.category_id == category.id)
            .order_by(Thread.last_post_at.desc()).limit(1)
        )
        category.last_post_at = latest
    db.session.commit()
    return (f"{len(EXTRA_ACCOUNTS)} more demo accounts, {len(categories)} categories, "
            f"{len(TAGS)} tags, {len(THREADS)} threads and {post_total} posts")


def _post_times(spec, now) -> list:
    start = now - timedelta(days=spec["days_ago"], hours=spec.get("hour", 0))
    times, elapsed = [], 0.0
    for index, post in enumerate(spec["posts"]):
        if index:
            elapsed += post[3] if len(post) > 3 else 6 + 5 * index
        times.append(start + timedelta(hours=elapsed))
    return [min(t, now - timedelta(minutes=5)) for t in times]


def _backdate(thread: Thread, spec, now) -> None:
    """Give the thread and its posts the dates of a discussion that unfolded over days."""
    times = _post_times(spec, now)
    posts = db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.number))
    for post, when in zip(posts, times, strict=True):
        post.created_at = when
    thread.created_at = times[0]
    thread.last_post_at = times[-1]
    db.session.commit()


def _mark_edit_time(post: Post, spec, now) -> None:
    post.edited_at = post.created_at + timedelta(hours=2)
    for revision in post.revisions:
        revision.created_at = post.edited_at
    db.session.commit()
