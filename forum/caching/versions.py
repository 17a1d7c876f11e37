"""Content versions: which committed changes make which cached HTML out of date.

Every cached page, fragment or value carries the versions of the *scopes* it shows (see
`forum.models.generation`): `thread:<id>` (its posts, header, counts), `category:<id>` and
`tag:<id>` (their thread lists), `activity` (moved by every content change: for pages that
aggregate everything, such as the home page) and `all` (part of every key: moved only by what
changes every page, such as visibility rules, roles, names, categories and tag labels).

A transaction that changes content raises the versions of the scopes it touched, in one
statement, just before it commits; a request reads the versions it needs once (one small
statement) and uses only HTML cached under the same values. A change committed by any process
on any node is therefore visible on the next request everywhere, and a reply to one thread
leaves every other thread's cached HTML valid.

How a change maps to scopes (`_classify`): a row of a table not listed below moves `all`,
so a new table is safe before anyone thinks about it; tables no page shows move nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList

from ..extensions import db
from ..models.base import utcnow
from ..models.generation import READ, bump_statement

ALL = "all"
ACTIVITY = "activity"

# Tables whose rows no page shows: writing them invalidates nothing.
UNSHOWN_TABLES = frozenset({
    "search_change", "search_consumer", "content_version", "password_reset", "invitation",
    # stored related lists: their writer says which pages they change (see `touch`)
    "related_thread", "related_practice",
    # the mail queue, sign-in sessions and throttling counters
    "mail_outbox", "user_session", "rate_limit_counter",
})
# Columns that only move with activity (a reply, a new thread): they change the object's own
# page and the lists it appears in, not every page.
ACTIVITY_COLUMNS = {
    "thread": frozenset({"post_count", "last_post_at", "posts", "tags"}),
    "category": frozenset({"post_count", "thread_count", "last_post_at"}),
    "tag": frozenset({"thread_count", "threads"}),
}
# Columns no page shows (sign-in bookkeeping): changing only these moves nothing.
UNSHOWN_COLUMNS = {
    "user": frozenset({"last_login_at", "locale", "password_hash", "session_version", "email"}),
}
# Rows shown only on aggregate pages (home, countries, practices, reports, the review queue).
ACTIVITY_TABLES = frozenset({
    "revision", "flag", "moderator_message", "audit_event", "featured_practice", "clip",
    "practice_revision", "practice_transition", "indicator_coverage", "target_population",
    "situation", "minimum_indicator", "report", "report_version", "action_item", "action_update",
    "action_owner", "practice_population", "practice_situation", "practice_tag",
})
# Tables whose rows (with a `thread_id`) show only on their thread's page: a row moves that
# thread (and the lists it is in), not every page.
THREAD_ROW_TABLES = frozenset({"summary"})

_PENDING = "content_versions_pending"
_BUMPED = "content_versions_bumped"


def scope(kind: str, obj_id: int) -> str:
    """The scope name of one object (`thread:12`)."""
    return f"{kind}:{obj_id}"


class Pending:
    """What a transaction touched so far: scopes, plus threads, posts and summaries whose
    scopes are found with a query just before commit."""

    def __init__(self) -> None:
        self.scopes: set[str] = set()
        self.threads: set[int] = set()
        self.posts: set[int] = set()
        self.summaries: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.scopes or self.threads or self.posts or self.summaries)

    def everything(self) -> None:
        """Every page may change."""
        self.scopes.add(ALL)


def touch(session: Session, *, threads: Iterable[int] = (), everything: bool = False) -> None:
    """Make the pages of these threads (and the lists they are in) out of date when the
    session commits: for writers of tables the listeners cannot read (stored related lists)."""
    pending = _pending(session)
    pending.threads.update(threads)
    pending.scopes.add(ACTIVITY)
    if everything:
        pending.everything()


def _pending(session: Session) -> Pending:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = Pending()
    return pending


# ---------------------------------------------------------------------------------------------
# Classifying changes
# ---------------------------------------------------------------------------------------------


def _changed_keys(obj) -> set[str]:
    """The attributes of a loaded object that really changed (columns and relationships)."""
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _tags_moved(obj, key: str) -> list:
    """The objects added to or removed from a many-to-many collection."""
    history = inspect(obj).attrs[key].history
    return [*history.added, *history.deleted]


def _classify(obj, change: str, pending: Pending) -> None:
    """Record the scopes a flushed object (change: new, dirty, deleted) makes out of date."""
    table = getattr(obj, "__tablename__", None)
    if table in UNSHOWN_TABLES:
        return
    changed = _changed_keys(obj) if change == "dirty" else set()
    if change == "dirty" and (not changed or changed <= UNSHOWN_COLUMNS.get(table, frozenset())):
        return  # attributes set to the values they had, or not shown anywhere
    pending.scopes.add(ACTIVITY)
    if table in ACTIVITY_TABLES:
        return
    if change == "dirty" and table in ACTIVITY_COLUMNS:
        if not changed <= ACTIVITY_COLUMNS[table]:
            pending.everything()
            return
        if table == "thread":
            pending.threads.add(obj.id)
            if "tags" in changed:
                pending.scopes.update(scope("tag", t.id) for t in _tags_moved(obj, "tags") if t.id)
        elif table == "category":
            pending.scopes.add(scope("category", obj.id))
        elif table == "tag":
            pending.scopes.add(scope("tag", obj.id))
            pending.threads.update(t.id for t in _tags_moved(obj, "threads") if t.id)
        return
    if table == "post" and change != "deleted":
        if "thread_id" in changed:
            pending.everything()  # moved to another thread (split, merge)
        pending.threads.add(obj.thread_id)
    elif table == "thread" and change == "new":
        pending.threads.add(obj.id)
        pending.scopes.update(scope("tag", t.id) for t in obj.tags if t.id)
    elif table == "document":
        if obj.post_id:
            pending.posts.add(obj.post_id)
    elif table == "practice":
        if obj.thread_id:
            pending.threads.add(obj.thread_id)
    elif table in THREAD_ROW_TABLES:
        pending.threads.add(obj.thread_id)
    elif table == "summary_version":
        pending.summaries.add(obj.summary_id)
    elif table == "user" and change == "new":
        return  # a new account shows nowhere until it writes something
    else:
        pending.everything()


def _bulk_target(statement) -> tuple[str | None, list | None, set[str] | None]:
    """For a bulk UPDATE by primary key: (table, ids, column names); otherwise Nones."""
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    where = getattr(statement, "whereclause", None)
    values = getattr(statement, "_values", None)
    if name is None or where is None or not values:
        return name, None, None
    if isinstance(where, BooleanClauseList) and where.operator is operators.and_:
        # more conditions only narrow the rows: the primary-key condition names them all
        where = next((c for c in where.clauses if isinstance(c, BinaryExpression)
                      and getattr(c.left, "primary_key", False)), None)
    if not isinstance(where, BinaryExpression):
        return name, None, None
    column = where.left
    if getattr(getattr(column, "table", None), "name", None) != name \
            or not getattr(column, "primary_key", False):
        return name, None, None
    right = where.right
    if not isinstance(right, BindParameter):
        return name, None, None
    if where.operator is operators.eq:
        ids = [right.value]
    elif where.operator is operators.in_op and isinstance(right.value, (list, tuple)):
        ids = list(right.value)
    else:
        return name, None, None
    columns = {getattr(key, "key", None) or getattr(key, "name", None) or str(key) for key in values}
    return name, ids, columns


def _classify_bulk(statement, is_update: bool, pending: Pending) -> None:
    """Record the scopes a bulk INSERT, UPDATE or DELETE makes out of date."""
    name, ids, columns = _bulk_target(statement)
    if name in UNSHOWN_TABLES:
        return
    pending.scopes.add(ACTIVITY)
    if name in ACTIVITY_TABLES:
        return
    if is_update and ids is not None and name in ("thread", "category", "tag") \
            and columns <= ACTIVITY_COLUMNS[name]:
        if name == "thread":
            pending.threads.update(ids)
        else:
            pending.scopes.update(scope(name, obj_id) for obj_id in ids)
        return
    pending.everything()


def _resolve(session: Session, pending: Pending) -> list[str]:
    """Every scope to raise: the threads' own, their categories' and tags' (one query each)."""
    from ..models import Post, Summary, Thread, thread_tag

    scopes = set(pending.scopes)
    threads = set(pending.threads)
    if pending.posts:
        threads.update(session.scalars(select(Post.thread_id).where(Post.id.in_(pending.posts))))
    if pending.summaries:
        threads.update(session.scalars(
            select(Summary.thread_id).where(Summary.id.in_(pending.summaries))))
    threads.discard(None)
    if threads:
        scopes.add(ACTIVITY)
        scopes.update(scope("thread", t) for t in threads)
        scopes.update(scope("category", c) for c in session.scalars(
            select(Thread.category_id).where(Thread.id.in_(threads)).distinct()))
        scopes.update(scope("tag", t) for t in session.scalars(
            select(thread_tag.c.tag_id).where(thread_tag.c.thread_id.in_(threads)).distinct()))
    return sorted(scopes)


# ---------------------------------------------------------------------------------------------
# Session listeners: collect while flushing, raise the versions just before commit
# ---------------------------------------------------------------------------------------------


def _after_flush(session: Session, _context) -> None:
    pending = _pending(session)
    for change, objects in (("new", session.new), ("dirty", session.dirty),
                            ("deleted", session.deleted)):
        for obj in objects:
            _classify(obj, change, pending)


def _orm_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _classify_bulk(state.statement, state.is_update, _pending(state.session))


def _before_commit(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        scopes = _resolve(session, pending)
        session.connection().execute(bump_statement(scopes))
        session.info[_BUMPED] = True


def _after_commit(session: Session) -> None:
    # this request changed content: read the new versions before using the cache again
    if session.info.pop(_BUMPED, False) and has_app_context():
        g.pop("content_versions", None)
        g.page_not_cacheable = True  # a page being rendered may show data older than the versions


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_BUMPED, None)


def listen() -> None:
    """Install the session listeners (once per process)."""
    for name, fn in (("after_flush", _after_flush), ("do_orm_execute", _orm_execute),
                     ("before_commit", _before_commit), ("after_commit", _after_commit),
                     ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


# ---------------------------------------------------------------------------------------------
# Reading versions (once per request and scope)
# ---------------------------------------------------------------------------------------------


def stamp(scopes: Iterable[str] = ()) -> tuple:
    """The current versions of `all` and of `scopes`, with the UTC day (dates in pages, such as
    "overdue", change with it): what cached HTML made from these scopes must carry."""
    known: dict[str, int] = g.get("content_versions")
    if known is None:
        known = g.content_versions = {}
    wanted = sorted({ALL, *scopes})
    missing = [s for s in wanted if s not in known]
    if missing:
        # the request's first read brings `activity` along: most pages read it sooner or later
        # (header counts, lists), and one statement is cheaper than two
        missing += [s for s in (ACTIVITY,) if s not in known and s not in missing]
        found = dict(db.session.execute(READ, {"scopes": missing}).all())
        for name in missing:
            known[name] = found.get(name, 0)
    record(wanted)
    if "content_day" not in g:
        g.content_day = utcnow().date().isoformat()
    return (g.content_day, *((name, known[name]) for name in wanted))


def stamp_scopes(value: tuple) -> list[str]:
    """The scopes a stamp names."""
    return [name for name, _ in value[1:]]


def record(scopes: Iterable[str]) -> None:
    """Note that what the current request renders shows these scopes (see `whole_page`)."""
    recording = g.get("recorded_scopes")
    if recording is not None:
        recording.update(scopes)
