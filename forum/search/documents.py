"""The built-in searchable kinds: threads (title and first post), replies and tags."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import joinedload, selectinload

from .. import permissions
from ..extensions import db
from ..models import GlossaryEntry, Post, Tag, TagSynonym, Thread, tag_key
from ..permissions import visible_posts, visible_threads
from ..web.links import post_url, tag_url, thread_url
from .registry import ResultItem, SearchKind, register

# Thread attributes copied into its replies' documents: changing one re-indexes the replies.
THREAD_SPREAD_ATTRS = ("category_id", "category", "is_hidden", "merged_into_id", "tags")


def post_text(post: Post) -> str:
    """The readable text of a post (its sanitized HTML without tags, else the source)."""
    if post.body_html:
        return Markup(post.body_html).striptags()
    return post.body or ""


def _first_post_ids(session, thread_ids) -> dict[int, int]:
    """thread id -> id of its first post."""
    if not thread_ids:
        return {}
    # Post number 1, which is not always the lowest id once threads are merged or split.
    firsts = dict(session.execute(
        select(Post.thread_id, func.min(Post.id))
        .where(Post.thread_id.in_(thread_ids), Post.number == 1).group_by(Post.thread_id)
    ).all())
    missing = [t for t in thread_ids if t not in firsts]
    if missing:
        firsts.update(session.execute(
            select(Post.thread_id, func.min(Post.id)).where(Post.thread_id.in_(missing))
            .group_by(Post.thread_id)
        ).all())
    return firsts


def _tag_ids(thread: Thread) -> str:
    # sorted: the database returns a collection in whatever order its plan gives
    return " ".join(str(tag_id) for tag_id in sorted(tag.id for tag in thread.tags))


def _thread_document(thread: Thread, first: Post | None) -> dict | None:
    if thread.merged_into_id is not None:
        return None
    readable_first = first is not None and permissions.is_live_post(first)
    return {
        "key": f"thread:{thread.id}",
        "kind": "thread",
        "obj_id": thread.id,
        "group": f"thread:{thread.id}",
        "post_id": first.id if first is not None else 0,
        "title": thread.title,
        "body": first.body if readable_first else "",
        "tags": _tag_ids(thread),
        "country": thread.delegation.code if thread.delegation else "",
        "category": str(thread.category_id),
        "author": str(thread.author_id),
        "lang": thread.language or "",
        "hidden": "1" if thread.is_hidden else "0",
        "created": thread.created_at,
    }


def build_threads(session, ids: list[int]) -> dict[str, dict | None]:
    """Thread documents from the current rows; missing or merged threads are deleted."""
    out: dict[str, dict | None] = {f"thread:{i}": None for i in ids}
    threads = session.scalars(
        select(Thread).where(Thread.id.in_(ids))
        .options(selectinload(Thread.tags), joinedload(Thread.delegation))
    ).unique().all()
    firsts = _first_post_ids(session, [t.id for t in threads])
    posts = {p.thread_id: p for p in session.scalars(select(Post).where(Post.id.in_(list(firsts.values()))))}
    for thread in threads:
        out[f"thread:{thread.id}"] = _thread_document(thread, posts.get(thread.id))
    return out


def build_posts(session, ids: list[int]) -> dict[str, dict | None]:
    """Reply documents; a thread's first post rebuilds the thread document instead."""
    out: dict[str, dict | None] = {f"post:{i}": None for i in ids}
    posts = session.scalars(
        select(Post).where(Post.id.in_(ids))
        .options(joinedload(Post.delegation), joinedload(Post.thread).selectinload(Thread.tags))
    ).unique().all()
    firsts = _first_post_ids(session, list({p.thread_id for p in posts}))
    first_threads = []
    for post in posts:
        thread = post.thread
        if firsts.get(thread.id) == post.id:
            first_threads.append(thread.id)
            continue
        if thread.merged_into_id is not None:
            continue
        out[f"post:{post.id}"] = {
            "key": f"post:{post.id}",
            "kind": "post",
            "obj_id": post.id,
            "group": f"thread:{thread.id}",
            "post_id": post.id,
            "title": "",
            "body": post.body or "",
            "tags": _tag_ids(thread),
            "country": post.delegation.code if post.delegation else "",
            "category": str(thread.category_id),
            "author": str(post.author_id),
            "lang": post.language or "",
            "hidden": "0" if permissions.is_live_post(post) and not thread.is_hidden else "1",
            "created": post.created_at,
        }
    if first_threads:
        out.update(build_threads(session, first_threads))
    return out


def build_tags(session, ids: list[int]) -> dict[str, dict | None]:
    """Tag documents: the labels in every language and the synonyms."""
    out: dict[str, dict | None] = {f"tag:{i}": None for i in ids}
    tags = session.scalars(
        select(Tag).where(Tag.id.in_(ids)).options(selectinload(Tag.synonyms))
    ).all()
    for tag in tags:
        if tag.merged_into_id is not None:
            continue
        labels = [x for x in (tag.label_en, tag.label_es, tag.label_fr) if x]
        out[f"tag:{tag.id}"] = {
            "key": f"tag:{tag.id}",
            "kind": "tag",
            "obj_id": tag.id,
            "group": f"tag:{tag.id}",
            "post_id": 0,
            "title": " ".join(labels),
            "body": " ".join(labels + [s.text for s in tag.synonyms] + [tag.slug.replace("-", " ")]),
            "tags": str(tag.id),
            "tagkeys": ",".join(sorted({tag_key(x) for x in labels + [s.text for s in tag.synonyms] + [tag.slug]} - {""})),
            "country": "",
            "category": "",
            "author": "",
            "lang": "",
            "hidden": "0",
            "created": tag.created_at,
        }
    return out


def build_glossary(session, ids: list[int]) -> dict[str, dict | None]:
    """Glossary documents: the index terms of every variant, so queries expand without SQL."""
    from .analysis import analyze

    out: dict[str, dict | None] = {f"glossary:{i}": None for i in ids}
    for entry in session.scalars(select(GlossaryEntry).where(GlossaryEntry.id.in_(ids))):
        variants = sorted({tuple(analyze(term)) for term in entry.all_terms()} - {()})
        if len(variants) < 2:
            continue
        out[f"glossary:{entry.id}"] = {
            "key": f"glossary:{entry.id}", "kind": "glossary", "obj_id": entry.id,
            "group": f"glossary:{entry.id}", "post_id": 0, "title": "", "body": "",
            "tags": "", "country": "", "category": "", "author": "", "lang": "", "hidden": "0",
            "created": entry.updated_at,
            "gstems": " ".join(sorted({s for v in variants for s in v})),
            "variants": [list(v) for v in variants],
        }
    return out


def _thread_item(thread: Thread, first: Post | None) -> ResultItem:
    url = thread_url(thread)
    return ResultItem(
        kind="thread", obj_id=thread.id, title=thread.title, url=url,
        text=post_text(first) if first is not None else "",
        country=thread.delegation.code, country_name=thread.delegation.name,
        flag=thread.delegation.flag, language=thread.language, created_at=thread.created_at,
        author=thread.author.display_name if thread.author else "",
        group_title=thread.title, group_url=url, tags=list(thread.tags),
        category=thread.category.name, hidden=thread.is_hidden,
    )


def load_threads(user, ids: list[int]) -> dict[int, ResultItem]:
    """Visible threads by id, with the text of their first post when the user may read it."""
    if not ids:
        return {}
    threads = db.session.scalars(
        select(Thread).where(Thread.id.in_(ids), visible_threads(user))
        .options(joinedload(Thread.category), joinedload(Thread.delegation),
                 joinedload(Thread.author), selectinload(Thread.tags))
    ).unique().all()
    firsts = _first_post_ids(db.session, [t.id for t in threads])
    posts = {
        p.thread_id: p
        for p in db.session.scalars(
            select(Post).join(Post.thread)
            .where(Post.id.in_(list(firsts.values())), visible_posts(user))
        )
    }
    return {t.id: _thread_item(t, posts.get(t.id)) for t in threads}


def load_posts(user, ids: list[int]) -> dict[int, ResultItem]:
    """Visible replies by id (hidden and deleted ones only for moderators)."""
    if not ids:
        return {}
    posts = db.session.scalars(
        select(Post).join(Post.thread).where(Post.id.in_(ids), visible_posts(user))
        .options(joinedload(Post.delegation), joinedload(Post.author),
                 joinedload(Post.thread).joinedload(Thread.category),
                 joinedload(Post.thread).selectinload(Thread.tags))
    ).unique().all()
    items = {}
    for post in posts:
        thread = post.thread
        items[post.id] = ResultItem(
            kind="post", obj_id=post.id, title=thread.title,
            url=post_url(post), text=post_text(post),
            country=post.delegation.code, country_name=post.delegation.name,
            flag=post.delegation.flag, language=post.language, created_at=post.created_at,
            author=post.author.display_name if post.author else "",
            group_title=thread.title,
            group_url=thread_url(thread),
            tags=list(thread.tags), category=thread.category.name,
            hidden=not permissions.is_live_post(post) or thread.is_hidden,
        )
    return items


def load_tags(user, ids: list[int]) -> dict[int, ResultItem]:
    """Tags by id (tag names are not confidential)."""
    if not ids:
        return {}
    tags = db.session.scalars(select(Tag).where(Tag.id.in_(ids), Tag.merged_into_id.is_(None)))
    return {
        t.id: ResultItem(kind="tag", obj_id=t.id, title=t.label, text="",
                         url=tag_url(t), tags=[t])
        for t in tags
    }


def _watch_glossary(entry: GlossaryEntry, session) -> list[tuple[str, int]]:
    return [("glossary", entry.id)]


def _watch_thread(thread: Thread, session) -> list[tuple[str, int]]:
    changes = [("thread", thread.id)]
    state = inspect(thread)
    if thread in session.new or state.deleted or state.was_deleted:
        return changes
    spread = any(
        state.attrs[name].history.has_changes() for name in THREAD_SPREAD_ATTRS
        if name in state.attrs
    )
    if spread:
        ids = session.connection().execute(select(Post.id).where(Post.thread_id == thread.id))
        changes.extend(("post", post_id) for (post_id,) in ids)
    return changes


def _watch_post(post: Post, session) -> list[tuple[str, int]]:
    return [("post", post.id)]


def _watch_tag(tag: Tag, session) -> list[tuple[str, int]]:
    return [("tag", tag.id)]


def _watch_synonym(synonym: TagSynonym, session) -> list[tuple[str, int]]:
    tag_id = synonym.tag_id or (synonym.tag.id if synonym.tag is not None else None)
    return [("tag", tag_id)] if tag_id else []


def _ids(model):
    def all_ids(session):
        return session.scalars(select(model.id).order_by(model.id))

    return all_ids


register(SearchKind(
    name="thread", build=build_threads, all_ids=_ids(Thread), load=load_threads,
    watch={Thread: _watch_thread}, label=_l("Threads"), aliases=("threads", "hilo", "hilos", "fil", "fils", "discussion", "discusión", "tema"),
))
register(SearchKind(
    name="post", build=build_posts, all_ids=_ids(Post), load=load_posts,
    watch={Post: _watch_post}, label=_l("Replies"),
    aliases=("posts", "reply", "replies", "respuesta", "respuestas", "mensaje", "réponse", "réponses", "message"),
))
register(SearchKind(
    name="tag", build=build_tags, all_ids=_ids(Tag), load=load_tags,
    watch={Tag: _watch_tag, TagSynonym: _watch_synonym}, in_results=False, label=_l("Tags"),
    aliases=("tags", "etiqueta", "étiquette"),
))
register(SearchKind(
    name="glossary", build=build_glossary, all_ids=_ids(GlossaryEntry),
    load=lambda user, ids: {}, watch={GlossaryEntry: _watch_glossary}, in_results=False,
    label=_l("Glossary"),
))
