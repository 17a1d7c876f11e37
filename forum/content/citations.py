"""Citations in summaries and reports: `[post:123]` and `[clip:45]`, found and loaded.

Nothing here decides who may read what: rendering them for a reader, and checking them for an
audience, is done above the permissions (see forum.synthesis.citing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Clip, Post, Thread
from .markup import plain_text

CITATION_RE = re.compile(r"\[(post|clip):(\d{1,12})\]")
QUOTE_LENGTH = 320


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


def post_quote(post: Post, length: int = QUOTE_LENGTH) -> str:
    """A short plain-text excerpt of a post."""
    text = plain_text(post.body_html) or " ".join((post.body or "").split())
    if len(text) > length:
        text = text[: length - 1].rsplit(" ", 1)[0] + "…"
    return text
