"""Routes of the tags: index, tag pages and as-you-type suggestions."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import permissions
from ..caching import fragments
from ..caching.versions import scope
from ..extensions import db
from ..models import Tag, Thread, thread_tag
from ..platform.i18n import current_language
from ..tags.services import suggest_tags
from ..web.paging import check_page_range, page_number
from ..web.refusals import conceal
from ..web.thread_lists import last_posts, thread_list_query
from . import bp


@bp.route("/")
@fragments.whole_page
def index():
    """Every tag used in threads the reader can see, with counts, in alphabetical order."""
    counts = (
        select(Tag, func.count(Thread.id).label("threads"))
        .join(thread_tag, thread_tag.c.tag_id == Tag.id)
        .join(Thread, Thread.id == thread_tag.c.thread_id)
        .where(permissions.visible_threads(current_user), Tag.merged_into_id.is_(None))
        .group_by(Tag.id)
    )
    lang = current_language()
    rows = sorted(db.session.execute(counts).all(), key=lambda row: _sort_key(row[0].label_in(lang)))
    return render_template("tags/index.html", rows=rows)


def _sort_key(label: str) -> str:
    from ..models import tag_key

    return tag_key(label)


@bp.route("/<slug>")
@fragments.whole_page(declared=True)
def view_tag(slug: str):
    """The threads with a tag, latest activity first."""
    page = page_number()
    tag = db.session.scalar(select(Tag).where(Tag.slug == slug).options(selectinload(Tag.synonyms)))
    if tag is None:
        from .services import tag_redirect_for

        renamed = tag_redirect_for(slug)
        if renamed is not None:
            return redirect(url_for("tags.view_tag", slug=renamed.slug))
        conceal(_("There is no tag “%(tag)s”.", tag=slug))
    if tag.merged_into_id:
        target = db.session.get(Tag, tag.merged_into_id)
        if target is not None:
            return redirect(url_for("tags.view_tag", slug=target.slug))
    if not db.session.scalar(select(Tag.id).where(Tag.id == tag.id,
                                                  permissions.visible_tags(current_user))):
        # used only where this reader cannot look: as if it did not exist
        conceal(_("There is no tag “%(tag)s”.", tag=slug))
    fragments.depends_on(scope("tag", tag.id))
    tagged = Thread.id.in_(select(thread_tag.c.thread_id).where(thread_tag.c.tag_id == tag.id))
    threads = db.paginate(
        thread_list_query(current_user, tagged).order_by(None).order_by(
            Thread.last_post_at.desc(), Thread.id.desc()),
        page=page, per_page=current_app.config["THREADS_PER_PAGE"], error_out=False,
    )
    check_page_range(threads, page)
    return render_template("tags/tag.html", tag=tag, threads=threads,
                           last_posts=last_posts(threads.items))


@bp.route("/suggest")
def suggest():
    """Tags matching what is being typed (JSON), labelled in the reader's language.

    Only for logged-in members: the whole vocabulary includes tags of threads that
    anonymous visitors cannot read.
    """
    if not permissions.is_member(current_user):
        return jsonify(error=_("Log in to get tag suggestions."), tags=[]), 401
    text = request.args.get("q", "")[:100]
    lang = current_language()
    tags = suggest_tags(text, current_user) if text.strip() else []
    return jsonify(
        query=text,
        tags=[
            {
                "slug": tag.slug,
                "label": tag.label_in(lang),
                "labels": {code: getattr(tag, f"label_{code}") for code in ("en", "es", "fr")
                           if getattr(tag, f"label_{code}")},
                "threads": threads,
            }
            for tag, threads in tags
        ],
    )
