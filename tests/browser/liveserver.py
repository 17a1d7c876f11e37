"""A real application server for the browser tests and the HTML validation.

Each server gets a fresh instance folder (SQLite database, search index, uploads, outbox), the
schema from the migrations, the demo data, and a gunicorn process on a free 127.0.0.1 port.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo-password-2026"
DEMO_ACCOUNTS = {
    "admin": "admin@demo.example",
    "moderator": "moderator@demo.example",
    "facilitator": "facilitator@demo.example",
    "observer": "observer@demo.example",
    "liaison": "liaison.mx@demo.example",
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A gunicorn process serving the application from a temporary instance folder."""

    root: Path
    port: int = 0
    extra_env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def outbox(self) -> Path:
        """The folder where the application writes its .eml messages."""
        return self.root / "outbox"

    @property
    def env(self) -> dict:
        """The environment of every process of this server (flask commands included)."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FLASK_", "DATABASE_", "RATELIMIT_", "SERVER_NAME"))
        }
        env.update(
            {
                "FORUM_INSTANCE_DIR": str(self.root / "instance"),
                "DATABASE_URL": f"sqlite:///{self.root / 'instance' / 'forum.db'}",
                "SEARCH_INDEX_DIR": str(self.root / "index"),
                "UPLOAD_DIR": str(self.root / "uploads"),
                "MAIL_OUTBOX_DIR": str(self.outbox),
                "MAIL_SERVER": "",
                "SECRET_KEY": "browser-test-secret-key",
                "FORUM_ENV": "test",
                "RATELIMIT_ENABLED": "1",
                "RATELIMIT_STORAGE_URI": "memory://",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def flask(self, *args: str, timeout: int = 300) -> str:
        """Run a `flask --app wsgi` command against this server's database; return its output."""
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def python(self, code: str, timeout: int = 120) -> str:
        """Run Python code inside an application context of this server's configuration."""
        program = (
            "from forum import create_app\n"
            "app = create_app()\n"
            f"with app.test_request_context(base_url={self.url!r}):\n"
            + "".join(f"    {line}\n" for line in code.strip().splitlines())
        )
        result = subprocess.run(
            [sys.executable, "-c", program], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"python failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> LiveServer:
        """Create the schema, load the demo data and start gunicorn; wait until it answers."""
        for name in ("instance", "index", "uploads", "outbox"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        self.flask("db", "upgrade")
        self.flask("seed-demo")
        self.port = self.port or free_port()
        log = open(self.root / "server.log", "wb")
        self._log = log
        # One worker so the in-memory rate-limit counters are shared by every request.
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4", "--timeout", "60",
             "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer within 60 s:\n{self.log_text()}")

    def log_text(self) -> str:
        """What gunicorn and the application logged."""
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop gunicorn (and its worker)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()

    def messages(self) -> list:
        """The messages in the outbox, oldest first."""
        if not self.outbox.exists():
            return []
        return [
            message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(self.outbox.glob("*.eml"))
        ]

    def messages_to(self, address: str) -> list:
        """The messages sent to one address, oldest first."""
        return [m for m in self.messages() if address.lower() in str(m["To"]).lower()]


def start_server(extra_env: dict | None = None) -> LiveServer:
    """Start a server in a new temporary folder (removed by `stop_server`)."""
    root = Path(tempfile.mkdtemp(prefix="forum-live-"))
    return LiveServer(root=root, extra_env=extra_env or {}).start()


def stop_server(server: LiveServer) -> None:
    """Stop the server and remove its folder."""
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


def link_in(message, pattern: str = r"https?://\S+") -> str:
    """The first link of a plain-text message."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(pattern, body)
    if not match:
        raise AssertionError(f"no link in the message:\n{body}")
    return match.group(0).rstrip(".,;)>")


class HttpSession:
    """A tiny cookie-keeping HTTP client (no redirects followed) for fetching raw pages."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        """GET (or POST when data is given); returns (status, headers, text)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.headers, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")

    def csrf_token(self, path: str = "/auth/login") -> str:
        """A CSRF token from a page with a form."""
        _, _, text = self.request(path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text) or re.search(
            r'name="csrf_token" value="([^"]+)"', text
        )
        if not match:
            raise AssertionError(f"no CSRF token on {path}")
        return match.group(1)

    def login(self, email: str, password: str = DEMO_PASSWORD) -> None:
        """Log in through the real form."""
        token = self.csrf_token("/auth/login")
        status, _, text = self.request(
            "/auth/login", {"csrf_token": token, "email": email, "password": password, "next": ""}
        )
        if status != 302:
            raise AssertionError(f"login as {email} failed with {status}")

    def set_language(self, lang: str) -> None:
        """Switch the interface language through the language switcher."""
        token = self.csrf_token("/")
        status, _, _ = self.request("/language", {"csrf_token": token, "lang": lang, "next": "/"})
        if status != 302:
            raise AssertionError(f"switching to {lang} failed with {status}")
