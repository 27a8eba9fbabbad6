"""FHIR R4 endpoints: our Questionnaire and its CodeSystems, and evaluating a QuestionnaireResponse."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import TooManyRequests

from .. import i18n
from ..current import rulebook
from ..fhir import (
    Problem,
    answers_from_response,
    build_questionnaire,
    code_system,
    operation_outcome,
)
from ..fhir.openapi import FHIR_JSON, FORMATS, JSON
from ..fhir.outcome import status_of
from ..limits import retry_after_seconds, retry_message
from ..messages import translate
from ..rulebook import Rulebook, evaluate
from ..rulebook.model import Question
from ..security import csrf
from .api import MAX_DEPTH, BodyProblem, private, published, read_json, result_in_language, too_deep

bp = Blueprint("fhir", __name__, url_prefix="/api/v1/fhir")
# Programs call it without a session, as they call the JSON API: no cookie, so no CSRF token.
csrf.exempt(bp)

EXAMPLE = '{"resourceType": "QuestionnaireResponse", "status": "completed", "item": [...]}'
# A whole response nests about six deep (item, answer, valueCoding); far deeper is junk.
MAX_BODY_DEPTH = 4 * MAX_DEPTH
# Which OperationOutcome issue type says what is wrong with the body as a whole.
BODY_CODES = {413: "too-long", 415: "not-supported"}


def canonical_base() -> str:
    """Where our FHIR resources live: FHIR_CANONICAL_BASE, else this server's own address."""
    configured = current_app.config.get("FHIR_CANONICAL_BASE")
    return str(configured).rstrip("/") if configured else request.url_root + "api/v1/fhir"


def _media_type() -> str | None:
    """The media type to answer in: FHIR JSON unless JSON is asked for; None for a format we lack."""
    asked = request.args.get("_format")
    if asked is not None:
        # FHIR's `_format`: JSON only, no XML. Plain "json" asks for JSON, the FHIR kind.
        if asked not in FORMATS:
            return None
        return JSON if asked == JSON else FHIR_JSON
    best = request.accept_mimetypes.best_match([FHIR_JSON, JSON], default=FHIR_JSON)
    return best or FHIR_JSON


def _typed(response: Response, media_type: str) -> Response:
    response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.vary.add("Accept")
    return response


def _outcome(status: int, problems: list[Problem], headers: dict[str, str] | None = None) -> Response:
    response = private(operation_outcome(problems), status)
    response.headers.update(headers or {})
    return _typed(response, _media_type() or FHIR_JSON)


def _not_acceptable() -> Response:
    offered = ", ".join(FORMATS)
    return _outcome(406, [Problem("not-supported", f"_format must be one of: {offered}", "_format", 406)])


def _resource(data: dict[str, Any]) -> Response:
    media_type = _media_type()
    if media_type is None:
        return _not_acceptable()
    return _typed(published(data), media_type)


@bp.before_request
def _known_language() -> Response | None:
    """A `?lang=` we do not have is a 400 OperationOutcome, as for any other bad parameter."""
    message = i18n.bad_language()
    return _outcome(400, [Problem("value", message, None, 400)]) if message else None


@bp.get("/Questionnaire")
def questionnaire() -> Response:
    """Our questionnaire as a FHIR R4 Questionnaire (the resource itself, not a search Bundle)."""
    return _resource(build_questionnaire(rulebook(), canonical_base()))


@bp.get("/Questionnaire/imaging-guide")
def questionnaire_read() -> Response:
    """The same Questionnaire at its canonical address."""
    return _resource(build_questionnaire(rulebook(), canonical_base()))


def _question_with_options(book: Rulebook, question_id: str) -> Question | None:
    # The resource id spells underscores as hyphens (FHIR ids allow no "_"): both find it.
    for candidate in (question_id, question_id.replace("-", "_")):
        question = book.question(candidate)
        if question is not None and question.options:
            return question
    return None


@bp.get("/CodeSystem/<question_id>")
def one_code_system(question_id: str) -> Response:
    """The options of one choice question as a CodeSystem; an OperationOutcome 404 for anything else."""
    book = rulebook()
    question = _question_with_options(book, question_id)
    if question is None:
        choices = ", ".join(q.id for q in book.questions if q.options)
        message = f"There is no code system '{question_id[:40]}'; there is one for each of: {choices}"
        return _outcome(404, [Problem("not-found", message, None, 404)])
    return _resource(code_system(book, question, canonical_base()))


@bp.post("/evaluate")
def evaluate_response() -> Response:
    """Evaluate a QuestionnaireResponse: the same result JSON as /api/v1/evaluate, or an OperationOutcome."""
    try:
        body = read_json(EXAMPLE)
    except BodyProblem as problem:
        code = BODY_CODES.get(problem.status, "structure")
        return _outcome(problem.status, [Problem(code, problem.message, None, problem.status)])
    if too_deep(body, MAX_BODY_DEPTH):
        return _outcome(400, [Problem("structure", "The body is nested too deeply", None, 400)])
    book = rulebook()
    answers, problems = answers_from_response(book, body)
    if problems:
        said = [replace(problem, message=translate(problem.message)) for problem in problems]
        return _outcome(status_of(said), said)
    return private(result_in_language(book, evaluate(book, answers)))


@bp.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> Response:
    """Over the API's per-client limit: an OperationOutcome that says when to try again."""
    seconds = retry_after_seconds(error)
    message = retry_message(seconds)
    return _outcome(429, [Problem("throttled", message, None, 429)], {"Retry-After": str(seconds)})
