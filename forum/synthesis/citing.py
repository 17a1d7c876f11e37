"""Citations as the reader sees them: linked quotes of what they may read, checks for an audience.

A citation is shown with its quote only to a reader who can read the cited post; for everyone
else it becomes a neutral "not available" marker, so restricted content never leaks.
"""

from __future__ import annotations

import re
from contextlib import nullcontext

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .. import permissions
from ..content.citations import CITATION_RE, Citation, extract_citations, load_cited, post_quote
from ..content.markup import render_markdown
from ..models import Clip, Post
from ..web.links import post_url

_PLACEHOLDER = "QZCITE{}ZQ"
_PLACEHOLDER_RE = re.compile(r"QZCITE(\d+)ZQ")
_BLOCK_RE = re.compile(r"<p>\s*QZCITE(\d+)ZQ\s*</p>")


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
        f'<figcaption>— <a href="{escape(post_url(post))}">{escape(_caption(post, locale))}</a>'
        f"{changed}</figcaption></figure>"
    )


def _inline_html(user, citation: Citation, posts, clips, locale) -> str:
    post, clip = _target(citation, posts, clips)
    if post is None or not permissions.can_read_cited_post(user, post):
        return f'<span class="citation-unavailable">[{escape(_unavailable(locale))}]</span>'
    quote = clip.text if clip else post_quote(post, 160)
    return (
        f'<a class="citation-inline" href="{escape(post_url(post))}" title="{escape(quote)}">'
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
    html = str(render_markdown(marked, "report"))
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
