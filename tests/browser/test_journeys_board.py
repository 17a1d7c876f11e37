"""Discussion journeys in Chromium: start a thread with tags typed without accents, preview,
post, reply, quote, edit (with its revision), delete; an observer who may not reply sees why.
Three people, three interface languages."""

from __future__ import annotations

import re

from conftest import translate


def test_thread_from_start_to_delete(make_gate, sample):
    # Lucía (Mexico) works in Spanish.
    lucia = make_gate()
    lucia.goto("/")
    lucia.login("liaison.mx@demo.example")
    assert lucia.lang == "es"
    lucia.follow(".main-nav a[href='/categories']")
    lucia.follow(f"main a[href='/categories/{sample['category_slug']}']")
    lucia.follow("main a.button[href^='/new']")
    page = lucia.page
    assert page.locator("#category").input_value() == sample["category_slug"]
    page.fill("#title", "Registro de casos de adolescentes no acompañados")
    page.fill("#tags", "ninez migrante, proteccion consular")  # typed without accents
    page.select_option("#language", "es")
    page.fill("#body", "Nuestro sistema registra **cada caso** en 24 horas.\n\n- entrevista\n- derivación")
    lucia.submit("preview")
    preview = page.locator(".server-preview .post-body")
    assert preview.locator("strong").inner_text() == "cada caso"
    assert preview.locator("li").count() == 2
    # Nothing typed is lost by the preview.
    assert page.locator("#title").input_value() == "Registro de casos de adolescentes no acompañados"
    assert page.locator("#tags").input_value() == "ninez migrante, proteccion consular"
    lucia.submit()
    assert page.locator(".flash-success").inner_text() == translate("es", "Your thread has been published.")
    assert page.locator("h1").inner_text() == "Registro de casos de adolescentes no acompañados"
    tags = [t.casefold() for t in page.locator(".thread-head .tag-list a").all_text_contents()]
    assert "niñez migrante" in tags  # the existing tag, found without the accent
    assert any(t.casefold() == "proteccion consular" for t in tags)
    thread_url = page.url
    first_post = page.locator("article.post").first
    first_post_id = first_post.get_attribute("id")

    # Geneviève (Canada) reads it in French and replies, quoting Lucía.
    genevieve = make_gate()
    genevieve.goto("/")
    genevieve.login("liaison.ca@demo.example")
    assert genevieve.lang == "fr"
    genevieve.goto(thread_url)
    genevieve.follow(f"#{first_post_id} .post-actions a[href*='quote=']")
    body = genevieve.page.locator("#body")
    assert body.input_value().startswith(">")
    assert "cada caso" in body.input_value()
    body.fill(body.input_value() + "\n\nChez nous, le délai est de *48 heures*.")
    genevieve.page.select_option("#language", "fr")
    genevieve.submit()
    assert genevieve.page.locator(".flash-success").inner_text() == translate("fr", "Your reply has been published.")
    reply = genevieve.page.locator("article.post").last
    assert reply.locator("blockquote").count() == 1
    assert reply.locator("em").inner_text() == "48 heures"
    assert reply.locator(".lang-badge").text_content().strip() == "fr"
    reply_id = reply.get_attribute("id")

    # Lucía edits her post: the post says it was edited, and the revision keeps the old text.
    lucia.goto(thread_url)
    lucia.follow(f"#{first_post_id} .post-actions a[href$='/edit']")
    lucia.page.fill("#body", "Nuestro sistema registra **cada caso** en 12 horas.")
    lucia.submit()
    edited = lucia.page.locator(f"#{first_post_id}")
    assert "12 horas" in edited.locator(".post-body").inner_text()
    marker = edited.locator(".edited")
    assert marker.inner_text() == translate("es", "edited")
    lucia.follow(f"#{first_post_id} a.edited")
    history = lucia.page.locator("main").inner_text()
    assert "24" in history and "12" in history

    # Geneviève deletes her reply; it keeps its place and says it was deleted.
    genevieve.goto(thread_url)
    genevieve.follow(f"#{reply_id} .post-actions a[href$='/delete']")
    genevieve.submit()
    removed = genevieve.page.locator(f"#{reply_id}")
    assert removed.locator(".post-removed").inner_text().strip() == translate("fr", "This post was deleted.")
    assert "48 heures" not in removed.inner_text()
    assert genevieve.page.locator("article.post").count() == 2


def test_observer_cannot_reply_where_reserved_and_sees_why(make_gate, sample):
    olga = make_gate()
    olga.goto("/")
    olga.login("observer@demo.example")
    olga.set_language("en")
    try:
        olga.goto(f"/threads/{sample['members_thread_id']}")
        page = olga.page
        assert page.locator(".reply-box form").count() == 0
        note = page.locator(".reply-box .notice").inner_text()
        expected = translate(
            "en",
            "Observers can reply only in open consultation categories; "
            "this category is reserved for the delegations.",
        )
        assert expected in note
        assert page.locator("article .post-actions a[href*='quote=']").count() == 0
        # Going to the reply form directly is refused with the same reason (403).
        olga.goto(f"/threads/{sample['members_thread_id']}/reply", status=403)
        assert expected in page.locator("main").inner_text()
        # In an open consultation the observer may reply.
        olga.goto(f"/threads/{sample['thread_id']}")
        assert page.locator(".reply-box form textarea#body").count() == 1
    finally:
        olga.set_language("es")


def test_visitor_reads_public_threads_and_is_asked_to_log_in(gate, sample):
    gate.goto("/categories")
    gate.set_language("fr")
    gate.follow(f"main a[href='/categories/{sample['category_slug']}']")
    gate.follow(f"main a[href^='/threads/{sample['thread_id']}']")
    note = gate.page.locator(".reply-box .notice")
    assert translate("fr", "Log in to reply to this thread.") in note.inner_text()
    gate.follow(".reply-box .notice a")
    assert re.search(r"/auth/login\?next=", gate.page.url)
    gate.goto(f"/tags/{sample['tag_slug']}")
    assert gate.page.locator("h1").inner_text().strip() != ""
    gate.goto("/tags/")
