"""Browser tests: Playwright drives the system Chromium against pytest-django's live server.

The live server runs in a thread of this process, so the locmem outbox
(`django.core.mail.outbox`) holds the mail the browser's actions send.
"""

import os

# Playwright's sync API keeps an event loop running in this thread; Django refuses ORM
# calls from such a thread unless told the caller knows what it is doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The loopback address itself, not "localhost", so nothing depends on name resolution.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer  # noqa: E402

CHROMIUM = os.environ.get("PIKOSHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "e2e"
# Generous for a 2-core CI machine, short enough that a hang fails fast.
TIMEOUT_MS = 15_000


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """A thread per connection (keep-alive works), but one request inside Django at a time.

    An in-memory SQLite test database is one connection shared with the server thread;
    the uploader's parallel requests would use it from several threads at once and fail
    with "database table is locked". Requests queue here instead.
    """

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, serialized when the database is in-memory SQLite.

    It depends on the test database being set up first: only then can it see that the
    database is in memory and hand its connection to the server's threads. With
    PostgreSQL (CI) it is exactly pytest-django's threaded server.
    """
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    if server.thread.connections_override:
        server.thread.server_class = _OneRequestAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; a missing browser is a failure, never a skip."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install -y chromium) "
            "or point PIKOSHI_CHROMIUM at a Chromium binary.",
            pytrace=False,
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server, request):
    """Open a fresh browser profile (own cookies) on the live server; closed after the test.

    When the test fails, every page still open is saved under artifacts/e2e/failures/.
    """
    contexts = []
    for old in (ARTIFACTS / "failures").glob(f"{request.node.name}-*.png"):
        old.unlink()

    def make(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = ARTIFACTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                page.screenshot(path=folder / f"{request.node.name}-{i}-{j}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in(new_context, live_server):
    """A browser profile already signed in as a person (their session cookie set)."""
    from django.conf import settings
    from django.test import Client

    def open_as(user, **options):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context = new_context(**options)
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return context

    return open_as


@pytest.fixture
def shot(request):
    """Save a numbered full-page screenshot of a step under artifacts/e2e/<test name>/."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 1000))

    def take(page, name: str):
        page.screenshot(path=folder / f"{next(counter):02d}-{name}.png", full_page=True)

    return take


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
