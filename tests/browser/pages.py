"""Every page type of the application, for the HTML validation and the header checks.

To add a page, add a `PageSpec` to PAGES. A path may hold `{placeholders}`: each one is filled
from `sample_values()`, which reads real ids and slugs from the server's demo data (add a line
there when a new kind of object appears).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

LANGUAGES = ("en", "es", "fr")


@dataclass(frozen=True)
class PageSpec:
    """One page type: where it is, who looks at it, and the status it answers with."""

    name: str
    path: str
    role: str | None = None  # a demo role to log in as; None for a visitor
    status: int = 200
    form: dict = field(default_factory=dict)  # POSTed (with a CSRF token) instead of a GET
    csrf: bool = True  # send a CSRF token with the form


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "/"),
    PageSpec("home, logged in", "/", role="liaison"),
    PageSpec("login", "/auth/login"),
    PageSpec("login, wrong password", "/auth/login", status=401,
             form={"email": "nobody@demo.example", "password": "not-the-password", "next": ""}),
    PageSpec("login, empty form", "/auth/login", status=400, form={"email": "", "password": ""}),
    PageSpec("password reset request", "/auth/reset"),
    PageSpec("password reset, new password", "/auth/reset/{reset_token}"),
    PageSpec("password reset, bad link", "/auth/reset/not-a-token", status=410),
    PageSpec("invitation", "/auth/invitation/{invitation_token}"),
    PageSpec("invitation, bad link", "/auth/invitation/not-a-token", status=404),
    PageSpec("profile", "/auth/profile", role="liaison"),
    PageSpec("profile, admin", "/auth/profile", role="admin"),
    PageSpec("administration", "/admin/", role="admin"),
    # discussion core
    # tags
    # search
    # practices
    # moderation
    # synthesis
    PageSpec("error 400 (form from elsewhere)", "/language", status=400,
             form={"lang": "es"}, csrf=False),
    PageSpec("error 403", "/admin/", role="liaison", status=403),
    PageSpec("error 404", "/no-such-page", status=404),
    PageSpec("error 405", "/auth/logout", status=405),
)

# Python run inside the server's application (in a request context for its URL); prints a JSON
# object of placeholder values. Links sent by email are read back from the outbox.
SAMPLE_VALUES_CODE = """
import json
from sqlalchemy import select
from forum.extensions import db
from forum.models import User
from forum.delegations import delegation_by_code
from forum.auth import services
admin = db.session.scalar(select(User).where(User.role == "admin"))
services.create_invitation("sample.invitee@example.org", "liaison", delegation_by_code("HN"), admin)
services.request_password_reset("facilitator@demo.example", "en")
values = {}
print(json.dumps(values))
"""


def sample_values(server) -> dict:
    """Real ids, slugs and tokens from the server's demo data, for the placeholders."""
    from liveserver import link_in

    values = json.loads(server.python(SAMPLE_VALUES_CODE).strip().splitlines()[-1])
    invitation = server.messages_to("sample.invitee@example.org")[-1]
    values["invitation_token"] = link_in(invitation).rsplit("/", 1)[-1]
    reset = server.messages_to("facilitator@demo.example")[-1]
    values["reset_token"] = link_in(reset).rsplit("/", 1)[-1]
    return values


@dataclass
class FetchedPage:
    """One page type in one language, as the server sent it."""

    spec: PageSpec
    lang: str
    path: str
    status: int
    headers: object
    html: str


def fetch_all(server, languages=LANGUAGES, pages=PAGES) -> list[FetchedPage]:
    """Fetch every page type in every language, logged in as its role where it has one."""
    from liveserver import DEMO_ACCOUNTS, HttpSession

    values = sample_values(server)
    fetched: list[FetchedPage] = []
    by_role: dict[str | None, list[PageSpec]] = {}
    for spec in pages:
        by_role.setdefault(spec.role, []).append(spec)
    for role, specs in by_role.items():
        http = HttpSession(server.url)
        own_language = None
        if role:
            http.login(DEMO_ACCOUNTS[role])
            own_language = _page_language(http.request("/")[2])
        for lang in languages:
            http.set_language(lang)
            for spec in specs:
                path = spec.path.format(**values)
                if spec.form:
                    data = dict(spec.form)
                    if spec.csrf:
                        data["csrf_token"] = http.csrf_token(path)
                    status, headers, html = http.request(path, data)
                else:
                    status, headers, html = http.request(path)
                fetched.append(FetchedPage(spec, lang, path, status, headers, html))
        if own_language:
            http.set_language(own_language)  # leave the demo account as it was
    return fetched


def _page_language(html: str) -> str:
    import re

    match = re.search(r'<html lang="([a-z]{2})', html)
    return match.group(1) if match else "en"


# Pages with GET parameters that reach the database, for the sqlmap scan of `make security`:
# (path with placeholders, {parameter: a normal value}).
SQLMAP_TARGETS: tuple[tuple[str, dict[str, str]], ...] = (
    ("/auth/login", {"next": "/auth/profile"}),
    # discussion core
    # tags
    # search
    # practices
)
