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
    PageSpec("admin: users", "/admin/users", role="admin"),
    PageSpec("admin: user", "/admin/users/{liaison_user_id}", role="admin"),
    PageSpec("admin: suspend a user", "/admin/users/{liaison_user_id}/suspend", role="admin"),
    PageSpec("admin: invitations", "/admin/invitations", role="admin"),
    PageSpec("admin: invitations, moderator", "/admin/invitations", role="moderator"),
    PageSpec("admin: invitation, invalid", "/admin/invitations", role="admin", status=400,
             form={"email": "not an address", "delegation": "", "role": "liaison", "language": "en"}),
    PageSpec("admin: delegations", "/admin/delegations", role="admin"),
    PageSpec("admin: delegation", "/admin/delegations/{delegation_id}", role="admin"),
    PageSpec("admin: new delegation", "/admin/delegations/new", role="admin"),
    PageSpec("admin: categories", "/admin/categories", role="admin"),
    PageSpec("admin: category", "/admin/categories/{category_id}", role="admin"),
    PageSpec("admin: new category", "/admin/categories/new", role="admin"),
    PageSpec("admin: mail", "/admin/mail", role="admin"),
    # discussion core
    PageSpec("category index", "/categories"),
    PageSpec("category index, logged in", "/categories", role="observer"),
    PageSpec("category", "/categories/{category_slug}"),
    PageSpec("category, page 1", "/categories/{category_slug}?page=1", role="liaison"),
    PageSpec("thread", "/threads/{thread_id}"),
    PageSpec("thread, author", "/threads/{thread_id}", role="liaison"),
    PageSpec("thread, moderator", "/threads/{thread_id}", role="moderator"),
    PageSpec("thread, observer may not reply", "/threads/{members_thread_id}", role="observer"),
    PageSpec("new thread", "/new", role="liaison"),
    PageSpec("new thread, with category", "/new?category={category_slug}", role="facilitator"),
    PageSpec("new thread, invalid", "/new", role="liaison", status=422,
             form={"category": "", "title": "", "tags": "", "language": "en", "body": ""}),
    PageSpec("new thread, preview", "/new", role="liaison",
             form={"category": "{category_slug}", "title": "Preview title", "tags": "ninez migrante",
                   "language": "es", "body": "Texto con **negrita**\n\n| a | b |\n|---|---|\n| 1 | 2 |",
                   "preview": "Preview"}),
    PageSpec("reply", "/threads/{thread_id}/reply", role="liaison"),
    PageSpec("reply, quoting", "/threads/{thread_id}/reply?quote={post_id}", role="liaison"),
    PageSpec("reply, refused to an observer", "/threads/{members_thread_id}/reply",
             role="observer", status=403),
    PageSpec("edit post", "/posts/{post_id}/edit", role="liaison"),
    PageSpec("edit post, not yours", "/posts/{post_id}/edit", role="facilitator", status=403),
    PageSpec("delete post", "/posts/{post_id}/delete", role="liaison"),
    PageSpec("revisions", "/posts/{post_id}/revisions", role="liaison"),
    PageSpec("thread, missing", "/threads/999999", status=404),
    # tags
    PageSpec("tag index", "/tags/"),
    PageSpec("tag", "/tags/{tag_slug}"),
    PageSpec("tag, logged in", "/tags/{tag_slug}", role="observer"),
    # search
    PageSpec("search", "/search"),
    PageSpec("search, results", "/search?q=registro+consular"),
    PageSpec("search, results, member", "/search?q=registro&sort=newest", role="liaison"),
    PageSpec("search, filters", "/search?q=ninos&country=MX&lang=es&category={category_slug}"
             "&tag=ninez+migrante&after=2020-01-01&in_title=y", role="observer"),
    PageSpec("search, nothing found", "/search?q=zzqxw"),
    PageSpec("search, invalid dates", "/search?q=x&after=2026-02-01&before=2025-01-01", status=400),
    PageSpec("search help", "/search/help"),
    PageSpec("glossary", "/search/glossary", role="liaison"),
    # practices
    # moderation
    # synthesis
    PageSpec("error 400 (form from elsewhere)", "/language", status=400,
             form={"lang": "es"}, csrf=False),
    PageSpec("error 403", "/admin/", role="liaison", status=403),
    PageSpec("error 404", "/no-such-page", status=404),
    PageSpec("error 405", "/auth/logout", status=405),
)

# Python run inside the server's application (in a request context for its URL). It makes sure
# the checks have their own categories, tag and threads (whatever demo content exists), and
# prints a JSON object of placeholder values. Emailed links are read back from the outbox.
SAMPLE_VALUES_CODE = """
import json
from sqlalchemy import select
from forum.extensions import db
from forum.models import Category, Post, Tag, Thread, User
from forum.models.roster import delegation_by_code
from forum.auth import services
from forum.board import services as board

def user(email):
    return db.session.scalar(select(User).where(User.email == email))

def category(slug, visibility, observers_may_reply, names):
    found = db.session.scalar(select(Category).where(Category.slug == slug))
    if found is None:
        found = Category(slug=slug, name_en=names[0], name_es=names[1], name_fr=names[2],
                         description_en="Checks: " + names[0], description_es="Pruebas: " + names[1],
                         description_fr="Vérifications : " + names[2], position=90,
                         visibility=visibility, observers_may_reply=observers_may_reply)
        db.session.add(found)
        db.session.commit()
    return found

public = category("checks-public", "public", True, ("Open consultation", "Consulta abierta", "Consultation ouverte"))
members = category("checks-members", "members", False, ("Delegations only", "Solo delegaciones", "Délégations seulement"))
from forum.tags.services import find_tag
tag = find_tag("niñez migrante")
if tag is None:
    tag = Tag(slug="ninez-migrante", label_en="migrant children", label_es="niñez migrante", label_fr="enfants migrants")
    db.session.add(tag)
    db.session.commit()
liaison = user("liaison.mx@demo.example")
thread = db.session.scalar(select(Thread).where(Thread.category_id == public.id).order_by(Thread.id))
if thread is None:
    thread = board.create_thread(liaison, public, "Registro consular de niñas y niños", "Compartimos **cómo** registramos los casos.", "es", ["niñez migrante"])
    board.reply(user("liaison.ca@demo.example"), thread, "Au Canada, nous utilisons un *registre* central.", "fr")
closed = db.session.scalar(select(Thread).where(Thread.category_id == members.id).order_by(Thread.id))
if closed is None:
    closed = board.create_thread(liaison, members, "Coordination between consulates", "Only delegations reply here.", "en", ["migrant children"])
admin = user("admin@demo.example")
values = {"liaison_user_id": liaison.id, "delegation_id": liaison.delegation_id,
          "category_id": public.id, "category_slug": public.slug, "thread_id": thread.id, "tag_slug": tag.slug,
          "members_category_slug": members.slug, "members_thread_id": closed.id}
first = db.session.scalar(select(Post).where(Post.thread_id == thread.id).order_by(Post.number))
values["post_id"] = first.id
import uuid
values["invitee"] = f"invitee.{uuid.uuid4().hex[:12]}@example.org"
services.create_invitation(values["invitee"], "liaison", delegation_by_code("HN"), admin)
services.request_password_reset("facilitator@demo.example", "en")
print(json.dumps(values))
"""


def sample_values(server) -> dict:
    """Real ids, slugs and tokens from the server's data, for the placeholders."""
    from liveserver import link_in

    values = json.loads(server.python(SAMPLE_VALUES_CODE).strip().splitlines()[-1])
    invitation = server.messages_to(values["invitee"])[-1]
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
                    data = {key: value.format(**values) for key, value in spec.form.items()}
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
    ("/categories/{category_slug}", {"page": "1"}),
    ("/threads/{thread_id}", {"page": "1"}),
    ("/new", {"category": "{category_slug}"}),
    ("/threads/{thread_id}/reply", {"quote": "{post_id}"}),
    # tags
    ("/tags/{tag_slug}", {"page": "1"}),
    ("/tags/suggest", {"q": "nin"}),
    # search
    ("/search", {"q": "registro", "country": "MX", "tag": "ninez migrante",
                 "category": "{category_slug}", "lang": "es", "kind": "", "after": "2020-01-01",
                 "before": "2030-01-01", "sort": "newest", "page": "1"}),
    ("/search/similar", {"title": "registro consular"}),
    ("/search/glossary", {"sort": "es"}),
    # practices
)
