"""Profile one page in-process with pyinstrument, on the data of the last `make bench` run.

    python -m bench.profile /path [--size small] [--requests 500] [--login user11@bench.example]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def main() -> None:
    """Render the page N times under pyinstrument and print the call tree."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--size", default="small")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--login", default=None)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    workdir = Path(f"/tmp/bench-perf-{args.size}")
    os.environ.setdefault("FORUM_INSTANCE_DIR", str(workdir))
    os.environ.setdefault("DATABASE_URL", args.database or f"sqlite:///{workdir / 'forum.db'}")
    os.environ.setdefault("SEARCH_INDEX_DIR", str(workdir / "index"))
    os.environ.setdefault("SECRET_KEY", "bench-profile")
    from pyinstrument import Profiler

    from bench.wsgi_bench import app

    client = app.test_client()
    headers = {"Accept-Language": "es"}
    if args.login:
        from bench.generate import PASSWORD
        from bench.run import csrf_token

        page = client.get("/auth/login").get_data(as_text=True)
        client.post("/auth/login", data={"csrf_token": csrf_token(page), "email": args.login,
                                         "password": PASSWORD})
    for _ in range(20):
        client.get(args.path, headers=headers)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.requests):
        client.get(args.path, headers=headers)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
