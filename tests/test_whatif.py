"""What if one answer were different, and one body area through all six situations, as a reader meets them."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from .webtools import strip_tags

LUNG_STAGING = "situation=staging&site=lung&age=60&factors="
PREGNANT_LABEL = "I am or might be pregnant"


def text(response) -> str:
    return strip_tags(response.get_data(as_text=True))


def main_text(response) -> str:
    html = response.get_data(as_text=True)
    return strip_tags(html[html.index('<main id="main"') : html.index("</main>")])


def section(response, start_id: str, end_id: str) -> str:
    """The text from the element with one id to the element with another."""
    # The glossary's explanations (popovers) are left out: they sit inside the sentences they explain.
    html = re.sub(r'<span class="ig-term__box".*?</button></span>', "", response.get_data(as_text=True))
    start = html.index(">", html.index(f'id="{start_id}"')) + 1
    return strip_tags(html[start : html.rindex("<", 0, html.index(f'id="{end_id}"', start))])


@pytest.fixture
def client(app):
    return app.test_client()


# --- choosing a change -----------------------------------------------------------------------------


def test_the_picker_offers_every_question_asked_with_its_other_options(client):
    response = client.get(f"/what-if?{LUNG_STAGING}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    summaries = [strip_tags(s) for s in re.findall(r"<summary>(.*?)</summary>", html)]
    assert summaries == [
        "Situation: Cancer was found",
        "Body area: Lung",
        "Age: 60 years",
        "Things to tell the care team: None of these",
    ]
    assert "Risk" not in summaries  # not asked for staging, so not offered
    forms = re.findall(r'<form method="get" action="/what-if" novalidate>(.*?)</form>', html, re.S)
    assert len(forms) == 4
    for form in forms:  # every form carries the answers it starts from
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
        assert {k: hidden[k] for k in ("situation", "site", "age", "factors")} == {
            "situation": "staging",
            "site": "lung",
            "age": "60",
            "factors": "",
        }
    # The situation form offers the five other situations, not the current one.
    assert len(re.findall(r'name="to" value="', forms[0])) == 5
    assert 'value="staging"' not in forms[0].split('name="change"')[1]
    assert 'name="toggle" value="factors:pregnant"' in forms[3]
    assert "Add: I am or might be pregnant" in strip_tags(forms[3])


def test_a_factor_already_given_is_offered_to_take_away(client):
    html = client.get("/what-if?situation=staging&site=lung&factors=pregnant,kidney").get_data(as_text=True)
    assert "Take away: I am or might be pregnant" in strip_tags(html)
    assert "Add: I am breastfeeding" in strip_tags(html)


# --- the difference --------------------------------------------------------------------------------


def test_adding_pregnancy_to_lung_staging_shows_pet_ct_moving_with_its_reason(client, rulebook):
    response = client.get(f"/what-if?{LUNG_STAGING}&toggle=factors:pregnant")
    assert response.status_code == 200
    words = main_text(response)
    assert "Things to tell the care team: add “I am or might be pregnant”" in words
    before = section(response, "answers-before", "answers-after")
    after = section(response, "answers-after", "what-changes")
    assert PREGNANT_LABEL not in before and PREGNANT_LABEL in after
    changes = section(response, "what-changes", "try-else")
    assert "FDG PET/CT scan: commonly used →, now not usually used for this (because of pregnancy)" in changes
    pet_ct_why = next(
        change.why
        for rule in rulebook.rules
        for change in rule.changes
        if change.id == "pet_ct" and "pregnant" in rule.factors
    )
    assert f"(because of pregnancy) Why: {pet_ct_why}" in changes  # the reason, as the rules say it
    assert "Ultrasound: added, sometimes used" in changes
    assert "New:" in changes  # the pregnancy note


def test_taking_a_factor_away_shows_the_reverse_change(client):
    response = client.get(
        "/what-if?situation=staging&site=lung&age=60&factors=pregnant&toggle=factors:pregnant"
    )
    changes = section(response, "what-changes", "try-else")
    assert "FDG PET/CT scan: not usually used for this →, now commonly used" in changes
    assert "Ultrasound: no longer listed (it was sometimes used)" in changes
    assert "Why it was listed before:" in changes
    assert "No longer shown:" in changes


def test_a_change_that_changes_nothing_says_so_plainly(client):
    response = client.get(f"/what-if?{LUNG_STAGING}&change=age&to=61")
    assert response.status_code == 200
    words = main_text(response)
    assert (
        "This change does not change which tests are commonly used, sometimes used or not usually used."
        in words
    )
    assert "Age: 60 years to 61 years" in words
    assert "The same as before CT scan: commonly used" in words


def test_leaving_an_optional_answer_blank_is_a_change_to_not_answered(client):
    response = client.get(f"/what-if?{LUNG_STAGING}&change=age&to=")
    assert response.status_code == 200
    assert "Age: 60 years to Not answered" in main_text(response)


def test_a_new_situation_names_the_questions_it_adds_and_drops(client):
    base = "situation=staging&site=breast&age=50&extent=early"
    response = client.get(f"/what-if?{base}&change=situation&to=screening")
    assert response.status_code == 200
    words = main_text(response)
    assert "After this change, the guide also asks about risk." in words
    assert "treats it as not answered" in words
    assert "no longer asks about what is known so far, so that answer is left out" in words
    html = response.get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Start a new what-if from the answers after the change', html)
    query = parse_qs(urlsplit(unescape(link.group(1))).query, keep_blank_values=True)
    assert query["situation"] == ["screening"] and "extent" not in query


def test_answers_not_asked_are_ignored_as_the_contract_says(client):
    # risk is not asked for staging: it neither breaks the link nor carries over to screening.
    response = client.get("/what-if?situation=staging&site=breast&risk=higher&change=situation&to=screening")
    assert response.status_code == 200
    assert "After this change, the guide also asks about risk." in main_text(response)


def test_the_page_never_touches_the_session_and_reads_the_same_in_any_browser(app, client):
    client.get("/start?situation=screening&site=breast&age=50&risk=average&factors=")
    check_before = text(client.get("/check"))
    # A notice waiting for the next page (a pre-fill link with a bad value) must still be waiting after.
    client.get("/start?situation=screening&site=breast&age=50&risk=average&factors=&colour=blue")
    url = f"/what-if?{LUNG_STAGING}&toggle=factors:pregnant"
    mine = client.get(url)
    assert "Set-Cookie" not in mine.headers
    assert "colour" not in text(mine)
    assert "colour" in text(client.get("/check"))
    assert text(client.get("/check")) == check_before
    fresh = app.test_client().get(url)
    assert fresh.get_data(as_text=True) == mine.get_data(as_text=True)


# --- links that cannot be used ---------------------------------------------------------------------

BAD_LINKS = [
    ("", "The link has no answers to start from."),
    ("site=lung", "Situation is required"),
    ("situation=staging&site=spleen", "Body area has no option 'spleen'"),
    ("situation=staging&colour=blue", "There is no question called 'colour'"),
    (f"{LUNG_STAGING}&change=age&to=abc", "Enter age as a whole number, like 52"),
    (f"{LUNG_STAGING}&change=age&to=500", "Age must be 120 or less"),
    (f"{LUNG_STAGING}&change=age", "The link says to change age, but not to what."),
    (f"{LUNG_STAGING}&change=risk&to=high", "Risk is not asked for these answers, so it cannot be changed."),
    (f"{LUNG_STAGING}&change=mood&to=happy", "There is no question called “mood”."),
    (f"{LUNG_STAGING}&change=situation&to=", "Situation is required, so it cannot be left not answered."),
    (f"{LUNG_STAGING}&change=site&to=spleen", "Body area has no option 'spleen'"),
    (f"{LUNG_STAGING}&toggle=factors:wings", "Things to tell the care team has no option “wings”."),
    (f"{LUNG_STAGING}&toggle=age:5", "Age is not a list of choices"),
    (f"{LUNG_STAGING}&change=age&to=50&toggle=factors:kidney", "Change one thing at a time."),
    (f"{LUNG_STAGING}&change=age&change=site&to=50", "The link says “change” more than once."),
    (f"{LUNG_STAGING}&to=50", "The link gives a new answer but not which question it is for."),
]


@pytest.mark.parametrize(("query", "message"), BAD_LINKS, ids=[q or "empty" for q, _ in BAD_LINKS])
def test_a_link_that_cannot_be_used_gets_a_clear_400(client, query, message):
    response = client.get(f"/what-if?{query}")
    assert response.status_code == 400
    words = main_text(response)
    assert words.startswith("This what-if link cannot be used")
    assert message in words


def test_a_bad_change_keeps_the_good_answers_to_start_again_from(client):
    html = client.get(f"/what-if?{LUNG_STAGING}&change=age&to=abc").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Choose a change for the same answers</a>', html)
    assert link is not None
    again = client.get(unescape(link.group(1)))
    assert again.status_code == 200
    assert "Age: 60 years" in main_text(again)


@pytest.mark.parametrize(
    "query",
    [
        "situation=staging&site=lung&age=" + "9" * 5000,
        "situation=%00&site=lung",
        "situation=staging&change=%E2%80%AEage&to=1",
        "situation=staging&toggle=::::",
        "situation=staging&toggle=factors:",
        "situation=staging&factors=pregnant&factors=pregnant&toggle=factors:pregnant",
        "situation=staging&" + "&".join(f"q{i}=x" for i in 200 * [0]),
    ],
)
def test_odd_links_never_break_the_page(client, query):
    assert client.get(f"/what-if?{query}").status_code in (200, 400)


# --- the journey for one body area ------------------------------------------------------------------


def cell(html: str, situation: str, test_id: str) -> str:
    found = re.search(rf'<td data-situation="{situation}" data-test="{test_id}">(.*?)</td>', html, re.S)
    assert found, f"no cell for {test_id} in {situation}"
    return strip_tags(found.group(1))


def test_the_journey_shows_six_situations_with_each_tests_level(client):
    response = client.get("/journey?site=lung&age=60")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    columns = [strip_tags(c) for c in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)]
    assert columns == [
        "Screening",
        "Looking into symptoms",
        "Biopsy",
        "Staging",
        "During treatment",
        "After treatment",
    ]
    assert cell(html, "staging", "ct") == "Staging: Commonly used"
    assert cell(html, "staging", "pet_ct") == "Staging: Commonly used"
    assert cell(html, "symptoms", "xray") == "Looking into symptoms: Commonly used"
    assert cell(html, "screening", "pet_ct") == "Screening: Not listed"
    # Questions asked in one situation only are named as not answered, with their situation.
    assert "Screening: smoking" in main_text(response)
    assert "Looking into symptoms: how it was found" in main_text(response)


def test_the_journey_uses_the_same_factors_in_every_column(client):
    html = client.get("/journey?site=lung&age=60&factors=pregnant").get_data(as_text=True)
    assert cell(html, "staging", "pet_ct") == "Staging: Not usually used for this Because of pregnancy"


def test_the_journey_links_each_situation_to_its_full_result(client):
    html = client.get("/journey?site=lung&age=60").get_data(as_text=True)
    links = re.findall(r'<a href="(/start\?[^"]+)">Open the full result', html)
    assert len(links) == 6
    assert parse_qs(urlsplit(unescape(links[3])).query)["situation"] == ["staging"]


def test_the_journey_without_a_body_area_offers_a_form(client):
    response = client.get("/journey")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<form method="get" action="/journey" novalidate>' in html
    assert 'name="site" value="lung"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("site=spleen", "Select a body area from the list"),
        ("age=60", "Select a body area"),
        ("site=lung&age=old", "Enter age as a whole number, like 52"),
        ("site=lung&colour=blue", "There is no question called 'colour'"),
    ],
)
def test_a_journey_link_that_cannot_be_used_shows_the_form_with_the_problem(client, query, message):
    response = client.get(f"/journey?{query}")
    assert response.status_code == 400
    words = main_text(response)
    assert words.startswith("There is a problem")
    assert message in words
    if "age=60" in query:  # what was fine stays filled in
        assert 'value="60"' in response.get_data(as_text=True)


# --- reached from a result ---------------------------------------------------------------------------


def links_from(html: str) -> dict[str, str]:
    found = dict(
        (strip_tags(words), unescape(href))
        for href, words in re.findall(r'<a href="([^"]+)">([^<]*(?:what changes|follow-up)[^<]*)</a>', html)
    )
    return found


def test_the_results_page_links_to_its_what_if_and_journey(client):
    client.get("/start?situation=staging&site=lung&age=60&factors=pregnant")
    html = client.get("/results").get_data(as_text=True)
    links = links_from(html)
    what_if = links["Change one answer and see what changes"]
    journey = links["See how imaging changes from screening to follow-up (Lung)"]
    assert parse_qs(urlsplit(what_if).query) == {
        "situation": ["staging"],
        "site": ["lung"],
        "age": ["60"],
        "factors": ["pregnant"],
    }
    assert parse_qs(urlsplit(journey).query) == {"site": ["lung"], "age": ["60"], "factors": ["pregnant"]}
    assert client.get(what_if).status_code == 200
    assert client.get(journey).status_code == 200


def test_a_saved_result_links_to_its_what_if_too(app):
    owner = app.test_client()
    owner.get("/start?situation=staging&site=lung&age=60&factors=")
    results = owner.get("/results").get_data(as_text=True)
    fields = dict(re.findall(r'name="(save_token|save_proof|csrf_token)" value="([^"]+)"', results))
    saved = owner.post("/saved", data=fields)
    assert saved.status_code in (302, 303), saved.status_code
    other = app.test_client().get(saved.headers["Location"])
    assert other.status_code == 200
    links = links_from(other.get_data(as_text=True))
    assert parse_qs(urlsplit(links["Change one answer and see what changes"]).query)["site"] == ["lung"]
