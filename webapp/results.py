"""The results page and its print view."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import Blueprint, current_app, render_template
from markupsafe import Markup

from . import journey, presenting, saving, session_answers
from .questionnaire import answer_rows, next_page
from .rulebook import evaluate
from .rulebook.model import AnswerValue
from .templating import rulebook

bp = Blueprint("results", __name__)

# Rendered result bodies kept per worker. There are few distinct answer sets in practice, and a
# body depends only on the answers, the rules and the mode, so a repeat costs no rendering.
BODY_CACHE_SIZE = 256

AnswersKey = tuple[tuple[str, AnswerValue], ...]


def _key(answers: dict[str, AnswerValue]) -> AnswersKey:
    return tuple(sorted(answers.items()))


@lru_cache(maxsize=BODY_CACHE_SIZE)
def _cached_body(rules_version: str, mode: str, day: dt.date, answers: AnswersKey) -> Markup:
    del rules_version  # part of the key only: a new rulebook must never reuse old bodies
    return Markup(render_body(dict(answers), mode, day))


def render_body(answers: dict[str, AnswerValue], mode: str, day: dt.date | None = None) -> str:
    """Render `results/_body.html` for these answers in one mode (live, print or snapshot)."""
    book = rulebook()
    result = evaluate(book, answers)
    return render_template(
        "results/_body.html",
        result=result,
        view=presenting.build(book, result),
        rows=answer_rows(answers),
        mode=mode,
        today=day or dt.date.today(),
    )


def body(answers: dict[str, AnswerValue], mode: str) -> Markup:
    """The result body, rendered once per answers, rules and mode (and day, which prints show)."""
    return _cached_body(rulebook().version, mode, dt.date.today(), _key(answers))


def _render(mode: str):
    book = rulebook()
    answers = session_answers.load_answers(book)
    seen = session_answers.load_seen()
    if not journey.is_complete(book, answers, seen):
        return next_page(answers, seen)
    page = render_template(
        "results/results.html",
        body=body(answers, mode),
        mode=mode,
        # A fresh token per page: saving twice from one page (a double click) keeps one result.
        save_token=saving.new_token(),
        keep_days=current_app.config["SAVED_RESULT_DAYS"],
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.get("/results")
def show():
    """Show the imaging tests for the answers given, or the next question if some are missing."""
    return _render("live")


@bp.get("/results/print")
def print_view():
    """Show the same results as a clean, dated page for printing."""
    return _render("print")
