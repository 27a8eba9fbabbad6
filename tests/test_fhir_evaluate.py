"""POST /api/v1/fhir/evaluate: a QuestionnaireResponse gives exactly the JSON API's result, junk an OperationOutcome.

Answer sets: every scenario in rules/scenarios.toml, hand-made ones (answers that are not asked,
every safety factor, numbers at their bounds), and a spread of every combination verify walks.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.fhir import response_from_answers
from webapp.rulebook import Rulebook, answers_to_dict
from webapp.rulebook.verify import walk

EVALUATE = "/api/v1/fhir/evaluate"
BASE = "http://localhost/api/v1/fhir"
FHIR = "application/fhir+json"


@pytest.fixture
def client(app):
    return app.test_client()


def post(client, body: object, content_type: str = FHIR, **kwargs):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(EVALUATE, data=data, content_type=content_type, **kwargs)


def through_json_api(client, answers: dict[str, Any]) -> Any:
    response = client.post("/api/v1/evaluate", json={"answers": answers})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def coding(question_id: str, code: str, **extra: str) -> dict[str, Any]:
    return {"valueCoding": {"system": f"{BASE}/CodeSystem/{question_id}", "code": code, **extra}}


def as_lhc_forms_writes_it(answers: dict[str, Any]) -> dict[str, Any]:
    """A response shaped like LHC-Forms' getFormFHIRData: meta, authored, item text, displays."""
    items = []
    for question_id, value in answers.items():
        values = value if isinstance(value, list) else [value]
        entries = [
            {"valueInteger": v} if isinstance(v, int) else coding(question_id, v, display=f"label of {v}")
            for v in values
        ]
        if entries:
            items.append({"linkId": question_id, "text": f"Question {question_id}", "answer": entries})
    return {
        "resourceType": "QuestionnaireResponse",
        "meta": {"profile": ["http://hl7.org/fhir/4.0/StructureDefinition/QuestionnaireResponse"], "tag": []},
        "status": "completed",
        "authored": "2026-12-02T10:00:00.000Z",
        "questionnaire": f"{BASE}/Questionnaire/imaging-guide|0123",
        "item": items,
    }


HAND_MADE = [
    {"situation": "screening", "site": "breast", "age": 50, "risk": "average", "factors": []},
    {
        "situation": "screening",
        "site": "lung",
        "age": 60,
        "smoking": "former",
        "pack_years": 30,
        "years_since_quit": 5,
    },
    {"situation": "staging", "site": "prostate", "extent": "advanced", "factors": ["implant", "kidney"]},
    {"situation": "symptoms", "site": "lung", "found_by": "other_scan", "age": 0},
    {"situation": "follow_up", "site": "colorectal", "follow_up_reason": "possible_return", "age": 120},
    {
        "situation": "treatment",
        "factors": ["pregnant", "breastfeeding", "implant", "kidney", "contrast_allergy", "claustrophobia"],
    },
    # Answers to questions that are not asked are ignored, and said to be, as the JSON API does.
    {"situation": "staging", "site": "lung", "risk": "very_high", "smoking": "current", "pack_years": 200},
    {"situation": "biopsy"},
]


def answer_sets(rulebook: Rulebook) -> list[dict[str, Any]]:
    scenarios = [answers_to_dict(rulebook, s.answers) for s in rulebook.scenarios.values()]
    walked = [answers_to_dict(rulebook, dict(a)) for a in itertools.islice(walk(rulebook), 0, None, 1009)]
    return scenarios + HAND_MADE + walked


def test_there_are_enough_answer_sets(rulebook):
    sets = answer_sets(rulebook)
    assert len(rulebook.scenarios) >= 5
    assert len(sets) > 100
    assert {s["situation"] for s in sets} == set(rulebook.question("situation").values)


def test_every_answer_set_gives_the_same_result_as_the_json_api(client, rulebook):
    for answers in answer_sets(rulebook):
        # FHIR has no empty answer: "factors": [] is an item left out, the same as not answering.
        expected = through_json_api(client, {k: v for k, v in answers.items() if v != []})
        for resource in (
            as_lhc_forms_writes_it(answers),
            response_from_answers(rulebook, answers, BASE, "v"),
        ):
            response = post(client, resource)
            assert response.status_code == 200, (answers, response.get_json(force=True))
            assert response.get_json() == expected, answers
            assert response.headers["Content-Type"] == "application/json"
            assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "change",
    [
        {},  # as LHC-Forms writes it
        {"questionnaire": "Questionnaire/imaging-guide"},  # a relative reference
        {
            "questionnaire": "https://other-host.example/fhir/Questionnaire/imaging-guide"
        },  # another deployment
        {"status": "in-progress"},
        {"id": "qr-1", "language": "en", "identifier": {"value": "x"}, "text": {"status": "generated"}},
        {"subject": {"reference": "Patient/1"}},  # read past: we keep nothing about anyone
    ],
)
def test_what_other_systems_add_is_read_past(client, change):
    answers = {"situation": "staging", "site": "breast", "extent": "early"}
    resource = {k: v for k, v in as_lhc_forms_writes_it(answers).items() if k != "questionnaire"} | change
    response = post(client, resource, content_type="application/json")
    assert response.status_code == 200, response.get_json(force=True)
    assert response.get_json() == through_json_api(client, answers)


def test_items_inside_groups_are_read_and_a_coding_may_leave_out_its_system(client):
    resource = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            {
                "linkId": "about",
                "item": [{"linkId": "situation", "answer": [{"valueCoding": {"code": "staging"}}]}],
            },
            {
                "linkId": "more",
                "item": [
                    {"linkId": "inner", "item": [{"linkId": "site", "answer": [coding("site", "breast")]}]}
                ],
            },
        ],
    }
    response = post(client, resource)
    assert response.status_code == 200, response.get_json(force=True)
    assert response.get_json() == through_json_api(client, {"situation": "staging", "site": "breast"})


def test_an_option_named_twice_counts_once(client):
    resource = as_lhc_forms_writes_it({"situation": "treatment", "factors": ["kidney", "kidney", "implant"]})
    response = post(client, resource)
    assert response.get_json() == through_json_api(
        client, {"situation": "treatment", "factors": ["kidney", "implant"]}
    )


# --- Bad resources: a 4xx and an OperationOutcome that says what and where, never a 500.


def qr(*items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    situation = {"linkId": "situation", "answer": [coding("situation", "screening")]}
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [situation, *items],
    } | extra


def answer(question_id: str, *entries: dict[str, Any]) -> dict[str, Any]:
    return {"linkId": question_id, "answer": list(entries)}


def nested(depth: int) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": "situation", "answer": [coding("situation", "screening")]}
    for n in range(depth):
        item = {"linkId": f"group-{n}", "item": [item]}
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [item]}


BAD = [
    # (why, body, content type, status, issue code, words in the message, expression)
    ("not JSON", "situation=staging", FHIR, 400, "structure", "not valid JSON", None),
    (
        "form post",
        "situation=staging",
        "application/x-www-form-urlencoded",
        415,
        "not-supported",
        "Content-Type",
        None,
    ),
    ("empty", "", FHIR, 400, "structure", "empty", None),
    ("an array", [qr()], FHIR, 400, "structure", "JSON object", None),
    (
        "wrong resourceType",
        {"resourceType": "Patient", "status": "completed", "item": []},
        FHIR,
        400,
        "invalid",
        "not a Patient",
        None,
    ),
    ("no resourceType", {"status": "completed"}, FHIR, 400, "invalid", "no resourceType", None),
    (
        "no status",
        {k: v for k, v in qr().items() if k != "status"},
        FHIR,
        400,
        "required",
        "status must be",
        "QuestionnaireResponse.status",
    ),
    (
        "made-up status",
        qr(status="done"),
        FHIR,
        400,
        "value",
        "status must be",
        "QuestionnaireResponse.status",
    ),
    (
        "no items",
        {"resourceType": "QuestionnaireResponse", "status": "completed"},
        FHIR,
        422,
        "required",
        "Situation is required",
        "QuestionnaireResponse.item",
    ),
    (
        "unknown element",
        qr(colour="blue"),
        FHIR,
        400,
        "structure",
        "no element 'colour'",
        "QuestionnaireResponse.colour",
    ),
    (
        "modifierExtension",
        qr(modifierExtension=[]),
        FHIR,
        400,
        "structure",
        "modifierExtension",
        "QuestionnaireResponse.modifierExtension",
    ),
    (
        "item not a list",
        qr() | {"item": {"linkId": "situation"}},
        FHIR,
        400,
        "structure",
        "must be a list",
        "QuestionnaireResponse.item",
    ),
    (
        "item without linkId",
        qr({"answer": []}),
        FHIR,
        400,
        "required",
        "linkId",
        "QuestionnaireResponse.item[1].linkId",
    ),
    (
        "empty answer list",
        qr(answer("site")),
        FHIR,
        400,
        "structure",
        "at least one answer",
        "QuestionnaireResponse.item[1].answer",
    ),
    (
        "another questionnaire",
        qr(questionnaire="http://loinc.org/q/44249-1"),
        FHIR,
        422,
        "not-supported",
        "http://loinc.org/q/44249-1",
        "QuestionnaireResponse.questionnaire",
    ),
    (
        "unknown linkId",
        qr(answer("colour", coding("colour", "blue"))),
        FHIR,
        422,
        "not-found",
        "'colour'",
        "QuestionnaireResponse.item[1].linkId",
    ),
    (
        "help text answered",
        qr(answer("site-help", coding("site", "breast"))),
        FHIR,
        422,
        "not-found",
        "site-help",
        "QuestionnaireResponse.item[1].linkId",
    ),
    (
        "code from another system",
        qr(answer("site", {"valueCoding": {"system": "http://snomed.info/sct", "code": "breast"}})),
        FHIR,
        422,
        "code-invalid",
        "http://snomed.info/sct",
        "QuestionnaireResponse.item[1].answer[0].valueCoding.system",
    ),
    (
        "another question's system",
        qr(answer("site", {"valueCoding": {"system": f"{BASE}/CodeSystem/risk", "code": "breast"}})),
        FHIR,
        422,
        "code-invalid",
        "CodeSystem/risk",
        "QuestionnaireResponse.item[1].answer[0].valueCoding.system",
    ),
    (
        "code not an option",
        qr(answer("site", coding("site", "spleen"))),
        FHIR,
        422,
        "code-invalid",
        "'spleen'",
        "QuestionnaireResponse.item[1].answer[0].valueCoding.code",
    ),
    (
        "coding without a code",
        qr(answer("site", {"valueCoding": {"display": "Breast"}})),
        FHIR,
        422,
        "code-invalid",
        "needs a `code`",
        "QuestionnaireResponse.item[1].answer[0].valueCoding",
    ),
    (
        "decimal age",
        qr(answer("age", {"valueDecimal": 50.5})),
        FHIR,
        422,
        "value",
        "valueInteger, not valueDecimal",
        "QuestionnaireResponse.item[1].answer[0]",
    ),
    (
        "age as text",
        qr(answer("age", {"valueString": "50"})),
        FHIR,
        422,
        "value",
        "not valueString",
        "QuestionnaireResponse.item[1].answer[0]",
    ),
    (
        "a fraction in valueInteger",
        qr(answer("age", {"valueInteger": 50.5})),
        FHIR,
        422,
        "value",
        "whole number",
        "QuestionnaireResponse.item[1].answer[0].valueInteger",
    ),
    (
        "age 500",
        qr(answer("age", {"valueInteger": 500})),
        FHIR,
        422,
        "value",
        "Age must be 120 or less",
        "QuestionnaireResponse.item[1].answer",
    ),
    (
        "a coding for a number",
        qr(answer("age", coding("age", "50"))),
        FHIR,
        422,
        "value",
        "valueInteger",
        "QuestionnaireResponse.item[1].answer[0]",
    ),
    (
        "two answers to a single choice",
        qr(answer("site", coding("site", "breast"), coding("site", "lung"))),
        FHIR,
        422,
        "value",
        "takes one answer",
        "QuestionnaireResponse.item[1].answer",
    ),
    (
        "the same question twice",
        qr(answer("site", coding("site", "breast")), answer("site", coding("site", "lung"))),
        FHIR,
        422,
        "duplicate",
        "more than one item",
        "QuestionnaireResponse.item[2].linkId",
    ),
    (
        "missing situation",
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "item": [answer("site", coding("site", "breast"))],
        },
        FHIR,
        422,
        "required",
        "Situation is required",
        "QuestionnaireResponse.item",
    ),
    (
        "a question holding items",
        qr({"linkId": "site", "answer": [coding("site", "lung")], "item": []}),
        FHIR,
        422,
        "structure",
        "holds answers, not items",
        "QuestionnaireResponse.item[1].item",
    ),
    (
        "nested too deep",
        nested(5),
        FHIR,
        400,
        "structure",
        "nested more than 4 deep",
        "QuestionnaireResponse.item[0].item[0].item[0].item[0].item",
    ),
    (
        "JSON nested too deep",
        {"resourceType": "QuestionnaireResponse", "meta": json.loads("[" * 40 + "]" * 40)},
        FHIR,
        400,
        "structure",
        "nested too deeply",
        None,
    ),
    ("huge", qr(text={"div": "x" * 20_000}), FHIR, 413, "too-long", "larger than 16 KB", None),
]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code", "words", "expression"),
    [b[1:] for b in BAD],
    ids=[b[0] for b in BAD],
)
def test_a_bad_resource_gets_an_operation_outcome_that_says_what_and_where(
    client, body, content_type, status, code, words, expression
):
    response = post(client, body, content_type)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    outcome = response.get_json(force=True)
    OperationOutcome.parse_obj(outcome)
    issue = outcome["issue"][0]
    assert (issue["severity"], issue["code"]) == ("error", code)
    assert words in issue["diagnostics"]
    assert issue.get("expression", [None])[0] == expression


def test_the_nested_groups_at_the_limit_are_still_read(client):
    assert post(client, nested(3)).status_code == 200


def test_every_problem_found_is_listed(client):
    body = qr(
        answer("age", {"valueInteger": 500}),
        answer("site", coding("site", "lung")),
        answer("smoking", coding("smoking", "current")),
        answer("pack_years", {"valueInteger": 201}),
    )
    outcome = post(client, body).get_json(force=True)
    assert [i["diagnostics"] for i in outcome["issue"]] == [
        "Age must be 120 or less",
        "Pack-years must be 200 or less",
    ]


def test_the_saved_and_generated_responses_are_valid_fhir(rulebook):
    for answers in answer_sets(rulebook)[:50]:
        QuestionnaireResponse.parse_obj(
            response_from_answers(rulebook, answers, BASE, rulebook.version, "2026-12-02")
        )


def test_the_fhir_endpoint_counts_against_the_api_limit_and_says_when_to_retry(tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path / "limits.sqlite3", RATELIMIT_ENABLED=True, API_LIMITS_PER_CLIENT="2 per minute")
    client = app.test_client()
    first = client.post("/api/v1/evaluate", json={"answers": {"situation": "staging"}})
    second = post(client, qr())
    third = post(client, qr())
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert int(third.headers["Retry-After"]) >= 1
    issue = third.get_json(force=True)["issue"][0]
    assert issue["code"] == "throttled"
    assert client.get("/api/v1/fhir/Questionnaire").status_code == 429  # one count for every API route
    assert issue["diagnostics"].startswith("Too many requests from this address. Try again in ")
    # Said in the request's language, as the JSON API says it.
    fhir = post(client, qr(), query_string={"lang": "es"}).get_json(force=True)["issue"][0]["diagnostics"]
    plain = client.post("/api/v1/evaluate?lang=es", json={}).get_json()["errors"]["rate"][0]
    waiting = "Hay demasiadas solicitudes desde esta dirección. Inténtelo de nuevo en "
    assert fhir.startswith(waiting) and plain.startswith(waiting), (fhir, plain)


# --- Generated junk never gives a 500.

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
LINK_IDS = st.sampled_from(["situation", "site", "age", "factors", "risk", "site-help", "group", "x"])
ANSWERS = st.lists(
    st.one_of(
        st.builds(
            lambda c, s: {"valueCoding": {"code": c, **({"system": s} if s else {})}},
            st.sampled_from(["screening", "breast", "kidney", "x", ""]),
            st.sampled_from(["", f"{BASE}/CodeSystem/site", "http://snomed.info/sct"]),
        ),
        st.builds(lambda n: {"valueInteger": n}, st.integers(-5, 300)),
        st.dictionaries(
            st.sampled_from(["valueString", "valueDecimal", "valueCoding", "id", "x"]),
            JSON_VALUES,
            max_size=2,
        ),
        JSON_VALUES,
    ),
    max_size=3,
)
ITEMS = st.recursive(
    st.fixed_dictionaries({"linkId": LINK_IDS}, optional={"answer": ANSWERS, "text": JSON_VALUES}),
    lambda inner: st.fixed_dictionaries({"linkId": LINK_IDS, "item": st.lists(inner, max_size=3)}),
    max_leaves=8,
)
RESPONSES = st.fixed_dictionaries(
    {"resourceType": st.sampled_from(["QuestionnaireResponse", "QuestionnaireResponse", "Patient"])},
    optional={
        "status": st.sampled_from(["completed", "in-progress", "x"]),
        "questionnaire": st.sampled_from(
            ["Questionnaire/imaging-guide", "x", f"{BASE}/Questionnaire/imaging-guide|1"]
        ),
        "item": st.lists(ITEMS, max_size=6),
        "meta": JSON_VALUES,
    },
)


@settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.one_of(RESPONSES, RESPONSES, JSON_VALUES))
def test_no_generated_response_gives_a_500(app, body):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = post(app.test_client(), body)
    assert response.status_code in (200, 400, 413, 422), response.get_data(as_text=True)[:300]
    data = response.get_json(force=True)
    if response.status_code != 200:
        OperationOutcome.parse_obj(data)
        assert data["issue"] and all(i["diagnostics"] for i in data["issue"])
