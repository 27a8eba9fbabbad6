"""The HTML body of a result, rendered once per answers, rules, mode and day."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask import render_template
from markupsafe import Markup

from . import journey, presenting
from .current import rulebook
from .rulebook import evaluate
from .rulebook.model import AnswerValue

# Rendered result bodies kept per worker. There are few distinct answer sets in practice, and a
# body depends only on the answers, the rules and the mode, so a repeat costs no rendering.
BODY_CACHE_SIZE = 256

AnswersKey = tuple[tuple[str, AnswerValue], ...]


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
        rows=journey.answer_rows(answers),
        mode=mode,
        today=day or dt.date.today(),
    )


def body(answers: dict[str, AnswerValue], mode: str) -> Markup:
    """The result body, rendered once per answers, rules and mode (and day, which prints show)."""
    return _cached_body(rulebook().version, mode, dt.date.today(), tuple(sorted(answers.items())))
