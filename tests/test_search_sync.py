"""The index follows the database: change rows, draining, crashes, concurrency, several nodes."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from factories import make_category, make_post, make_thread, make_user
from flask_login import AnonymousUserMixin
from sqlalchemy import func, insert, select

from forum import create_app
from forum.extensions import db
from forum.models import Post, SearchChange, SearchConsumer, Tag, Thread, utcnow
from forum.search import engine
from forum.search.index import handle
from forum.search.writer import check, pending_count, prune, sync

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def found(app, q, user=None) -> set[str]:
    """Keys of the documents a search returns (as anonymous unless a user is given)."""
    with app.test_request_context():
        outcome = engine.run(user or AnonymousUserMixin(), q, per_page=100)
        return {f"{g.item.kind}:{g.item.obj_id}" for g in outcome.groups}


def index_keys(app) -> set[str]:
    """Every document key in the live index."""
    with handle(app).open_current().searcher() as searcher:
        return {fields["key"] for fields in searcher.all_stored_fields()}


def assert_in_sync(app):
    report = check(handle(app))
    assert (report["missing"], report["extra"], report["stale"]) == ([], [], []), report


# ---------------------------------------------------------------------------------------------
# Change rows in the writer's transaction
# ---------------------------------------------------------------------------------------------


def test_commit_writes_change_rows_and_indexes(app):
    thread = make_thread(title="Consular registry modernisation", body="Our registry moved online.")
    kinds = set(db.session.execute(select(SearchChange.kind, SearchChange.obj_id)).all())
    assert ("thread", thread.id) in kinds and ("post", thread.posts[0].id) in kinds
    assert found(app, "registry") == {f"thread:{thread.id}"}
    assert_in_sync(app)


def test_rollback_leaves_no_change_row_and_nothing_indexed(app):
    make_thread(title="Seed thread")
    before = db.session.scalar(select(func.count(SearchChange.id)))
    user = make_user()
    category = make_category()
    before = db.session.scalar(select(func.count(SearchChange.id)))
    thread = Thread(category=category, title="Rolled back walrus", author=user,
                    delegation_id=user.delegation_id, language="en")
    thread.posts.append(Post(number=1, author=user, delegation_id=user.delegation_id, body="walrus"))
    db.session.add(thread)
    db.session.flush()  # the change rows are written here ...
    assert db.session.scalar(select(func.count(SearchChange.id))) > before
    db.session.rollback()  # ... and leave with the rollback
    assert db.session.scalar(select(func.count(SearchChange.id))) == before
    sync()
    assert found(app, "walrus") == set()
    assert_in_sync(app)


def test_autoflushed_rows_are_recorded(app):
    thread = make_thread(title="Autoflush thread")
    author = make_user()
    post = Post(thread=thread, number=2, author=author, delegation_id=author.delegation_id,
                body="The narwhal arrives by autoflush")
    db.session.add(post)
    # A query autoflushes the new post before the commit.
    assert db.session.scalar(select(func.count(Post.id)).where(Post.thread_id == thread.id)) == 2
    db.session.commit()
    assert ("post", post.id) in set(db.session.execute(select(SearchChange.kind, SearchChange.obj_id)))
    assert found(app, "narwhal") == {f"post:{post.id}"}


def test_edits_hides_deletes_and_moves_follow(app):
    public = make_category("public")
    staff = make_category("staff")
    thread = make_thread(category=public, title="Temporary workers programme",
                         body="Seasonal agricultural workers.")
    reply = make_post(thread, body="Visa quotas for the harvest season.")
    assert found(app, "harvest") == {f"post:{reply.id}"}
    reply.body = "Quotas for the planting season."
    db.session.commit()
    assert found(app, "harvest") == set()
    assert found(app, "planting") == {f"post:{reply.id}"}
    reply.is_hidden = True
    db.session.commit()
    assert found(app, "planting") == set()
    reply.is_hidden = False
    db.session.commit()
    # Moving the thread to a staff category takes its replies along.
    thread.category = staff
    db.session.commit()
    assert found(app, "planting") == set()
    assert found(app, "seasonal") == set()
    db.session.delete(reply)
    db.session.commit()
    assert f"post:{reply.id}" not in index_keys(app)
    assert_in_sync(app)


def test_first_post_edit_updates_the_thread_document(app):
    thread = make_thread(title="Hotline", body="Call the old number.")
    first = thread.posts[0]
    first.body = "Call the toll-free helpline."
    db.session.commit()
    assert found(app, "helpline") == {f"thread:{thread.id}"}
    assert_in_sync(app)


def test_tag_label_edit_and_tag_concept(app):
    tag = Tag(slug="trafficking", label_en="human trafficking", label_es="trata de personas",
              label_fr="traite des personnes")
    db.session.add(tag)
    db.session.commit()
    thread = make_thread(title="Shelters for survivors", body="Coordination with NGOs.")
    thread.tags.append(tag)
    db.session.commit()
    # The Spanish label finds the thread through the tag, though no word of it is in the text.
    assert found(app, "trata de personas") == {f"thread:{thread.id}"}
    tag.label_es = "trata de seres humanos"
    db.session.commit()
    assert found(app, "trata de seres humanos") == {f"thread:{thread.id}"}
    assert_in_sync(app)


def test_bulk_changes_with_record_change(app):
    from sqlalchemy import update

    from forum.models import record_change

    thread = make_thread(title="Bulk edited title")
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(title="Ocelot report"))
    record_change("thread", thread.id)
    db.session.commit()
    assert found(app, "ocelot") == {f"thread:{thread.id}"}


# ---------------------------------------------------------------------------------------------
# The searcher: never refresh(), reopen when the generation changes
# ---------------------------------------------------------------------------------------------


def test_searcher_reopens_after_updates_deletes_and_merges(app):
    """Regression: Searcher.refresh() in whoosh-reloaded 2.7.5 keeps deleted and doubles edits."""
    threads = [make_thread(title=f"Quetzal report {i}", body="quetzal") for i in range(12)]
    idx = handle(app)
    first = idx.searcher()
    assert len(found(app, "quetzal")) == 12
    threads[0].title = "Quetzal report edited"
    threads[0].posts[0].body = "quetzal edited"
    db.session.commit()
    for thread in threads[1:4]:
        db.session.delete(thread)
    db.session.commit()
    for i in range(12):  # many small commits make Whoosh merge segments
        make_thread(title=f"Filler {i}", body="filler")
    second = idx.searcher()
    assert second is not first
    assert len(found(app, "quetzal")) == 9
    assert len(found(app, "edited")) == 1
    with app.test_request_context():
        outcome = engine.run(AnonymousUserMixin(), "quetzal", per_page=100)
    assert outcome.total == 9


# ---------------------------------------------------------------------------------------------
# Commands, broken index, pruning, several nodes
# ---------------------------------------------------------------------------------------------


def test_reindex_sync_and_check_commands(app, runner):
    make_thread(title="Repatriation of remains", body="Costs covered by the state.")
    old = handle(app).current_dir()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "1 document(s) indexed" in result.output
    assert handle(app).current_dir() != old and not old.exists()
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0 and "matches" in result.output
    # Drift: a document removed from the index behind the log's back.
    writer = handle(app).open_current().writer()
    writer.delete_by_term("kind", "thread")
    writer.commit()
    result = runner.invoke(args=["search", "check", "--no-sync"])
    assert result.exit_code == 1
    assert "missing: 1" in result.output


def test_reindex_in_several_processes_builds_the_same_index(app, runner):
    """SEARCH_REINDEX_PROCS > 1: documents analysed in forked processes, one segment each."""
    category = make_category("public")
    for n in range(12):
        thread = make_thread(title=f"Protocolo consular {n}", category=category,
                             body=f"Registro de casos número {n}")
        make_post(thread, body=f"Respuesta sobre repatriación {n}")
    app.config["SEARCH_REINDEX_PROCS"] = 2
    app.config["SEARCH_REINDEX_PARALLEL_FROM"] = 1
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "24 document(s) indexed" in result.output
    assert_in_sync(app)
    found = engine.run(AnonymousUserMixin(), "repatriación")
    assert found.total == 12


def test_worker_once_applies_pending(app, app_config, runner):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    sync()
    thread = make_thread(title="Mobile consulate schedule")
    assert pending_count(app) > 0
    result = runner.invoke(args=["search", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert pending_count(app) == 0
    assert found(app, "schedule") == {f"thread:{thread.id}"}


# Whoosh leaves the corrupt table of contents open when it fails to read it.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_index_that_fails_to_open_is_rebuilt(app):
    thread = make_thread(title="Birth certificates abroad")
    idx = handle(app)
    idx.close()
    for path in idx.current_dir().iterdir():
        if path.suffix == ".toc":
            path.write_bytes(b"garbage")
    assert found(app, "certificates") == {f"thread:{thread.id}"}
    assert_in_sync(app)
    gc.collect()


def test_missing_index_is_built_on_first_search(app):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    thread = make_thread(title="Consular notification duties")
    assert handle(app).current_dir() is None
    assert found(app, "notification") == {f"thread:{thread.id}"}


def test_late_commit_behind_the_cursor_is_not_skipped(app):
    a = make_thread(title="Alpha")
    b = make_thread(title="Bravo")
    sync()
    cursor = handle(app).read_cursor(handle(app).current_dir())["cursor"]
    # A change row whose id was given out earlier but committed only now.
    used = set(db.session.scalars(select(SearchChange.id)))
    late_id = next(i for i in range(cursor - 1, 0, -1) if i not in used) if len(used) < cursor else None
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    a.title = "Alpha capybara"
    db.session.commit()
    row_ids = db.session.scalars(select(SearchChange.id).where(SearchChange.id > cursor)).all()
    db.session.execute(SearchChange.__table__.delete().where(SearchChange.id.in_(row_ids)))
    late_id = late_id or 0
    if not late_id:
        # Make room below the cursor: move the cursor past ids that were never used.
        state = handle(app).read_cursor(handle(app).current_dir())
        state["cursor"] = cursor + 50
        handle(app).write_cursor(handle(app).current_dir(), state)
        late_id = cursor + 10
    db.session.execute(insert(SearchChange).values(id=late_id, kind="thread", obj_id=a.id,
                                                   created_at=utcnow()))
    db.session.commit()
    assert late_id <= handle(app).read_cursor(handle(app).current_dir())["cursor"]
    sync()
    assert found(app, "capybara") == {f"thread:{a.id}"}
    # Applied once: a second sync does not apply it again.
    assert sync() == 0
    assert b.id


def test_prune_waits_for_every_known_index(app, app_config, tmp_path):
    make_thread(title="Pruning one")
    sync()
    other = create_app(app_config | {"SEARCH_INDEX_DIR": str(tmp_path / "other-index")})
    with other.app_context():
        sync()  # registers the second index, which builds from the database
        other_cursor = db.session.get(SearchConsumer, handle(other).node_id()).cursor
    make_thread(title="Pruning two")
    sync()
    # Old enough to be pruned once every index has applied them.
    db.session.execute(SearchChange.__table__.update().values(created_at=utcnow().replace(year=2000)))
    db.session.commit()
    app.config["SEARCH_RETENTION_SECONDS"] = 10**10
    prune()
    remaining = db.session.scalars(select(SearchChange.id)).all()
    assert remaining and min(remaining) > other_cursor  # the second index has not passed them
    with other.app_context():
        sync()
    prune()
    assert db.session.scalar(select(func.count(SearchChange.id))) == 0
    # Past the retention window, rows go even if an index never comes back.
    app.config["SEARCH_RETENTION_SECONDS"] = 60
    make_thread(title="Pruning three")
    db.session.execute(SearchChange.__table__.update().values(created_at=utcnow().replace(year=2000)))
    db.session.execute(SearchConsumer.__table__.update().values(updated_at=utcnow().replace(year=2000)))
    db.session.commit()
    prune()
    assert db.session.scalar(select(func.count(SearchChange.id))) == 0
    assert db.session.scalar(select(func.count(SearchConsumer.id))) == 0
    with other.app_context():
        db.engine.dispose()


def test_two_nodes_with_their_own_index_converge(app, app_config, tmp_path):
    node_b = create_app(app_config | {"SEARCH_INDEX_DIR": str(tmp_path / "node-b")})
    author = make_user()
    written = []
    for i in range(3):
        written.append(make_thread(author, title=f"Written on node A {i}", body="jaguar").id)
    with node_b.app_context():
        user = db.session.get(type(author), author.id)
        for i in range(3):
            written.append(make_thread(user, title=f"Written on node B {i}", body="jaguar").id)
        thread = db.session.get(Thread, written[0])
        thread.title = "Edited on node B"
        db.session.commit()
        db.session.remove()
    doomed = db.session.get(Thread, written[1])
    db.session.delete(doomed)
    db.session.commit()
    sync()
    with node_b.app_context():
        sync()
        assert_in_sync(node_b)
        keys_b = index_keys(node_b)
        db.session.remove()
        db.engine.dispose()
    assert_in_sync(app)
    assert index_keys(app) == keys_b
    assert f"thread:{written[1]}" not in keys_b
    assert len(found(app, "jaguar")) == 5


# ---------------------------------------------------------------------------------------------
# Crashes and concurrent processes
# ---------------------------------------------------------------------------------------------

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, os.environ["TESTS_DIR"])
sys.path.insert(0, os.environ["ROOT_DIR"])
from forum import create_app
from forum.extensions import db
config = json.loads(os.environ["CHILD_CONFIG"])
app = create_app(config)
mode = os.environ["CHILD_MODE"]
with app.app_context():
    if mode == "write":
        from factories import make_post
        from forum.models import Thread
        thread = db.session.get(Thread, int(os.environ["THREAD_ID"]))
        from forum.models import User
        user = db.session.get(User, int(os.environ["USER_ID"]))
        for i in range(int(os.environ["COUNT"])):
            make_post(thread, user, body=f"kinkajou {os.environ['TAG']} {i}")
            thread = db.session.get(Thread, thread.id)
    elif mode == "die-after-index-commit":
        import forum.search.writer as writer
        def die(state, rows):
            os._exit(9)
        writer._advance = die
        writer.sync()
    elif mode == "hang-in-writer":
        import forum.search.writer as writer
        original = writer.prepare
        def slow(doc):
            open(os.environ["MARKER"], "w").close()
            time.sleep(60)
            return original(doc)
        writer.prepare = slow
        writer.sync()
"""


def _child(app_config, mode, **env):
    config = {k: v for k, v in app_config.items()}
    full_env = os.environ | {
        "TESTS_DIR": str(TESTS), "ROOT_DIR": str(ROOT), "CHILD_MODE": mode,
        "CHILD_CONFIG": json.dumps(config), **{k: str(v) for k, v in env.items()},
    }
    return subprocess.Popen([sys.executable, "-c", CHILD], env=full_env, cwd=str(ROOT))


@pytest.mark.slow
def test_writer_killed_after_index_commit_loses_nothing(app, app_config):
    make_thread(title="Before")  # builds the index
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    threads = [make_thread(title=f"Okapi {i}") for i in range(5)]
    child = _child(app_config, "die-after-index-commit")
    assert child.wait(timeout=60) == 9
    sync()
    assert found(app, "okapi") == {f"thread:{t.id}" for t in threads}
    assert_in_sync(app)


@pytest.mark.slow
def test_writer_killed_mid_write_loses_nothing(app, app_config, tmp_path):
    make_thread(title="Before")
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    threads = [make_thread(title=f"Tapir {i}") for i in range(5)]
    marker = tmp_path / "in-writer"
    child = _child(app_config, "hang-in-writer", MARKER=marker)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert marker.exists()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    handle(app).close()
    sync(wait=5)
    assert found(app, "tapir") == {f"thread:{t.id}" for t in threads}
    assert_in_sync(app)


@pytest.mark.slow
def test_concurrent_writer_processes_lose_nothing(app, app_config):
    thread = make_thread(title="Concurrency")
    user = make_user()
    children = [
        _child(app_config, "write", THREAD_ID=thread.id, USER_ID=user.id, COUNT=8, TAG=f"w{n}")
        for n in range(3)
    ]
    for child in children:
        assert child.wait(timeout=120) == 0
    db.session.expire_all()
    sync(wait=10)
    posts = db.session.scalars(select(Post.id).where(Post.thread_id == thread.id, Post.number > 1)).all()
    assert len(posts) == 24
    assert {f"post:{i}" for i in posts} <= index_keys(app)
    with app.test_request_context():
        assert engine.run(AnonymousUserMixin(), "kinkajou").total == 24
    assert_in_sync(app)


def test_a_searcher_taken_before_the_index_changes_stays_usable(tmp_path):
    """Another part of the same request may reopen the searcher after a change: the one taken
    first keeps working until the change after that."""
    from forum.search.index import IndexHandle

    idx = IndexHandle(tmp_path / "handle")
    path = idx.new_dir()
    ix = idx.create_index(path)
    idx.switch_to(path)

    def add(n: int) -> None:
        with ix.writer() as writer:
            writer.add_document(key=f"thread:{n}", kind="thread", obj_id=n, title=f"hilo {n}")

    add(1)
    first = idx.searcher()
    add(2)
    second = idx.searcher()
    assert second is not first
    assert first.doc_count() == 1 and second.doc_count() == 2  # both open, each its snapshot
    add(3)
    assert idx.searcher().doc_count() == 3
    assert second.doc_count() == 2  # the one retired last is still open
    assert first.ixreader.is_closed  # the one before that was closed
    idx.close()


def test_check_after_batch_and_single_indexing_finds_no_drift(app, runner):
    """Tag ids are stored in one order whether a document was built in a batch (reindex) or
    alone (after a commit), so `search check` does not report clean documents as stale."""
    from practices_support import lists, make_practice

    author = make_user("liaison")
    category = make_category("public")
    # tags created in one order and attached in another
    for label in ("zeta", "epsilon", "delta", "gamma", "beta", "alpha"):
        db.session.add(Tag(slug=label, label_en=label))
    db.session.commit()
    threads = [make_thread(author, category, tags=["alpha", "zeta", "gamma", "beta"]),
               make_thread(author, category, tags=["delta", "epsilon", "alpha"])]
    make_post(threads[0])
    populations, _situations, _indicators = lists()
    practice = make_practice(author, populations=[populations["travellers"]])
    practice.tags = list(db.session.scalars(select(Tag).order_by(Tag.slug.desc())))
    db.session.commit()
    # renamed tags move in the table's storage (PostgreSQL writes a new row version), so a
    # scan meets them in yet another order
    for tag in db.session.scalars(select(Tag).where(Tag.slug.in_(["zeta", "gamma"]))):
        tag.label_es = tag.label_en.upper()
    db.session.commit()

    # The same documents whatever order the tag collections were loaded in (the database
    # returns them in the order of its plan: index order for one thread, storage order for a
    # batch on PostgreSQL).
    from forum.search.registry import KINDS
    from forum.search.writer import _session

    fresh = _session()
    try:
        expected = {**KINDS["thread"].build(fresh, [t.id for t in threads]),
                    **KINDS["practice"].build(fresh, [practice.id])}
    finally:
        fresh.close()
    tags = {tag.slug: tag for tag in db.session.scalars(select(Tag))}
    threads[0].tags = [tags[s] for s in ("alpha", "zeta", "gamma", "beta")]
    threads[1].tags = [tags[s] for s in ("delta", "epsilon", "alpha")]
    practice.tags = sorted(tags.values(), key=lambda t: -t.id)
    db.session.flush()  # loaded, in the order given, in this session
    built = {**KINDS["thread"].build(db.session, [t.id for t in threads]),
             **KINDS["practice"].build(db.session, [practice.id])}
    for key, doc in expected.items():
        assert built[key]["tags"] == doc["tags"], key
    db.session.rollback()

    assert runner.invoke(args=["search", "reindex"]).exit_code == 0  # batch
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    # each document again, alone
    for thread in threads:
        thread.title = thread.title + " (revised)"
        db.session.commit()
    practice.title = "A practice (revised)"
    db.session.commit()
    sync(wait=5.0)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "The index matches the database." in result.output
