"""The JSON API (CONTRACT.md, version 1): what a program calling it sees, good requests and junk alike."""

from __future__ import annotations

import io
import json
import random
import re

import pytest

from webapp.rulebook import LEVELS, TOPICS, parse_answers

from .contract import CONTRACT_QUESTIONS, CONTRACT_TESTS, CONTRACT_TOPICS

C, S, N = "commonly_used", "sometimes_used", "not_usually_used"
JSON = "application/json"


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def evaluate(client, answers=None, *, body=None, content_type=JSON, **kwargs):
    """POST to evaluate: `answers` wrapped as the contract says, or a raw `body` as given."""
    if body is None:
        body = json.dumps({"answers": answers})
    return client.post("/api/v1/evaluate", data=body, content_type=content_type, **kwargs)


# --- A tiny JSON Schema checker (the subset the OpenAPI document uses), so responses are held to it.


def schema_problems(value, schema, spec, path="$"):
    """Every way `value` breaks `schema`; [] when it fits."""
    if "$ref" in schema:
        target = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return schema_problems(value, target, spec, path)
    kinds = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "integer": lambda v: (
            not isinstance(v, bool) and (isinstance(v, int) or (isinstance(v, float) and v.is_integer()))
        ),
    }
    wanted = schema.get("type")
    if wanted is not None:
        names = wanted if isinstance(wanted, list) else [wanted]
        if not any(kinds[name](value) for name in names):
            return [f"{path}: {value!r:.60} is not {wanted}"]
    problems = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r:.60} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        problems.append(f"{path}: {value!r:.60} is not {schema['const']!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            problems.append(f"{path}: too few items")
        if schema.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
            problems.append(f"{path}: repeated items")
        for i, item in enumerate(value):
            problems += schema_problems(item, schema.get("items", {}), spec, f"{path}[{i}]")
    if isinstance(value, dict):
        if len(value) < schema.get("minProperties", 0):
            problems.append(f"{path}: too few properties")
        problems += [f"{path}: {key} missing" for key in schema.get("required", []) if key not in value]
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                problems += schema_problems(item, properties[key], spec, f"{path}.{key}")
            elif extra is False:
                problems.append(f"{path}: {key!r:.60} is not allowed")
            elif isinstance(extra, dict):
                problems += schema_problems(item, extra, spec, f"{path}.{key}")
    return problems


def fits(value, name, spec):
    """Assert that `value` fits the named schema of the OpenAPI document."""
    problems = schema_problems(value, {"$ref": f"#/components/schemas/{name}"}, spec)
    assert not problems, problems[:5]


def test_the_schema_checker_refuses_what_the_answers_schema_forbids(spec):
    fits({"situation": "staging", "age": 50, "factors": ["kidney"]}, "Answers", spec)
    for bad in (
        {},
        {"situation": "nope"},
        {"situation": "staging", "age": 121},
        {"situation": "staging", "age": True},
        {"situation": "staging", "factors": ["flying"]},
        {"situation": "staging", "factors": "kidney"},
        {"situation": "staging", "colour": "blue"},
    ):
        assert schema_problems(bad, {"$ref": "#/components/schemas/Answers"}, spec), bad


# --- Good requests


# (why, answers, tests at a level, tests that must not be commonly used, note topics that must show)
GOOD = [
    (
        "screening breast 50 average",
        {"situation": "screening", "site": "breast", "age": 50, "risk": "average", "factors": []},
        {"mammogram": C},
        ["breast_mri"],
        set(),
    ),
    (
        "screening breast 35 very high risk",
        {"situation": "screening", "site": "breast", "age": 35, "risk": "very_high"},
        {"breast_mri": C, "mammogram": C},
        [],
        set(),
    ),
    (
        # Family history alone (higher, not very high) keeps the average-risk ages: no MRI before 40.
        "screening breast 35 higher risk",
        {"situation": "screening", "site": "breast", "age": 35, "risk": "higher"},
        {},
        ["breast_mri", "mammogram"],
        set(),
    ),
    (
        "screening lung 55, smokes, 25 pack-years",
        {"situation": "screening", "site": "lung", "age": 55, "smoking": "current", "pack_years": 25},
        {"low_dose_ct": C, "xray": N},
        ["xray"],
        set(),
    ),
    (
        "screening lung, quit 20 years ago: two guidelines differ",
        {
            "situation": "screening",
            "site": "lung",
            "age": 60,
            "smoking": "former",
            "pack_years": 30,
            "years_since_quit": 20,
        },
        {"low_dose_ct": S},
        [],
        {"guideline_difference"},
    ),
    (
        "screening cervix: imaging is not the screening test",
        {"situation": "screening", "site": "cervical", "age": 50},
        {},
        sorted(CONTRACT_TESTS),
        {"no_imaging_screening"},
    ),
    (
        "staging lymphoma",
        {"situation": "staging", "site": "lymphoma", "age": 40},
        {"pet_ct": C},
        [],
        set(),
    ),
    (
        "staging lung",
        {"situation": "staging", "site": "lung", "age": 66},
        {"ct": C, "pet_ct": C},
        [],
        set(),
    ),
    (
        "follow-up breast: body scans are not routine",
        {"situation": "follow_up", "site": "breast", "age": 58},
        {"mammogram": C, "pet_ct": N, "bone_scan": N},
        ["pet_ct", "bone_scan", "ct"],
        set(),
    ),
    (
        "biopsy prostate",
        {"situation": "biopsy", "site": "prostate", "age": 64},
        {"mri": C, "ultrasound": C, "guided_biopsy": C},
        [],
        set(),
    ),
    (
        "only the required answer; age left out",
        {"situation": "symptoms"},
        {},
        [],
        set(),
    ),
    (
        "null counts as unanswered",
        {"situation": "staging", "site": "lymphoma", "age": 40, "risk": None, "factors": None},
        {"pet_ct": C},
        [],
        set(),
    ),
]


@pytest.mark.parametrize(
    ("answers", "levels", "not_common", "topics"), [g[1:] for g in GOOD], ids=[g[0] for g in GOOD]
)
def test_good_answers_give_the_expected_tests_and_notes(client, spec, answers, levels, not_common, topics):
    response = evaluate(client, answers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == JSON
    data = response.get_json()
    fits(data, "Result", spec)
    found = {t["id"]: t["level"] for t in data["tests"]}
    for test_id, level in levels.items():
        assert found.get(test_id) == level, f"{test_id}: {found.get(test_id)}"
    for test_id in not_common:
        assert found.get(test_id) != C
    assert set(found) <= CONTRACT_TESTS
    assert {"disclaimer", "limits"} | topics <= {n["topic"] for n in data["notes"]}
    assert all(t["why"] and t["rules"] for t in data["tests"])
    assert all(n["text"] and n["sources"] for n in data["notes"])
    assert re.fullmatch(r"[0-9a-f]{64}", data["rules_version"])


def test_the_contract_example_comes_back_in_the_contract_shape(client):
    answers = {"situation": "screening", "site": "breast", "age": 50, "risk": "average", "factors": []}
    data = evaluate(client, answers).get_json()
    assert list(data)[:2] == ["rules_version", "answers"]
    assert {"rules_version", "answers", "tests", "notes"} <= set(data)
    assert data["answers"] == answers
    mammogram = next(t for t in data["tests"] if t["id"] == "mammogram")
    assert mammogram["name"] == "Mammogram"
    assert set(mammogram) >= {"id", "name", "level", "why", "rules", "cautions"}
    assert mammogram["cautions"] == []
    assert {"id", "topic", "text", "sources"} <= set(data["notes"][0])
    # Levels come most common first, so a reader meets what is usual before what is not.
    ranks = [LEVELS.index(t["level"]) for t in data["tests"]]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(
    ("factors", "topic"),
    [
        (["pregnant"], "pregnancy"),
        (["breastfeeding"], "breastfeeding"),
        (["implant"], "implant"),
        (["kidney"], "kidney"),
        (["contrast_allergy"], "contrast_allergy"),
        (["claustrophobia"], "claustrophobia"),
    ],
)
def test_a_factor_adds_its_cautions_and_never_removes_a_test(client, factors, topic):
    base = {"situation": "staging", "site": "lung", "age": 60}
    plain = evaluate(client, base).get_json()
    data = evaluate(client, base | {"factors": factors}).get_json()
    usual = {t["id"]: t["level"] for t in plain["tests"]}
    assert usual.keys() <= {t["id"] for t in data["tests"]}
    for test in data["tests"]:
        # A level differs from the usual one only where the entry says which factor changed it.
        assert test["usual_level"] == usual.get(test["id"])
        assert (test["level"] != test["usual_level"]) == bool(test["changed_by"])
    assert all(t["cautions"] == [] and t["changed_by"] == [] for t in plain["tests"])
    topics = {c["topic"] for t in data["tests"] for c in t["cautions"]}
    assert topics == {topic}
    assert all(c["text"] for t in data["tests"] for c in t["cautions"])


def test_pregnancy_changes_the_tracer_scan_and_says_so(client):
    answers = {"situation": "staging", "site": "lung", "age": 30, "factors": ["pregnant"]}
    tests = {t["id"]: t for t in evaluate(client, answers).get_json()["tests"]}
    pet = tests["pet_ct"]
    assert (pet["level"], pet["usual_level"], pet["changed_by"]) == (
        "not_usually_used",
        "commonly_used",
        ["pregnant"],
    )
    assert "pregnancy" in pet["why"].lower()
    assert pet["usual_why"] and pet["usual_why"] != pet["why"]
    assert tests["ct"]["level"] == "sometimes_used"


def test_pregnancy_caution_lands_on_the_mammogram(client):
    answers = {
        "situation": "screening",
        "site": "breast",
        "age": 50,
        "risk": "average",
        "factors": ["pregnant"],
    }
    data = evaluate(client, answers).get_json()
    mammogram = next(t for t in data["tests"] if t["id"] == "mammogram")
    assert [c["topic"] for c in mammogram["cautions"]] == ["pregnancy"]
    assert "pregnancy" in {n["topic"] for n in data["notes"]}


def test_answers_echo_normalised(client):
    answers = {
        "situation": "staging",
        "age": 50.0,
        "factors": ["kidney", "pregnant"],
        "risk": "average",  # asked only for screening: dropped, not an error
        "smoking": "current",
        "pack_years": 30,  # hangs on smoking, which is not asked either
    }
    data = evaluate(client, answers).get_json()
    assert data["answers"] == {
        "situation": "staging",
        "site": "other",
        "age": 50,
        "factors": ["pregnant", "kidney"],
    }
    assert data["ignored"] == ["risk", "smoking", "pack_years"]


def test_age_as_text_is_refused_with_a_message_that_says_how_to_send_it(client):
    response = evaluate(client, {"situation": "screening", "site": "breast", "age": "50"})
    assert response.status_code == 400
    assert response.get_json() == {"errors": {"age": ["Send age as a whole number without quotes, like 52"]}}


@pytest.mark.parametrize("age", [50, 50.0, 5e1])
def test_an_age_with_no_fraction_is_a_whole_number_as_json_schema_says(client, age):
    # JSON Schema 2020-12 (OpenAPI 3.1) counts 50.0 as an integer, so the API does too.
    response = evaluate(client, {"situation": "screening", "site": "breast", "age": age})
    assert response.status_code == 200
    assert response.get_json()["answers"]["age"] == 50


@pytest.mark.parametrize("age", [True, False])
def test_a_boolean_is_never_an_age(client, age):
    response = evaluate(client, {"situation": "staging", "age": age})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"age": ["Enter age as a whole number, like 52"]}


def test_repeated_factors_are_refused_naming_each_repeat_once(client):
    factors = ["kidney", "pregnant", "kidney", "implant", "pregnant", "kidney"]
    response = evaluate(client, {"situation": "staging", "factors": factors})
    assert response.status_code == 400
    [message] = response.get_json()["errors"]["factors"]
    assert message.startswith("Things to tell the care team names 'kidney', 'pregnant' more than once")


def test_a_comma_separated_string_of_factors_is_refused_because_the_document_asks_for_a_list(client, spec):
    response = evaluate(client, {"situation": "staging", "factors": "kidney,pregnant"})
    assert response.status_code == 400
    assert '["pregnant", "breastfeeding"]' in response.get_json()["errors"]["factors"][0]
    assert spec["components"]["schemas"]["Answers"]["properties"]["factors"]["type"] == ["array", "null"]
    # The same list, sent as the document says, works.
    assert evaluate(client, {"situation": "staging", "factors": ["kidney", "pregnant"]}).status_code == 200


def test_null_leaves_an_optional_question_unanswered_but_not_the_required_one(client):
    answers = {"situation": "staging", "site": None, "age": None, "factors": None}
    data = evaluate(client, answers).get_json()
    assert data["answers"] == {"situation": "staging", "site": "other"}
    response = evaluate(client, {"situation": None})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"situation": ["Situation is required"]}


def test_forms_and_links_still_read_text_kindly(client, rulebook):
    # Strict reading is for JSON only: a form or a /start link sends everything as text.
    raw = {"situation": " staging ", "age": "50", "factors": "kidney,pregnant,kidney"}
    answers, errors = parse_answers(rulebook, raw)
    assert errors == {}
    assert answers == {"situation": "staging", "age": 50, "factors": frozenset({"kidney", "pregnant"})}
    _, strict = parse_answers(rulebook, raw, strict_types=True)
    assert set(strict) == {"situation", "age", "factors"}
    # A link with the same text still fills in the questions and asks the next one.
    response = client.get("/start?situation=staging&age=50&factors=kidney,pregnant")
    assert response.status_code in (302, 303)
    with client.session_transaction() as session:
        assert session["answers"]["age"] == 50
        assert sorted(session["answers"]["factors"]) == ["kidney", "pregnant"]
        assert not session.get("_flashes")  # no "not one of the answers we know" notice


def test_the_api_needs_no_csrf_token_while_html_forms_still_do(app, client):
    assert app.config.get("WTF_CSRF_ENABLED", True)
    assert evaluate(client, {"situation": "staging"}).status_code == 200
    # The same client, posting an HTML form without a token, is refused.
    assert client.post("/restart").status_code == 400


# --- Requests that must fail politely


DEEP = "[" * 40 + "]" * 40
FAILURES = [
    # (name, body, content type, status, error key, message fragment)
    ("list body", b"[]", JSON, 400, "answers", "must be a JSON object"),
    ("string body", b'"x"', JSON, 400, "answers", "must be a JSON object"),
    ("null body", b"null", JSON, 400, "answers", "must be a JSON object"),
    ("number body", b"42", JSON, 400, "answers", "must be a JSON object"),
    ("empty body", b"", JSON, 400, "answers", "empty"),
    ("bad JSON", b'{"answers": {"situation": ', JSON, 400, "answers", "not valid JSON"),
    ("single quotes", b"{'answers': {}}", JSON, 400, "answers", "not valid JSON"),
    ("NaN", b'{"answers": {"situation": "staging", "age": NaN}}', JSON, 400, "answers", "NaN"),
    (
        "huge integer",
        b'{"answers": {"age": ' + b"9" * 5000 + b"}}",
        JSON,
        400,
        "answers",
        "thousands of digits",
    ),
    ("invalid UTF-8", b'{"answers": {"situation": "\xff\xfe"}}', JSON, 400, "answers", "UTF-8"),
    ("UTF-16", json.dumps({"answers": {}}).encode("utf-16"), JSON, 400, "answers", "UTF-8"),
    ("no answers", b"{}", JSON, 400, "answers", 'no "answers"'),
    ("misspelt answers", b'{"answer": {"situation": "staging"}}', JSON, 400, "answers", 'no "answers"'),
    ("answers a list", b'{"answers": []}', JSON, 400, "answers", "must be an object"),
    ("answers null", b'{"answers": null}', JSON, 400, "answers", "must be an object"),
    (
        "answers a query string",
        b'{"answers": "situation=staging"}',
        JSON,
        400,
        "answers",
        "must be an object",
    ),
    ("deep body", b"[" * 5000 + b"]" * 5000, JSON, 400, "answers", "nested too deeply"),
    (
        "deep answer",
        f'{{"answers": {{"factors": {DEEP}}}}}'.encode(),
        JSON,
        400,
        "answers",
        "nested too deeply",
    ),
    ("plain text", b'{"answers": {}}', "text/plain", 415, "answers", "Content-Type: application/json"),
    ("a form", b"situation=staging", "application/x-www-form-urlencoded", 415, "answers", "Content-Type"),
    ("no content type", b'{"answers": {}}', None, 415, "answers", "Content-Type"),
    ("20 KB", json.dumps({"answers": {"situation": "x" * 20_000}}).encode(), JSON, 413, "answers", "16 KB"),
]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "key", "fragment"),
    [f[1:] for f in FAILURES],
    ids=[f[0] for f in FAILURES],
)
def test_bad_bodies_get_a_4xx_in_the_error_shape(client, spec, body, content_type, status, key, fragment):
    response = evaluate(client, body=body, content_type=content_type)
    assert response.status_code == status
    assert response.mimetype == JSON
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    fits(data, "Error", spec)
    assert fragment in " ".join(data["errors"][key])


BAD_ANSWERS = [
    # (name, answers, error key, message fragment)
    ("nothing", {}, "situation", "required"),
    ("situation blank", {"situation": " "}, "situation", "required"),
    ("unknown situation", {"situation": "nope"}, "situation", "no option 'nope'"),
    ("situation a list", {"situation": ["staging"]}, "situation", "must be one of"),
    ("situation an object", {"situation": {"value": "staging"}}, "situation", "must be one of"),
    ("situation a boolean", {"situation": True}, "situation", "must be one of"),
    ("unknown site", {"situation": "staging", "site": "knee"}, "site", "no option 'knee'"),
    ("age in words", {"situation": "staging", "age": "fifty"}, "age", "whole number"),
    ("age a boolean", {"situation": "staging", "age": True}, "age", "whole number"),
    ("age a fraction", {"situation": "staging", "age": 50.5}, "age", "whole number"),
    ("age negative", {"situation": "staging", "age": -1}, "age", "0 or more"),
    ("age too high", {"situation": "staging", "age": 121}, "age", "120 or less"),
    ("age an object", {"situation": "staging", "age": {"years": 50}}, "age", "whole number"),
    (
        "pack-years too high",
        {"situation": "screening", "site": "lung", "smoking": "current", "pack_years": 201},
        "pack_years",
        "200 or less",
    ),
    ("factors a number", {"situation": "staging", "factors": 5}, "factors", "as a list"),
    ("factors an object", {"situation": "staging", "factors": {"pregnant": True}}, "factors", "as a list"),
    ("unknown factor", {"situation": "staging", "factors": ["pregnant", "flying"]}, "factors", "'flying'"),
    ("factor a boolean", {"situation": "staging", "factors": [True]}, "factors", "no option"),
    ("nested factors", {"situation": "staging", "factors": [["pregnant"]]}, "factors", "no option"),
    ("unknown question", {"situation": "staging", "colour": "blue"}, "colour", "no question called 'colour'"),
    # What forms and links may send, the API may not: its document names JSON types (issue 9).
    (
        "age as text",
        {"situation": "staging", "age": "50"},
        "age",
        "Send age as a whole number without quotes",
    ),
    ("age as padded text", {"situation": "staging", "age": " 50 "}, "age", "without quotes"),
    ("age false", {"situation": "staging", "age": False}, "age", "whole number"),
    ("age in a list", {"situation": "staging", "age": [50]}, "age", "whole number"),
    ("situation padded", {"situation": " staging "}, "situation", "no option ' staging '"),
    ("situation in capitals", {"situation": "Staging"}, "situation", "no option 'Staging'"),
    ("risk empty", {"situation": "screening", "risk": ""}, "risk", "Risk is empty; leave it out"),
    ("factors as one string", {"situation": "staging", "factors": "kidney"}, "factors", "as a list"),
    (
        "factors comma-separated",
        {"situation": "staging", "factors": "kidney,pregnant"},
        "factors",
        "as a list",
    ),
    ("factor padded", {"situation": "staging", "factors": [" kidney"]}, "factors", "no option ' kidney'"),
    (
        "factor repeated",
        {"situation": "staging", "factors": ["kidney", "pregnant", "kidney"]},
        "factors",
        "names 'kidney' more than once",
    ),
    # An invalid value is an error even for a question that is not asked: it is a caller's mistake.
    ("bad value, question not asked", {"situation": "staging", "risk": "very"}, "risk", "no option 'very'"),
]


@pytest.mark.parametrize(
    ("answers", "key", "fragment"), [b[1:] for b in BAD_ANSWERS], ids=[b[0] for b in BAD_ANSWERS]
)
def test_bad_answers_get_400_with_a_message_for_that_question(client, spec, answers, key, fragment):
    response = evaluate(client, answers)
    assert response.status_code == 400
    data = response.get_json()
    fits(data, "Error", spec)
    assert fragment in " ".join(data["errors"][key])
    # The documented request schema refuses it too, so a client validating first is never surprised.
    assert schema_problems(answers, {"$ref": "#/components/schemas/Answers"}, spec)


def test_every_problem_is_reported_at_once(client):
    data = evaluate(client, {"situation": "nope", "age": 500, "colour": "x"}).get_json()
    assert set(data["errors"]) == {"situation", "age", "colour"}


JUNK = "x" * 10_000


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ({"situation": JUNK}, "situation"),
        ({"situation": "staging", "factors": [JUNK]}, "factors"),
        ({"situation": "staging", JUNK: 1}, JUNK[:60]),
    ],
    ids=["long value", "long option", "long key"],
)
def test_long_junk_is_not_echoed_back_in_full(client, answers, key):
    response = evaluate(client, answers)
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert list(errors) == [key]
    assert len(errors[key][0]) < 300


def test_a_chunked_body_over_the_limit_is_refused_too(client):
    body = json.dumps({"answers": {"situation": "x" * 20_000}}).encode()
    response = client.post(
        "/api/v1/evaluate",
        input_stream=io.BytesIO(body),
        content_type=JSON,
        environ_overrides={"wsgi.input_terminated": True},  # what a server sets for chunked bodies
    )
    assert response.status_code == 413
    assert "errors" in response.get_json()


# --- Never a 500


def random_value(rng: random.Random, depth: int = 0):
    words = ["staging", "screening", "breast", "lung", "other", "average", "pregnant", "kidney", "current"]
    choices = [
        lambda: rng.choice(words),
        lambda: rng.choice(words) + "," + rng.choice(words),
        lambda: "".join(chr(rng.randrange(0, 0x2FFF)) for _ in range(rng.randrange(0, 30))),
        lambda: "x" * rng.randrange(0, 3000),
        lambda: rng.randrange(-(10**6), 10**6),
        lambda: rng.choice([0, 1, 17, 45, 50, 74, 120, 121, 200, 201, -1]),
        lambda: rng.uniform(-1e9, 1e9),
        lambda: float(rng.randrange(0, 130)),
        lambda: rng.choice([True, False, None, "", " ", 1e308, -0.0]),
    ]
    if depth < 4:
        choices += [
            lambda: [random_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))],
            lambda: {rng.choice(words): random_value(rng, depth + 1) for _ in range(rng.randrange(0, 3))},
        ]
    return rng.choice(choices)()


def random_answers(rng: random.Random, questions):
    keys = [*questions, "colour", "", "situation ", "__proto__", "x" * 100]
    answers = {}
    for _ in range(rng.randrange(0, 9)):
        key = rng.choice(keys)
        if key in questions and rng.random() < 0.5:
            options = questions[key]
            answers[key] = rng.choice(options) if options else rng.randrange(-5, 220)
        else:
            answers[key] = random_value(rng)
    if rng.random() < 0.7:
        answers["situation"] = rng.choice(questions["situation"])
    return answers


def test_random_answers_never_give_a_500(client, spec, rulebook):
    rng = random.Random(20261128)
    questions = {q.id: list(q.values) for q in rulebook.questions}
    answers_ref = {"$ref": "#/components/schemas/Answers"}
    statuses = set()
    for _ in range(400):
        answers = random_answers(rng, questions)
        response = evaluate(client, answers)
        statuses.add(response.status_code)
        assert response.status_code in (200, 400, 413), (answers, response.status_code)
        data = response.get_json()
        if response.status_code == 200:
            fits(data, "Result", spec)
            assert {"disclaimer", "limits"} <= {n["topic"] for n in data["notes"]}
            # And the other way round: what the API accepts, the published schema allows.
            assert not schema_problems(answers, answers_ref, spec), answers
        else:
            fits(data, "Error", spec)
            # Anything the published request schema accepts, the API accepts too.
            assert schema_problems(answers, answers_ref, spec), (answers, data)
    assert statuses >= {200, 400}  # the loop really explores both sides


def test_random_bytes_never_give_a_500(client):
    rng = random.Random(7)
    valid = json.dumps({"answers": {"situation": "staging", "site": "lung", "factors": ["kidney"]}}).encode()
    for _ in range(200):
        if rng.random() < 0.5:
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200)))
        else:  # a valid body with a few bytes changed, dropped or added
            body = bytearray(valid)
            for _ in range(rng.randrange(1, 4)):
                position = rng.randrange(len(body))
                action = rng.randrange(3)
                if action == 0:
                    body[position] = rng.randrange(256)
                elif action == 1:
                    del body[position]
                else:
                    body.insert(position, rng.randrange(256))
            body = bytes(body)
        response = evaluate(client, body=body)
        assert response.status_code in (200, 400), (body, response.status_code)
        assert "errors" in response.get_json() or response.status_code == 200


# --- The catalogue, the questions and the OpenAPI document


def test_questionnaire_lists_every_contract_question_and_option(client, spec):
    data = client.get("/api/v1/questionnaire").get_json()
    fits(data, "Questionnaire", spec)
    by_id = {q["id"]: q for q in data["questions"]}
    for question_id, values in CONTRACT_QUESTIONS.items():
        assert question_id in by_id
        if values is not None:
            assert values <= {o["value"] for o in by_id[question_id]["options"]}
    assert by_id["site"]["default"] == "other"
    assert (by_id["age"]["min"], by_id["age"]["max"]) == (0, 120)
    assert by_id["situation"]["required"] is True
    assert by_id["risk"]["show_when"]["all"][0] == {"question": "situation", "op": "is", "value": "screening"}
    # A program building its own form gets the hint that fits each body area.
    assert by_id["risk"]["hint_by"] == "site"
    very_high = next(o for o in by_id["risk"]["options"] if o["value"] == "very_high")
    assert "BRCA" in very_high["hints"]["breast"] and "Lynch" in very_high["hints"]["colorectal"]


def test_tests_lists_every_contract_test_and_each_has_its_own_address(client, spec):
    data = client.get("/api/v1/tests").get_json()
    fits(data, "TestCatalogue", spec)
    assert {t["id"] for t in data["tests"]} >= CONTRACT_TESTS
    for entry in data["tests"]:
        response = client.get(f"/api/v1/tests/{entry['id']}")
        assert response.status_code == 200
        assert response.get_json() == entry
    assert set(TOPICS) >= CONTRACT_TOPICS


def test_an_unknown_test_is_a_404_in_the_error_shape(client, spec):
    response = client.get("/api/v1/tests/x-ray-vision")
    assert response.status_code == 404
    fits(response.get_json(), "Error", spec)
    assert "x-ray-vision" in response.get_json()["errors"]["test_id"][0]


@pytest.mark.parametrize(
    ("method", "path", "status", "key"),
    [
        ("get", "/api/v1/nothing-here", 404, "path"),
        ("get", "/api/v1/evaluate", 405, "method"),
        ("post", "/api/v1/tests", 405, "method"),
        ("delete", "/api/v1/questionnaire", 405, "method"),
    ],
)
def test_wrong_addresses_and_methods_answer_in_the_error_shape(client, spec, method, path, status, key):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.mimetype == JSON
    fits(response.get_json(), "Error", spec)
    assert key in response.get_json()["errors"]
    if status == 405:
        assert response.headers["Allow"]


def test_openapi_document_is_3_1_and_documents_every_route(app, client, spec):
    assert re.fullmatch(r"3\.1\.\d+", spec["openapi"])
    assert spec["info"]["x-rules-version"] == app.extensions["rulebook"].version
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") or rule.rule == "/infobutton":  # HL7 Infobutton's address
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes[path] = {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes
    assert {path: set(item) for path, item in spec["paths"].items()} == routes
    # Every reference points at something in the document.
    text = json.dumps(spec)
    for ref in set(re.findall(r'"\$ref": "([^"]+)"', text)):
        target = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
    errors = spec["paths"]["/api/v1/evaluate"]["post"]["responses"]
    for status in ("400", "413", "415"):
        response = errors[status]
        if "$ref" in response:
            response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        assert response["content"][JSON]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "16 KB" in json.dumps(spec["components"]["responses"]["PayloadTooLarge"])


def resolved(spec, item):
    """A response object, following a $ref into components."""
    while "$ref" in item:
        item = spec["components"]["responses"][item["$ref"].rsplit("/", 1)[1]]
    return item


def test_every_operation_documents_every_status_it_can_answer(spec, rulebook):
    statuses = {
        (path, method): set(operation["responses"])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }
    cached = {"200", "304", "400", "429"}  # 400: a `lang` we do not have
    assert statuses == {
        ("/api/v1/evaluate", "post"): {"200", "400", "413", "415", "429"},
        ("/api/v1/questionnaire", "get"): cached,
        ("/api/v1/tests", "get"): cached,
        ("/api/v1/tests/{test_id}", "get"): cached | {"404"},
        ("/api/v1/openapi.json", "get"): cached,
        ("/infobutton", "get"): {"200", "303", "304", "400", "404", "429"},
        ("/api/v1/fhir/Questionnaire", "get"): cached | {"406"},
        ("/api/v1/fhir/Questionnaire/imaging-guide", "get"): cached | {"406"},
        ("/api/v1/fhir/CodeSystem/{question_id}", "get"): cached | {"404", "406"},
        ("/api/v1/fhir/evaluate", "post"): {"200", "400", "413", "415", "422", "429"},
    }
    # /infobutton answers people with pages (its 404 and 429 are HTML): tests/test_infobutton.py checks it.
    # The FHIR endpoints answer errors with an OperationOutcome: tests/test_fhir_evaluate.py checks them.
    others = ("/infobutton", "/api/v1/fhir/")
    for item in (item for path, item in spec["paths"].items() if not path.startswith(others)):
        for operation in item.values():
            for status, response in operation["responses"].items():
                response = resolved(spec, response)
                headers = response.get("headers", {})
                if status.startswith("4"):
                    assert response["content"][JSON]["schema"] == {"$ref": "#/components/schemas/Error"}
                    assert headers["Cache-Control"]["schema"]["const"] == "no-store"
                if status in ("200", "304") and operation["operationId"] != "evaluate":
                    assert headers["ETag"]["required"] and headers["Cache-Control"]["required"]
    too_many = spec["components"]["responses"]["TooManyRequests"]["headers"]["Retry-After"]
    assert too_many["required"] and too_many["schema"]["type"] == "integer"
    # Addresses and methods outside the paths: documented once, as shared responses.
    assert "Allow" in spec["components"]["responses"]["MethodNotAllowed"]["headers"]
    assert "404" in spec["info"]["description"] and "405" in spec["info"]["description"]
    test_id = spec["paths"]["/api/v1/tests/{test_id}"]["get"]["parameters"][0]
    assert test_id["schema"]["enum"] == list(rulebook.tests)


def test_evaluate_request_schema_matches_the_rulebook(spec, rulebook):
    request = spec["paths"]["/api/v1/evaluate"]["post"]["requestBody"]["content"][JSON]
    fits(request["example"], "EvaluateRequest", spec)
    answers = spec["components"]["schemas"]["Answers"]
    assert set(answers["properties"]) == {q.id for q in rulebook.questions}
    assert answers["required"] == ["situation"]
    assert answers["additionalProperties"] is False
    for question in rulebook.questions:
        schema = answers["properties"][question.id]
        # An optional question may be sent as null, meaning not answered; the required one may not.
        kind = {"choice": "string", "multi": "array", "number": "integer"}[question.kind]
        assert schema["type"] == (kind if question.required else [kind, "null"])
        if question.kind == "choice":
            assert schema["enum"] == list(question.values) + ([] if question.required else [None])
        elif question.kind == "multi":
            assert schema["items"]["enum"] == list(question.values)
            assert schema["uniqueItems"] is True
        else:
            assert (schema["minimum"], schema["maximum"]) == (question.min, question.max)
    assert answers["properties"]["site"]["default"] == "other"
    result = spec["components"]["schemas"]
    assert result["ResultTest"]["properties"]["level"]["enum"] == list(LEVELS)
    assert set(result["Note"]["properties"]["topic"]["enum"]) >= CONTRACT_TOPICS


# --- Headers: caching and cookies


@pytest.mark.parametrize(
    "path", ["/api/v1/questionnaire", "/api/v1/tests", "/api/v1/tests/ct", "/api/v1/openapi.json"]
)
def test_published_data_is_briefly_cacheable_and_revalidates_by_rules_version(app, client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.cache_control.public
    assert response.cache_control.max_age == 300
    version = app.extensions["rulebook"].version
    assert response.get_etag() == (version, False)
    again = client.get(path, headers={"If-None-Match": f'"{version}"'})
    assert again.status_code == 304
    assert again.data == b""
    assert client.get(path, headers={"If-None-Match": '"old-rules"'}).status_code == 200


def test_results_are_never_stored_by_caches(client):
    response = evaluate(client, {"situation": "staging"})
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("post", "/api/v1/evaluate", {"json": {"answers": {"situation": "staging"}}}),
        ("post", "/api/v1/evaluate", {"json": {"answers": {}}}),
        ("post", "/api/v1/evaluate", {"data": "x", "content_type": "text/plain"}),
        ("post", "/api/v1/evaluate", {"data": "x" * 20_000, "content_type": JSON}),
        ("get", "/api/v1/questionnaire", {}),
        ("get", "/api/v1/tests", {}),
        ("get", "/api/v1/tests/nope", {}),
        ("get", "/api/v1/openapi.json", {}),
        ("get", "/api/v1/evaluate", {}),
        ("get", "/api/v1/nothing-here", {}),
    ],
)
def test_api_responses_set_no_cookie(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("ig_session") is None


# Answer sets that were valid before the questions grew (issue 7): links and programs still send them.
OLD_ANSWERS = [
    {"situation": situation, "site": site, "age": age, "factors": factors}
    for situation in ("screening", "symptoms", "biopsy", "staging", "treatment", "follow_up")
    for site in ("breast", "lung", "colorectal", "prostate", "cervical", "lymphoma", "other")
    for age in (9, 50, 80)
    for factors in ([], ["pregnant", "kidney"], ["implant", "contrast_allergy", "claustrophobia"])
] + [
    {"situation": "screening", "site": "breast", "age": 35, "risk": "higher"},
    {"situation": "screening", "site": "colorectal", "age": 50, "risk": "higher"},
    {"situation": "screening", "site": "breast", "risk": "unsure"},
    {
        "situation": "screening",
        "site": "lung",
        "age": 60,
        "smoking": "former",
        "pack_years": 30,
        "years_since_quit": 5,
    },
]


def test_answer_sets_from_before_the_new_questions_still_give_a_whole_result(client):
    for answers in OLD_ANSWERS:
        response = evaluate(client, answers)
        assert response.status_code == 200, answers
        data = response.get_json()
        assert data["ignored"] == [], answers
        topics = {n["topic"] for n in data["notes"]}
        assert {"disclaimer", "limits"} <= topics, answers
        assert data["tests"] or "no_imaging_screening" in topics, answers
