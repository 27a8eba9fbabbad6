"""Printing gives a handout, not the page.

At most two pages: the summary, the tests, what to tell the care team, questions, the date, page
numbers and a way back online.
"""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from webapp.config import ROOT
from webapp.rulebook import load, questions_asked

from .tools import path_of

pytestmark = pytest.mark.browser

EVERY_FACTOR = "pregnant,breastfeeding,implant,kidney,contrast_allergy,claustrophobia"
STAGING = f"/start?situation=staging&site=lung&age=60&factors={EVERY_FACTOR}"
MAX_PAGES = 2
# Printing a PDF is the slow part, so only the handouts with the most words are printed, on A4 and on
# Letter: every other handout is shorter. Every handout is still fetched and must exist.
LONGEST_CHECKED = 6
HANDOUT = re.compile(r'<article class="ig-handout".*?</article>', re.S)

# Whether each element is left out of the layout: it, or a box around it, is `display: none`.
HIDDEN = """(els) => els.map((el) => {
  for (let box = el; box; box = box.parentElement) if (getComputedStyle(box).display === "none") return true;
  return false;
})"""


def every_situation_and_site() -> list[tuple[str, str, str]]:
    """A complete pre-fill link for each situation and body area, with all six factors ticked."""
    book = load(ROOT / "rules")
    cases = []
    for situation in book.question("situation").options:
        for site in book.question("site").options:
            answers: dict[str, object] = {"situation": situation.value, "site": site.value, "age": 60}
            for _ in range(len(book.questions)):  # follow-ups can bring more follow-ups
                for question in questions_asked(book, answers):
                    if question.id not in answers and question.id != "factors" and question.options:
                        answers[question.id] = question.options_for(answers)[0].value
            query = urlencode({**answers, "factors": EVERY_FACTOR})
            cases.append((situation.value, site.value, f"/start?{query}"))
    return cases


def pdf_page_count(pdf: bytes) -> int:
    """How many pages a PDF has."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_text_pages(pdf: bytes) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_printing_the_results_page_prints_the_handout_alone(page):
    page.goto(STAGING)
    page.goto("/results")
    assert page.locator(".ig-handout").is_hidden()  # on screen, the page; the handout waits for print
    page.emulate_media(media="print")
    assert page.locator(".ig-handout").is_visible()
    for furniture in (".ig-header", ".ig-footer", ".ig-screen", ".ig-button", ".ig-skip-link"):
        assert all(page.locator(furniture).evaluate_all(HIDDEN)), f"{furniture} would be printed"


def test_the_print_view_shows_the_handout_with_a_print_button_and_a_way_back(page):
    page.goto(STAGING)
    page.goto("/results/print")
    handout = page.locator(".ig-handout")
    assert handout.is_visible()
    text = handout.inner_text()
    for words in ("Your answers:", "The tests", "Tell your care team", "Questions you could ask", "Sources:"):
        assert words in text
    assert page.get_by_role("button", name="Print this handout").is_visible()
    assert page.get_by_role("link", name="Back to your results").is_visible()
    assert page.locator(".ig-handout a, .ig-handout button").count() == 0  # paper has nothing to click


def handout_length(driver: Any, base_url: str, link: str) -> int:
    """How many characters of text the handout for this link has (fetched, not drawn: quick)."""
    client = driver.request.new_context(base_url=base_url)  # its own cookies: a fresh session
    try:
        started = client.get(link)
        assert started.ok and urlsplit(started.url).path == "/check", link
        served = client.get("/results/print")
        assert served.ok, link
        article = HANDOUT.search(served.text())
        assert article, f"no handout for {link}"
        return len(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article.group())))
    finally:
        client.dispose()


def longest_handouts(driver: Any, base_url: str, links: dict[str, str], count: int) -> list[tuple[str, str]]:
    """The count cases (name, link) whose handouts have the most words, longest first."""
    lengths = sorted(
        ((handout_length(driver, base_url, link), case) for case, link in links.items()), reverse=True
    )
    return [(case, links[case]) for _, case in lengths[:count]]


def printed_over_the_limit(page: Any, case: str, link: str) -> list[str]:
    """Open this case's handout as a fresh visitor and print it on A4 and on Letter.

    Returns a line for each paper it runs over two pages on. A fresh visitor each time: with answers
    kept, a pre-fill link first asks to replace them, and the handout would stay an earlier case's.
    """
    page.context.clear_cookies()
    page.goto(link)
    assert path_of(page) == "/check", case  # these answers, not an earlier case's
    page.goto("/results/print")
    assert page.locator(".ig-handout").count() == 1, f"no handout for {case}: {page.url}"
    counts = {paper: pdf_page_count(page.pdf(format=paper)) for paper in ("A4", "Letter")}
    return [f"{case} on {paper}: {pages} pages" for paper, pages in counts.items() if pages > MAX_PAGES]


def test_the_longest_handouts_are_at_most_two_pages(page, playwright_driver, live_server):
    links = {f"{situation}/{site}": link for situation, site, link in every_situation_and_site()}
    too_long = []
    for case, link in longest_handouts(playwright_driver, live_server, links, LONGEST_CHECKED):
        too_long += printed_over_the_limit(page, case, link)
    assert not too_long, too_long


def test_the_handout_pdf_has_page_numbers_the_date_and_the_link_back(page):
    page.goto(STAGING)
    page.goto("/results")
    pages = pdf_text_pages(page.pdf(format="A4"))  # printing the page itself gives the handout
    assert 1 <= len(pages) <= MAX_PAGES
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
    everything = re.sub(r"\s+", " ", " ".join(pages))
    assert re.search(r"made on \d{1,2} [A-Z][a-z]+ 20\d\d", everything)
    assert "See these results online: 127.0.0.1:" in everything
    assert "Rules version" in everything
    assert "https://www.cancer.org" not in everything  # sources by name, not by address
    assert "Words used on this page" not in everything
