"""Question pages by keyboard: a focus indicator at every stop, "Start over" after "Continue".

Starting over asks first, and works by keyboard with JavaScript off.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from .tools import axe_violations, focused, path_of, tab_to

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
YELLOW = "rgb(255, 212, 59)"  # --ig-focus
DARK = "rgb(27, 27, 27)"  # --ig-text

# How the focused element is painted: the yellow and the dark line of the indicator must both show,
# in its background, outline or box-shadow (its text colour does not count).
PAINT = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0 ? s.outlineColor : "";
  const paint = [s.backgroundColor, outline, s.boxShadow].join(" ");
  return {
    text: (el.innerText || el.value || "").trim(),
    id: el.id,
    yellow: paint.includes("YELLOW"),
    dark: paint.includes("DARK"),
    background: s.backgroundColor,
    outline: s.outlineStyle + " " + s.outlineWidth + " " + s.outlineColor,
  };
}""".replace("YELLOW", YELLOW).replace("DARK", DARK)


def paint(page: Any) -> dict[str, Any]:
    """How the element that has focus is painted."""
    return page.evaluate(PAINT)


def keyboard_stops_until(page: Any, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Press Tab until focus reaches these words; every stop must show the yellow and dark indicator."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = paint(page)
        assert stop["yellow"] and stop["dark"], f"focus indicator missing or faint on {stop}"
        stops.append(stop)
        if stop["text"] == text:
            return stops
    raise AssertionError(
        f"Tab never reached {text!r} on {path_of(page)}; stops: {[s['text'] for s in stops]}"
    )


def press_enter_and_land_on(page: Any, path: str) -> None:
    """Press Enter on the focused link or button and wait until the browser shows this path."""
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == path)


@pytest.mark.parametrize(
    ("link", "lands_on"),
    [
        ("/q/situation", "/q/situation"),  # radios with a hint for each option
        ("/start?situation=staging&site=breast", "/q/age"),  # a text box
        ("/start?situation=staging&site=breast&age=50&extent=early", "/q/factors"),  # checkboxes
    ],
)
def test_tab_reaches_start_over_only_after_continue_and_shows_focus_at_every_stop(page, link, lands_on):
    page.goto(link)
    assert path_of(page) == lands_on
    words = [stop["text"] for stop in keyboard_stops_until(page, "Start over")]
    assert "Continue" in words
    assert words.index("Continue") == len(words) - 2  # the very next stop after Continue, never before it
    page.goto(lands_on)
    tab_to(page, text="Start over")  # the shared helper agrees: a ring at every stop


@pytest.mark.parametrize(
    ("path", "words"),
    [("/check", "Show imaging tests"), ("/", "Start now")],
)
def test_links_styled_as_buttons_show_the_focus_ring(page, path, words):
    page.goto("/start?situation=staging&site=lung&age=60&factors=")
    page.goto(path)
    assert path_of(page) == path
    tab_to(page, text=words)
    stop = paint(page)
    assert stop["background"] == YELLOW, stop
    assert stop["outline"] == f"solid 3px {DARK}", stop  # the dark line all round, not switched off
    assert focused(page)["tag"] == "a"


def test_start_over_by_keyboard_with_javascript_off(no_js_page):
    page = no_js_page
    page.goto("/start?situation=staging&site=lung")
    assert path_of(page) == "/q/age"

    # Changing one's mind: "No, go back" returns to the same question with every answer kept.
    tab_to(page, text="Start over")
    press_enter_and_land_on(page, "/restart")
    assert path_of(page) == "/restart?return=/q/age"
    assert page.get_by_role("heading", level=1).inner_text() == "Start over?"
    assert page.get_by_text("Save and get a link").is_visible()
    tab_to(page, text="No, go back")
    press_enter_and_land_on(page, "/q/age")
    page.goto("/q/site")
    assert page.locator("input[name=site]:checked").get_attribute("value") == "lung"

    # Meaning it: the answers go, and the journey starts again from the first question.
    page.goto("/q/age")
    tab_to(page, text="Start over")
    press_enter_and_land_on(page, "/restart")
    tab_to(page, text="Yes, clear my answers")
    press_enter_and_land_on(page, "/q/situation")
    assert page.locator("input[name=situation]:checked").count() == 0
    page.goto("/results")
    assert path_of(page) == "/q/situation"


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_the_start_over_page_passes_axe(page, viewport):
    page.set_viewport_size(viewport)
    page.goto("/start?situation=staging&site=lung")
    page.goto("/restart?return=/q/age")
    assert page.get_by_role("button", name="Yes, clear my answers").is_visible()
    assert page.get_by_role("link", name="No, go back").get_attribute("href") == "/q/age"
    assert axe_violations(page) == []
