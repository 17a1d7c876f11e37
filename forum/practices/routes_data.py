"""Country profiles, the comparison matrix, open data, and the managed lists."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions
from ..caching import fragments
from ..extensions import db
from ..models import Delegation, DelegationKind, Post, Thread, utcnow
from ..models.practices import (
    PUBLIC_STATUSES,
    MinimumIndicator,
    Practice,
    Situation,
    TargetPopulation,
)
from ..web.numbers import MAX_DB_INT
from ..web.refusals import conceal, refuse
from . import bp, matrix, services
from .forms import ListItemForm
from .vocabulary import LIST_KINDS


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) <= MAX_DB_INT else None


# ---------------------------------------------------------------------------------------------
# Countries
# ---------------------------------------------------------------------------------------------


@bp.route("/countries")
@fragments.whole_page
def countries():
    """Every delegation with its published practices, systems and discussions."""
    published = (
        select(Practice.delegation_id, func.count(Practice.id), func.count(func.distinct(
            func.nullif(Practice.system_name, ""))))
        .where(permissions.visible_practices(current_user), Practice.status.in_(PUBLIC_STATUSES))
        .group_by(Practice.delegation_id)
    )
    practice_counts = {d: (n, s) for d, n, s in db.session.execute(published)}
    threads = (select(Thread.delegation_id, func.count(Thread.id))
               .where(permissions.visible_threads(current_user)).group_by(Thread.delegation_id))
    thread_counts = dict(db.session.execute(threads).all())
    posts = (select(Post.delegation_id, func.count(Post.id)).join(Thread, Thread.id == Post.thread_id)
             .where(permissions.visible_posts(current_user)).group_by(Post.delegation_id))
    post_counts = dict(db.session.execute(posts).all())
    delegations = db.session.scalars(select(Delegation).order_by(Delegation.position)).all()
    rows = [
        {"delegation": d, "practices": practice_counts.get(d.id, (0, 0))[0],
         "systems": practice_counts.get(d.id, (0, 0))[1], "threads": thread_counts.get(d.id, 0),
         "posts": post_counts.get(d.id, 0)}
        for d in delegations
    ]
    return render_template(
        "practices/countries.html",
        countries=[r for r in rows if r["delegation"].kind == DelegationKind.COUNTRY.value],
        organizations=[r for r in rows if r["delegation"].kind != DelegationKind.COUNTRY.value],
    )


@bp.route("/countries/<code>")
@fragments.whole_page
def country(code: str):
    """A delegation's profile: practices, systems, coverage, discussions and focal points."""
    delegation = db.session.scalar(select(Delegation).where(Delegation.code == code.upper()))
    if delegation is None:
        conceal()
    body = fragments.fragment(
        ("country-body", delegation.id),
        lambda: render_template("practices/_country_body.html", **_country_context(delegation)),
        per_reader=True)
    return render_template("practices/country.html", delegation=delegation, body=body)


def _country_context(delegation: Delegation) -> dict:
    practices = db.session.scalars(
        select(Practice)
        .where(permissions.visible_practices(current_user), Practice.delegation_id == delegation.id)
        .options(joinedload(Practice.populations), selectinload(Practice.coverages))
        .order_by(Practice.published_at.desc(), Practice.updated_at.desc())
    ).unique().all()
    published = [p for p in practices if p.status in PUBLIC_STATUSES]
    unpublished = [p for p in practices if p.status not in PUBLIC_STATUSES]
    systems = [p for p in published if p.system_name]
    coverage_row, columns = None, []
    if delegation.is_country:
        # the country's row of the comparison matrix, from its own published practices
        coverage_row, columns = matrix.country_row(delegation, published)
    threads = db.session.scalars(
        select(Thread).where(permissions.visible_threads(current_user),
                             Thread.delegation_id == delegation.id)
        .options(joinedload(Thread.category)).order_by(Thread.last_post_at.desc()).limit(10)
    ).all()
    replies = db.session.scalars(
        select(Post).join(Thread, Thread.id == Post.thread_id)
        .where(permissions.visible_posts(current_user), Post.delegation_id == delegation.id,
               Post.number > 1)
        .options(joinedload(Post.thread), joinedload(Post.author))
        .order_by(Post.created_at.desc()).limit(10)
    ).all()
    focal_points = []
    if permissions.can_see_focal_points(current_user):
        seen = set()
        for practice in published:
            key = (practice.focal_name, practice.focal_email)
            if practice.focal_name or practice.focal_email:
                if key not in seen:
                    seen.add(key)
                    focal_points.append(practice)
    return {
        "delegation": delegation, "published": published, "unpublished": unpublished,
        "systems": systems, "coverage_row": coverage_row, "columns": columns,
        "threads": threads, "replies": replies, "focal_points": focal_points,
    }


# ---------------------------------------------------------------------------------------------
# Comparison matrix
# ---------------------------------------------------------------------------------------------


def _matrix_from_args():
    dimension = request.args.get("by", "indicators")
    if dimension not in matrix.DIMENSIONS:
        dimension = "indicators"
    return matrix.build_matrix(current_user, dimension, _int_arg("population"),
                               _int_arg("situation"))


@bp.route("/compare")
@fragments.whole_page
def compare():
    """Countries side by side: indicators, populations, situations, status or technology."""
    key = ("compare-body", request.args.get("by", ""), _int_arg("population"),
           _int_arg("situation"))
    body = fragments.fragment(key, lambda: render_template(
        "practices/_compare_body.html", matrix=_matrix_from_args(),
        populations=services.active_items(TargetPopulation),
        situations=services.active_items(Situation),
        population=_int_arg("population"), situation=_int_arg("situation"),
    ), per_reader=True)
    return render_template("practices/compare.html", body=body)


def _export_name(extension: str) -> str:
    return f"comparison-{request.args.get('by', 'indicators')}-{utcnow():%Y%m%d}.{extension}"


@bp.route("/compare.csv")
def compare_csv():
    """The matrix as CSV."""
    result = _matrix_from_args()
    body = matrix.to_csv(matrix.matrix_table(result))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{_export_name("csv")}"'})


@bp.route("/compare.xlsx")
def compare_xlsx():
    """The matrix as an Excel workbook."""
    result = _matrix_from_args()
    return Response(
        matrix.matrix_workbook(result),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_export_name("xlsx")}"'},
    )


# ---------------------------------------------------------------------------------------------
# Open data
# ---------------------------------------------------------------------------------------------


@bp.route("/practices.json")
def open_data_json():
    """Published practices of public categories, as JSON."""
    indicators = services.all_items(MinimumIndicator)
    records = [matrix.practice_record(p, indicators) for p in matrix.open_practices()]
    body = {
        "schema": url_for("practices.open_data_schema", _external=True),
        "generated_at": utcnow().replace(microsecond=0).isoformat() + "Z",
        "count": len(records),
        "indicators": [{"code": i.code, "label_en": i.label_en, "label_es": i.label_es,
                        "label_fr": i.label_fr, "group": i.group} for i in indicators],
        "practices": records,
    }
    return Response(json.dumps(body, ensure_ascii=False, indent=1),
                    mimetype="application/json")


@bp.route("/practices.csv")
def open_data_csv():
    """Published practices of public categories, as CSV."""
    indicators = services.all_items(MinimumIndicator)
    records = [matrix.practice_record(p, indicators) for p in matrix.open_practices()]
    return Response(matrix.open_data_csv(records, indicators), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="practices.csv"'})


@bp.route("/practices/open-data")
def open_data_schema():
    """The documented schema of the open data."""
    return render_template(
        "practices/open_data.html",
        indicators=services.all_items(MinimumIndicator),
        populations=services.all_items(TargetPopulation),
        situations=services.all_items(Situation),
        vocabularies=matrix.SCHEMA_LABELS,
    )


# ---------------------------------------------------------------------------------------------
# Managed lists
# ---------------------------------------------------------------------------------------------


def _list_kind(kind: str):
    if kind not in services.LIST_MODELS:
        conceal()
    if not permissions.can_manage_practice_lists(current_user):
        refuse()
    return services.LIST_MODELS[kind]


@bp.route("/practices/lists/<kind>")
@login_required
def manage_list(kind: str):
    """The entries of one managed list."""
    model = _list_kind(kind)
    usage = {}
    if model is MinimumIndicator:
        from ..models.practices import IndicatorCoverage

        usage = dict(db.session.execute(
            select(IndicatorCoverage.indicator_id, func.count()).group_by(
                IndicatorCoverage.indicator_id)).all())
    return render_template("practices/lists.html", kind=kind, kinds=LIST_KINDS,
                           items=services.all_items(model), usage=usage)


@bp.route("/practices/lists/<kind>/new", methods=["GET", "POST"])
@bp.route("/practices/lists/<kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def edit_list_item(kind: str, item_id: int | None = None):
    """Add or change one entry."""
    model = _list_kind(kind)
    item = None
    if item_id is not None:
        item = db.session.get(model, item_id) or conceal()
    form = ListItemForm(obj=item)
    if kind != "indicators":
        del form.group
    if form.is_submitted():
        ok = form.validate()
        if ok and services.code_taken(kind, form.code.data, item):
            form.code.errors.append(_("Another entry already uses this code."))
            ok = False
        if not ok:
            return render_template("practices/list_item.html", kind=kind, kinds=LIST_KINDS,
                                   form=form, item=item), 422
        services.save_list_item(current_user, kind, item, form)
        flash(_("The list was saved."), "success")
        return redirect(url_for("practices.manage_list", kind=kind))
    return render_template("practices/list_item.html", kind=kind, kinds=LIST_KINDS, form=form,
                           item=item)
