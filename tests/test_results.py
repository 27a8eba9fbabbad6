"""The results page and its print view, read as a person would."""

from __future__ import annotations

import re

import pytest

from .webtools import Browser, strip_tags

STAGING_LUNG = "/start?situation=staging&site=lung&age=64&factors=implant&factors=kidney"
SCREENING_BREAST = "/start?situation=screening&site=breast&age=50&risk=average&factors="


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


def results(browser, link):
    assert browser.get(link).url == "/check"
    return browser.get("/results")


def test_results_follow_the_outline_people_expect(browser):
    page = results(browser, SCREENING_BREAST)
    assert page.status == 200
    assert page.h1 == "Imaging tests often used in your situation"
    headings = [strip_tags(h) for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", page.main, re.S)]
    assert headings[:3] == ["In short", "Your answers", "Where this fits in the journey"]
    assert headings[3:6] == ["Commonly used", "Sometimes used", "Not usually used for this"]
    assert headings[6:10] == [
        "Things to know",
        "Questions you could ask your care team",
        "Why am I seeing this?",
        "Sources and review dates",
    ]
    assert "not medical advice" in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_tests_are_grouped_by_level_with_words_not_only_colour(browser):
    page = results(browser, SCREENING_BREAST)
    assert "Mammogram Commonly used" in page.section("Commonly used")
    assert "Breast MRI Not usually used for this" in page.section("Not usually used for this")
    assert "Commonly used: Mammogram." in page.section("In short")


def test_a_card_shows_what_the_test_is_like(browser):
    page = results(browser, STAGING_LUNG)
    common = page.section("Commonly used")
    assert "CT scan" in common and "PET/CT scan" in common
    assert "What it uses" in common and "X-rays" in common
    assert "Radiation" in common and "1 to 10 mSv (this test)" in common
    assert "Dye (contrast)" in common
    assert "Why it may be used here:" in common
    assert "More about CT scan in the test library" in common


def test_cautions_for_the_chosen_factors_sit_inside_the_cards(browser):
    page = results(browser, STAGING_LUNG)
    sometimes = page.section("Sometimes used")
    assert (
        "Important: you said “I have a pacemaker, another implanted device, or metal in my body”" in sometimes
    )
    common = page.section("Commonly used")
    assert "Important: you said “I have kidney problems”" in common
    assert "pregnant" not in common.lower()


def test_the_disclaimer_and_limits_are_always_there(browser):
    for link in (STAGING_LUNG, SCREENING_BREAST, "/start?situation=screening&site=cervical&age=30&factors="):
        browser.client.post("/restart")  # no token: refused, but the next link starts fresh anyway
        page = results(browser, link)
        things = page.section("Things to know")
        assert "not medical advice" in things
        assert "biopsy" in things


def test_the_journey_marks_the_current_step_in_words(browser):
    page = results(browser, STAGING_LUNG)
    journey = re.search(r'<ol class="ig-journey">.*?</ol>', page.html, re.S).group(0)
    assert journey.count('aria-current="step"') == 1
    assert re.search(r"<li aria-current=\"step\">Staging <span[^>]*>\(you are here\)", journey)


def test_why_am_i_seeing_this_explains_which_answers_led_to_each_test(browser):
    page = results(browser, SCREENING_BREAST)
    why = page.section("Why am I seeing this?")
    assert "Mammogram (commonly used)" in why
    assert "Situation: Checking for cancer with no symptoms" in why
    assert "Body area: Breast" in why
    assert "Age: 45 to 74" in why


def test_questions_to_ask_come_from_the_result(browser):
    page = results(browser, STAGING_LUNG)
    items = re.findall(
        r"<li>(.*?)</li>", page.main.split("Questions you could ask your care team")[1].split("</ul>")[0]
    )
    assert 3 <= len(items) <= 8


def test_sources_and_review_dates_are_shown(browser):
    page = results(browser, SCREENING_BREAST)
    sources = page.section("Sources and review dates")
    assert "Last reviewed 1 December 2026" in sources  # the mammogram card was reviewed then
    assert "Next review due" in sources
    assert "American Cancer Society" in sources


def test_hard_words_are_explained_on_the_page(browser):
    page = results(browser, STAGING_LUNG)
    linked = re.findall(r'<a class="ig-term" href="#word-([a-z0-9_-]+)"', page.html)
    assert linked, "no glossary words linked"
    for term in linked:
        assert f'id="word-{term}"' in page.html
    assert len(linked) == len(set(linked))  # only the first use of each word is linked


def test_the_print_view_is_clean_and_dated(browser):
    results(browser, STAGING_LUNG)
    page = browser.get("/results/print")
    assert page.status == 200
    assert "Printed summary from Imaging Guide, made on" in page.text
    assert "Rules version" in page.text
    assert 'class="ig-print-view"' in page.html
    assert "Change" not in page.section("Your answers")
    assert "/restart" not in page.html
    assert "Printable version" not in page.text


def test_results_without_answers_go_to_the_first_question(browser):
    assert browser.get("/results").url == "/q/situation"
    browser.get("/start?situation=staging")
    assert browser.get("/results").url == "/q/site"


def test_a_level_changed_by_a_safety_factor_says_so_on_its_card(browser):
    page = results(browser, "/start?situation=staging&site=lung&age=30&factors=pregnant")
    not_usual = page.section("Not usually used for this")
    assert "FDG PET/CT scan" in not_usual
    assert (
        "Usually: commonly used. Because you said “I am or might be pregnant”: not usually used for this."
        in not_usual
    )
    assert "Why it is usually used here:" in not_usual
    # A test a factor brought forward says it is not usually on the list.
    assert "Not usually on this list. Because you said “I am or might be pregnant”: sometimes used." in (
        page.section("Sometimes used")
    )
    assert "What you said about your safety changed how often some tests are used" in page.section("In short")


def test_without_a_factor_no_card_claims_a_change(browser):
    page = results(browser, STAGING_LUNG.replace("factors=implant&factors=kidney", "factors="))
    assert "Because you said “" not in page.text
    assert "changed how often" not in page.text
