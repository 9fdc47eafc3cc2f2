"""Fixtures that drive Debian's headless Chromium against a live autodiag server.

The server listens on 127.0.0.1 only, and every page aborts and records any
request to another host, so a test fails rather than reaching the network.
"""

import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Route,
    sync_playwright,
)
from playwright.sync_api import Request as BrowserRequest
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db

DEFAULT_CHROMIUM = "/usr/bin/chromium"
LOOPBACK = "127.0.0.1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Chromium's own services (updates, safe browsing, extensions) look up host
    # names, so refusing every name but 127.0.0.1 keeps them off the network.
    # page.route below intercepts only the requests that pages make.
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOOPBACK}",
]

PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's report on the item so that fixtures can tell, while
    # tearing down, whether the test failed.
    report = yield
    item.stash.setdefault(PHASE_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Return the Chromium binary, skipping the test if absent (failing on CI)."""
    path = os.environ.get("AUTODIAG_CHROMIUM") or DEFAULT_CHROMIUM
    if not os.access(path, os.X_OK):
        reason = f"Chromium not found at {path}: install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture
def live_server(tmp_path, make_database, monkeypatch) -> Iterator[str]:
    """Serve the app on a fresh migrated database and yield its base URL."""
    monkeypatch.setenv("AUTODIAG_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret-key",
            "SQLALCHEMY_DATABASE_URI": make_database(),
            # Pages must carry their CSRF tokens, as in production.
            "WTF_CSRF_ENABLED": True,
        }
    )

    # Port 0 lets the operating system pick a free port. One thread serves the
    # requests in turn, so SQLite never gets two writers at once.
    # NOTE: the server runs inside pytest, whose filters turn warnings into
    # errors in every thread, so a warning raised by a view becomes a 500.
    server = make_server(LOOPBACK, 0, app)
    thread = threading.Thread(
        target=server.serve_forever, name="autodiag-live-server", daemon=True
    )
    thread.start()

    yield f"http://{LOOPBACK}:{server.server_port}"

    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@dataclass
class PageLog:
    """Errors and off-loopback requests recorded for one page."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"page error: {text}" for text in self.page_errors]
            + [f"server error: {text}" for text in self.server_errors]
            + [
                f"request outside {LOOPBACK} aborted: {url}"
                for url in self.outside_requests
            ]
        )


def watch_page(page: Page) -> PageLog:
    """Record the page's errors and abort every request to a host but loopback."""
    log = PageLog()

    def on_console(message) -> None:
        if message.type == "error":
            log.console_errors.append(f"{message.text} ({message.location})")

    def on_response(response) -> None:
        if response.status >= 500:
            request = response.request
            log.server_errors.append(
                f"{response.status} {request.method} {request.url}"
            )

    def guard(route: Route, request: BrowserRequest) -> None:
        if urlsplit(request.url).hostname == LOOPBACK:
            route.continue_()
        else:
            log.outside_requests.append(request.url)
            route.abort("blockedbyclient")

    page.on("console", on_console)
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    page.on("response", on_response)
    page.route("**/*", guard)
    return log


def artifact_path(node_name: str, label: str) -> Path:
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", node_name).strip("-")
    folder = ARTIFACTS / safe_name
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{label}.png"


class GuardedPages:
    """Pages opened through watch_page, each in a browser context of its own."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.opened: list[tuple[Page, PageLog]] = []
        self.contexts: list[BrowserContext] = []

    def open(self, **context_options) -> Page:
        """Open a page in a new context, passing keyword arguments to new_context()."""
        context = self.browser.new_context(locale="fr-FR", **context_options)
        self.contexts.append(context)
        return self._watch(context.new_page())

    def open_beside(self, page: Page) -> Page:
        """Open another tab in the context of ``page``, sharing its session."""
        return self._watch(page.context.new_page())

    def log(self, page: Page) -> PageLog:
        for opened_page, log in self.opened:
            if opened_page is page:
                return log
        raise LookupError("this page was not opened through GuardedPages")

    def _watch(self, page: Page) -> Page:
        # Fail within 10 s rather than Playwright's default 30 s when a page hangs.
        page.set_default_timeout(10_000)
        self.opened.append((page, watch_page(page)))
        return page


@pytest.fixture
def pages(browser: Browser, request) -> Iterator[GuardedPages]:
    """Yield a GuardedPages whose problems fail the test once it has run.

    Problems are page errors, 5xx responses and requests to any host but
    127.0.0.1. A failed test leaves a screenshot of each page in test-artifacts/.
    """
    guarded = GuardedPages(browser)
    yield guarded

    reports = request.node.stash.get(PHASE_REPORTS, {})
    test_failed = "call" in reports and reports["call"].failed
    problems = []
    for number, (page, log) in enumerate(guarded.opened, start=1):
        page_problems = log.problems()
        if (test_failed or page_problems) and not page.is_closed():
            page.screenshot(
                path=artifact_path(request.node.name, f"failure-page-{number}"),
                full_page=True,
            )
        problems += page_problems
    for context in guarded.contexts:
        context.close()

    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def page(pages: GuardedPages) -> Page:
    return pages.open()


@pytest.fixture
def screenshot(request) -> Callable[[Page, str], None]:
    """Save a full-page screenshot when AUTODIAG_SCREENSHOTS is set."""
    count = 0

    def take(page: Page, label: str) -> None:
        nonlocal count
        if not os.environ.get("AUTODIAG_SCREENSHOTS"):
            return
        count += 1
        path = artifact_path(request.node.name, f"{count:02d}-{label}")
        page.screenshot(path=path, full_page=True)

    return take
