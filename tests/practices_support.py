"""Helpers shared by the practice tests: managed lists, form data and ready-made practices."""

from __future__ import annotations

import pytest
from factories import make_category
from flask import g
from sqlalchemy import select

from forum.extensions import db
from forum.models import Category, utcnow
from forum.models.practices import (
    IndicatorCoverage,
    MinimumIndicator,
    Practice,
    PracticeStatus,
    Situation,
    TargetPopulation,
)
from forum.practices.defaults import ensure_lists


def lists():
    """Seed the managed lists and return (populations, situations, indicators) by code."""
    ensure_lists()
    return tuple(
        {item.code: item for item in db.session.scalars(select(model))}
        for model in (TargetPopulation, Situation, MinimumIndicator)
    )


def practices_category(visibility: str = "public") -> Category:
    """The practices category (slug from the config), created if missing."""
    category = db.session.scalar(select(Category).where(Category.slug == "practices"))
    if category is None:
        category = make_category(visibility, name="Practices")
        category.slug = "practices"
        db.session.commit()
    return category


def form_data(category: Category, populations: list, *, indicators: dict | None = None,
              **fields) -> dict:
    """POST data for the practice form."""
    data = {
        "title": "Registro consular de niñez no acompañada",
        "description": "Cada consulado registra los casos de niñez no acompañada.",
        "category": str(category.id),
        "language": "es",
        "populations": [str(p.id) for p in populations],
        "institution_type": "", "system_technology": "", "evidence_level": "",
        "implementation_status": "",
    }
    for indicator, value in (indicators or {}).items():
        data[f"indicator_{indicator.id}"] = value
    data.update(fields)
    return data


def make_practice(author, *, status: str = "published", category: Category | None = None,
                  title: str = "A practice", populations=(), situations=(),
                  coverage: dict | None = None, **fields) -> Practice:
    """A practice stored directly (no thread), in a given workflow status."""
    category = category or practices_category()
    now = utcnow()
    practice = Practice(
        title=title, delegation_id=fields.pop("delegation_id", author.delegation_id),
        category_id=category.id, author_id=author.id, status=status,
        description=fields.pop("description", "What the practice does."),
        language=fields.pop("language", "en"),
        published_at=now if status in (PracticeStatus.PUBLISHED.value,
                                       PracticeStatus.UPDATE_REQUESTED.value) else None,
        **fields,
    )
    practice.populations = list(populations)
    practice.situations = list(situations)
    for indicator, value in (coverage or {}).items():
        practice.coverages.append(IndicatorCoverage(indicator_id=indicator.id, value=value))
    db.session.add(practice)
    db.session.commit()
    return practice


@pytest.fixture(name="become")
def become_fixture(login_as):
    """login_as that also forgets the user cached in `g` by an earlier request of the test."""

    def _become(user):
        g.pop("_login_user", None)
        return login_as(user)

    return _become
