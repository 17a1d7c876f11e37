"""Routes of the boards: categories, threads, posts, edits, deletions and previews."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import permissions
from ..caching import fragments
from ..caching.versions import scope
from ..content.markup import render_markdown
from ..extensions import db
from ..models import Category, Thread
from ..web.paging import check_page_range, page_number
from ..web.refusals import conceal, fail, refuse
from ..web.thread_lists import last_posts, thread_list_query
from . import bp, compose, services, thread_page
from .forms import DeletePostForm, EditPostForm, PostForm, PreviewForm, ThreadForm
from .queries import (
    categories_with_latest,
    home_sections,
    load_post,
    load_thread,
    page_of_post,
    thread_not_found,
)
from .texts import quote_text, reply_refusal, word_diff

bp.add_app_template_filter(render_markdown, "markdown")


@bp.app_template_filter("iso")
def format_iso(value) -> str:
    """A stored UTC time as a machine-readable `datetime` attribute value."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


@bp.app_template_filter("when")
def format_when(value) -> str:
    """A date and time in the reader's locale, to the minute (e.g. 7 oct 2026, 16:25)."""
    if not value:
        return ""
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"


bp.add_app_template_global(home_sections, "board_home")


def _require_read_category(category: Category) -> None:
    if not permissions.can_read_category(current_user, category):
        if not current_user.is_authenticated:
            refuse(visitor=_("Log in to read this category."))
        refuse(_("This category is not open to your account."))


def _require_read_thread(thread) -> None:
    # A member who may not read the category gets the same 404 as for a thread that does not
    # exist (a 403 would confirm it exists); an anonymous visitor is asked to log in.
    if not permissions.can_read_category(current_user, thread.category) and (
            not current_user.is_authenticated):
        refuse(visitor=_("Log in to read this category."))
    if not permissions.can_read_thread(current_user, thread):
        thread_not_found()


@bp.route("/categories")
@fragments.whole_page
def categories():
    """The categories the reader can see, with counts and latest activity."""
    rows = categories_with_latest(current_user)
    return render_template("board/categories.html", rows=rows)


@bp.route("/categories/<slug>")
@fragments.whole_page(declared=True)
def view_category(slug: str):
    """A category's threads: pinned first, then by latest activity."""
    page = page_number()
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        conceal(_("This category does not exist."))
    _require_read_category(category)
    fragments.depends_on(scope("category", category.id))
    query = thread_list_query(current_user, Thread.category_id == category.id)
    threads = db.paginate(query, page=page, per_page=current_app.config["THREADS_PER_PAGE"],
                          error_out=False)
    check_page_range(threads, page)
    return render_template(
        "board/category.html", category=category, threads=threads,
        last_posts=last_posts(threads.items),
    )


@bp.route("/threads/<int:thread_id>")
@fragments.whole_page(declared=True)
def view_thread(thread_id: int):
    """A thread: its posts, 25 per page, and the reply form (see thread_page.py)."""
    page = page_number()
    facts = thread_page.thread_facts(thread_id, page)
    _require_read_thread(facts.for_permissions())
    if facts.merged_into_id:
        return redirect(url_for("board.view_thread", thread_id=facts.merged_into_id))
    posts = thread_page.pagination(facts, page)
    check_page_range(posts, page)
    thread = thread_page.lazy_thread(thread_id)
    return render_template(
        "board/thread.html", facts=facts, thread=thread, posts=posts,
        post_items=thread_page.posts_html(facts, thread),
        reply_box=thread_page.reply_box(thread_id, thread), cache_scopes=thread_page.scopes(thread_id),
    )


@bp.route("/posts/<int:post_id>")
def post_link(post_id: int):
    """A permanent link to a post: the right page of its thread, at the post's anchor."""
    post = load_post(post_id)
    _require_read_thread(post.thread)
    page = page_of_post(post)
    return redirect(url_for("board.view_thread", thread_id=post.thread_id,
                            page=page if page > 1 else None, _anchor=f"post-{post.id}"))


def _postable_categories():
    categories = db.session.scalars(
        select(Category).where(permissions.visible_categories(current_user))
        .order_by(Category.position, Category.id)
    )
    return [c for c in categories if permissions.can_post_in_category(current_user, c)]


@bp.route("/new", methods=["GET", "POST"])
def new_thread():
    """Start a thread (with a server-side preview)."""
    if not current_user.is_authenticated:
        refuse(visitor=_("Log in to start a thread."))
    allowed = _postable_categories()
    if not allowed:
        refuse(_("Your account cannot start threads. You can reply where a category is open to observers."))
    form = ThreadForm()
    form.set_categories(allowed)
    by_slug = {c.slug: c for c in allowed}
    status = 200
    if request.method == "GET":
        wanted = request.args.get("category", "")
        if wanted and wanted not in by_slug:
            form.category.errors = [_("This category does not exist or you cannot post in it.")]
            status = 404
        elif wanted:
            form.category.data = wanted
        return render_template("board/new_thread.html", form=form), status

    outcome = compose.start_thread(current_user, form, by_slug)
    if outcome.saved:
        flash(_("Your thread has been published."), "success")
        return redirect(url_for("board.view_thread", thread_id=outcome.thread_id))
    return render_template("board/new_thread.html", form=form, **outcome.context), outcome.status


@bp.route("/threads/<int:thread_id>/reply", methods=["GET", "POST"])
def reply(thread_id: int):
    """Reply to a thread, optionally quoting a post; Preview shows the rendering first."""
    thread = load_thread(thread_id)
    if not current_user.is_authenticated:
        refuse(visitor=_("Log in to reply to this thread."))
    form = PostForm()
    readable = permissions.can_read_thread(current_user, thread)
    refusal = reply_refusal(current_user, thread)
    if not readable:
        # Keep what was typed so that it is not lost, but show nothing of the thread.
        refusal = _("This thread does not exist or is no longer available.")
        return render_template("board/reply.html", thread=None, form=form, refusal=refusal), 404
    if refusal:
        return render_template("board/reply.html", thread=thread, form=form, refusal=refusal), 403
    if request.method == "GET":
        quoted = request.args.get("quote", "")
        if quoted:
            post = load_post(int(quoted)) if quoted.isdigit() else None
            if post is None or post.thread_id != thread.id or not permissions.can_read_post_text(current_user, post):
                conceal(_("The post to quote is not in this thread."))
            form.body.data = quote_text(post)
        return render_template("board/reply.html", thread=thread, form=form)

    outcome = compose.reply(current_user, thread, form)
    if outcome.saved:
        flash(_("Your reply has been published."), "success")
        return redirect(url_for("board.post_link", post_id=outcome.post_id))
    return render_template("board/reply.html", thread=thread, form=form,
                           **outcome.context), outcome.status


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id: int):
    """Edit a post (its previous text is kept as a revision)."""
    post = load_post(post_id)
    if not current_user.is_authenticated:
        refuse(visitor=_("Log in to edit your posts."))
    _require_read_thread(post.thread)
    thread = post.thread
    is_first = post.number == 1
    form = EditPostForm()
    if request.method == "GET":
        form.body.data = post.body
        form.language.data = post.language
        if is_first:
            form.title.data = thread.title
            form.tags.data = ", ".join(t.label for t in thread.tags)
    if not permissions.can_edit_post(current_user, post):
        if post.author_id != current_user.id:
            message = _("You can only edit your own posts.")
        elif post.is_deleted or post.is_hidden:
            message = _("This post was deleted or hidden and can no longer be edited.")
        else:
            message = reply_refusal(current_user, thread) or _("You cannot edit this post.")
        return render_template("board/edit_post.html", post=post, thread=thread, form=form,
                               is_first=is_first, refusal=message), 403
    if request.method == "GET":
        return render_template("board/edit_post.html", post=post, thread=thread, form=form,
                               is_first=is_first)

    outcome = compose.edit(current_user, post, form)
    if outcome.saved:
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("board.post_link", post_id=post.id))
    return render_template("board/edit_post.html", post=post, thread=thread, form=form,
                           is_first=is_first, **outcome.context), outcome.status


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
def delete_post(post_id: int):
    """Soft-delete a post after confirmation."""
    post = load_post(post_id)
    if not current_user.is_authenticated:
        refuse(visitor=_("Log in to delete your posts."))
    _require_read_thread(post.thread)
    if not permissions.can_delete_post(current_user, post):
        if post.is_deleted:
            fail(409, _("This post has already been deleted."))
        refuse(_("You can only delete your own posts."))
    form = DeletePostForm()
    if form.validate_on_submit():
        services.delete_post(current_user, post, form.reason.data or None)
        flash(_("The post has been deleted. It keeps its place in the thread."), "success")
        return redirect(url_for("board.post_link", post_id=post.id))
    status = 422 if form.errors else 200
    return render_template("board/delete_post.html", post=post, thread=post.thread, form=form), status


@bp.route("/posts/<int:post_id>/revisions")
def post_revisions(post_id: int):
    """A post's edit history with readable differences (author and moderators)."""
    post = load_post(post_id)
    if not current_user.is_authenticated:
        refuse(visitor=_("Log in to see the edit history."))
    _require_read_thread(post.thread)
    if not permissions.can_view_revisions(current_user, post):
        if not permissions.can_read_post_text(current_user, post):
            refuse(_("This post is hidden or deleted: only the moderators can see its text "
                        "and edit history."))
        refuse(_("Only the author and the moderators can see the edit history of a post."))
    revisions = list(post.revisions)
    versions = [r.body for r in revisions] + [post.body]
    titles = [r.title for r in revisions] + [post.thread.title if post.number == 1 else None]
    changes = []
    for index, revision in enumerate(revisions):
        changes.append({
            "revision": revision,
            "diff": word_diff(versions[index], versions[index + 1]),
            "title_diff": (word_diff(titles[index] or "", titles[index + 1] or "")
                           if titles[index] is not None and titles[index] != titles[index + 1] else None),
        })
    changes.reverse()
    return render_template("board/revisions.html", post=post, thread=post.thread, changes=changes)


@bp.post("/preview")
def preview():
    """Live preview for the editors (JSON; CSRF token in the X-CSRFToken header)."""
    if not permissions.is_member(current_user):
        return jsonify(error=_("Log in to preview your message.")), 401
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("body", ""), str):
        return jsonify(error=_("Send the message to preview as JSON: {\"body\": \"...\"}.")), 400
    form = PreviewForm(meta={"csrf": False})
    if not form.validate():
        return jsonify(error=_("The message is too long to preview.")), 422
    return jsonify(html=str(render_markdown(form.body.data)))
