"""Demo synthesis: summaries (one outdated), a clip collection, a published report, actions.

Runs after the discussion demo content: it picks the liveliest readable threads. On a database
without discussions it first writes two short ones, so the synthesis pages always have material.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from .. import permissions
from ..content.markup import plain_text
from ..extensions import db
from ..models import (
    ActionStatus,
    ActionUpdate,
    Category,
    Post,
    Report,
    Thread,
    User,
    Visibility,
    utcnow,
)
from ..models.roster import delegation_by_code
from ..permissions import VISIBILITY_RANK
from ..synthesis import services
from ..synthesis.drafting import build_draft

FALLBACK_THREADS = (
    ("How do you register consular assistance cases?", (
        ("liaison.mx@demo.example", "Mexico records every assistance case in SIRCE, a national "
         "case system shared by all consulates. Each case has a unique number that follows the "
         "person when they move between consular districts."),
        ("liaison.gt@demo.example", "Guatemala uses a spreadsheet per consulate and consolidates "
         "monthly in the capital. We are studying a single registry like the Mexican one."),
        ("liaison.ca@demo.example", "Canada keeps case files in a national database with strict "
         "privacy rules: only the case officer and supervisors can read the full file."),
        ("liaison.mx@demo.example", "A shared case number between countries would help with "
         "returns: both consulates could follow the same person without exchanging files."),
    )),
    ("Unaccompanied children: first contact protocols", (
        ("liaison.gt@demo.example", "Our consular staff call the child protection office within "
         "two hours of any contact with an unaccompanied child."),
        ("liaison.ca@demo.example", "Canada assigns a designated representative to every "
         "unaccompanied child before any interview."),
        ("liaison.mx@demo.example", "Mexico trained 120 consular officers in child-friendly "
         "interviewing this year."),
    )),
)


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _fallback_threads() -> None:
    """Two small discussions for a database that has none (through the board services)."""
    from ..board.services import create_thread, reply

    category = db.session.scalar(select(Category).where(Category.slug == "consular-practices"))
    if category is None:
        category = Category(
            slug="consular-practices", name_en="Consular practices",
            name_es="Prácticas consulares", name_fr="Pratiques consulaires",
            visibility=Visibility.MEMBERS.value, position=1,
        )
        db.session.add(category)
        db.session.commit()
    for title, posts in FALLBACK_THREADS:
        thread = create_thread(_user(posts[0][0]), category, title, posts[0][1], "en", [])
        for email, body in posts[1:]:
            reply(_user(email), thread, body, "en")


def _candidate_threads() -> list[Thread]:
    """Readable-by-members threads with several live posts, liveliest first."""
    return db.session.scalars(
        select(Thread).join(Category)
        .where(Category.visibility.in_([Visibility.PUBLIC.value, Visibility.MEMBERS.value,
                                        Visibility.GOVERNMENTS.value]),
               Thread.is_hidden.is_(False), Thread.merged_into_id.is_(None),
               Thread.post_count >= 3)
        .order_by(Thread.post_count.desc(), Thread.id).limit(3)
    ).all()


def _live_posts(thread: Thread) -> list[Post]:
    return [p for p in thread.posts if permissions.is_live_post(p)]


REGISTRY_TITLE = "¿Cómo registra cada país sus casos de protección consular?"
INDICATORS_TITLE = "Minimum indicators for recording consular information"
CHILDREN_TITLES = (
    "Protocolo de atención consular a niñas, niños y adolescentes no acompañados",
    "Family reunification: verifying relatives without delaying the child",
)


def _thread_titled(title: str) -> Thread | None:
    return db.session.scalar(select(Thread).where(Thread.title == title))


def _post_by(thread: Thread, code: str) -> Post | None:
    """The first live post of a delegation in a thread."""
    return next((p for p in _live_posts(thread) if p.delegation.code == code.upper()), None)


def _cite(post: Post | None) -> str:
    return f"[post:{post.id}]" if post is not None else ""


def _registry_summary(thread: Thread) -> tuple[str, str]:
    """English text and Spanish translation of the case-registry thread's summary."""
    mx, gt, us, ca, sv = (_post_by(thread, c) for c in ("MX", "GT", "US", "CA", "SV"))
    if not all((mx, gt, us, ca, sv)):
        return _generic_summary(thread)
    en = (
        "Five delegations described how they record consular protection cases today.\n\n"
        f"Mexico uses a single web system for all its consulates, with a catalogue of 48 case "
        f"types and a status for each case:\n\n{_cite(mx)}\n\n"
        f"Guatemala still digitizes paper forms from its mobile consulates and struggles with "
        f"duplicate records {_cite(gt)}. The United States {_cite(us)} and Canada {_cite(ca)} "
        "both stress **consistent closing codes**; Canada also measures the time to close.\n\n"
        f"El Salvador shares its system with the returnee services but lacks offline capacity "
        f"{_cite(sv)}.\n\n"
        "Open points: a common identifier for people without documents, and offline work."
    )
    es = (
        "Cinco delegaciones describieron cómo registran hoy sus casos de protección consular."
        "\n\n"
        f"México usa un único sistema web para todos sus consulados, con un catálogo de 48 "
        f"tipos de caso y un estado para cada caso:\n\n{_cite(mx)}\n\n"
        f"Guatemala todavía digitaliza formularios en papel de sus consulados móviles y tiene "
        f"registros duplicados {_cite(gt)}. Estados Unidos {_cite(us)} y Canadá {_cite(ca)} "
        "insisten en **códigos de cierre coherentes**; Canadá mide además el tiempo de cierre."
        "\n\n"
        f"El Salvador comparte su sistema con los servicios a personas retornadas, pero no "
        f"puede trabajar sin conexión {_cite(sv)}.\n\n"
        "Puntos abiertos: un identificador común para personas sin documentos y el trabajo sin "
        "conexión."
    )
    return en, es


def _generic_summary(thread: Thread) -> tuple[str, str]:
    posts = _live_posts(thread)
    en = ("The delegations compared their practices.\n\n"
          f"{_cite(posts[0])}\n\nOthers described different arrangements {_cite(posts[1])}."
          f"\n\n{_cite(posts[-1])}")
    es = ("Las delegaciones compararon sus prácticas.\n\n"
          f"{_cite(posts[0])}\n\nOtras describieron arreglos distintos {_cite(posts[1])}."
          f"\n\n{_cite(posts[-1])}")
    return en, es


def _first_sentence(post: Post) -> str:
    text = plain_text(post.body_html) or post.body
    return re.split(r"[.:;](?:\s|$)", text, maxsplit=1)[0].strip()


def seed() -> str:
    """Create the demo summaries, clips, report and action items."""
    facilitator = _user("facilitator@demo.example")
    if facilitator is None:
        return "synthesis demo skipped (no facilitator account)"
    with current_app.test_request_context():
        registry = _thread_titled(REGISTRY_TITLE)
        indicators = _thread_titled(INDICATORS_TITLE)
        if registry is None or indicators is None:
            threads = _candidate_threads()
            if len(threads) < 2:
                _fallback_threads()
                threads = _candidate_threads()
            registry, indicators = threads[0], threads[1]

        # An up-to-date summary with a Spanish translation.
        en, es = _registry_summary(registry)
        summary = services.save_summary(registry, facilitator, en, language="en",
                                        note="Baseline for the Conference")
        services.save_summary_translation(summary, facilitator, es, language="es")

        # A summary written before the last posts arrived: outdated until updated or confirmed.
        posts = _live_posts(indicators)
        covered = posts[:3] if len(posts) > 3 else posts[:1]
        outdated = services.save_summary(
            indicators, facilitator,
            "A first list of five minimum indicators was proposed, to be produced from each "
            f"national system without changing it.\n\n{_cite(covered[0])}\n\n"
            + (f"Costa Rica can produce most of them but does not record closing dates "
               f"{_cite(covered[1])}; Honduras asks for common age bands and the department of "
               f"origin {_cite(covered[2])}." if len(covered) == 3 else ""),
            language="en")
        outdated.covered_last_post_id = covered[-1].id
        outdated.current_version.last_post_id = covered[-1].id
        outdated.current_version.post_count = len(covered)
        db.session.commit()

        # A clip collection from the discussions on migrant children.
        collection = services.create_collection(
            facilitator, "Children: first contact and verification",
            "What delegations do when a consulate meets an unaccompanied child.")
        children = [t for t in (_thread_titled(title) for title in CHILDREN_TITLES) if t]
        sources = [p for t in children for p in _live_posts(t)[:2]] or _live_posts(registry)[:3]
        for post in sources:
            services.add_clip(collection, post, facilitator)
        services.add_clip(collection, sources[0], facilitator,
                          text=_first_sentence(sources[0]), note="Key commitment.")

        # A published report (its Word export is generated on request).
        selection = {"summaries": [summary.id, outdated.id],
                     "clips": [c.id for c in collection.clips[:2]]}
        body, threads = build_draft(selection, "en", facilitator)
        report = services.create_report(
            facilitator, title="Consular case recording and children: regional overview",
            language="en", selection=selection, body=body)
        audience = max((t.category.visibility for t in threads),
                       key=lambda v: VISIBILITY_RANK.get(v, 3))
        services.publish_report(report, facilitator, audience)

        _seed_actions(facilitator, registry, report)
    return "synthesis: 2 summaries (1 outdated), 1 clip collection, 1 published report, 5 actions"


def _seed_actions(facilitator: User, thread: Thread, report: Report) -> None:
    today = utcnow().date()
    items = (
        ("Share the template of the national case registry with the network.", ["MX"], 30,
         "thread", ActionStatus.IN_PROGRESS.value),
        ("Propose a format for a shared regional case number.", ["MX", "GT", "CA"], 60,
         "report", ActionStatus.OPEN.value),
        ("Circulate the child-protection first-contact checklist.", ["GT"], 14, "meeting",
         ActionStatus.OPEN.value),
        ("Nominate a focal point for data protection questions.", ["CA", "PA"], 21, "meeting",
         ActionStatus.DONE.value),
        ("Send the list of consular offices along the migration route.", ["HN", "SV"], 10,
         "meeting", ActionStatus.OPEN.value),
    )
    created = []
    for description, owners, days, kind, status in items:
        item = services.create_action(
            facilitator, description=description,
            owners=[delegation_by_code(code) for code in owners],
            due_date=today + timedelta(days=days), source_kind=kind,
            source_thread=thread if kind == "thread" else None,
            source_report=report if kind == "report" else None,
            source_meeting="Liaison officers' network, virtual meeting" if kind == "meeting"
            else "",
        )
        if status != ActionStatus.OPEN.value:
            services.update_action_status(item, facilitator, status=status,
                                          note="Reported at the last network call.")
        created.append(item)
    # One commitment is past its due date and still open: it stands out in the register.
    overdue = created[-1]
    overdue.due_date = today - timedelta(days=5)
    overdue.created_at = utcnow() - timedelta(days=40)
    db.session.add(ActionUpdate(action=overdue, author_id=facilitator.id,
                                old_status=overdue.status, new_status=overdue.status,
                                note="Reminder sent to both delegations."))
    db.session.commit()
    return None


