"""Addresses of the things the pages link to: threads, posts, practices and tags.

Every feature is always installed, so these are plain `url_for` calls kept in one place: a page
that shows another feature's object links to it through here.
"""

from __future__ import annotations

from flask import Flask, url_for


def thread_url(thread, *, external: bool = False, **values) -> str:
    """The page of a thread (extra values such as `page` or `_anchor` pass through)."""
    return url_for("board.view_thread", thread_id=thread.id, _external=external, **values)


def post_url(post, *, external: bool = False) -> str:
    """A link to a post on its thread page."""
    return url_for("board.post_link", post_id=post.id, _external=external)


def practice_url(practice, *, external: bool = False, **values) -> str:
    """The page of a practice."""
    return url_for("practices.view_practice", practice_id=practice.id, _external=external,
                   **values)


def tag_url(tag, *, external: bool = False) -> str:
    """The page of a tag."""
    return url_for("tags.view_tag", slug=tag.slug, _external=external)


def init_app(app: Flask) -> None:
    """Make the link builders template globals."""
    app.jinja_env.globals.update(
        thread_url=thread_url, post_url=post_url, practice_url=practice_url, tag_url=tag_url,
    )
