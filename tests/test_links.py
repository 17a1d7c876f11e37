"""One links module: the addresses of threads, posts, practices and tags, in code and templates."""

from __future__ import annotations

import re
from pathlib import Path

from factories import make_thread, make_user
from flask import render_template_string
from jinja2 import nodes
from practices_support import make_practice

from forum.extensions import db
from forum.models import Tag
from forum.web.links import post_url, practice_url, tag_url, thread_url

TEMPLATES = Path(__file__).resolve().parent.parent / "forum" / "templates"


def test_links_point_at_the_feature_pages(app):
    author = make_user("liaison")
    thread = make_thread(author)
    post = thread.posts[0]
    practice = make_practice(author)
    tag = Tag(slug="consular-access", label_en="consular access")
    db.session.add(tag)
    db.session.commit()
    with app.test_request_context():
        assert thread_url(thread) == f"/threads/{thread.id}"
        assert thread_url(thread, page=2) == f"/threads/{thread.id}?page=2"
        assert post_url(post) == f"/posts/{post.id}"
        assert post_url(post, external=True) == f"http://{app.config['SERVER_NAME']}/posts/{post.id}"
        assert practice_url(practice) == f"/practices/{practice.id}"
        assert tag_url(tag) == "/tags/consular-access"
        page = render_template_string(
            "{{ thread_url(t) }} {{ post_url(p) }} {{ practice_url(r) }} {{ tag_url(g) }}",
            t=thread, p=post, r=practice, g=tag)
    assert page == (f"/threads/{thread.id} /posts/{post.id} /practices/{practice.id} "
                    "/tags/consular-access")


def test_every_blueprint_is_registered(app):
    assert {"main", "errors", "auth", "admin", "site", "board", "tags", "search", "practices",
            "moderation", "synthesis"} <= set(app.blueprints)


def _referenced(env, name: str) -> set[str]:
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    tree = env.parse(source)
    found = set()
    for node in tree.find_all((nodes.Include, nodes.Extends, nodes.Import, nodes.FromImport)):
        if isinstance(node.template, nodes.Const):
            found.add(node.template.value)
    return found


def test_templates_include_only_templates_that_exist(app):
    env = app.jinja_env
    names = [p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")]
    optional = [n for n in names
                if re.search(r"ignore\s+missing", (TEMPLATES / n).read_text(encoding="utf-8"))]
    assert optional == []
    missing = {(name, target) for name in names for target in _referenced(env, name)
               if target not in set(names)}
    assert missing == set()
