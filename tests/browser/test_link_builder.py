"""A care team builds a pre-filled link, its QR code is scanned, and a patient lands on the right step.

The QR code is read back from the PNG the page offers with a real QR reader (zxing-cpp), and from
the printed card, so the test checks what a phone camera would find, not what we meant to encode.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import launch
from .test_print import HIDDEN, pdf_page_count, pdf_text_pages
from .tools import axe_violations, axe_violations_without_scripts, overflow_problems, page_width, path_of

pytestmark = pytest.mark.browser

ANSWERS = "situation=staging&site=lung&age=64"
PHONE = {"width": 360, "height": 740}
# Paper sizes in PostScript points (1/72 inch), as a PDF's media box gives them.
PAPER_POINTS = {"a4": (595.3, 841.9), "letter": (612.0, 792.0)}
# The width the cards are laid out in on paper (the sheet less 10 mm margins), in CSS pixels.
PRINTED_WIDTH = {"a4": round((210 - 20) * 96 / 25.4), "letter": round((215.9 - 20) * 96 / 25.4)}
# The longest link a card may carry: every answer the form can give for lung screening.
LONGEST = (
    "situation=screening&site=lung&age=120&smoking=former&pack_years=200&years_since_quit=100"
    "&factors=pregnant&factors=breastfeeding&factors=implant&factors=kidney&factors=contrast_allergy"
    "&factors=claustrophobia"
)


def decode_qr(png: bytes) -> list[str]:
    """What a QR reader finds in a PNG image."""
    import zxingcpp
    from PIL import Image

    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def build_link(page) -> str:
    """Fill the builder as a clinician would (staging, lung, age 64) and return the link it shows."""
    page.goto("/link")
    page.get_by_role("group", name="Situation").get_by_label("Staging", exact=True).check()
    page.get_by_role("group", name="Body area (optional)").get_by_label("Lung", exact=True).check()
    page.get_by_label("Age (optional)").fill("64")
    page.get_by_role("button", name="Make the link").click()
    page.wait_for_load_state()
    return page.locator("#prefill-link").input_value()


def test_a_clinician_builds_a_link_its_code_scans_and_a_patient_lands_on_the_next_step(
    page, playwright_driver, live_server, tmp_path: Path, requests
):
    page.goto("/link")
    assert axe_violations(page) == []
    link = build_link(page)
    assert path_of(page).startswith(f"/link?{ANSWERS}")  # the page itself is a link; nothing stored
    assert link == f"{live_server}/start?{ANSWERS}"
    assert page.get_by_role("img", name="QR code of the link").is_visible()
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the QR code as a PNG image").click()
    download = download_info.value
    assert download.suggested_filename == "imaging-guide-staging-lung.png"
    scanned = decode_qr(Path(download.path()).read_bytes())
    assert scanned == [link]

    # The patient's phone: another browser, with no cookies and no history of this one.
    patient = launch(playwright_driver, live_server, tmp_path / "patient")
    try:
        tab = patient.new_page()
        tab.goto(scanned[0])
        assert path_of(tab) == "/q/factors"  # the first question the link leaves open
        assert tab.get_by_role("heading", level=1).inner_text().startswith("Do any of these apply to you?")
        tab.get_by_role("link", name="Back").click()
        assert path_of(tab) == "/q/age"
        assert tab.get_by_label("How old are you?").input_value() == "64"
        tab.goto("/check")  # not complete yet, so back to the open question with the answers kept
        assert path_of(tab) == "/q/factors"
    finally:
        patient.close()
    assert requests.offsite() == []


def test_the_copy_button_copies_the_link(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    link = build_link(page)
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied")  # the copy finishes a moment later
    assert page.evaluate("navigator.clipboard.readText()") == link


def test_with_javascript_off_the_form_builds_the_same_link(no_js_page, browser_context, live_server):
    page = no_js_page
    link = build_link(page)
    assert link == f"{live_server}/start?{ANSWERS}"
    assert not page.get_by_role("button", name="Copy link").is_visible()  # the field is there to copy from
    served = page.goto(page.url)
    assert axe_violations_without_scripts(browser_context, page.url, served) == []


def test_a_bad_answer_shows_the_form_again_with_the_problem_and_focus_on_it(page):
    page.goto("/link")
    page.get_by_label("Age (optional)").fill("sixty")
    page.get_by_role("button", name="Make the link").click()
    page.wait_for_load_state()
    summary = page.locator(".ig-error-summary")
    assert summary.is_visible()
    assert "Select what is happening now" in summary.inner_text()
    assert "Enter age as a whole number" in summary.inner_text()
    assert page.get_by_label("Age (optional)").input_value() == "sixty"  # nothing typed is lost
    assert axe_violations(page) == []


@pytest.mark.parametrize("per_sheet", [2, 4])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_card_sheet_prints_on_one_page_of_the_paper_chosen(page, live_server, paper, per_sheet):
    page.goto(f"/link/cards?{ANSWERS}&factors=kidney&per_sheet={per_sheet}&paper={paper}")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    for furniture in (".ig-header", ".ig-footer", ".ig-screen", ".ig-button", ".ig-skip-link"):
        assert all(page.locator(furniture).evaluate_all(HIDDEN)), f"{furniture} would be printed"
    cards = page.locator(".ig-linkcard")
    assert cards.count() == per_sheet
    assert not clipped_cards(page, paper), "a card cuts off its words"
    # The printed code scans too.
    link = f"{live_server}/start?{ANSWERS}&factors=kidney"
    assert decode_qr(cards.first.locator(".ig-linkcard__qr").screenshot()) == [link]

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf_page_count(pdf) == 1
    from pypdf import PdfReader

    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == pytest.approx(
        PAPER_POINTS[paper], abs=1
    )
    text = re.sub(r"\s+", " ", pdf_text_pages(pdf)[0])
    assert text.count("Imaging tests often used for: Staging, Lung.") == per_sheet
    # The link may wrap at a "?" or "&" (and the PDF's text then has a break there).
    assert re.sub(r"\s+", "", text).count(link.split("://", 1)[1]) == per_sheet


@pytest.mark.parametrize("per_sheet", [2, 4])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_longest_link_still_fits_on_each_card(page, paper, per_sheet):
    page.goto(f"/link/cards?{LONGEST}&per_sheet={per_sheet}&paper={paper}")
    page.emulate_media(media="print")
    assert not clipped_cards(page, paper), "a card cuts off its words"
    assert pdf_page_count(page.pdf(prefer_css_page_size=True)) == 1


def test_the_printed_handout_code_scans_too(page, live_server):
    # The handout shares the QR drawing with the cards; drawn smaller than its natural size, the
    # code must shrink as a whole, not be cut off.
    page.goto(f"/start?{ANSWERS}&factors=kidney")
    page.goto("/results/print")
    page.emulate_media(media="print")
    code = page.locator(".ig-handout__qr svg")
    assert code.bounding_box()["width"] < float(code.get_attribute("width"))  # printed smaller
    assert decode_qr(page.locator(".ig-handout__qr").screenshot()) == [
        f"{live_server}/start?{ANSWERS}&factors=kidney"
    ]


def clipped_cards(page, paper: str) -> list[str]:
    """The cards whose words do not fit their printed box, laid out at the paper's printable width."""
    page.set_viewport_size({"width": PRINTED_WIDTH[paper], "height": 900})
    return page.locator(".ig-linkcard").evaluate_all(
        "(cards) => cards.filter((c) => c.scrollHeight > c.clientHeight + 1).map((c) => c.innerText)"
    )


@pytest.mark.parametrize("path", [f"/link?{ANSWERS}", f"/link/cards?{ANSWERS}&per_sheet=4"])
def test_on_a_phone_nothing_scrolls_sideways(page, path):
    page.set_viewport_size(PHONE)
    page.goto(path)
    assert page_width(page) <= PHONE["width"]
    assert overflow_problems(page) == []
