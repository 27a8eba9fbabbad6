"""Whole journeys in a real browser: by keyboard alone, by mouse, and with JavaScript switched off.

Each journey also proves that nothing was fetched from anywhere but this site (no CDN, fonts or
analytics): every request the page made went to the live server.
"""

from __future__ import annotations

import pytest

from .tools import focused, path_of, tab_to

pytestmark = pytest.mark.browser

IMPLANT = "I have a pacemaker, another implanted device, or metal in my body"
KIDNEY = "I have kidney problems"


def press_continue(page) -> None:
    page.get_by_role("button", name="Continue").click()


def commonly_used(page) -> list[str]:
    """The test names on the cards under the "Commonly used" heading."""
    return page.locator("h2#commonly_used + .ig-cards .ig-card__title").all_inner_texts()


def answer_row(page, key: str) -> str:
    row = page.locator(".ig-summary-list__row", has=page.locator("dt", has_text=key))
    return row.locator(".ig-summary-list__value").inner_text()


def assert_stayed_on_site(requests) -> None:
    assert any("/static/css/app." in url for url in requests.urls), "no requests were recorded"
    assert requests.offsite() == []


def test_journey_a_screening_by_keyboard_alone_with_focus_always_visible(page, requests):
    page.goto("/")
    tab_to(page, text="Start now")
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/situation")

    # Into the radio group, choose the first option, overshoot with an arrow key and come back.
    tab_to(page, element_id="situation")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert focused(page)["text"] == "Checking for cancer with no symptoms"
    assert page.get_by_label("Checking for cancer with no symptoms").is_checked()
    tab_to(page, text="Continue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/site")

    tab_to(page, element_id="site")
    page.keyboard.press("Space")
    assert focused(page)["text"] == "Breast"
    tab_to(page, text="Continue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/age")

    tab_to(page, element_id="age")
    page.keyboard.type("52")
    page.keyboard.press("Enter")  # Enter in a text box sends the form, as people expect
    page.wait_for_url("**/q/risk")

    tab_to(page, element_id="risk")
    page.keyboard.press("Space")
    assert focused(page)["text"] == "Average risk"
    tab_to(page, text="Continue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/factors")

    tab_to(page, element_id="factors-none")
    page.keyboard.press("Space")
    tab_to(page, text="Continue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check")
    assert answer_row(page, "Age") == "52 years"
    assert answer_row(page, "Risk") == "Average risk"

    tab_to(page, text="Show imaging tests")
    page.keyboard.press("Enter")
    page.wait_for_url("**/results")
    assert "Mammogram" in " ".join(commonly_used(page))
    assert_stayed_on_site(requests)


def test_journey_b_staging_with_an_implant_and_kidney_problems_by_mouse(page, requests):
    page.goto("/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Cancer was found").check()
    press_continue(page)
    page.get_by_label("Lung").check()
    press_continue(page)
    page.get_by_label("How old are you?").fill("67")
    press_continue(page)
    page.get_by_label(IMPLANT).check()
    page.get_by_label(KIDNEY).check()
    press_continue(page)
    assert path_of(page) == "/check"
    page.get_by_role("button", name="Show imaging tests").click()

    assert path_of(page) == "/results"
    # The cautions wait in one place, each opened on request, naming the tests it matters for.
    page.locator(".ig-card").first.get_by_role("link", name="See what to tell your care team").click()
    assert page.evaluate("location.hash") == "#tell"
    kidney = page.locator("#tell-kidney summary")
    assert "Kidney problems: what it means for CT scan" in kidney.inner_text()
    caution = page.locator("#tell-kidney dd").first
    assert not caution.is_visible()
    kidney.click()
    assert caution.is_visible()
    assert page.locator("#tell-implant summary").is_visible()
    # The page offers to print a handout.
    page.get_by_role("link", name="Print a handout of these results").click()
    assert path_of(page) == "/results/print"
    assert page.get_by_role("button", name="Print this handout").is_visible()  # JavaScript is on
    page.get_by_role("link", name="Back to your results").click()
    assert path_of(page) == "/results"

    page.get_by_text("See or change your 4 answers").click()
    page.get_by_role("link", name="Change age").click()
    assert path_of(page) == "/q/age?change=1"
    assert page.get_by_label("How old are you?").input_value() == "67"
    page.get_by_label("How old are you?").fill("70")
    press_continue(page)
    assert path_of(page) == "/check"
    assert answer_row(page, "Age") == "70 years"
    assert_stayed_on_site(requests)


def test_journey_c_after_treatment_with_javascript_off(no_js_page, requests):
    page = no_js_page
    page.goto("/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("After treatment").check()
    press_continue(page)
    page.get_by_label("Breast").check()
    press_continue(page)
    page.get_by_label("How old are you?").fill("60")
    press_continue(page)
    page.get_by_label("Regular check-ups, nothing new").check()
    press_continue(page)
    page.get_by_label("None of these").check()
    press_continue(page)
    assert path_of(page) == "/check"
    page.get_by_role("button", name="Show imaging tests").click()

    assert path_of(page) == "/results"
    assert "Mammogram" in " ".join(commonly_used(page))
    # Details open without script.
    details = page.locator(".ig-card details").first
    details.locator("summary").click()
    assert details.get_by_text("What it uses").is_visible()
    # No script: the print page is a plain link, and says how to print instead of a dead button.
    page.get_by_role("link", name="Print a handout of these results").click()
    assert path_of(page) == "/results/print"
    assert not page.get_by_role("button", name="Print this handout").is_visible()
    assert page.get_by_text("use your browser’s Print command").is_visible()
    assert "Mammogram: commonly used." in page.locator(".ig-handout").inner_text()

    page.go_back()
    page.get_by_role("link", name="Start over").click()
    page.get_by_role("button", name="Yes, clear my answers").click()
    assert path_of(page) == "/q/situation"
    assert page.locator("input[name=situation]:checked").count() == 0
    page.goto("/results")
    assert path_of(page) == "/q/situation"
    assert_stayed_on_site(requests)
