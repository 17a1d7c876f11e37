"""Soak test: serve the last `make bench` data set and drive mixed load until time runs out,
then report whether any worker died (a crash shows as SIGSEGV or exit code 139 in the log).

    python -m bench.soak [--minutes 5] [--size small] [--port 5190]

Pages (anonymous and logged in), searches and reply POSTs alternate in rounds, while a
separate `flask search worker` applies the replies to the index, as in production.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench.generate import PASSWORD
from bench.run import BENCH, BIN, ROOT, Server, csrf_token, login, request, serving_env, wrk

PAGES = ["/", "/threads/1", "/countries/MX", "/compare", "/compare?by=populations", "/tags/",
         "/search?q=migrantes", "/search?q=protecci%C3%B3n+consular"]
DEATH = re.compile(r"SIGSEGV|code 139|Fatal Python error|WORKER TIMEOUT")


def main() -> None:
    """Run rounds of load until the time is up or a worker dies; exit 1 on a death."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--size", default="small")
    parser.add_argument("--port", type=int, default=5190)
    args = parser.parse_args()
    workdir = Path(f"/tmp/bench-perf-{args.size}")
    if not (workdir / "forum.db").exists():
        raise SystemExit(f"no data in {workdir}: run `make bench` first")
    env = serving_env(workdir, f"sqlite:///{workdir / 'forum.db'}") | {
        "SEARCH_SYNC_ON_COMMIT": "0"}
    log = workdir / "soak-gunicorn.log"
    worker = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "search", "worker"], env=env,
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server("bench.wsgi_bench:app", args.port, env, logfile=log)
    rounds, requests, died = 0, 0, None
    try:
        cookie = login(args.port, "user21@bench.example", PASSWORD)
        _, headers, page = request(args.port, "GET", "/threads/5/reply", cookie=cookie)
        post_cookie = headers.get("set-cookie", "").split(";", 1)[0] or cookie
        body = urllib.parse.urlencode({"csrf_token": csrf_token(page), "language": "es",
                                       "body": "Respuesta de prueba sobre protección consular"})
        post_env = os.environ | {"BENCH_BODY": body, "BENCH_COOKIE": post_cookie}
        deadline = time.monotonic() + args.minutes * 60
        while time.monotonic() < deadline and died is None:
            for path in PAGES:
                for who in (None, cookie):
                    requests += wrk(args.port, path, 2, 4, who)["requests"]
            requests += wrk(args.port, "/threads/5/reply", 2, 4, None, BENCH / "post.lua",
                            post_env)["requests"]
            rounds += 1
            found = DEATH.search(log.read_text())
            died = found.group(0) if found else None
    finally:
        server.stop()
        worker.terminate()
        worker.wait(timeout=30)
    print(f"soak: {rounds} rounds, {requests} requests in {args.minutes:g} min: "
          + (f"a worker died ({died}); see {log}" if died else "no worker died"))
    sys.exit(1 if died else 0)


if __name__ == "__main__":
    main()
