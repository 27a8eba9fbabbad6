"""For educators: the scenario gallery, a scenario's result, and the presenter view for a projector.

None of these pages reads or changes the visitor's own answers: a scenario's result is worked out
from the scenario, and "Walk through the questions" is a plain pre-fill link (/start asks before it
replaces answers already given).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import journey, result_html
from ..current import rulebook
from ..presenting import FIRST_TOPICS
from ..quoting import quote
from ..rulebook import FACTORS_QUESTION, answers_to_dict, evaluate
from ..rulebook.model import LEVELS, Note, Result, ResultTest, Rulebook
from ..rulebook.scenarios import CHANGED, Scenario, revealed

bp = Blueprint("teach", __name__)

FILTERS = ("situation", "site")
STEPS = (_l("The story"), _l("Guess first"), _l("The answer"), _l("Teaching points"))


@dataclass(frozen=True)
class Card:
    """A scenario as the gallery shows it: its story and its answers in words."""

    scenario: Scenario
    situation: str
    site: str
    factors: tuple[str, ...]
    walk_through: str
    what_if: str


def _label(book: Rulebook, question_id: str, value: str) -> str:
    question = book.question(question_id)
    option = question.option(value) if question else None
    return (option.short or option.label) if option else value


def _query(book: Rulebook, scenario: Scenario) -> dict[str, object]:
    """The scenario's answers as a pre-fill link writes them (sets of choices comma-separated)."""
    plain = answers_to_dict(book, dict(scenario.answers))
    return {k: ",".join(v) if isinstance(v, list) else v for k, v in plain.items()}


def _card(book: Rulebook, scenario: Scenario) -> Card:
    factors = book.question(FACTORS_QUESTION)
    shorts = tuple(o.short for o in factors.options if o.value in scenario.factors) if factors else ()
    query = _query(book, scenario)
    return Card(
        scenario,
        _label(book, "situation", scenario.situation),
        _label(book, "site", scenario.site),
        shorts,
        url_for("questionnaire.begin", **query),
        url_for("whatif.what_if", **query),
    )


def _scenario(scenario_id: str) -> Scenario:
    scenario = rulebook().scenarios.get(scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def _filter_options(book: Rulebook, question_id: str) -> list[tuple[str, str]]:
    """The values a filter offers: those some scenario has, in the order the question lists them."""
    used = {str(s.answers.get(question_id)) for s in book.scenarios.values()}
    question = book.question(question_id)
    return [(v, _label(book, question_id, v)) for v in (question.values if question else ()) if v in used]


@bp.get("/teach")
def gallery():
    """List the scenarios, filtered by situation and body area (a plain GET form)."""
    book = rulebook()
    options = {name: _filter_options(book, name) for name in FILTERS}
    chosen: dict[str, str] = {}
    notices = []
    for name in FILTERS:
        value = request.args.get(name, "").strip()
        if not value:
            continue
        if value in {v for v, _ in options[name]}:
            chosen[name] = value
        elif name == "situation":
            notices.append(
                _(
                    "%(value)s is not a situation any scenario has, so that filter was left out.",
                    value=quote(value),
                )
            )
        else:
            notices.append(
                _(
                    "%(value)s is not a body area any scenario has, so that filter was left out.",
                    value=quote(value),
                )
            )
    scenarios = [
        s for s in book.scenarios.values() if all(str(s.answers.get(k)) == v for k, v in chosen.items())
    ]
    page = render_template(
        "teach/gallery.html",
        cards=[_card(book, s) for s in scenarios],
        total=len(book.scenarios),
        options=options,
        chosen=chosen,
        notices=notices,
    )
    return page, 400 if notices else 200


@bp.get("/teach/<scenario_id>")
def result(scenario_id: str):
    """Show the full result for a scenario's answers, without touching the visitor's own answers."""
    book = rulebook()
    scenario = _scenario(scenario_id)
    body = result_html.body(dict(scenario.answers), "snapshot")  # rendered once per answers and rules
    return render_template("teach/result.html", card=_card(book, scenario), body=body)


@dataclass(frozen=True)
class Reveal:
    """What the answer step shows: the tests that answer the guess, the rest by level, key notes."""

    answer: tuple[ResultTest, ...]
    changed: bool
    by_level: tuple[tuple[str, tuple[ResultTest, ...]], ...]
    notes: tuple[Note, ...]


def _reveal(scenario: Scenario, found: Result) -> Reveal:
    # The notes that matter here, kept short for one screen: those a point names, what is done
    # instead of imaging, and where experts differ; the notes every result has would only crowd it.
    named = {p.expect.note for p in scenario.points} | {p.expect.topic for p in scenario.points}
    wanted = named | FIRST_TOPICS
    notes = tuple(n for n in found.notes if n.id in wanted or n.topic in wanted)
    return Reveal(
        answer=revealed(scenario, found),
        changed=scenario.reveal == CHANGED,
        by_level=tuple((level, found.by_level(level)) for level in LEVELS if found.by_level(level)),
        notes=notes,
    )


@bp.get("/teach/<scenario_id>/present")
def present(scenario_id: str):
    """Show one step of a scenario for a projector: story, guess, answer, teaching points."""
    book = rulebook()
    scenario = _scenario(scenario_id)
    raw = request.args.get("step", "1")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= len(STEPS)):
        abort(404)
    step = int(raw)
    found = evaluate(book, scenario.answers)
    here = url_for("teach.present", scenario_id=scenario.id)
    return render_template(
        "teach/present.html",
        card=_card(book, scenario),
        step=step,
        steps=STEPS,
        rows=journey.answer_rows(dict(scenario.answers)),
        reveal=_reveal(scenario, found),
        previous=f"{here}?step={step - 1}" if step > 1 else None,
        following=f"{here}?step={step + 1}" if step < len(STEPS) else None,
    )
