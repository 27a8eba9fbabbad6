"""The "Please wait a moment" page (429, issue 9) in a real browser: no axe violation or Nu error, focus shows.

The server allows one save a minute per address, so the second "Save and get a link" lands there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..conftest import make_app
from .conftest import serving
from .tools import axe_violations, focus_problems, keyboard_stops, path_of

pytestmark = pytest.mark.browser

STAGING_LUNG = "/start?situation=staging&site=lung&age=64&factors=implant,kidney"


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory) -> Iterator[str]:
    """The app with limits on: one save a minute from an address."""
    database = tmp_path_factory.mktemp("limited") / "limited.sqlite3"
    app = make_app(
        database,
        SECRET_KEY="browser-tests-key-limits-0123456789",
        RATELIMIT_ENABLED=True,
        SAVE_LIMITS_PER_CLIENT="1 per minute",
    )
    with serving(app, "limited-server") as url:
        yield url


def press_save(page: Any, base: str) -> Any:
    """Open the results and press "Save and get a link"; the document the server sent back."""
    page.goto(base + "/results")
    with page.expect_response(lambda r: r.request.resource_type == "document") as served:
        page.get_by_role("button", name="Save and get a link", exact=True).click()
    page.wait_for_load_state()
    return served.value


def wait_page(page: Any, base: str) -> Any:
    """Answer, save once (allowed), then save again: the 429 page."""
    page.goto(base + STAGING_LUNG)
    press_save(page, base)
    served = press_save(page, base)
    assert (path_of(page), served.status) == ("/saved", 429)
    assert page.get_by_role("heading", level=1).inner_text() == "Please wait a moment"
    return served


def test_the_wait_page_has_no_axe_violation_and_no_nu_error(page, limited_server, nu_checker):
    served = wait_page(page, limited_server)
    problems = [f"axe: {v}" for v in axe_violations(page)]
    problems += [f"Nu: {e}" for e in nu_checker.errors(served.text())]
    assert not problems, "\n  ".join(problems)


def test_the_wait_page_shows_focus_on_every_stop_and_leads_back_to_the_results(page, limited_server):
    wait_page(page, limited_server)
    stops, came_back = keyboard_stops(page)
    problems = [f"{stop['name']} {problem}" for stop in stops for problem in focus_problems(stop)]
    assert came_back and not problems, "\n  ".join(problems)
    page.get_by_role("button", name="Go back to your results").click()
    page.wait_for_load_state()
    assert path_of(page) == "/results"
    assert page.get_by_role("heading", level=1).inner_text() == "Imaging tests often used in your situation"
