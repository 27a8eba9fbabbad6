"""A real FHIR form renderer, NLM's LHC-Forms, understands our Questionnaire.

LHC-Forms (the `lforms` npm package, pinned in tests/browser/lforms/package-lock.json) renders
GET /api/v1/fhir/Questionnaire in Chromium, served from 127.0.0.1. The tests answer it as a person
would, check that follow-up questions come and go exactly as our own engine asks them, and send the
QuestionnaireResponse it builds to POST /api/v1/fhir/evaluate: the result must be the one our own
forms give for the same answers.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from playwright.sync_api import expect

from webapp.rulebook import Rulebook, parse_answers, questions_asked

from .conftest import browser_unavailable
from .lforms_setup import LFormsUnavailable, install, serving_lforms
from .tools import click_to_next_page, path_of

pytestmark = pytest.mark.browser

FHIR_JSON = "application/fhir+json"
# LHC-Forms gives each rendered item the id "item-<linkId>/1" (a path of linkId/index pairs when nested).
VISIBLE_ITEMS = """() => Array.from(document.querySelectorAll('#formContainer lhc-item[id^="item-"]'))
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => el.id.slice("item-".length).split("/").slice(-2)[0])"""

# One answer: an option value, a whole number, or a tuple of options for the multi-choice question.
Answer = str | int | tuple[str, ...]


@dataclass
class LForm:
    """The harness tab with our Questionnaire rendered by LHC-Forms, driven the way a person would."""

    page: Any
    questionnaire: dict[str, Any]
    book: Rulebook
    problems: list[str] = field(default_factory=list)  # console errors and warnings, uncaught errors

    def render(self) -> None:
        """Render the Questionnaire afresh, so nothing is left from an earlier test."""
        # A tab behind another gets few animation frames, and Playwright waits on them before a click.
        self.page.bring_to_front()
        self.page.evaluate("(q) => window.renderQuestionnaire(q)", self.questionnaire)

    def item(self, link_id: str) -> Any:
        """The rendered item for one question."""
        return self.page.locator(f'#formContainer lhc-item[id="item-{link_id}/1"]')

    def answer(self, question_id: str, value: Answer) -> None:
        """Click the option with this label, or type the number, as a person would."""
        question = self.book.question(question_id)
        assert question is not None, question_id
        if question.kind == "number":
            box = self.item(question_id).get_by_role("textbox", name=question.label, exact=True)
            box.fill(str(value))
            box.press("Tab")  # leaving the box is when a person has finished typing
            return
        chosen = value if isinstance(value, tuple) else (value,)
        role = "checkbox" if question.kind == "multi" else "radio"
        for option_value in chosen:
            option = question.option(str(option_value))
            assert option is not None, (question_id, option_value)
            words = self.page.get_by_text(option.label, exact=True)
            label = self.item(question_id).locator("label").filter(has=words)
            # Click the words, as people mostly do. (A click on the circle itself leaves LHC-Forms'
            # radio input unchecked although the option shows as chosen: a quirk of its widgets.)
            label.get_by_text(option.label, exact=True).click()
            # LHC-Forms updates the form a moment after the click, follow-up questions with it.
            expect(label.get_by_role(role)).to_be_checked()

    def visible(self) -> list[str]:
        """The linkIds of the questions LHC-Forms shows now, in page order."""
        ids = {q.id for q in self.book.questions}
        return [link_id for link_id in self.page.evaluate(VISIBLE_ITEMS) if link_id in ids]

    def settled(self, expected: list[str], seconds: float = 3.0) -> list[str]:
        """The questions shown once LHC-Forms has caught up with the last answer.

        It re-runs its FHIRPath conditions a moment after a click, so right after one the page may
        still show the questions of the answer before. Wait until it shows `expected`; if it never
        does, return what it shows then, for the test to report.
        """
        deadline = time.monotonic() + seconds
        shown = self.visible()
        while shown != expected and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            shown = self.visible()
        return shown

    def response(self) -> dict[str, Any]:
        """The QuestionnaireResponse LHC-Forms builds from what was entered."""
        return self.page.evaluate("() => window.questionnaireResponse()")


def fetch_json(url: str, body: Any = None, content_type: str = "application/json") -> Any:
    """GET (or POST a JSON body to) the live server; the decoded answer, which must be a 200."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": FHIR_JSON + ", application/json"})
    if data is not None:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200, url
        return json.load(answer)


@pytest.fixture(scope="module")
def lforms_url() -> Iterator[str]:
    """Install LHC-Forms if needed (skip, or fail under CI, when npm cannot); serve it on loopback."""
    try:
        install()
    except LFormsUnavailable as exc:
        browser_unavailable(str(exc))
    with serving_lforms() as url:
        yield url


@pytest.fixture(scope="module")
def book(rulebook) -> Rulebook:
    """The real rule table, which the live server uses too."""
    return rulebook


@pytest.fixture(scope="module")
def questionnaire(live_server) -> dict[str, Any]:
    """Our FHIR Questionnaire, as the live server serves it."""
    return fetch_json(f"{live_server}/api/v1/fhir/Questionnaire")


@pytest.fixture(scope="module")
def visited() -> list[str]:
    """Every URL the module's tabs asked for (the last test checks none left this machine)."""
    return []


@pytest.fixture(scope="module")
def lform(browser_context, lforms_url, questionnaire, book, visited) -> Iterator[LForm]:
    """One harness tab for the module, the Questionnaire rendered in it."""
    tab = browser_context.new_page()
    tab.set_default_timeout(10_000)
    form = LForm(tab, questionnaire, book)
    tab.on("request", lambda request: visited.append(request.url))
    tab.on(
        "console",
        lambda message: (
            message.type in ("error", "warning")
            and form.problems.append(f"console {message.type}: {message.text}")
        ),
    )
    tab.on("pageerror", lambda error: form.problems.append(f"uncaught: {error}"))
    tab.goto(f"{lforms_url}/harness.html")
    form.render()
    yield form
    tab.close()


@pytest.fixture
def fresh(lform) -> LForm:
    """The module's form, rendered again with no answers."""
    lform.render()
    return lform


def engine_asks(book: Rulebook, raw: Mapping[str, Answer]) -> list[str]:
    """The questions our engine asks for these answers, in order."""
    typed = {key: list(value) if isinstance(value, tuple) else value for key, value in raw.items()}
    answers, errors = parse_answers(book, typed)
    assert errors == {}
    return [q.id for q in questions_asked(book, answers)]


def test_lforms_renders_our_questionnaire_with_each_question_and_its_help(fresh, book):
    shown = fresh.visible()
    assert shown == engine_asks(book, {}) == ["situation", "site", "age", "factors"]
    for link_id in shown:
        question = book.question(link_id)
        item = fresh.item(link_id)
        assert item.get_by_text(question.label, exact=True).is_visible(), link_id
        # Help text travels as a child display item; LHC-Forms shows it behind a help button.
        assert item.get_by_role("button", name=f"Help button for {question.label}").is_visible(), link_id
    # The help opens with our hint's words.
    situation = book.question("situation")
    help_button = fresh.item("situation").get_by_role("button", name=f"Help button for {situation.label}")
    help_button.click()
    expect(fresh.page.get_by_text(situation.hint, exact=True)).to_be_visible()
    fresh.page.keyboard.press("Escape")
    expect(fresh.page.get_by_text(situation.hint, exact=True)).to_be_hidden()
    # Site starts on "Another part, or not sure", as our engine assumes when it is left out.
    site = book.question("site")
    assert fresh.item("site").get_by_role("radio", name=site.option("other").label).is_checked()
    assert fresh.problems == []


# Answer paths: each step is (question, answer), in the order a person clicks; then which questions
# must show and must not. The whole visible list must also equal what our engine asks.
PATHS = {
    "lung screening asks about smoking": (
        [("situation", "screening"), ("site", "lung")],
        {"smoking"},
        {"pack_years", "years_since_quit", "risk"},
    ),
    "a former smoker is asked pack-years and years since quitting": (
        [("situation", "screening"), ("site", "lung"), ("smoking", "former")],
        {"smoking", "pack_years", "years_since_quit"},
        set(),
    ),
    "a current smoker is asked pack-years only": (
        [("situation", "screening"), ("site", "lung"), ("smoking", "current")],
        {"pack_years"},
        {"years_since_quit"},
    ),
    "a never smoker is asked neither": (
        [("situation", "screening"), ("site", "lung"), ("smoking", "former"), ("smoking", "never")],
        {"smoking"},
        {"pack_years", "years_since_quit"},
    ),
    "leaving screening hides the smoking questions again": (
        [("situation", "screening"), ("site", "lung"), ("smoking", "former"), ("situation", "staging")],
        set(),
        {"smoking", "pack_years", "years_since_quit"},
    ),
    "changing site away from lung hides them too": (
        [("situation", "screening"), ("site", "lung"), ("smoking", "current"), ("site", "breast")],
        {"risk"},
        {"smoking", "pack_years"},
    ),
    "breast screening asks about risk, not smoking": (
        [("situation", "screening"), ("site", "breast")],
        {"risk"},
        {"smoking"},
    ),
    "breast staging asks what is known so far": (
        [("situation", "staging"), ("site", "breast")],
        {"extent"},
        {"risk", "found_by"},
    ),
    "lung staging does not": (
        [("situation", "staging"), ("site", "lung")],
        set(),
        {"extent", "smoking"},
    ),
    "breast symptoms ask how it was found": (
        [("situation", "symptoms"), ("site", "breast")],
        {"found_by"},
        {"extent"},
    ),
    "lymphoma symptoms do not": (
        [("situation", "symptoms"), ("site", "breast"), ("site", "lymphoma")],
        set(),
        {"found_by"},
    ),
    "after treatment asks why imaging is talked about now": (
        [("situation", "follow_up"), ("site", "colorectal")],
        {"follow_up_reason"},
        {"found_by", "extent", "risk"},
    ),
}


@pytest.mark.parametrize("steps, must_show, must_hide", PATHS.values(), ids=PATHS.keys())
def test_follow_up_questions_come_and_go_as_ours_do(fresh, book, steps, must_show, must_hide):
    given: dict[str, Answer] = {}
    for question_id, value in steps:
        fresh.answer(question_id, value)
        given[question_id] = value
        asked = engine_asks(book, given)
        assert fresh.settled(asked) == asked, f"after {question_id} = {value}"
    shown = set(fresh.visible())
    assert must_show <= shown
    assert not must_hide & shown
    for link_id in shown:
        assert fresh.item(link_id).get_by_text(book.question(link_id).label, exact=True).is_visible()
    assert fresh.problems == []


def test_every_situation_and_site_shows_the_questions_our_engine_asks(fresh, book):
    mismatches = []
    for situation in book.question("situation").values:
        fresh.answer("situation", situation)
        for site in book.question("site").values:
            fresh.answer("site", site)
            asked = engine_asks(book, {"situation": situation, "site": site})
            shown = fresh.settled(asked)
            if shown != asked:
                mismatches.append(f"{situation} + {site}: LHC-Forms shows {shown}, we ask {asked}")
    assert mismatches == []
    assert fresh.problems == []


# Answer sets sent both ways: through LHC-Forms and FHIR, and through our own pages.
ROUND_TRIPS = {
    "lung screening, former smoker": {
        "situation": "screening",
        "site": "lung",
        "age": 60,
        "smoking": "former",
        "pack_years": 30,
        "years_since_quit": 5,
    },
    "breast screening at 45, very high risk": {
        "situation": "screening",
        "site": "breast",
        "age": 45,
        "risk": "very_high",
    },
    "prostate staging, advanced, kidney problems and an implant": {
        "situation": "staging",
        "site": "prostate",
        "extent": "advanced",
        "factors": ("kidney", "implant"),
    },
    "lymphoma after treatment, something new, pregnant": {
        "situation": "follow_up",
        "site": "lymphoma",
        "follow_up_reason": "possible_return",
        "factors": ("pregnant",),
    },
}


def results_page_tests(page) -> list[tuple[str, str]]:
    """(test id, level) for each test on our results page, top to bottom."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("main li.ig-card, main ul.ig-lines > li")).map((li) => [
          li.id.replace(/^test-/, ""),
          li.classList.contains("ig-card")
            ? Array.from(li.classList).find((c) => c.startsWith("ig-card--")).slice("ig-card--".length)
            : "not_usually_used",
        ])"""
    )


def through_our_forms(page, book: Rulebook, answers: Mapping[str, Answer]) -> list[tuple[str, str]]:
    """Answer our own question pages one by one from /start; the tests the results page shows."""
    page.bring_to_front()
    page.context.clear_cookies()
    page.goto("/start")
    while path_of(page).startswith("/q/"):
        question = book.question(path_of(page).split("/")[2].split("?")[0])
        value = answers.get(question.id)
        if question.kind == "number":
            page.get_by_label(question.label).fill("" if value is None else str(value))
        elif question.kind == "multi":
            for option in value or ():
                page.get_by_label(question.option(option).label, exact=True).check()
            if not value:
                page.get_by_label("None of these", exact=True).check()
        elif value is not None:
            page.get_by_label(question.option(value).label, exact=True).check()
        click_to_next_page(page.get_by_role("button", name="Continue"))
    assert path_of(page) == "/check", "our pages did not reach the check page"
    click_to_next_page(page.get_by_role("button", name="Show imaging tests"))
    assert path_of(page) == "/results"
    return [tuple(pair) for pair in results_page_tests(page)]


@pytest.fixture(scope="module")
def our_pages(browser_context, visited) -> Iterator[Any]:
    """A second tab for our own question pages."""
    tab = browser_context.new_page()
    tab.set_default_timeout(10_000)
    tab.on("request", lambda request: visited.append(request.url))
    yield tab
    tab.close()


@pytest.mark.parametrize("answers", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_lforms_answers_give_the_same_result_as_our_own_forms(fresh, book, our_pages, live_server, answers):
    for question_id, value in answers.items():
        fresh.answer(question_id, value)
    response = fresh.response()
    QuestionnaireResponse.parse_obj(response)  # a valid FHIR R4 resource, or this raises

    via_fhir = fetch_json(f"{live_server}/api/v1/fhir/evaluate", response, FHIR_JSON)
    json_answers = {key: list(value) if isinstance(value, tuple) else value for key, value in answers.items()}
    # Every answer given in LHC-Forms arrived, and nothing else.
    assert {
        key: sorted(value) if isinstance(value, list) else value for key, value in via_fhir["answers"].items()
    } == {key: sorted(value) if isinstance(value, list) else value for key, value in json_answers.items()}
    assert via_fhir["ignored"] == []
    assert via_fhir == fetch_json(f"{live_server}/api/v1/evaluate", {"answers": json_answers})

    from_fhir = [(test["id"], test["level"]) for test in via_fhir["tests"]]
    assert from_fhir, "the result lists no tests"
    assert through_our_forms(our_pages, book, answers) == from_fhir
    assert fresh.problems == []


def test_nothing_was_loaded_from_anywhere_but_the_two_local_servers(lform, visited, lforms_url, live_server):
    # Last in the module, so it sees every request the tests above made.
    assert f"{lforms_url}/lforms/webcomponent/lhc-forms.js" in visited
    assert f"{lforms_url}/lforms/fhir/R4/lformsFHIR.min.js" in visited
    ours = (f"{live_server}/", f"{lforms_url}/")
    assert [url for url in visited if not url.startswith(ours) and not url.startswith("data:")] == []
