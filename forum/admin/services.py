"""Administration services: accounts, delegations and categories. Each commits once, audited."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import Category, Delegation, DelegationKind, Role, User, record_audit


class AdminRefused(ValueError):
    """An administrative change that the rules forbid; the message is shown to the admin."""


def active_admin_count() -> int:
    """How many administrators can still log in."""
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.is_suspended.is_(False))
    ) or 0


def _is_last_admin(user: User) -> bool:
    return user.role == Role.ADMIN.value and not user.is_suspended and active_admin_count() <= 1


def _account_facts(user: User) -> dict:
    return {
        "role": user.role,
        "delegation": user.delegation.code if user.delegation else None,
        "suspended": bool(user.is_suspended),
    }


def change_account(actor: User, user: User, role: str, delegation: Delegation) -> bool:
    """Give an account another role and/or delegation; False when nothing changed."""
    if role == user.role and delegation.id == user.delegation_id:
        return False
    if role != user.role:
        if user.id == actor.id:
            raise AdminRefused(_("You cannot change your own role. Ask another administrator."))
        if _is_last_admin(user):
            raise AdminRefused(
                _("%(name)s is the last active administrator: make someone else an administrator first.",
                  name=user.display_name)
            )
    before = _account_facts(user)
    user.role = Role(role).value
    user.delegation = delegation
    record_audit(actor, "user.updated", "user", user.id, label=user.email,
                 before=before, after=_account_facts(user))
    db.session.commit()
    return True


def suspend_account(actor: User, user: User, reason: str | None) -> None:
    """Suspend an account: it cannot log in and its open sessions end on their next request."""
    if user.id == actor.id:
        raise AdminRefused(_("You cannot suspend your own account."))
    if user.is_suspended:
        raise AdminRefused(_("This account is already suspended."))
    if _is_last_admin(user):
        raise AdminRefused(
            _("%(name)s is the last active administrator and cannot be suspended.", name=user.display_name)
        )
    before = _account_facts(user)
    user.is_suspended = True
    # A new session version also invalidates "remember me" cookies.
    user.session_version = (user.session_version or 0) + 1
    record_audit(actor, "user.suspended", "user", user.id, label=user.email, reason=reason or None,
                 before=before, after=_account_facts(user))
    db.session.commit()


def reactivate_account(actor: User, user: User, reason: str | None) -> None:
    """Let a suspended account log in again."""
    if not user.is_suspended:
        raise AdminRefused(_("This account is not suspended."))
    before = _account_facts(user)
    user.is_suspended = False
    record_audit(actor, "user.reactivated", "user", user.id, label=user.email, reason=reason or None,
                 before=before, after=_account_facts(user))
    db.session.commit()


def _delegation_facts(delegation: Delegation) -> dict:
    return {
        "name_en": delegation.name_en,
        "name_es": delegation.name_es,
        "name_fr": delegation.name_fr,
        "position": delegation.position,
    }


def update_delegation(actor: User, delegation: Delegation, names: dict[str, str],
                      position: int | None) -> bool:
    """Rename an organization (countries keep their standard names) or move it in lists."""
    before = _delegation_facts(delegation)
    if not delegation.is_country:
        delegation.name_en = names["en"]
        delegation.name_es = names["es"]
        delegation.name_fr = names["fr"]
    if position is not None:
        delegation.position = position
    after = _delegation_facts(delegation)
    if after == before:
        return False
    record_audit(actor, "delegation.updated", "delegation", delegation.id, label=delegation.code,
                 before=before, after=after)
    db.session.commit()
    return True


def create_organization(actor: User, code: str, names: dict[str, str], position: int | None) -> Delegation:
    """Add an organization delegation (for example another observer network)."""
    code = code.upper()
    if db.session.scalar(select(Delegation.id).where(Delegation.code == code)) is not None:
        raise AdminRefused(_("A delegation with the code %(code)s already exists.", code=code))
    if position is None:
        position = (db.session.scalar(select(func.max(Delegation.position))) or 0) + 1
    delegation = Delegation(
        code=code, kind=DelegationKind.ORGANIZATION.value, name_en=names["en"],
        name_es=names["es"], name_fr=names["fr"], position=position,
    )
    db.session.add(delegation)
    db.session.flush()
    record_audit(actor, "delegation.created", "delegation", delegation.id, label=code,
                 after=_delegation_facts(delegation))
    db.session.commit()
    return delegation


CATEGORY_FIELDS = (
    "slug", "name_en", "name_es", "name_fr", "description_en", "description_es",
    "description_fr", "position", "visibility", "observers_may_reply",
)


def _category_facts(category: Category) -> dict:
    return {name: getattr(category, name) for name in CATEGORY_FIELDS}


def save_category(actor: User, category: Category | None, values: dict) -> Category:
    """Create a category (category=None) or change one; slugs are unique."""
    clash = db.session.scalar(select(Category).where(Category.slug == values["slug"]))
    if clash is not None and clash is not category:
        raise AdminRefused(
            _("The address “%(slug)s” is already used by the category %(name)s.",
              slug=values["slug"], name=clash.name)
        )
    values = dict(values)
    values["position"] = values.get("position") or 0
    values["observers_may_reply"] = bool(values.get("observers_may_reply"))
    for key in ("description_en", "description_es", "description_fr"):
        values[key] = values.get(key) or ""
    if category is None:
        category = Category(**{name: values[name] for name in CATEGORY_FIELDS})
        db.session.add(category)
        db.session.flush()
        record_audit(actor, "category.created", "category", category.id, label=category.slug,
                     after=_category_facts(category))
    else:
        before = _category_facts(category)
        for name in CATEGORY_FIELDS:
            setattr(category, name, values[name])
        after = _category_facts(category)
        if after == before:
            return category
        record_audit(actor, "category.updated", "category", category.id, label=category.slug,
                     before=before, after=after)
    db.session.commit()
    return category
