"""Every page state a person can reach: no axe violation, no Nu HTML Checker error, focus always visible.

The question pages are worked out from `rules/questions.toml`: for every situation and body area,
answers that open each follow-up (a former smoker, say) lead to every question that can be asked,
once per distinct set of option hints. The rest are listed by hand: the start and content pages,
each error, check answers, results for several answer sets, the handout, a saved link in each of
its states, the test library and the compare page. `test_every_view_is_reached` fails when a view
module gains a page this list does not visit.

Each state is checked twice by Nu: the HTML as served (parser errors are only visible there) and the
page as the browser holds it after the scripts ran (`page.content()`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from webapp.rulebook import load, parse_answers, questions_asked
from webapp.rulebook.model import Question
from webapp.storage.saving import hash_token

from ..conftest import RULES, make_app
from .conftest import serving
from .tools import axe_violations, axe_violations_without_scripts, focus_problems, keyboard_stops, path_of
from .validity import NuError

pytestmark = pytest.mark.browser

BOOK = load(RULES)
EVERY_FACTOR = "pregnant,breastfeeding,implant,kidney,contrast_allergy,claustrophobia"
# Answers that open every follow-up they can: a former smoker is asked pack-years and years since
# quitting. Questions not asked for a situation are left out of its links.
OPENING = {
    "age": "60",
    "risk": "average",
    "found_by": "symptom",
    "extent": "early",
    "follow_up_reason": "routine",
    "smoking": "former",
    "pack_years": "30",
    "years_since_quit": "5",
    "factors": "",
}
TOKEN = r"[A-Za-z0-9_-]{20,}"


@dataclass(frozen=True)
class Visit:
    """What a step works with: the tab, the server's address, and the live server's database file."""

    page: Any
    base: str
    database: Path


Step = str | Callable[[Visit], None]


@dataclass(frozen=True)
class State:
    """One page state: how a person gets there, where that lands (a regex) and the status it answers."""

    name: str
    steps: tuple[Step, ...]
    lands_on: str
    status: int = 200
    broken_database: bool = False
    javascript: bool = True


# Steps a person takes with the mouse or keyboard, found by what the page says.
def click(role: str, name: str) -> Callable[[Visit], None]:
    """Click the control with this role and accessible name."""
    return lambda visit: visit.page.get_by_role(role, name=name, exact=True).first.click()


def fill(field_id: str, value: str) -> Callable[[Visit], None]:
    """Type into the text field with this id (a question's field is named after the question)."""
    return lambda visit: visit.page.locator(f"input#{field_id}").fill(value)


def check(label: str) -> Callable[[Visit], None]:
    """Tick the checkbox or radio button with this label."""
    return lambda visit: visit.page.get_by_label(label, exact=True).check()


def forget_cookies(visit: Visit) -> None:
    """What a browser does when its session ends; after it, the same link is another person's view."""
    visit.page.context.clear_cookies()


def reload(visit: Visit) -> None:
    """Load the same address again."""
    visit.page.reload()


def tick_both_without_script(name: str) -> Callable[[Visit], None]:
    """Tick "None of these" and another box, as a person can with JavaScript off."""
    return lambda visit: visit.page.evaluate(
        """(name) => {
          document.querySelector(`input[type=checkbox][name="${name}"]`).checked = true;
          document.getElementById(name + "-none").checked = true;
        }""",
        name,
    )


def rules_changed_since_saving(visit: Visit) -> None:
    """Mark the saved result on screen as saved under an older rule table, then load it again."""
    token = urlsplit(visit.page.url).path.rsplit("/", 1)[-1]
    with sqlite3.connect(visit.database) as db:
        changed = db.execute(
            "UPDATE saved_result SET rules_version = 'an-older-rule-table' WHERE token_hash = ?",
            (hash_token(token),),
        ).rowcount
    assert changed == 1, "the saved result is not in the live server's database"
    visit.page.reload()


def delete_then_open_again(visit: Visit) -> None:
    """Delete the saved result on screen, then follow its link again."""
    link = visit.page.url
    visit.page.get_by_role("button", name="Delete now", exact=True).click()
    visit.page.wait_for_load_state()
    visit.page.goto(link)


# --- every question, worked out from the rules -------------------------------------------------


def journey_answers(situation: str, site: str, **chosen: str) -> tuple[list[Question], dict[str, str]]:
    """The questions asked for these answers, and a complete raw answer set for them."""
    raw = {"situation": situation, "site": site, **OPENING, **chosen}
    # As the pre-fill link reads them: factors are comma-separated, and none at all is an empty list.
    typed, errors = parse_answers(
        BOOK, {k: [f for f in v.split(",") if f] if k == "factors" else v for k, v in raw.items()}
    )
    assert not errors, errors
    asked = list(questions_asked(BOOK, typed))
    return asked, {q.id: raw[q.id] for q in asked}


def prefill(answers: dict[str, str]) -> str:
    """The pre-fill link that gives these answers."""
    return "/start?" + urlencode(answers) if answers else "/start"


def complete(situation: str, site: str, **chosen: str) -> str:
    """A pre-fill link answering every question asked, so it lands on check answers."""
    return prefill(journey_answers(situation, site, **chosen)[1])


def link_to(question_id: str, situation: str, site: str, **chosen: str) -> str:
    """A pre-fill link answering every question asked before this one, so it lands on it."""
    asked, answers = journey_answers(situation, site, **chosen)
    ids = [q.id for q in asked]
    return prefill({i: answers[i] for i in ids[: ids.index(question_id)]})


def hints_of(question: Question, answers: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """What a question page shows that differs by the answers before it: its options' hints."""
    return tuple((o.value, o.hint) for o in question.options_for(answers))


def question_states() -> list[State]:
    """Every question that can be asked, once per distinct page, with an error where one can be made."""
    states: list[State] = []
    shown: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    with_error: set[str] = set()
    for situation in BOOK.question("situation").values:
        for site in BOOK.question("site").values:
            asked, answers = journey_answers(situation, site)
            for at, question in enumerate(asked):
                before = {q.id: answers[q.id] for q in asked[:at]}
                key = (question.id, hints_of(question, before))
                link = prefill(before)
                lands = re.escape(f"/q/{question.id}")
                if key not in shown:
                    shown.add(key)
                    name = f"q-{question.id}" + (f"-{situation}-{site}" if question.hint_by else "")
                    states.append(State(name, (link,), lands))
                error = error_steps(question)
                if error and question.id not in with_error:
                    with_error.add(question.id)
                    states.append(State(f"q-{question.id}-error", (link, *error), lands, status=400))
    return states


def error_steps(question: Question) -> tuple[Step, ...] | None:
    """What a person does to get this question's error message, or None where no answer is wrong."""
    if question.kind == "number":
        return (fill(question.id, "about fifty"), click("button", "Continue"))
    if question.kind == "multi":
        return (tick_both_without_script(question.id), click("button", "Continue"))
    if question.required:
        return (click("button", "Continue"),)
    return None  # an optional choice left blank is a fine answer


# --- the rest, by hand ---------------------------------------------------------------------------

SCREENING_BREAST = complete("screening", "breast")
STAGING_LUNG_EVERY_FACTOR = complete("staging", "lung", factors=EVERY_FACTOR)
RESULTS = {
    "screening-breast": SCREENING_BREAST,
    "screening-colorectal-very-high-risk": complete("screening", "colorectal", risk="very_high"),
    "screening-lung-former-smoker": complete("screening", "lung"),
    "symptoms-lymphoma": complete("symptoms", "lymphoma", age="35"),
    "biopsy-prostate": complete("biopsy", "prostate", age="68"),
    "staging-lung-every-factor": STAGING_LUNG_EVERY_FACTOR,
    "staging-breast-advanced-pregnant": complete("staging", "breast", extent="advanced", factors="pregnant"),
    "treatment-other": complete("treatment", "other", age="50"),
    "follow-up-prostate-something-new-kidney": complete(
        "follow_up", "prostate", follow_up_reason="possible_return", factors="kidney"
    ),
}
SAVE = (STAGING_LUNG_EVERY_FACTOR, "/results", click("button", "Save and get a link"))
SAVED = re.escape("/saved/") + TOKEN

OTHER_STATES = [
    State("start-page", ("/",), "/"),
    State("about", ("/about",), "/about"),
    State("glossary", ("/glossary",), "/glossary"),
    State("link-with-a-bad-answer", ("/start?situation=staging&site=spleen",), "/q/site"),
    State("link-with-an-unknown-question", ("/start?situation=screening&colour=blue",), "/q/site"),
    State("check-answers", (SCREENING_BREAST,), "/check"),
    State("check-answers-every-factor", (STAGING_LUNG_EVERY_FACTOR,), "/check"),
    State("change-from-check", (SCREENING_BREAST, click("link", "Change age")), re.escape("/q/age?change=1")),
    *(State(f"results-{name}", (link, "/results"), "/results") for name, link in RESULTS.items()),
    State("handout-every-factor", (STAGING_LUNG_EVERY_FACTOR, "/results/print"), "/results/print"),
    State("handout-screening-breast", (SCREENING_BREAST, "/results/print"), "/results/print"),
    State("start-over-confirmation", ("/q/situation", click("link", "Start over")), r"/restart(\?.*)?"),
    State("link-would-replace-answers", (SCREENING_BREAST, STAGING_LUNG_EVERY_FACTOR), r"/start\?.+"),
    State(
        "no-js-link-would-replace-answers",
        (SCREENING_BREAST, STAGING_LUNG_EVERY_FACTOR),
        r"/start\?.+",
        javascript=False,
    ),
    State("saved-result-owner", SAVE, SAVED),
    State("saved-result-another-browser", (*SAVE, forget_cookies, reload), SAVED),
    State("saved-result-after-the-guide-changed", (*SAVE, rules_changed_since_saving), SAVED),
    State("saved-result-deleted", (*SAVE, click("button", "Delete now")), SAVED + "/delete"),
    State("saved-link-after-delete", (*SAVE, delete_then_open_again), SAVED, status=404),
    State("saved-link-not-found", ("/saved/" + "x" * 43,), SAVED, status=404),
    State(
        "saving-unavailable",
        (STAGING_LUNG_EVERY_FACTOR, "/results", click("button", "Save and get a link")),
        re.escape("/saved"),
        status=503,
        broken_database=True,
    ),
    State("saved-link-unavailable", ("/saved/" + "y" * 43,), SAVED, status=503, broken_database=True),
    State("test-library", ("/tests",), "/tests"),
    *(State(f"test-{test_id}", (f"/tests/{test_id}",), f"/tests/{test_id}") for test_id in BOOK.tests),
    State(
        "compare-two",
        ("/tests", check(BOOK.tests["ct"].name), check(BOOK.tests["mri"].name), click("button", "Compare")),
        r"/tests/compare\?.*",
    ),
    State("compare-three", ("/tests/compare?tests=ct&tests=mri&tests=pet_ct",), r"/tests/compare\?.*"),
    State(
        "compare-four",
        (
            "/tests",
            *(check(BOOK.tests[t].name) for t in ("ct", "mri", "pet_ct", "xray")),
            click("button", "Compare"),
        ),
        r"/tests/compare\?.*",
        400,
    ),
    State("compare-none-chosen", ("/tests", click("button", "Compare")), r"/tests/compare(\?.*)?", 400),
    State("compare-unknown-test", ("/tests/compare?tests=ct&tests=xyz",), r"/tests/compare\?.*", 400),
    State("rule-table", ("/rules",), "/rules"),
    State("rule-table-breast", ("/rules/breast",), "/rules/breast"),
    State("rule-cell-with-changes", ("/rules/breast/screening/breast_mri",), "/rules/breast/screening/.+"),
    State("rule-cell-factor-only", ("/rules/breast/staging/mri",), "/rules/breast/staging/mri"),
    State("rules-changelog", ("/rules/changelog",), "/rules/changelog"),
    State("rule-table-not-found", ("/rules/spleen",), "/rules/spleen", 404),
    # What-if and the journey for one body area (webapp/views/whatif.py).
    State("what-if-pick", ("/what-if?situation=staging&site=lung&age=60&factors=",), r"/what-if(\?.*)?"),
    State(
        "what-if-pregnant-lung-staging",
        ("/what-if?situation=staging&site=lung&age=60&factors=&toggle=factors:pregnant",),
        r"/what-if\?.*",
    ),
    State(
        "what-if-new-situation",
        ("/what-if?situation=staging&site=breast&age=50&extent=early&change=situation&to=screening",),
        r"/what-if\?.*",
    ),
    State(
        "what-if-no-difference",
        ("/what-if?situation=staging&site=lung&age=60&change=age&to=61",),
        r"/what-if\?.*",
    ),
    State(
        "what-if-bad-link", ("/what-if?situation=staging&site=lung&change=age&to=old",), r"/what-if\?.*", 400
    ),
    State(
        "no-js-what-if-pregnant",
        ("/what-if?situation=staging&site=lung&age=60&factors=&toggle=factors:pregnant",),
        r"/what-if\?.*",
        javascript=False,
    ),
    State("journey-form", ("/journey",), "/journey"),
    State("journey-form-error", ("/journey?site=spleen&age=60",), r"/journey\?.*", 400),
    State("journey-lung-pregnant", ("/journey?site=lung&age=60&factors=pregnant",), r"/journey\?.*"),
    # Teaching (webapp/views/teach.py): the gallery, a scenario's result, each presenter step.
    State("teach-gallery", ("/teach",), "/teach"),
    State("teach-gallery-filtered", ("/teach?situation=staging&site=breast",), r"/teach\?.+"),
    State("teach-gallery-no-match", ("/teach?situation=screening&site=bladder",), r"/teach\?.+"),
    State("teach-gallery-bad-filter", ("/teach?site=spleen",), r"/teach\?.+", 400),
    State("no-js-teach-gallery", ("/teach",), "/teach", javascript=False),
    State("teach-result", ("/teach/maya-pregnant-staging",), "/teach/maya-pregnant-staging"),
    *(
        State(
            f"teach-present-step-{n}",
            (f"/teach/maya-pregnant-staging/present?step={n}",),
            r"/teach/[a-z-]+/present\?step=\d",
        )
        for n in (1, 2, 3, 4)
    ),
    State(
        "teach-present-ana-answer",
        ("/teach/ana-call-back-mammogram/present?step=3",),
        r"/teach/[a-z-]+/present\?step=3",
    ),
    State(
        "no-js-teach-present",
        ("/teach/maya-pregnant-staging/present?step=2",),
        r"/teach/.+",
        javascript=False,
    ),
    State("teach-scenario-not-found", ("/teach/nobody",), "/teach/nobody", 404),
    # The link builder for care teams (webapp/views/link.py): the form, a built link, an error, cards.
    State("link-builder", ("/link",), "/link"),
    State(
        "link-builder-built",
        ("/link", check("Staging"), check("Lung"), fill("age", "64"), click("button", "Make the link")),
        r"/link\?.+",
    ),
    State(
        "link-builder-dropped", ("/link?situation=staging&site=lung&risk=higher&factors=none",), r"/link\?.+"
    ),
    State("link-builder-error", ("/link?site=lung&age=old",), r"/link\?.+", 400),
    State(
        "no-js-link-builder-built",
        ("/link?situation=staging&site=lung&age=64",),
        r"/link\?.+",
        javascript=False,
    ),
    State("link-cards-4-a4", ("/link/cards?situation=staging&site=lung&age=64",), r"/link/cards(\?.*)?"),
    State(
        "link-cards-2-letter",
        ("/link/cards?situation=staging&site=lung&per_sheet=2&paper=letter",),
        r"/link/cards\?.+",
    ),
    State("link-cards-bad-size", ("/link/cards?situation=staging&per_sheet=3",), r"/link/cards\?.+", 400),
    # HL7 Infobutton (webapp/infobutton/): a code the guide has no page for, and no code at all.
    State(
        "infobutton-unknown-code",
        ("/infobutton?mainSearchCriteria.v.c=NO-SUCH-CODE&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90",),
        r"/infobutton\?.+",
        404,
    ),
    State("infobutton-missing-code", ("/infobutton",), "/infobutton", 400),
    State("page-not-found", ("/no-such-page",), "/no-such-page", 404),
    State("question-not-found", ("/q/no-such-question",), "/q/no-such-question", 404),
    State("test-not-found", ("/tests/no-such-test",), "/tests/no-such-test", 404),
    State("method-not-allowed", ("/saved",), "/saved", 405),
    # With JavaScript off: nothing un-ticks "None of these", the print button stays hidden, and the
    # glossary's pop-ups and the error summary's focus work on HTML alone.
    State(
        "no-js-q-factors-error",
        (
            link_to("factors", "staging", "lung"),
            check("None of these"),
            check(BOOK.question("factors").options[0].label),
            click("button", "Continue"),
        ),
        "/q/factors",
        400,
        javascript=False,
    ),
    State("no-js-check-answers", (STAGING_LUNG_EVERY_FACTOR,), "/check", javascript=False),
    State(
        "no-js-results-every-factor", (STAGING_LUNG_EVERY_FACTOR, "/results"), "/results", javascript=False
    ),
    State("no-js-saved-result-owner", SAVE, SAVED, javascript=False),
    State(
        "form-expired",
        (
            "/q/situation",
            forget_cookies,
            check(BOOK.question("situation").options[0].label),
            click("button", "Continue"),
        ),
        "/q/situation",
        400,
    ),
]

STATES = question_states() + OTHER_STATES


# --- servers and reaching a state ----------------------------------------------------------------


@pytest.fixture(scope="module")
def live_database(live_server, tmp_path_factory) -> Path:
    """The live server's SQLite file (conftest keeps it under the session's temporary folder)."""
    found = [
        path
        for path in tmp_path_factory.getbasetemp().glob("live*/live.sqlite3")
        if re.fullmatch(r"live\d+", path.parent.name)  # not pytest's "livecurrent" link to the same
    ]
    assert len(found) == 1, f"cannot tell which file is the live server's database: {found}"
    return found[0]


@pytest.fixture(scope="module")
def broken_database_server(tmp_path_factory) -> Iterator[str]:
    """The app with its saved-results table gone, as when the database fails: saving must fail politely."""
    database = tmp_path_factory.mktemp("broken") / "broken.sqlite3"
    app = make_app(database, SECRET_KEY="browser-tests-key-broken-0123456789")
    with sqlite3.connect(database) as db:
        db.execute("DROP TABLE saved_result")
    with serving(app, "broken-database-server") as url:
        yield url


@dataclass(frozen=True)
class Reached:
    """A state on screen: the tab showing it and the last document the server sent for it."""

    page: Any
    served: Any


@pytest.fixture
def reach(live_database, request) -> Callable[[State], Reached]:
    """Take a fresh tab (JavaScript on or off, as the state says) through the state's steps."""

    def go(state: State) -> Reached:
        page = request.getfixturevalue("page" if state.javascript else "no_js_page")
        base = request.getfixturevalue("broken_database_server") if state.broken_database else ""
        visit = Visit(page, base, live_database)
        documents: list[Any] = []
        page.on(
            "response",
            lambda r: (
                documents.append(r)
                if r.request.resource_type == "document" and r.frame == page.main_frame
                else None
            ),
        )
        for step in state.steps:
            if isinstance(step, str):
                page.goto(base + step)
            else:
                step(visit)
            page.wait_for_load_state()
        where = path_of(page)
        assert re.fullmatch(state.lands_on, where), f"{state.name}: landed on {where}, not {state.lands_on}"
        served = documents[-1]
        assert served.status == state.status, f"{state.name}: {where} answered {served.status}"
        # The mouse rests away from every control, so no hover style mixes with focus styles.
        page.mouse.move(0, 0)
        return Reached(page, served)

    return go


# --- the checks ------------------------------------------------------------------------------------


def nu_report(label: str, errors: list[NuError], leave_out: set[str] = frozenset()) -> list[str]:
    """One line per distinct Nu message: how often, and where it first is (line and extract)."""
    by_message: dict[str, list[NuError]] = {}
    for error in errors:
        if error.message not in leave_out:
            by_message.setdefault(error.message, []).append(error)
    return [
        f"Nu ({label}){f' ×{len(same)}' if len(same) > 1 else ''}: {same[0]}" for same in by_message.values()
    ]


@pytest.mark.parametrize("state", STATES, ids=[s.name for s in STATES])
def test_page_state_passes_axe_nu_and_shows_focus_at_every_keyboard_stop(reach, nu_checker, request, state):
    # One visit serves all three checks: reaching a state (a save, a journey) is most of what it costs.
    page, served = (reached := reach(state)).page, reached.served
    if state.javascript:
        problems = [f"axe: {v}" for v in axe_violations(page)]
    else:
        context = request.getfixturevalue("browser_context")
        problems = [
            f"axe (no scripts): {v}" for v in axe_violations_without_scripts(context, page.url, served)
        ]
    as_served = nu_checker.errors(served.text())
    problems += nu_report("as served", as_served)
    # The page after its scripts ran; what the served HTML already showed is not said twice.
    problems += nu_report("after scripts", nu_checker.errors(page.content()), {e.message for e in as_served})
    problems += focus_report(page)
    assert not problems, f"{state.name} ({path_of(page)}):\n  " + "\n  ".join(problems)


def focus_report(page: Any) -> list[str]:
    """One line per keyboard stop without a visible focus style, and one for a keyboard trap."""
    stops, came_back = keyboard_stops(page)
    if not stops:
        return ["Tab reached nothing"]
    problems = [f"focus: {stop['name']} {problem}" for stop in stops for problem in focus_problems(stop)]
    if not came_back:
        problems.append(
            f"focus never came back to the first stop after {len(stops)} stops (a keyboard trap?)"
        )
    return problems


# --- the checks can fail, and the list keeps up with the views ----------------------------------

# Answer JSON or a file rather than a page, or only send the person on to another page.
NOT_PAGES = {"static", "pages.favicon", "ruletable.as_csv", "ruletable.as_json"}
NOT_PAGE_BLUEPRINTS = {"api", "fhir", "health"}
ONLY_REDIRECT = {"questionnaire.begin", "questionnaire.replace", "questionnaire.restart", "share.use"}
SAMPLE_ARGUMENTS = {"question_id": "situation", "test_id": "ct", "token": "x" * 43}
SAMPLE_ARGUMENTS |= {"site": "breast", "situation": "screening", "test": "breast_mri"}  # the rule table
SAMPLE_ARGUMENTS |= {"scenario_id": "maya-pregnant-staging"}  # teaching
NOT_PAGES |= {"link.qr_svg_file", "link.qr_png_file"}  # the link builder's QR code downloads
NOT_PAGES |= {"share.answers_for_record"}  # a saved result's answers as a FHIR download


def test_every_view_is_reached(tmp_path):
    app = make_app(tmp_path / "routes.sqlite3")
    missed = []
    for rule in app.url_map.iter_rules():
        if (
            rule.endpoint in NOT_PAGES | ONLY_REDIRECT
            or rule.endpoint.partition(".")[0] in NOT_PAGE_BLUEPRINTS
        ):
            continue
        unknown = set(rule.arguments) - set(SAMPLE_ARGUMENTS)
        assert not unknown, f"{rule.rule}: give SAMPLE_ARGUMENTS a value for {unknown}"
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: SAMPLE_ARGUMENTS[m.group(1)], rule.rule)
        if not any(re.fullmatch(state.lands_on, path) for state in STATES):
            missed.append(f"{rule.endpoint} ({rule.rule})")
    assert not missed, f"no page state visits: {missed}"


def test_the_nu_checker_reports_errors_in_a_broken_page(nu_checker):
    broken = (
        '<!doctype html><html lang="en"><head><title>x</title></head><body><p id="a"><p id="a"></body></html>'
    )
    assert [e.message for e in nu_checker.errors(broken)] == ["Duplicate ID “a”."]


def test_the_focus_check_catches_a_focus_style_taken_away(page):
    page.goto("/about")
    # As if someone deleted the site's focus styles and the browser's own ring were off. The CSP
    # forbids inline styles, so the change goes through the CSSOM of the site's own stylesheet.
    page.evaluate(
        """() => {
          const strip = (group) => {
            for (let i = group.cssRules.length - 1; i >= 0; i--) {
              const rule = group.cssRules[i];
              if ((rule.selectorText || "").includes(":focus")) group.deleteRule(i);
              else if (rule.cssRules) strip(rule);  // inside @media, @layer, @supports
            }
          };
          for (const sheet of document.styleSheets) strip(sheet);
          document.styleSheets[0].insertRule(":focus { outline: none !important; }");
        }"""
    )
    stops, came_back = keyboard_stops(page)
    assert came_back
    assert stops
    assert all(focus_problems(stop) for stop in stops), [
        (s["name"], s["changes"]) for s in stops if not focus_problems(s)
    ]
