"""The stored counters always equal a recount from the rows, whatever the sequence of writes.

A Hypothesis state machine drives the services through long random sequences (new threads,
replies, edits with tag changes, hidden and deleted posts, hidden and restored threads, moves,
merges, splits, tag merges, published and deleted practices) and after every step compares
every counter with what the rows say.
"""

from __future__ import annotations

import itertools
import shutil

from factories import make_category, make_user
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from practices_support import make_practice
from sqlalchemy import func, select, text
from testconfig import base_config

from forum import create_app
from forum.board import services as board
from forum.extensions import db
from forum.models import Category, Post, Tag, Thread, thread_tag
from forum.models.practices import Practice
from forum.moderation import services_tags, services_threads
from forum.moderation.services import ModerationError
from forum.practices import services as practices

TAG_TEXTS = ["returns", "detention", "children", "documents"]
PICK = st.integers(min_value=0, max_value=10_000)
TAG_CHOICES = st.lists(st.sampled_from(TAG_TEXTS), max_size=3, unique=True)

_runs = itertools.count()


def counter_mismatches() -> list[str]:
    """Every stored counter that differs from a recount made here, from the rows themselves."""
    problems = []
    posts = dict(db.session.execute(
        select(Post.thread_id, func.count(Post.id)).group_by(Post.thread_id)).all())
    newest = dict(db.session.execute(
        select(Post.thread_id, func.max(Post.created_at)).group_by(Post.thread_id)).all())
    numbers: dict[int, list[int]] = {}
    for thread_id, number in db.session.execute(select(Post.thread_id, Post.number)):
        numbers.setdefault(thread_id, []).append(number)
    threads = db.session.execute(
        select(Thread.id, Thread.category_id, Thread.post_count, Thread.last_post_at,
               Thread.is_hidden, Thread.merged_into_id)).all()
    for row in threads:
        if row.post_count != posts.get(row.id, 0):
            problems.append(f"thread {row.id}: post_count {row.post_count}, "
                            f"{posts.get(row.id, 0)} posts")
        if row.id in newest and row.last_post_at != newest[row.id]:
            problems.append(f"thread {row.id}: last_post_at {row.last_post_at}, newest post "
                            f"{newest[row.id]}")
        if sorted(numbers.get(row.id, [])) != list(range(1, posts.get(row.id, 0) + 1)):
            problems.append(f"thread {row.id}: post numbers {sorted(numbers.get(row.id, []))}")
    for category in db.session.execute(
            select(Category.id, Category.thread_count, Category.post_count)).all():
        shown = [t for t in threads if t.category_id == category.id and not t.is_hidden
                 and t.merged_into_id is None]
        expected = (len(shown), sum(posts.get(t.id, 0) for t in shown))
        if (category.thread_count, category.post_count) != expected:
            problems.append(f"category {category.id}: (threads, posts) = "
                            f"{(category.thread_count, category.post_count)}, rows say {expected}")
    carried = dict(db.session.execute(
        select(thread_tag.c.tag_id, func.count()).group_by(thread_tag.c.tag_id)).all())
    for tag_id, count in db.session.execute(select(Tag.id, Tag.thread_count)).all():
        if count != carried.get(tag_id, 0):
            problems.append(f"tag {tag_id}: thread_count {count}, {carried.get(tag_id, 0)} "
                            "threads carry it")
    return problems


def _pick(items: list, index: int):
    return items[index % len(items)]


class CounterMachine(RuleBasedStateMachine):
    """Random sequences of board, moderation and practice writes on a fresh database."""

    template: dict = {}
    root = None

    def __init__(self):
        super().__init__()
        run = self.root / f"run-{next(_runs)}"
        if self.template["kind"] == "sqlite":
            run.mkdir(parents=True)
            shutil.copy(self.template["path"], run / "forum.db")
            config = base_config(run, f"sqlite:///{run / 'forum.db'}")
        else:
            config = base_config(run, self.template["url"]) | {
                "SQLALCHEMY_ENGINE_OPTIONS": self.template["options"]}
        # The search index is not what is tested here; syncing it after each commit is slow.
        self.app = create_app(config | {"SEARCH_SYNC_ON_COMMIT": False})
        self.context = self.app.app_context()
        self.context.push()
        if self.template["kind"] == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
        from forum.models.roster import ensure_delegations

        ensure_delegations()

    def teardown(self):
        db.session.remove()
        self.context.pop()
        with self.app.app_context():
            db.engine.dispose()

    @initialize()
    def people_and_categories(self):
        self.liaison = make_user("liaison")
        self.moderator = make_user("moderator")
        self.category_ids = [make_category("members").id for _ in range(3)]
        self.category_ids.append(practices.practice_category().id)
        db.session.commit()
        self.serial = itertools.count(1)

    # -- what exists -------------------------------------------------------------------------

    def thread_ids(self, **where) -> list[int]:
        query = select(Thread.id).order_by(Thread.id)
        if where.get("unmerged"):
            query = query.where(Thread.merged_into_id.is_(None))
        if "hidden" in where:
            query = query.where(Thread.is_hidden.is_(where["hidden"]))
        if where.get("with_posts"):
            query = query.where(Thread.post_count > 0)
        return list(db.session.scalars(query))

    def post_ids(self, **where) -> list[int]:
        query = select(Post.id).order_by(Post.id)
        for name, value in where.items():
            query = query.where(getattr(Post, name).is_(value))
        return list(db.session.scalars(query))

    def has_threads(self):
        return bool(self.thread_ids())

    def has_posts(self):
        return bool(self.post_ids())

    def thread(self, index: int, **where) -> Thread | None:
        ids = self.thread_ids(**where)
        return db.session.get(Thread, _pick(ids, index)) if ids else None

    def post(self, index: int, **where) -> Post | None:
        ids = self.post_ids(**where)
        return db.session.get(Post, _pick(ids, index)) if ids else None

    def title(self) -> str:
        return f"Thread {next(self.serial)}"

    # -- board ----------------------------------------------------------------------------------

    @rule(category=PICK, tags=TAG_CHOICES)
    def start_thread(self, category, tags):
        category = db.session.get(Category, _pick(self.category_ids, category))
        board.create_thread(self.liaison, category, self.title(), "A first post.", "en", tags)

    @precondition(has_threads)
    @rule(index=PICK)
    def reply(self, index):
        thread = self.thread(index)
        # Hidden and merged threads only take moderators' replies.
        writer = self.moderator if thread.is_hidden or thread.merged_into_id else self.liaison
        board.reply(writer, thread, f"Reply {next(self.serial)}.", "en")

    @precondition(has_threads)
    @rule(index=PICK, tags=TAG_CHOICES)
    def edit_first_post(self, index, tags):
        thread = self.thread(index, with_posts=True)
        if thread is None:
            return
        first = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                     Post.number == 1))
        board.edit_post(self.moderator, first, f"Edited {next(self.serial)}.",
                        title=thread.title, tag_texts=tags)

    @precondition(has_posts)
    @rule(index=PICK)
    def delete_post(self, index):
        post = self.post(index, is_deleted=False)
        if post is not None:
            board.delete_post(self.moderator, post, "Duplicate.")

    @precondition(has_posts)
    @rule(index=PICK)
    def hide_post(self, index):
        post = self.post(index, is_hidden=False)
        if post is not None:
            services_threads.set_post_hidden(self.moderator, post, True, "Personal data.")

    @precondition(has_posts)
    @rule(index=PICK)
    def restore_post(self, index):
        post = self.post(index, is_hidden=True)
        if post is not None:
            services_threads.set_post_hidden(self.moderator, post, False)

    # -- moderation -----------------------------------------------------------------------------

    @precondition(has_threads)
    @rule(index=PICK)
    def hide_thread(self, index):
        thread = self.thread(index, hidden=False)
        if thread is not None:
            services_threads.set_thread_hidden(self.moderator, thread, True, "Off topic.")

    @precondition(has_threads)
    @rule(index=PICK)
    def restore_thread(self, index):
        thread = self.thread(index, hidden=True)
        if thread is not None:
            services_threads.set_thread_hidden(self.moderator, thread, False)

    @precondition(has_threads)
    @rule(index=PICK, category=PICK)
    def move_thread(self, index, category):
        thread = self.thread(index)
        category = db.session.get(Category, _pick(self.category_ids, category))
        if thread.category_id != category.id:
            services_threads.move_thread(self.moderator, thread, category)

    @precondition(has_threads)
    @rule(source=PICK, into=PICK)
    def merge_threads(self, source, into):
        ids = self.thread_ids(unmerged=True)
        if len(ids) < 2:
            return
        source = db.session.get(Thread, _pick(ids, source))
        ids.remove(source.id)
        target = db.session.get(Thread, _pick(ids, into))
        services_threads.merge_threads(self.moderator, source, target)

    @precondition(has_threads)
    @rule(index=PICK, chosen=st.lists(st.booleans(), min_size=1, max_size=8), category=PICK)
    def split_thread(self, index, chosen, category):
        ids = [i for i in self.thread_ids(unmerged=True)
               if db.session.get(Thread, i).post_count >= 2]
        if not ids:
            return
        thread = db.session.get(Thread, _pick(ids, index))
        posts = list(thread.posts)
        selected = [p.id for p, take in zip(posts, itertools.cycle(chosen)) if take]
        if not selected or len(selected) == len(posts):
            selected = [posts[-1].id]
        category = db.session.get(Category, _pick(self.category_ids, category))
        services_threads.split_thread(self.moderator, thread, selected, self.title(), category)

    @rule(source=st.sampled_from(TAG_TEXTS), into=st.sampled_from(TAG_TEXTS))
    def merge_tags(self, source, into):
        source = db.session.scalar(select(Tag).where(Tag.slug == source,
                                                     Tag.merged_into_id.is_(None)))
        target = db.session.scalar(select(Tag).where(Tag.slug == into,
                                                     Tag.merged_into_id.is_(None)))
        if source is not None and target is not None and source.id != target.id:
            try:
                services_tags.merge_tags(self.moderator, source, target)
            except ModerationError:
                db.session.rollback()

    # -- practices ------------------------------------------------------------------------------

    @rule(category=PICK, tags=TAG_CHOICES)
    def publish_practice(self, category, tags):
        category = db.session.get(Category, _pick(self.category_ids, category))
        practice = make_practice(self.liaison, status="submitted", category=category,
                                 title=f"Practice {next(self.serial)}")
        practice.tags = list(db.session.scalars(select(Tag).where(Tag.slug.in_(tags))))
        db.session.commit()
        practices.publish_practice(self.moderator, practice)

    @rule(index=PICK)
    def delete_practice(self, index):
        ids = list(db.session.scalars(
            select(Practice.id).where(Practice.deleted_at.is_(None)).order_by(Practice.id)))
        if ids:
            practice = db.session.get(Practice, _pick(ids, index))
            practices.delete_practice(self.moderator, practice, "Withdrawn by the delegation.")

    # -- the property ---------------------------------------------------------------------------

    @invariant()
    def counters_match_the_rows(self):
        db.session.expire_all()
        assert counter_mismatches() == []


def test_counters_survive_random_sequences(database_template, tmp_path):
    CounterMachine.template = database_template
    CounterMachine.root = tmp_path
    run_state_machine_as_test(
        CounterMachine,
        settings=settings(deadline=None, max_examples=20, stateful_step_count=40,
                          suppress_health_check=[HealthCheck.too_slow], database=None,
                          # The "explain" phase reruns every failing case many times over.
                          phases=[p for p in Phase if p is not Phase.explain]),
    )
