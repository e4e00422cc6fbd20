"""Browser tests: Playwright for Python driving Debian's Chromium against the real app on a live server.

Every test in this folder is marked `browser` (`make test` runs them in their own single-process stage:
`pytest -m browser`). Use the `page` fixture: a fresh browser context per test whose `base_url` is the
live server, so `page.goto("/accounts/login/")` works; the database is transactional, so data made in
the test is seen by the server. `screenshot("name")` saves test-artifacts/screenshots/name.png; a failing
test leaves one named after it. No browser is ever downloaded: without /usr/bin/chromium the tests are
skipped, or fail in CI (CI=true), where `make test` installs Debian's package first.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
HERE = Path(__file__).resolve().parent

# IPv4 loopback: the same address the browser reaches, and already in ALLOWED_HOSTS.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser/ with `browser`."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so `page` can tell at teardown whether the test failed."""
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _allow_async_unsafe():
    """Playwright's sync API runs an event loop in this thread; let the ORM work beside it (tests only)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_allow_async_unsafe):
    """One headless Debian Chromium for the session."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (make test does so as root)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(request, browser, live_server):
    """A page in a fresh context (Chinese locale, no shared cookies) pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "_report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"FAILED-{_slug(request.node.nodeid)}.png", full_page=True)
    context.close()


@pytest.fixture
def screenshot(request, page):
    """`screenshot(name=None, target=page)` saves test-artifacts/screenshots/<name>.png and returns the path."""

    def _screenshot(name=None, target=None):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{_slug(name or request.node.name)}.png"
        (target or page).screenshot(path=path, full_page=True)
        return path

    return _screenshot


def _slug(text):
    """A file-name-safe form of a test id or screenshot name."""
    return re.sub(r"[^\w.-]+", "_", text).strip("_")


_SEEDED = {}  # SQLite: an in-memory copy of the seeded demo database, made once per session


@pytest.fixture
def demo(transactional_db):
    """The demo region in an empty database (the test world shares usernames with the demo: flush first).

    Seeding takes half a minute, so on SQLite (where the browser suite runs) the first test's seeded database is
    copied aside with SQLite's backup API and copied back for every later test, which gets the same rows."""
    import sqlite3

    from django.core.management import call_command
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite" and "copy" in _SEEDED:
        _SEEDED["copy"].backup(connection.connection)
        return
    call_command("flush", interactive=False, verbosity=0)
    call_command("seed_demo", verbosity=0)
    if connection.vendor == "sqlite":
        _SEEDED["copy"] = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(_SEEDED["copy"])
