"""The results page and its printable handout, read as a person would."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .webtools import Browser, strip_tags

STAGING_LUNG = "/start?situation=staging&site=lung&age=64&factors=implant&factors=kidney"
SCREENING_BREAST = "/start?situation=screening&site=breast&age=50&risk=average&factors="
ALL_FACTORS = "factors=pregnant,breastfeeding,implant,kidney,contrast_allergy,claustrophobia"


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


def results(browser, link):
    assert browser.get(link).url == "/check"
    return browser.get("/results")


def headings(html: str) -> list[str]:
    return [strip_tags(h) for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", html, re.S)]


def test_results_follow_the_outline_people_expect(browser):
    page = results(browser, STAGING_LUNG)
    assert page.status == 200
    assert page.h1 == "Imaging tests often used in your situation"
    assert headings(page.screen) == [
        "In short",
        "Keep these results",
        "Commonly used",
        "Sometimes used",
        "Not usually used for this",
        "Tell your care team",
        "Questions you could ask your care team",
        "Things to know",
        "Your answers",
        "Sources and review dates",
    ]
    assert "not medical advice" in page.text.split("In short")[0]  # one plain line under the h1
    assert page.headers["Cache-Control"] == "no-store"


def test_the_summary_links_each_test_to_its_card_and_the_contents_list_to_each_part(browser):
    page = results(browser, STAGING_LUNG)
    short = re.search(r'<section class="ig-summary-box".*?</section>', page.screen, re.S).group(0)
    assert "Commonly used: CT scan, FDG PET/CT scan." in re.sub(r"<[^>]+>", "", short)
    targets = re.findall(r'<a href="#(test-[a-z0-9_]+)">', short)
    assert targets == ["test-ct", "test-pet_ct", "test-mri", "test-bone_scan"]
    contents = re.search(
        r'<nav class="ig-contents[^"]*" aria-label="On this page">.*?</nav>', page.screen, re.S
    )
    anchors = re.findall(r'href="#([^"]+)"', contents.group(0))
    assert anchors[:3] == ["commonly_used", "sometimes_used", "not_usually_used"]
    assert "tell" in anchors and "sources" in anchors
    for anchor in targets + anchors:
        assert page.screen.count(f'id="{anchor}"') == 1, anchor


def test_save_and_print_come_right_after_the_summary(browser):
    page = results(browser, STAGING_LUNG)
    before_tests = page.screen.split('<h2 id="commonly_used"')[0]
    assert "Save and get a link</button>" in before_tests
    assert 'href="/results/print"' in before_tests


def test_a_card_shows_the_essentials_and_opens_the_rest_on_demand(browser):
    page = results(browser, STAGING_LUNG)
    card = re.search(
        r'<li class="ig-card[^"]*" id="test-ct">.*?</li>\s*(?=<li class="ig-card|</ul>)', page.screen, re.S
    )
    shown, _, more = card.group(0).partition("<details")
    assert "CT scan" in shown and "Commonly used" in shown
    assert "Why it may be used here:" in strip_tags(shown)
    assert "X-rays" in shown  # what it is, in one line
    more = strip_tags(more)
    assert "What it is like, radiation and dye for CT scan" in more  # the summary names its test
    assert "1 to 10 mSv (this test)" in more and "Dye (contrast)" in more
    assert "More about CT scan in the test library" in more


def test_tests_not_usually_used_are_one_line_each_with_their_reason(browser):
    page = results(browser, SCREENING_BREAST)
    section = page.section("Not usually used for this")
    assert "Breast MRI:" in section
    lines = re.search(r'<ul class="ig-lines">.*?</ul>', page.screen, re.S).group(0)
    assert "<details" not in lines and "Radiation" not in lines
    assert lines.count("<li") == section.count("More about")


def test_cautions_are_gathered_once_under_tell_your_care_team(app, browser):
    page = results(browser, STAGING_LUNG)
    tell = page.section("Tell your care team")
    assert "An implant or metal in the body: what it means for MRI scan" in tell
    assert "Kidney problems: what it means for CT scan, FDG PET/CT scan and MRI scan" in tell
    rulebook = app.extensions["rulebook"]
    kidney_ct = rulebook.tests["ct"].cautions["kidney"].text
    assert page.text.count(kidney_ct) == 1  # said once, not on every card
    assert kidney_ct in tell
    cards = page.screen.split('<h2 id="tell"')[0]
    assert "Important: you said" not in cards
    assert cards.count('<a href="#tell">See what to tell your care team</a>') == 3  # CT, PET/CT, MRI


def test_cautions_for_tests_not_usually_used_are_left_out(app, browser):
    page = results(browser, f"/start?situation=staging&site=lung&age=30&{ALL_FACTORS}")
    tell = page.section("Tell your care team")
    bone_scan = app.extensions["rulebook"].tests["bone_scan"].cautions["claustrophobia"].text
    assert "Bone scan" not in tell and bone_scan not in page.text
    assert "Unease in tight spaces: what it means for MRI scan" in tell


def test_without_factors_there_is_nothing_to_tell(browser):
    page = results(browser, SCREENING_BREAST)
    assert "Tell your care team" not in headings(page.screen)
    assert 'href="#tell"' not in page.screen


def test_the_disclaimer_and_limits_are_always_there(browser):
    for link in (STAGING_LUNG, SCREENING_BREAST, "/start?situation=screening&site=cervical&age=30&factors="):
        browser.get("/restart").submit_form(action="/restart")  # a link asks before replacing answers
        page = results(browser, link)
        things = page.section("Things to know")
        assert "not medical advice" in things
        assert "biopsy" in things
        assert "A scan alone rarely gives the full answer" in page.section("In short")


def test_the_journey_marks_the_current_step_in_words(browser):
    page = results(browser, STAGING_LUNG)
    journey = re.search(r'<ol class="ig-journey">.*?</ol>', page.html, re.S).group(0)
    assert journey.count('aria-current="step"') == 1
    assert re.search(r"<li aria-current=\"step\">Staging <span[^>]*>\(you are here\)", journey)


def test_why_these_tests_explains_which_answers_led_to_each_test(browser):
    page = results(browser, SCREENING_BREAST)
    why = page.section("Your answers").split("Which of your answers led to each test")[1]
    assert "Mammogram (commonly used)" in why
    assert "Situation: Checking for cancer with no symptoms" in why
    assert "Body area: Breast" in why
    assert "Age: 45 to 74" in why


def test_questions_to_ask_come_from_the_result(browser):
    page = results(browser, STAGING_LUNG)
    ask = page.screen.split('<h2 id="ask"')[1].split("<h2")[0]
    items = re.findall(r"<li>(.*?)</li>", ask)
    assert 3 <= len(items) <= 8
    assert len(re.findall(r"<li>", ask.split("<details")[0])) <= 5  # the rest open on request


def test_sources_and_review_dates_are_shown(browser):
    page = results(browser, SCREENING_BREAST)
    sources = page.section("Sources and review dates")
    assert "Last reviewed 1 December 2026" in sources  # the mammogram card was reviewed then
    assert "Next review due" in sources
    assert "American Cancer Society" in sources


def test_hard_words_explain_themselves_where_they_are(browser):
    page = results(browser, STAGING_LUNG)
    opened = re.findall(
        r'<button type="button" class="ig-term" popovertarget="(def-[a-z0-9_-]+)">', page.html
    )
    assert opened, "no hard word explained"
    for box in opened:
        assert re.search(rf'<span class="ig-term__box" id="{box}" popover>', page.html), box
    assert len(opened) == len(set(opened))  # only the first use of each word
    assert "Words used on this page" not in page.html


def test_answers_are_one_step_away_and_changeable(browser):
    page = results(browser, STAGING_LUNG)
    answers = page.section("Your answers")
    assert "See or change your 4 answers" in answers
    rows = page.summary_rows()
    assert rows["Things to tell the care team"].splitlines() == [
        "I have a pacemaker, another implanted device, or metal in my body",
        "I have kidney problems",
    ]
    assert "/q/age?change=1" in page.links()


def test_the_rules_version_is_kept_off_the_screen(browser):
    page = results(browser, STAGING_LUNG)
    assert "Rules version" not in page.text
    assert "Rules version" in page.handout  # but the printed handout carries it


def test_the_handout_has_what_a_person_takes_to_an_appointment(app, browser):
    results(browser, f"/start?situation=staging&site=lung&age=64&{ALL_FACTORS}")
    page = browser.get("/results/print")
    assert page.status == 200
    assert 'class="ig-print-view ig-has-handout"' in page.html
    handout = page.handout
    assert re.search(r"made on \d{1,2} [A-Z][a-z]+ 20\d\d", handout)
    assert "not medical advice" in handout
    assert "CT scan: sometimes used." in handout and "FDG PET/CT scan: not usually used for this." in handout
    assert "Tell your care team" in handout and "Pregnancy (matters for" in handout
    assert "Questions you could ask your care team" in handout
    assert "<svg" in page.html and 'aria-label="QR code of the link"' in page.html
    assert "American Cancer Society" in handout and "https://www.cancer.org" not in page.html
    assert "popover" not in page.html.split('<article class="ig-handout"')[1]  # no glossary on paper
    assert "Print this handout" in page.html and 'href="/results"' in page.html  # a Print button, a way back


def test_the_handout_links_back_to_the_same_answers(app, browser):
    first = results(browser, STAGING_LUNG)
    link = re.search(r"See these results online: (\S+)", browser.get("/results/print").handout).group(1)
    query = urlsplit("http://" + link).query
    assert parse_qs(query) == {
        "situation": ["staging"],
        "site": ["lung"],
        "age": ["64"],
        "factors": ["implant,kidney"],
    }
    elsewhere = Browser(app.test_client())  # another device, with no answers yet
    again = results(elsewhere, "/start?" + query)
    assert again.summary_rows() == first.summary_rows()
    assert again.section("In short") == first.section("In short")


def test_results_without_answers_go_to_the_first_question(browser):
    assert browser.get("/results").url == "/q/situation"
    assert browser.get("/results/print").url == "/q/situation"
    browser.get("/start?situation=staging")
    assert browser.get("/results").url == "/q/site"


def test_a_level_changed_by_a_safety_factor_says_so_where_the_test_is(browser):
    page = results(browser, "/start?situation=staging&site=lung&age=30&factors=pregnant")
    not_usual = page.section("Not usually used for this")
    assert "FDG PET/CT scan" in not_usual
    assert "Usually commonly used. With pregnancy: not usually used for this." in not_usual
    # A test a factor brought forward says it is not usually on the list.
    assert "Not usually on this list. With pregnancy: sometimes used." in page.section("Sometimes used")
    assert "What you told us changed how often 3 of these tests are used" in page.section("In short")


def test_without_a_factor_no_card_claims_a_change(browser):
    page = results(browser, STAGING_LUNG.replace("factors=implant&factors=kidney", "factors="))
    assert "With pregnancy" not in page.text
    assert "changed how often" not in page.text


def test_a_question_already_asked_in_a_longer_form_is_not_asked_twice(browser):
    page = results(browser, STAGING_LUNG)
    ask = strip_tags(page.screen.split('<h2 id="ask"')[1].split("<h2")[0])
    assert "Will I get dye (contrast), and how is it given?" in ask
    assert "Will I get dye (contrast)?" not in ask
