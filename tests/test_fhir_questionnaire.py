"""The FHIR R4 Questionnaire and CodeSystems: valid R4, true to the rules, and asking what our engine asks.

The enableWhen proof walks every combination of the answers that conditions look at, evaluates the
generated `enableWhen` with a small R4 evaluator written here (and `enableWhenExpression` with
fhirpathpy, a real FHIRPath engine), and compares with the questions our own engine asks.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from fhir.resources.codesystem import CodeSystem
from fhir.resources.questionnaire import Questionnaire

from webapp.fhir import build_questionnaire, code_system
from webapp.fhir.questionnaire import ENABLE_WHEN_EXPRESSION, ITEM_CONTROL, MAX_VALUE, MIN_VALUE, UNIT
from webapp.rulebook import Rulebook, questions_asked
from webapp.rulebook.model import AnswerValue

BASE = "https://guide.example.org/api/v1/fhir"
UNANSWERED = None


@pytest.fixture(scope="module")
def questionnaire(rulebook: Rulebook) -> dict[str, Any]:
    return build_questionnaire(rulebook, BASE)


@pytest.fixture
def client(app):
    return app.test_client()


def items_by_id(questionnaire: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in questionnaire["item"]}


def extension(item: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in item.get("extension", []) if e["url"] == url]


def control(item: dict[str, Any]) -> str | None:
    found = extension(item, ITEM_CONTROL)
    return found[0]["valueCodeableConcept"]["coding"][0]["code"] if found else None


# --- Valid R4, and what it says.


def test_the_questionnaire_is_valid_fhir_r4(questionnaire):
    parsed = Questionnaire.parse_obj(questionnaire)
    assert parsed.url == f"{BASE}/Questionnaire/imaging-guide"
    assert parsed.id == "imaging-guide"


def test_it_is_versioned_dated_and_described_from_the_rules(questionnaire, rulebook):
    start = rulebook.pages["start"]
    newest = max(q.provenance.reviewed for q in rulebook.questions if q.provenance.reviewed)
    assert questionnaire["version"] == rulebook.version
    assert questionnaire["date"] >= newest.isoformat()
    assert (questionnaire["title"], questionnaire["description"]) == (start.title, start.lede)
    assert (questionnaire["status"], questionnaire["subjectType"]) == ("active", ["Patient"])


def test_one_item_per_question_in_order_with_its_label_and_required_flag(questionnaire, rulebook):
    assert [i["linkId"] for i in questionnaire["item"]] == [q.id for q in rulebook.questions]
    for item, question in zip(questionnaire["item"], rulebook.questions, strict=True):
        assert (item["text"], item["required"]) == (question.label, question.required)
    assert items_by_id(questionnaire)["situation"]["required"] is True


def test_choices_are_codings_from_a_code_system_per_question(questionnaire, rulebook):
    for question in rulebook.questions:
        item = items_by_id(questionnaire)[question.id]
        if question.kind == "number":
            assert item["type"] == "integer"
            assert "answerOption" not in item
            continue
        assert item["type"] == "choice"
        codings = [o["valueCoding"] for o in item["answerOption"]]
        assert [c["code"] for c in codings] == list(question.values)
        assert [c["display"] for c in codings] == [o.label for o in question.options]
        assert {c["system"] for c in codings} == {f"{BASE}/CodeSystem/{question.id}"}


@pytest.mark.parametrize(
    ("question_id", "kind", "repeats", "shown_as"),
    [
        ("situation", "choice", False, "radio-button"),
        ("site", "choice", False, "radio-button"),
        ("factors", "choice", True, "check-box"),
        ("age", "integer", False, None),
        ("pack_years", "integer", False, None),
    ],
)
def test_renderers_are_told_to_draw_choices_as_our_form_does(
    questionnaire, question_id, kind, repeats, shown_as
):
    item = items_by_id(questionnaire)[question_id]
    assert (item["type"], item.get("repeats", False), control(item)) == (kind, repeats, shown_as)


@pytest.mark.parametrize(
    ("question_id", "low", "high", "unit"),
    [
        ("age", 0, 120, {"system": "http://unitsofmeasure.org", "code": "a", "display": "years"}),
        ("pack_years", 0, 200, {"display": "pack-years"}),
        (
            "years_since_quit",
            0,
            100,
            {"system": "http://unitsofmeasure.org", "code": "a", "display": "years"},
        ),
    ],
)
def test_numbers_carry_their_bounds_and_unit(questionnaire, question_id, low, high, unit):
    item = items_by_id(questionnaire)[question_id]
    assert extension(item, MIN_VALUE) == [{"url": MIN_VALUE, "valueInteger": low}]
    assert extension(item, MAX_VALUE) == [{"url": MAX_VALUE, "valueInteger": high}]
    assert extension(item, UNIT) == [{"url": UNIT, "valueCoding": unit}]


def test_a_renderer_starts_site_where_our_engine_does(questionnaire, rulebook):
    site = items_by_id(questionnaire)["site"]
    chosen = [o["valueCoding"]["code"] for o in site["answerOption"] if o.get("initialSelected")]
    assert chosen == [rulebook.question("site").default] == ["other"]
    # R4 forbids `initial` beside answerOption (que-11), so no item uses it.
    assert not any("initial" in item for item in questionnaire["item"])


def test_help_text_is_a_display_item_marked_as_help(questionnaire, rulebook):
    for question in rulebook.questions:
        [help_item] = items_by_id(questionnaire)[question.id]["item"]
        assert (help_item["type"], help_item["text"], control(help_item)) == (
            "display",
            question.hint,
            "help",
        )
        assert help_item["linkId"] == f"{question.id}-help"


def test_no_item_has_both_enable_when_and_an_expression(questionnaire):
    for item in questionnaire["item"]:
        assert not ("enableWhen" in item and extension(item, ENABLE_WHEN_EXPRESSION)), item["linkId"]


def test_mixed_conditions_use_a_fhirpath_expression_and_plain_ones_enable_when(questionnaire):
    by_id = items_by_id(questionnaire)
    assert {i for i, item in by_id.items() if extension(item, ENABLE_WHEN_EXPRESSION)} == {"risk", "extent"}
    assert by_id["pack_years"]["enableBehavior"] == "any"
    assert by_id["smoking"]["enableBehavior"] == "all"
    assert [(w["question"], w["operator"]) for w in by_id["found_by"]["enableWhen"]] == [
        ("situation", "="),
        *[("site", "!=")] * 4,
    ]
    for always in ("situation", "site", "age", "factors"):
        assert "enableWhen" not in by_id[always] and not extension(by_id[always], ENABLE_WHEN_EXPRESSION)


# --- CodeSystems.


def test_every_choice_question_has_a_valid_complete_code_system(rulebook):
    for question in rulebook.questions:
        if not question.options:
            continue
        resource = code_system(rulebook, question, BASE)
        parsed = CodeSystem.parse_obj(resource)
        assert parsed.url == f"{BASE}/CodeSystem/{question.id}"
        assert (parsed.content, parsed.version, parsed.count) == (
            "complete",
            rulebook.version,
            len(question.options),
        )
        assert [(c.code, c.display, c.definition) for c in parsed.concept] == [
            (o.value, o.label, o.hint or None) for o in question.options
        ]


# --- enableWhen asks exactly what our engine asks.


def _equal(answer: object, wanted: Mapping[str, Any]) -> bool:
    if "answerCoding" in wanted:
        coding = wanted["answerCoding"]
        return isinstance(answer, dict) and (answer["system"], answer["code"]) == (
            coding["system"],
            coding["code"],
        )
    return answer == wanted["answerInteger"]


def _holds(entry: Mapping[str, Any], answers: list[object]) -> bool:
    """One R4 enableWhen entry against the answers an enabled question holds."""
    op = entry["operator"]
    if op == "exists":
        return bool(answers) == entry["answerBoolean"]
    if op == "=":
        return any(_equal(a, entry) for a in answers)
    if op == "!=":  # R4: true when no answer equals it, so also when there is no answer
        return not any(_equal(a, entry) for a in answers)
    bound = entry["answerInteger"]
    return any(a >= bound if op == ">=" else a < bound for a in answers)  # type: ignore[operator]


def _as_response(state: Mapping[str, list[object]]) -> dict[str, Any]:
    items = []
    for link_id, answers in state.items():
        values = [{"valueInteger": a} if isinstance(a, int) else {"valueCoding": a} for a in answers]
        items.append({"linkId": link_id, "answer": values})
    return {"resourceType": "QuestionnaireResponse", "status": "in-progress", "item": items}


def enabled_items(questionnaire: dict[str, Any], values: Mapping[str, AnswerValue | None]) -> list[str]:
    """The items a renderer shows when a person gives these answers, following R4 (and SDC) rules.

    Items are filled in order; a disabled item's answer is not kept, so it counts as unanswered
    for the items after it (R4: "as though the item is not valued").
    """
    fhirpath = pytest.importorskip("fhirpathpy")
    models = pytest.importorskip("fhirpathpy.models").models
    state: dict[str, list[object]] = {}
    shown = []
    for item in questionnaire["item"]:
        expressions = extension(item, ENABLE_WHEN_EXPRESSION)
        if expressions:
            resource = _as_response(state)
            expression = expressions[0]["valueExpression"]["expression"]
            on = fhirpath.evaluate(resource, expression, {"resource": resource}, model=models["r4"]) == [True]
        elif "enableWhen" in item:
            results = [_holds(e, state.get(e["question"], [])) for e in item["enableWhen"]]
            on = any(results) if item.get("enableBehavior") == "any" else all(results)
        else:
            on = True
        if not on:
            continue
        shown.append(item["linkId"])
        value = values.get(item["linkId"])
        if value is None:
            continue
        codes = sorted(value) if isinstance(value, frozenset) else [value]
        if item["type"] == "integer":
            state[item["linkId"]] = list(codes)
        else:
            system = item["answerOption"][0]["valueCoding"]["system"]
            state[item["linkId"]] = [{"system": system, "code": code} for code in codes]
    return shown


def combinations(rulebook: Rulebook) -> Iterator[dict[str, AnswerValue | None]]:
    """Every value of each question a condition looks at, with the rest all answered or all blank.

    Numbers a condition looks at get the values around its bounds, as verify's walk does.
    """
    looked_at = {c.question for q in rulebook.questions for c in q.show_when.conditions()}
    domains = {}
    for question in rulebook.questions:
        if question.id not in looked_at:
            continue
        if question.kind == "number":
            cuts = {question.min or 0, question.max or 0}
            for q in rulebook.questions:
                for c in q.show_when.conditions():
                    if c.question == question.id and isinstance(c.value, int):
                        cuts |= {c.value - 1, c.value, c.value + 1}
            domains[question.id] = (*sorted(cuts), UNANSWERED)
        else:
            domains[question.id] = (*question.values, UNANSWERED)
    filled = {
        q.id: (q.values[0] if q.kind == "choice" else frozenset(q.values[:2]) if q.kind == "multi" else q.min)
        for q in rulebook.questions
        if q.id not in looked_at
    }
    for values in itertools.product(*domains.values()):
        chosen = dict(zip(domains, values, strict=True))
        yield chosen | filled
        yield chosen | dict.fromkeys(filled, UNANSWERED)


def test_enable_when_asks_exactly_the_questions_our_engine_asks(questionnaire, rulebook):
    tried = 0
    for values in combinations(rulebook):
        given = {k: v for k, v in values.items() if v is not None}
        expected = [q.id for q in questions_asked(rulebook, given)]
        assert enabled_items(questionnaire, values) == expected, values
        tried += 1
    assert tried > 500  # every situation, site and smoking answer, each way


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({"situation": "screening", "site": "lung"}, {"smoking"}),
        (
            {"situation": "screening", "site": "lung", "smoking": "former"},
            {"smoking", "pack_years", "years_since_quit"},
        ),
        ({"situation": "screening", "site": "lung", "smoking": "current"}, {"smoking", "pack_years"}),
        # Smoking was answered, then the situation changed: the follow-ups go away with it.
        ({"situation": "staging", "site": "lung", "smoking": "former"}, set()),
        ({"situation": "screening", "site": "breast"}, {"risk"}),
        ({"situation": "staging", "site": "prostate"}, {"extent"}),
        ({"situation": "staging", "site": "lung"}, set()),
        ({"situation": "symptoms", "site": "lung"}, {"found_by"}),
        ({"situation": "symptoms", "site": "brain"}, set()),
        # A renderer's cleared site, and our engine's default ("other"), ask the same.
        ({"situation": "symptoms"}, {"found_by"}),
        ({"situation": "follow_up"}, {"follow_up_reason"}),
    ],
)
def test_follow_up_questions_appear_and_disappear_as_ours_do(questionnaire, answers, asked):
    always = {"situation", "site", "age", "factors"}
    assert set(enabled_items(questionnaire, answers)) - always == asked


def test_the_questionnaire_endpoint_is_the_resource_itself_in_fhir_json(client):
    response = client.get("/api/v1/fhir/Questionnaire")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fhir+json; charset=utf-8"
    data = response.get_json(force=True)
    assert data["resourceType"] == "Questionnaire"
    # The canonical URL follows the server's own address unless FHIR_CANONICAL_BASE says otherwise.
    assert data["url"] == "http://localhost/api/v1/fhir/Questionnaire/imaging-guide"
    assert client.get("/api/v1/fhir/Questionnaire/imaging-guide").get_json(force=True) == data


def test_a_configured_canonical_base_is_used_everywhere(app):
    app.config["FHIR_CANONICAL_BASE"] = BASE + "/"
    data = app.test_client().get("/api/v1/fhir/Questionnaire").get_json(force=True)
    assert data["url"] == f"{BASE}/Questionnaire/imaging-guide"
    systems = {o["valueCoding"]["system"] for i in data["item"] for o in i.get("answerOption", [])}
    assert systems == {
        f"{BASE}/CodeSystem/{q}"
        for q in ("situation", "site", "risk", "found_by", "extent", "follow_up_reason", "smoking", "factors")
    }


@pytest.mark.parametrize(
    ("query", "headers", "content_type"),
    [
        ("", {}, "application/fhir+json"),
        ("?_format=json", {}, "application/fhir+json"),
        ("?_format=application/fhir%2Bjson", {}, "application/fhir+json"),
        ("?_format=application/json", {}, "application/json"),
        ("", {"Accept": "application/json"}, "application/json"),
        ("", {"Accept": "application/fhir+json, application/json;q=0.5"}, "application/fhir+json"),
    ],
)
def test_fhir_json_unless_plain_json_is_asked_for(client, query, headers, content_type):
    response = client.get(f"/api/v1/fhir/Questionnaire{query}", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{content_type}; charset=utf-8"
    assert "Accept" in response.headers["Vary"]


def test_xml_is_not_offered(client):
    response = client.get("/api/v1/fhir/Questionnaire?_format=xml")
    assert response.status_code == 406
    assert response.get_json(force=True)["issue"][0]["code"] == "not-supported"


def test_published_resources_revalidate_by_rules_version(client, rulebook):
    for path in ("/api/v1/fhir/Questionnaire", "/api/v1/fhir/CodeSystem/site"):
        response = client.get(path)
        assert response.headers["ETag"] == f'"{rulebook.version}"'
        assert "max-age=300" in response.headers["Cache-Control"]
        again = client.get(path, headers={"If-None-Match": f'"{rulebook.version}"'})
        assert again.status_code == 304


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/fhir/CodeSystem/site", 200),
        ("/api/v1/fhir/CodeSystem/follow_up_reason", 200),
        ("/api/v1/fhir/CodeSystem/follow-up-reason", 200),  # its FHIR id
        ("/api/v1/fhir/CodeSystem/age", 404),  # a number: no options
        ("/api/v1/fhir/CodeSystem/colour", 404),
    ],
)
def test_code_systems_are_served_for_choice_questions_only(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    data = response.get_json(force=True)
    assert data["resourceType"] == ("CodeSystem" if status == 200 else "OperationOutcome")
