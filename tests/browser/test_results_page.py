"""The results page as a person meets it on a phone.

Short before anything is opened, the summary and the way to keep it first, hard words and details
opened in place, by touch, keyboard or mouse.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .tools import axe_violations, focused, path_of, tab_to

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
EVERY_FACTOR = "pregnant,breastfeeding,implant,kidney,contrast_allergy,claustrophobia"
LUNG_STAGING = f"/start?situation=staging&site=lung&age=60&factors={EVERY_FACTOR}"
# The bars from the issue, for lung staging with all six factors at 360 x 740, nothing opened.
MAX_HEIGHT, FIRST_CARD_BY, SAVE_BY = 4500, 1000, 1500

WHERE = """() => {
  const top = (el) => el ? el.getBoundingClientRect().top + window.scrollY : null;
  const save = [...document.querySelectorAll("button")].find((b) => b.innerText.trim() === "Save and get a link");
  return {height: document.documentElement.scrollHeight, card: top(document.querySelector(".ig-card")), save: top(save)};
}"""


def open_results(page, link: str = LUNG_STAGING) -> None:
    page.goto(link)
    page.goto("/results")
    assert path_of(page) == "/results"


def test_on_a_phone_the_result_is_short_and_starts_with_what_is_usually_done(page):
    page.set_viewport_size(PHONE)
    open_results(page)
    where = page.evaluate(WHERE)
    assert where["height"] <= MAX_HEIGHT, where
    assert where["card"] <= FIRST_CARD_BY, where
    assert where["save"] <= SAVE_BY, where
    assert page.locator("details[open]").count() == 0
    assert axe_violations(page) == []


def test_each_test_in_the_summary_goes_to_its_card(page):
    open_results(page)
    page.locator(".ig-summary-box").get_by_role("link", name="CT scan", exact=True).click()
    assert page.evaluate("location.hash") == "#test-ct"
    card = page.locator("#test-ct")
    assert card.is_visible()
    assert card.evaluate(
        "(el) => { const b = el.getBoundingClientRect(); return b.top >= 0 && b.top < innerHeight; }"
    )


def test_a_card_opens_its_details_by_keyboard(page):
    open_results(page)
    summary = page.locator("#test-ct summary")
    facts = page.locator("#test-ct .ig-card__facts")
    assert not facts.is_visible()
    summary.focus()
    assert focused(page)["ring"]
    page.keyboard.press("Enter")
    assert facts.is_visible()
    assert page.locator("#test-ct summary").get_attribute("aria-expanded") in (None, "true")
    page.keyboard.press("Enter")
    assert not facts.is_visible()


def test_a_hard_word_explains_itself_by_keyboard_and_closes_again(page):
    open_results(page)
    word = page.locator("button.ig-term").first
    box = page.locator(f"#{word.get_attribute('popovertarget')}")
    assert not box.is_visible()
    word.focus()
    assert focused(page)["ring"]
    page.keyboard.press("Enter")
    assert box.is_visible()
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    assert not box.is_visible()
    word.click()  # a tap or click opens it too, and its Close button shuts it
    assert box.is_visible()
    box.get_by_role("button", name="Close").click()
    assert not box.is_visible()


def test_hard_words_and_details_open_without_javascript(no_js_page):
    page = no_js_page
    open_results(page)
    word = page.locator("button.ig-term").first
    word.click()
    assert page.locator(f"#{word.get_attribute('popovertarget')}").is_visible()
    page.keyboard.press("Escape")
    page.locator("#tell-kidney summary").click()
    assert page.locator("#tell-kidney dd").first.is_visible()


def test_save_is_reached_in_a_few_key_presses(page):
    open_results(page)
    page.locator(".ig-screen h1").click()  # start reading from the heading, as after the skip link
    tab_to(page, text="Save and get a link", limit=15)


def test_the_saved_link_can_be_copied_with_one_press(page, live_server):
    open_results(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.get_by_role("button", name="Save and get a link").first.click()
    assert path_of(page).startswith("/saved/")
    link = page.get_by_label("Link to these results").input_value()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied")  # the copy finishes a moment later
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_without_javascript_the_saved_link_stays_a_field_to_copy_from(no_js_page):
    page = no_js_page
    open_results(page)
    page.get_by_role("button", name="Save and get a link").first.click()
    assert page.get_by_label("Link to these results").is_visible()
    assert not page.get_by_role("button", name="Copy link").is_visible()
