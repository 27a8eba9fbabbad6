"""The FHIR endpoints' part of the OpenAPI document: paths and schemas, generated from the rules.

The QuestionnaireResponse schema is exact: a body fits it exactly when /api/v1/fhir/evaluate can
read it (apart from the nested groups the endpoint also walks), so a program that checks its
body against the document is never surprised.
"""

from __future__ import annotations

from typing import Any

from ..rulebook.model import Question, Rulebook
from .outcome import ISSUE_CODES
from .response import (
    ANSWER_ELEMENTS,
    CODING_ELEMENTS,
    QUESTION_ELEMENTS,
    QUESTIONNAIRE_PATTERN,
    RESOURCE_TYPE,
    RESPONSE_ELEMENTS,
    STATUSES,
    Elements,
    system_pattern,
    value_key,
)

Schema = dict[str, Any]

FHIR_JSON = "application/fhir+json"
JSON = "application/json"
FORMATS = ["json", JSON, "fhir+json", FHIR_JSON]
SCHEMA_TYPES = {str: "string", dict: "object", list: "array", bool: "boolean"}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _anchored(pattern: str) -> str:
    # JSON Schema's `pattern` searches; anchoring makes it match the whole string, as Python's fullmatch.
    return f"^{pattern}$"


def _typed(elements: Elements, **special: Schema) -> Schema:
    """A closed object of these R4 elements, each of its JSON type unless `special` says more."""
    properties = {key: special.get(key, {"type": SCHEMA_TYPES[kind]}) for key, kind in elements.items()}
    return {"type": "object", "properties": properties | special, "additionalProperties": False}


def _answer_schema(question: Question) -> Schema:
    """One entry of an item's `answer`: a coding from the question's code system, or an integer."""
    if question.kind == "number":
        value: Schema = {"type": "integer"}
        if question.min is not None:
            value["minimum"] = question.min
        if question.max is not None:
            value["maximum"] = question.max
    else:
        value = _typed(
            CODING_ELEMENTS,
            system={"type": "string", "pattern": _anchored(system_pattern(question.id))},
            code={"type": "string", "enum": list(question.values)},
        ) | {"required": ["code"]}
    key = value_key(question)
    return _typed(ANSWER_ELEMENTS, **{key: value}) | {"required": [key]}


def _item_schema(question: Question) -> Schema:
    """A response item answering one question, with that question's own answer type."""
    answer: Schema = {"type": "array", "minItems": 1, "items": _answer_schema(question)}
    if question.kind != "multi":
        answer["maxItems"] = 1
    schema = _typed(QUESTION_ELEMENTS, linkId={"const": question.id}, answer=answer)
    return schema | {
        "title": question.short,
        "description": f"{question.label} (question `{question.id}`)",
        "required": ["linkId", "answer"] if question.required else ["linkId"],
    }


def _once(question: Question) -> Schema:
    """At most one item per question (exactly one for a required question)."""
    return {
        "contains": {
            "type": "object",
            "properties": {"linkId": {"const": question.id}},
            "required": ["linkId"],
        },
        "minContains": 1 if question.required else 0,
        "maxContains": 1,
    }


def fhir_schemas(book: Rulebook) -> dict[str, Schema]:
    """The named schemas the FHIR endpoints use."""
    return {
        "QuestionnaireResponse": _typed(
            RESPONSE_ELEMENTS,
            resourceType={"const": RESOURCE_TYPE},
            status={"type": "string", "enum": list(STATUSES)},
            questionnaire={
                "type": "string",
                "pattern": _anchored(QUESTIONNAIRE_PATTERN),
                "description": "Our Questionnaire's canonical URL on any host, or "
                "`Questionnaire/imaging-guide`; `|version` may follow.",
            },
            item={
                "type": "array",
                "items": {"anyOf": [_item_schema(q) for q in book.questions]},
                "allOf": [_once(q) for q in book.questions],
            },
        )
        | {
            "description": (
                "A FHIR R4 QuestionnaireResponse to our Questionnaire: one item per question answered "
                "(linkId = question id), each answer a `valueCoding` from the question's code system "
                "(`code` = option value; `system` may be left out) or a `valueInteger`. An option named "
                "twice counts once. Answers to questions that are not asked are ignored. The other R4 "
                "elements listed are read past; any element R4 does not give a QuestionnaireResponse, "
                "and `modifierExtension`, are refused. Items may also sit inside groups (an item with no "
                "answer that holds items), at most four deep."
            ),
            "required": ["resourceType", "status", "item"],
        },
        "OperationOutcome": {
            "type": "object",
            "description": "What is wrong: one issue per problem found.",
            "properties": {
                "resourceType": {"const": "OperationOutcome"},
                "issue": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "properties": {
                            "severity": {"const": "error"},
                            "code": {"type": "string", "enum": list(ISSUE_CODES)},
                            "diagnostics": {"type": "string"},
                            "expression": {
                                "type": "array",
                                "items": {"type": "string"},
                                "description": "Where, as FHIRPath: QuestionnaireResponse.item[2].answer[0]",
                            },
                        },
                        "required": ["severity", "code", "diagnostics"],
                        "additionalProperties": False,
                    },
                },
            },
            "required": ["resourceType", "issue"],
            "additionalProperties": False,
        },
        "FhirQuestionnaire": {
            "type": "object",
            "description": "A FHIR R4 Questionnaire (see https://hl7.org/fhir/R4/questionnaire.html).",
            "properties": {
                "resourceType": {"const": "Questionnaire"},
                "id": {"const": "imaging-guide"},
                "url": {"type": "string", "format": "uri"},
                "version": {"type": "string", "description": "The rules version."},
                "status": {"const": "active"},
                "item": {
                    "type": "array",
                    "items": {"type": "object", "required": ["linkId", "type"]},
                    "minItems": 1,
                },
            },
            "required": ["resourceType", "id", "url", "version", "status", "item"],
        },
        "FhirCodeSystem": {
            "type": "object",
            "description": "A FHIR R4 CodeSystem: one question's options (code = option value).",
            "properties": {
                "resourceType": {"const": "CodeSystem"},
                "url": {"type": "string", "format": "uri"},
                "version": {"type": "string"},
                "status": {"const": "active"},
                "content": {"const": "complete"},
                "concept": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "string"},
                            "display": {"type": "string"},
                            "definition": {"type": "string"},
                        },
                        "required": ["code", "display"],
                        "additionalProperties": False,
                    },
                },
            },
            "required": ["resourceType", "url", "version", "status", "content", "concept"],
        },
    }


def _fhir_content(schema: str) -> Schema:
    return {media: {"schema": _ref(schema)} for media in (FHIR_JSON, JSON)}


def _outcome(description: str, headers: dict[str, Schema]) -> Schema:
    return {"description": description, "headers": headers, "content": _fhir_content("OperationOutcome")}


def fhir_paths(
    book: Rulebook, no_store: Schema, cached: dict[str, Schema], shared: dict[str, Schema], lang: Schema
) -> dict[str, Schema]:
    """The FHIR routes under /api/v1/fhir; `shared` holds the document's own 304 and 429 responses."""
    private = {"Cache-Control": no_store}
    throttled = _outcome(
        "Too many requests from this client in a short time (the same count as the rest of the API); "
        "wait, then try again.",
        private
        | {
            "Retry-After": {
                "description": "How many seconds to wait before trying again.",
                "required": True,
                "schema": {"type": "integer", "minimum": 0},
            }
        },
    )
    fmt = {
        "name": "_format",
        "in": "query",
        "required": False,
        "description": "FHIR's format parameter, JSON only (no XML): `application/json` answers with "
        "`Content-Type: application/json`, the others with `application/fhir+json`, the default. An "
        "`Accept` header that prefers `application/json` does the same.",
        "schema": {"type": "string", "enum": FORMATS},
    }

    def read(operation_id: str, summary: str, schema: str, parameters: list[Schema]) -> Schema:
        responses = {
            "200": {"description": summary, "headers": cached, "content": _fhir_content(schema)},
            "304": shared["NotModified"],
            "400": _outcome(
                "`lang` names a language this guide does not have (it has `en` and `es`).", private
            ),
            "406": _outcome("`_format` asks for a format other than JSON.", private),
            "429": throttled,
        }
        return {
            "get": {
                "operationId": operation_id,
                "summary": summary,
                "tags": ["FHIR"],
                "parameters": [*parameters, fmt, lang],
                "responses": responses,
            }
        }

    questionnaire = (
        "Our questionnaire as a FHIR R4 Questionnaire, generated from the rules and versioned with them. "
        "This answers with the Questionnaire resource itself, not a search Bundle."
    )
    choices = [q.id for q in book.questions if q.options]
    question_id = {
        "name": "question_id",
        "in": "path",
        "required": True,
        "description": "A choice question's id (`follow-up-reason` also finds `follow_up_reason`, as the "
        "resource's FHIR id spells it); any other answers 404.",
        "schema": {"type": "string", "enum": sorted({*choices, *(c.replace("_", "-") for c in choices)})},
    }
    code_system = read(
        "getFhirCodeSystem",
        "One question's options as a FHIR R4 CodeSystem.",
        "FhirCodeSystem",
        [question_id],
    )
    code_system["get"]["responses"]["404"] = _outcome("There is no choice question with that id.", private)
    evaluate = {
        "post": {
            "operationId": "evaluateFhir",
            "parameters": [lang],
            "summary": "Evaluate a FHIR QuestionnaireResponse: the same result as /api/v1/evaluate.",
            "tags": ["FHIR"],
            "requestBody": {
                "required": True,
                "content": {media: {"schema": _ref("QuestionnaireResponse")} for media in (FHIR_JSON, JSON)},
            },
            "responses": {
                "200": {
                    "description": "The tests and notes for these answers: exactly what /api/v1/evaluate "
                    "answers for the same answers.",
                    "headers": private,
                    "content": {JSON: {"schema": _ref("Result")}},
                },
                "400": _outcome(
                    "The body is not JSON, not an object, or not a QuestionnaireResponse that can be read "
                    "(wrong resourceType, status missing or not an R4 code, items that are not lists or "
                    "have no linkId, an empty answer list, an answer with an unknown element), or `lang` "
                    "names a language this guide does not have.",
                    private,
                ),
                "413": _outcome("The body is larger than the size limit.", private),
                "415": _outcome(
                    "The body was not sent as application/fhir+json or application/json.", private
                ),
                "422": _outcome(
                    "A readable QuestionnaireResponse whose answers do not fit our Questionnaire: another "
                    "questionnaire, an unknown linkId, a question in two items, two answers to a single "
                    "choice, a value of the wrong type (valueDecimal, valueString, ...), a code from another "
                    "system, a code that is not an option, a number out of range, or `situation` missing.",
                    private,
                ),
                "429": throttled,
            },
        }
    }
    return {
        "/api/v1/fhir/Questionnaire": read("getFhirQuestionnaire", questionnaire, "FhirQuestionnaire", []),
        "/api/v1/fhir/Questionnaire/imaging-guide": read(
            "readFhirQuestionnaire",
            "The same Questionnaire, read at its canonical address.",
            "FhirQuestionnaire",
            [],
        ),
        "/api/v1/fhir/CodeSystem/{question_id}": code_system,
        "/api/v1/fhir/evaluate": evaluate,
    }
