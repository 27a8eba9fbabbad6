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
]  # the compare page has its own test below
COMPARE = "/tests/compare?tests=ct,mri,pet_ct"


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
    assert overflow_problems(page) == []
    assert axe_violations(page) == []


def test_compare_on_a_phone_stacks_instead_of_scrolling_sideways(page):
    page.set_viewport_size(PHONE)
    response = page.goto(COMPARE)
    assert response.status == 200
    assert page_width(page) <= PHONE["width"]
    # The header row is visually hidden on a phone (it stays for screen readers); nothing else may
    # stick out or be cut off.
    assert overflow_problems(page, scrollers=".ig-compare thead") == []
    table = page.locator("table.ig-compare")
    assert table.evaluate("(t) => t.scrollWidth <= t.clientWidth")
    # Each cell is headed by its test's name, since the columns are gone.
    labels = page.locator("table.ig-compare tbody tr").first.locator(".ig-compare__test")
    assert [labels.nth(i).inner_text() for i in range(labels.count())] == [
        "CT scan",
        "MRI scan",
        "FDG PET/CT scan",
    ]
    assert page.get_by_role("columnheader", name="MRI scan").count() == 1  # still a table to a screen reader
    assert axe_violations(page) == []


def test_compare_on_a_wide_screen_is_a_table_with_its_headers_in_view(page):
    response = page.goto(COMPARE)
    assert response.status == 200
    assert page_width(page) <= page.viewport_size["width"]
    header = page.get_by_role("columnheader", name="PET/CT")
    assert header.is_visible()
    assert not page.locator(".ig-compare__test").first.is_visible()  # the names head the columns instead
    cell = page.get_by_role("row", name="Time").get_by_role("cell").nth(2)
    assert cell.bounding_box()["x"] >= header.bounding_box()["x"] - 1  # same column, side by side


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
