"""One Flask-WTF form per question, built from the questions in `rules/`.

The form brings CSRF protection and the field plumbing; what counts as a valid answer, and the
message when it is not, comes from the rulebook (`parse_answers`) so the form, the link and the
API never disagree.
"""

from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from .messages import translate
from .rulebook import Rulebook, parse_answers
from .rulebook.model import AnswerValue, Question

NONE_OF_THESE = "none"


class StepForm(FlaskForm):
    """A form holding one question; subclasses add the field named after the question id."""

    question: Question

    @property
    def answer_field(self) -> Field:
        """The single field of this step."""
        return self[self.question.id]


class AnswerCheck:
    """Validate a field with the rulebook's own rules and messages, said in the request's language."""

    def __init__(self, question: Question) -> None:
        self.question = question

    def __call__(self, form: StepForm, field: Field) -> None:
        """Raise with a plain message when the answer does not fit the question."""
        raw = field.data
        if self.question.kind == "multi":
            values = [v for v in (raw or []) if v]
            if NONE_OF_THESE in values and len(values) > 1:
                raise StopValidation(_("Select ‘None of these’ or the things that apply to you, not both"))
            raw = [v for v in values if v != NONE_OF_THESE]
        if raw in (None, "", []) and not (self.question.kind == "multi" and field.data):
            if self.question.required:
                raise StopValidation(
                    self.question.error or _("Answer ‘%(question)s’", question=self.question.label)
                )
            return
        errors = parse_answers(form.rulebook, {self.question.id: raw})[1]
        if errors:
            raise StopValidation(translate(errors[self.question.id][0]))


@cache
def form_class(question: Question) -> type[StepForm]:
    """Build (once per question) the form class for one step."""
    check = AnswerCheck(question)
    if question.kind == "choice":
        field: Field = RadioField(
            choices=[SelectChoice(o.value, o.label) for o in question.options],
            validators=[check],
            validate_choice=False,
        )
    elif question.kind == "multi":
        choices = [SelectChoice(o.value, o.label) for o in question.options]
        choices.append(SelectChoice(NONE_OF_THESE, _l("None of these")))
        field = SelectMultipleField(choices=choices, validators=[check], validate_choice=False)
    else:
        field = StringField(validators=[check], filters=[lambda v: v.strip() if isinstance(v, str) else v])
    return type(f"{question.id.title()}Form", (StepForm,), {question.id: field, "question": question})


def make_form(rulebook: Rulebook, question: Question, **kwargs: object) -> StepForm:
    """Create the form for a step, bound to the request's form data if any."""
    form = form_class(question)(**kwargs)
    form.rulebook = rulebook
    return form


def field_value(question: Question, answer: AnswerValue | None) -> object:
    """Turn a stored answer into what the field shows."""
    if answer is None:
        return None
    if isinstance(answer, frozenset):
        return sorted(answer) or [NONE_OF_THESE]
    return str(answer) if question.kind == "number" else answer


def answer_from(form: StepForm) -> AnswerValue | None:
    """The typed answer from a valid form; None means left blank."""
    question = form.question
    data = form.answer_field.data
    if question.kind == "multi":
        values = [v for v in (data or []) if v]
        if not values:
            return None
        return frozenset(v for v in values if v != NONE_OF_THESE)
    if data in (None, ""):
        return None
    answers, _ = parse_answers(form.rulebook, {question.id: data})
    return answers.get(question.id)
