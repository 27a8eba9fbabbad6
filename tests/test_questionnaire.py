"""The questionnaire as a person uses it: start, steps, links, errors, check answers, start over."""

from __future__ import annotations

import re

import pytest

from .webtools import Browser


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


def test_the_start_page_says_what_this_is_and_links_only_to_pages_that_exist(browser):
    page = browser.get("/")
    assert page.status == 200
    assert page.h1 == "Imaging tests for cancer, explained"
    text = page.text
    assert "not medical advice" in text
    assert "about 2 minutes" in text
    assert "We do not ask for your name" in text
    assert page.title == "Imaging tests for cancer – Imaging Guide"
    for href in page.links():
        if href.startswith("/"):
            assert browser.client.get(href).status_code in (200, 302), href


def test_a_whole_journey_of_steps_ends_at_the_answers_check(browser):
    page = browser.get("/start")
    assert page.url == "/q/situation"
    assert "Question 1 of 4" in page.text  # situation, site, age, factors until follow-ups apply
    page = page.submit({"situation": "screening"})
    assert page.url == "/q/site"
    page = page.submit({"site": "lung"})
    assert page.url == "/q/age"
    assert "Question 3 of 5" in page.text  # smoking now counts; its follow-ups not yet
    page = page.submit({"age": "62"})
    assert page.url == "/q/smoking"
    page = page.submit({"smoking": "former"})
    assert page.url == "/q/pack_years"
    assert "Question 5 of 7" in page.text  # a former smoker is also asked when they quit
    page = page.submit({"pack_years": "30"})
    page = page.submit({"years_since_quit": ""})
    assert page.url == "/q/factors"
    page = page.submit({"factors": ["kidney"]})
    assert page.url == "/check"
    rows = page.summary_rows()
    assert rows["Situation"] == "Checking for cancer with no symptoms"
    assert rows["Age"] == "62 years"
    assert rows["Years since quitting"] == "Not answered"
    assert rows["Things to tell the care team"] == "I have kidney problems"


def test_back_links_are_real_urls_and_keep_every_answer(browser):
    page = browser.get("/start").submit({"situation": "staging"}).submit({"site": "breast"})
    assert page.url == "/q/age"
    assert page.back_link == "/q/site"
    back = browser.get(page.back_link)
    assert back.checked("site") == ["breast"]
    assert browser.get(back.back_link).checked("situation") == ["staging"]
    assert browser.get("/q/situation").back_link == "/"


def test_a_missing_answer_is_explained_and_tied_to_its_field(browser):
    page = browser.get("/q/situation").submit({})
    assert page.status == 400
    assert page.title.startswith("Error: ")
    summary = page.error_summary()
    assert summary == [("#situation", "Select what is happening now")]
    assert 'id="situation-error"' in page.html
    assert re.search(r'<fieldset[^>]*aria-describedby="situation-hint situation-error"', page.html)


def test_a_bad_age_keeps_the_answers_already_given(browser):
    page = browser.get("/start?situation=symptoms&site=breast")
    assert page.url == "/q/age"
    page = page.submit({"age": "forty"})
    assert page.status == 400
    assert page.error_summary() == [("#age", "Enter age as a whole number, like 52")]
    assert page.field_value("age") == "forty"
    page = page.submit({"age": "130"})
    assert page.error_summary() == [("#age", "Age must be 120 or less")]
    # Age, then how it was found (left blank), then the safety factors (none).
    rows = browser.get("/q/age").submit({"age": "41"}).submit({}).submit({}).summary_rows()
    assert rows["Situation"] == "A symptom or a finding is being looked into"
    assert rows["Body area"] == "Breast"


def test_none_of_these_and_a_factor_together_are_refused_naming_both(browser):
    browser.get("/start?situation=staging&site=lung&age=50")
    page = browser.get("/q/factors").submit({"factors": ["none", "implant"]})
    assert page.status == 400
    assert page.error_summary() == [
        ("#factors", "Select ‘None of these’ or the things that apply to you, not both")
    ]
    page = page.submit({"factors": ["none"]})
    assert page.summary_rows()["Things to tell the care team"] == "None of these"


def test_a_prefilled_link_fills_valid_answers_and_continues_from_the_first_gap(browser):
    page = browser.get("/start?situation=staging&site=lung")
    assert page.url == "/q/age"
    assert "Some answers in your link were left out" not in page.text


def test_a_prefilled_link_drops_bad_values_with_a_polite_notice(browser):
    page = browser.get("/start?situation=staging&site=liver&age=200&colour=blue&factors=pregnant,flying")
    assert page.url == "/q/site"
    notice = page.region("Some answers in your link were left out")
    assert "Body area: “liver” is not one of the answers we know." in notice
    assert "Age: “200” is not one of the answers we know." in notice
    assert "The link asked about “colour”, which is not one of our questions." in notice
    assert "Things to tell the care team" in notice
    assert page.checked("site") == []


def test_a_complete_prefilled_link_lands_on_the_answers_check(browser):
    page = browser.get("/start?situation=staging&site=lung&age=60&factors=implant&factors=kidney")
    assert page.url == "/check"
    assert page.summary_rows()["Things to tell the care team"] == (
        "I have a pacemaker, another implanted device, or metal in my body\nI have kidney problems"
    )


def test_changing_an_answer_returns_to_the_check_after_any_new_follow_up(browser):
    page = browser.get("/start?situation=screening&site=breast&age=50&risk=average&factors=")
    page = browser.get("/q/age?change=1")
    assert page.back_link == "/check"
    assert page.submit({"age": "55"}).url == "/check"
    # Switching to lung brings in the smoking questions before going back to the check.
    page = browser.get("/q/site?change=1").submit({"site": "lung"})
    assert page.url == "/q/smoking?change=1"
    assert page.back_link == "/check"
    page = page.submit({"smoking": "never"})
    assert page.url == "/check"
    assert "Risk" not in page.summary_rows()


def test_start_over_clears_everything(browser):
    browser.get("/start?situation=staging&site=lung&age=60&factors=implant")
    page = browser.get("/check").submit_form(action="/restart")
    assert page.url == "/q/situation"
    assert page.checked("situation") == []
    assert browser.get("/results").url == "/q/situation"


def test_forms_need_the_csrf_token_and_lose_nothing_without_it(browser):
    browser.get("/start?situation=staging&site=lung")
    response = browser.client.post("/q/age", data={"age": "50"})
    assert response.status_code == 400
    assert "That form has expired" in response.get_data(as_text=True)
    assert browser.get("/q/site").checked("site") == ["lung"]


def test_a_question_that_does_not_apply_sends_the_person_on(browser):
    browser.get("/start?situation=staging&site=lung")
    assert browser.get("/q/smoking").url == "/q/age"
    assert browser.client.get("/q/not-a-question").status_code == 404


def test_an_option_hint_fits_the_body_area_chosen(browser):
    breast = browser.get("/start?situation=staging&site=breast&age=50")
    assert breast.url == "/q/extent"
    assert "stage 0, 1 or some stage 2" in breast.text
    prostate = browser.get("/start?situation=staging&site=prostate&age=70")
    assert prostate.url == "/q/extent"
    assert "stage 0, 1 or some stage 2" not in prostate.text
    assert "PSA" in prostate.text
    # The screening risk question names what "very high" means for the bowel, not the breast.
    bowel = browser.get("/start?situation=screening&site=colorectal&age=50")
    assert bowel.url == "/q/risk"
    assert "Lynch syndrome" in bowel.text
    assert "BRCA" not in bowel.text


def test_how_it_was_found_is_not_asked_where_it_changes_nothing(browser):
    page = browser.get("/start?situation=symptoms&site=lymphoma&age=40")
    assert page.url == "/q/factors"
    page = browser.get("/start?situation=symptoms&site=lung&age=40")
    assert page.url == "/q/found_by"
