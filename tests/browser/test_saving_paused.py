"""The "Saving is paused" page (issue 9) in a real browser: no axe violation or Nu error, focus always shows.

The server keeps at most one saved result and already holds one, so "Save and get a link" lands there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from webapp.storage.saving import new_token, save

from ..conftest import make_app
from .conftest import serving
from .tools import axe_violations, focus_problems, keyboard_stops, path_of

pytestmark = pytest.mark.browser

STAGING_LUNG = "/start?situation=staging&site=lung&age=64&factors=implant,kidney"


@pytest.fixture(scope="module")
def full_server(tmp_path_factory) -> Iterator[str]:
    """The app at its ceiling on saved results."""
    database = tmp_path_factory.mktemp("full") / "full.sqlite3"
    app = make_app(database, SECRET_KEY="browser-tests-key-full-0123456789", MAX_SAVED_RESULTS=1)
    with app.app_context():
        save(new_token(), {"situation": "screening"}, {"en": "<p>kept</p>"}, "v", dt.timedelta(days=30))
    with serving(app, "full-server") as url:
        yield url


def paused_page(page: Any, base: str) -> Any:
    """Answer, open the results and press "Save and get a link"; the document the server sent back."""
    page.goto(base + STAGING_LUNG)
    page.goto(base + "/results")
    with page.expect_response(lambda r: r.request.resource_type == "document") as served:
        page.get_by_role("button", name="Save and get a link", exact=True).click()
    page.wait_for_load_state()
    assert (path_of(page), served.value.status) == ("/saved", 503)
    assert page.get_by_role("heading", level=1).inner_text() == "Saving is paused"
    return served.value


def test_the_paused_page_has_no_axe_violation_and_no_nu_error(page, full_server, nu_checker):
    served = paused_page(page, full_server)
    problems = [f"axe: {v}" for v in axe_violations(page)]
    problems += [f"Nu: {e}" for e in nu_checker.errors(served.text())]
    assert not problems, "\n  ".join(problems)


def test_the_paused_page_shows_focus_on_every_stop_and_leads_back_to_the_results(page, full_server):
    paused_page(page, full_server)
    stops, came_back = keyboard_stops(page)
    problems = [f"{stop['name']} {problem}" for stop in stops for problem in focus_problems(stop)]
    assert came_back and not problems, "\n  ".join(problems)

    page.get_by_role("link", name="Go back to your results").click()
    page.wait_for_load_state()
    assert path_of(page) == "/results"
    assert page.get_by_role("heading", level=1).inner_text() == "Imaging tests often used in your situation"
    assert "lung" in page.get_by_role("main").inner_text().lower()  # the answers were kept
