"""Summaries in the search index (`kind:summary`): documents, loading with visibility, watches."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..content.citations import CITATION_RE
from ..content.markup import plain_text, render_markdown
from ..extensions import db
from ..models import Summary, SummaryVersion, Thread
from ..permissions import visible_threads
from ..search.registry import ResultItem, SearchKind, register
from ..web.links import thread_url


def summary_text(body: str) -> str:
    """The readable text of a summary, without its citation markers."""
    return plain_text(render_markdown(CITATION_RE.sub(" ", body or ""), "report"))


def build_summaries(session, ids: list[int]) -> dict[str, dict | None]:
    """Summary documents from the current rows (deleted or empty summaries are removed)."""
    out: dict[str, dict | None] = {f"summary:{i}": None for i in ids}
    summaries = session.scalars(
        select(Summary).where(Summary.id.in_(ids))
        .options(joinedload(Summary.current_version).joinedload(SummaryVersion.author),
                 joinedload(Summary.thread).selectinload(Thread.tags))
    ).unique().all()
    for summary in summaries:
        version, thread = summary.current_version, summary.thread
        if version is None or thread.merged_into_id is not None:
            continue
        out[f"summary:{summary.id}"] = {
            "key": f"summary:{summary.id}",
            "kind": "summary",
            "obj_id": summary.id,
            "group": f"thread:{thread.id}",
            "post_id": 0,
            "title": thread.title,
            "body": summary_text(version.body),
            "tags": " ".join(str(tag_id) for tag_id in sorted(tag.id for tag in thread.tags)),
            "country": version.author.delegation.code if version.author.delegation else "",
            "category": str(thread.category_id),
            "author": str(version.author_id),
            "lang": summary.language or "",
            "hidden": "1" if thread.is_hidden else "0",
            "created": summary.updated_at,
        }
    return out


def load_summaries(user, ids: list[int]) -> dict[int, ResultItem]:
    """Summaries of threads the user can read."""
    if not ids:
        return {}
    summaries = db.session.scalars(
        select(Summary).join(Summary.thread)
        .where(Summary.id.in_(ids), Summary.current_version_id.is_not(None), visible_threads(user))
        .options(joinedload(Summary.current_version).joinedload(SummaryVersion.author),
                 joinedload(Summary.thread).joinedload(Thread.category),
                 joinedload(Summary.thread).selectinload(Thread.tags))
    ).unique().all()
    items = {}
    for summary in summaries:
        thread, version = summary.thread, summary.current_version
        url = thread_url(thread)
        delegation = version.author.delegation
        items[summary.id] = ResultItem(
            kind="summary", obj_id=summary.id, title=thread.title,
            url=url,
            text=summary_text(version.body), country=delegation.code,
            country_name=delegation.name, flag=delegation.flag, language=summary.language,
            created_at=summary.updated_at, author=version.author.display_name,
            group_title=thread.title, group_url=url, tags=list(thread.tags),
            category=thread.category.name, hidden=thread.is_hidden,
        )
    return items


def _all_ids(session):
    return session.scalars(select(Summary.id).order_by(Summary.id))


def _watch_summary(summary: Summary, session) -> list[tuple[str, int]]:
    return [("summary", summary.id)] if summary.id else []


def _watch_version(version: SummaryVersion, session) -> list[tuple[str, int]]:
    return [("summary", version.summary_id)] if version.summary_id else []


register(SearchKind(
    name="summary", build=build_summaries, all_ids=_all_ids, load=load_summaries,
    watch={Summary: _watch_summary, SummaryVersion: _watch_version}, label=_l("Summaries"),
    aliases=("summaries", "resumen", "resumenes", "resúmenes", "synthese", "synthèse",
             "syntheses", "synthèses"),
))
