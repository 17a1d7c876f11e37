"""Generate a realistic multilingual data set into a fresh database with bulk Core inserts.

Usage: python -m bench.generate small|large   (DATABASE_URL / FORUM_INSTANCE_DIR from the env)
"""

from __future__ import annotations

import html
import random
import sys
import time
from datetime import timedelta

from sqlalchemy import insert, select, text

SIZES = {
    "small": {"categories": 20, "threads": 2_000, "posts": 20_000, "users": 500, "tags": 300,
              "practices": 200},
    "large": {"categories": 20, "threads": 20_000, "posts": 200_000, "users": 500, "tags": 300,
              "practices": 200},
}
PASSWORD = "bench password 2026"
RARE_TERM = "zarigüeya"  # appears in exactly RARE_COUNT posts
RARE_COUNT = 3
COMMON_TERM = "migrantes"  # appears in most Spanish posts
THREAD_WITH_25 = 1  # the first thread gets exactly 25 posts (one full page)
BATCH = 5_000

COUNTRIES = ("BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US")


class TextMaker:
    """Sentences in Spanish (55%), English (30%), French (5%) or code-switched (10%).

    Content words are Zipf-distributed over consular-protection vocabularies with a long tail
    of rare names (the search benchmark's corpus), so frequent and rare terms behave as in
    real discussions.
    """

    def __init__(self, rng: random.Random, seed: int):
        from bench.search_corpus import Generator

        self.rng = rng
        self.corpus = Generator(seed)

    def language(self) -> str:
        roll = self.rng.random()
        return "es" if roll < 0.55 else "en" if roll < 0.85 else "fr" if roll < 0.90 else "mix"

    def words(self, lang: str, count: int) -> list[str]:
        if count < 2:
            return self.corpus.words("es" if lang == "mix" else lang, 2)[:max(count, 0)]
        if lang != "mix":
            return self.corpus.words(lang, count)
        half = count // 2
        return self.corpus.words("es", half) + self.corpus.words("en", count - half)

    def title(self, lang: str) -> str:
        words = self.words(lang, self.rng.randint(5, 10))
        return " ".join(words).capitalize()[:200]

    def body(self, lang: str, words: int = 100) -> str:
        paragraphs = []
        remaining = words
        while remaining > 0:
            n = min(remaining, self.rng.randint(25, 45))
            sentence = " ".join(self.words(lang, n)).capitalize()
            if lang in ("es", "mix") and COMMON_TERM not in sentence:
                sentence += f" {COMMON_TERM}"
            paragraphs.append(sentence + ".")
            remaining -= n
        return "\n\n".join(paragraphs)


def render(body: str) -> str:
    """The stored HTML of a body: the real Markdown renderer when present."""
    try:
        from forum.content.markup import render_markdown
    except ImportError:
        return "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n\n"))
    return render_markdown(body)


def _bulk(conn, table, rows) -> None:
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(table), rows[start:start + BATCH])


def generate(size: str, seed: int = 2026) -> dict:
    """Fill the (empty, migrated) database of the current app; return facts for the run."""
    from forum.extensions import db
    from forum.models import Category, Delegation, Post, Tag, Thread, User, thread_tag, utcnow
    from forum.models.people import Role

    spec = SIZES[size]
    rng = random.Random(seed)
    texts = TextMaker(rng, seed)
    now = utcnow()
    started = time.monotonic()
    conn = db.session.connection()
    delegations = {d.code: d.id for d in db.session.scalars(select(Delegation))}
    if not delegations:
        raise SystemExit("no delegations: run `flask seed-delegations` first")
    from werkzeug.security import generate_password_hash

    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:100000")
    users = []
    for n in range(1, spec["users"] + 1):
        role = (Role.ADMIN if n == 1 else Role.MODERATOR if n <= 5 else Role.FACILITATOR if n <= 20
                else Role.OBSERVER if n > spec["users"] - 40 else Role.LIAISON).value
        code = (rng.choice(("IOM", "UNHCR", "UNICEF")) if role in ("admin", "moderator", "facilitator")
                else "RNCOM" if role == "observer" else rng.choice(COUNTRIES))
        users.append({"id": n, "email": f"user{n}@bench.example", "display_name": f"Oficial {n}",
                      "password_hash": hashed, "role": role, "delegation_id": delegations[code],
                      "locale": rng.choice(("es", "es", "en", "fr")), "is_suspended": False,
                      "session_version": 1, "created_at": now - timedelta(days=400)})
    _bulk(conn, User.__table__, users)

    visibilities = ["public"] * 12 + ["members"] * 5 + ["governments"] * 2 + ["staff"]
    categories = []
    for n in range(1, spec["categories"] + 1):
        es = texts.title("es")[:60]
        categories.append({"id": n, "slug": f"categoria-{n}", "name_en": f"Topic {n}: " + texts.title("en")[:50],
                           "name_es": f"Tema {n}: {es}", "name_fr": f"Sujet {n}: " + texts.title("fr")[:50],
                           "description_en": texts.body("en", 20), "description_es": texts.body("es", 20),
                           "description_fr": texts.body("fr", 20), "position": n,
                           "visibility": visibilities[(n - 1) % len(visibilities)],
                           "observers_may_reply": n % 3 == 0, "thread_count": 0, "post_count": 0})

    tags = []
    seen = set()
    for n in range(1, spec["tags"] + 1):
        words = texts.words("es", 2)
        slug = f"{'-'.join(words)}-{n}".lower()
        seen.add(slug)
        tags.append({"id": n, "slug": slug[:100], "label_en": " ".join(texts.words("en", 2)),
                     "label_es": " ".join(words), "label_fr": " ".join(texts.words("fr", 2)),
                     "thread_count": 0, "created_at": now - timedelta(days=300)})

    # posts per thread: thread 1 has exactly 25, the rest share the remainder at random
    threads_n, posts_n = spec["threads"], spec["posts"]
    counts = [1] * threads_n
    counts[0] = 25
    for _ in range(posts_n - sum(counts)):
        counts[rng.randrange(1, threads_n)] += 1
    public_categories = [c["id"] for c in categories if c["visibility"] == "public"]
    threads, posts, links = [], [], []
    post_id = 0
    rare_left = RARE_COUNT
    start_time = now - timedelta(days=365)
    for t in range(1, threads_n + 1):
        lang = texts.language()
        stored_lang = "es" if lang == "mix" else lang
        author = users[rng.randrange(5, len(users))]
        category_id = public_categories[0] if t == THREAD_WITH_25 else rng.randint(1, len(categories))
        created = start_time + timedelta(minutes=t * 5)
        last = created
        for number in range(1, counts[t - 1] + 1):
            post_id += 1
            poster = author if number == 1 else users[rng.randrange(5, len(users))]
            body = texts.body(lang if number == 1 else texts.language(), rng.randint(60, 140))
            if rare_left and t % 97 == 0 and number == 1:
                body += f"\n\nUna {RARE_TERM} apareció en el albergue."
                rare_left -= 1
            last = created + timedelta(minutes=number * 7)
            posts.append({"id": post_id, "thread_id": t, "number": number, "author_id": poster["id"],
                          "delegation_id": poster["delegation_id"], "language": stored_lang,
                          "body": body, "body_html": render(body), "created_at": last,
                          "revision_count": 0, "is_deleted": False, "is_hidden": False})
        threads.append({"id": t, "category_id": category_id, "title": texts.title(lang),
                        "language": stored_lang, "author_id": author["id"],
                        "delegation_id": author["delegation_id"], "created_at": created,
                        "last_post_at": last, "post_count": counts[t - 1], "is_pinned": t % 500 == 0,
                        "is_locked": False, "is_hidden": False})
        for tag_id in rng.sample(range(1, len(tags) + 1), rng.randint(1, 4)):
            links.append({"thread_id": t, "tag_id": tag_id})
            tags[tag_id - 1]["thread_count"] += 1
        cat = categories[category_id - 1]
        cat["thread_count"] += 1
        cat["post_count"] += counts[t - 1]
        cat["last_post_at"] = max(cat.get("last_post_at") or last, last)
    for cat in categories:
        cat.setdefault("last_post_at", None)
    _bulk(conn, Category.__table__, categories)
    _bulk(conn, Tag.__table__, tags)
    _bulk(conn, Thread.__table__, threads)
    _bulk(conn, Post.__table__, posts)
    _bulk(conn, thread_tag, links)
    if conn.dialect.name == "postgresql":  # explicit ids were given: move the sequences on
        for table in ("user", "category", "tag", "thread", "post"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                              f"(SELECT MAX(id) FROM \"{table}\"))"))
    practices = _generate_practices(conn, spec["practices"], threads, users, texts, rng)
    db.session.commit()
    from forum.platform.db_stats import analyze

    with db.engine.begin() as stats_conn:  # as after any bulk load
        analyze(stats_conn)
    popular_tag = max(tags, key=lambda tag: tag["thread_count"])
    return {
        "size": size, "users": len(users), "categories": len(categories), "tags": len(tags),
        "threads": len(threads), "posts": len(posts), "practices": practices,
        "seconds": round(time.monotonic() - started, 1),
        "thread_id": THREAD_WITH_25, "category_slug": categories[public_categories[0] - 1]["slug"],
        "tag_slug": popular_tag["slug"], "country": "MX", "login": users[10]["email"],
        "password": PASSWORD, "rare_term": RARE_TERM, "common_term": COMMON_TERM,
    }


def _generate_practices(conn, count, threads, users, texts, rng) -> int | str:
    """Published practices with coverage, populations, situations and tags (when installed)."""
    try:
        from forum.models.practices import (
            IndicatorCoverage,
            MinimumIndicator,
            Practice,
            Situation,
            TargetPopulation,
            practice_population,
            practice_situation,
            practice_tag,
        )
        from forum.practices.defaults import ensure_lists
        from forum.practices.services import practice_category
    except ImportError:
        return "not available"
    from forum.extensions import db

    ensure_lists()  # these may commit: take the session's connection again afterwards
    category = practice_category()
    db.session.flush()
    conn = db.session.connection()
    indicators = list(db.session.scalars(select(MinimumIndicator.id)))
    populations = list(db.session.scalars(select(TargetPopulation.id)))
    situations = list(db.session.scalars(select(Situation.id)))
    now = threads[-1]["last_post_at"]
    liaisons = [u for u in users if u["role"] == "liaison"]
    rows, coverage, pops, sits, tags = [], [], [], [], []
    for n in range(1, count + 1):
        author = liaisons[n % len(liaisons)]
        lang = "es" if n % 3 else "en"
        rows.append({
            "id": n, "title": texts.title(lang), "delegation_id": author["delegation_id"],
            "category_id": category.id, "author_id": author["id"], "thread_id": None,
            "language": lang, "status": "published", "institution": texts.title(lang)[:120],
            "institution_type": rng.choice(("ministry", "consular_network", "other_agency")),
            "problem": texts.body(lang, 60), "description": texts.body(lang, 120),
            "operation": texts.body(lang, 60), "results": texts.body(lang, 50),
            "system_name": f"SIRC-{n}", "system_technology": rng.choice(("in_house", "commercial")),
            "evidence_level": rng.choice(("self_reported", "monitored")),
            "implementation_status": rng.choice(("pilot", "operational", "completed")),
            "start_year": rng.randint(2010, 2026), "created_at": now, "updated_at": now,
            "submitted_at": now, "published_at": now, "revision_count": 1,
        })
        for indicator in indicators:
            coverage.append({"practice_id": n, "indicator_id": indicator,
                             "value": rng.choice(("yes", "yes", "partly", "no"))})
        for pid in rng.sample(populations, min(len(populations), rng.randint(1, 3))):
            pops.append({"practice_id": n, "population_id": pid})
        for sid in rng.sample(situations, min(len(situations), rng.randint(1, 2))):
            sits.append({"practice_id": n, "situation_id": sid})
        for tid in rng.sample(range(1, 301), 2):
            tags.append({"practice_id": n, "tag_id": tid})
    _bulk(conn, Practice.__table__, rows)
    _bulk(conn, IndicatorCoverage.__table__, coverage)
    _bulk(conn, practice_population, pops)
    _bulk(conn, practice_situation, sits)
    _bulk(conn, practice_tag, tags)
    if conn.dialect.name == "postgresql":
        for table in ("practice", "indicator_coverage"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    return count


def main() -> None:
    """Entry point for `python -m bench.generate SIZE`."""
    from forum import create_app
    from forum.extensions import db

    size = sys.argv[1] if len(sys.argv) > 1 else "small"
    app = create_app()
    with app.app_context():
        db.create_all()
        from forum.models.roster import ensure_delegations

        ensure_delegations()
        facts = generate(size)
    import json

    print(json.dumps(facts))


if __name__ == "__main__":
    main()
