"""A link that would replace answers in progress asks first: with JavaScript off, by keyboard, on a phone."""

from __future__ import annotations

import pytest

from .tools import (
    axe_violations,
    axe_violations_without_scripts,
    focused,
    overflow_problems,
    page_width,
    path_of,
    tab_to,
)

pytestmark = pytest.mark.browser

LUNG = "/start?situation=staging&site=lung&age=60&factors=implant,kidney"
BREAST = "/start?situation=screening&site=breast&age=50&risk=average&factors="
QUESTION = "Replace your answers with the ones in this link?"
YES, NO = "Yes, use the link’s answers", "No, keep my answers"
PHONE = {"width": 360, "height": 740}


def answer_row(page, key: str) -> str:
    row = page.locator("main .ig-summary-list__row", has=page.locator("dt", has_text=key))
    return row.first.locator(".ig-summary-list__value").inner_text()


def test_with_javascript_off_no_keeps_the_answers_and_yes_replaces_them(
    no_js_page, browser_context, requests
):
    page = no_js_page
    page.goto(LUNG)
    assert path_of(page) == "/check"
    served = page.goto(BREAST)
    assert served.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == QUESTION
    # axe is a script itself, so it checks the page as served in the other browser, scripts blocked.
    assert axe_violations_without_scripts(browser_context, page.url, served) == []

    page.get_by_role("link", name=NO, exact=True).click()
    assert path_of(page) == "/results"
    page.goto("/check")
    assert answer_row(page, "Body area") == "Lung"

    page.goto(BREAST)
    page.get_by_role("button", name=YES, exact=True).click()
    assert path_of(page) == "/check"
    assert answer_row(page, "Body area") == "Breast"
    assert answer_row(page, "Risk") == "Average risk"
    assert requests.offsite() == []


def test_by_keyboard_yes_then_no_and_enter_on_yes_replaces(page):
    page.goto(LUNG)
    page.goto(BREAST)
    assert axe_violations(page) == []
    tab_to(page, text=YES)  # every stop on the way shows where focus is
    page.keyboard.press("Tab")
    assert focused(page)["text"] == NO
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check")
    assert answer_row(page, "Body area") == "Breast"


def test_on_a_phone_the_question_fits_without_scrolling_sideways(page):
    page.set_viewport_size(PHONE)
    page.goto(LUNG)
    page.goto(BREAST)
    assert page.get_by_role("heading", level=1).inner_text() == QUESTION
    assert page_width(page) <= PHONE["width"] + 1
    assert overflow_problems(page) == []
    assert axe_violations(page) == []
