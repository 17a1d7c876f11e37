"""Page-speed benchmark: generate data, serve with gunicorn, drive wrk, print a table.

    python -m bench.run [--size small|large] [--database sqlite|postgresql+psycopg://...]
                        [--duration 5] [--connections 4] [--port 5180]

Everything runs in a fresh folder (and a fresh PostgreSQL database when one is given).
Rows marked "warm" ask for one URL again and again; the others replay traffic over many pages
(see bench/traffic.py). Each read row is measured on a quiet server and again while a second
client posts 2 replies a second ("+ writes"). Figures are compared with a bare Flask page served
the same way in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

from bench import traffic

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
BIN = Path(PY).parent
TICK = os.sysconf("SC_CLK_TCK")
WORKERS = 2
WRITER_EMAIL = "user12@bench.example"  # a liaison, as the reader (user11)
WRITE_LABEL = f"{traffic.WRITES_PER_SECOND} writes/s"
WARM_SECONDS = 10  # per replayed row, before measuring it

# (label, endpoint, how to build its URL from the generated facts, logged in?): one URL each
PAGES = [
    ("warm: home", "main.index", lambda f: {}, False),
    ("warm: category", "board.view_category", lambda f: {"slug": f["category_slug"]}, False),
    ("warm: popular thread (anon)", "board.view_thread", lambda f: {"thread_id": f["thread_id"]}, False),
    ("warm: popular thread (login)", "board.view_thread", lambda f: {"thread_id": f["thread_id"]}, True),
    ("warm: tag", "tags.view_tag", lambda f: {"slug": f["tag_slug"]}, False),
    ("warm: country profile", "practices.country", lambda f: {"code": f["country"]}, True),
    ("warm: comparison matrix", "practices.compare", lambda f: {}, True),
    ("warm: search rare term", "search.search", lambda f: {"q": f["rare_term"]}, True),
    ("warm: search common term", "search.search", lambda f: {"q": f["common_term"]}, True),
]
# (label, path list of bench/traffic.py, logged in?): replayed traffic over many pages
MIXES = [
    ("400 threads uniform (anon)", "threads-uniform", False),
    ("400 threads uniform (login)", "threads-uniform", True),
    ("400 threads Zipf (anon)", "threads-zipf", False),
    ("400 threads Zipf (login)", "threads-zipf", True),
    ("cold threads (anon)", "cold-anonymous-{n}", False),
    ("cold threads (login)", "cold-member-{n}", True),
    ("categories x3 pages (anon)", "categories-anonymous", False),
    ("categories x3 pages (login)", "categories-member", True),
    ("tag pages Zipf (anon)", "tags", False),
    ("searches, varied terms (login)", "searches", True),
]


def log(message: str) -> None:
    """Progress on stderr, the table on stdout."""
    print(message, file=sys.stderr, flush=True)


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    """Run a command in the project folder."""
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, **kwargs)


def prepare_database(database: str, size: str, workdir: Path) -> str:
    """A fresh database URL: a new SQLite file, or a recreated PostgreSQL database."""
    if database == "sqlite":
        return f"sqlite:///{workdir / 'forum.db'}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_perf_{size}"
    url = make_url(database)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def proc_cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def proc_memory(pid: int) -> tuple[float, float]:
    """(RSS, USS) of a process in MiB."""
    rss = uss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key == "Rss":
            rss = int(rest.split()[0])
        elif key in ("Private_Clean", "Private_Dirty"):
            uss += int(rest.split()[0])
    return rss / 1024, uss / 1024


class Server:
    """gunicorn with 2 sync workers on 127.0.0.1:port."""

    def __init__(self, app: str, port: int, env: dict, chdir: Path = ROOT, workers: int = WORKERS,
                 logfile: Path | None = None):
        self.port = port
        # a file, not a pipe: a pipe nobody reads fills up and blocks the workers
        self.logfile = logfile or Path(env.get("FORUM_INSTANCE_DIR", "/tmp")) / f"gunicorn-{port}.log"
        self.log = self.logfile.open("w")
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{port}",
             "--chdir", str(chdir), "--log-level", "warning", "--timeout", "60", app],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self.log, text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn for {app} exited:\n{self.logfile.read_text()[-3000:]}")
            try:
                status, _, _ = request(port, "GET", "/__ping__")
                if status and len(self.workers()) >= workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn for {app} did not start")

    def workers(self) -> list[int]:
        """The worker pids (children of the master)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def cpu_ticks(self) -> int:
        """CPU ticks used so far by all workers."""
        return sum(proc_cpu_ticks(pid) for pid in self.workers())

    def stop(self) -> None:
        """Stop the master (it stops its workers)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def request(port: int, method: str, path: str, body: str | None = None,
            cookie: str | None = None) -> tuple[int, dict, str]:
    """One HTTP request; (status, headers, text). A GET dropped by the server is retried."""
    for attempt in range(3):
        try:
            return _request(port, method, path, body, cookie)
        except http.client.RemoteDisconnected:
            if method != "GET" or attempt == 2:
                raise
            log(f"  (connection dropped on {path}; retrying)")
            time.sleep(0.5)
    raise AssertionError("unreachable")


def _request(port: int, method: str, path: str, body: str | None,
             cookie: str | None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Accept-Language": "es"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    headers = {k.lower(): v for k, v in response.getheaders()}
    for key, value in response.getheaders():  # the session cookie among several Set-Cookie
        if key.lower() == "set-cookie" and value.startswith("session="):
            headers["set-cookie"] = value
    result = response.status, headers, text
    conn.close()
    return result


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return match.group(1) if match else ""


def login(port: int, email: str, password: str) -> str:
    """Log in through the form and return the session cookie header."""
    status, headers, page = request(port, "GET", "/auth/login")
    cookie = headers.get("set-cookie", "").split(";", 1)[0]
    body = urllib.parse.urlencode({"csrf_token": csrf_token(page), "email": email,
                                   "password": password})
    status, headers, _ = request(port, "POST", "/auth/login", body, cookie)
    if status not in (302, 303):
        raise SystemExit(f"login failed with status {status}")
    return headers.get("set-cookie", "").split(";", 1)[0] or cookie


def wrk(port: int, path: str, duration: int, connections: int, cookie: str | None = None,
        script: Path = BENCH / "report.lua", env: dict | None = None) -> dict:
    """Drive wrk against a path for `duration` seconds and return its figures."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd += ["-H", "Accept-Language: es", f"http://127.0.0.1:{port}{path}"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env or os.environ.copy())
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"wrk failed: {out.stdout}\n{out.stderr}")


def measure(server: Server, path: str, args, cookie: str | None = None,
            script: Path = BENCH / "report.lua", env: dict | None = None) -> dict:
    """wrk figures plus server CPU milliseconds per request."""
    before = server.cpu_ticks()
    figures = wrk(server.port, path, args.duration, args.connections, cookie, script, env)
    used = server.cpu_ticks() - before
    seconds = figures["duration_us"] / 1e6
    figures["rps"] = figures["requests"] / seconds if seconds else 0
    figures["cpu_ms"] = used * 1000 / TICK / figures["requests"] if figures["requests"] else 0
    return figures


def measure_paths(server: Server, paths: Path, args, cookie: str | None = None) -> dict:
    """wrk replaying a list of paths (see paths.lua), with bytes and SQL statements per page."""
    env = os.environ | {"BENCH_PATHS": str(paths), "BENCH_THREADS": "2"}
    return measure(server, "/", args, cookie, BENCH / "paths.lua", env)


def busy_row(server: Server, paths: Path, args, cookie: str | None, writer) -> dict:
    """A row measured while the writer posts replies."""
    with writer:
        busy = measure_paths(server, paths, args, cookie)
    busy["writes"] = writer.posted
    busy["write_failures"] = writer.failed
    return busy


def both_ways(server: Server, paths: Path, args, cookie: str | None, writer) -> list[dict]:
    """A row measured on a quiet server, then while the writer posts replies."""
    return [measure_paths(server, paths, args, cookie), busy_row(server, paths, args, cookie, writer)]


def add_rows(rows: list, label: str, figures: list[dict]) -> None:
    """A quiet row and its "+ writes" twin."""
    for fig in figures:
        busy = "writes" in fig
        note = f"{fig['sql']:.1f}" if "sql" in fig else "?"
        rows.append((f"  + {WRITE_LABEL}" if busy else label, fig, note))


def warm(port: int, paths: Path, cookies, seconds: float) -> int:
    """Ask for the distinct paths of a list, for each cookie, until done or `seconds` passed
    (cold pages cost most: a real server meets the popular ones warm). Returns requests made."""
    from concurrent.futures import ThreadPoolExecutor

    distinct = list(dict.fromkeys(paths.read_text().split()))
    jobs = [(path, cookie) for path in distinct for cookie in cookies]
    deadline = time.monotonic() + seconds

    def fetch(job) -> int:
        if time.monotonic() > deadline:
            return 0
        request(port, "GET", job[0], cookie=job[1])
        return 1

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return sum(pool.map(fetch, jobs))


def resolve_urls(env: dict, facts: dict) -> dict:
    """Build each page's URL with the app's own url_for (None when the endpoint is missing)."""
    wanted = {label: (endpoint, builder(facts)) for label, endpoint, builder, _ in PAGES}
    wanted["reply"] = ("board.reply", {"thread_id": facts["thread_id"]})
    script = (
        "import json,sys\n"
        "from werkzeug.routing import BuildError\n"
        "from bench.wsgi_bench import app\n"
        "wanted=json.loads(sys.argv[1]); out={}\n"
        "with app.test_request_context():\n"
        "    from flask import url_for\n"
        "    for label,(endpoint,values) in wanted.items():\n"
        "        try: out[label]=url_for(endpoint,**values)\n"
        "        except BuildError: out[label]=None\n"
        "print(json.dumps(out))\n"
    )
    result = run([PY, "-c", script, json.dumps(wanted)], env)
    if result.returncode:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def has_search_commands(env: dict) -> bool:
    """True when the search feature's CLI group is installed."""
    return run([str(BIN / "flask"), "--app", "wsgi", "search", "--help"], env).returncode == 0


def serving_env(workdir: Path, database_url: str) -> dict:
    """The environment of the served application: everything in `workdir`, no rate limits."""
    env = os.environ | {
        "FORUM_INSTANCE_DIR": str(workdir), "DATABASE_URL": database_url,
        "SEARCH_INDEX_DIR": str(workdir / "index"), "UPLOAD_DIR": str(workdir / "uploads"),
        "SECRET_KEY": "bench-" + uuid.uuid4().hex, "RATELIMIT_ENABLED": "0",
        "FORUM_ENV": "development", "PYTHONPATH": str(ROOT),
        "PYTHONFAULTHANDLER": "1",  # a crashed worker leaves its Python stack in the log
    }
    env.pop("FLASK_DEBUG", None)
    return env


def fmt_ms(us: float) -> str:
    """Microseconds as milliseconds."""
    return f"{us / 1000:.1f}"


def main() -> None:
    """Run the whole benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=("small", "large"), default="small")
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--duration", type=int, default=3, help="seconds per row")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=5180)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--related", choices=("live", "off"), default="live",
                        help="off: thread pages without related threads (see bench/wsgi_bench.py)")
    parser.add_argument("--sync-on-commit", action="store_true",
                        help="index in the web workers after each commit instead of in a "
                             "separate `flask search worker` process (the production setup)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    workdir = Path(args.workdir or f"/tmp/bench-perf-{args.size}")
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    database_url = prepare_database(args.database, args.size, workdir)
    env = serving_env(workdir, database_url) | {"SQL_COUNT_HEADER": "1", "BENCH_RELATED": args.related}

    log(f"generating the {args.size} data set into {database_url.split('@')[-1]} ...")
    result = run([PY, "-m", "bench.generate", args.size], env)
    if result.returncode:
        raise SystemExit(result.stderr)
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    log(f"  {facts['posts']} posts in {facts['threads']} threads in {facts['seconds']} s")

    reindex_s: float | str = "not available"
    has_search = facts["search"] = has_search_commands(env)
    if has_search:
        log("rebuilding the search index ...")
        started = time.monotonic()
        result = run([str(BIN / "flask"), "--app", "wsgi", "search", "reindex"], env)
        reindex_s = time.monotonic() - started if result.returncode == 0 else f"failed: {result.stderr[-300:]}"

    urls = resolve_urls(env, facts)
    mix = traffic.build_mix(run, env, facts["login"], workdir)
    worker = None
    if has_search and not args.sync_on_commit:
        env = env | {"SEARCH_SYNC_ON_COMMIT": "0"}
        worker = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "search", "worker"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
    rows = []

    log("measuring the ceiling (bare Flask + Jinja, 20 rows) ...")
    ceiling = Server("ceiling:app", args.port + 1, env, chdir=BENCH)
    try:
        for _ in range(20):
            request(ceiling.port, "GET", "/")
        base = measure(ceiling, "/", args)
    finally:
        ceiling.stop()
    rows.append(("ceiling: bare Flask page", base, "-"))

    log("serving the application ...")
    server = Server("bench.wsgi_bench:app", args.port, env)
    reply_to_search: float | str = "not available"
    try:
        cookie = login(server.port, facts["login"], facts["password"])
        writer_cookie = login(server.port, WRITER_EMAIL, facts["password"])
        writer_cookie, token = traffic.reply_token(request, server.port, writer_cookie, mix)
        writer = traffic.Writer(server.port, writer_cookie, token, mix, request)
        for label, _endpoint, _builder, logged_in in PAGES:
            path = urls.get(label)
            if not path:
                rows.append((label, None, "not available"))
                continue
            who = cookie if logged_in else None
            status, headers, _ = request(server.port, "GET", path, cookie=who)
            if status != 200:
                rows.append((label, None, f"status {status}"))
                continue
            for _ in range(10):
                request(server.port, "GET", path, cookie=who)
            log(f"  {label} ...")
            one = workdir / f"paths-{len(rows)}.txt"
            one.write_text(path + "\n")
            add_rows(rows, label, both_ways(server, one, args, who, writer))

        facts["warmed"] = 0
        for label, name, logged_in in MIXES:
            who = cookie if logged_in else None
            log(f"  {label} ...")
            if "{n}" in name:  # cold: a fresh list for each measurement, never seen by a worker
                figures = [measure_paths(server, mix.lists[name.format(n=1)], args, who),
                           busy_row(server, mix.lists[name.format(n=2)], args, who, writer)]
                label = f"{label}, {mix.sizes[name.format(n=1)]} once"
                for fig in figures:
                    fig["cold"] = True
            else:
                if name != "searches":  # a real server meets the popular pages warm
                    facts["warmed"] += warm(server.port, mix.lists[name], (who,), WARM_SECONDS)
                figures = both_ways(server, mix.lists[name], args, who, writer)
                label = f"{label}, {mix.sizes[name]} URLs"
            add_rows(rows, label, figures)

        reply_path = urls.get("reply")
        if reply_path:
            status, headers, page = request(server.port, "GET", reply_path, cookie=cookie)
            # the form's token is kept in the session: use the cookie that came with it
            cookie = headers.get("set-cookie", "").split(";", 1)[0] or cookie
            token = csrf_token(page)
            probe = f"sondeo{uuid.uuid4().hex[:8]}"
            body = urllib.parse.urlencode({"csrf_token": token, "language": "es",
                                           "body": f"Respuesta de prueba {probe} sobre protección consular"})
            status, headers, _ = request(server.port, "POST", reply_path, body, cookie)
            if status in (302, 303):
                sql = headers.get("x-sql-statements", "?")
                posted = time.monotonic()
                search_path = urls.get("warm: search rare term")
                if search_path:
                    search_path = search_path.split("?")[0] + "?" + urllib.parse.urlencode({"q": probe})
                    while time.monotonic() - posted < 60:
                        _, _, found = request(server.port, "GET", search_path, cookie=cookie)
                        if probe in found:
                            reply_to_search = time.monotonic() - posted
                            break
                        time.sleep(0.05)
                    else:
                        reply_to_search = "not found after 60 s"
                log("  reply POST ...")
                post_env = os.environ | {"BENCH_BODY": body, "BENCH_COOKIE": cookie}
                figures = measure(server, reply_path, args, None, BENCH / "post.lua", post_env)
                rows.append(("reply POST (logged in)", figures, sql))
                # one connection per worker: a reply's own latency, without queueing behind
                # the other connections' writes
                alone = argparse.Namespace(**(vars(args) | {"connections": WORKERS}))
                figures = measure(server, reply_path, alone, None, BENCH / "post.lua", post_env)
                rows.append((f"reply POST, {WORKERS} connections", figures, sql))
            else:
                rows.append(("reply POST (logged in)", None, f"status {status}"))
        else:
            rows.append(("reply POST (logged in)", None, "not available"))
        memory = [(f"web worker {n}", *proc_memory(pid)) for n, pid in enumerate(server.workers(), 1)]
        if worker is not None:
            memory.append(("search worker", *proc_memory(worker.pid)))
    finally:
        server.stop()
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)

    print_report(args, facts, rows, base, memory, reindex_s, reply_to_search)


def print_report(args, facts, rows, base, memory, reindex_s, reply_to_search) -> None:
    """The table and the summary lines."""
    print(f"\n## bench: {args.size} size, {args.database.split('+')[0].split(':')[0]}, "
          f"gunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.duration}s")
    print(f"data: {facts['users']} users, {facts['categories']} categories, {facts['threads']} threads, "
          f"{facts['posts']} posts, {facts['tags']} tags, practices: {facts['practices']} "
          f"(generated in {facts['seconds']} s)")
    print("indexing: " + ("not available" if not facts.get("search")
                          else "in the web workers after each commit" if args.sync_on_commit
                          else "a separate `flask search worker` process")
          + ("; related threads left out of thread pages (--related off)" if args.related == "off" else "")
          + "\n")
    head = f"| {'page':<40} | {'req/s':>7} | {'p50 ms':>7} | {'p95 ms':>7} | {'p99 ms':>7} | " \
           f"{'CPU ms/req':>10} | {'SQL':>5} | {'KB/page':>7} | {'vs ceiling':>10} | " \
           f"{'CPU-bound req/s':>15} | {'vs ceiling':>10} | {'errors':>6} |"
    print(head)
    print("|" + "|".join("-" * (len(cell)) for cell in head.split("|")[1:-1]) + "|")
    widths = (7, 7, 7, 10, 5, 7, 10, 15, 10, 6)
    for label, fig, sql in rows:
        if fig is None:
            print(f"| {label:<40} | {sql:>7} |" + "".join(f" {'':>{w}} |" for w in widths[1:]))
            continue
        ratio = fig["rps"] / base["rps"] if base["rps"] else 0
        capacity = WORKERS * 1000 / fig["cpu_ms"] if fig["cpu_ms"] else 0
        cpu_ratio = base["cpu_ms"] / fig["cpu_ms"] if fig["cpu_ms"] else 0
        if "writes" in fig:
            label += f" ({fig['writes']} posted)"
        if fig.get("wrapped") and fig.get("cold"):
            label += " *"
        size = f"{fig['bytes'] / 1024:.1f}" if "bytes" in fig else "-"
        print(f"| {label:<40} | {fig['rps']:>7.0f} | {fmt_ms(fig['p50']):>7} | {fmt_ms(fig['p95']):>7} | "
              f"{fmt_ms(fig['p99']):>7} | {fig['cpu_ms']:>10.2f} | {sql:>5} | {size:>7} | {ratio:>10.0%} | "
              f"{capacity:>15.0f} | {cpu_ratio:>10.0%} | {fig['errors']:>6} |")
    print(f"\n'+ {WRITE_LABEL}': the row above, measured again while a second client posts replies to "
          f"random threads of the {traffic.SAMPLE_THREADS} (their CPU is counted in the row). "
          "SQL: statements per request (mean). '*': the list of distinct cold pages ran out and "
          "wrapped around (pages seen twice).")
    load = os.getloadavg()
    print(f"\nmachine load average during the run: {load[0]:.1f} on {os.cpu_count()} CPUs. "
          "'CPU-bound req/s' = workers x 1000 / CPU ms per request: the throughput of an otherwise idle "
          "machine, robust when other processes compete for the CPUs.")
    for name, rss, uss in memory:
        print(f"{name} memory after the run: RSS {rss:.0f} MiB, USS {uss:.0f} MiB")
    if "warmed" in facts:
        print(f"before each replayed row but the searches, its distinct pages were asked for once "
              f"(popular first, at most {WARM_SECONDS} s a row): {facts['warmed']} requests in all; "
              "pages not reached start cold")
    print("reindex time: " + (f"{reindex_s:.1f} s" if isinstance(reindex_s, float) else reindex_s))
    print("reply -> searchable: "
          + (f"{reply_to_search * 1000:.0f} ms" if isinstance(reply_to_search, float) else reply_to_search))


if __name__ == "__main__":
    main()
