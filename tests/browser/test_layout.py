"""On a phone and at double text size, nothing scrolls sideways and no text is cut off."""

from __future__ import annotations

import pytest

from .tools import axe_violations, overflow_problems, page_width, path_of

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SCREENSHOT = "/tmp/ig-phone-results.png"
RESULTS = ["/start?situation=staging&site=lung&age=60&factors=implant,kidney", "/results"]

PAGES = [
    ("start", ["/"], "/"),
    ("a step", ["/start?situation=screening&site=lung"], "/q/age"),
    ("results", RESULTS, "/results"),
    (
        "compare",
        ["/tests/compare?tests=ct&tests=mri&tests=pet_ct"],
        "/tests/compare?tests=ct&tests=mri&tests=pet_ct",
    ),
]


@pytest.mark.parametrize(("links", "lands_on"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_a_phone_never_scrolls_sideways(page, links, lands_on):
    page.set_viewport_size(PHONE)
    for link in links:
        response = page.goto(link)
    assert path_of(page) == lands_on
    assert response.status == 200
    if lands_on == "/results":
        page.screenshot(path=SCREENSHOT, full_page=True)  # for a person to look over; not committed
    assert page_width(page) <= PHONE["width"] + 1
    # The compare table may scroll inside its own region; nothing else may stick out.
    assert overflow_problems(page, scrollers=".ig-table-wrap") == []
    # At this width the compare table scrolls; axe checks its region can be reached by keyboard.
    assert axe_violations(page) == []


def test_results_at_double_text_size_fit_the_window(page):
    for link in RESULTS:
        response = page.goto(link)
    assert response.status == 200
    body_text_size = "() => parseFloat(getComputedStyle(document.body).fontSize)"
    normal = page.evaluate(body_text_size)
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert page.evaluate(body_text_size) == 2 * normal
    assert page_width(page) <= page.viewport_size["width"] + 1
    assert overflow_problems(page) == []
