"""Keyboard only: skip link, tab order and visible focus, through logging in, switching the
language, starting a thread with a preview, replying and logging out (a liaison officer)."""

from __future__ import annotations

FOCUS_INFO = """
(selector) => {
  const el = document.activeElement;
  if (!el || el === document.body) return {none: true};
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {
    matches: el.matches(selector),
    description: el.outerHTML.slice(0, 120),
    visibleFocus: outline || shadow,
    onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
              && rect.top < innerHeight && rect.left < innerWidth,
  };
}
"""


class Keyboard:
    """Drive a checked page with the keyboard only."""

    def __init__(self, gate):
        self.gate = gate
        self.page = gate.page

    def tab_to(self, selector: str, limit: int = 80) -> None:
        """Press Tab until the selector has the focus; every stop must show a visible focus."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            info = self.page.evaluate(FOCUS_INFO, selector)
            if info.get("none"):
                continue
            assert info["visibleFocus"], f"no visible focus on {info['description']}"
            assert info["onScreen"], f"focused element off screen: {info['description']}"
            if info["matches"]:
                return
        raise AssertionError(f"{selector} never got the focus with Tab on {self.page.url}")

    def enter(self) -> None:
        """Press Enter on the focused link or button and check the page it leads to."""
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.gate.check()

    def type(self, text: str) -> None:
        """Type into the focused field."""
        self.page.keyboard.type(text)


def test_keyboard_only_journey(gate, sample):
    page = gate.page
    keys = Keyboard(gate)
    gate.goto("/")
    # No positive tabindex anywhere: the tab order is the reading order.
    assert page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count() == 0

    # The first Tab reaches the skip link, which shows up and moves the focus to the content.
    keys.tab_to(".skip-link", limit=1)
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"

    # From the content, the next stops are in the content: the hero's Log in button.
    keys.tab_to("main a[href^='/auth/login']")
    keys.enter()
    keys.tab_to("#email")
    keys.type("liaison.mx@demo.example")
    keys.tab_to("#password", limit=1)
    keys.type("demo-password-2026")
    keys.enter()  # Enter in the password field sends the form
    assert "Lucía Hernández" in page.locator(".account-menu").inner_text()
    assert gate.lang == "es"

    # Switch to English with the language buttons.
    gate.goto("/")
    keys.tab_to(".language-switcher button[value='en']")
    keys.enter()
    assert gate.lang == "en"

    try:
        # Start a thread.
        keys.tab_to(".main-nav a[href='/new']")
        keys.enter()
        keys.tab_to("#category")
        page.keyboard.type("Open consultation")  # type-ahead selects the option
        assert page.locator("#category").input_value() == sample["category_slug"]
        keys.tab_to("#title", limit=1)
        keys.type("Keyboard-only thread about consular registries")
        keys.tab_to("#tags", limit=1)
        keys.type("ninez migrante")
        keys.tab_to("#body")
        keys.type("Written **without a mouse**.")
        keys.tab_to("main form [name=preview]")
        keys.enter()
        assert page.locator(".server-preview strong").inner_text() == "without a mouse"
        keys.tab_to("main form [name=submit]")
        keys.enter()
        assert page.locator("h1").inner_text() == "Keyboard-only thread about consular registries"
        assert "niñez migrante" not in page.locator(".thread-head").text_content()  # shown in English
        assert "migrant children" in page.locator(".thread-head .tag-list").text_content().casefold()

        # Reply.
        keys.tab_to(".reply-box textarea#body")
        keys.type("A reply typed with the keyboard.")
        keys.tab_to(".reply-box [name=submit]")
        keys.enter()
        assert "A reply typed with the keyboard." in page.locator("article.post").last.inner_text()
    finally:
        # Back to Spanish for the other journeys, then log out, still with the keyboard.
        gate.goto("/")
        keys.tab_to(".language-switcher button[value='es']")
        keys.enter()
    keys.tab_to(".account-menu button[type=submit]")
    keys.enter()
    assert page.locator(".account-menu form").count() == 0
