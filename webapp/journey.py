"""Which question comes next: the order of steps, worked out from the rules and the answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .rulebook import Rulebook, questions_asked
from .rulebook.model import AnswerValue, Question

Answers = Mapping[str, AnswerValue]


def applicable(rulebook: Rulebook, answers: Answers) -> list[Question]:
    """The questions that apply to these answers, in order."""
    return list(questions_asked(rulebook, answers))


def first_unseen(rulebook: Rulebook, answers: Answers, seen: Sequence[str]) -> Question | None:
    """The first question that applies and that the person has not passed yet."""
    for question in applicable(rulebook, answers):
        if question.id not in seen or (question.required and question.id not in answers):
            return question
    return None


def neighbours(
    rulebook: Rulebook, answers: Answers, question_id: str
) -> tuple[Question | None, Question | None]:
    """The questions that apply just before and just after this one."""
    steps = applicable(rulebook, answers)
    ids = [q.id for q in steps]
    if question_id not in ids:
        return None, None
    at = ids.index(question_id)
    return (steps[at - 1] if at > 0 else None), (steps[at + 1] if at + 1 < len(steps) else None)


def position(rulebook: Rulebook, answers: Answers, question_id: str) -> tuple[int, int]:
    """Where this question stands among those that apply: (number, total)."""
    ids = [q.id for q in applicable(rulebook, answers)]
    return (ids.index(question_id) + 1 if question_id in ids else 0), len(ids)


def is_complete(rulebook: Rulebook, answers: Answers, seen: Sequence[str]) -> bool:
    """True when every question that applies has been passed and the required ones answered."""
    return first_unseen(rulebook, answers, seen) is None
