"""Read answers out of a FHIR QuestionnaireResponse, and write a set of answers as one."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..rulebook import answers_to_dict, parse_answers
from ..rulebook.model import Answers, AnswerValue, Question, Rulebook
from .outcome import Problem
from .questionnaire import code_system_url, help_link_id, questionnaire_url

RESOURCE_TYPE = "QuestionnaireResponse"
# QuestionnaireResponse.status in R4 (http://hl7.org/fhir/questionnaire-answers-status).
STATUSES = ("in-progress", "completed", "amended", "entered-in-error", "stopped")
# Items inside items (groups) deeper than this are refused: our questionnaire is flat, so a real
# response is one level deep, or a few if another system wraps it in groups.
MAX_ITEM_DEPTH = 4
SHOWN = 40
SHOWN_URL = 120  # URLs are long, and their end is what tells one from another

# Printable ASCII without spaces; `NO_BAR` also without "|", which starts the version. Written as
# ranges that mean the same in Python and in JSON Schema's (ECMA 262) regular expressions.
NO_BAR = "[!-{}-~]"
PRINTABLE = "[!-~]"
# Our Questionnaire on any host (deployments differ) or as a relative reference, any version.
QUESTIONNAIRE_PATTERN = rf"({NO_BAR}*/)?Questionnaire/imaging-guide(\|{PRINTABLE}*)?"

# The R4 elements each part may hold, with their JSON type; any other element (a
# modifierExtension, say, which would change the meaning) is refused. Inside items only what a
# form renderer writes is taken (no extensions). The OpenAPI document is built from these tables.
Elements = Mapping[str, type]
RESPONSE_ELEMENTS: Elements = {
    "resourceType": str,
    "id": str,
    "meta": dict,
    "implicitRules": str,
    "language": str,
    "text": dict,
    "extension": list,
    "identifier": dict,
    "basedOn": list,
    "partOf": list,
    "questionnaire": str,
    "status": str,
    "subject": dict,
    "encounter": dict,
    "authored": str,
    "author": dict,
    "source": dict,
    "item": list,
}
ITEM_ELEMENTS: Elements = {
    "id": str,
    "linkId": str,
    "definition": str,
    "text": str,
    "answer": list,
    "item": list,
}
# What an item answering a question holds: our questions have no child items (help text is not
# part of a response), so only a group holds `item`.
QUESTION_ELEMENTS: Elements = {k: v for k, v in ITEM_ELEMENTS.items() if k != "item"}
# Besides its one value[x]; no `item`, as our questions have no child items.
ANSWER_ELEMENTS: Elements = {"id": str}
CODING_ELEMENTS: Elements = {
    "id": str,
    "system": str,
    "version": str,
    "code": str,
    "display": str,
    "userSelected": bool,
}
JSON_TYPES = {str: "text", dict: "an object", list: "a list", bool: "true or false"}


def system_pattern(question_id: str) -> str:
    """A code system URL that is ours for this question, on any host."""
    return rf"{PRINTABLE}*/CodeSystem/{re.escape(question_id)}"


def value_key(question: Question) -> str:
    """The value[x] element an answer to this question uses."""
    return "valueInteger" if question.kind == "number" else "valueCoding"


def _shown(value: object, limit: int = SHOWN) -> str:
    text = value if isinstance(value, str) else type(value).__name__
    return text[:limit]


def _is_group(item: dict[str, Any]) -> bool:
    """An item that only holds other items: any linkId, no answer, at least one item inside."""
    children = item.get("item")
    return "answer" not in item and isinstance(children, list) and bool(children)


class _Reader:
    """Walks one response, collecting raw answers (as the JSON API takes them) and problems."""

    def __init__(self, book: Rulebook) -> None:
        self.questions = {q.id: q for q in book.questions}
        self.helps = {help_link_id(q.id) for q in book.questions}
        self.raw: dict[str, object] = {}  # question id -> its answer
        self.where: dict[str, str] = {}  # question id -> where its item is
        self.problems: list[Problem] = []

    def problem(self, code: str, message: str, where: str | None, status: int = 422) -> None:
        self.problems.append(Problem(code, message, where, status))

    def broken(self, message: str, where: str | None, code: str = "structure") -> None:
        """A problem that keeps the resource from being read at all (400)."""
        self.problems.append(Problem(code, message, where, 400))

    def elements(self, part: dict[str, Any], allowed: Elements, where: str, values: bool = False) -> bool:
        """Check a part holds only the elements R4 gives it, each of the right JSON type."""
        for key, value in part.items():
            if values and key.startswith("value"):
                continue  # an answer's value[x]: judged against the question, in value()
            kind = allowed.get(key)
            if kind is None:
                self.broken(f"There is no element '{_shown(key)}' here", f"{where}.{_shown(key)}")
                return False
            if not isinstance(value, kind):
                self.broken(f"'{key}' must be {JSON_TYPES[kind]}", f"{where}.{key}")
                return False
        return True

    def items(self, items: list[Any], where: str, depth: int) -> None:
        if depth > MAX_ITEM_DEPTH:
            self.broken(f"Items are nested more than {MAX_ITEM_DEPTH} deep", where)
            return
        for n, item in enumerate(items):
            self.item(item, f"{where}[{n}]", depth)

    def item(self, item: object, where: str, depth: int) -> None:
        if not isinstance(item, dict):
            self.broken("Each item must be an object with a `linkId`", where)
            return
        if not self.elements(item, ITEM_ELEMENTS, where):
            return
        link_id = item.get("linkId")
        if link_id is None:
            self.broken("Each item needs a `linkId`: a question id", f"{where}.linkId", "required")
            return
        question = self.questions.get(link_id)
        if question is not None:
            self.question(question, item, where)
        elif _is_group(item) and link_id not in self.helps:
            self.items(item["item"], f"{where}.item", depth + 1)
        else:
            message = f"There is no question with linkId '{_shown(link_id)}'"
            self.problem("not-found", message, f"{where}.linkId")

    def question(self, question: Question, item: dict[str, Any], where: str) -> None:
        if question.id in self.where:
            message = f"The question '{question.id}' is in more than one item; send it once"
            self.problem("duplicate", message, f"{where}.linkId")
            return
        self.where[question.id] = where
        if "item" in item:
            message = f"'{question.id}' is a question: it holds answers, not items"
            self.problem("structure", message, f"{where}.item")
            return
        if "answer" in item:
            self.answers(question, item["answer"], f"{where}.answer")

    def answers(self, question: Question, answers: list[Any], where: str) -> None:
        if not answers:
            self.broken("`answer` must hold at least one answer; leave it out for no answer", where)
            return
        if len(answers) > 1 and question.kind != "multi":
            self.problem("value", f"{question.short} takes one answer; this item has {len(answers)}", where)
            return
        values: list[object] = []
        for n, answer in enumerate(answers):
            value = self.value(question, answer, f"{where}[{n}]")
            if value is None:
                return
            values.append(value)
        # An option named twice counts once: a set of choices, as a form sends it.
        self.raw[question.id] = list(dict.fromkeys(values)) if question.kind == "multi" else values[0]

    def value(self, question: Question, answer: object, where: str) -> object | None:
        if not isinstance(answer, dict):
            self.broken('Each answer must be an object like {"valueCoding": {...}}', where)
            return None
        if not self.elements(answer, ANSWER_ELEMENTS, where, values=True):
            return None
        wanted = value_key(question)
        given = [key for key in answer if key.startswith("value")]
        if given != [wanted]:
            got = ", ".join(_shown(k) for k in given[:3]) or "no value"
            self.problem("value", f"{question.short} is answered with {wanted}, not {got}", where)
            return None
        value = answer[wanted]
        here = f"{where}.{wanted}"
        if wanted == "valueInteger":
            # JSON Schema, and so our OpenAPI document, counts 50.0 as an integer: so do we.
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem("value", f"{question.short}: valueInteger must be a whole number", here)
                return None
            return value
        return self.code(question, value, here)

    def code(self, question: Question, coding: object, where: str) -> str | None:
        if not isinstance(coding, dict):
            self.broken("valueCoding must be an object with a `code`", where)
            return None
        if not self.elements(coding, CODING_ELEMENTS, where):
            return None
        system = coding.get("system")
        if system is not None and not re.fullmatch(system_pattern(question.id), system):
            message = (
                f"{question.short}: the code system '{_shown(system, SHOWN_URL)}' is not this "
                f"questionnaire's; use .../CodeSystem/{question.id}"
            )
            self.problem("code-invalid", message, f"{where}.system")
            return None
        code = coding.get("code")
        options = ", ".join(question.values)
        if code is None:
            self.problem(
                "code-invalid", f"{question.short}: valueCoding needs a `code`, one of: {options}", where
            )
            return None
        if code not in question.values:
            message = f"{question.short} has no option '{_shown(code)}'; choose one of: {options}"
            self.problem("code-invalid", message, f"{where}.code")
            return None
        return code


def _header_problems(reader: _Reader, resource: dict[str, Any]) -> None:
    kind = resource.get("resourceType")
    if kind != RESOURCE_TYPE:
        message = (
            f"Send a QuestionnaireResponse, not a {_shown(kind)}"
            if isinstance(kind, str)
            else "The body has no resourceType; send a QuestionnaireResponse"
        )
        reader.broken(message, None, "invalid")
        return
    if not reader.elements(resource, RESPONSE_ELEMENTS, RESOURCE_TYPE):
        return
    status = resource.get("status")
    if status not in STATUSES:
        code = "required" if status is None else "value"
        reader.broken(f"status must be one of: {', '.join(STATUSES)}", f"{RESOURCE_TYPE}.status", code)
        return
    questionnaire = resource.get("questionnaire")
    if questionnaire is not None and not re.fullmatch(QUESTIONNAIRE_PATTERN, questionnaire):
        message = (
            f"This answers the questionnaire '{_shown(questionnaire, SHOWN_URL)}'; only "
            ".../Questionnaire/imaging-guide can be evaluated here"
        )
        reader.problem("not-supported", message, f"{RESOURCE_TYPE}.questionnaire")


def answers_from_response(book: Rulebook, resource: object) -> tuple[dict[str, AnswerValue], list[Problem]]:
    """The typed answers in a QuestionnaireResponse, or the problems that keep it from being read.

    Once the resource is readable, its answers go through the same checks as the JSON API's
    (`parse_answers`, strict), so the rules are the same: answers to questions that are not asked
    are ignored, and a required question left out is a problem.
    """
    if not isinstance(resource, dict):
        return {}, [
            Problem("structure", "The body must be a JSON object: a QuestionnaireResponse", None, 400)
        ]
    reader = _Reader(book)
    _header_problems(reader, resource)
    if reader.problems:
        return {}, reader.problems
    reader.items(resource.get("item", []), f"{RESOURCE_TYPE}.item", 1)
    if reader.problems:
        return {}, reader.problems
    answers, errors = parse_answers(book, reader.raw, complete=True, strict_types=True)
    problems = []
    for question_id, messages in errors.items():
        where = reader.where.get(question_id)
        code = "required" if where is None else "value"
        for message in messages:
            problems.append(Problem(code, message, f"{where}.answer" if where else f"{RESOURCE_TYPE}.item"))
    return (answers, []) if not problems else ({}, problems)


def _answer(question: Question, value: object, canonical_base: str) -> dict[str, Any]:
    if question.kind == "number":
        return {"valueInteger": value}
    option = question.option(str(value))
    coding = {
        "system": code_system_url(canonical_base, question.id),
        "code": value,
        "display": option.label if option else str(value),
    }
    return {"valueCoding": coding}


def response_from_answers(
    book: Rulebook, answers: Answers, canonical_base: str, version: str, authored: str | None = None
) -> dict[str, Any]:
    """A completed QuestionnaireResponse holding these answers; no subject and no author."""
    items = []
    for question_id, value in answers_to_dict(book, answers).items():
        question = book.question(question_id)
        values = value if isinstance(value, list) else [value]
        if question is None or not values:
            continue
        answer = [_answer(question, one, canonical_base) for one in values]
        items.append({"linkId": question.id, "text": question.label, "answer": answer})
    resource: dict[str, Any] = {
        "resourceType": RESOURCE_TYPE,
        "questionnaire": f"{questionnaire_url(canonical_base)}|{version}",
        "status": "completed",
    }
    if authored:
        resource["authored"] = authored
    resource["item"] = items
    return resource
