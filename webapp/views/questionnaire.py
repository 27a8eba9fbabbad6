"""The questions, one step at a time: pre-filled links, each step, check answers, start over."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug import Response

from .. import journey, session_answers
from ..current import rulebook
from ..forms import answer_from, field_value, make_form
from ..rulebook import parse_answers
from ..rulebook.model import AnswerValue, Question

bp = Blueprint("questionnaire", __name__)


def _link_answers() -> dict[str, object]:
    """Answers from a pre-filled link; `factors` may repeat or be comma-separated."""
    raw: dict[str, object] = {}
    for key in request.args:
        values = [part for v in request.args.getlist(key) for part in v.split(",") if part.strip()]
        question = rulebook().question(key)
        if question is not None and question.kind == "multi":
            raw[key] = values
        else:
            raw[key] = values[-1] if values else ""
    return raw


@bp.get("/start")
def begin() -> Response:
    """Start, or carry on; a link with answers in it fills them in first."""
    book = rulebook()
    if not request.args:
        return journey.next_page(session_answers.load_answers(book), session_answers.load_seen())
    raw = _link_answers()
    answers, errors = parse_answers(book, raw)
    for key in errors:
        question = book.question(key)
        if question is None:
            flash(f"The link asked about “{key[:40]}”, which is not one of our questions.", "notice")
        else:
            flash(f"{question.short}: “{str(raw[key])[:40]}” is not one of the answers we know.", "notice")
    seen = [q.id for q in book.questions if q.id in answers]
    session_answers.save(answers, seen)
    return journey.next_page(answers, seen)


def _render_step(question: Question, form, answers: dict[str, AnswerValue], change: bool, status: int = 200):
    book = rulebook()
    previous, _ = journey.neighbours(book, answers, question.id)
    number, total = journey.position(book, answers, question.id)
    if change:
        back = url_for("questionnaire.check")
    elif previous:
        back = url_for("questionnaire.step", question_id=previous.id)
    else:
        back = url_for("pages.start")
    errors = [(question.id, message) for message in form.answer_field.errors]
    return (
        render_template(
            "questionnaire/step.html",
            question=question,
            options=question.options_for(answers),
            field=form.answer_field,
            errors=errors,
            form_errors=bool(errors),
            back=back,
            number=number,
            total=total,
            change=change,
        ),
        status,
    )


@bp.route("/q/<question_id>", methods=["GET", "POST"])
def step(question_id: str):
    """Ask one question; on a good answer, save it and move on."""
    book = rulebook()
    question = book.question(question_id)
    if question is None:
        abort(404)
    answers = session_answers.load_answers(book)
    seen = session_answers.load_seen()
    if question.id not in {q.id for q in journey.applicable(book, answers)}:
        return journey.next_page(answers, seen)
    change = request.values.get("change") == "1"

    if request.method == "GET":
        form = make_form(
            book, question, formdata=None, **{question.id: field_value(question, answers.get(question.id))}
        )
        return _render_step(question, form, answers, change)

    form = make_form(book, question)
    if not form.validate_on_submit():
        return _render_step(question, form, answers, change, status=400)
    answer = answer_from(form)
    if answer is None:
        answers.pop(question.id, None)
    else:
        answers[question.id] = answer
    seen.append(question.id)
    session_answers.save(answers, seen)
    if change:
        return journey.next_page(answers, seen, change=True)
    _, following = journey.neighbours(book, answers, question.id)
    if following is not None:
        return redirect(url_for("questionnaire.step", question_id=following.id))
    return journey.next_page(answers, seen)


@bp.get("/check")
def check():
    """Show every answer with a way to change it, before the results."""
    book = rulebook()
    answers = session_answers.load_answers(book)
    seen = session_answers.load_seen()
    if not journey.is_complete(book, answers, seen):
        return journey.next_page(answers, seen)
    return render_template("questionnaire/check.html", rows=journey.answer_rows(answers))


@bp.post("/restart")
def restart() -> Response:
    """Forget every answer and go back to the first question."""
    session_answers.clear()
    return redirect(url_for("questionnaire.step", question_id=rulebook().questions[0].id))
