"""Printing the results leaves out the controls and keeps every test card."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

STAGING = "/start?situation=staging&site=lung&age=60&factors=implant"
CONTROLS = {
    "navigation": ".ig-nav",
    "buttons": ".ig-button",
    "change links": ".ig-summary-list__actions",
    "start over": ".ig-link-button",
    "skip link": ".ig-skip-link",
}

# Whether each element is left out of the layout: it, or a box around it, is `display: none`.
HIDDEN = """(els) => els.map((el) => {
  for (let box = el; box; box = box.parentElement) if (getComputedStyle(box).display === "none") return true;
  return false;
})"""


def test_printing_hides_controls_and_keeps_the_cards(page):
    page.goto(STAGING)
    page.goto("/results")
    for name, selector in CONTROLS.items():
        assert page.locator(selector).count() > 0, f"no {name} on the results page to hide"
    assert page.locator(".ig-nav").is_visible()

    page.emulate_media(media="print")
    for name, selector in CONTROLS.items():
        hidden = page.locator(selector).evaluate_all(HIDDEN)
        assert all(hidden), f"{name} would be printed: {hidden}"
    cards = page.locator(".ig-card")
    assert cards.count() >= 2
    assert all(cards.nth(i).is_visible() for i in range(cards.count()))
    assert page.get_by_text("Important: you said").first.is_visible()


def test_the_print_view_is_a_dated_summary_without_controls(page):
    page.goto(STAGING)
    page.goto("/results/print")
    assert page.get_by_text("Printed summary from Imaging Guide").is_visible()
    assert page.get_by_role("link", name="Change age").count() == 0
    assert page.get_by_role("link", name="Printable version").count() == 0
    assert page.locator(".ig-card").first.is_visible()
