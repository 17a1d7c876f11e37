"""The comparison matrix (countries x indicators or other dimensions) and the open data."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Category, Delegation, DelegationKind, Visibility
from ..models.practices import (
    COVERAGE_RANK,
    IMPLEMENTATION_STATUSES,
    PUBLIC_STATUSES,
    TECHNOLOGIES,
    IndicatorCoverage,
    MinimumIndicator,
    Practice,
    Situation,
    TargetPopulation,
)
from ..permissions import visible_practices
from .services import active_items
from .vocabulary import (
    COVERAGE_LABELS,
    COVERAGE_SYMBOLS,
    EVIDENCE_LABELS,
    IMPLEMENTATION_LABELS,
    INSTITUTION_TYPE_LABELS,
    TECHNOLOGY_LABELS,
    label,
)

DIMENSIONS = ("indicators", "populations", "situations", "status", "technology")


@dataclass
class Column:
    """One column of the matrix."""

    key: str
    label: str
    group: str = ""


@dataclass
class Cell:
    """A cell: yes/partly/no/unknown, and the practice that says so."""

    value: str
    practice: Practice | None = None

    @property
    def text(self) -> str:
        """The word shown and exported."""
        return str(COVERAGE_LABELS[self.value])

    @property
    def symbol(self) -> str:
        """A shape beside the word, so colour is never the only signal."""
        return COVERAGE_SYMBOLS[self.value]


@dataclass
class Row:
    """A country: its practices and one cell per column (or a gap)."""

    delegation: Delegation
    state: str  # "ok", "none" (no submission yet) or "nomatch" (nothing for the filters)
    practices: list[Practice] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Matrix:
    """Rows of countries, columns of one dimension."""

    dimension: str
    columns: list[Column]
    rows: list[Row]


# What each dimension's cells read from a practice, loaded with it (one statement each).
_DIMENSION_LOADS = {
    "indicators": (Practice.coverages,),
    "populations": (Practice.populations,),
    "situations": (Practice.situations,),
}


def _public_filter(user, population_id: int | None, situation_id: int | None) -> list:
    conditions = [visible_practices(user), Practice.status.in_(PUBLIC_STATUSES)]
    if population_id:
        conditions.append(Practice.populations.any(TargetPopulation.id == population_id))
    if situation_id:
        conditions.append(Practice.situations.any(Situation.id == situation_id))
    return conditions


def public_practices(user, population_id: int | None = None, situation_id: int | None = None,
                     dimension: str | None = None):
    """Published practices the user may see, with what the dimension's cells read (or, without
    a dimension, everything the matrix could show)."""
    loads = _DIMENSION_LOADS.get(dimension, ()) if dimension else (
        Practice.coverages, Practice.populations, Practice.situations)
    query = (
        select(Practice)
        .where(*_public_filter(user, population_id, situation_id))
        .options(*(selectinload(attr) for attr in loads))
        .order_by(Practice.published_at, Practice.id)
    )
    return list(db.session.scalars(query))


def countries() -> list[Delegation]:
    """Country delegations in their conference order."""
    return list(db.session.scalars(
        select(Delegation).where(Delegation.kind == DelegationKind.COUNTRY.value)
        .order_by(Delegation.position, Delegation.code)
    ))


def _columns(dimension: str) -> list[Column]:
    if dimension == "indicators":
        return [Column(str(i.id), i.label, i.group) for i in active_items(MinimumIndicator)]
    if dimension == "populations":
        return [Column(str(p.id), p.label) for p in active_items(TargetPopulation)]
    if dimension == "situations":
        return [Column(str(s.id), s.label) for s in active_items(Situation)]
    if dimension == "status":
        return [Column(code, label(IMPLEMENTATION_LABELS, code)) for code in IMPLEMENTATION_STATUSES]
    return [Column(code, label(TECHNOLOGY_LABELS, code)) for code in TECHNOLOGIES]


def _cell(dimension: str, column: Column, practices: list[Practice]) -> Cell:
    if dimension == "indicators":
        best: Cell | None = None
        for practice in practices:
            value = practice.coverage_of(int(column.key))
            if value and (best is None or COVERAGE_RANK[value] > COVERAGE_RANK[best.value]):
                best = Cell(value, practice)
        return best or Cell("unknown")
    if dimension in ("populations", "situations"):
        for practice in practices:
            if any(str(item.id) == column.key for item in getattr(practice, dimension)):
                return Cell("yes", practice)
        return Cell("no")
    attr = "implementation_status" if dimension == "status" else "system_technology"
    if not any(getattr(p, attr) for p in practices):
        return Cell("unknown")
    for practice in practices:
        if getattr(practice, attr) == column.key:
            return Cell("yes", practice)
    return Cell("no")


def country_row(delegation: Delegation, published: list[Practice]) -> tuple[Row | None, list[Column]]:
    """One country's row of the indicator matrix, from its published practices, and the columns.

    The same cells as that country's row of `build_matrix(user, "indicators")`, without loading
    every other country's practices.
    """
    columns = _columns("indicators")
    if not published:
        return Row(delegation, "none"), columns
    ordered = sorted(published, key=lambda p: (p.published_at is None, p.published_at, p.id))
    return Row(delegation, "ok", ordered, [_cell("indicators", c, ordered) for c in columns]), columns


def build_matrix(user, dimension: str = "indicators", population_id: int | None = None,
                 situation_id: int | None = None) -> Matrix:
    """The comparison of every country on one dimension, from published practices only."""
    if dimension not in DIMENSIONS:
        dimension = "indicators"
    columns = _columns(dimension)
    filtered = bool(population_id or situation_id)
    matching = public_practices(user, population_id, situation_id, dimension)
    submitted = set(db.session.scalars(
        select(Practice.delegation_id).where(*_public_filter(user, None, None)).distinct()
    )) if filtered else None
    by_country: dict[int, list[Practice]] = {}
    for practice in matching:
        by_country.setdefault(practice.delegation_id, []).append(practice)
    rows = []
    for country in countries():
        practices = by_country.get(country.id, [])
        if not practices:
            has_any = country.id in submitted if filtered else False
            rows.append(Row(country, "nomatch" if has_any else "none"))
            continue
        rows.append(Row(country, "ok", practices,
                        [_cell(dimension, column, practices) for column in columns]))
    return Matrix(dimension, columns, rows)


def matrix_table(matrix: Matrix) -> list[list[str]]:
    """The matrix as rows of text (header first), for CSV and Excel."""
    header = [_("Country"), _("Code"), _("Published practices")] + [c.label for c in matrix.columns]
    table = [header]
    for row in matrix.rows:
        line = [row.delegation.name, row.delegation.code, str(len(row.practices))]
        if row.state == "ok":
            line += [cell.text for cell in row.cells]
        else:
            line += [str(COVERAGE_LABELS[row.state])] * len(matrix.columns)
        table.append(line)
    return table


def to_csv(table: list[list[str]]) -> str:
    """CSV text with a BOM so spreadsheet programs read the accents right."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in table:
        writer.writerow([_csv_safe(value) for value in line])
    return buffer.getvalue()


def _csv_safe(value) -> str:
    """Neutralize text that a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def matrix_workbook(matrix: Matrix) -> bytes:
    """The matrix as an Excel workbook: the table, a legend and the practices behind it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    fills = {"yes": "C6EFCE", "partly": "FFEB9C", "no": "F4CCCC"}
    book = Workbook()
    sheet = book.active
    sheet.title = _("Comparison")[:31]
    table = matrix_table(matrix)
    for line in table:
        sheet.append([_csv_safe(value) for value in line])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(matrix.rows, start=2):
        if row.state != "ok":
            continue
        for c, value in enumerate(row.cells, start=4):
            if value.value in fills:
                sheet.cell(row=r, column=c).fill = PatternFill("solid", fgColor=fills[value.value])
    sheet.freeze_panes = "D2"
    sheet.column_dimensions["A"].width = 24
    legend = book.create_sheet(_("Legend")[:31])
    legend.append([_("Value"), _("Meaning")])
    legend.append([str(COVERAGE_LABELS["yes"]), _("Recorded by at least one published system.")])
    legend.append([str(COVERAGE_LABELS["partly"]), _("Recorded partly or not in every consulate.")])
    legend.append([str(COVERAGE_LABELS["no"]), _("Not recorded.")])
    legend.append([str(COVERAGE_LABELS["unknown"]), _("The published practices do not say.")])
    legend.append([str(COVERAGE_LABELS["none"]), _("The country has not published a practice yet.")])
    practices = book.create_sheet(_("Practices")[:31])
    practices.append([_("Country"), _("Title"), _("Case-recording system"), _("Link")])
    for row in matrix.rows:
        for practice in row.practices:
            practices.append([row.delegation.name, _csv_safe(practice.title),
                              _csv_safe(practice.system_name),
                              url_for("practices.view_practice", practice_id=practice.id,
                                      _external=True)])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# ---------------------------------------------------------------------------------------------
# Open data
# ---------------------------------------------------------------------------------------------


def open_practices() -> list[Practice]:
    """Published, undeleted practices in public categories, whoever asks."""
    return list(db.session.scalars(
        select(Practice)
        .join(Category, Category.id == Practice.category_id)
        .where(Practice.status.in_(PUBLIC_STATUSES), Practice.deleted_at.is_(None),
               Category.visibility == Visibility.PUBLIC.value)
        .options(selectinload(Practice.coverages).selectinload(IndicatorCoverage.indicator),
                 selectinload(Practice.populations), selectinload(Practice.situations),
                 selectinload(Practice.delegation), selectinload(Practice.tags),
                 selectinload(Practice.documents))
        .order_by(Practice.id)
    ))


def _iso(value) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def practice_record(practice: Practice, indicators: list[MinimumIndicator]) -> dict:
    """One practice as open data (no personal contact details)."""
    coverage = {c.indicator.code: c.value for c in practice.coverages if c.indicator}
    return {
        "id": practice.id,
        "url": url_for("practices.view_practice", practice_id=practice.id, _external=True),
        "title": practice.title,
        "language": practice.language,
        "country_code": practice.delegation.code,
        "country_name": practice.delegation.name_in("en"),
        "institution": practice.institution,
        "institution_type": practice.institution_type or None,
        "partners": practice.partners,
        "target_populations": [p.code for p in practice.populations],
        "situations": [s.code for s in practice.situations],
        "problem": practice.problem,
        "description": practice.description,
        "operation": practice.operation,
        "legal_basis": practice.legal_basis,
        "resources": practice.resources,
        "system": {
            "name": practice.system_name,
            "scope": practice.system_scope,
            "technology": practice.system_technology or None,
            "languages": practice.system_languages,
            "interoperability": practice.system_interoperability,
            "safeguards": practice.system_safeguards,
            "indicators": {i.code: coverage.get(i.code) for i in indicators},
        },
        "results": practice.results,
        "evidence_level": practice.evidence_level or None,
        "enabling_factors": practice.enabling_factors,
        "constraints": practice.constraints,
        "replicability": practice.replicability,
        "lessons": practice.lessons,
        "implementation_status": practice.implementation_status or None,
        "start_year": practice.start_year,
        "tags": [t.slug for t in practice.tags],
        "documents": [
            {"name": d.filename, "type": d.kind, "size": d.size,
             "url": url_for("practices.download_document", document_id=d.id,
                            filename=d.filename, _external=True)}
            for d in practice.documents
        ],
        "published_at": _iso(practice.published_at),
        "updated_at": _iso(practice.updated_at),
    }


CSV_SCALARS = (
    "id", "url", "title", "language", "country_code", "country_name", "institution",
    "institution_type", "partners", "problem", "description", "operation", "legal_basis",
    "resources", "results", "evidence_level", "enabling_factors", "constraints", "replicability",
    "lessons", "implementation_status", "start_year", "published_at", "updated_at",
)
CSV_SYSTEM = ("name", "scope", "technology", "languages", "interoperability", "safeguards")


def open_data_csv(records: list[dict], indicators: list[MinimumIndicator]) -> str:
    """The open data flattened: lists joined with "; ", one column per indicator."""
    header = [*CSV_SCALARS, "target_populations", "situations", "tags",
              *[f"system_{name}" for name in CSV_SYSTEM],
              *[f"indicator_{i.code}" for i in indicators]]
    table = [header]
    for record in records:
        line = [record[name] for name in CSV_SCALARS]
        line += ["; ".join(record[name]) for name in ("target_populations", "situations", "tags")]
        line += [record["system"][name] for name in CSV_SYSTEM]
        line += [record["system"]["indicators"].get(i.code) or "" for i in indicators]
        table.append(line)
    return to_csv(table)


SCHEMA_LABELS = {"evidence_level": EVIDENCE_LABELS, "institution_type": INSTITUTION_TYPE_LABELS,
                 "implementation_status": IMPLEMENTATION_LABELS,
                 "system.technology": TECHNOLOGY_LABELS}
