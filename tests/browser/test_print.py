"""Printing: a thread prints as its content only (no header, navigation, forms or buttons)."""

from __future__ import annotations

HIDDEN_WHEN_PRINTED = [".site-header", ".site-footer", ".skip-link", ".reply-box form", ".breadcrumbs",
                       ".post-actions", ".language-switcher"]


def _displayed(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => [...document.querySelectorAll(s)].some(e => getComputedStyle(e).display !== 'none')",
        selector,
    )


def test_thread_prints_cleanly(gate, sample):
    gate.goto("/")
    gate.login("liaison.mx@demo.example")
    gate.goto(f"/threads/{sample['thread_id']}")
    page = gate.page
    for selector in HIDDEN_WHEN_PRINTED:
        assert _displayed(page, selector), f"{selector} should show on screen"
    page.emulate_media(media="print")
    for selector in HIDDEN_WHEN_PRINTED:
        assert not _displayed(page, selector), f"{selector} is printed"
    for selector in ("main h1", "article.post .post-body", ".post-author"):
        assert _displayed(page, selector), f"{selector} is not printed"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Georgia" in font or "serif" in font
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
    gate.logout()
