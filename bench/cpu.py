"""CPU milliseconds per request of pages rendered in-process (no server, no network).

    python -m bench.cpu /path [/path ...] [--size small] [--requests 200] [--login EMAIL]

A quick check while optimizing; `make bench` gives the figures that count.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main() -> None:
    """Print CPU ms per request for each path."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--size", default="small")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--login", default=None)
    args = parser.parse_args()
    workdir = Path(f"/tmp/bench-perf-{args.size}")
    os.environ.setdefault("FORUM_INSTANCE_DIR", str(workdir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'forum.db'}")
    os.environ.setdefault("SEARCH_INDEX_DIR", str(workdir / "index"))
    os.environ.setdefault("SECRET_KEY", "bench-cpu")
    from bench.wsgi_bench import app

    client = app.test_client()
    if args.login:
        from bench.generate import PASSWORD
        from bench.run import csrf_token

        page = client.get("/auth/login").get_data(as_text=True)
        client.post("/auth/login", data={"csrf_token": csrf_token(page), "email": args.login,
                                         "password": PASSWORD})
    headers = {"Accept-Language": "es"}
    for path in args.paths:
        for _ in range(20):
            status = client.get(path, headers=headers).status_code
        started = time.process_time()
        for _ in range(args.requests):
            client.get(path, headers=headers)
        used = (time.process_time() - started) * 1000 / args.requests
        print(f"{path:50} {status}  {used:6.2f} CPU ms/request")


if __name__ == "__main__":
    main()
