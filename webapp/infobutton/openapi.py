"""The OpenAPI description of GET /infobutton (webapp/views/openapi.py adds it to the API's document)."""

from __future__ import annotations

from typing import Any

from .request import (
    AGE,
    AGE_UNIT,
    CODE,
    DEFAULT_RESPONSE_TYPE,
    DISPLAY,
    LANGUAGE,
    MAX_CHARS,
    MAX_OTHER_CHARS,
    RECIPIENT,
    RESPONSE_TYPE,
    RESPONSE_TYPES,
    SYSTEM,
    TASK,
)


def _text_value(*types: str) -> dict[str, Any]:
    """A `{"_value": ...}` object, with its `type` when the feed gives one."""
    properties: dict[str, Any] = {"_value": {"type": "string"}}
    if types:
        properties["type"] = {"type": "string", "enum": list(types)}
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _closed(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def openapi_schemas() -> dict[str, Any]:
    """The feed's JSON Schema: MedlinePlus Connect's JSON answer, an Atom feed with `_value`s."""
    entry = _closed(
        {
            "lang": {"type": "string"},
            "title": _text_value("text"),
            "link": {
                "type": "array",
                "minItems": 1,
                "items": _closed(
                    {
                        "title": {"type": "string"},
                        "rel": {"const": "alternate"},
                        "type": {"const": "html"},
                        "href": {"type": "string", "format": "uri"},
                    }
                ),
            },
            "id": _text_value(),
            "updated": _text_value(),
            "summary": _text_value("html"),
        }
    )
    feed_body = _closed(
        {
            "xsi": {"type": "string"},
            "base": {"type": "string", "format": "uri"},
            "lang": {"type": "string"},
            "title": _text_value("text"),
            "subtitle": _text_value("text"),
            "author": _closed({"name": _text_value(), "uri": _text_value()}),
            "updated": _text_value(),
            "category": {
                "type": "array",
                "description": "The request's parameters echoed: `scheme` the parameter, `term` its value.",
                "items": _closed({"scheme": {"type": "string"}, "term": {"type": "string"}}),
            },
            "id": _text_value(),
            "entry": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/InfobuttonEntry"},
                "description": "One entry per code we know (none for a code or code system we do not map).",
            },
        }
    )
    return {"InfobuttonEntry": entry, "InfobuttonFeed": _closed({"feed": feed_body})}


def openapi_path() -> dict[str, Any]:
    """The OpenAPI operation of GET /infobutton: its parameters and answers."""

    def parameter(name: str, description: str, required: bool = False, **schema: Any) -> dict[str, Any]:
        limit = MAX_CHARS.get(name, MAX_OTHER_CHARS)
        return {
            "name": name,
            "in": "query",
            "required": required,
            "description": description,
            "schema": {"type": "string", "maxLength": limit, **schema},
        }

    present = {"minLength": 1}
    parameters = [
        parameter(
            CODE, "The code: ICD-10-CM (with or without its dot), SNOMED CT or LOINC.", True, **present
        ),
        parameter(
            SYSTEM,
            "The code system, as an HL7 OID (2.16.840.1.113883.6.90 ICD-10-CM, 2.16.840.1.113883.6.96 "
            "SNOMED CT, 2.16.840.1.113883.6.1 LOINC) or a FHIR URI (http://hl7.org/fhir/sid/icd-10-cm, "
            "http://snomed.info/sct, http://loinc.org).",
            True,
            **present,
        ),
        parameter(DISPLAY, "The code's display name: echoed, never matched."),
        {
            "name": RESPONSE_TYPE,
            "in": "query",
            "required": False,
            "description": "text/html (default) redirects to the page; application/json and text/xml "
            "answer with a feed in MedlinePlus Connect's shapes.",
            "schema": {"type": "string", "enum": list(RESPONSE_TYPES), "default": DEFAULT_RESPONSE_TYPE},
        },
        parameter(
            RECIPIENT, "PAT (default): the questions; PROV: the rule table. Other values count as PAT."
        ),
        parameter(
            LANGUAGE,
            "en (English) or es/sp (Spanish); any other code answers in English. Without it, the request's "
            "own language (?lang, then Accept-Language).",
        ),
        parameter(AGE, "The age's number; with age.v.u, made whole years. Not a sensible age: ignored."),
        parameter(AGE_UNIT, "UCUM unit of the age: a, mo, wk, d, h or min. Any other: the age is ignored."),
        parameter(TASK, "The task context (PROBLISTREV, LABRREV, ...): echoed in the feed's categories."),
    ]
    cached = {
        "ETag": {"description": "Rules version and query.", "required": True, "schema": {"type": "string"}},
        "Cache-Control": {
            "description": "Public, kept for 5 minutes.",
            "required": True,
            "schema": {"type": "string"},
        },
    }
    page = {"text/html": {"schema": {"type": "string"}}}
    return {
        "get": {
            "operationId": "infobutton",
            "summary": "HL7 Infobutton: a health record's code to the questions, a test page or a feed.",
            "description": "Parameters as the HL7 Infobutton URL-based implementation guide and MedlinePlus "
            "Connect name them. More codes may follow as mainSearchCriteria.v.c0 ... .v.c9 with .v.cs0 ... "
            ".v.cs9. Any other parameter is ignored.",
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The feed (application/json or text/xml). A code we do not map gives an "
                    "empty `entry` list.",
                    "headers": cached,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/InfobuttonFeed"}},
                        "text/xml": {"schema": {"type": "string"}},
                    },
                },
                "303": {
                    "description": "text/html and a code we map: to the questions with the body area (and "
                    "situation and age) filled in, to the rule table for PROV, or to a test's page.",
                    "headers": {
                        "Location": {
                            "description": "Where to go.",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    },
                },
                "304": {
                    "description": "Not modified: `If-None-Match` holds the current ETag.",
                    "headers": cached,
                },
                "400": {
                    "description": "No code or code system, a value too long, or an unknown "
                    "knowledgeResponseType: the error shape for application/json, a page otherwise.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                        **page,
                    },
                },
                "404": {
                    "description": "text/html and a code we do not map: a page with the ways in.",
                    "content": page,
                },
                "429": {
                    "description": "Too many requests from this client: a page that says how long to wait.",
                    "headers": {
                        "Retry-After": {
                            "description": "Seconds to wait.",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        }
                    },
                    "content": page,
                },
            },
        }
    }
