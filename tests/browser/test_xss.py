"""Cross-site scripting, proven in Chromium: payloads stored as thread titles, post bodies, tag
labels and display names, and sent as query parameters, execute nowhere. The pages are opened
with the Content-Security-Policy bypassed, so that escaping and sanitizing alone must hold."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from liveserver import DEMO_PASSWORD

PAYLOADS = [
    '<script>alert("x1")</script>',
    '<img src=x onerror=alert("x2")>',
    '"><svg onload=alert("x3")>',
    "'><script>alert('x4')</script>",
    "<iframe src=\"javascript:alert('x5')\"></iframe>",
    '[click me](javascript:alert("x6"))',
    "<a href=\"javascript:alert('x7')\">x7</a>",
    "![x8](x\" onerror=\"alert('x8'))",
    '<details open ontoggle=alert("x9")>x9</details>',
    '<body onload=alert("x10")>',
    '</textarea><script>alert("x11")</script>',
    '</title><script>alert("x12")</script>',
    '<style>@import "http://evil.example/x13.css";</style>',
    "<link rel=stylesheet href=http://evil.example/x14.css>",
    '<object data="http://evil.example/x15.swf"></object>',
    '<embed src="http://evil.example/x16.swf">',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("x17")>',
    '<svg><script>alert("x18")</script></svg>',
    "<a href=\"data:text/html,<script>alert('x19')</script>\">x19</a>",
    "{{ 7*7 }}xss20",
    '<img src="http://evil.example/x21.png">',
    '<input autofocus onfocus=alert("x22")>',
    '<marquee onstart=alert("x23")>x23</marquee>',
    "<div style=\"background:url(javascript:alert('x24'))\">x24</div>",
    'javascript:alert("x25")',
    "\" onmouseover=\"alert('x26')\" x=\"",
    "' onfocus='alert(27)' autofocus x='",
    '<base href="http://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=http://evil.example/x29">',
    '<form action="http://evil.example/x30"><button>x30</button></form>',
    '<scr<script>ipt>alert("x31")</script>',
    "<img src=x:alert(x32) onerror=eval(src)>",
    '<video><source onerror=alert("x33")></video>',
    '<x-marker data-xss="34">x34</x-marker>',
    '"-alert("x35")-"',
    "<svg/onload=alert`x36`>",
    "<img src=/xss-probe-37>",
    '<a href="http://evil.example/x38" target=_blank>x38</a>',
]

# Everything a payload could have left in the page if it were not escaped or sanitized.
DETECT = """
() => {
  const bad = [];
  const origin = location.origin;
  const urlAttrs = ["href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.trim().toLowerCase();
      if (name.startsWith("on")) bad.push(`${tag}[${name}]`);
      if (name === "data-xss" || name === "style") bad.push(`${tag}[${name}]`);
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data:text)/.test(value.replace(/\\s/g, ""))) {
        bad.push(`${tag}[${name}=${value.slice(0, 40)}]`);
      }
    }
    if (["iframe", "frame", "object", "embed", "applet", "base", "x-marker", "marquee", "math",
         "style", "input", "video", "audio", "source"].includes(tag) && el.closest("main .post-body, main h1, .thread-row, title")) {
      bad.push(tag);
    }
    if (["iframe", "frame", "object", "embed", "applet", "base", "x-marker"].includes(tag)) bad.push(tag);
    if (tag === "script" && !(el.getAttribute("src") || "").startsWith("/static/")) bad.push("inline script");
    if (tag === "link" && !(el.getAttribute("href") || "").startsWith("/static/")) bad.push(`link ${el.href}`);
    if (tag === "meta" && el.getAttribute("http-equiv")) bad.push("meta http-equiv");
    if (tag === "form" && new URL(el.action, location.href).origin !== origin) bad.push(`form ${el.action}`);
    if (tag === "svg" && el.closest("main")) bad.push("svg in main");
  }
  if (document.body.innerText.includes("49xss20")) bad.push("template expression evaluated");
  return bad;
}
"""

CREATE_CONTENT = """
import json
from sqlalchemy import select
from forum.extensions import db
from forum.models import Category, Post, Tag, User
from forum.models.roster import delegation_by_code
from forum.board import services as board
from forum.board.services import BoardInputError
from forum.tags.services import TagInputError

payloads = json.loads(PAYLOADS_JSON)
category = db.session.scalar(select(Category).where(Category.slug == "checks-public"))
made = {"threads": [], "posts": [], "users": [], "tags": []}
for number, payload in enumerate(payloads):
    user = User(email=f"xss{number}@example.org", display_name=payload[:80], role="liaison",
                delegation=delegation_by_code("GT"), locale="en")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    made["users"].append(user.id)
    tag_text = payload.replace(",", " ").replace(";", " ")[:60]
    try:
        thread = board.create_thread(user, category, payload[:200], "Body: " + payload, "en", [tag_text])
    except (BoardInputError, TagInputError):
        thread = board.create_thread(user, category, payload[:200], "Body: " + payload, "en", [])
    made["threads"].append(thread.id)
    post = board.reply(user, thread, payload + "\\n\\n> " + payload + "\\n\\n`" + payload + "`", "en")
    made["posts"].append(post.id)
    board.edit_post(user, post, "Edited: " + payload, language="en")
tags = db.session.scalars(select(Tag).where(Tag.threads.any(category_id=category.id))).all()
made["tags"] = sorted({t.slug for t in tags})
print(json.dumps(made))
"""


@pytest.fixture(scope="module")
def stored_payloads(live_server, sample):
    """The payloads stored through the services, as users' content."""
    code = (CREATE_CONTENT.replace("PAYLOADS_JSON", repr(json.dumps(PAYLOADS)))
            .replace("PASSWORD", repr(DEMO_PASSWORD)))
    return json.loads(live_server.python(code, timeout=600).strip().splitlines()[-1])


@pytest.fixture
def xss_gate(make_gate):
    """A browser context without the CSP, also watching same-origin probe requests."""
    gate = make_gate(bypass_csp=True)
    probes: list[str] = []
    gate.page.on("request", lambda request: probes.append(request.url)
                 if "/xss-probe" in request.url else None)

    def visit(path: str, status: int | None = 200) -> None:
        gate.goto(path, status=status)
        findings = gate.page.evaluate(DETECT)
        assert not findings, f"{path}: {findings}"
        assert not gate.dialogs, f"{path}: dialogs {gate.dialogs}"
        assert not gate.foreign_requests, f"{path}: requests {gate.foreign_requests}"
        assert not probes, f"{path}: probe requests {probes}"

    gate.visit = visit
    return gate


def test_at_least_thirty_payloads():
    assert len(PAYLOADS) >= 30


def test_stored_payloads_do_not_execute(xss_gate, stored_payloads, sample):
    visit = xss_gate.visit
    assert len(stored_payloads["threads"]) == len(PAYLOADS)
    visit("/")
    visit("/categories")
    visit(f"/categories/{sample['category_slug']}")
    visit(f"/categories/{sample['category_slug']}?page=2")
    visit("/tags/")
    for slug in stored_payloads["tags"]:
        visit(f"/tags/{quote(slug)}")
    for thread_id in stored_payloads["threads"]:
        visit(f"/threads/{thread_id}")
    # Search results highlight the matched words inside titles and bodies.
    for words in ("alert", "script onerror", "xss20", "evil example", "javascript"):
        visit(f"/search?q={quote(words)}")
    # What authors and administrators see: the editor, the revisions, the profile, user lists.
    xss_gate.login("xss0@example.org")
    visit("/auth/profile")
    visit(f"/posts/{stored_payloads['posts'][0]}/edit")
    visit(f"/posts/{stored_payloads['posts'][0]}/revisions")
    visit(f"/threads/{stored_payloads['threads'][0]}/reply?quote={stored_payloads['posts'][0]}")
    xss_gate.logout()
    xss_gate.login("admin@demo.example")
    visit("/admin/users")
    visit(f"/admin/users/{stored_payloads['users'][1]}")
    for post_id in stored_payloads["posts"][:12]:
        visit(f"/posts/{post_id}/revisions")
    xss_gate.logout()


def test_payloads_in_query_parameters_do_not_execute(xss_gate, sample):
    visit = xss_gate.visit
    xss_gate.login("liaison.mx@demo.example")
    for number, payload in enumerate(PAYLOADS):
        value = quote(payload, safe="")
        targets = [
            (f"/categories/{sample['category_slug']}?page={value}", None),
            (f"/threads/{sample['thread_id']}?page={value}", None),
            (f"/new?category={value}", None),
            (f"/threads/{sample['thread_id']}/reply?quote={value}", None),
            (f"/tags/{sample['tag_slug']}?page={value}", None),
            (f"/no-such-page/{value}", 404),
            (f"/search?q={value}", None),
            (f"/search?q=registro&tag={value}&country={value}", None),
        ]
        # The payloads take turns on the pages (each page gets an eighth of them, the login
        # page a third) to keep the run short.
        path, status = targets[number % len(targets)]
        visit(path, status)
        if number % 3 == 0:
            visit(f"/auth/login?next={value}", None)
    xss_gate.logout()


def test_the_detector_catches_an_injection(browser):
    """The checks above would see an injection: a page that has one, on purpose."""
    context = browser.new_context()
    try:
        page = context.new_page()
        messages: list[str] = []
        page.on("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
        with page.expect_event("dialog"):
            page.set_content(
                '<main><div class="post-body"><img src="x" onerror="alert(\'planted\')">'
                '<x-marker data-xss="1"></x-marker><a href="javascript:void(0)">x</a></div></main>'
            )
        findings = page.evaluate(DETECT)
        assert "img[onerror]" in findings
        assert "x-marker" in findings and "x-marker[data-xss]" in findings
        assert any(f.startswith("a[href=javascript") for f in findings)
        assert messages == ["planted"]
    finally:
        context.close()
