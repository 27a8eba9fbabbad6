"""What-if and the journey for one body area in a real browser: with JavaScript off, shared, on a phone."""

from __future__ import annotations

import pytest

from .tools import axe_violations, axe_violations_without_scripts, overflow_problems, path_of, tab_to

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
LUNG_STAGING = "/start?situation=staging&site=lung&age=60&factors="
# inner_text keeps the visually hidden ", now" that screen readers hear in place of the arrow.
PET_CT_MOVES = "FDG PET/CT scan: commonly used → , now not usually used for this (because of pregnancy)"


def changes_text(page) -> str:
    """What the "What changes" part says, as one line of visible text."""
    return " ".join(page.locator("#what-changes ~ ul.ig-whatif-list").first.inner_text().split())


def test_with_javascript_off_a_person_changes_one_factor_from_a_result(no_js_page, browser_context):
    page = no_js_page
    page.goto(LUNG_STAGING)
    page.goto("/results")
    page.locator("summary", has_text="What if one answer were different?").click()
    page.get_by_role("link", name="Change one answer and see what changes").click()
    assert path_of(page).startswith("/what-if?")
    page.locator("summary", has_text="Things to tell the care team").click()
    page.get_by_label("Add: I am or might be pregnant", exact=True).check()
    page.get_by_role("button", name="Show what changes for things to tell the care team").click()
    page.wait_for_load_state()
    assert "toggle=factors%3Apregnant" in path_of(page)
    assert PET_CT_MOVES in changes_text(page)
    assert "Why: During pregnancy, scans with a radioactive" in changes_text(page)
    served = page.request.get(page.url)
    assert served.status == 200
    assert axe_violations_without_scripts(browser_context, page.url, _Served(served)) == []


class _Served:
    """An APIResponse dressed as the page's own response, for axe_violations_without_scripts."""

    def __init__(self, response) -> None:
        self.status, self.headers, self._body = response.status, response.headers, response.body()

    def body(self) -> bytes:
        return self._body


def test_the_same_link_shows_the_same_in_a_fresh_browser(page, playwright_driver, live_server, tmp_path):
    from .conftest import launch

    page.goto(f"/what-if?{LUNG_STAGING.split('?')[1]}&toggle=factors:pregnant")
    mine = page.locator("main").inner_text()
    fresh_context = launch(playwright_driver, live_server, tmp_path / "fresh-profile")
    try:
        fresh = fresh_context.new_page()
        fresh.goto(page.url)
        assert fresh.locator("main").inner_text() == mine
        assert PET_CT_MOVES in changes_text(fresh)
    finally:
        fresh_context.close()
    assert axe_violations(page) == []


def test_the_picker_works_by_keyboard_and_passes_axe(page):
    page.goto(f"/what-if?{LUNG_STAGING.split('?')[1]}")
    assert axe_violations(page) == []
    tab_to(page, text="Age: 60 years")
    page.keyboard.press("Enter")
    tab_to(page, element_id="to-age")
    page.keyboard.type("30")
    page.keyboard.press("Enter")
    page.wait_for_url("**/what-if?*change=age&to=30")
    assert "Age: 60 years to 30 years" in page.locator(".ig-summary-box").inner_text()
    assert axe_violations(page) == []


def test_the_journey_on_a_phone_stacks_without_sideways_scroll(page):
    page.set_viewport_size(PHONE)
    page.goto("/journey?site=lung&age=60&factors=pregnant")
    assert page.locator("thead th[scope=col]").count() == 6
    assert overflow_problems(page, scrollers=".ig-compare thead") == []  # headers kept for screen readers
    staging_pet_ct = page.locator('td[data-situation="staging"][data-test="pet_ct"]')
    assert "Not usually used for this" in staging_pet_ct.inner_text()
    assert "Staging" in staging_pet_ct.inner_text()  # on a phone each cell names its situation
    assert axe_violations(page) == []


def test_the_journey_on_a_wide_screen_is_one_table_of_six_columns(page):
    page.goto("/journey?site=breast&age=50")
    headers = page.locator("thead th[scope=col]").all_inner_texts()
    assert headers == [
        "Screening",
        "Looking into symptoms",
        "Biopsy",
        "Staging",
        "During treatment",
        "After treatment",
    ]
    mammogram = page.locator('td[data-situation="screening"][data-test="mammogram"]')
    assert mammogram.inner_text().strip() == "Commonly used"  # the situation's name shows only on phones
    assert axe_violations(page) == []


def test_the_journey_form_with_javascript_off(no_js_page):
    page = no_js_page
    page.goto("/journey")
    page.get_by_role("button", name="Show the journey").click()
    page.wait_for_load_state()
    assert page.locator(".ig-error-summary").inner_text().count("Select a body area") == 1
    page.get_by_label("Lung", exact=True).check()
    page.get_by_role("textbox", name="Age").fill("60")
    page.get_by_role("button", name="Show the journey").click()
    page.wait_for_load_state()
    assert path_of(page).startswith("/journey?site=lung")
    assert page.locator("thead th[scope=col]").count() == 6
