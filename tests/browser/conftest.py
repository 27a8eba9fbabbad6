"""A live server, one headless Chromium per session, a fresh page per test that records its requests.

The browser is Debian's /usr/bin/chromium (Playwright cannot download its own here). Without it the
tests skip; under CI=true a missing browser is a failure, so CI never passes by testing nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
from werkzeug.serving import make_server

from ..conftest import make_app
from .validity import NuChecker, start_checker

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every host name fails to resolve except the live server's, so nothing can reach the internet.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 900}


def browser_unavailable(reason: str) -> NoReturn:
    """Skip the browser tests, or fail them under CI=true, where a missing browser is a broken build."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Browser tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(f"Browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the app on a free local port for the whole session; yield its base URL."""
    database = tmp_path_factory.mktemp("live") / "live.sqlite3"
    with serving(make_app(database, SECRET_KEY="browser-tests-key-0123456789"), "live-server") as url:
        yield url


@contextmanager
def serving(app: Any, name: str) -> Iterator[str]:
    """Serve an app on a free local port in a thread; yield its base URL, then stop it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """Start Playwright once, or skip (fail under CI) when it is not installed."""
    if not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        browser_unavailable(f"playwright cannot be imported ({exc}); install the test extras")
    with sync_playwright() as driver:
        yield driver


def launch(driver: Any, base_url: str, user_data_dir: Path, **options: Any) -> Any:
    """Open a Chromium persistent context in a fresh profile, or skip (fail under CI) if it will not start."""
    try:
        return driver.chromium.launch_persistent_context(
            user_data_dir=str(user_data_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=DESKTOP,
            base_url=base_url,
            **options,
        )
    except Exception as exc:  # Playwright raises its own Error types for every launch problem
        browser_unavailable(f"Chromium failed to launch: {str(exc).splitlines()[0]}")


@pytest.fixture(scope="session")
def browser_context(playwright_driver, live_server, tmp_path_factory) -> Iterator[Any]:
    """One Chromium for the whole session; `page.goto("/path")` goes to the live server."""
    context = launch(playwright_driver, live_server, tmp_path_factory.mktemp("chromium-profile"))
    yield context
    context.close()


@pytest.fixture(scope="session")
def no_js_context(playwright_driver, live_server, tmp_path_factory) -> Iterator[Any]:
    """A second Chromium with JavaScript switched off, started only by the tests that need it."""
    context = launch(
        playwright_driver, live_server, tmp_path_factory.mktemp("chromium-no-js"), java_script_enabled=False
    )
    yield context
    context.close()


@dataclass
class Requests:
    """Every URL a page asked for, so a test can prove none left the site."""

    base_url: str
    urls: list[str] = field(default_factory=list)

    def offsite(self) -> list[str]:
        """The requests that went anywhere but the live server."""
        return [url for url in self.urls if not url.startswith(self.base_url + "/")]


@pytest.fixture
def requests(live_server) -> Requests:
    """What the test's page asked for; filled in by the `page` or `no_js_page` fixture."""
    return Requests(live_server)


def open_page(context: Any, requests: Requests) -> Any:
    """A new tab with no cookies left from earlier tests, recording its requests."""
    context.clear_cookies()
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.on("request", lambda request: requests.urls.append(request.url))
    return tab


@pytest.fixture
def page(browser_context, requests) -> Iterator[Any]:
    """A fresh tab in the session's browser, closed after the test."""
    tab = open_page(browser_context, requests)
    yield tab
    tab.close()


@pytest.fixture
def no_js_page(no_js_context, requests) -> Iterator[Any]:
    """A fresh tab in the browser with JavaScript off, closed after the test."""
    tab = open_page(no_js_context, requests)
    yield tab
    tab.close()


@pytest.fixture(scope="session")
def nu_checker(tmp_path_factory) -> Iterator[NuChecker]:
    """The Nu HTML Checker as a local service for the session; skips (fails under CI) without Java or vnu."""
    checker = start_checker(tmp_path_factory.mktemp("vnu"))
    yield checker
    checker.stop()
