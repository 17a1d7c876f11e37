"""Scan every GET parameter of pages.SQLMAP_TARGETS with sqlmap against a live server.

Run by `make security`. sqlmap exits 0 whether or not it finds an injection, so its output is
read: any "is vulnerable" or "injectable" verdict fails the scan, and so does a run that did
not finish in its time budget.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from liveserver import BIN, DEMO_ACCOUNTS, HttpSession, start_server, stop_server  # noqa: E402
from pages import SQLMAP_TARGETS, sample_values  # noqa: E402

# What sqlmap prints when it finds an injection, and when it concludes there is none.
VERDICT = re.compile(
    r"\bis vulnerable\b|parameter '[^']+' (?:is|appears to be) '.+' injectable"
    r"|identified the following injection point",
    re.I,
)
NOT_INJECTABLE = re.compile(r"do not appear to be injectable|does not seem to be injectable", re.I)


def scan(url: str, param: str, output_dir: Path, budget: int, cookie: str = "") -> tuple[str, list[str]]:
    """Run sqlmap on one parameter: ("injectable" | "not injectable" | a problem, its lines)."""
    command = [
        str(BIN / "sqlmap"), "-u", url, "-p", param,
        "--batch", "--level", "1", "--risk", "1", "--timeout", "10", "--retries", "1",
        "--disable-coloring", "--flush-session", "--output-dir", str(output_dir),
        "--skip-waf", "--answers", "follow=N",
    ]
    if cookie:
        command += ["--cookie", cookie]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=budget)
    except subprocess.TimeoutExpired:
        return f"did not finish in {budget} s", []
    output = result.stdout + result.stderr
    verdicts = [line for line in output.splitlines() if VERDICT.search(line)]
    if verdicts:
        return "injectable", verdicts
    if NOT_INJECTABLE.search(output):
        return "not injectable", []
    return "no verdict", output.splitlines()[-20:]


def self_test(output_dir: Path, budget: int) -> bool:
    """Prove that the scan catches an injection: a deliberately vulnerable toy server."""
    import sqlite3
    import threading
    from urllib.parse import parse_qs
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    database = sqlite3.connect(":memory:", check_same_thread=False)
    database.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
    database.executemany("INSERT INTO item (name) VALUES (?)", [("one",), ("two",), ("three",)])

    def vulnerable(environ, start_response):
        item_id = parse_qs(environ.get("QUERY_STRING", "")).get("id", ["1"])[0]
        try:
            rows = database.execute(f"SELECT name FROM item WHERE id = {item_id}").fetchall()  # the flaw to find
            body, status = " ".join(row[0] for row in rows), "200 OK"
        except sqlite3.Error:
            body, status = "error", "500 Internal Server Error"
        start_response(status, [("Content-Type", "text/html")])
        return [f"<html><body><p>{body}</p></body></html>".encode()]

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    toy = make_server("127.0.0.1", 0, vulnerable, handler_class=Quiet)
    threading.Thread(target=toy.serve_forever, daemon=True).start()
    try:
        status, _ = scan(f"http://127.0.0.1:{toy.server_port}/item?id=1", "id", output_dir, budget)
    finally:
        toy.shutdown()
    print(f"sqlmap self-test on a deliberately vulnerable page: {status}", flush=True)
    return status == "injectable"


def main() -> int:
    """Start a server, scan each parameter, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=240, help="seconds per parameter")
    args = parser.parse_args()
    if not (BIN / "sqlmap").exists():
        print(f"{BIN / 'sqlmap'} is missing: run `make security-tools`", file=sys.stderr)
        return 2
    started = time.monotonic()
    output_dir = Path(tempfile.mkdtemp(prefix="forum-sqlmap-"))
    if not self_test(output_dir, args.budget):
        print("the scan failed to find the planted injection: its verdicts cannot be trusted")
        return 1
    server = start_server()
    failures: list[str] = []
    scanned = 0
    try:
        values = sample_values(server)
        http = HttpSession(server.url)
        http.login(DEMO_ACCOUNTS["liaison"])
        cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
        for path, params in SQLMAP_TARGETS:
            url = f"{server.url}{path.format(**values)}?{urlencode(params)}"
            for param in params:
                scanned += 1
                begun = time.monotonic()
                status, lines = scan(url, param, output_dir, args.budget, cookie)
                if status != "not injectable":
                    failures.append(f"{path} {param}: {status}\n  " + "\n  ".join(lines))
                print(f"sqlmap {path.format(**values)} ?{param}= : {status} "
                      f"({time.monotonic() - begun:.0f} s)", flush=True)
    finally:
        stop_server(server)
    print(f"sqlmap: {scanned} parameters on {len(SQLMAP_TARGETS)} pages, "
          f"{len(failures)} problems, {time.monotonic() - started:.0f} s")
    for failure in failures:
        print(failure)
    shutil.rmtree(output_dir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
