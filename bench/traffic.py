"""Replayed traffic for `make bench`: many distinct pages, readers of both kinds, writes meanwhile.

A benchmark that asks for one URL measures a warm cache. The rows made here draw paths from
lists (see paths.lua): 400 distinct threads with uniform and Zipf-distributed popularity, threads
no worker has rendered yet (cold), category and tag pages across all of them, searches over
varied terms (Zipf-distributed for tags); each read row once on a quiet server and once while a second client posts replies
at WRITES_PER_SECOND to random threads of the 400.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_THREADS = 400
DRAWS = 60_000  # paths per uniform or Zipf list: more than a row ever requests
ZIPF_S = 1.1
WRITES_PER_SECOND = 2
PLACEHOLDER_ID = 987654321

# What the served app knows: readable threads and lists for each kind of reader, URL patterns.
_FACTS_SCRIPT = """
import json, sys, re
from sqlalchemy import select
from bench.wsgi_bench import app
from forum import permissions
from forum.extensions import db
from forum.models import Category, Tag, Thread, User
email, placeholder = sys.argv[1], int(sys.argv[2])
with app.test_request_context():
    from flask import url_for
    from flask_login import AnonymousUserMixin
    user = db.session.scalar(select(User).where(User.email == email))
    def threads(who):
        return list(db.session.scalars(select(Thread.id).where(permissions.visible_threads(who))
                                       .order_by(Thread.id)))
    def categories(who):
        # (slug, pages) of each readable category
        from sqlalchemy import func
        per_page = app.config["THREADS_PER_PAGE"]
        rows = db.session.execute(
            select(Category.slug, func.count(Thread.id)).join(Thread, Thread.category_id == Category.id)
            .where(permissions.visible_categories(who), permissions.visible_threads(who))
            .group_by(Category.id).order_by(Category.position))
        return [(slug, max(1, -(-count // per_page))) for slug, count in rows]
    anonymous = AnonymousUserMixin()
    titles = list(db.session.scalars(select(Thread.title).order_by(Thread.id).limit(400)))
    words = sorted({w.lower() for t in titles for w in re.findall(r"[^\\W\\d_]{5,}", t)})
    out = {
        "anonymous_threads": threads(anonymous), "member_threads": threads(user),
        "anonymous_categories": categories(anonymous), "member_categories": categories(user),
        "tags": list(db.session.scalars(select(Tag.slug).where(Tag.thread_count > 0).order_by(Tag.id))),
        "words": words,
        "thread_url": url_for("board.view_thread", thread_id=placeholder),
        "reply_url": url_for("board.reply", thread_id=placeholder),
        "category_url": url_for("board.view_category", slug="SLUG"),
        "tag_url": url_for("tags.view_tag", slug="SLUG"),
        "search_url": url_for("search.search", q="TERM"),
    }
print(json.dumps(out))
"""


@dataclass
class Mix:
    """Path lists (files) for the replayed rows, and the threads the writer replies to."""

    folder: Path
    sample: list[int]
    reply_url: str
    lists: dict[str, Path] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)

    def write(self, name: str, paths: list[str], distinct: int | None = None) -> None:
        """Store a path list under `name`."""
        path = self.folder / f"paths-{name}.txt"
        path.write_text("\n".join(paths) + "\n")
        self.lists[name] = path
        self.sizes[name] = distinct if distinct is not None else len(set(paths))

    def reply_path(self, thread_id: int) -> str:
        """The reply URL of a thread."""
        return self.reply_url.replace(str(PLACEHOLDER_ID), str(thread_id))


def _zipf_draws(items: list, rng: random.Random, count: int) -> list:
    """`count` draws where the item of rank r is chosen with weight 1 / r^ZIPF_S."""
    weights = [1 / (rank ** ZIPF_S) for rank in range(1, len(items) + 1)]
    return rng.choices(items, weights=weights, k=count)


def build_mix(run, env: dict, login_email: str, folder: Path, seed: int = 7) -> Mix:
    """Ask the app for what each reader may see and write the path lists."""
    from bench.run import PY  # the same interpreter as the served app

    result = run([PY, "-c", _FACTS_SCRIPT, login_email, str(PLACEHOLDER_ID)], env)
    if result.returncode:
        raise SystemExit(result.stderr)
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    rng = random.Random(seed)
    anonymous = facts["anonymous_threads"][:]
    rng.shuffle(anonymous)
    sample, rest = anonymous[:SAMPLE_THREADS], anonymous[SAMPLE_THREADS:]
    members_only = sorted(set(facts["member_threads"]) - set(facts["anonymous_threads"]))
    rng.shuffle(members_only)

    def thread(tid: int) -> str:
        return facts["thread_url"].replace(str(PLACEHOLDER_ID), str(tid))

    def listing(pattern: str, slugs: list, pages: int = 1) -> list[str]:
        """Each listing's first pages (slugs may come with their number of pages)."""
        out = []
        for item in slugs:
            slug, last = item if isinstance(item, list | tuple) else (item, pages)
            base = pattern.replace("SLUG", urllib.parse.quote(slug))
            out += [base + (f"?page={n}" if n > 1 else "") for n in range(1, min(pages, last) + 1)]
        return out

    mix = Mix(folder, sample, facts["reply_url"])
    mix.write("threads-uniform", [thread(t) for t in rng.choices(sample, k=DRAWS)])
    mix.write("threads-zipf", [thread(t) for t in _zipf_draws(sample, rng, DRAWS)])
    half = len(rest) // 2
    mix.write("cold-anonymous-1", [thread(t) for t in rest[:half]])
    mix.write("cold-anonymous-2", [thread(t) for t in rest[half:]])
    half = len(members_only) // 2
    mix.write("cold-member-1", [thread(t) for t in members_only[:half]])
    mix.write("cold-member-2", [thread(t) for t in members_only[half:]])
    for who in ("anonymous", "member"):
        pages = listing(facts["category_url"], facts[f"{who}_categories"], pages=3)
        mix.write(f"categories-{who}", rng.choices(pages, k=DRAWS), len(pages))
    tags = listing(facts["tag_url"], facts["tags"])
    rng.shuffle(tags)
    mix.write("tags", _zipf_draws(tags, rng, DRAWS), len(tags))
    words = facts["words"]
    terms = rng.sample(words, min(60, len(words)))
    terms += [f"{a} {b}" for a, b in zip(terms[:20], terms[20:40], strict=False)]  # two-word queries
    searches = [facts["search_url"].replace("TERM", urllib.parse.quote_plus(t)) for t in terms]
    mix.write("searches", rng.choices(searches, k=DRAWS), len(searches))
    return mix


class Writer:
    """A second client posting replies to random threads of the sample, WRITES_PER_SECOND."""

    def __init__(self, port: int, cookie: str, token: str, mix: Mix, request):
        self.port, self.cookie, self.token, self.mix, self.request = port, cookie, token, mix, request
        self.rng = random.Random(11)
        self.posted = self.failed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Writer:
        self._stop.clear()
        self.posted = self.failed = 0
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        interval = 1 / WRITES_PER_SECOND
        next_at = time.monotonic()
        while not self._stop.is_set():
            thread_id = self.rng.choice(self.mix.sample)
            body = urllib.parse.urlencode({
                "csrf_token": self.token, "language": "es",
                "body": f"Respuesta {self.posted} sobre registro consular y documentos de viaje.",
            })
            try:
                status, _, _ = self.request(self.port, "POST", self.mix.reply_path(thread_id), body,
                                            self.cookie)
                if status in (302, 303):
                    self.posted += 1
                else:
                    self.failed += 1
            except OSError:
                self.failed += 1
            next_at += interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))


def reply_token(request, port: int, cookie: str, mix: Mix) -> tuple[str, str]:
    """A session cookie and CSRF token good for posting replies."""
    status, headers, page = request(port, "GET", mix.reply_path(mix.sample[0]), cookie=cookie)
    if status != 200:
        raise SystemExit(f"the reply form answered {status}")
    cookie = headers.get("set-cookie", "").split(";", 1)[0] or cookie
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return cookie, match.group(1) if match else ""
