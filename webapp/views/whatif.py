"""What if one answer were different, and one body area through every situation.

Both pages take their answers from the link alone and never read or write the person's session,
so a teacher can share one and every browser sees the same page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from .. import i18n, journey, session_answers
from ..current import rulebook
from ..messages import translate
from ..quoting import quote
from ..rulebook import answers_to_dict, asked_answers, evaluate, parse_answers, questions_asked
from ..rulebook.compare import compare
from ..rulebook.model import AnswerValue, Question, Result, Rulebook

bp = Blueprint("whatif", __name__)

# Query keys that say what to change; every other key is an answer.
CHANGE, TO, TOGGLE = "change", "to", "toggle"
CONTROLS = frozenset({CHANGE, TO, TOGGLE})
# A link can hold any number of mistakes; the page names the first few.
PROBLEMS_SHOWN = 8
SITUATION, SITE = "situation", "site"

Answers = dict[str, AnswerValue]


class BadLink(Exception):
    """A what-if or journey link that cannot be used, with what is wrong in plain words."""

    def __init__(self, problems: list[str], base: Answers | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems[:PROBLEMS_SHOWN]
        self.base = base  # answers that were fine, so the page can offer to carry on from them


def _raw_answers(skip: frozenset[str]) -> dict[str, object]:
    """The answers in the link, read like a pre-fill link: a set of choices may repeat or use commas."""
    book = rulebook()
    raw: dict[str, object] = {}
    for key in request.args:
        if key in skip or key == i18n.QUERY:  # the language the link asks for is not an answer
            continue
        values = [part for v in request.args.getlist(key) for part in v.split(",") if part.strip()]
        question = book.question(key)
        raw[key] = (
            values if question is not None and question.kind == "multi" else (values[-1] if values else "")
        )
    return raw


def _messages(errors: Mapping[str, list[str]]) -> list[str]:
    return [translate(message) for messages in errors.values() for message in messages]


def _given(book: Rulebook, answers: Mapping[str, AnswerValue]) -> Answers:
    """The answers to questions that apply, as given (no defaults filled in): what carries over."""
    return {q.id: answers[q.id] for q in questions_asked(book, answers) if q.id in answers}


def link_query(answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """Answers as link parameters, in question order; a set of choices is comma-separated."""
    plain = answers_to_dict(rulebook(), dict(answers))
    return {k: ",".join(v) if isinstance(v, list) else v for k, v in plain.items()}


# --- what to change ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The one change asked for: a question, and its new answer (None: not answered)."""

    question: Question
    value: AnswerValue | None
    words: str  # the change in words: "Age: 60 years to 40 years"


def _one(key: str) -> str | None:
    """The single value of a control key; asking twice is a mistake, not a choice."""
    values = request.args.getlist(key)
    if len(values) > 1:
        raise BadLink(
            [_("The link says %(key)s more than once. Change one thing at a time.", key=quote(key))]
        )
    return values[0] if values else None


def _applies(book: Rulebook, base: Answers, question_id: str) -> Question:
    question = book.question(question_id.strip())
    if question is None:
        raise BadLink([_("There is no question called %(name)s.", name=quote(question_id))], base)
    if question not in questions_asked(book, base):
        raise BadLink(
            [
                _(
                    "%(question)s is not asked for these answers, so it cannot be changed.",
                    question=question.short,
                )
            ],
            base,
        )
    return question


def _describe(question: Question, value: AnswerValue | None) -> str:
    words = journey.describe_answer(question, value)
    return ", ".join(words) if isinstance(words, list) else words


def _toggle(book: Rulebook, base: Answers, raw: str) -> Change:
    """Add a choice to a set of choices, or take it out: `factors:pregnant`."""
    question_id, _colon, value = raw.partition(":")
    question = _applies(book, base, question_id)
    value = value.strip()
    if question.kind != "multi":
        raise BadLink(
            [_("%(question)s is not a list of choices; use change and to instead.", question=question.short)],
            base,
        )
    option = question.option(value)
    if option is None:
        raise BadLink(
            [_("%(question)s has no option %(value)s.", question=question.short, value=quote(value))], base
        )
    now = base.get(question.id)
    chosen = set(now) if isinstance(now, frozenset) else set()
    if value in chosen:
        words = _("%(question)s: take away “%(option)s”", question=question.short, option=option.label)
    else:
        words = _("%(question)s: add “%(option)s”", question=question.short, option=option.label)
    chosen.symmetric_difference_update({value})
    return Change(question, frozenset(chosen), words)


def _set(book: Rulebook, base: Answers, question_id: str, raw: str | None) -> Change:
    """Give one question a new answer; a blank answer leaves an optional question not answered."""
    question = _applies(book, base, question_id)
    if raw is None:
        raise BadLink(
            [_("The link says to change %(question)s, but not to what.", question=question.short.lower())],
            base,
        )
    value: AnswerValue | None = None
    if raw.strip():
        text: object = [p for p in raw.split(",") if p.strip()] if question.kind == "multi" else raw
        parsed, errors = parse_answers(book, {question.id: text})
        if errors:
            raise BadLink(_messages(errors), base)
        value = parsed[question.id]
    elif question.required:
        raise BadLink(
            [_("%(question)s is required, so it cannot be left not answered.", question=question.short)], base
        )
    before, after = _describe(question, base.get(question.id)), _describe(question, value)
    return Change(
        question,
        value,
        _("%(question)s: %(before)s to %(after)s", question=question.short, before=before, after=after),
    )


def read_change(book: Rulebook, base: Answers) -> Change | None:
    """The change the link asks for, or None when it asks for none (the page then offers them)."""
    change, to, toggle = _one(CHANGE), _one(TO), _one(TOGGLE)
    if change is not None and toggle is not None:
        raise BadLink([_("The link asks for two changes. Change one thing at a time.")], base)
    if toggle is not None:
        return _toggle(book, base, toggle)
    if change is not None:
        return _set(book, base, change, to)
    if to is not None:
        raise BadLink([_("The link gives a new answer but not which question it is for.")], base)
    return None


def read_base() -> Answers:
    """The answers the what-if starts from; a link with a wrong or missing answer is a BadLink."""
    book = rulebook()
    raw = _raw_answers(CONTROLS)
    if not raw:
        raise BadLink(
            [_("The link has no answers to start from. A what-if starts from the answers on a result page.")]
        )
    answers, errors = parse_answers(book, raw, complete=True)
    if errors:
        raise BadLink(_messages(errors))
    return _given(book, answers)


def changed_answers(base: Answers, change: Change) -> Answers:
    """The base answers with the change made; answers no longer asked drop out."""
    answers = dict(base)
    if change.value is None:
        answers.pop(change.question.id, None)
    else:
        answers[change.question.id] = change.value
    return _given(rulebook(), answers)


# --- the pages -----------------------------------------------------------------------------------


def _problem(error: BadLink, heading: str):
    again = url_for("whatif.what_if", **link_query(error.base)) if error.base else None
    page = render_template("whatif/problem.html", heading=heading, problems=error.problems, again=again)
    return page, 400


def _rows(answers: Answers) -> list[dict[str, Any]]:
    return journey.answer_rows(answers)


def _choices(book: Rulebook, base: Answers) -> list[dict[str, Any]]:
    """One set of changes per question asked: its other options, or each factor to add or take away."""
    choices = []
    for question in questions_asked(book, base):
        now = base.get(question.id)
        entry: dict[str, Any] = {"question": question, "now": _describe(question, now)}
        if question.kind == "multi":
            chosen = now if isinstance(now, frozenset) else frozenset()
            entry["toggles"] = [
                (
                    f"{question.id}:{o.value}",
                    _("Take away: %(option)s", option=o.label)
                    if o.value in chosen
                    else _("Add: %(option)s", option=o.label),
                )
                for o in question.options
            ]
        elif question.kind == "choice":
            entry["options"] = [o for o in question.options_for(base) if o.value != now]
        choices.append(entry)
    return choices


def _factor_names(book: Rulebook) -> dict[str, str]:
    """A few words for each safety factor ("Pregnancy"), for saying what set a level."""
    factors = book.question("factors")
    return {o.value: o.short or o.label for o in factors.options} if factors else {}


@bp.get("/what-if")
def what_if():
    """Offer one change to these answers, or show what one change does to the result."""
    book = rulebook()
    try:
        base = read_base()
        change = read_change(book, base)
    except BadLink as error:
        return _problem(error, _("This what-if link cannot be used"))
    base_query = link_query(base)
    if change is None:
        page = render_template(
            "whatif/pick.html",
            rows=_rows(base),
            choices=_choices(book, base),
            base_query=base_query,
            result_link=url_for("questionnaire.begin", **base_query),
        )
        return page
    after = changed_answers(base, change)
    before_result, after_result = evaluate(book, base), evaluate(book, after)
    before_asked = {q.id for q in questions_asked(book, base)}
    after_asked = {q.id for q in questions_asked(book, after)}
    after_query = link_query(after)
    return render_template(
        "whatif/compare.html",
        change=change,
        before_rows=_rows(base),
        after_rows=_rows(after),
        difference=compare(before_result, after_result),
        factor_names=_factor_names(book),
        new_questions=[q for q in questions_asked(book, after) if q.id not in before_asked],
        dropped=[q for q in questions_asked(book, base) if q.id not in after_asked and q.id in base],
        base_link=url_for("whatif.what_if", **base_query),
        after_link=url_for("whatif.what_if", **after_query),
        after_result_link=url_for("questionnaire.begin", **after_query),
    )


# --- the journey for one body area ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One situation for the same person: its result, and the questions it asks that were not answered."""

    situation: str
    label: str
    result: Result
    unanswered: tuple[Question, ...]
    result_link: str

    def level(self, test_id: str) -> str | None:
        """The level of a test in this situation, or None when the test is not listed."""
        for test in self.result.tests:
            if test.id == test_id:
                return test.level
        return None

    def test(self, test_id: str):
        """The test as this situation's result has it, or None."""
        return next((t for t in self.result.tests if t.id == test_id), None)


def journey_columns(book: Rulebook, given: Answers) -> list[Column]:
    """The same answers through every situation, in the order of the situation question.

    A question asked in only some situations (risk, how it was found) and not in the link is
    named on its column as not answered; one asked everywhere (age) is the person's own choice.
    """
    situation = book.question(SITUATION)
    options = situation.options if situation else ()
    answer_sets = [{**given, SITUATION: option.value} for option in options]
    asked_sets = [list(questions_asked(book, answers)) for answers in answer_sets]
    everywhere = set.intersection(*({q.id for q in asked} for asked in asked_sets)) if asked_sets else set()
    columns = []
    for option, answers, asked in zip(options, answer_sets, asked_sets, strict=True):
        filled, _ = asked_answers(book, answers)
        unanswered = tuple(q for q in asked if q.id not in filled and q.id not in everywhere)
        columns.append(
            Column(
                situation=option.value,
                label=option.short or option.label,
                result=evaluate(book, answers),
                unanswered=unanswered,
                result_link=url_for("questionnaire.begin", **link_query(_given(book, answers))),
            )
        )
    return columns


def _journey_form(book: Rulebook, values: Mapping[str, object], errors: dict[str, str], status: int = 200):
    site, factors = book.question(SITE), book.question("factors")
    # The form has three fields; a mistake in any other answer in the link points at the first.
    fields = ("site", "age", "factors")
    page = render_template(
        "whatif/journey.html",
        columns=None,
        sites=site.options if site else (),
        factor_options=factors.options if factors else (),
        values=values,
        errors=errors,
        summary=[(key if key in fields else "site", message) for key, message in errors.items()],
        form_errors=bool(errors),
    )
    return page, status


@bp.get("/journey")
def journey_page():
    """One body area through all six situations, side by side, for the same person."""
    book = rulebook()
    if not any(key != i18n.QUERY for key in request.args):
        return _journey_form(book, {}, {})
    # Which situation is the page's whole point, so a situation in the link is left out.
    raw = _raw_answers(frozenset({SITUATION}))
    answers, errors = parse_answers(book, raw)
    messages = {key: translate(messages[0]) for key, messages in errors.items()}
    if SITE in messages:
        messages[SITE] = _("Select a body area from the list")
    if SITE not in answers and SITE not in messages:
        messages[SITE] = _("Select a body area")
    if messages:
        shown = {k: v for k, v in raw.items() if k not in messages}
        return _journey_form(book, shown, messages, 400)
    columns = journey_columns(book, answers)
    ranks = book.test_rank
    test_ids = sorted({t.id for c in columns for t in c.result.tests}, key=lambda t: ranks[t])
    site = book.question(SITE)
    site_option = site.option(str(answers[SITE])) if site else None
    return render_template(
        "whatif/journey.html",
        columns=columns,
        tests=[book.tests[t] for t in test_ids],
        factor_names=_factor_names(book),
        site_label=site_option.label if site_option else str(answers[SITE]),
        rows=[
            {"id": q.id, "key": q.short, "value": journey.describe_answer(q, answers[q.id])}
            for q in book.questions
            if q.id in answers
        ],
    )


# --- links from a result -------------------------------------------------------------------------


def result_links(raw: Mapping[str, Any] | None = None) -> dict[str, str] | None:
    """Links from a result to its what-if and journey pages: from saved answers, or this visit's.

    Read-only: a results page shows the answers it holds, and these links carry them on.
    """
    book = rulebook()
    answers = (
        session_answers.parse_stored(book, raw) if raw is not None else session_answers.load_answers(book)
    )
    given = _given(book, answers)
    if SITUATION not in given:
        return None
    site = book.question(SITE)
    site_value = given.get(SITE) or (site.default if site else None)
    site_option = site.option(str(site_value)) if site and site_value else None
    person = {k: v for k, v in given.items() if k != SITUATION}
    if site_value is not None:
        person[SITE] = site_value
    return {
        "what_if": url_for("whatif.what_if", **link_query(given)),
        "journey": url_for("whatif.journey_page", **link_query(person)),
        "site": site_option.label if site_option else "",
    }


@bp.app_context_processor
def _result_link_helper() -> dict[str, Any]:
    """Let the results and saved-result templates ask for these links."""
    return {"whatif_links": result_links}
