"""Demo synthesis: summaries (one outdated), a clip collection, a published report, actions.

Runs after the discussion demo content: it picks the liveliest readable threads. On a database
without discussions it first writes two short ones, so the synthesis pages always have material.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..delegations import delegation_by_code
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
    return [p for p in thread.posts if not p.is_deleted and not p.is_hidden]


def seed() -> str:
    """Create the demo summaries, clips, report and action items."""
    facilitator = _user("facilitator@demo.example")
    if facilitator is None:
        return "synthesis demo skipped (no facilitator account)"
    with current_app.test_request_context():
        threads = _candidate_threads()
        if len(threads) < 2:
            _fallback_threads()
            threads = _candidate_threads()
        first, second = threads[0], threads[1]

        # An up-to-date summary (with a Spanish translation) and an outdated one.
        posts = _live_posts(first)
        summary = services.save_summary(
            first, facilitator,
            "The delegations compared how they record consular assistance cases.\n\n"
            f"[post:{posts[0].id}]\n\n"
            f"Others described different arrangements [post:{posts[1].id}], and a shared case "
            "number between countries was suggested.\n\n"
            f"[post:{posts[-1].id}]",
            language="en", note="First summary")
        services.save_summary_translation(
            summary, facilitator,
            "Las delegaciones compararon cómo registran los casos de asistencia consular.\n\n"
            f"[post:{posts[0].id}]\n\n"
            f"Otras describieron arreglos distintos [post:{posts[1].id}] y se sugirió un número "
            "de caso compartido entre países.\n\n"
            f"[post:{posts[-1].id}]",
            language="es")

        second_posts = _live_posts(second)
        outdated = services.save_summary(
            second, facilitator,
            f"Delegations shared their first-contact protocols [post:{second_posts[0].id}].",
            language="en")
        # Written before the last posts arrived: shown as outdated until updated or confirmed.
        earlier = second_posts[0].id
        outdated.covered_last_post_id = earlier
        outdated.current_version.last_post_id = earlier
        outdated.current_version.post_count = 1
        db.session.commit()

        # A clip collection.
        collection = services.create_collection(
            facilitator, "Case registration systems",
            "Passages on how each delegation records consular assistance cases.")
        for post in posts[:3]:
            services.add_clip(collection, post, facilitator,
                              note="Useful for the regional comparison.")
        sentence = posts[0].body.split(". ")[0]
        services.add_clip(collection, posts[0], facilitator, text=sentence,
                          note="Key point for the report.")

        # A published report (its Word export is generated on request).
        selection = {"summaries": [summary.id, outdated.id],
                     "clips": [c.id for c in collection.clips[-1:]]}
        body, covered = build_draft(selection, "en", facilitator)
        report = services.create_report(
            facilitator, title="Consular case registration: regional overview", language="en",
            selection=selection, body=body)
        audience = max((t.category.visibility for t in covered),
                       key=lambda v: VISIBILITY_RANK.get(v, 3))
        services.publish_report(report, facilitator, audience)

        _seed_actions(facilitator, first, report)
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


