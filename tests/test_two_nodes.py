"""Two application nodes, each with its own search index, on one database.

Two gunicorn processes serve the same database (PostgreSQL when TEST_DATABASE_URL is set, else
one SQLite file) with separate SEARCH_INDEX_DIR folders. Writes go through both at once; in the
end both indexes hold exactly the database's content and answer searches alike.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

import pytest
from factories import PASSWORD, make_category, make_user

from forum.extensions import db

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """One application node: gunicorn (one worker) with its own index folder."""

    def __init__(self, name: str, database_url: str, tmp_path: Path):
        self.name = name
        self.port = _free_port()
        folder = tmp_path / name
        folder.mkdir()
        self.env = os.environ | {
            "DATABASE_URL": database_url,
            "FORUM_INSTANCE_DIR": str(folder),
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "UPLOAD_DIR": str(folder / "uploads"),
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "SECRET_KEY": "two-nodes-test-secret-key-0123456789",
            "RATELIMIT_ENABLED": "0",
            "FORUM_ENV": "development",
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("FLASK_DEBUG", None)
        self.log = folder / "gunicorn.log"
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{self.port}", "--timeout",
                 "120", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"node {name} did not start:\n{self.log.read_text()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def request(self, method, path, form=None, cookie=None):
        """(status, headers, text) of one request."""
        conn = HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Accept-Language": "es"}
        if cookie:
            headers["Cookie"] = cookie
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        conn.close()
        return response.status, response.getheader("Location", ""), text, cookies

    def stop(self):
        """Stop gunicorn."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def flask(self, *args) -> subprocess.CompletedProcess:
        """Run a flask command as this node."""
        return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)


class Browser:
    """A logged-in visitor of one node, keeping its session cookie."""

    def __init__(self, node: Node, email: str):
        self.node = node
        self.cookie = ""
        page = self.get("/auth/login")
        status, _ = self.post("/auth/login", page, {"email": email, "password": PASSWORD})
        assert status == 302, "login failed"

    def _keep(self, cookies):
        for value in cookies:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]

    def get(self, path: str) -> str:
        status, _, text, cookies = self.node.request("GET", path, cookie=self.cookie)
        self._keep(cookies)
        assert status == 200, (path, status)
        return text

    def post(self, path: str, page: str, form: dict) -> tuple[int, str]:
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', page)
        form = {"csrf_token": match.group(1) if match else ""} | form
        status, location, _, cookies = self.node.request("POST", path, form, self.cookie)
        self._keep(cookies)
        return status, location

    def new_thread(self, category: str, title: str, body: str) -> int:
        page = self.get(f"/new?category={category}")
        status, location = self.post("/new", page, {"category": category, "title": title,
                                                     "tags": "", "language": "es", "body": body})
        assert status in (302, 303), status
        return int(re.search(r"/threads/(\d+)", location).group(1))

    def reply(self, thread_id: int, body: str) -> None:
        page = self.get(f"/threads/{thread_id}/reply")
        status, _ = self.post(f"/threads/{thread_id}/reply", page, {"language": "es", "body": body})
        assert status in (302, 303), status

    def _results(self, term: str) -> str:
        page = self.get("/search?" + urllib.parse.urlencode({"q": term}))
        return page.split('id="content"', 1)[1]

    def search_threads(self, term: str) -> set[int]:
        """The threads a search finds."""
        return {int(n) for n in re.findall(r'href="/threads/(\d+)', self._results(term))}

    def search_posts(self, term: str) -> set[int]:
        """The replies a search points to."""
        return {int(n) for n in re.findall(r'href="/posts/(\d+)', self._results(term))}


@pytest.fixture
def shared_database_url(app, app_config, database_template):
    """The URL both nodes use: the test database itself."""
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    if database_template["kind"] == "postgresql":
        sep = "&" if "?" in url else "?"
        url += sep + urllib.parse.urlencode({"options": f"-csearch_path={database_template['schema']}"})
    return url


def test_two_nodes_converge_on_the_database(app, tmp_path, shared_database_url):
    category = make_category("public")
    alice = make_user("liaison", delegation="MX", email="alice@example.org")
    bruno = make_user("liaison", delegation="GT", email="bruno@example.org")
    slug, emails = category.slug, (alice.email, bruno.email)
    db.session.remove()

    nodes = [Node("node-a", shared_database_url, tmp_path), Node("node-b", shared_database_url, tmp_path)]
    try:
        a, b = Browser(nodes[0], emails[0]), Browser(nodes[1], emails[1])
        first = a.new_thread(slug, "Registro consular alfacentauro", "Primer mensaje alfacentauro.")
        second = b.new_thread(slug, "Protocolo betelgeuse", "Mensaje betelgeuse desde el nodo B.")

        def token(word: str, n: int) -> str:
            return f"{word}x{chr(97 + n) * 3}z"  # one word per reply, found only there

        def write(args):
            browser, thread_id, word, n = args
            browser.reply(thread_id, f"Respuesta {n} con {word} y {token(word, n)}.")

        jobs = [(a, second, "vegaroja", n) for n in range(6)] + [(b, first, "siriusazul", n) for n in range(6)]
        with ThreadPoolExecutor(max_workers=4) as pool:  # both nodes write at the same time
            list(pool.map(write, jobs))

        expectations = {"alfacentauro": first, "betelgeuse": second, "vegaroja": second,
                        "siriusazul": first}
        for term, thread_id in expectations.items():  # the same threads from either node
            found_a, found_b = a.search_threads(term), b.search_threads(term)
            assert found_a == found_b == {thread_id}, term
        for word in ("vegaroja", "siriusazul"):  # and the same single reply for each token
            posts = [a.search_posts(token(word, n)) for n in range(6)]
            assert posts == [b.search_posts(token(word, n)) for n in range(6)]
            assert all(len(found) == 1 for found in posts), posts
            assert len(set().union(*posts)) == 6
        # rendered pages too: node B's cached copy of a thread gives way to a reply made on A
        before = b.get(f"/threads/{second}")
        assert "polarisverde" not in before and "polarisverde" not in b.get(f"/threads/{second}")
        a.reply(second, "Respuesta polarisverde desde el nodo A.")
        assert "polarisverde" in b.get(f"/threads/{second}")
        anonymous = nodes[1].request("GET", f"/threads/{first}")[2]
        a.reply(first, "Respuesta antaresgris desde el nodo A.")
        assert "antaresgris" not in anonymous
        assert "antaresgris" in nodes[1].request("GET", f"/threads/{first}")[2]
        for node in nodes:
            result = node.flask("search", "check")
            assert result.returncode == 0, result.stdout + result.stderr
            assert "The index matches the database." in result.stdout
    finally:
        for node in nodes:
            node.stop()
