"""Report builder, editor, publication, translations, history and exports."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from .. import models, permissions
from ..errors.handlers import render_error
from ..extensions import db
from ..models import (
    Category,
    Clip,
    ClipCollection,
    Delegation,
    Post,
    Report,
    ReportVersion,
    Summary,
    Tag,
    Thread,
)
from ..platform.i18n import current_language
from ..web.numbers import db_int
from ..web.refusals import conceal, refuse
from . import bp, services
from .citing import render_with_citations
from .drafting import build_draft
from .exports import (
    SOURCES_MARKER,
    annex,
    audience_label,
    body_from_markdown_export,
    participating_delegations,
    report_docx,
    report_markdown,
    sources_for,
)
from .forms import (
    PublishForm,
    ReportBuilderForm,
    ReportEditForm,
    TranslateForm,
    language_choices,
)
from .services import SynthesisError


def _load_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        conceal()
    return report


def _version_for_reader(report: Report, number: int | None) -> ReportVersion:
    """The version asked for (or the one the reader sees by default), or 404."""
    if number is not None:
        version = next((v for v in report.versions if v.number == number), None)
    elif permissions.can_view_report_drafts(current_user):
        version = report.latest
    else:
        version = report.published
    if version is None or not permissions.can_read_report_version(current_user, version):
        conceal()
    return version


def _require_writer() -> None:
    if not permissions.can_write_synthesis(current_user):
        refuse()


@bp.route("/reports")
def reports():
    """Reports the reader can see: published ones, and drafts for facilitators."""
    items = db.session.scalars(
        select(Report).where(Report.source_id.is_(None))
        .options(selectinload(Report.versions), selectinload(Report.translations)
                 .selectinload(Report.versions))
        .order_by(Report.updated_at.desc())
    ).all()
    drafts = permissions.can_view_report_drafts(current_user)
    rows = []
    for report in items:
        version = report.latest if drafts else report.published
        if version is not None and permissions.can_read_report_version(current_user, version):
            rows.append((report, version))
    return render_template("synthesis/reports.html", rows=rows,
                           can_write=permissions.can_write_synthesis(current_user))


def _builder_choices(form: ReportBuilderForm) -> None:
    language = current_language()
    tags = db.session.scalars(select(Tag).where(Tag.merged_into_id.is_(None))).all()
    form.tags.choices = sorted((SelectChoice(t.id, t.label_in(language)) for t in tags),
                               key=lambda c: c.label.casefold())
    countries = db.session.scalars(select(Delegation).order_by(Delegation.position)).all()
    form.countries.choices = [SelectChoice(d.code, d.name_in(language)) for d in countries
                              if d.is_country]
    categories = db.session.scalars(
        select(Category).where(permissions.visible_categories(current_user))
        .order_by(Category.position)
    ).all()
    form.categories.choices = [SelectChoice(c.id, c.name_in(language)) for c in categories]
    summaries = db.session.scalars(
        select(Summary).where(Summary.current_version_id.is_not(None))
        .options(selectinload(Summary.thread).selectinload(Thread.category))
        .order_by(Summary.updated_at.desc())
    ).all()
    form.summaries.choices = [
        SelectChoice(s.id, f"{s.thread.title} ({s.language})") for s in summaries
        if permissions.can_read_thread(current_user, s.thread)
    ]
    clips = db.session.scalars(
        select(Clip).options(selectinload(Clip.collection), selectinload(Clip.delegation),
                             selectinload(Clip.post))
        .order_by(Clip.collection_id, Clip.id)
    ).all()
    form.clips.choices = [
        SelectChoice(c.id, f"{c.collection.name} — {c.delegation.name_in(language)}: "
                           f"{c.text[:90]}{'…' if len(c.text) > 90 else ''}")
        for c in clips if permissions.can_read_cited_post(current_user, c.post)
    ]
    # Practices live on a thread: choosing one adds its discussion as a section.
    practice = getattr(models, "Practice", None)
    visible = getattr(permissions, "visible_practices", None)
    form.practices.choices = []
    if practice is not None and visible is not None:
        rows = db.session.scalars(
            select(practice).where(visible(current_user), practice.thread_id.is_not(None))
            .order_by(practice.title).limit(500)
        ).all()
        form.practices.choices = [SelectChoice(p.id, p.title) for p in rows]


def _selection(form: ReportBuilderForm) -> dict:
    return {
        "tags": form.tags.data or [],
        "countries": form.countries.data or [],
        "categories": form.categories.data or [],
        "date_from": form.date_from.data.isoformat() if form.date_from.data else None,
        "date_to": form.date_to.data.isoformat() if form.date_to.data else None,
        "summaries": form.summaries.data or [],
        "clips": form.clips.data or [],
        "practices": form.practices.data or [],
    }


@bp.route("/reports/new", methods=["GET", "POST"])
def new_report():
    """Choose what a report covers; its first draft is written from the selection."""
    _require_writer()
    form = ReportBuilderForm()
    _builder_choices(form)
    if request.method == "GET":
        form.language.data = current_language()
        if request.args.get("collection", type=db_int):
            collection = db.session.get(ClipCollection, request.args.get("collection", type=db_int))
            if collection is not None:
                form.clips.data = [c.id for c in collection.clips]
    status = 200
    if form.validate_on_submit():
        selection = _selection(form)
        body, threads = build_draft(selection, form.language.data, current_user)
        if not threads:
            form.form_errors.append(_(
                "This selection matches no discussion you can read, so the report would have "
                "no sections. Widen the selection or choose summaries or clips."))
            status = 422
        else:
            report = services.create_report(current_user, title=form.title.data,
                                            language=form.language.data, selection=selection,
                                            body=body)
            flash(_("The draft was written with %(num)d sections. Edit it freely.",
                    num=len(threads)), "success")
            return redirect(url_for("synthesis.edit_report", report_id=report.id))
    elif form.errors:
        status = 422
    return render_template("synthesis/report_new.html", form=form), status


@bp.route("/reports/<int:report_id>")
def view_report(report_id: int):
    """A report version (the published one, or the draft for facilitators)."""
    report = _load_report(report_id)
    version = _version_for_reader(report, request.args.get("version", type=db_int))
    return _render_report(report, version)


def _render_report(report: Report, version: ReportVersion, publish_form: PublishForm | None = None,
                   publish_errors: list[str] | None = None, status: int = 200):
    sources, _hidden = sources_for(version, current_user, report.language)
    family = [report.source] if report.source else []
    family += list((report.source or report).translations)
    readable_translations = []
    for other in family:
        if other.id == report.id:
            continue
        other_version = (other.latest if permissions.can_view_report_drafts(current_user)
                         else other.published)
        if other_version and permissions.can_read_report_version(current_user, other_version):
            readable_translations.append((other, other_version))
    if publish_form is None:
        publish_form = PublishForm()
        publish_form.audience.data = (version.audience or (report.published.audience
                                      if report.published else "members"))
    translate_form = TranslateForm()
    taken = {report.language} | {t.language for t, _v in readable_translations}
    translate_form.language.choices = [c for c in language_choices() if c.value not in taken]
    return render_template(
        "synthesis/report_view.html", report=report, version=version,
        html=render_with_citations(version.body, current_user, report.language),
        sources=sources, annex=annex(sources), translations=readable_translations,
        delegations=participating_delegations(sources, report.language),
        can_write=permissions.can_write_synthesis(current_user),
        publish_form=publish_form, translate_form=translate_form,
        publish_errors=publish_errors or [], audience=audience_label(version.audience),
        translation_outdated=services.report_translation_outdated(report),
        can_export=permissions.can_export_report_version(current_user, version),
    ), status


@bp.route("/reports/<int:report_id>/edit", methods=["GET", "POST"])
def edit_report(report_id: int):
    """Edit the working draft (a published report gets a new draft version)."""
    _require_writer()
    report = _load_report(report_id)
    form = ReportEditForm()
    latest = report.latest
    if request.method == "GET" and latest is not None:
        form.title.data, form.body.data = latest.title, latest.body
    preview = None
    status = 200
    if form.validate_on_submit():
        if SOURCES_MARKER in form.body.data:
            # A Markdown export pasted back: keep its text and citations, drop the annex.
            form.body.data = body_from_markdown_export(form.body.data)
        if form.preview.data:
            preview = render_with_citations(form.body.data, current_user, report.language)
        else:
            try:
                services.save_report_draft(report, current_user, title=form.title.data,
                                           body=form.body.data)
            except SynthesisError as error:
                form.form_errors.extend(error.messages)
                status = 422
            else:
                flash(_("The draft was saved."), "success")
                return redirect(url_for("synthesis.view_report", report_id=report.id))
    elif form.errors:
        status = 422
    clips = [c for c in db.session.scalars(
        select(Clip).options(selectinload(Clip.collection), selectinload(Clip.delegation),
                             selectinload(Clip.post).selectinload(Post.thread))
        .order_by(Clip.collection_id, Clip.id).limit(300)
    ) if permissions.can_read_cited_post(current_user, c.post)]
    return render_template("synthesis/report_edit.html", form=form, report=report,
                           preview=preview, clips=clips), status


@bp.post("/reports/<int:report_id>/publish")
def publish_report(report_id: int):
    """Publish the draft for the chosen audience, if that audience can read all it cites."""
    _require_writer()
    report = _load_report(report_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return render_error(422, _("Choose the audience of the report."))
    try:
        version = services.publish_report(report, current_user, form.audience.data)
    except SynthesisError as error:
        current = report.latest
        return _render_report(report, current, publish_form=form,
                              publish_errors=error.messages, status=422)
    flash(_("Version %(number)s is published.", number=version.number), "success")
    return redirect(url_for("synthesis.view_report", report_id=report.id))


@bp.post("/reports/<int:report_id>/translate")
def translate_report(report_id: int):
    """Open a translation draft of the report."""
    _require_writer()
    report = _load_report(report_id)
    form = TranslateForm()
    if not form.validate_on_submit():
        return render_error(422, _("Choose the language of the translation."))
    try:
        translation = services.start_report_translation(report.source or report, current_user,
                                                        form.language.data)
    except SynthesisError as error:
        return render_error(422, " ".join(error.messages))
    flash(_("Translate the text below; citations stay as they are."), "info")
    return redirect(url_for("synthesis.edit_report", report_id=translation.id))


@bp.route("/reports/<int:report_id>/history")
def report_history(report_id: int):
    """Every version of a report the reader may see, with a diff between two."""
    report = _load_report(report_id)
    versions = [v for v in report.versions
                if permissions.can_read_report_version(current_user, v)]
    if not versions:
        conceal()
    numbers = [v.number for v in versions]
    new = request.args.get("b", type=db_int) or numbers[-1]
    old = request.args.get("a", type=db_int) or (numbers[-2] if len(numbers) > 1 else new)
    if old not in numbers or new not in numbers:
        conceal()
    by_number = {v.number: v for v in versions}
    return render_template(
        "synthesis/report_history.html", report=report, versions=versions,
        old=by_number[old], new=by_number[new],
        diff=services.diff_lines(by_number[old].body, by_number[new].body),
    )


EXPORT_FORMATS = ("docx", "md", "print")


@bp.route("/reports/<int:report_id>/export/<fmt>")
def export_report(report_id: int, fmt: str):
    """Word, Markdown or print-friendly HTML, in the report's language."""
    if fmt not in EXPORT_FORMATS:
        conceal()
    report = _load_report(report_id)
    number = request.args.get("version", type=db_int)
    version = (next((v for v in report.versions if v.number == number), None)
               if number is not None else (report.published or report.latest))
    if version is None:
        conceal()
    # A draft the reader may not see is not found (a 403 would reveal that it exists).
    if not permissions.can_export_report_version(current_user, version):
        conceal()
    language = report.language
    filename = f"report-{report.id}-v{version.number}-{language}"
    if fmt == "docx":
        data = report_docx(version, current_user, language)
        return Response(data, mimetype=(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            headers={"Content-Disposition": f'attachment; filename="{filename}.docx"'})
    if fmt == "md":
        return Response(report_markdown(version, current_user, language),
                        mimetype="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{filename}.md"'})
    sources, _hidden = sources_for(version, current_user, language)
    with force_locale(language):
        labels = {
            "participants": _("Participating delegations"),
            "sources": _("Sources"),
            "none": _("No delegation is cited."),
            "version": _("Version %(number)s", number=version.number),
            "published": _("Published on %(date)s", date=format_date(version.published_at, "long"))
            if version.published_at else "",
        }
    return render_template(
        "synthesis/report_print.html", report=report, version=version, sources=sources,
        annex=annex(sources),
        html=render_with_citations(version.body, current_user, language), language=language,
        delegations=participating_delegations(sources, language), labels=labels,
    )
