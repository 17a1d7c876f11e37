"""Summary editor and history, clip actions and collections."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .. import permissions
from ..content.citations import post_quote
from ..extensions import db
from ..models import Clip, ClipCollection, Post, Summary, SummaryVersion, Thread
from ..platform.i18n import current_language
from ..web.links import post_url, thread_url
from ..web.numbers import db_int
from ..web.refusals import conceal, refuse
from . import bp, services
from .citing import render_with_citations
from .forms import ActionOnlyForm, ClipForm, CollectionForm, SummaryForm, language_choices
from .services import SynthesisError


def _readable_thread(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    if thread is None or not permissions.can_read_thread(current_user, thread):
        conceal()
    return thread


def _readable_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not permissions.can_read_thread(current_user, post.thread):
        conceal()
    return post


# ---------------------------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------------------------


@bp.route("/threads/<int:thread_id>/summary", methods=["GET", "POST"])
def edit_summary(thread_id: int):
    """Write a new version of a thread's summary, or of one of its translations (?lang=)."""
    thread = _readable_thread(thread_id)
    if not permissions.can_write_summary(current_user, thread):
        refuse()
    summaries = services.thread_summaries(thread)
    original = next((s for s in summaries if s.source_id is None), None)
    lang = request.args.get("lang", "")
    translating = original is not None and lang in ("en", "es", "fr") and lang != original.language
    target = next((s for s in summaries if s.language == lang), None) if translating else original
    form = SummaryForm()
    if translating:
        form.language.choices = [c for c in language_choices() if c.value == lang]
    elif original is not None:
        form.language.choices = [c for c in language_choices() if c.value == original.language]
    if request.method == "GET":
        form.language.data = lang if translating else (
            original.language if original else thread.language)
        if target is not None and target.current_version is not None:
            form.body.data = target.current_version.body
        elif translating:
            form.body.data = original.current_version.body
    preview = None
    status = 200
    if form.validate_on_submit():
        try:
            if translating:
                services.save_summary_translation(original, current_user, form.body.data,
                                                  language=lang, note=form.note.data)
            else:
                services.save_summary(thread, current_user, form.body.data,
                                      language=form.language.data, note=form.note.data)
        except SynthesisError as error:
            form.form_errors.extend(error.messages)
            status = 422
        else:
            flash(_("The summary was saved."), "success")
            return redirect(thread_url(thread))
    elif form.errors:
        status = 422
    if form.body.data:
        preview = render_with_citations(form.body.data, current_user)
    citable = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, permissions.live_posts())
        .options(selectinload(Post.delegation)).order_by(Post.number).limit(300)
    ).all()
    return render_template("synthesis/summary_edit.html", form=form, thread=thread,
                           original=original, translating=translating, lang=lang,
                           preview=preview,
                           citable=citable), status


@bp.post("/summaries/<int:summary_id>/confirm")
def confirm_summary(summary_id: int):
    """Confirm that a summary still holds after the posts written since."""
    summary = db.session.get(Summary, summary_id) or conceal()
    thread = _readable_thread(summary.thread_id)
    if not permissions.can_write_summary(current_user, thread):
        refuse()
    if not ActionOnlyForm().validate_on_submit():
        abort(400)
    services.confirm_summary(summary, current_user)
    flash(_("The summary is confirmed as up to date."), "success")
    return redirect(thread_url(thread))


@bp.route("/threads/<int:thread_id>/summary/history")
def summary_history(thread_id: int):
    """Every version of a thread's summaries, and a diff between two of them."""
    thread = _readable_thread(thread_id)
    summaries = services.thread_summaries(thread)
    if not summaries:
        conceal()
    lang = request.args.get("lang") or summaries[0].language
    summary = next((s for s in summaries if s.language == lang), summaries[0])
    versions = summary.versions
    numbers = [v.number for v in versions]
    new = request.args.get("b", type=db_int) or numbers[-1]
    old = request.args.get("a", type=db_int) or (new - 1 if new - 1 in numbers else new)
    if old not in numbers or new not in numbers:
        conceal()
    by_number = {v.number: v for v in versions}
    diff = services.diff_lines(by_number[old].body, by_number[new].body)
    return render_template(
        "synthesis/summary_history.html", thread=thread, summary=summary, summaries=summaries,
        versions=versions, old=by_number[old], new=by_number[new], diff=diff,
        rendered=render_with_citations(by_number[new].body, current_user),
        status=services.summary_status(summary),
    )


def thread_summary_context(thread: Thread) -> dict:
    """What the thread page's summary box shows (used by the included partial)."""
    language = current_language()
    summary, summaries = services.summary_for_reader(thread, language)
    if summary is None:
        return {"summary": None, "summaries": [], "can_write": permissions.can_write_summary(
            current_user, thread)}
    version: SummaryVersion = summary.current_version
    return {
        "summary": summary,
        "summaries": summaries,
        "version": version,
        "status": services.summary_status(summary),
        "html": render_with_citations(version.body, current_user),
        "can_write": permissions.can_write_summary(current_user, thread),
        "confirm_form": ActionOnlyForm(),
    }


# ---------------------------------------------------------------------------------------------
# Clips and collections
# ---------------------------------------------------------------------------------------------


def user_collections() -> list[ClipCollection]:
    """Clip collections offered in the clip forms (cached for the request)."""
    cache = request.environ
    if "synthesis.collections" not in cache:
        cache["synthesis.collections"] = (
            db.session.scalars(select(ClipCollection).order_by(ClipCollection.updated_at.desc()))
            .all() if permissions.can_use_clips(current_user) else []
        )
    return cache["synthesis.collections"]


def _clip_form() -> ClipForm:
    form = ClipForm()
    form.collection.choices = [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(c.id, c.name) for c in user_collections()
    ]
    return form


@bp.route("/posts/<int:post_id>/clip", methods=["GET", "POST"])
def clip_post(post_id: int):
    """Clip a post, or a passage of it, into a collection (the form works without JS)."""
    post = _readable_post(post_id)
    if not permissions.can_clip_post(current_user, post):
        refuse()
    form = _clip_form()
    if request.method == "GET":
        form.text.data = request.args.get("text", "")[:10000]
        form.collection.data = request.args.get("collection", type=db_int) or 0
    status = 200
    if form.validate_on_submit():
        collection = None
        if form.collection.data:
            collection = db.session.get(ClipCollection, form.collection.data)
        if collection is None and form.new_collection.data:
            collection = services.create_collection(current_user, form.new_collection.data)
        if collection is None:
            form.collection.errors = [_("Choose a collection or name a new one.")]
            status = 422
        else:
            text = "" if form.whole.data else form.text.data
            if form.passage.data and not (form.text.data or "").strip():
                form.text.errors = [_("Select or paste the passage to clip.")]
                status = 422
            else:
                try:
                    services.add_clip(collection, post, current_user, text=text,
                                      note=form.note.data)
                except SynthesisError as error:
                    form.text.errors = error.messages
                    status = 422
                else:
                    flash(_("Clipped into “%(name)s”.", name=collection.name), "success")
                    return redirect(url_for("synthesis.view_collection",
                                            collection_id=collection.id))
    elif form.errors:
        status = 422
    return render_template("synthesis/clip_form.html", form=form, post=post), status


@bp.route("/collections", methods=["GET", "POST"])
def collections():
    """The clip collections and a form to start one."""
    if not permissions.can_use_clips(current_user):
        refuse()
    form = CollectionForm()
    status = 200
    if form.validate_on_submit():
        collection = services.create_collection(current_user, form.name.data,
                                                form.description.data)
        flash(_("The collection was created."), "success")
        return redirect(url_for("synthesis.view_collection", collection_id=collection.id))
    if form.errors:
        status = 422
    items = db.session.scalars(
        select(ClipCollection).options(selectinload(ClipCollection.clips),
                                       selectinload(ClipCollection.created_by))
        .order_by(ClipCollection.updated_at.desc())
    ).all()
    return render_template("synthesis/collections.html", collections=items, form=form), status


@bp.route("/collections/<int:collection_id>")
def view_collection(collection_id: int):
    """A collection's clips, grouped by country or by tag."""
    if not permissions.can_use_clips(current_user):
        refuse()
    collection = db.session.get(ClipCollection, collection_id) or conceal()
    group = request.args.get("group", "country")
    if group not in ("country", "tag", "date"):
        group = "country"
    clips = db.session.scalars(
        select(Clip).where(Clip.collection_id == collection.id)
        .options(selectinload(Clip.post).selectinload(Post.thread).selectinload(Thread.tags),
                 selectinload(Clip.post).selectinload(Post.thread).selectinload(Thread.category),
                 selectinload(Clip.delegation), selectinload(Clip.created_by))
        .order_by(Clip.created_at)
    ).all()
    readable = [c for c in clips if permissions.can_read_cited_post(current_user, c.post)]
    unavailable = len(clips) - len(readable)
    by_country, by_tag = services.group_clips(readable, current_language())
    return render_template(
        "synthesis/collection.html", collection=collection, group=group, clips=readable,
        by_country=by_country, by_tag=by_tag, unavailable=unavailable,
        delete_form=ActionOnlyForm(),
    )


@bp.post("/clips/<int:clip_id>/delete")
def delete_clip(clip_id: int):
    """Remove a clip from its collection."""
    if not permissions.can_use_clips(current_user):
        refuse()
    clip = db.session.get(Clip, clip_id) or conceal()
    if not ActionOnlyForm().validate_on_submit():
        abort(400)
    collection_id = clip.collection_id
    services.delete_clip(clip)
    flash(_("The clip was removed."), "success")
    return redirect(url_for("synthesis.view_collection", collection_id=collection_id))


@bp.route("/posts/<int:post_id>")
def cited_post(post_id: int):
    """Where a citation links: the post on its thread page."""
    post = _readable_post(post_id)
    if not permissions.can_read_cited_post(current_user, post):
        conceal()
    return redirect(post_url(post))


@bp.app_template_global("synthesis_thread_summary")
def _thread_summary_global(thread: Thread) -> dict:
    """Template access to the summary box of a thread."""
    return thread_summary_context(thread)


@bp.app_template_global("synthesis_clip_form")
def _clip_form_global(post: Post) -> ClipForm | None:
    """A clip form for a post, for facilitators who may clip it."""
    if not permissions.can_clip_post(current_user, post):
        return None
    return _clip_form()


@bp.app_template_filter("synthesis_date")
def _date_filter(value) -> str:
    """A calendar date in the reader's language."""
    return format_date(value, "medium") if value else ""


@bp.app_template_global("post_excerpt")
def _post_excerpt_global(post: Post) -> str:
    """A short plain-text excerpt of a post."""
    return post_quote(post, 140)
