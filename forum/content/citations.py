"""Citations in summaries and reports: `[post:123]` and `[clip:45]`, rendered as linked quotes.

A citation is shown with its quote only to a reader who can read the cited post; for everyone
else it becomes a neutral "not available" marker, so restricted content never leaks.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass

import nh3
from flask import url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from .. import permissions
from ..extensions import db
from ..models import Clip, Post, Thread

CITATION_RE = re.compile(r"\[(post|clip):(\d{1,12})\]")
_PLACEHOLDER = "QZCITE{}ZQ"
_PLACEHOLDER_RE = re.compile(r"QZCITE(\d+)ZQ")
_BLOCK_RE = re.compile(r"<p>\s*QZCITE(\d+)ZQ\s*</p>")
QUOTE_LENGTH = 320

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}


@dataclass(frozen=True)
class Citation:
    """One cited item in a text, in order of first appearance."""

    kind: str
    obj_id: int

    @property
    def token(self) -> str:
        """How the citation is written in Markdown."""
        return f"[{self.kind}:{self.obj_id}]"


def extract_citations(text: str) -> list[Citation]:
    """The distinct citations of a text, in order of first appearance."""
    seen: dict[tuple[str, int], Citation] = {}
    for match in CITATION_RE.finditer(text or ""):
        key = (match.group(1), int(match.group(2)))
        seen.setdefault(key, Citation(*key))
    return list(seen.values())


def load_cited(citations: list[Citation]) -> tuple[dict[int, Post], dict[int, Clip]]:
    """Load the cited posts and clips in two queries (with what their quotes show)."""
    post_ids = {c.obj_id for c in citations if c.kind == "post"}
    clip_ids = {c.obj_id for c in citations if c.kind == "clip"}
    clips: dict[int, Clip] = {}
    if clip_ids:
        clips = {
            clip.id: clip
            for clip in db.session.scalars(select(Clip).where(Clip.id.in_(clip_ids)))
        }
        post_ids |= {clip.post_id for clip in clips.values()}
    posts: dict[int, Post] = {}
    if post_ids:
        posts = {
            post.id: post
            for post in db.session.scalars(
                select(Post)
                .where(Post.id.in_(post_ids))
                .options(
                    selectinload(Post.delegation),
                    selectinload(Post.thread).selectinload(Thread.category),
                )
            )
        }
    return posts, clips


def cited_posts(text: str) -> list[Post]:
    """Every post a text cites, directly or through a clip (missing ones left out)."""
    citations = extract_citations(text)
    posts, clips = load_cited(citations)
    result: dict[int, Post] = {}
    for citation in citations:
        if citation.kind == "post":
            post = posts.get(citation.obj_id)
        else:
            clip = clips.get(citation.obj_id)
            post = posts.get(clip.post_id) if clip else None
        if post is not None:
            result.setdefault(post.id, post)
    return list(result.values())


def citation_problems(text: str, audience: str) -> list[str]:
    """Translated messages for citations that are missing or that the audience cannot read."""
    citations = extract_citations(text)
    posts, clips = load_cited(citations)
    problems = []
    for citation in citations:
        if citation.kind == "clip":
            clip = clips.get(citation.obj_id)
            if clip is None:
                problems.append(_("The cited clip %(token)s does not exist.", token=citation.token))
                continue
            post = posts.get(clip.post_id)
        else:
            post = posts.get(citation.obj_id)
            if post is None:
                problems.append(_("The cited post %(token)s does not exist.", token=citation.token))
                continue
        if not permissions.audience_can_read_post(audience, post):
            problems.append(
                _("The cited post %(token)s cannot be read by everyone this text is meant for "
                  "(it is hidden, deleted, or in a more restricted category).",
                  token=citation.token)
            )
    return problems


def post_url(post_id: int, external: bool = False) -> str:
    """The link to a post on its thread page."""
    try:
        return url_for("board.post_link", post_id=post_id, _external=external)
    except BuildError:
        # The discussion pages are not installed: fall back to the citation's own address.
        return url_for("synthesis.cited_post", post_id=post_id, _external=external)


def plain_text(html: str) -> str:
    """Text content of sanitized HTML, white space collapsed."""
    text = nh3.clean(html or "", tags=set())
    text = (
        text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", '"').replace("&#39;", "'")
    )
    return " ".join(text.split())


def post_quote(post: Post, length: int = QUOTE_LENGTH) -> str:
    """A short plain-text excerpt of a post."""
    text = plain_text(post.body_html) or " ".join((post.body or "").split())
    if len(text) > length:
        text = text[: length - 1].rsplit(" ", 1)[0] + "…"
    return text


def render_markdown(text: str) -> str:
    """Markdown to sanitized HTML (no raw HTML allowed)."""
    html = _markdown.render(text or "")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}, "th": {"align"},
                                                         "td": {"align"}},
                     link_rel="nofollow noopener")


def _caption(post: Post, locale: str | None) -> str:
    with force_locale(locale) if locale else nullcontext():
        when = format_date(post.created_at, "long")
    delegation = post.delegation.name_in(locale) if locale else post.delegation.name
    return f"{delegation}, {when}"


def _unavailable(locale: str | None) -> str:
    with force_locale(locale) if locale else nullcontext():
        return _("citation not available")


def _block_html(user, citation: Citation, posts, clips, locale) -> str:
    post, clip = _target(citation, posts, clips)
    if post is None or not permissions.can_read_cited_post(user, post):
        return f'<p class="citation-unavailable">[{escape(_unavailable(locale))}]</p>'
    quote = clip.text if clip else post_quote(post)
    changed = ""
    if clip is not None and clip.source_changed:
        with force_locale(locale) if locale else nullcontext():
            changed = f' <span class="source-changed">({escape(_("source changed since clipped"))})</span>'
    return (
        f'<figure class="citation" data-post-id="{post.id}">'
        f"<blockquote><p>{escape(quote)}</p></blockquote>"
        f'<figcaption>— <a href="{escape(post_url(post.id))}">{escape(_caption(post, locale))}</a>'
        f"{changed}</figcaption></figure>"
    )


def _inline_html(user, citation: Citation, posts, clips, locale) -> str:
    post, clip = _target(citation, posts, clips)
    if post is None or not permissions.can_read_cited_post(user, post):
        return f'<span class="citation-unavailable">[{escape(_unavailable(locale))}]</span>'
    quote = clip.text if clip else post_quote(post, 160)
    return (
        f'<a class="citation-inline" href="{escape(post_url(post.id))}" title="{escape(quote)}">'
        f"[{escape(_caption(post, locale))}]</a>"
    )


def _target(citation: Citation, posts, clips) -> tuple[Post | None, Clip | None]:
    if citation.kind == "clip":
        clip = clips.get(citation.obj_id)
        return (posts.get(clip.post_id) if clip else None), clip
    return posts.get(citation.obj_id), None


def render_with_citations(text: str, user, locale: str | None = None) -> Markup:
    """Render Markdown with its citations as linked quotes the reader is allowed to see."""
    citations: list[Citation] = []

    def _mark(match: re.Match) -> str:
        citations.append(Citation(match.group(1), int(match.group(2))))
        return _PLACEHOLDER.format(len(citations) - 1)

    marked = CITATION_RE.sub(_mark, text or "")
    html = render_markdown(marked)
    if not citations:
        return Markup(html)
    posts, clips = load_cited(citations)
    html = _BLOCK_RE.sub(
        lambda m: _block_html(user, citations[int(m.group(1))], posts, clips, locale), html
    )
    html = _PLACEHOLDER_RE.sub(
        lambda m: _inline_html(user, citations[int(m.group(1))], posts, clips, locale), html
    )
    return Markup(html)  # built from sanitized HTML and escaped values only
