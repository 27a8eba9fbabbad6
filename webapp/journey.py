"""Which page comes next: the order of steps, worked out from the rules and the answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import redirect, url_for
from flask_babel import gettext as _
from werkzeug import Response

from . import current
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


def position(rulebook: Rulebook, answers: Answers, question_id: str) -> tuple[int, int | None]:
    """Where this question stands among those that apply: (number, total or None).

    The total is None while this answer or a later one can still add or remove questions, so a
    count shown once never changes as the person goes on. Earlier answers count as given: a
    question's `show_when` only looks at questions before it, and a question that does not apply
    now can only start to apply through an answer that is still open, which this check catches.
    """
    ids = [q.id for q in applicable(rulebook, answers)]
    if question_id not in ids:
        return 0, None
    at = ids.index(question_id)
    still_open = ids[at:]
    settled = not any(q.show_when.looks_at(open_id) for q in rulebook.questions for open_id in still_open)
    return at + 1, (len(ids) if settled else None)


def is_complete(rulebook: Rulebook, answers: Answers, seen: Sequence[str]) -> bool:
    """True when every question that applies has been passed and the required ones answered."""
    return first_unseen(rulebook, answers, seen) is None


def next_page(answers: dict[str, AnswerValue], seen: list[str], change: bool = False) -> Response:
    """Go to the first question not yet passed, or to the answers check when none is left.

    While changing an answer from the check page, a new follow-up keeps the change mode, so the
    person returns to the check page after it.
    """
    question = first_unseen(current.rulebook(), answers, seen)
    if question is None:
        return redirect(url_for("questionnaire.check"))
    return redirect(url_for("questionnaire.step", question_id=question.id, change="1" if change else None))


def describe_answer(question: Question, answer: AnswerValue | None) -> str | list[str]:
    """Say an answer in words; the labels of a set of choices come as a list, one per line."""
    if answer is None:
        return _("Not answered")
    if isinstance(answer, frozenset):
        return [o.label for o in question.options if o.value in answer] or _("None of these")
    if question.kind == "number":
        return f"{answer} {question.unit}".strip()
    option = question.option(str(answer))
    return option.label if option else str(answer)


def answer_rows(answers: dict[str, AnswerValue]) -> list[dict[str, str | list[str]]]:
    """One row per question that applies: its short name, the answer in words, and the change link."""
    return [
        {
            "id": q.id,
            "key": q.short,
            "value": describe_answer(q, answers.get(q.id)),
            "change": url_for("questionnaire.step", question_id=q.id, change="1"),
        }
        for q in applicable(current.rulebook(), answers)
    ]
