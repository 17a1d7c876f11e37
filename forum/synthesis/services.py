"""Writes of the synthesis feature: each public function that mutates commits exactly once."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import permissions
from ..content.markup import plain_text
from ..extensions import db
from ..models import (
    ActionItem,
    ActionUpdate,
    Clip,
    ClipCollection,
    Delegation,
    Post,
    Report,
    ReportState,
    ReportVersion,
    Summary,
    SummaryVersion,
    Thread,
    User,
    record_audit,
    record_change,
    utcnow,
)
from .citing import citation_problems


class SynthesisError(ValueError):
    """A write refused for a reason the user can fix; the message is translated."""

    def __init__(self, messages: str | list[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


# ---------------------------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------------------------


def live_posts_after(thread_id: int, post_id: int) -> int:
    """How many live (not deleted, not hidden) posts a thread has after a post id."""
    return db.session.scalar(
        select(func.count(Post.id)).where(
            Post.thread_id == thread_id,
            Post.id > post_id,
            permissions.live_posts(),
        )
    ) or 0


def last_post_id(thread: Thread) -> int:
    """The id of the newest post of a thread (0 for none)."""
    return db.session.scalar(select(func.max(Post.id)).where(Post.thread_id == thread.id)) or 0


@dataclass
class SummaryStatus:
    """Whether a summary still reflects its thread."""

    new_posts: int
    source_newer: bool

    @property
    def outdated(self) -> bool:
        """New posts since, or (for a translation) a newer text of the source."""
        return self.new_posts > 0 or self.source_newer


def summary_status(summary: Summary) -> SummaryStatus:
    """New posts since the summary (or its source) was written or confirmed."""
    base = summary.source if summary.source is not None else summary
    new_posts = live_posts_after(base.thread_id, base.covered_last_post_id or 0)
    source_newer = False
    if summary.source is not None and summary.current_version is not None:
        source_newer = summary.current_version.source_version_id != base.current_version_id
    return SummaryStatus(new_posts=new_posts, source_newer=source_newer)


def thread_summaries(thread: Thread) -> list[Summary]:
    """The summaries of a thread: the original first, then its translations."""
    summaries = list(
        db.session.scalars(select(Summary).where(Summary.thread_id == thread.id))
    )
    summaries.sort(key=lambda s: (s.source_id is not None, s.language))
    return [s for s in summaries if s.current_version is not None]


def summary_for_reader(thread: Thread, language: str) -> tuple[Summary | None, list[Summary]]:
    """The summary to show a reader (their language, else the original) and all of them."""
    summaries = thread_summaries(thread)
    if not summaries:
        return None, []
    for summary in summaries:
        if summary.language == language:
            return summary, summaries
    return summaries[0], summaries


def _check_summary_text(thread: Thread, body: str) -> None:
    if not (body or "").strip():
        raise SynthesisError(_msg("empty_summary"))
    problems = citation_problems(body, thread.category.visibility)
    if problems:
        raise SynthesisError(problems)


def save_summary(thread: Thread, author: User, body: str, *, language: str,
                 note: str = "") -> Summary:
    """Write a new version of a thread's original summary (creating it). Commits."""
    _check_summary_text(thread, body)
    summary = db.session.scalar(
        select(Summary).where(Summary.thread_id == thread.id, Summary.source_id.is_(None))
    )
    if summary is None:
        clash = db.session.scalar(
            select(Summary).where(Summary.thread_id == thread.id, Summary.language == language)
        )
        if clash is not None:
            raise SynthesisError(_msg("language_taken"))
        summary = Summary(thread_id=thread.id, language=language)
        db.session.add(summary)
        db.session.flush()
    _add_summary_version(summary, thread, author, body, note)
    _commit_or_conflict()
    return summary


def save_summary_translation(source: Summary, author: User, body: str, *, language: str,
                             note: str = "") -> Summary:
    """Write a translation of the source summary's current version. Commits."""
    thread = source.thread
    if language == source.language:
        raise SynthesisError(_msg("same_language"))
    _check_summary_text(thread, body)
    summary = db.session.scalar(
        select(Summary).where(Summary.thread_id == thread.id, Summary.language == language)
    )
    if summary is None:
        summary = Summary(thread_id=thread.id, language=language, source_id=source.id)
        db.session.add(summary)
        db.session.flush()
    elif summary.source_id != source.id:
        raise SynthesisError(_msg("language_taken"))
    version = _add_summary_version(summary, thread, author, body, note)
    version.source_version_id = source.current_version_id
    summary.covered_last_post_id = source.covered_last_post_id
    _commit_or_conflict()
    return summary


def _commit_or_conflict() -> None:
    """Commit; a concurrent save of the same summary becomes a message, not an error page."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SynthesisError(_msg("conflict")) from None


def _add_summary_version(summary: Summary, thread: Thread, author: User, body: str,
                         note: str) -> SummaryVersion:
    number = (db.session.scalar(
        select(func.max(SummaryVersion.number)).where(SummaryVersion.summary_id == summary.id)
    ) or 0) + 1
    newest = last_post_id(thread)
    version = SummaryVersion(
        summary_id=summary.id, number=number, body=body, note=note or "", author_id=author.id,
        post_count=thread.post_count or 0, last_post_id=newest,
    )
    db.session.add(version)
    db.session.flush()
    summary.current_version_id = version.id
    summary.covered_last_post_id = newest
    summary.confirmed_at = None
    summary.confirmed_by_id = None
    summary.updated_at = utcnow()
    record_change("summary", summary.id)
    return version


def confirm_summary(summary: Summary, user: User) -> None:
    """Mark a summary as still accurate for the posts written since. Commits."""
    base = summary.source if summary.source is not None else summary
    base.covered_last_post_id = last_post_id(base.thread)
    base.confirmed_at = utcnow()
    base.confirmed_by_id = user.id
    for translation in base.translations:
        translation.covered_last_post_id = base.covered_last_post_id
    db.session.commit()


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """A line diff as (operation, text) with operation in ' ', '+', '-'."""
    result = []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        op, text = line[:1], line[2:]
        if op in (" ", "+", "-"):
            result.append((op, text))
    return result


# ---------------------------------------------------------------------------------------------
# Clips
# ---------------------------------------------------------------------------------------------


def create_collection(user: User, name: str, description: str = "") -> ClipCollection:
    """A new named collection. Commits."""
    collection = ClipCollection(name=name, description=description or "", created_by_id=user.id)
    db.session.add(collection)
    db.session.commit()
    return collection


def _normalized(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def add_clip(collection: ClipCollection, post: Post, user: User, *, text: str | None = None,
             note: str = "") -> Clip:
    """Clip a post (whole, or a passage that must appear in it) into a collection. Commits."""
    whole = not (text or "").strip()
    if whole:
        text = plain_text(post.body_html) or (post.body or "").strip()
    else:
        text = " ".join(text.split())
        source = plain_text(post.body_html) + " " + " ".join((post.body or "").split())
        if _normalized(text) not in _normalized(source):
            raise SynthesisError(_msg("clip_not_in_post"))
    clip = Clip(
        collection_id=collection.id, post_id=post.id,
        post_revision_count=post.revision_count or 0, delegation_id=post.delegation_id,
        post_created_at=post.created_at, text=text, whole_post=whole, note=note or "",
        created_by_id=user.id,
    )
    collection.updated_at = utcnow()
    db.session.add(clip)
    db.session.commit()
    return clip


def delete_clip(clip: Clip) -> None:
    """Remove a clip from its collection. Commits."""
    db.session.delete(clip)
    db.session.commit()


def group_clips(clips: list[Clip], locale: str) -> tuple[list, list]:
    """Clips grouped by country (delegation) and by the tags of their threads."""
    by_country: dict[int, tuple[Delegation, list[Clip]]] = {}
    by_tag: dict[int, tuple[object, list[Clip]]] = {}
    for clip in clips:
        by_country.setdefault(clip.delegation_id, (clip.delegation, []))[1].append(clip)
        for tag in clip.post.thread.tags:
            by_tag.setdefault(tag.id, (tag, []))[1].append(clip)
    countries = sorted(by_country.values(), key=lambda item: item[0].name_in(locale))
    tags = sorted(by_tag.values(), key=lambda item: item[0].label_in(locale).casefold())
    return countries, tags


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------

HEADING_RE = re.compile(r"^#{1,3}\s+\S", re.MULTILINE)


def has_sections(body: str) -> bool:
    """A report needs at least one section heading."""
    return bool(HEADING_RE.search(body or ""))


def create_report(user: User, *, title: str, language: str, selection: dict,
                  body: str) -> Report:
    """A new report whose first version is the given (generated) draft. Commits."""
    if not has_sections(body):
        raise SynthesisError(_msg("no_sections"))
    report = Report(language=language, selection=selection, created_by_id=user.id)
    report.versions.append(
        ReportVersion(number=1, title=title, body=body, state=ReportState.DRAFT.value,
                      author_id=user.id)
    )
    db.session.add(report)
    db.session.commit()
    return report


def save_report_draft(report: Report, user: User, *, title: str, body: str) -> ReportVersion:
    """Edit the working draft, or start a new draft after a published version. Commits."""
    if not has_sections(body):
        raise SynthesisError(_msg("no_sections"))
    problems = citation_problems(body, "staff")
    if problems:
        raise SynthesisError(problems)
    latest = report.latest
    if latest is not None and latest.is_draft:
        version = latest
        version.title, version.body, version.author_id = title, body, user.id
    else:
        version = ReportVersion(
            report=report, number=(latest.number + 1) if latest else 1, title=title, body=body,
            state=ReportState.DRAFT.value, author_id=user.id,
            source_version_id=latest.source_version_id if latest else None,
        )
        db.session.add(version)
    report.updated_at = utcnow()
    db.session.commit()
    return version


def publish_report(report: Report, user: User, audience: str) -> ReportVersion:
    """Publish the working draft for an audience that can read all it cites. Commits."""
    draft = report.latest
    if draft is None or not draft.is_draft:
        raise SynthesisError(_msg("nothing_to_publish"))
    if not has_sections(draft.body):
        raise SynthesisError(_msg("no_sections"))
    problems = citation_problems(draft.body, audience)
    if problems:
        raise SynthesisError(problems)
    now = utcnow()
    for version in report.versions:
        if version.is_published:
            version.state = ReportState.SUPERSEDED.value
            version.superseded_at = now
    draft.state = ReportState.PUBLISHED.value
    draft.audience = audience
    draft.published_at = now
    draft.published_by_id = user.id
    report.updated_at = now
    db.session.commit()
    return draft


def start_report_translation(report: Report, user: User, language: str) -> Report:
    """Open (or refresh) a translation draft of a report's current text. Commits."""
    if language == report.language:
        raise SynthesisError(_msg("same_language"))
    source_version = report.published or report.latest
    translation = db.session.scalar(
        select(Report).where(Report.source_id == report.id, Report.language == language)
    )
    if translation is None:
        translation = Report(language=language, source_id=report.id, selection=report.selection,
                             created_by_id=user.id)
        db.session.add(translation)
    latest = translation.latest
    if latest is not None and latest.is_draft:
        latest.source_version_id = source_version.id
    else:
        translation.versions.append(
            ReportVersion(
                number=(latest.number + 1) if latest else 1,
                title=latest.title if latest else source_version.title,
                body=latest.body if latest else source_version.body,
                state=ReportState.DRAFT.value, author_id=user.id,
                source_version_id=source_version.id,
            )
        )
    translation.updated_at = utcnow()
    db.session.commit()
    return translation


def report_translation_outdated(report: Report) -> bool:
    """A translation whose source has been published again since."""
    if report.source is None:
        return False
    source_current = report.source.published or report.source.latest
    mine = report.published or report.latest
    return bool(source_current and mine and mine.source_version_id != source_current.id)


# ---------------------------------------------------------------------------------------------
# Follow-up actions
# ---------------------------------------------------------------------------------------------


def create_action(user: User, *, description: str, owners: list[Delegation],
                  due_date: date | None, source_kind: str, source_thread: Thread | None = None,
                  source_report: Report | None = None, source_meeting: str = "") -> ActionItem:
    """Record a new action item (the due date may not be in the past). Commits."""
    if due_date is not None and due_date < utcnow().date():
        raise SynthesisError(_msg("due_in_past"))
    if not owners:
        raise SynthesisError(_msg("no_owner"))
    item = ActionItem(
        description=description, due_date=due_date, source_kind=source_kind,
        source_thread_id=source_thread.id if source_thread else None,
        source_report_id=source_report.id if source_report else None,
        source_meeting=source_meeting or "", created_by_id=user.id,
    )
    item.owners = list(owners)
    db.session.add(item)
    db.session.flush()
    if permissions.is_moderator(user):
        record_audit(user, "action.create", "action_item", item.id, label=description[:120])
    db.session.commit()
    return item


def edit_action(item: ActionItem, user: User, *, description: str, owners: list[Delegation],
                due_date: date | None) -> ActionItem:
    """Change an item's description, owners or due date. Commits."""
    if not owners:
        raise SynthesisError(_msg("no_owner"))
    before = _action_state(item)
    item.description = description
    item.owners = list(owners)
    item.due_date = due_date
    item.updated_at = utcnow()
    if permissions.is_moderator(user):
        record_audit(user, "action.edit", "action_item", item.id, label=description[:120],
                     before=before, after=_action_state(item))
    db.session.commit()
    return item


def update_action_status(item: ActionItem, user: User, *, status: str,
                         note: str = "") -> ActionUpdate:
    """Add a progress update, possibly changing the status. Commits."""
    if status == item.status and not (note or "").strip():
        raise SynthesisError(_msg("empty_update"))
    update = ActionUpdate(action=item, author_id=user.id, old_status=item.status,
                          new_status=status, note=note or "")
    db.session.add(update)
    if permissions.is_moderator(user) and status != item.status:
        record_audit(user, "action.status", "action_item", item.id,
                     label=item.description[:120], reason=note or None,
                     before={"status": item.status}, after={"status": status})
    item.status = status
    item.updated_at = utcnow()
    db.session.commit()
    return update


def _action_state(item: ActionItem) -> dict:
    return {
        "description": item.description,
        "owners": [d.code for d in item.owners],
        "due_date": item.due_date.isoformat() if item.due_date else None,
        "status": item.status,
    }


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------


def _msg(key: str) -> str:
    from flask_babel import gettext as _

    return {
        "empty_summary": _("A summary cannot be empty."),
        "language_taken": _("This thread already has a summary in that language."),
        "same_language": _("A translation must be in another language than its source."),
        "clip_not_in_post": _("The selected text is not part of this post. Select a passage "
                              "of the post, or clip the whole post."),
        "no_sections": _("A report needs at least one section (a heading line starting with "
                         "“## ”)."),
        "nothing_to_publish": _("There is no draft to publish: edit the report first."),
        "due_in_past": _("The due date of a new action item cannot be in the past."),
        "no_owner": _("Choose at least one owner delegation."),
        "empty_update": _("Change the status or write a note."),
        "conflict": _("Someone else saved this summary at the same moment. Your text is kept "
                      "below: reload the page to see theirs, then save again."),
    }[key]
