"""The OpenAPI 3.1 document of the JSON API, built from the loaded rulebook so it never drifts."""

from __future__ import annotations

from typing import Any

from .. import i18n, infobutton
from ..fhir.openapi import fhir_paths, fhir_schemas
from ..rulebook import Rulebook
from ..rulebook.conditions import OPERATORS
from ..rulebook.export import when_to_dict
from ..rulebook.load import FACTORS_QUESTION
from ..rulebook.model import CONTRAST_USES, LEVELS, QUESTION_KINDS, RADIATION_BANDS, TOPICS, USES, Question

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _strings(**extra: Any) -> Schema:
    return {"type": "array", "items": {"type": "string", **extra}}


def _object(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    """A closed object: every field listed, none other allowed (so tests catch drift)."""
    out: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    out["required"] = list(properties) if required is None else required
    return out


# How each kind of answer is written in JSON; the API refuses anything else (text numbers, one
# comma-separated string, an option named twice), so a client checking against this is never surprised.
KIND_NOTES = {
    "number": 'A JSON integer such as 52, not text such as "52"; 52.0 counts as 52, as in JSON Schema.',
    "multi": "A list of options, each named once; [] for none. One comma-separated string is refused.",
    "choice": "One option, written exactly as listed.",
}


def answer_schema(question: Question) -> Schema:
    """The JSON Schema of one answer, from the question's kind, options and bounds."""
    schema: Schema
    if question.kind == "number":
        schema = {"type": "integer"}
        if question.min is not None:
            schema["minimum"] = question.min
        if question.max is not None:
            schema["maximum"] = question.max
    elif question.kind == "multi":
        schema = {
            "type": "array",
            "items": {"type": "string", "enum": list(question.values)},
            "uniqueItems": True,
        }
    else:
        schema = {"type": "string", "enum": list(question.values)}
    if not question.required:
        # null is the same as leaving the question out: not answered.
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    schema["title"] = question.short
    when = (
        "" if question.show_when.description == "always" else f" Asked when {question.show_when.description}."
    )
    schema["description"] = f"{question.label}{when} {KIND_NOTES[question.kind]}" + (
        "" if question.required else " null means not answered."
    )
    if question.default:
        schema["default"] = question.default
    schema["x-show-when"] = when_to_dict(question.show_when)
    return schema


def answers_schema(rulebook: Rulebook) -> Schema:
    """The `answers` object: one property per question; unknown ids are refused."""
    return {
        "type": "object",
        "description": (
            "Leave a question out, or send null, to leave it unanswered. Answers to questions that are "
            "not asked (see x-show-when) are ignored; unknown ids, unknown options, values of the wrong "
            "type and out-of-range numbers are refused with 400."
        ),
        "properties": {q.id: answer_schema(q) for q in rulebook.questions},
        "required": [q.id for q in rulebook.questions if q.required],
        "additionalProperties": False,
    }


def _factor_values(rulebook: Rulebook) -> list[str]:
    question = rulebook.question(FACTORS_QUESTION)
    return list(question.values) if question else []


def schemas(rulebook: Rulebook) -> dict[str, Schema]:
    """Every named schema of the API."""
    topic = {"type": "string", "enum": list(TOPICS)}
    reviewed = {"type": ["string", "null"], "format": "date"}
    sources = _strings(format="uri")
    condition = _object(
        {
            "question": {"type": "string"},
            "op": {"type": "string", "enum": list(OPERATORS)},
            "value": {"type": ["string", "integer", "array"], "items": {"type": ["string", "integer"]}},
        },
        required=["question", "op"],
    )
    return {
        "Answers": answers_schema(rulebook),
        "EvaluateRequest": _object({"answers": _ref("Answers")})
        | {"additionalProperties": True, "description": "Fields other than `answers` are ignored."},
        "Caution": _object(
            {
                "factor": {"type": "string", "enum": _factor_values(rulebook)},
                "topic": topic,
                "text": {"type": "string"},
            }
        ),
        "ResultTest": _object(
            {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "level": {"type": "string", "enum": list(LEVELS)},
                "why": {"type": "string"},
                "usual_level": {
                    "type": ["string", "null"],
                    "enum": [*LEVELS, None],
                    "description": "The level without the safety factors; the same as `level` unless "
                    "`changed_by` names the factors that changed it. Null when only a factor brought "
                    "the test into the result.",
                },
                "usual_why": {"type": "string", "description": "The reason without the safety factors."},
                "changed_by": _strings()
                | {"description": "The `factors` values that changed the level; empty when none did."},
                "rules": _strings(),
                "cautions": {"type": "array", "items": _ref("Caution")},
            }
        ),
        "Note": _object(
            {
                "id": {"type": "string"},
                "topic": topic,
                "text": {"type": "string"},
                "ask": _strings(),
                "sources": sources,
                "reviewed": reviewed,
            }
        ),
        "Result": _object(
            {
                "rules_version": {"type": "string", "description": "SHA-256 of the rule files, hex."},
                "answers": _ref("Answers") | {"description": "The answers used: typed, defaults filled in."},
                "ignored": _strings()
                | {"description": "Questions answered but not asked here; those answers were not used."},
                "tests": {"type": "array", "items": _ref("ResultTest")},
                "notes": {
                    "type": "array",
                    "items": _ref("Note"),
                    "description": "Always holds a `disclaimer` note and a `limits` note.",
                },
                "language": LANGUAGE_FIELD,
            }
        ),
        "Condition": condition,
        "ConditionGroup": _object(
            {
                "all": {"type": "array", "items": _ref("Condition")},
                "any": {"type": "array", "items": _ref("Condition")},
            },
            required=[],
        ),
        "Option": _object(
            {
                "value": {"type": "string"},
                "label": {"type": "string"},
                "hint": {"type": "string"},
                "hints": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Hints that fit one answer to the question's `hint_by` question better, "
                    "keyed by that answer; `hint` for any other.",
                },
            },
            required=["value", "label", "hint"],
        ),
        "Question": _object(
            {
                "id": {"type": "string"},
                "kind": {"type": "string", "enum": list(QUESTION_KINDS)},
                "label": {"type": "string"},
                "hint": {"type": "string"},
                "required": {"type": "boolean"},
                "show_when": _ref("ConditionGroup"),
                "options": {"type": "array", "items": _ref("Option")},
                "min": {"type": ["integer", "null"]},
                "max": {"type": ["integer", "null"]},
                "unit": {"type": "string"},
                "default": {"type": "string"},
                "hint_by": {
                    "type": "string",
                    "description": "The earlier question whose answer picks hints.",
                },
            },
            required=["id", "kind", "label", "hint", "required", "show_when"],
        ),
        "Questionnaire": _object(
            {
                "rules_version": {"type": "string"},
                "language": LANGUAGE_FIELD,
                "questions": {"type": "array", "items": _ref("Question")},
            }
        ),
        "Test": _object(
            {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "also_called": {"type": "string"},
                "summary": {"type": "string"},
                "uses": _strings(enum=list(USES)),
                "radiation": _object(
                    {
                        "band": {"type": "string", "enum": list(RADIATION_BANDS)},
                        "typical": {"type": "string"},
                        "background": {"type": "string"},
                    }
                ),
                "contrast": _object(
                    {"use": {"type": "string", "enum": list(CONTRAST_USES)}, "how": {"type": "string"}}
                ),
                "time": {"type": "string"},
                "experience": {"type": "string"},
                "prepare": {"type": "string"},
                "shows_well": {"type": "string"},
                "limits": {"type": "string"},
                "cautions": {"type": "array", "items": _ref("Caution")},
                "ask": _strings(),
                "sources": sources,
                "reviewed": reviewed,
            }
        ),
        "TestCatalogue": _object(
            {
                "rules_version": {"type": "string"},
                "language": LANGUAGE_FIELD,
                "tests": {"type": "array", "items": _ref("Test")},
            }
        ),
        "Error": _object(
            {
                "errors": {
                    "type": "object",
                    "description": "Messages per question id; `answers` for the body as a whole, "
                    "`test_id` for an unknown test, `path` for an unknown address, `method` for a method "
                    "the address does not take, `rate` for too many requests, `host` for a host name "
                    "this server does not answer to.",
                    "minProperties": 1,
                    "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                }
            }
        ),
    }


LANGUAGE_FIELD: Schema = {
    "type": "string",
    "enum": list(i18n.LANGUAGES),
    "description": "The language of every text in this answer (`en` English, `es` Spanish).",
}
# Every operation takes `?lang=`; without it the Accept-Language header decides, else English.
LANG_PARAMETER: Schema = {
    "name": i18n.QUERY,
    "in": "query",
    "required": False,
    "description": "The language of the texts: `en` (English) or `es` (Spanish). Without it, the "
    "`Accept-Language` header decides, else English. Any other value answers 400.",
    "schema": {"type": "string", "enum": list(i18n.LANGUAGES)},
}
CONTENT_LANGUAGE: Schema = {
    "description": "The language of the texts in the body.",
    "required": True,
    "schema": {"type": "string", "enum": list(i18n.LANGUAGES)},
}
NO_STORE: Schema = {
    "description": "`no-store`: this answer is about one request and is never kept by a cache.",
    "required": True,
    "schema": {"type": "string", "const": "no-store"},
}
CACHED: dict[str, Schema] = {
    "ETag": {
        "description": "The rules version, quoted; `-es` follows it for the Spanish texts.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Content-Language": CONTENT_LANGUAGE,
    "Cache-Control": {
        "description": "Public data, kept for 5 minutes, then checked again with `If-None-Match`.",
        "required": True,
        "schema": {"type": "string", "example": "public, max-age=300"},
    },
}


def _error(description: str, headers: dict[str, Schema] | None = None) -> Schema:
    return {
        "description": description,
        "headers": {"Cache-Control": NO_STORE, **(headers or {})},
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def responses(max_body: int | None) -> dict[str, Schema]:
    """The responses several operations share: errors, and 304 for a copy that is still current."""
    limit = f"{max_body // 1024} KB" if max_body else "the size limit"
    return {
        "BadRequest": _error(
            "The body is not JSON, not an object, has no `answers` object, or an answer is wrong "
            "(unknown question id, unknown option, wrong type such as a number sent as text, an "
            "option listed twice, number out of range, situation missing), or `lang` names a language "
            "this guide does not have."
        ),
        "BadLanguage": _error("`lang` names a language this guide does not have (it has `en` and `es`)."),
        "NotFound": _error("There is nothing at this address (an unknown test id, or any other address)."),
        "MethodNotAllowed": _error(
            "This address does not answer that method.",
            {
                "Allow": {
                    "description": "The methods this address answers.",
                    "required": True,
                    "schema": {"type": "string"},
                }
            },
        ),
        "PayloadTooLarge": _error(f"The body is larger than {limit}."),
        "UnsupportedMediaType": _error("The body was not sent as `Content-Type: application/json`."),
        "TooManyRequests": _error(
            "Too many requests from this client in a short time; wait, then try again.",
            {
                "Retry-After": {
                    "description": "How many seconds to wait before trying again.",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0},
                }
            },
        ),
        "NotModified": {
            "description": "Not modified: `If-None-Match` holds the current rules version. No body.",
            # A 304 carries no headers about a body (Werkzeug drops them), Content-Language among them.
            "headers": {name: header for name, header in CACHED.items() if name != "Content-Language"},
        },
    }


def _response(name: str) -> Schema:
    return {"$ref": f"#/components/responses/{name}"}


def _ok(schema: str, description: str, cached: bool) -> Schema:
    return {
        "description": description,
        "headers": CACHED if cached else {"Cache-Control": NO_STORE, "Content-Language": CONTENT_LANGUAGE},
        "content": {"application/json": {"schema": _ref(schema) if schema else {"type": "object"}}},
    }


def _get(operation_id: str, summary: str, schema: str, **extra: Any) -> Schema:
    responses = {
        "200": _ok(schema, summary, cached=True),
        "304": _response("NotModified"),
        "400": _response("BadLanguage"),
        "429": _response("TooManyRequests"),
    }
    extra["parameters"] = [*extra.get("parameters", ()), LANG_PARAMETER]
    return {"get": {"operationId": operation_id, "summary": summary, "responses": responses, **extra}}


def paths(rulebook: Rulebook) -> dict[str, Schema]:
    """Every route under /api/v1."""
    evaluate = {
        "post": {
            "operationId": "evaluate",
            "summary": "Which imaging tests are commonly used for these answers, and why.",
            "parameters": [LANG_PARAMETER],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": _ref("EvaluateRequest"),
                        "example": {
                            "answers": {
                                "situation": "screening",
                                "site": "breast",
                                "age": 50,
                                "risk": "average",
                                "factors": [],
                            }
                        },
                    }
                },
            },
            "responses": {
                "200": _ok("Result", "The tests and notes for these answers.", cached=False),
                "400": _response("BadRequest"),
                "413": _response("PayloadTooLarge"),
                "415": _response("UnsupportedMediaType"),
                "429": _response("TooManyRequests"),
            },
        }
    }
    test_id = {
        "name": "test_id",
        "in": "path",
        "required": True,
        "description": "The id of a test in the catalogue; any other id answers 404.",
        "schema": {"type": "string", "enum": list(rulebook.tests)},
    }
    one_test = _get("getTest", "One imaging test of the catalogue.", "Test", parameters=[test_id])
    one_test["get"]["responses"]["404"] = _response("NotFound")
    return {
        "/api/v1/evaluate": evaluate,
        "/api/v1/questionnaire": _get(
            "getQuestionnaire", "The questions, their options and when each is asked.", "Questionnaire"
        ),
        "/api/v1/tests": _get("listTests", "The imaging test catalogue.", "TestCatalogue"),
        "/api/v1/tests/{test_id}": one_test,
        "/api/v1/openapi.json": _get("getOpenAPI", "This document (OpenAPI 3.1).", ""),
        "/infobutton": infobutton.openapi_path(),
    }


def openapi_document(rulebook: Rulebook, max_body: int | None = None) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for this rulebook."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Imaging Guide API",
            "version": API_VERSION,
            "summary": "Which imaging tests are commonly used in a cancer situation, and why.",
            "description": (
                "Education, not medical advice. Every result carries a `disclaimer` note and a "
                "`limits` note, meant to be shown with the tests. Ids of questions, options, tests and "
                "note topics are stable (see CONTRACT.md); more may be added. No cookie and no "
                'token are needed.\n\nEvery error has the body `{"errors": {field: [message, ...]}}` '
                "and `Cache-Control: no-store`. Besides the responses each operation lists, any other "
                "address under /api/v1 answers 404 (field `path`, see `components.responses.NotFound`), "
                "and a method an address does not take answers 405 with an `Allow` header (field "
                "`method`, see `components.responses.MethodNotAllowed`)."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
            "x-rules-version": rulebook.version,
        },
        "paths": paths(rulebook)
        | fhir_paths(rulebook, NO_STORE, CACHED, responses(max_body), LANG_PARAMETER),
        "components": {
            "schemas": {**schemas(rulebook), **infobutton.openapi_schemas(), **fhir_schemas(rulebook)},
            "responses": responses(max_body),
        },
    }
