"""The results page and its printable handout."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup

from .. import journey, result_html, save_tokens, session_answers
from ..current import rulebook

bp = Blueprint("results", __name__)


def _answers_or_next_page():
    """The answers when every question that applies is passed, else the redirect to the next one."""
    book = rulebook()
    answers = session_answers.load_answers(book)
    seen = session_answers.load_seen()
    if not journey.is_complete(book, answers, seen):
        return None, journey.next_page(answers, seen)
    return answers, None


@bp.get("/results")
def show():
    """Show the imaging tests for the answers given, or the next question if some are missing."""
    answers, redirect = _answers_or_next_page()
    if answers is None:
        return redirect
    # A fresh token per page: saving twice from one page (a double click) keeps one result.
    save_token, save_proof = save_tokens.issue()
    actions = render_template("results/_actions.html", save_token=save_token, save_proof=save_proof)
    top, _, rest = result_html.body(answers, "live").partition(result_html.ACTIONS)
    # Both come from our autoescaped templates; partition only cuts the body at the slot.
    page = render_template(
        "results/results.html",
        top=Markup(top),  # noqa: S704
        actions=Markup(actions),  # noqa: S704
        rest=Markup(rest),  # noqa: S704
        handout=result_html.handout(answers, result_html.prefill_link(answers)),
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.get("/results/print")
def print_view():
    """Show the handout: the result on at most two printed pages, with a link back to it online."""
    answers, redirect = _answers_or_next_page()
    if answers is None:
        return redirect
    page = render_template(
        "results/print.html", handout=result_html.handout(answers, result_html.prefill_link(answers))
    )
    return page, 200, {"Cache-Control": "no-store"}
