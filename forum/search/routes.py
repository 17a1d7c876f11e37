"""Routes of the search pages: results, help, similar titles (JSON) and the glossary."""

from __future__ import annotations

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from .. import permissions
from ..caching.fragments import delegation_directory
from ..extensions import db
from ..models import CONTENT_LANGUAGES, GlossaryEntry
from ..platform.i18n import current_language, language_name
from ..web.refusals import refuse
from . import bp, engine, services
from .forms import GlossaryForm, SearchForm
from .index import IndexUnavailable
from .registry import KINDS, result_kinds
from .similar import similar_titles
from .writer import safe_sync

FILTER_PARAMS = ("country", "tag", "category", "lang", "kind")


def _catch_up() -> None:
    """Apply pending changes first (bounded), so what was just posted is found."""
    app = current_app._get_current_object()
    safe_sync(app, wait=app.config["SEARCH_REQUEST_SYNC_WAIT"],
              max_batches=app.config["SEARCH_REQUEST_SYNC_BATCHES"])


def _search_form() -> SearchForm:
    form = SearchForm(request.args)
    any_choice = [SelectChoice("", _("Any"))]
    lang = current_language()
    form.country.choices = any_choice + [
        SelectChoice(d["code"], d["names"].get(lang) or d["names"]["en"])
        for d in delegation_directory()
    ]
    categories = engine.category_directory()
    form.category.choices = any_choice + [
        SelectChoice(slug, names.get(lang) or names["en"])
        for slug, names in (categories[i] for i in engine.readable_category_ids(current_user))
    ]
    form.lang.choices = any_choice + [SelectChoice(code, language_name(code)) for code in CONTENT_LANGUAGES]
    form.kind.choices = any_choice + [SelectChoice(k, str(KINDS[k].label)) for k in result_kinds()]
    return form


def _page_number() -> int:
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), 10000)


@bp.route("", strict_slashes=False)
def search():
    """The search page: results grouped by thread, filters with facet counts, hints."""
    form = _search_form()
    status = 200
    outcome = None
    if not form.validate():
        status = 400
    else:
        extra = {name: [getattr(form, name).data] for name in FILTER_PARAMS
                 if getattr(form, name).data}
        if form.after.data:
            extra["after"] = [form.after.data]
        if form.before.data:
            extra["before"] = [form.before.data]
        if form.in_title.data:
            extra["in_title"] = [True]
        _catch_up()
        try:
            outcome = engine.run(current_user, form.q.data or "", extra_filters=extra,
                                 order=form.sort.data or "relevance", page=_page_number())
        except IndexUnavailable:
            current_app.logger.exception("search: index unavailable")
            status = 503
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("search/search.html", form=form, outcome=outcome, args=args,
                           unavailable=status == 503), status


@bp.route("/help")
def help():
    """The query syntax, explained in the reader's language."""
    return render_template("search/help.html")


@bp.route("/similar")
def similar():
    """Threads resembling a title being typed (JSON, for the new-thread form)."""
    title = (request.args.get("title") or "").strip()[:200]
    title = "".join(ch if ch.isprintable() else " " for ch in title)
    items = []
    if len(title) >= 3:
        try:
            items = similar_titles(current_user, title)
        except IndexUnavailable:
            items = []
    return jsonify(results=[
        {"id": item.obj_id, "title": item.title, "url": item.url, "country": item.country,
         "country_name": item.country_name, "language": item.language,
         "language_name": language_name(item.language)}
        for item in items
    ])


# ---------------------------------------------------------------------------------------------
# Glossary
# ---------------------------------------------------------------------------------------------


@bp.route("/glossary")
def glossary():
    """The glossary of equivalent terms used to search across languages."""
    if not permissions.can_view_glossary(current_user):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        refuse()
    entries = db.session.scalars(select(GlossaryEntry)).all()
    lang = str(request.args.get("sort") or "")
    key = lang if lang in CONTENT_LANGUAGES else None
    from .analysis import fold

    entries.sort(key=lambda e: fold(e.label_in(key or _current_lang())))
    return render_template("search/glossary.html", entries=entries)


def _current_lang() -> str:
    from ..platform.i18n import current_language

    return current_language()


def _require_manager() -> None:
    if not permissions.can_manage_glossary(current_user):
        refuse()


@bp.route("/glossary/new", methods=["GET", "POST"])
def new_glossary_entry():
    """Add a concept to the glossary (moderators)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    _require_manager()
    form = GlossaryForm()
    if form.validate_on_submit():
        entry = services.create_entry(current_user, terms_en=form.terms_en.data,
                                      terms_es=form.terms_es.data, terms_fr=form.terms_fr.data,
                                      note=form.note.data)
        flash(_("“%(term)s” was added to the glossary.", term=entry.label_in(_current_lang())), "success")
        return redirect(url_for("search.glossary"))
    status = 422 if form.is_submitted() else 200
    return render_template("search/glossary_form.html", form=form, entry=None), status


@bp.route("/glossary/<int:entry_id>/edit", methods=["GET", "POST"])
def edit_glossary_entry(entry_id: int):
    """Change a glossary entry (moderators)."""
    entry = db.get_or_404(GlossaryEntry, entry_id)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    _require_manager()
    form = GlossaryForm(obj=entry)
    if form.validate_on_submit():
        services.update_entry(current_user, entry, terms_en=form.terms_en.data,
                              terms_es=form.terms_es.data, terms_fr=form.terms_fr.data,
                              note=form.note.data)
        flash(_("The glossary entry was saved."), "success")
        return redirect(url_for("search.glossary"))
    status = 422 if form.is_submitted() else 200
    return render_template("search/glossary_form.html", form=form, entry=entry), status


@bp.post("/glossary/<int:entry_id>/delete")
def delete_glossary_entry(entry_id: int):
    """Remove a glossary entry (moderators)."""
    entry = db.get_or_404(GlossaryEntry, entry_id)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    _require_manager()
    from flask_wtf import FlaskForm

    if not FlaskForm().validate_on_submit():
        abort(400)
    services.delete_entry(current_user, entry)
    flash(_("The glossary entry was deleted."), "success")
    return redirect(url_for("search.glossary"))
