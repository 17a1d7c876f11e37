"""Demo data for search: the glossary of consular-protection terms in English, Spanish, French."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import GlossaryEntry, utcnow

# (English terms, Spanish terms, French terms); the first term of each language is preferred.
GLOSSARY = [
    (["consular protection", "consular assistance"], ["protección consular", "asistencia consular"], ["protection consulaire", "assistance consulaire"]),
    (["unaccompanied children", "unaccompanied minors", "unaccompanied child", "unaccompanied minor"],
     ["niñas, niños y adolescentes no acompañados", "niños no acompañados", "menores no acompañados", "NNA no acompañados"],
     ["enfants non accompagnés", "mineurs non accompagnés"]),
    (["separated children", "separated minors"], ["niños separados", "menores separados"], ["enfants séparés", "mineurs séparés"]),
    (["temporary workers", "temporary foreign workers", "seasonal workers"], ["trabajadores temporales", "trabajadores agrícolas temporales", "trabajadores de temporada"], ["travailleurs temporaires", "travailleurs saisonniers"]),
    (["human trafficking", "trafficking in persons"], ["trata de personas"], ["traite des personnes", "traite des êtres humains"]),
    (["migrant smuggling", "smuggling of migrants"], ["tráfico ilícito de migrantes", "tráfico de migrantes"], ["trafic illicite de migrants", "trafic de migrants"]),
    (["repatriation"], ["repatriación"], ["rapatriement"]),
    (["deportation", "removal"], ["deportación", "expulsión"], ["expulsion", "renvoi"]),
    (["assisted voluntary return", "voluntary return"], ["retorno voluntario asistido", "retorno voluntario"], ["retour volontaire assisté", "retour volontaire"]),
    (["reintegration"], ["reintegración", "reinserción"], ["réintégration", "réinsertion"]),
    (["asylum seeker"], ["solicitante de asilo"], ["demandeur d'asile"]),
    (["refugee status"], ["condición de refugiado", "estatuto de refugiado"], ["statut de réfugié"]),
    (["international protection"], ["protección internacional"], ["protection internationale"]),
    (["detention", "immigration detention"], ["detención", "detención migratoria"], ["détention", "rétention administrative"]),
    (["alternatives to detention"], ["alternativas a la detención"], ["alternatives à la détention"]),
    (["family reunification"], ["reunificación familiar"], ["regroupement familial", "réunification familiale"]),
    (["best interests of the child"], ["interés superior del niño", "interés superior de la niñez"], ["intérêt supérieur de l'enfant"]),
    (["missing migrants", "disappeared migrants"], ["migrantes desaparecidos"], ["migrants disparus"]),
    (["repatriation of remains"], ["repatriación de restos", "traslado de restos"], ["rapatriement des dépouilles", "rapatriement de corps"]),
    (["consular notification"], ["notificación consular"], ["notification consulaire"]),
    (["consular access", "consular visit"], ["acceso consular", "visita consular"], ["accès consulaire", "visite consulaire"]),
    (["consular registry", "consular registration"], ["registro consular", "matrícula consular"], ["immatriculation consulaire", "registre consulaire"]),
    (["case management system", "case management"], ["sistema de gestión de casos", "gestión de casos"], ["système de gestion des cas", "gestion des dossiers"]),
    (["identity document", "travel document"], ["documento de identidad", "documento de viaje"], ["pièce d'identité", "document de voyage"]),
    (["emergency passport", "emergency travel document"], ["pasaporte de emergencia", "salvoconducto"], ["passeport d'urgence", "laissez-passer"]),
    (["birth certificate"], ["acta de nacimiento", "partida de nacimiento"], ["acte de naissance"]),
    (["statelessness", "stateless person"], ["apatridia", "persona apátrida"], ["apatridie", "apatride"]),
    (["labour rights", "labor rights"], ["derechos laborales"], ["droits du travail", "droits des travailleurs"]),
    (["labour exploitation", "labor exploitation"], ["explotación laboral"], ["exploitation par le travail", "exploitation au travail"]),
    (["gender-based violence"], ["violencia de género", "violencia basada en género"], ["violence fondée sur le genre", "violence sexiste"]),
    (["domestic violence"], ["violencia doméstica", "violencia intrafamiliar"], ["violence domestique", "violence conjugale"]),
    (["victim assistance", "victim support"], ["asistencia a víctimas", "atención a víctimas"], ["assistance aux victimes", "aide aux victimes"]),
    (["shelter"], ["albergue", "refugio"], ["refuge", "centre d'hébergement"]),
    (["legal aid", "legal assistance"], ["asistencia jurídica", "asesoría legal"], ["aide juridique", "assistance juridique"]),
    (["psychosocial support"], ["apoyo psicosocial", "atención psicosocial"], ["soutien psychosocial"]),
    (["migrants in transit", "transit migration"], ["migrantes en tránsito", "migración en tránsito"], ["migrants en transit", "migration de transit"]),
    (["irregular migration"], ["migración irregular"], ["migration irrégulière"]),
    (["border crossing", "border point"], ["cruce fronterizo", "paso fronterizo"], ["passage de la frontière", "poste frontière"]),
    (["humanitarian visa"], ["visa humanitaria"], ["visa humanitaire"]),
    (["work permit"], ["permiso de trabajo"], ["permis de travail"]),
    (["remittances"], ["remesas"], ["transferts de fonds", "envois de fonds"]),
    (["vulnerable migrants", "migrants in vulnerable situations"], ["migrantes en situación de vulnerabilidad", "migrantes vulnerables"], ["migrants en situation de vulnérabilité", "migrants vulnérables"]),
    (["early warning", "alert mechanism"], ["alerta temprana", "mecanismo de alerta"], ["alerte précoce", "mécanisme d'alerte"]),
    (["information sharing", "data exchange"], ["intercambio de información", "intercambio de datos"], ["échange d'informations", "échange de données"]),
    (["personal data protection", "data protection"], ["protección de datos personales", "protección de datos"], ["protection des données personnelles", "protection des données"]),
    (["consular network"], ["red consular"], ["réseau consulaire"]),
    (["mobile consulate"], ["consulado móvil", "consulado sobre ruedas"], ["consulat mobile", "consulat itinérant"]),
    (["hotline", "helpline"], ["línea de atención", "línea telefónica de ayuda"], ["ligne d'assistance", "permanence téléphonique"]),
    (["natural disaster", "emergency"], ["desastre natural", "emergencia"], ["catastrophe naturelle", "urgence"]),
    (["contingency plan"], ["plan de contingencia"], ["plan d'urgence", "plan de contingence"]),
    (["migrant workers"], ["trabajadores migrantes"], ["travailleurs migrants"]),
    (["interpreter", "interpretation"], ["intérprete", "interpretación"], ["interprète", "interprétation"]),
]


def ensure_glossary() -> int:
    """Add the seed glossary when the glossary is empty; return how many entries were added."""
    if db.session.scalar(select(func.count(GlossaryEntry.id))):
        return 0
    now = utcnow()
    for en, es, fr in GLOSSARY:
        db.session.add(GlossaryEntry(terms_en="\n".join(en), terms_es="\n".join(es),
                                     terms_fr="\n".join(fr), updated_at=now))
    db.session.commit()
    return len(GLOSSARY)


def seed() -> str:
    """Seed the glossary of equivalent terms."""
    return f"{ensure_glossary()} glossary entries (en/es/fr) for searching across languages"
