"""Account journeys in Chromium, in the three interface languages: log in and out as each role,
a wrong password, switching the language, an invitation accepted from the emailed link."""

from __future__ import annotations

import pytest
from conftest import translate
from liveserver import DEMO_PASSWORD, link_in

DEMO_USERS = [
    ("admin@demo.example", "Alex Admin", "en"),
    ("moderator@demo.example", "Morgan Moderator", "es"),
    ("facilitator@demo.example", "Fatima Facilitator (IOM)", "en"),
    ("observer@demo.example", "Olga Observer (RROCM)", "es"),
    ("liaison.mx@demo.example", "Lucía Hernández", "es"),
    ("liaison.ca@demo.example", "Geneviève Tremblay", "fr"),
]


@pytest.mark.parametrize(("email", "name", "locale"), DEMO_USERS, ids=[u[0].split("@")[0] for u in DEMO_USERS])
def test_each_role_logs_in_and_out(gate, email, name, locale):
    gate.goto("/")
    gate.page.locator(".account-menu a").click()
    gate.check()
    gate.login(email)
    # The interface follows the account's language, and greets the person by name.
    assert gate.lang == locale
    assert gate.page.locator(".flash-success").inner_text() == translate(locale, "Welcome, %(name)s.", name=name)
    assert name in gate.page.locator(".account-menu").inner_text()
    gate.page.locator(".account-menu a").first.click()
    gate.check()
    assert gate.page.locator("#display_name").input_value() == name
    gate.logout()
    # Logged out, the page speaks the browser's language again, the message too.
    assert gate.lang == "en"
    assert gate.page.locator(".flash-info").inner_text() == translate("en", "You have logged out.")
    gate.goto("/auth/profile")  # now redirected to the login form
    assert "/auth/login?next=" in gate.page.url


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_wrong_password_shows_the_error(gate, lang):
    gate.goto("/auth/login")
    if lang != "en":
        gate.set_language(lang)
    gate.login("liaison.gt@demo.example", "not-the-right-password", expect_ok=False)
    error = gate.page.locator("main [role=alert]")
    assert error.inner_text().strip() == translate(lang, "Wrong email or password.")
    # What was typed is kept, except the password.
    assert gate.page.locator("#email").input_value() == "liaison.gt@demo.example"
    assert gate.page.locator("#password").input_value() == ""
    assert gate.lang == lang


def test_language_switch_logged_out_and_logged_in(gate):
    gate.goto("/")
    assert gate.lang == "en"
    for lang in ("es", "fr", "en"):
        gate.set_language(lang)
        assert gate.page.locator("h1").inner_text() == translate(lang, "Consular Practice Exchange")
    # The language chosen before logging in stays for the session; after logging in the
    # account's own language applies, and a switch is saved on the account.
    gate.set_language("fr")
    gate.goto("/auth/login")
    assert gate.lang == "fr"
    gate.login("facilitator@demo.example")
    assert gate.lang == "en"
    gate.set_language("es")
    gate.goto("/auth/profile")
    assert gate.lang == "es"
    assert gate.page.locator("#locale").input_value() == "es"
    gate.logout()
    gate.login("facilitator@demo.example")
    assert gate.lang == "es"
    gate.set_language("en")
    gate.logout()


def test_language_switch_keeps_the_page(gate):
    gate.goto("/auth/reset")
    gate.set_language("es")
    assert gate.page.url.endswith("/auth/reset")
    assert gate.page.locator("h1").inner_text() != ""


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_error_pages_are_translated(gate, lang):
    gate.goto("/")
    gate.set_language(lang)
    gate.goto("/no-such-page", status=404)
    assert gate.page.locator("h1").inner_text() == translate(lang, "Page not found")
    gate.login("liaison.mx@demo.example")
    gate.goto("/admin/", status=403)
    assert gate.page.locator("h1").inner_text() == translate("es", "Access denied")
    gate.logout()


def test_password_reset_from_the_emailed_link(gate, live_server):
    gate.goto("/auth/login")
    gate.set_language("fr")
    gate.page.locator("main form a").click()
    gate.check()
    gate.page.fill("#email", "liaison.gt@demo.example")
    with gate.page.expect_navigation():
        gate.page.locator("main form button[type=submit]").click()
    gate.check()
    message = live_server.messages_to("liaison.gt@demo.example")[-1]
    link = link_in(message)
    assert link.startswith(live_server.url + "/auth/reset/")
    gate.goto(link)
    assert gate.lang == "fr"
    gate.page.fill("#password", "a brand new password 2026")
    gate.page.fill("#confirm", "a brand new password 2026")
    with gate.page.expect_navigation():
        gate.page.locator("main form button[type=submit]").click()
    gate.check()
    assert "Carlos Méndez" in gate.page.locator(".account-menu").inner_text()
    gate.logout()
    # The link was single-use.
    gate.goto(link, status=410)
    gate.login("liaison.gt@demo.example", "a brand new password 2026")
    gate.logout()
    assert DEMO_PASSWORD


@pytest.mark.parametrize(("lang", "address"), [("es", "nueva.enlace@example.org"), ("fr", "nouvelle.liaison@example.org")])
def test_admin_invites_a_liaison_who_accepts_from_the_email(make_gate, live_server, lang, address):
    admin = make_gate()
    admin.goto("/")
    admin.login("admin@demo.example")
    admin.follow(".account-menu a[href='/admin/']")
    admin.follow(".sub-nav a[href='/admin/invitations']")
    page = admin.page
    page.fill("#email", address)
    honduras = page.locator("#delegation option", has_text="(HN)").get_attribute("value")
    page.select_option("#delegation", honduras)
    page.select_option("#role", "liaison")
    page.select_option("#language", lang)
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").click()
    admin.check()
    assert address in page.locator(".flash-success").inner_text()
    assert address in page.locator("main table").inner_text()

    # The invitee follows the link of the email (written in the language chosen by the admin)
    # and switches the page to that language.
    message = live_server.messages_to(address)[-1]
    assert message["Subject"] == translate(lang, "Invitation to the Consular Practice Exchange")
    link = link_in(message)
    assert link.startswith(live_server.url + "/auth/invitation/")
    invitee = make_gate()
    invitee.goto(link)
    invitee.set_language(lang)
    assert invitee.page.url == link
    assert address in invitee.page.locator("main").inner_text()
    invitee.page.fill("#display_name", "Ana Invitada (Consulado de Tegucigalpa)")
    invitee.page.fill("#password", "un mot de passe assez long")
    invitee.page.fill("#confirm", "un mot de passe assez long")
    invitee.submit_button()
    assert "Ana Invitada" in invitee.page.locator(".account-menu").inner_text()
    assert invitee.lang == lang
    invitee.logout()
    invitee.login(address, "un mot de passe assez long")
    invitee.logout()
    # The link works only once.
    invitee.goto(link, status=410)
