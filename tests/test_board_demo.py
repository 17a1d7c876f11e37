"""The demo discussions load cleanly and read as a real exchange."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.demo import boards
from forum.demo.board_content import THREADS
from forum.extensions import db
from forum.models import Category, Post, Practice, Revision, Tag, Thread, User


def test_seed_demo_discussions(runner, client):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    # The practices seeder adds its own category and one thread per published practice.
    board_categories = Category.slug != "practices"
    board_threads = Thread.id.not_in(select(Practice.thread_id).where(Practice.thread_id.is_not(None)))
    assert db.session.scalar(select(func.count(Category.id)).where(board_categories)) == 7
    assert {c.visibility for c in db.session.scalars(select(Category).where(board_categories))} == {
        "public", "members", "governments", "staff"}
    assert db.session.scalar(select(func.count(Category.id)).where(Category.observers_may_reply))
    assert db.session.scalar(select(func.count(Thread.id)).where(board_threads)) == len(THREADS) >= 30
    assert db.session.scalar(select(func.count(Post.id))) >= 120
    # Every tag typed in the content matched one of the curated multilingual tags.
    assert db.session.scalar(select(func.count(Tag.id))) == len(boards.TAGS) >= 40
    assert db.session.scalar(select(func.count(Tag.id)).where(Tag.created_by_id.is_not(None))) == 0
    languages = dict(db.session.execute(select(Post.language, func.count(Post.id)).group_by(Post.language)).all())
    assert languages["es"] > languages["en"] > languages["fr"] > 0
    assert db.session.scalar(select(func.count(Revision.id))) >= 1
    assert db.session.scalar(select(func.count(Post.id)).where(Post.is_deleted)) >= 1
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "liaison.sv@demo.example")) == 1
    # Counters agree with the rows.
    for thread in db.session.scalars(select(Thread)):
        assert thread.post_count == len(thread.posts)
        assert thread.last_post_at == max(p.created_at for p in thread.posts)
    for category in db.session.scalars(select(Category)):
        threads = db.session.scalars(select(Thread).where(Thread.category_id == category.id)).all()
        assert category.thread_count == len(threads)
        assert category.post_count == sum(t.post_count for t in threads)
    # Observers only post where the category is open to them.
    observer_posts = db.session.scalars(
        select(Post).join(User, User.id == Post.author_id).where(User.role == "observer")).all()
    assert observer_posts and all(p.thread.category.observers_may_reply for p in observer_posts)


def test_demo_pages_render(runner, client):
    runner.invoke(args=["seed-demo"])
    for lang in ("en", "es", "fr"):
        page = client.get("/", headers={"Accept-Language": lang})
        assert page.status_code == 200
    assert client.get("/categories").status_code == 200
    public = db.session.scalar(select(Category).where(Category.visibility == "public"))
    assert client.get(f"/categories/{public.slug}").status_code == 200
    thread = db.session.scalar(select(Thread).where(Thread.category_id == public.id))
    assert client.get(f"/threads/{thread.id}").status_code == 200
    assert client.get("/tags/").status_code == 200
