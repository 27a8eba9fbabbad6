"""The results page and its print view."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template

from . import journey, presenting, session_answers
from .questionnaire import answer_rows, next_page
from .rulebook import evaluate
from .templating import rulebook

bp = Blueprint("results", __name__)


def _render(print_view: bool):
    book = rulebook()
    answers = session_answers.load_answers(book)
    seen = session_answers.load_seen()
    if not journey.is_complete(book, answers, seen):
        return next_page(answers, seen)
    result = evaluate(book, answers)
    response = render_template(
        "results/results.html",
        result=result,
        view=presenting.build(book, result),
        rows=answer_rows(answers),
        print_view=print_view,
        today=dt.date.today(),
    )
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/results")
def show():
    """Show the imaging tests for the answers given, or the next question if some are missing."""
    return _render(print_view=False)


@bp.get("/results/print")
def print_view():
    """Show the same results as a clean, dated page for printing."""
    return _render(print_view=True)
