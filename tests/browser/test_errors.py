"""A missing answer is announced, takes focus, and is tied to its field for screen readers."""

from __future__ import annotations

import pytest

from .tools import focused

pytestmark = pytest.mark.browser


def test_a_missing_answer_takes_focus_and_points_at_its_field(page):
    page.goto("/q/situation")
    page.get_by_role("button", name="Continue").click()

    assert page.title().startswith("Error: ")
    summary = page.locator(".ig-error-summary")
    assert summary.get_by_role("alert").is_visible()
    # Focus moves to the summary as the page loads (autofocus), so it is read out first.
    page.wait_for_function("() => !!document.activeElement.closest('.ig-error-summary')", timeout=5_000)
    link = summary.get_by_role("link", name="Select what is happening now")
    assert link.get_attribute("href") == "#situation"

    described_by = page.locator("fieldset").get_attribute("aria-describedby").split()
    assert "situation-error" in described_by
    message = page.locator("#situation-error").text_content()
    assert " ".join(message.split()) == "Error: Select what is happening now"

    # Following the summary link puts focus on the first choice, ready to answer.
    link.click()
    page.wait_for_url("**/q/situation#situation")
    assert focused(page)["id"] == "situation"
    assert page.locator("#situation").is_visible()
