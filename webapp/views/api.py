"""The JSON API, version 1 (CONTRACT.md): evaluate answers, and publish the questions and tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from .. import i18n
from ..current import rulebook
from ..messages import translate_all
from ..rulebook import (
    Result,
    Rulebook,
    evaluate,
    parse_answers,
    question_to_dict,
    result_to_dict,
    test_to_dict,
)
from ..security import csrf
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Programs call the API without a session: there is no cookie a forged request could ride on, so
# there is no token to ask for either.
csrf.exempt(bp)

CACHE_SECONDS = 300
# A real answer is at most a list of strings (depth 2). Deeper junk is refused before any code that
# recurses (repr in error messages) can meet it.
MAX_DEPTH = 8
EXAMPLE = '{"answers": {"situation": "screening", "site": "breast"}}'


class BodyProblem(Exception):
    """The request body cannot be read as `{"answers": {...}}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(data: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    """A JSON response in the order the data was built (the contract's order), not sorted."""
    body = current_app.json.dumps(data, sort_keys=False)
    return current_app.response_class(body + "\n", status=status, mimetype=mimetype)


def private(data: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    """A response about one person's answers: never stored by any cache."""
    response = json_response(data, status, mimetype)
    response.headers["Cache-Control"] = "no-store"
    return response


def _errors(status: int, errors: Mapping[str, list[str]]) -> Response:
    """The contract's error shape: {"errors": {field: [message, ...]}}."""
    return private({"errors": dict(errors)}, status)


def published(data: Any, mimetype: str = "application/json") -> Response:
    """Public data that changes only with the rules: cacheable briefly, revalidated by rules version."""
    response = json_response(data, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    response.set_etag(version_tag())
    return response.make_conditional(request)


def version_tag() -> str:
    """The ETag of published data: the rules version, and the language when it is not English."""
    book = rulebook()
    return book.version if book.language == i18n.DEFAULT else f"{book.version}-{book.language}"


@bp.before_request
def _known_language() -> Response | None:
    """A `?lang=` we do not have is a mistake worth saying (400), not a silent English answer."""
    message = i18n.bad_language()
    return _errors(400, {i18n.QUERY: [message]}) if message else None


def too_deep(value: object, limit: int) -> bool:
    """Tell whether lists or objects nest deeper than `limit`, without recursing."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed in JSON")


def read_json(example: str = EXAMPLE) -> object:
    """Read the request body as JSON (any value), or raise BodyProblem; `example` is what to send."""
    if not request.is_json:
        raise BodyProblem(415, "Send the body as JSON, with the header Content-Type: application/json")
    try:
        data = request.get_data(cache=False)
    except RequestEntityTooLarge as exc:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        raise BodyProblem(413, f"The body is larger than {limit // 1024} KB") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyProblem(400, "The body is not UTF-8 text") from exc
    if not text.strip():
        raise BodyProblem(400, f"The body is empty; send an object like {example}")
    try:
        body = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise BodyProblem(
            400, f"The body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    except RecursionError as exc:
        raise BodyProblem(400, "The body is nested too deeply") from exc
    except ValueError as exc:
        raise BodyProblem(
            400, "The body holds a number JSON does not allow here (NaN, Infinity or thousands of digits)"
        ) from exc
    return body


def read_answers() -> dict[str, object]:
    """Read the raw answers object from the request body, or raise BodyProblem."""
    body = read_json()
    if not isinstance(body, dict):
        raise BodyProblem(400, f"The body must be a JSON object like {EXAMPLE}")
    if "answers" not in body:
        raise BodyProblem(400, f'The body has no "answers"; send an object like {EXAMPLE}')
    answers = body["answers"]
    if not isinstance(answers, dict):
        raise BodyProblem(400, '"answers" must be an object with question ids as keys')
    if too_deep(answers, MAX_DEPTH):
        raise BodyProblem(400, '"answers" is nested too deeply; each answer is a value or a list of values')
    return answers


def result_in_language(book: Rulebook, result: Result) -> dict[str, Any]:
    """The contract's result, and the language its texts are in."""
    return {**result_to_dict(book, result), "language": book.language}


@bp.post("/evaluate")
def evaluate_answers() -> Response:
    """Evaluate one set of answers: the tests and notes, or every problem found with them."""
    try:
        raw = read_answers()
    except BodyProblem as problem:
        return _errors(problem.status, {"answers": [problem.message]})
    book = rulebook()
    answers, errors = parse_answers(book, raw, complete=True, strict_types=True)
    if errors:
        return _errors(400, {key: translate_all(messages) for key, messages in errors.items()})
    return private(result_in_language(book, evaluate(book, answers)))


@bp.get("/questionnaire")
def questionnaire() -> Response:
    """The questions, their options or bounds, and when each is asked."""
    book = rulebook()
    return published(
        {
            "rules_version": book.version,
            "language": book.language,
            "questions": [question_to_dict(q) for q in book.questions],
        }
    )


@bp.get("/tests")
def tests() -> Response:
    """The imaging test catalogue."""
    book = rulebook()
    tests = [test_to_dict(t) for t in book.tests.values()]
    return published({"rules_version": book.version, "language": book.language, "tests": tests})


@bp.get("/tests/<test_id>")
def one_test(test_id: str) -> Response:
    """One entry of the catalogue; 404 with the error shape for an unknown id."""
    test = rulebook().tests.get(test_id)
    if test is None:
        return _errors(404, {"test_id": [f"There is no imaging test called '{test_id[:40]}'"]})
    return published(test_to_dict(test))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API, generated from the rules in use."""
    return published(openapi_document(rulebook(), current_app.config.get("MAX_CONTENT_LENGTH")))
