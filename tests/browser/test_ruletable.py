"""The rule table in a real browser: no axe violation, a phone-sized screen, and a walk by keyboard."""

from __future__ import annotations

import pytest

from .tools import axe_violations, overflow_problems, page_width, tab_to

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
CELL = "/rules/breast/screening/breast_mri"
PAGES = ["/rules", "/rules/breast", "/rules/breast/screening/breast_mri", "/rules/changelog"]


@pytest.mark.parametrize("url", PAGES)
def test_rule_table_pages_have_no_axe_violation(page, url):
    response = page.goto(url)
    assert response.status == 200
    assert axe_violations(page) == []


@pytest.mark.parametrize("url", PAGES)
def test_rule_table_pages_on_a_phone_never_scroll_sideways(page, url):
    page.set_viewport_size(PHONE)
    assert page.goto(url).status == 200
    assert page_width(page) <= PHONE["width"] + 1
    # On a phone the table's header row is hidden from sight (it stays for screen readers).
    assert overflow_problems(page, scrollers=".ig-ruletable thead") == []


def test_the_site_table_stacks_on_a_phone_each_cell_named_by_its_situation(page):
    page.set_viewport_size(PHONE)
    page.goto("/rules/breast")
    table = page.locator("table.ig-ruletable")
    assert table.evaluate("(t) => t.scrollWidth <= t.clientWidth")
    labels = page.locator("table.ig-ruletable tbody tr").first.locator(".ig-ruletable__label")
    assert [labels.nth(i).inner_text() for i in range(labels.count())] == [
        "Screening",
        "Looking into symptoms",
        "Biopsy",
        "Staging",
        "During treatment",
        "After treatment",
    ]
    assert page.get_by_role("columnheader", name="Staging").count() == 1  # still a table to a screen reader
    assert axe_violations(page) == []


def test_on_a_wide_screen_the_levels_sit_under_their_situations(page):
    page.goto("/rules/breast")
    header = page.get_by_role("columnheader", name="Screening")
    assert header.is_visible()
    assert not page.locator(".ig-ruletable__label").first.is_visible()
    row = page.get_by_role("row", name="Mammogram", exact=False).first
    level = row.get_by_role("link").first
    assert level.inner_text().startswith("Commonly used")
    assert abs(level.bounding_box()["x"] - header.bounding_box()["x"]) < 20


def test_a_keyboard_user_opens_a_cell_from_the_table_and_finds_its_sources(page):
    page.goto("/rules")
    tab_to(page, text="Breast")
    page.keyboard.press("Enter")
    page.wait_for_url("**/rules/breast")
    # The link reads "Commonly used: Breast MRI, Screening"; its hidden part makes innerText break a line.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == CELL:
            break
    assert page.evaluate("() => document.activeElement.innerText").startswith("Commonly used")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + CELL)
    assert page.get_by_role("heading", level=2, name="Safety factors that change the level").is_visible()
    assert page.get_by_text("Last reviewed").first.is_visible()
