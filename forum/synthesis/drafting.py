"""The automatic first draft of a report: one numbered section per selected thread."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from babel.lists import format_list
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from .. import models, permissions
from ..extensions import db
from ..models import Clip, Delegation, Post, Summary, Thread, thread_tag

MAX_SECTIONS = 40
CITED_POSTS_WITHOUT_SUMMARY = 3


def _day_start(value: str | None) -> datetime | None:
    return datetime.combine(date.fromisoformat(value), time.min) if value else None


def _practice_thread_ids(practice_ids: list[int]) -> set[int]:
    """Threads of the chosen practices (practices live on a thread)."""
    practice = getattr(models, "Practice", None)
    if practice is None or not practice_ids or not hasattr(practice, "thread_id"):
        return set()
    return set(db.session.scalars(select(practice.thread_id).where(practice.id.in_(practice_ids))))


def select_threads(selection: dict, user) -> list[Thread]:
    """Threads the selection designates, readable by the user, oldest activity first."""
    explicit: set[int] = set(int(i) for i in selection.get("threads", []))
    if selection.get("summaries"):
        explicit |= set(db.session.scalars(
            select(Summary.thread_id).where(Summary.id.in_(selection["summaries"]))
        ))
    if selection.get("clips"):
        explicit |= set(db.session.scalars(
            select(Post.thread_id).join(Clip, Clip.post_id == Post.id)
            .where(Clip.id.in_(selection["clips"]))
        ))
    explicit |= _practice_thread_ids(selection.get("practices", []))

    filtered: set[int] = set()
    has_filter = any(selection.get(k) for k in ("tags", "countries", "categories",
                                                "date_from", "date_to"))
    if has_filter:
        query = select(Thread.id).where(permissions.visible_threads(user))
        if selection.get("categories"):
            query = query.where(Thread.category_id.in_(selection["categories"]))
        if selection.get("tags"):
            query = query.where(Thread.id.in_(
                select(thread_tag.c.thread_id).where(thread_tag.c.tag_id.in_(selection["tags"]))
            ))
        post_conditions = [permissions.live_posts()]
        if selection.get("countries"):
            post_conditions.append(Post.delegation_id.in_(
                select(Delegation.id).where(Delegation.code.in_(selection["countries"]))
            ))
        start = _day_start(selection.get("date_from"))
        end = _day_start(selection.get("date_to"))
        if start:
            post_conditions.append(Post.created_at >= start)
        if end:
            post_conditions.append(Post.created_at < end + timedelta(days=1))
        query = query.where(Thread.id.in_(select(Post.thread_id).where(and_(*post_conditions))))
        filtered = set(db.session.scalars(query.limit(MAX_SECTIONS * 2)))

    ids = explicit | filtered
    if not ids:
        return []
    threads = db.session.scalars(
        select(Thread).where(Thread.id.in_(ids), permissions.visible_threads(user))
        .options(selectinload(Thread.category))
        .order_by(Thread.created_at, Thread.id)
    ).all()
    return [t for t in threads if permissions.can_read_thread(user, t)][:MAX_SECTIONS]


def participants(thread: Thread, selection: dict) -> list[Delegation]:
    """Delegations with a live post in the thread (within the date range), first post first."""
    conditions = [Post.thread_id == thread.id, permissions.live_posts()]
    start, end = _day_start(selection.get("date_from")), _day_start(selection.get("date_to"))
    if start:
        conditions.append(Post.created_at >= start)
    if end:
        conditions.append(Post.created_at < end + timedelta(days=1))
    posts = db.session.scalars(
        select(Post).where(*conditions).options(selectinload(Post.delegation)).order_by(Post.id)
    )
    seen: dict[int, Delegation] = {}
    for post in posts:
        seen.setdefault(post.delegation_id, post.delegation)
    return list(seen.values())


def name_list(names: list[str], language: str) -> str:
    """"Panama, Mexico and Canada" in the language (house style: no serial comma in English)."""
    text = format_list(names, locale=language)
    return text.replace(", and ", " and ") if language == "en" else text


def participation_sentence(delegations: list[Delegation], language: str) -> str:
    """"The delegations of Panama, Mexico and Canada presented ..." in the report's language."""
    countries = [d.name_in(language) for d in delegations if d.is_country]
    organizations = [d.name_in(language) for d in delegations if not d.is_country]
    sentences = []
    with force_locale(language):
        if countries:
            sentences.append(ngettext(
                "The delegation of %(names)s presented its practice and experience on this topic.",
                "The delegations of %(names)s presented their practices and experience on this "
                "topic.",
                len(countries), names=name_list(countries, language),
            ))
        if organizations:
            sentences.append(ngettext(
                "%(names)s also contributed.", "%(names)s also contributed.",
                len(organizations), names=name_list(organizations, language),
            ))
    return " ".join(sentences)


def _summary_text(thread: Thread, language: str, chosen: set[int]) -> str | None:
    summaries = [s for s in db.session.scalars(select(Summary).where(Summary.thread_id == thread.id))
                 if s.current_version is not None]
    if chosen:
        summaries = [s for s in summaries if s.id in chosen] or summaries
    for summary in summaries:
        if summary.language == language:
            return summary.current_version.body
    originals = [s for s in summaries if s.source_id is None]
    return originals[0].current_version.body if originals else None


def build_draft(selection: dict, language: str, user) -> tuple[str, list[Thread]]:
    """The Markdown of the first draft and the threads it covers (empty when none match)."""
    threads = select_threads(selection, user)
    chosen_clips = set(int(i) for i in selection.get("clips", []))
    chosen_summaries = set(int(i) for i in selection.get("summaries", []))
    clips_by_thread: dict[int, list[Clip]] = {}
    if chosen_clips:
        for clip in db.session.scalars(
            select(Clip).where(Clip.id.in_(chosen_clips)).order_by(Clip.id)
        ):
            if permissions.can_read_cited_post(user, clip.post):
                clips_by_thread.setdefault(clip.post.thread_id, []).append(clip)
    parts = []
    with force_locale(language):
        if threads:
            period = ""
            if selection.get("date_from") and selection.get("date_to"):
                period = " " + _("between %(start)s and %(end)s",
                                 start=format_date(date.fromisoformat(selection["date_from"]), "long"),
                                 end=format_date(date.fromisoformat(selection["date_to"]), "long"))
            parts.append(ngettext(
                "This report compiles the exchanges of the liaison officers in %(num)d "
                "discussion%(period)s.",
                "This report compiles the exchanges of the liaison officers in %(num)d "
                "discussions%(period)s.",
                len(threads), period=period,
            ))
        for number, thread in enumerate(threads, start=1):
            section = [f"## {number}. {thread.title}"]
            sentence = participation_sentence(participants(thread, selection), language)
            if sentence:
                section.append(sentence)
            summary = _summary_text(thread, language, chosen_summaries)
            clips = clips_by_thread.get(thread.id, [])
            if summary:
                section.append(summary.strip())
            for clip in clips:
                if clip.note:
                    section.append(clip.note.strip())
                section.append(f"[clip:{clip.id}]")
            if not summary and not clips:
                section.extend(f"[post:{post.id}]" for post in _first_posts(thread, user))
            parts.append("\n\n".join(section))
    return "\n\n".join(parts) + ("\n" if parts else ""), threads


def _first_posts(thread: Thread, user) -> list[Post]:
    """The first live post of each delegation, a few at most."""
    seen: dict[int, Post] = {}
    for post in db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, permissions.live_posts()).order_by(Post.id)
    ):
        seen.setdefault(post.delegation_id, post)
        if len(seen) >= CITED_POSTS_WITHOUT_SUMMARY:
            break
    return list(seen.values())
