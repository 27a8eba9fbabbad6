"""Keep a person's answers in their own signed session cookie, never on the server."""

from __future__ import annotations

from flask import session

from . import current
from .rulebook import Rulebook, answers_to_dict, parse_answers
from .rulebook.model import AnswerValue

ANSWERS = "answers"
SEEN = "seen"


def parse_stored(rulebook: Rulebook, raw: object) -> dict[str, AnswerValue]:
    """Typed answers from stored ones, dropping any that no longer fit the rules."""
    answers, _ = parse_answers(rulebook, raw if isinstance(raw, dict) else {})
    return answers


def load_answers(rulebook: Rulebook) -> dict[str, AnswerValue]:
    """Read the answers back from the session."""
    return parse_stored(rulebook, session.get(ANSWERS))


def load_seen() -> list[str]:
    """The questions the person has already passed, answered or skipped."""
    seen = session.get(SEEN) or []
    return [s for s in seen if isinstance(s, str)]


def save(answers: dict[str, AnswerValue], seen: list[str]) -> None:
    """Store answers (as JSON values) and the questions passed."""
    session[ANSWERS] = answers_to_dict(current.rulebook(), answers)
    session[SEEN] = list(dict.fromkeys(seen))


def clear() -> None:
    """Forget every answer."""
    session.pop(ANSWERS, None)
    session.pop(SEEN, None)
