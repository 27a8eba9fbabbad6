"""The JSON API does what its OpenAPI document says: schemathesis runs in process, with every check.

Schemathesis reads /api/v1/openapi.json from the app, makes requests that fit it (each must get a
2xx) and requests that break it (each must get a 4xx), and checks every answer against the
document: status codes, content types, bodies, headers, and never a 5xx. Issue 9 came from the
two disagreeing ("age": "50" was accepted though the document says integer), so a change that
makes them disagree again fails here.
"""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp import create_app
from webapp.rulebook.model import Question

# Fuzzed examples per operation (besides the coverage phase's own cases): enough to meet every
# question, kind of mistake and header a few times, while the whole file stays well under a minute.
EXAMPLES = 500

# The API never touches the database; an in-memory one keeps import free of files. Rate limits are
# off so hundreds of requests from one client still reach the code under test.
APP = create_app(
    {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "RATELIMIT_ENABLED": False,
    }
)

# Stated here, not discovered from a schemathesis.toml, so every machine runs the same cases.
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261202,
        "generation": {"mode": "all", "max-examples": EXAMPLES, "deterministic": True},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            # No operation makes something another one reads back (no links), so there is no state.
            "stateful": {"enabled": False},
        },
        # Every built-in check stays on (the default set); none is switched off.
        "checks": {"enabled": True},
    }
)

# Loaded eagerly: the lazy `schemathesis.pytest.from_fixture` does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)


@schema.parametrize()
# Generating deep JSON is sometimes slow; that is the generator, not the API, so no health check or
# deadline may fail the run on it.
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_does_what_its_openapi_document_says(case):
    case.call_and_validate()


# --- Answers the generator seldom or never meets, each checked against the document the same way.

VERSION = APP.extensions["rulebook"].version
HAND_PICKED = [
    # (why, path, method, case fields, status)
    ("still current", "/api/v1/tests", "GET", {"headers": {"If-None-Match": f'"{VERSION}"'}}, 304),
    ("changed since", "/api/v1/questionnaire", "GET", {"headers": {"If-None-Match": '"old"'}}, 200),
    # Schemathesis leaves out the address it read the document from, so it is checked here.
    ("document", "/api/v1/openapi.json", "GET", {}, 200),
    ("document current", "/api/v1/openapi.json", "GET", {"headers": {"If-None-Match": f'"{VERSION}"'}}, 304),
    ("unknown test", "/api/v1/tests/{test_id}", "GET", {"path_parameters": {"test_id": "x-ray-vision"}}, 404),
    ("too large", "/api/v1/evaluate", "POST", {"body": {"answers": {"situation": "x" * 20_000}}}, 413),
    ("not JSON", "/api/v1/evaluate", "POST", {"body": "situation=staging", "media_type": "text/plain"}, 415),
    # The FHIR endpoints answer with an OperationOutcome instead.
    (
        "FHIR current",
        "/api/v1/fhir/Questionnaire",
        "GET",
        {"headers": {"If-None-Match": f'"{VERSION}"'}},
        304,
    ),
    ("FHIR as XML", "/api/v1/fhir/Questionnaire", "GET", {"query": {"_format": "xml"}}, 406),
    (
        "no code system",
        "/api/v1/fhir/CodeSystem/{question_id}",
        "GET",
        {"path_parameters": {"question_id": "age"}},
        404,
    ),
    (
        "FHIR too large",
        "/api/v1/fhir/evaluate",
        "POST",
        {"body": {"resourceType": "x" * 20_000}, "media_type": "application/json"},
        413,
    ),
    ("FHIR form post", "/api/v1/fhir/evaluate", "POST", {"body": "a=b", "media_type": "text/plain"}, 415),
    (
        "FHIR answers out of range",
        "/api/v1/fhir/evaluate",
        "POST",
        {
            "body": {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "item": [
                    {"linkId": "situation", "answer": [{"valueCoding": {"code": "screening"}}]},
                    {"linkId": "age", "answer": [{"valueInteger": 500}]},
                ],
            },
            "media_type": "application/fhir+json",
        },
        422,
    ),
]


@pytest.mark.parametrize(
    ("path", "method", "fields", "status"), [h[1:] for h in HAND_PICKED], ids=[h[0] for h in HAND_PICKED]
)
def test_rarer_answers_are_documented_too(path, method, fields, status):
    case = schema[path][method].Case(**fields)
    response = case.call()
    assert response.status_code == status
    case.validate_response(response)


def test_too_many_requests_is_documented_with_its_retry_after_header():
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_ENABLED": True,
            "API_LIMITS_PER_CLIENT": "2 per minute",
        }
    )
    evaluate = schema["/api/v1/evaluate"]["POST"].Case(body={"answers": {"situation": "staging"}})
    tests = schema["/api/v1/tests"]["GET"].Case()
    statuses = []
    for case in (evaluate, tests, evaluate, tests):
        response = case.call(app=limited)
        statuses.append(response.status_code)
        case.validate_response(response)
    assert statuses == [200, 200, 429, 429]


def test_the_fhir_endpoints_too_many_requests_is_documented_too():
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "RATELIMIT_ENABLED": True,
            "API_LIMITS_PER_CLIENT": "1 per minute",
        }
    )
    read = schema["/api/v1/fhir/Questionnaire"]["GET"].Case()
    evaluate = schema["/api/v1/fhir/evaluate"]["POST"].Case(body={}, media_type="application/fhir+json")
    statuses = []
    for case in (read, read, evaluate):
        response = case.call(app=limited)
        statuses.append(response.status_code)
        case.validate_response(response)
    assert statuses == [200, 429, 429]


# --- Near misses: what forms and links send, sent as JSON. Schemathesis's own generator rarely
# writes a number as text or an option twice, the very mistakes of issue 9, so these are added here.

DOCUMENT = APP.test_client().get("/api/v1/openapi.json").get_json()
# The same JSON Schema dialect (2020-12) and validator schemathesis uses to judge a request.
REQUEST = jsonschema_rs.Draft202012Validator(
    {"$ref": "#/components/schemas/EvaluateRequest", "components": DOCUMENT["components"]}
)
QUESTIONS = APP.extensions["rulebook"].questions


def near_misses(question: Question) -> list[object]:
    """Right and almost-right spellings of an answer; the document decides which are right."""
    if question.kind == "number":
        low, high = question.min or 0, question.max or 100
        mid = (low + high) // 2
        return [
            *(mid, float(mid), low, high, None),
            *(str(mid), f" {mid} ", "", mid + 0.5, True, False, [mid], {"value": mid}, low - 1, high + 1),
        ]
    if question.kind == "multi":
        two = list(question.values[:2])
        return [
            *(two, two[:1], [], None),
            *(",".join(two), two[0], two + two[:1], [v.upper() for v in two], [f" {two[0]}"], ""),
            *([two], [None], [True], {"value": two}),
        ]
    first = question.values[0]
    return [
        *(first, None),
        *(f" {first} ", first.upper(), "", " ", [first], {"value": first}, 1, True, f"{first},{first}"),
    ]


def outcome(answers: dict) -> tuple[bool, bool, int, object]:
    """Whether the document accepts the body, whether the API does, and what the API said."""
    body = {"answers": answers}
    response = APP.test_client().post("/api/v1/evaluate", json=body)
    assert response.status_code in (200, 400), (answers, response.status_code)
    return REQUEST.is_valid(body), response.status_code == 200, response.status_code, response.get_json()


CASES = [(q.id, value) for q in QUESTIONS for value in near_misses(q)]


@pytest.mark.parametrize(("question_id", "value"), CASES, ids=[f"{q}={v!r}" for q, v in CASES])
def test_the_api_accepts_an_answer_exactly_when_the_document_does(question_id, value):
    answers = {"situation": "screening", question_id: value}
    documented, accepted, status, data = outcome(answers)
    assert accepted == documented, (
        f"document {'accepts' if documented else 'refuses'} {answers}; API: {status} {data}"
    )
    if not accepted:
        assert list(data["errors"]) == [question_id]


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    case=schema["/api/v1/evaluate"]["POST"].as_strategy(),
    change=st.sampled_from(CASES),
)
def test_near_misses_among_other_valid_answers_agree_too(case, change):
    question_id, value = change
    answers = {**case.body["answers"], question_id: value}
    documented, accepted, status, data = outcome(answers)
    assert accepted == documented, (json.dumps(answers), status, data)
