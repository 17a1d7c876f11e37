"""Search benchmark: Whoosh (as the application uses it) against SQLite FTS5 on the same corpus.

    python bench/search_bench.py --sizes 10000 100000

For each size: builds a fresh SQLite database from bench/search_corpus.py, reindexes it, then
prints bulk indexing throughput, p50/p95 latency of 1-, 2- and 3-term queries, phrases,
filtered and highlighted queries, facet counts, more_like, the whole results page, time from
commit to searchable, index size and per-process memory; and the same measurements with SQLite
FTS5 (unicode61, diacritics removed) as the reference, with the ratio Whoosh / FTS5 at p50.
Figures depend on the machine and its load: compare ratios measured in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_corpus import COUNTRIES, generate  # noqa: E402

STOP = {"de", "la", "el", "los", "las", "the", "of", "and", "to", "in", "le", "les", "des", "du",
        "et", "en", "y", "que", "para", "con", "por", "una", "un", "for", "with", "on", "a", "is"}


def pct(values, q):
    """The q-th percentile (0-100) of a list of seconds, in milliseconds."""
    values = sorted(values)
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, round(q / 100 * (len(values) - 1))))
    return values[k] * 1000


def timed(fn, items):
    """Run fn on each item; return the list of durations in seconds."""
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def private_mib(pid="self") -> float:
    """Private (unshared) memory of a process in MiB, from /proc."""
    total = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            total += int(line.split()[1])
    return total / 1024


def dir_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


# ---------------------------------------------------------------------------------------------
# Building the database
# ---------------------------------------------------------------------------------------------


def make_app(workdir: Path, mmap: bool = False):
    from forum import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'forum.db'}",
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "SEARCH_SYNC_ON_COMMIT": False,
        "SEARCH_MMAP": mmap,
        "SERVER_NAME": "bench.test",
        "INSTANCE_DIR": str(workdir / "instance"),
        "SECRET_KEY": "bench",
    })


def build_database(app, posts) -> dict:
    """Bulk-insert the corpus with Core statements (no change rows: reindex follows)."""
    from forum.extensions import db
    from forum.models import Category, Delegation, Post, Tag, Thread, User, thread_tag
    from forum.models.roster import ensure_delegations

    with app.app_context():
        db.create_all()
        ensure_delegations()
        codes = {d.code: d.id for d in db.session.scalars(db.select(Delegation))}
        db.session.execute(Category.__table__.insert(), [
            {"slug": f"cat-{i}", "name_en": f"Category {i}", "name_es": f"Categoría {i}",
             "name_fr": f"Catégorie {i}", "position": i, "visibility": "members" if i % 4 else "governments",
             "description_en": "", "description_es": "", "description_fr": "",
             "observers_may_reply": False, "thread_count": 0, "post_count": 0}
            for i in range(1, 21)])
        db.session.execute(User.__table__.insert(), [
            {"email": f"user{i}@bench.test", "display_name": f"Member {i}", "password_hash": "x",
             "role": "liaison", "delegation_id": codes[COUNTRIES[i % len(COUNTRIES)]],
             "is_suspended": False, "session_version": 1, "created_at": posts[0].created_at}
            for i in range(1, 501)])
        db.session.execute(Tag.__table__.insert(), [
            {"slug": f"tag-{i}", "label_en": f"topic {i}", "label_es": f"tema {i}",
             "label_fr": f"sujet {i}", "thread_count": 0, "created_at": posts[0].created_at}
            for i in range(1, 301)])
        threads, post_rows, tag_rows = [], [], []
        for pid, post in enumerate(posts, 1):
            user = (pid % 500) + 1
            if post.number == 1:
                threads.append({"id": post.thread, "category_id": post.thread % 20 + 1,
                                "title": post.title, "language": post.language, "author_id": user,
                                "delegation_id": codes[post.country], "created_at": post.created_at,
                                "last_post_at": post.created_at, "post_count": 1, "is_pinned": False,
                                "is_locked": False, "is_hidden": False})
                tag_rows += [{"thread_id": post.thread, "tag_id": t} for t in post.tags]
            post_rows.append({"id": pid, "thread_id": post.thread, "number": post.number,
                              "author_id": user, "delegation_id": codes[post.country],
                              "language": post.language, "body": post.body, "body_html": "",
                              "created_at": post.created_at, "revision_count": 0,
                              "is_deleted": False, "is_hidden": False})
        for chunk in range(0, len(threads), 5000):
            db.session.execute(Thread.__table__.insert(), threads[chunk:chunk + 5000])
        for chunk in range(0, len(post_rows), 5000):
            db.session.execute(Post.__table__.insert(), post_rows[chunk:chunk + 5000])
        if tag_rows:
            db.session.execute(thread_tag.insert(), tag_rows)
        db.session.commit()
        return {"threads": len(threads), "posts": len(post_rows)}


# ---------------------------------------------------------------------------------------------
# Query sets
# ---------------------------------------------------------------------------------------------


def query_sets(posts, n, seed=7):
    rnd = random.Random(seed)
    sample = rnd.sample(posts, min(len(posts), 2000))
    words = [w for p in sample for w in re.findall(r"\w+", p.body.lower()) if w not in STOP and len(w) > 3]
    distinct = sorted(set(words))

    def terms(k):
        # Half drawn as users type (frequent words), half from the whole vocabulary (rarer).
        return " ".join(rnd.choice(words) if rnd.random() < 0.5 else rnd.choice(distinct) for _ in range(k))

    phrases = []
    for post in rnd.sample(sample, n):
        tokens = [w for w in re.findall(r"\w+", post.body.lower())]
        for _ in range(10):
            i = rnd.randrange(max(1, len(tokens) - 1))
            if tokens[i] not in STOP and tokens[i + 1 if i + 1 < len(tokens) else i] not in STOP:
                phrases.append(f"{tokens[i]} {tokens[min(i + 1, len(tokens) - 1)]}")
                break
    return {
        "1 term": [terms(1) for _ in range(n)],
        "2 terms": [terms(2) for _ in range(n)],
        "3 terms": [terms(3) for _ in range(n)],
        "phrase": phrases,
        "filtered": [(terms(rnd.choice((1, 2))), rnd.choice(COUNTRIES), rnd.choice(("es", "en"))) for _ in range(n)],
    }


# ---------------------------------------------------------------------------------------------
# Whoosh, through the application's search module
# ---------------------------------------------------------------------------------------------


def bench_whoosh(app, posts, queries, n) -> dict:
    from sqlalchemy import select
    from whoosh import query as wq

    from forum.extensions import db
    from forum.models import Post, User
    from forum.search import engine
    from forum.search.index import handle
    from forum.search.query import parse
    from forum.search.writer import rebuild, searcher, sync

    out: dict = {}
    texts = {}
    with app.test_request_context():
        idx = handle()
        t = time.perf_counter()
        count = rebuild(idx)
        elapsed = time.perf_counter() - t
        out["reindex"] = {"docs": count, "seconds": elapsed, "rate": count / elapsed}
        out["size_mib"] = dir_mib(idx.current_dir())
        user = db.session.scalar(select(User).where(User.role == "liaison"))
        user.role = "admin"  # sees every category: the worst case for filters and counts
        db.session.commit()
        s = searcher()
        for key, body in ((f"post:{i}", p.body) for i, p in enumerate(posts, 1)):
            texts[key] = body
        first_ids = {}
        for i, p in enumerate(posts, 1):
            if p.number == 1:
                first_ids[p.thread] = i
                texts[f"thread:{p.thread}"] = p.body

        fq = engine.visibility_filter(user)

        def top(raw, extra=None):
            # What the results page does: visible matches, then the best hit of each thread.
            parsed = parse(raw)
            q = engine.full_query(parsed)
            allowed = engine.filter_docs(s, fq + (extra or []))
            return engine.collapsed_hits(s, q, allowed, 10)

        for name in ("1 term", "2 terms", "3 terms", "phrase"):
            items = queries[name] if name != "phrase" else [f'"{p}"' for p in queries[name]]
            top(items[0])
            out[name] = timed(lambda raw: len(top(raw)), items)
        out["filtered"] = timed(lambda item: top(item[0], [wq.Term("country", item[1]), wq.Term("lang", item[2])]),
                                queries["filtered"])

        def highlighted(raw):
            for hit in top(raw):
                hit.highlights("body", text=texts.get(hit["key"], ""), top=2)

        out["2 terms + highlights"] = timed(highlighted, queries["2 terms"])

        def facets(raw):
            parsed = parse(raw)
            docs = engine.matched_docs(s, engine.full_query(parsed), fq)
            engine._facets(s, docs, parsed, app.config["SEARCH_FACET_SAMPLE"])

        out["facet counts (1 term)"] = timed(facets, queries["1 term"])
        out["exact count (1 term)"] = timed(
            lambda raw: len(engine.matched_docs(s, engine.full_query(parse(raw)), fq)), queries["1 term"])

        rnd = random.Random(3)
        thread_ids = rnd.sample(sorted(first_ids), min(n, len(first_ids)))

        def more_like(thread_id):
            docnum = s.document_number(key=f"thread:{thread_id}")
            if docnum is not None:
                s.more_like(docnum, "body", text=texts[f"thread:{thread_id}"], top=5)

        out["more_like"] = timed(more_like, thread_ids)
        out["results page (2 terms, all included)"] = timed(
            lambda raw: engine.run(user, raw, per_page=10), queries["2 terms"][: max(20, n // 4)])

        # Commit to searchable: the change row is written with the post; the drain that runs
        # after the response applies it; then a search finds it.
        app.config["SEARCH_SYNC_ON_COMMIT"] = True
        latencies = []
        for i in range(20):
            token = f"zzprobe{i}x"
            t = time.perf_counter()
            thread_id = thread_ids[i % len(thread_ids)]
            db.session.add(Post(thread_id=thread_id, number=10_000 + i, author_id=user.id,
                                delegation_id=user.delegation_id, language="en",
                                body=f"probe {token}", body_html=""))
            db.session.commit()  # outside a request the drain runs right after the commit
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline:
                if engine.matched_docs(searcher(), wq.Term("body", token), []):
                    break
                sync()
            latencies.append(time.perf_counter() - t)
        out["commit to searchable"] = latencies
        app.config["SEARCH_SYNC_ON_COMMIT"] = False
    return out


# ---------------------------------------------------------------------------------------------
# SQLite FTS5, the reference
# ---------------------------------------------------------------------------------------------


def fts_words(raw: str) -> str:
    return " ".join(f'"{w}"' for w in re.findall(r"\w+", raw))


def bench_fts(workdir: Path, posts, queries, n) -> dict:
    path = workdir / "fts.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body, country UNINDEXED, "
                "lang UNINDEXED, kind UNINDEXED, tags UNINDEXED, "
                "tokenize='unicode61 remove_diacritics 2')")
    out: dict = {}
    rows = []
    for i, p in enumerate(posts, 1):
        rows.append((i, p.title if p.number == 1 else "", p.body, p.country, p.language,
                     "thread" if p.number == 1 else "post", " ".join(map(str, p.tags))))
    t = time.perf_counter()
    con.executemany("INSERT INTO fts(rowid, title, body, country, lang, kind, tags) VALUES (?,?,?,?,?,?,?)", rows)
    con.commit()
    elapsed = time.perf_counter() - t
    out["reindex"] = {"docs": len(rows), "seconds": elapsed, "rate": len(rows) / elapsed}
    out["size_mib"] = path.stat().st_size / 1024 / 1024

    def top(match, where="", args=()):
        return con.execute(f"SELECT rowid FROM fts WHERE fts MATCH ? {where} ORDER BY rank LIMIT 10",
                           (match, *args)).fetchall()

    for name in ("1 term", "2 terms", "3 terms"):
        out[name] = timed(lambda raw: top(fts_words(raw)), queries[name])
    out["phrase"] = timed(lambda raw: top(f'"{raw}"'), queries["phrase"])
    out["filtered"] = timed(lambda item: top(fts_words(item[0]), "AND country = ? AND lang = ?", item[1:]),
                            queries["filtered"])
    out["2 terms + highlights"] = timed(
        lambda raw: con.execute("SELECT snippet(fts, 1, '<mark>', '</mark>', '…', 24) FROM fts "
                                "WHERE fts MATCH ? ORDER BY rank LIMIT 10", (fts_words(raw),)).fetchall(),
        queries["2 terms"])

    def facets(raw):
        match = fts_words(raw)
        for col in ("country", "lang", "kind"):
            con.execute(f"SELECT {col}, count(*) FROM fts WHERE fts MATCH ? GROUP BY {col}", (match,)).fetchall()
        Counter(t for (tags,) in con.execute("SELECT tags FROM fts WHERE fts MATCH ?", (match,)) for t in tags.split())

    out["facet counts (1 term)"] = timed(facets, queries["1 term"])
    out["exact count (1 term)"] = timed(
        lambda raw: con.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (fts_words(raw),)).fetchone(),
        queries["1 term"])

    rnd = random.Random(3)
    firsts = [i for i, p in enumerate(posts, 1) if p.number == 1]

    def more_like(rowid):
        text = rows[rowid - 1][2]
        common = [w for w, _c in Counter(w for w in re.findall(r"\w+", text.lower()) if w not in STOP and len(w) > 3).most_common(8)]
        if common:
            con.execute("SELECT rowid FROM fts WHERE fts MATCH ? AND rowid != ? ORDER BY rank LIMIT 5",
                        (" OR ".join(f'"{w}"' for w in common), rowid)).fetchall()

    out["more_like"] = timed(more_like, rnd.sample(firsts, min(n, len(firsts))))
    latencies = []
    for i in range(20):
        t = time.perf_counter()
        con.execute("INSERT INTO fts(title, body, country, lang, kind, tags) VALUES ('', ?, 'MX', 'en', 'post', '')",
                    (f"probe zzprobe{i}x",))
        con.commit()
        con.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (f"zzprobe{i}x",)).fetchall()
        latencies.append(time.perf_counter() - t)
    out["commit to searchable"] = latencies
    con.close()
    return out


# ---------------------------------------------------------------------------------------------
# Memory of one serving process
# ---------------------------------------------------------------------------------------------


def memory_probe(workdir: str, mmap: bool) -> None:
    """(Run in a fresh process.) Private memory before and after serving searches."""
    app = make_app(Path(workdir), mmap=mmap)
    from flask_login import AnonymousUserMixin

    from forum.search import engine
    from forum.search.writer import searcher

    with app.test_request_context():
        before = private_mib()
        searcher()
        words = ["consular", "protección", "migrants", "rapatriement", "registro", "children",
                 "frontera", "border", "temporales", "victims"]
        for i in range(60):
            engine.run(AnonymousUserMixin(), f"{words[i % 10]} {words[(i * 3) % 10]}", per_page=10)
        after = private_mib()
    print(json.dumps({"before": before, "after": after}))


def measure_memory(workdir: Path, mmap: bool) -> dict | None:
    result = subprocess.run([sys.executable, __file__, "--probe", str(workdir)] + (["--mmap"] if mmap else []),
                            capture_output=True, text=True, cwd=str(ROOT))
    if result.returncode != 0:
        print(f"memory probe failed:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------


def report_memory(memory: dict) -> None:
    """Print the memory probes."""
    for label, values in memory.items():
        if values is None:
            print(f"private memory of a serving process ({label}): probe failed (see stderr)")
            continue
        print(f"private memory of a serving process ({label}): {values['before']:.0f} MiB before the "
              f"index, {values['after']:.0f} MiB after 60 searches (+{values['after'] - values['before']:.0f} MiB)")
    sys.stdout.flush()


def report(n: int, built: dict, w: dict, f: dict, memory: dict) -> None:
    print(f"\n=== {n:,} posts ({built['threads']:,} threads) ===")
    print(f"bulk reindex: Whoosh {w['reindex']['rate']:,.0f} docs/s ({w['reindex']['docs']:,} docs in "
          f"{w['reindex']['seconds']:.1f} s) | FTS5 {f['reindex']['rate']:,.0f} docs/s "
          f"({f['reindex']['seconds']:.1f} s) | ratio {f['reindex']['rate'] / w['reindex']['rate']:.1f}x slower")
    print(f"index size: Whoosh {w['size_mib']:.1f} MiB | FTS5 (table and text) {f['size_mib']:.1f} MiB")
    print(f"{'query':40} {'Whoosh p50':>11} {'p95':>9} {'FTS5 p50':>10} {'p95':>9} {'ratio p50':>10}")
    names = ["1 term", "2 terms", "3 terms", "phrase", "filtered", "2 terms + highlights",
             "facet counts (1 term)", "exact count (1 term)", "more_like", "commit to searchable",
             "results page (2 terms, all included)"]
    for name in names:
        wv = w.get(name)
        fv = f.get(name)
        line = f"{name:40} {pct(wv, 50):9.1f}ms {pct(wv, 95):7.1f}ms"
        if fv:
            line += f" {pct(fv, 50):8.2f}ms {pct(fv, 95):7.2f}ms {pct(wv, 50) / max(pct(fv, 50), 1e-6):9.1f}x"
        else:
            line += f" {'-':>10} {'-':>9} {'-':>10}"
        print(line)
    for label, values in memory.items():
        if values is None:
            print(f"private memory of a serving process ({label}): probe failed (see stderr)")
            continue
        print(f"private memory of a serving process ({label}): {values['before']:.0f} MiB before the "
              f"index, {values['after']:.0f} MiB after 60 searches (+{values['after'] - values['before']:.0f} MiB)")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=0, help="queries per type (default: by size)")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--mmap", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the work folders")
    args = parser.parse_args()
    if args.probe:
        memory_probe(args.probe, args.mmap)
        return
    print(f"search benchmark, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for n in args.sizes:
        workdir = Path(tempfile.mkdtemp(prefix=f"search-bench-{n}-"))
        try:
            posts = list(generate(n))
            count = args.queries or (200 if n <= 20_000 else 100)
            queries = query_sets(posts, count)
            app = make_app(workdir)
            built = build_database(app, posts)
            w = bench_whoosh(app, posts, queries, count)
            f = bench_fts(workdir, posts, queries, count)
            report(n, built, w, f, {})
            memory = {"no mmap (default)": measure_memory(workdir, False),
                      "mmap": measure_memory(workdir, True)}
            report_memory(memory)
        finally:
            if not args.keep:
                shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
