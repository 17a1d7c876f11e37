"""`flask recount` repairs stored counters that drifted (from before the counter keeper)."""

from __future__ import annotations

from factories import make_category, make_post, make_thread, make_user

from forum.extensions import db
from forum.models import Category, Tag, Thread


def test_recount_repairs_drifted_counters(app, runner):
    category = make_category("public")
    thread = make_thread(make_user("liaison"), category, tags=["pasaportes"])
    make_post(thread, body="Una respuesta")
    ids = (category.id, thread.id, thread.tags[0].id)
    # counters as an older version could leave them
    db.session.get(Category, ids[0]).thread_count = 7
    db.session.get(Category, ids[0]).post_count = 0
    db.session.get(Thread, ids[1]).post_count = 9
    db.session.get(Tag, ids[2]).thread_count = 0
    db.session.commit()

    result = runner.invoke(args=["recount"])
    assert result.exit_code == 0, result.output
    assert "recounted" in result.output
    db.session.expire_all()
    assert db.session.get(Thread, ids[1]).post_count == 2
    assert (db.session.get(Category, ids[0]).thread_count,
            db.session.get(Category, ids[0]).post_count) == (1, 2)
    assert db.session.get(Tag, ids[2]).thread_count == 1
