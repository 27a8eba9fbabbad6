"""The whole guide in Spanish (issue 13), as a Spanish-speaking person meets it in a real browser.

A browser that asks for Spanish gets Spanish from the first page; the journey works by keyboard, by
mouse and with JavaScript off; the language switch keeps the answers and the place; the printed
handout, its QR code and a saved link stay in Spanish. The Spanish words the tests look for are read
from `rules/es/*.toml` and the interface catalogue (`messages.po`), so the tests follow the texts.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from webapp.config import ROOT

from .conftest import launch, open_page
from .test_journeys import assert_stayed_on_site
from .test_link_builder import decode_qr
from .test_print import (
    EVERY_FACTOR,
    MAX_PAGES,
    every_situation_and_site,
    longest_handouts,
    pdf_text_pages,
    printed_over_the_limit,
)
from .tools import axe_violations, click_to_next_page, focused, path_of, tab_to

pytestmark = pytest.mark.browser

RULES = ROOT / "rules"
CATALOGUE = ROOT / "webapp" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
LUNG_STAGING = f"/start?situation=staging&site=lung&age=60&factors={EVERY_FACTOR}"
LONGEST_CHECKED = 2  # the Spanish handouts with the most words, printed on A4 and on Letter

# Each test, its name: the first words of a card's heading (before its level tag), or the bold name
# that starts a line under "Not usually used".
TESTS_SHOWN = """(els) => els.map((el) => {
  const title = el.querySelector(".ig-card__title");
  const name = title ? title.firstChild.textContent : el.querySelector("strong").textContent;
  return [el.id.replace(/^test-/, ""), name.trim().replace(/:$/, "")];
})"""
ROWS = """(rows) => rows.map((row) => [row.querySelector("dt").innerText.trim(),
  row.querySelector(".ig-summary-list__value").innerText.trim()])"""


# ---- The words, read from the rules and the catalogue ---------------------------------------------


@functools.cache
def toml(name: str) -> dict[str, Any]:
    with (RULES / name).open("rb") as f:
        return tomllib.load(f)


@functools.cache
def catalogue() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with CATALOGUE.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale="es") if isinstance(m.id, str)}


def es(msgid: str) -> str:
    """The Spanish for an interface string; it must be translated."""
    words = catalogue().get(msgid)
    assert words, f"{msgid!r} has no Spanish in {CATALOGUE.name}"
    return words


def question_en(question: str) -> dict[str, Any]:
    return next(q for q in toml("questions.toml")["question"] if q["id"] == question)


def option_values(question: str) -> list[str]:
    """The option values in the order they are shown (the order lives in the English file)."""
    return [option["value"] for option in question_en(question)["option"]]


def label(question: str, option: str | None = None, *, lang: str = "es") -> str:
    """A question's label, or one of its options' labels, in Spanish or English."""
    if lang == "en":
        q = question_en(question)
        return q["label"] if option is None else next(o for o in q["option"] if o["value"] == option)["label"]
    q = toml("es/questions.toml")["question"][question]
    return q["label"] if option is None else q["option"][option]["label"]


def short(question: str) -> str:
    return toml("es/questions.toml")["question"][question]["short"]


def name_of_test(test_id: str, *, lang: str = "es") -> str:
    if lang == "en":
        return next(t for t in toml("tests.toml")["test"] if t["id"] == test_id)["name"]
    return toml("es/tests.toml")["test"][test_id]["name"]


# ---- What a person sees ------------------------------------------------------------------------------


def heading(page: Any) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def language_of(page: Any) -> str:
    # A locator waits for the new document's root; an evaluate can run between two documents.
    return page.locator("html").get_attribute("lang")


def assert_question(page: Any, question: str, lang: str = "es") -> None:
    """The page asks this question, in this language."""
    assert path_of(page).split("?")[0] == f"/q/{question}"
    assert language_of(page) == lang
    assert heading(page).startswith(label(question, lang=lang)), heading(page)


def press_continue(page: Any) -> None:
    """Press Continue and wait for the next page to load (the form always answers with a page)."""
    click_to_next_page(page.get_by_role("button", name=es("Continue"), exact=True))


def choose(page: Any, question: str, *options: str) -> None:
    """Answer a choice question in Spanish by mouse and go on."""
    assert_question(page, question)
    for option in options:
        page.get_by_label(label(question, option), exact=True).check()
    press_continue(page)


def answer_rows(page: Any) -> dict[str, str]:
    """The check page's answers: the question's short name and the answer shown."""
    return dict(page.locator("main .ig-summary-list__row").evaluate_all(ROWS))


def shown_tests(page: Any) -> list[tuple[str, str]]:
    """The results page's tests, in order: (test id, the name shown)."""
    return [tuple(pair) for pair in page.locator("main [id^='test-']").evaluate_all(TESTS_SHOWN)]


def switch_to(page: Any, name: str) -> None:
    """Press the language switch in the header."""
    page.locator("nav.ig-lang").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def assert_results_in(page: Any, lang: str, ids: list[str] | None = None) -> list[str]:
    """The results page in this language, each test named in it; return the test ids in order."""
    assert language_of(page) == lang
    h1 = "Imaging tests often used in your situation"
    assert heading(page) == (es(h1) if lang == "es" else h1)
    shown = shown_tests(page)
    assert shown, "no tests on the results page"
    assert shown == [(test_id, name_of_test(test_id, lang=lang)) for test_id, _ in shown]
    if ids is not None:
        assert [test_id for test_id, _ in shown] == ids
    return [test_id for test_id, _ in shown]


# ---- A browser whose person reads Spanish -------------------------------------------------------------


@pytest.fixture(scope="module")
def spanish_browser(playwright_driver, live_server, tmp_path_factory) -> Iterator[Any]:
    """Chromium set to Spanish (United States): it sends `Accept-Language: es-US`."""
    context = launch(playwright_driver, live_server, tmp_path_factory.mktemp("chromium-es"), locale="es-US")
    yield context
    context.close()


@pytest.fixture
def es_page(spanish_browser, requests) -> Iterator[Any]:
    tab = open_page(spanish_browser, requests)
    yield tab
    tab.close()


# ---- The tests ---------------------------------------------------------------------------------------


def test_a_browser_set_to_spanish_gets_the_whole_journey_in_spanish_by_keyboard_and_mouse(es_page, requests):
    page = es_page
    page.goto("/")  # no ?lang=: the browser's language is enough
    assert language_of(page) == "es"
    assert heading(page) == toml("es/pages.toml")["page"]["start"]["title"]
    assert page.title().endswith(es("Imaging Guide"))
    assert page.locator("nav.ig-lang").get_by_role("link").all_inner_texts() == ["English"]

    # By keyboard: into the radio group, arrow down to "Se encontró cáncer".
    tab_to(page, text=es("Start now"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/situation")
    assert_question(page, "situation")
    tab_to(page, element_id="situation")
    page.keyboard.press("Space")
    for _ in range(option_values("situation").index("staging")):
        page.keyboard.press("ArrowDown")
    assert focused(page)["text"] == label("situation", "staging")
    assert page.get_by_label(label("situation", "staging"), exact=True).is_checked()
    tab_to(page, text=es("Continue"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/site")

    # By mouse from here.
    choose(page, "site", "lung")
    assert_question(page, "age")
    page.get_by_label(label("age")).fill("64")
    page.keyboard.press("Enter")
    page.wait_for_url("**/q/factors")
    assert_question(page, "factors")
    page.get_by_label(label("factors", "implant"), exact=True).check()
    page.get_by_label(label("factors", "kidney"), exact=True).check()
    assert axe_violations(page) == []
    press_continue(page)

    assert path_of(page) == "/check"
    assert language_of(page) == "es"
    assert heading(page) == es("Check your answers")
    unit = toml("es/questions.toml")["question"]["age"]["unit"]
    assert answer_rows(page) == {
        short("situation"): label("situation", "staging"),
        short("site"): label("site", "lung"),
        short("age"): f"64 {unit}",
        short("factors"): f"{label('factors', 'implant')}\n{label('factors', 'kidney')}",
    }
    assert axe_violations(page) == []

    click_to_next_page(page.get_by_role("button", name=es("Show imaging tests")))
    assert path_of(page) == "/results"
    assert_results_in(page, "es")
    commonly_used = page.locator("h2#commonly_used + .ig-cards .ig-card__title").all_inner_texts()
    assert page.locator("h2#commonly_used").inner_text() == es("Commonly used")
    assert any(title.startswith(name_of_test("ct")) for title in commonly_used), commonly_used
    assert axe_violations(page) == []
    assert_stayed_on_site(requests)


def test_with_javascript_off_the_journey_works_in_spanish(no_js_page, requests):
    page = no_js_page  # a browser in English: the person picks Spanish by link, then it is remembered
    page.goto("/?lang=es")
    assert language_of(page) == "es"
    page.get_by_role("button", name=es("Start now")).click()
    choose(page, "situation", "follow_up")
    choose(page, "site", "breast")
    assert_question(page, "age")
    page.get_by_label(label("age")).fill("60")
    press_continue(page)
    choose(page, "follow_up_reason", "routine")
    assert_question(page, "factors")
    page.get_by_label(es("None of these"), exact=True).check()
    press_continue(page)

    assert path_of(page) == "/check"
    assert heading(page) == es("Check your answers")
    assert answer_rows(page)[short("follow_up_reason")] == label("follow_up_reason", "routine")
    click_to_next_page(page.get_by_role("button", name=es("Show imaging tests")))
    assert path_of(page) == "/results"
    assert_results_in(page, "es")
    commonly_used = page.locator("h2#commonly_used + .ig-cards .ig-card__title").all_inner_texts()
    assert any(title.startswith(name_of_test("mammogram")) for title in commonly_used), commonly_used
    assert_stayed_on_site(requests)


def test_the_language_switch_keeps_the_answers_and_the_place(es_page):
    page = es_page
    page.goto("/start")
    choose(page, "situation", "staging")
    choose(page, "site", "lung")
    assert_question(page, "age")

    switch_to(page, "English")
    assert path_of(page) == "/q/age?lang=en"
    assert_question(page, "age", "en")
    # The choice outlasts the Spanish browser's own language: the page before is English too.
    click_to_next_page(page.get_by_role("link", name="Back"))
    assert_question(page, "site", "en")
    assert page.get_by_label(label("site", "lung", lang="en"), exact=True).is_checked()

    switch_to(page, "Español")
    assert path_of(page) == "/q/site?lang=es"
    assert_question(page, "site")
    assert page.get_by_label(label("site", "lung"), exact=True).is_checked()
    press_continue(page)
    page.get_by_label(label("age")).fill("64")
    press_continue(page)
    choose(page, "factors", "kidney")
    rows = answer_rows(page)
    assert (rows[short("situation")], rows[short("site")]) == (
        label("situation", "staging"),
        label("site", "lung"),
    )

    click_to_next_page(page.get_by_role("button", name=es("Show imaging tests")))
    ids = assert_results_in(page, "es")
    switch_to(page, "English")
    assert path_of(page) == "/results?lang=en"
    assert_results_in(page, "en", ids)
    switch_to(page, "Español")
    assert path_of(page) == "/results?lang=es"
    assert_results_in(page, "es", ids)


def test_the_spanish_handout_prints_in_spanish_with_a_spanish_link_back(es_page, live_server):
    page = es_page
    page.goto(LUNG_STAGING)  # the browser's Spanish, no ?lang=
    page.goto("/results")
    ids = assert_results_in(page, "es")
    pages = pdf_text_pages(page.pdf(format="A4"))  # printing the page itself gives the handout
    assert 1 <= len(pages) <= MAX_PAGES
    everything = re.sub(r"\s+", " ", " ".join(pages))
    months = "|".join(spanish_months())
    made_on = re.escape(es("Imaging Guide · made on %(date)s")).replace(
        re.escape("%(date)s"), rf"\d{{1,2}} de ({months}) de 20\d\d"
    )
    assert re.search(made_on, everything), "no Spanish date line on the handout"
    assert es("Imaging Guide") in everything
    for words in (
        es("Imaging tests often used in your situation"),
        es("Your answers:"),
        es("The tests"),
        es("Tell your care team"),
        es("Questions you could ask your care team"),
        *(name_of_test(test_id) for test_id in ids),
    ):
        assert words in everything, words
    for english in (
        "Your answers:",
        "The tests",
        "Tell your care team",
        "Sources:",
        name_of_test("ct", lang="en"),
    ):
        assert english not in everything, f"English on the Spanish handout: {english!r}"

    # The way back online opens in Spanish: the printed link and the QR code both say lang=es.
    assert f"{es('See these results online:')} 127.0.0.1:" in everything
    printed = re.sub(r"\s+", "", everything.split(es("See these results online:"), 1)[1])
    assert re.match(r"127\.0\.0\.1:\d+/start\?\S*lang=es", printed), printed[:200]
    page.emulate_media(media="print")
    scanned = decode_qr(page.locator(".ig-handout__qr").screenshot())
    assert len(scanned) == 1 and scanned[0].startswith(f"{live_server}/start?"), scanned
    assert parse_qs(urlsplit(scanned[0]).query)["lang"] == ["es"]

    # The page margins are printed too: the page numbers and the line beside them. (The catalogue has
    # no words for them yet, so the Spanish page number is written here as "Página N de M".)
    for number, text in enumerate(pages, 1):
        assert f"Página {number} de {len(pages)}" in text, f"page {number}'s margin: {margin_lines(text)}"
    assert "not medical advice" not in everything, f"English in the margins: {margin_lines(pages[0])}"


def test_the_longest_spanish_handouts_fit_the_same_page_limit(es_page, playwright_driver, live_server):
    """Spanish runs longer than English: the handouts with the most words still print on two pages."""
    links = {
        f"{situation}/{site}": f"{link}&{urlencode({'lang': 'es'})}"
        for situation, site, link in every_situation_and_site()
    }
    page = es_page
    too_long = []
    for case, link in longest_handouts(playwright_driver, live_server, links, LONGEST_CHECKED):
        too_long += printed_over_the_limit(page, case, link)
        assert language_of(page) == "es", case
    assert not too_long, too_long


def test_a_saved_link_made_in_spanish_opens_in_spanish(es_page, page, live_server):
    es_page.goto(LUNG_STAGING)
    es_page.goto("/results")
    ids = assert_results_in(es_page, "es")
    es_page.get_by_role("button", name=es("Save and get a link"), exact=True).first.click()
    es_page.wait_for_load_state()
    address = urlsplit(es_page.url)
    assert address.path.startswith("/saved/")
    assert parse_qs(address.query) == {"lang": ["es"]}
    assert_results_in(es_page, "es", ids)
    link = es_page.locator("#share-link").input_value()
    assert link == es_page.url
    assert decode_qr(es_page.locator(".ig-qr svg").screenshot()) == [link]

    # Someone else opens it in a browser set to English: it is still in Spanish.
    page.goto(link)
    assert_results_in(page, "es", ids)
    switch_to(page, "English")
    assert_results_in(page, "en", ids)


# ---- Helpers that need a little more ------------------------------------------------------------------


@functools.cache
def spanish_months() -> tuple[str, ...]:
    """The Spanish month names, as a date on the handout spells them."""
    from babel.dates import get_month_names

    return tuple(get_month_names("wide", locale="es").values())


def margin_lines(text: str) -> list[str]:
    """The lines of a PDF page's text that come from its margins (the page number and the line beside it)."""
    return [line for line in text.splitlines() if re.search(r"\b(Page|Página) \d+ (of|de) \d+", line)]
