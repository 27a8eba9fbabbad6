"""The questionnaire as a person uses it: start, steps, links, errors, check answers, start over."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlencode

import pytest

from webapp import journey
from webapp.rulebook import Rulebook
from webapp.rulebook.model import AnswerValue, Question

from .webtools import Browser, strip_tags


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


def progress(page) -> str:
    """The progress line above the question, as read out."""
    match = re.search(r'<p class="ig-progress">(.*?)</p>', page.html, re.S)
    assert match, f"no progress line on {page.url}"
    return strip_tags(match.group(1))


UNKNOWN_TOTAL = "The number of questions depends on your answers."


def test_a_whole_journey_of_steps_ends_at_the_answers_check(browser):
    page = browser.get("/start")
    assert page.url == "/q/situation"
    # Which follow-ups apply depends on answers still to come, so no total is promised yet.
    assert progress(page) == f"Question 1 {UNKNOWN_TOTAL}"
    assert page.title == "Question 1: What is happening now? – Imaging Guide"
    page = page.submit({"situation": "screening"})
    assert page.url == "/q/site"
    page = page.submit({"site": "lung"})
    assert page.url == "/q/age"
    assert progress(page) == f"Question 3 {UNKNOWN_TOTAL}"  # smoking may still bring follow-ups
    page = page.submit({"age": "62"})
    assert page.url == "/q/smoking"
    assert progress(page) == f"Question 4 {UNKNOWN_TOTAL}"
    page = page.submit({"smoking": "former"})
    assert page.url == "/q/pack_years"
    # From here no answer can add or remove a question: the total shows, and stays.
    assert progress(page) == "Question 5 of 7"
    assert page.title.startswith("Question 5 of 7: ")
    page = page.submit({"pack_years": "30"})
    assert progress(page) == "Question 6 of 7"
    page = page.submit({"years_since_quit": ""})
    assert page.url == "/q/factors"
    assert progress(page) == "Question 7 of 7"
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
    page = browser.get("/start?situation=staging&site=spleen&age=200&colour=blue&factors=pregnant,flying")
    assert page.url == "/q/site"
    notice = page.region("Some answers in your link were left out")
    assert "Body area: “spleen” is not one of the answers we know." in notice
    assert "Age: “200” is not one of the answers we know." in notice
    assert "The link asked about “colour”, which is not one of our questions." in notice
    assert "Things to tell the care team" in notice
    assert page.checked("site") == []


def test_a_link_with_a_hundred_unknown_keys_gets_one_short_notice_and_a_small_cookie(browser):
    # The review's reproducer: ~95 unknown keys made one notice each, and a session cookie over the
    # 4,096 bytes a browser keeps.
    keys = [f"key{n}-{hashlib.sha256(bytes([n])).hexdigest()[:32]}" for n in range(100)]  # hard to compress
    response = browser.client.get("/start?situation=staging&" + "&".join(f"{key}=1" for key in keys))
    cookie = response.headers["Set-Cookie"].split(";")[0]
    assert len(cookie) < 1_500
    notice = browser.follow(response, "/start").region("Some answers in your link were left out")
    shown = ", ".join(f"“{key}”" for key in keys[:3])
    assert f"The link asked about {shown} and 97 more, which are not our questions." in notice


def test_a_notice_echoes_no_control_or_direction_characters(browser):
    page = browser.get("/start?situation=staging&site=lu%00ng%E2%80%AEevil&" + "b%00ad%E2%80%AE=1")
    notice = page.region("Some answers in your link were left out")
    assert "\x00" not in page.html and "\u202e" not in page.html
    assert "Body area: “lu\ufffdng\ufffdevil” is not one of the answers we know." in notice
    assert "The link asked about “b\ufffdad\ufffd”" in notice


def test_a_long_value_is_cut_short_in_the_notice(browser):
    notice = browser.get("/start?site=" + "y" * 500).region("Some answers in your link were left out")
    assert "“" + "y" * 40 + "…”" in notice and "y" * 41 not in notice


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


def restart_link(page) -> str:
    """Where the page's "Start over" link goes; it must sit after the main form, never inside it."""
    match = re.search(r'<p class="ig-restart ig-no-print"><a href="([^"]+)">Start over</a></p>', page.html)
    assert match, f"no Start over link on {page.url}"
    before = page.html[: match.start()]
    assert before.count("<form") == before.count("</form>"), "Start over sits inside a form"
    return unescape(match.group(1))


def test_start_over_asks_first_then_clears_everything(browser):
    browser.get("/start?situation=staging&site=lung&age=60&factors=implant")
    check = browser.get("/check")
    assert not any(f.action.endswith("/restart") for f in check.reader.forms)  # nothing clears in one press
    confirm = browser.get(restart_link(check))
    assert confirm.url == "/restart?return=/check"
    assert confirm.status == 200
    assert confirm.h1 == "Start over?"
    assert confirm.title == "Start over? – Imaging Guide"
    assert "clears the answers you gave in this browser" in confirm.text
    assert "“Save and get a link” is not deleted" in confirm.text
    assert "30 days after you saved it" in confirm.text
    # Looking at the question changes nothing, and "No, go back" returns to the page it came from.
    assert no_go_back(confirm) == "/check"
    assert browser.get("/check").summary_rows()["Body area"] == "Lung"

    page = confirm.submit_form(action="/restart")
    assert page.url == "/q/situation"
    assert page.checked("situation") == []
    assert browser.get("/results").url == "/q/situation"


def no_go_back(page) -> str:
    """The href of the confirmation page's "No, go back" link."""
    match = re.search(r'<a class="ig-restart__back" href="([^"]*)">No, go back</a>', page.html)
    assert match, "no “No, go back” link"
    return unescape(match.group(1))


def test_every_question_page_offers_start_over_after_continue(browser):
    page = browser.get("/start?situation=staging&site=breast")
    assert page.url == "/q/age"
    link = restart_link(page)
    assert page.main.index("Continue</button>") < page.main.index(">Start over</a>")
    assert link == "/restart?return=/q/age"
    assert no_go_back(browser.get(link)) == "/q/age"
    # A change from the check page keeps its mode on the way back.
    change = browser.get("/q/age?change=1")
    assert no_go_back(browser.get(restart_link(change))) == "/q/age?change=1"


def test_start_over_still_needs_the_form_token(browser):
    browser.get("/start?situation=staging&site=lung")
    assert browser.client.post("/restart").status_code == 400
    assert browser.get("/q/site").checked("site") == ["lung"]


SAFE_RETURNS = ["/", "/q/age", "/q/age?change=1", "/check", "/results", "/tests/compare?tests=ct,mri"]
UNSAFE_RETURNS = [
    "",
    "https://example.org/",
    "//example.org/",
    "/\\example.org/",
    "\\\\example.org",
    "javascript:alert(1)",
    " /check",
    "/check\n",
    "check",
    "/saved/some-token",  # a saved link's token stays out of other links
    "/api/v1/tests",
    "/static/css/app.css",
    "/restart",
    "/not-a-page",
    "/" + "q" * 600,
]


@pytest.mark.parametrize("target", SAFE_RETURNS)
def test_no_go_back_returns_to_a_page_of_this_site(browser, target):
    page = browser.get("/restart?" + urlencode({"return": target}))
    assert page.status == 200
    assert no_go_back(page) == target


@pytest.mark.parametrize("target", UNSAFE_RETURNS)
def test_no_go_back_never_leads_off_the_site(browser, target):
    page = browser.get("/restart?" + urlencode({"return": target}))
    assert page.status == 200
    assert no_go_back(page) == "/start"  # carry on from where the answers stand


# --- Markup that screen readers depend on --------------------------------------------------------

# Answers that reach every question page: each question id maps to a link that makes it apply.
REACH = {
    "situation": "",
    "site": "situation=staging",
    "age": "situation=staging&site=lung",
    "risk": "situation=screening&site=breast&age=50",
    "found_by": "situation=symptoms&site=lung&age=50",
    "extent": "situation=staging&site=breast&age=50",
    "follow_up_reason": "situation=follow_up&site=breast&age=50",
    "smoking": "situation=screening&site=lung&age=60",
    "pack_years": "situation=screening&site=lung&age=60&smoking=current",
    "years_since_quit": "situation=screening&site=lung&age=60&smoking=former&pack_years=30",
    "factors": "situation=staging&site=lung&age=60",
}


def test_the_pages_checked_below_reach_every_question(rulebook):
    assert set(REACH) == {q.id for q in rulebook.questions}


def question_pages(browser):
    """Every question page, plain and with an error, as (label, page)."""
    for question_id, answers in REACH.items():
        fresh = Browser(browser.client.application.test_client())  # no answers left from the last one
        if answers:
            fresh.get("/start?" + answers)
        page = fresh.get(f"/q/{question_id}")
        assert page.url == f"/q/{question_id}"
        yield question_id, page
        bad = {"age": "forty", "pack_years": "lots", "years_since_quit": "ages"}.get(question_id, "")
        if question_id == "situation" or bad:
            yield f"{question_id} with an error", page.submit({question_id: bad} if bad else {})


def test_every_id_on_every_question_page_is_unique_and_each_option_hint_is_its_own(browser):
    option_hints = 0
    for label, page in question_pages(browser):
        ids = re.findall(r'\sid="([^"]+)"', page.html)
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        assert not repeated, f"{label}: ids used more than once: {repeated}"
        for described in re.findall(r'aria-describedby="([^"]+)"', page.html):
            assert set(described.split()) <= set(ids), (
                f"{label}: describedby {described!r} names a missing id"
            )
        for choice in re.findall(r'<div class="ig-choice">(.*?)</div>', page.html, re.S):
            input_id = re.search(r'<input[^>]*\sid="([^"]+)"', choice).group(1)
            hint = re.search(r'<p class="ig-choice__hint" id="([^"]+)">', choice)
            described = re.search(r'<input[^>]*aria-describedby="([^"]+)"', choice)
            if hint is None:
                assert described is None, f"{label}: {input_id} points at a hint it does not have"
                continue
            option_hints += 1
            assert described and described.group(1) == hint.group(1), (
                f"{label}: {input_id} is not described by its hint"
            )
            assert hint.group(1) != f"{input_id.split('-')[0]}-hint"  # never the question's own hint id
        # The error summary's link still lands on the first input of the question.
        for anchor, _ in page.error_summary():
            assert re.search(rf'<input[^>]*\sid="{anchor[1:]}"', page.html), (
                f"{label}: {anchor} lands nowhere"
            )
    assert option_hints >= 10  # situation and risk, at least, explain their options


# --- Progress ------------------------------------------------------------------------------------


def walks(rulebook: Rulebook) -> Iterator[list[tuple[str, int, int | None]]]:
    """Every way forward through the questions: each step's (question, number, total shown).

    Questions that decide whether others are asked get every answer (or none, if optional); the
    rest get one, since their answers cannot change which questions come.
    """
    deciding = {c.question for q in rulebook.questions for c in q.show_when.conditions()}

    def answers_for(question: Question) -> list[AnswerValue | None]:
        if question.id in deciding and question.kind == "choice":
            return [o.value for o in question.options] + ([] if question.required else [None])
        assert question.id not in deciding, f"add number answers for {question.id} to this walk"
        if question.kind == "choice" and question.required:
            return [question.options[0].value]
        return [None]

    def walk(answers: dict[str, AnswerValue], asked: list[str], shown: list[tuple[str, int, int | None]]):
        following = [q for q in journey.applicable(rulebook, answers) if q.id not in asked]
        if not following:
            yield shown
            return
        question = following[0]
        number, total = journey.position(rulebook, answers, question.id)
        for answer in answers_for(question):
            given = {**answers, question.id: answer} if answer is not None else dict(answers)
            yield from walk(given, [*asked, question.id], [*shown, (question.id, number, total)])

    yield from walk({}, [], [])


def test_a_total_once_shown_is_the_real_one_and_never_changes(rulebook):
    count = 0
    for steps in walks(rulebook):
        count += 1
        final = len(steps)
        assert [number for _, number, _ in steps] == list(range(1, final + 1))
        totals = [total for _, _, total in steps]
        first_known = next(i for i, total in enumerate(totals) if total is not None)
        assert totals[first_known:] == [final] * (final - first_known), steps  # never jumps, never wrong
        assert all(total is None for total in totals[:first_known])
    assert count > 50


def test_the_total_shows_as_soon_as_the_follow_ups_are_known(browser):
    page = browser.get("/start?situation=screening&site=breast")
    assert page.url == "/q/age"
    assert progress(page) == "Question 3 of 5"  # age, then risk, then the safety factors
    assert page.title == "Question 3 of 5: How old are you? – Imaging Guide"
    assert progress(page.submit({"age": "50"})) == "Question 4 of 5"


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
    # With answers given, a link asks before replacing them; "Yes" uses it.
    prostate = browser.get("/start?situation=staging&site=prostate&age=70").submit_form(action="/start")
    assert prostate.url == "/q/extent"
    assert "stage 0, 1 or some stage 2" not in prostate.text
    assert "PSA" in prostate.text
    # The screening risk question names what "very high" means for the bowel, not the breast.
    bowel = browser.get("/start?situation=screening&site=colorectal&age=50").submit_form(action="/start")
    assert bowel.url == "/q/risk"
    assert "Lynch syndrome" in bowel.text
    assert "BRCA" not in bowel.text


def test_how_it_was_found_is_not_asked_where_it_changes_nothing(browser):
    page = browser.get("/start?situation=symptoms&site=lymphoma&age=40")
    assert page.url == "/q/factors"
    page = browser.get("/start?situation=symptoms&site=lung&age=40").submit_form(action="/start")
    assert page.url == "/q/found_by"


# --- What the pages promise about answers -------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/about"])
def test_the_pages_say_how_long_a_saved_link_keeps_answers(app, browser, path):
    # pages.toml cannot read config, so it says the number itself; this keeps the two in step.
    days = app.config["SAVED_RESULT_DAYS"]
    text = browser.get(path).text
    assert f"for {days} days" in text
    assert re.findall(r"(\d+) days", text) == [str(days)]
    assert "not stored" not in text and "We do not store them" not in text


def test_the_about_page_says_answers_stay_in_the_browser_unless_saved(browser):
    answers = browser.get("/about").section("What we do with your answers")
    assert "your answers stay in your browser" in answers
    assert "We store nothing unless you choose “Save and get a link”" in answers
    assert "Delete now" in answers
