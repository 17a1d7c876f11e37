"""A realistic multilingual corpus for the search benchmark (deterministic for a given seed).

Posts mix Spanish (55%), English (30%), French (5%) and code-switched text (10%); titles have
5-10 words and bodies about 100, drawn with a Zipf-like frequency from consular-protection
vocabularies, so frequent and rare terms behave as in real discussions.

    python bench/search_corpus.py 1000    # prints a few sample posts
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

COUNTRIES = ("BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US")

ES = """protección consular migrantes niños niñas adolescentes no acompañados trabajadores
temporales trata de personas repatriación retorno voluntario consulado registro sistema casos
expediente atención víctimas frontera albergue detención deportación documentos identidad
pasaporte acta nacimiento familia reunificación salud asistencia jurídica abogado tribunal
audiencia embajada cancillería protocolo coordinación autoridades migratorias policía
refugio asilo solicitud entrevista seguimiento base datos información personal confidencial
formulario digital plataforma red regional intercambio buenas prácticas capacitación funcionarios
guía manual procedimiento alerta emergencia desastre huracán terremoto evacuación traslado
restos fallecidos identificación forense desaparecidos búsqueda madres comité organizaciones
sociedad civil iglesia comunidad mexicanos guatemaltecos hondureños salvadoreños
nicaragüenses panameños costarricenses dominicanos beliceños cada caso semana mes año
estado federal municipal oficina móvil visita centro estación agrícola campo empleador contrato
salario derechos laborales explotación abuso violencia género doméstica psicosocial menores
tutor custodia interés superior niñez notificación acceso cárcel prisión juicio sentencia
intérprete idioma indígena lengua mam kiche garífuna tránsito ruta tren desierto río cruce
remesas banco cuenta tarjeta matrícula línea telefónica llamada gratuita horario""".split()

EN = """consular protection migrants children unaccompanied minors temporary workers human
trafficking repatriation voluntary return consulate registry case management system file
victims assistance border shelter detention deportation identity documents passport birth
certificate family reunification health legal aid lawyer court hearing embassy ministry
protocol coordination immigration authorities police refuge asylum claim interview follow
database personal information confidential form digital platform regional network exchange
good practices training officers guide manual procedure alert emergency disaster hurricane
earthquake evacuation transfer remains deceased identification forensic missing search
mothers committee organizations civil society church community nationals every case week
month year state federal office mobile visit centre station farm employer contract wage
labour rights exploitation abuse violence gender domestic psychosocial guardian custody best
interests child notification access jail prison trial sentence interpreter language
indigenous transit route train desert river crossing remittances bank account card hotline
call toll free schedule quota season harvest seasonal agricultural programme""".split()

FR = """protection consulaire migrants enfants mineurs non accompagnés travailleurs temporaires
traite des personnes rapatriement retour volontaire consulat registre système dossiers
victimes assistance frontière refuge détention expulsion documents identité passeport acte
naissance famille regroupement santé aide juridique avocat tribunal audience ambassade
ministère protocole coordination autorités immigration police asile demande entretien suivi
base données informations personnelles formulaire numérique plateforme réseau régional échange
bonnes pratiques formation agents guide procédure alerte urgence catastrophe ouragan évacuation
transfert dépouilles décédés identification disparus recherche comité organisations société
civile communauté ressortissants chaque cas semaine mois année bureau mobile visite centre
ferme employeur contrat salaire droits travail exploitation violence genre psychosocial tuteur
garde intérêt supérieur enfant notification accès prison procès interprète langue transit
route saisonniers agricoles programme""".split()

GLUE = {
    "es": "el la los las de del en y que para con por una un se su al".split(),
    "en": "the of and to in for with on a is are by from at our their".split(),
    "fr": "le la les des de du et en pour avec par une un sur aux nos leurs".split(),
}
VOCAB = {"es": ES, "en": EN, "fr": FR}


@dataclass
class CorpusPost:
    """One generated post (the first post of a thread carries its title)."""

    thread: int
    number: int
    language: str
    country: str
    title: str
    body: str
    created_at: datetime
    tags: tuple[int, ...]


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) ** 0.9 for rank in range(n)]


class Generator:
    """Deterministic text generator."""

    def __init__(self, seed: int = 42):
        self.rnd = random.Random(seed)
        # A long tail of place and family names: the rare terms of real discussions.
        syllables = "ta ma ri co lo pe na qui sal ve ra tu gua ne xo chi la mo so ca ja ber ton ville".split()
        names = random.Random(seed + 1)
        self.rare = sorted({"".join(names.choices(syllables, k=names.randint(2, 4))) for _ in range(30000)})
        names.shuffle(self.rare)
        self.rare_weights = _zipf_weights(len(self.rare))
        self.weights = {lang: _zipf_weights(len(words)) for lang, words in VOCAB.items()}
        # Shuffle once so the frequent words are not simply the first of each list.
        for words in VOCAB.values():
            random.Random(seed).shuffle(words)

    def words(self, lang: str, count: int) -> list[str]:
        """`count` words of a language, content words Zipf-distributed, with glue words."""
        rnd = self.rnd
        content = rnd.choices(VOCAB[lang], weights=self.weights[lang], k=count)
        rare = rnd.choices(self.rare, weights=self.rare_weights, k=max(1, count // 8))
        for word in rare:
            content[rnd.randrange(count)] = word
        out = []
        for word in content:
            if rnd.random() < 0.35:
                out.append(rnd.choice(GLUE[lang]))
            out.append(word)
        return out[:count]

    def language(self) -> str:
        """es 55%, en 30%, fr 5%, mixed 10%."""
        x = self.rnd.random()
        return "es" if x < 0.55 else "en" if x < 0.85 else "fr" if x < 0.90 else "mixed"

    def text(self, lang: str, count: int) -> tuple[str, str]:
        """(declared language, text)."""
        if lang == "mixed":
            first, second = self.rnd.sample(["es", "en", "fr"], 2)
            half = count // 2
            return first, " ".join(self.words(first, half) + self.words(second, count - half))
        return lang, " ".join(self.words(lang, count))


def generate(n_posts: int, seed: int = 42, n_tags: int = 300):
    """Yield `n_posts` posts grouped in threads of 1 to 25 posts, oldest first."""
    gen = Generator(seed)
    rnd = gen.rnd
    start = datetime(2023, 1, 1)
    span = 3 * 365 * 24 * 3600
    made = 0
    thread = 0
    while made < n_posts:
        thread += 1
        size = min(n_posts - made, max(1, int(rnd.paretovariate(1.2))) if rnd.random() < 0.7 else rnd.randint(2, 25))
        country = rnd.choice(COUNTRIES)
        lang, title = gen.text(gen.language(), rnd.randint(5, 10))
        tags = tuple(sorted(set(rnd.choices(range(1, n_tags + 1), k=rnd.randint(0, 4)))))
        created = start + timedelta(seconds=rnd.randint(0, span))
        for number in range(1, size + 1):
            post_lang, body = gen.text(gen.language() if number > 1 else lang, max(20, int(rnd.gauss(100, 30))))
            yield CorpusPost(thread, number, post_lang if number > 1 else lang,
                             country if number == 1 else rnd.choice(COUNTRIES),
                             title.capitalize(), body.capitalize() + ".",
                             created + timedelta(hours=number), tags)
            made += 1


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for post in list(generate(size))[:5]:
        print(post.thread, post.number, post.language, post.country, post.title)
        print("   ", post.body[:160], "…")
