"""Browser fixtures: a live gunicorn server, Debian's Chromium through Playwright, and a `gate`
that runs axe-core on every page a test visits and fails the test on any dialog, request to
another origin, or console error (a blocked script shows up there)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.support import Translations
from liveserver import DEMO_ACCOUNTS, DEMO_PASSWORD, start_server, stop_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    f"{CHROMIUM} is missing, so the browser tests cannot run. Install Debian's Chromium with:\n"
    "    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "translations"

# (path, language) of every page axe checked in this run, for the summary line.
AUDITED: set[tuple[str, str]] = set()


def pytest_collection_modifyitems(items):
    """Everything in this folder drives a browser or a live server."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    """Say how many pages and languages axe checked."""
    if AUDITED:
        languages = sorted({lang for _, lang in AUDITED})
        paths = {path for path, _ in AUDITED}
        terminalreporter.write_line(
            f"axe-core: {len(AUDITED)} page views checked ({len(paths)} distinct pages, "
            f"languages {', '.join(languages)}), 0 WCAG 2.1 A/AA violations allowed"
        )


def translate(lang: str, message: str, **values) -> str:
    """A message as the application shows it in a language (from the compiled catalogs)."""
    if lang == "en":
        text = message
    else:
        mo = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.mo"
        if not mo.exists():
            pytest.fail(f"{mo} is missing: run `make translations` first", pytrace=False)
        # Completeness of the catalogs is checked elsewhere; here the page must show what
        # the catalog says.
        text = Translations.load(str(TRANSLATIONS_DIR), [lang]).gettext(message)
    return text % values if values else text


@pytest.fixture(scope="session")
def live_server():
    """A gunicorn process with a fresh instance folder, the migrated schema and the demo data."""
    server = start_server()
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(INSTALL_HINT, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe():
    """The axe-core runner."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


class Gate:
    """A page plus the checks every visited page must pass."""

    def __init__(self, browser, server, axe, *, bypass_csp: bool = False):
        self.server = server
        self.axe = axe
        self.context = browser.new_context(
            base_url=server.url, locale="en-US", bypass_csp=bypass_csp,
            viewport={"width": 1280, "height": 900},
        )
        self.context.set_default_timeout(15000)
        self.foreign_requests: list[str] = []
        self.dialogs: list[str] = []
        self.console_errors: list[str] = []
        self.loads: list[str] = []
        self.checked = 0
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)
        self.page.on("load", lambda page: self.loads.append(page.url))

    def _route(self, route) -> None:
        if route.request.url.startswith(self.server.url + "/"):
            route.continue_()
        else:
            self.foreign_requests.append(route.request.url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message) -> None:
        # Pages answered with 4xx on purpose (a wrong password is a 401) log "Failed to load
        # resource"; anything else (a script or style refused by the CSP, a script error) fails.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(f"{self.page.url}: {message.text}")

    @property
    def lang(self) -> str:
        """The language of the page (the lang attribute of <html>)."""
        return self.page.evaluate("document.documentElement.lang")

    def goto(self, path: str, status: int | None = 200):
        """Open a page, check its status and run the checks."""
        response = self.page.goto(path)
        self.check()
        if status is not None:
            assert response is not None and response.status == status, (
                f"{path}: expected {status}, got {response.status if response else None}"
            )
        return response

    def check(self) -> None:
        """Run axe-core on the page now shown: 0 WCAG 2.1 A/AA violations."""
        self.page.wait_for_load_state("load")
        self.page.evaluate("1")  # let pending page events arrive first
        results = self.axe.run(
            self.page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        violations = results.response["violations"]
        lang = self.lang
        assert not violations, f"axe on {self.page.url} ({lang}):\n" + _describe(violations)
        AUDITED.add((_normalized_path(self.page.url), lang))
        self.checked = len(self.loads)

    def finish(self) -> None:
        """Fail on unchecked page loads, dialogs, foreign requests and console errors."""
        assert self.checked == len(self.loads), (
            f"pages loaded without the accessibility check: {self.loads[self.checked:]}"
        )
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.foreign_requests, f"requests to other origins: {self.foreign_requests}"
        assert not self.console_errors, f"console errors: {self.console_errors}"

    def close(self) -> None:
        """Close the browser context."""
        self.context.close()

    # Journeys shared by several tests

    def set_language(self, lang: str) -> None:
        """Switch the interface language with the switcher in the header."""
        self.page.locator(f'.language-switcher button[value="{lang}"]').click()
        self.page.wait_for_url(re.compile(".*"))
        self.check()
        assert self.lang == lang

    def login(self, email: str, password: str = DEMO_PASSWORD, *, expect_ok: bool = True) -> None:
        """Log in through the form of the login page."""
        if urlsplit(self.page.url).path != "/auth/login":
            self.goto("/auth/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        self.check()
        if expect_ok:
            assert self.page.locator(".account-menu form").count() == 1, "not logged in"

    def submit(self, name: str = "submit") -> None:
        """Press a submit button of the main form (by its name) and check the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(f"main form [name={name}]").click()
        self.check()

    def submit_button(self) -> None:
        """Press the (only) submit button of the main content's form."""
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        self.check()

    def follow(self, selector: str) -> None:
        """Follow a link and check the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        self.check()

    def logout(self) -> None:
        """Log out with the button of the account menu."""
        with self.page.expect_navigation():
            self.page.locator(".account-menu button[type=submit]").click()
        self.check()
        assert self.page.locator(".account-menu form").count() == 0, "still logged in"


def _normalized_path(url: str) -> str:
    path = urlsplit(url).path
    return re.sub(r"/(\d+|[A-Za-z0-9_-]{30,})(?=/|$)", "/<id>", path)


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


@pytest.fixture
def gate(browser, live_server, axe):
    """A fresh browser context on the live server, checked after the test."""
    checker = Gate(browser, live_server, axe)
    yield checker
    try:
        checker.finish()
    finally:
        checker.close()


@pytest.fixture
def make_gate(browser, live_server, axe):
    """Open more browser contexts (several people at once, or with the CSP bypassed)."""
    opened: list[Gate] = []

    def _make(**options) -> Gate:
        checker = Gate(browser, live_server, axe, **options)
        opened.append(checker)
        return checker

    yield _make
    try:
        for checker in opened:
            checker.finish()
    finally:
        for checker in opened:
            checker.close()


@pytest.fixture(scope="session")
def sample(live_server) -> dict:
    """Ids, slugs and tokens of the data the checks rely on (see pages.SAMPLE_VALUES_CODE)."""
    from pages import sample_values

    return sample_values(live_server)


@pytest.fixture(scope="session")
def demo_accounts() -> dict[str, str]:
    """Demo role -> email."""
    return dict(DEMO_ACCOUNTS)
