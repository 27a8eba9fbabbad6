"""A pre-filled link that would change answers already given asks first, and a GET never changes them."""

from __future__ import annotations

import re
from html import unescape

import pytest

from .webtools import Browser, Page

LUNG = "situation=staging&site=lung&age=60&factors=implant"
BREAST = "situation=screening&site=breast&age=50&risk=average&factors="
QUESTION = "Replace your answers with the ones in this link?"
LUNG_ROWS = {
    "Situation": "Cancer was found",
    "Body area": "Lung",
    "Age": "60 years",
    "Things to tell the care team": "I have a pacemaker, another implanted device, or metal in my body",
}


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


def answers_kept(browser: Browser) -> dict[str, str]:
    """The answers the check page shows now, from a request of its own."""
    page = browser.get("/check")
    assert page.url == "/check", f"the answers are no longer complete: landed on {page.url}"
    return page.summary_rows()


def lists(page: Page) -> dict[str, dict[str, str]]:
    """Each summary list on the page under its h2, as {key: value}."""
    found = {}
    for heading, body in re.findall(r"<h2>(.*?)</h2>\s*(<dl.*?</dl>)", page.main, re.S):
        found[heading] = Page(page.browser, page.url, page.status, body).summary_rows()
    return found


def keep_link(page: Page) -> str:
    match = re.search(r'<a class="ig-restart__back" href="([^"]+)">No, keep my answers</a>', page.html)
    assert match, "no way to keep the answers"
    return unescape(match.group(1))


def test_a_link_with_other_answers_asks_first_and_changes_nothing(browser):
    browser.get(f"/start?{LUNG}")
    page = browser.get(f"/start?{BREAST}")
    assert page.status == 200
    assert page.url == f"/start?{BREAST}"  # no redirect: nothing was put in place
    assert page.h1 == QUESTION
    assert page.title == f"{QUESTION} – Imaging Guide"
    assert (
        "different answers for situation, body area, age, risk and things to tell the care team" in page.text
    )
    # The same words as on the check page, side by side.
    assert lists(page) == {
        "Answers in the link": {
            "Situation": "Checking for cancer with no symptoms",
            "Body area": "Breast",
            "Age": "50 years",
            "Risk": "Average risk",
            "Things to tell the care team": "None of these",
        },
        "Your answers now": LUNG_ROWS,
    }
    assert answers_kept(browser) == LUNG_ROWS


def test_yes_puts_the_links_answers_in_place_of_the_old_ones(browser):
    browser.get(f"/start?{LUNG}")
    page = browser.get(f"/start?{BREAST}").submit_form(action="/start")
    assert page.url == "/check"
    assert page.summary_rows()["Body area"] == "Breast"
    assert "Things to tell the care team" in page.summary_rows()
    assert page.summary_rows()["Things to tell the care team"] == "None of these"


def test_yes_replaces_every_answer_and_goes_to_the_first_question_left(browser):
    browser.get(f"/start?{LUNG}")
    page = browser.get("/start?situation=screening&site=breast").submit_form(action="/start")
    assert page.url == "/q/age"  # the old age is not carried over: the link replaces all answers
    assert page.field_value("age") == ""


def test_no_keeps_the_answers_and_goes_back_to_where_the_person_was(browser):
    browser.get(f"/start?{LUNG}")
    page = browser.get(f"/start?{BREAST}")
    assert keep_link(page) == "/results"  # every question answered: back to the results
    assert "Lung" in browser.get(keep_link(page)).text
    assert answers_kept(browser) == LUNG_ROWS


def test_no_goes_back_to_the_next_question_of_an_unfinished_journey(browser):
    browser.get("/start?situation=staging&site=lung")
    page = browser.get(f"/start?{BREAST}")
    assert page.h1 == QUESTION
    assert keep_link(page) == "/q/age"
    assert browser.get(keep_link(page)).checked("site") == []  # a question page, nothing lost
    assert browser.get("/q/site").checked("site") == ["lung"]


def test_a_link_that_only_adds_answers_still_asks(browser):
    # Another site must not tick a safety factor or fill in an age for the person unseen.
    browser.get("/start?situation=staging&site=lung")
    page = browser.get("/start?situation=staging&site=lung&age=70&factors=pregnant")
    assert page.h1 == QUESTION
    assert "different answers for age and things to tell the care team." in page.text
    assert lists(page)["Your answers now"] == {"Situation": "Cancer was found", "Body area": "Lung"}
    assert browser.get("/start").url == "/q/age"  # still at the question the person had reached


def test_a_link_with_the_same_answers_goes_straight_on(browser):
    browser.get(f"/start?{LUNG}")
    page = browser.get(f"/start?{LUNG}")
    assert page.url == "/check"
    assert page.summary_rows() == LUNG_ROWS


def test_a_link_with_some_of_the_same_answers_keeps_the_rest(browser):
    browser.get(f"/start?{LUNG}")
    page = browser.get("/start?situation=staging&site=lung&colour=blue")
    assert page.url == "/check"  # no page to answer, and the age and factors are still there
    assert page.summary_rows() == LUNG_ROWS
    assert "The link asked about “colour”, which is not one of our questions." in page.text


def test_with_no_answers_yet_a_link_fills_them_in_as_before(browser):
    page = browser.get("/start?situation=staging&site=lung")
    assert page.url == "/q/age"
    assert QUESTION not in page.html
    assert browser.get("/q/site").checked("site") == ["lung"]


def test_a_post_from_another_site_without_the_form_token_changes_nothing(browser):
    browser.get(f"/start?{LUNG}")
    response = browser.client.post(f"/start?{BREAST}", headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 400
    assert "That form has expired" in response.get_data(as_text=True)
    assert "Your answers so far are kept" in response.get_data(as_text=True)
    forged = browser.client.post(f"/start?{BREAST}", data={"csrf_token": "made-up"})
    assert forged.status_code == 400
    assert answers_kept(browser) == LUNG_ROWS


def test_the_answers_come_from_the_link_read_again_not_from_the_form(browser):
    browser.get(f"/start?{LUNG}")
    page = browser.get("/start?situation=screening&site=breast&age=200")
    assert "Age: “200” is not one of the answers we know." in page.text
    # Fields added to the posted form are ignored, and a bad value in the link is dropped again.
    page = page.submit_form(action="/start", data={"age": "55", "site": "lung"})
    assert page.url == "/q/age"
    assert page.field_value("age") == ""
    assert "Age: “200” is not one of the answers we know." in page.text
    assert browser.get("/q/site").checked("site") == ["breast"]


def test_the_link_is_posted_back_exactly_as_it_came(browser):
    browser.get(f"/start?{LUNG}")
    odd = "situation=%20screening%20&site=breast&factors=kidney,pregnant&factors=implant&x%26y=a%2Bb%20c"
    page = browser.get(f"/start?{odd}")
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', page.html).group(1))
    assert browser.client.application.test_request_context(action).request.args.to_dict(flat=False) == {
        "situation": [" screening "],
        "site": ["breast"],
        "factors": ["kidney,pregnant", "implant"],
        "x&y": ["a+b c"],
    }
    page = page.submit_form(action="/start")
    assert page.url == "/q/age"
    assert "The link asked about “x&y”, which is not one of our questions." in page.text
    assert browser.get("/q/factors").checked("factors") == ["pregnant", "implant", "kidney"]


def test_a_post_without_a_link_changes_nothing(browser):
    browser.get(f"/start?{LUNG}")
    (form,) = [f for f in browser.get(f"/start?{BREAST}").reader.forms if f.method == "post"]
    response = browser.client.post("/start", data=dict(form.fields))  # a good token, but no link
    assert response.status_code == 302
    assert answers_kept(browser) == LUNG_ROWS
