"""An educator in a real browser: the scenario gallery and its filters, and the presenter view by keyboard."""

from __future__ import annotations

import re

import pytest

from .tools import axe_violations, focused, overflow_problems, path_of

pytestmark = pytest.mark.browser

OMAR = "omar-headaches-pacemaker"
PRESENT = f"/teach/{OMAR}/present"
HEADINGS = {1: "The story", 2: "Guess first", 3: "The answer", 4: "Teaching points"}


def wait_for_step(page, step: int) -> None:
    """Wait until the presenter shows this step, then check focus sits on its heading."""
    page.wait_for_url(re.compile(rf"{re.escape(PRESENT)}\?step={step}$"))
    page.wait_for_load_state()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'step-heading'")
    now = focused(page)
    assert (now["tag"], now["text"]) == ("h1", HEADINGS[step])


def test_an_educator_steps_through_a_scenario_with_the_keyboard(page, requests):
    page.goto("/teach")
    page.get_by_role("link", name="Present Omar’s scenario").click()
    page.wait_for_url(f"**{PRESENT}")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'step-heading'")
    assert focused(page)["text"] == HEADINGS[1]
    assert "Omar, 58, has new headaches and has a pacemaker." in page.locator("main").inner_text()
    assert axe_violations(page) == []

    for step in (2, 3, 4):
        page.keyboard.press("ArrowRight")
        wait_for_step(page, step)
        assert axe_violations(page) == [], f"step {step}"
    assert (
        "With a pacemaker, it is done only once the team knows it is safe"
        in page.locator("main").inner_text()
    )

    page.keyboard.press("ArrowRight")  # nothing after the last step
    page.wait_for_timeout(300)
    assert path_of(page) == f"{PRESENT}?step=4"

    page.keyboard.press("ArrowLeft")
    wait_for_step(page, 3)
    assert "For Omar: sometimes used." in page.locator("main").inner_text()
    page.keyboard.press("PageUp")  # what a presentation clicker sends
    wait_for_step(page, 2)
    page.keyboard.press("PageDown")
    wait_for_step(page, 3)

    page.keyboard.press("Escape")
    page.wait_for_url("**/teach")
    assert requests.offsite() == []


def test_the_presenter_works_with_plain_links_when_javascript_is_off(no_js_page):
    page = no_js_page
    page.goto(PRESENT)
    for step in (2, 3, 4):
        page.get_by_role("link", name=re.compile(r"^Next")).click()
        page.wait_for_url(f"**{PRESENT}?step={step}")
        assert page.locator("h1").inner_text() == HEADINGS[step]
    page.get_by_role("link", name=re.compile(r"^Back")).click()
    page.wait_for_url(f"**{PRESENT}?step=3")
    page.get_by_role("link", name=re.compile(r"^End")).click()
    page.wait_for_url("**/teach")


def test_the_gallery_has_no_axe_violations_and_fits_a_phone(page):
    page.goto("/teach")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    assert overflow_problems(page) == []
    page.goto(f"{PRESENT}?step=3")
    assert overflow_problems(page) == []


def test_the_gallery_filters_with_javascript_off(no_js_page, rulebook):
    page = no_js_page
    page.goto("/teach")
    page.get_by_label("Situation").select_option(label="Staging")
    page.get_by_label("Body area").select_option(label="Breast")
    page.get_by_role("button", name="Show scenarios").click()
    page.wait_for_url("**/teach?situation=staging&site=breast")
    wanted = [s.story for s in rulebook.scenarios.values() if (s.situation, s.site) == ("staging", "breast")]
    assert page.locator(".ig-scenario__story").all_inner_texts() == wanted
    assert f"{len(wanted)} scenario" in page.locator(".ig-filters__count").inner_text()

    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(re.compile(r"/teach$"))
    assert page.locator(".ig-scenario__story").count() == len(rulebook.scenarios)
