"""The results page and its print view."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .. import journey, result_html, session_answers
from ..current import rulebook
from ..storage import saving

bp = Blueprint("results", __name__)


def _render(mode: str):
    book = rulebook()
    answers = session_answers.load_answers(book)
    seen = session_answers.load_seen()
    if not journey.is_complete(book, answers, seen):
        return journey.next_page(answers, seen)
    page = render_template(
        "results/results.html",
        body=result_html.body(answers, mode),
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
