"""`evaluate` on the small rule table: answers in, tests, notes and trace out."""

from __future__ import annotations

import pytest

from webapp.rulebook import evaluate, load, result_to_dict

from .conftest import edit

# (answers, expected tests as (id, level) in order, expected note ids in order)
TABLE = [
    (
        {"situation": "screening", "site": "breast", "age": 50, "risk": "average"},
        [("mammogram", "commonly_used"), ("breast_mri", "not_usually_used")],
        ["disclaimer", "limits"],
    ),
    (
        {"situation": "screening", "site": "breast", "age": 39},
        [("mammogram", "not_usually_used")],
        ["disclaimer", "limits"],
    ),
    (
        {"situation": "screening", "site": "breast", "age": 40},
        [("mammogram", "commonly_used"), ("breast_mri", "not_usually_used")],
        ["disclaimer", "limits"],
    ),
    (
        {"situation": "screening", "site": "breast"},
        [("mammogram", "sometimes_used")],
        ["disclaimer", "limits"],
    ),
    (
        {"situation": "screening", "site": "breast", "age": 35, "risk": "higher"},
        [("mammogram", "commonly_used"), ("breast_mri", "commonly_used")],
        ["disclaimer", "limits"],
    ),
    (
        {"situation": "screening", "site": "lung", "age": 60},
        [],
        ["disclaimer", "limits", "no-screen"],
    ),
    (
        # Site left blank counts as "other".
        {"situation": "screening"},
        [],
        ["disclaimer", "limits", "no-screen"],
    ),
    (
        {"situation": "staging", "site": "lung", "factors": frozenset({"kidney"})},
        [("ct", "commonly_used")],
        ["disclaimer", "limits"],
    ),
    (
        # A safety factor changes levels (and may bring a test in); it never drops one.
        {"situation": "staging", "site": "lung", "factors": frozenset({"pregnant"})},
        [("ct", "sometimes_used"), ("ultrasound", "sometimes_used")],
        ["disclaimer", "limits", "pregnancy"],
    ),
]


@pytest.fixture
def rulebook(mini):
    return load(mini)


@pytest.mark.parametrize(("answers", "tests", "notes"), TABLE)
def test_answers_give_the_expected_tests_and_notes(rulebook, answers, tests, notes):
    result = evaluate(rulebook, answers)
    assert [(t.id, t.level) for t in result.tests] == tests
    assert [n.id for n in result.notes] == notes


def test_answers_to_questions_not_asked_are_ignored(rulebook):
    # Risk is only asked when screening the breast; at staging it must change nothing.
    plain = evaluate(rulebook, {"situation": "staging", "site": "breast"})
    extra = evaluate(rulebook, {"situation": "staging", "site": "breast", "risk": "higher"})
    assert extra.tests == plain.tests
    assert extra.ignored == ("risk",)
    assert "risk" not in extra.answers


def test_cautions_follow_the_factors_chosen(rulebook):
    answers = {"situation": "screening", "site": "breast", "age": 45, "risk": "higher"}
    none = evaluate(rulebook, answers)
    assert all(t.cautions == () for t in none.tests)
    both = evaluate(rulebook, {**answers, "factors": frozenset({"pregnant", "kidney"})})
    cautions = {t.id: [c.topic for c in t.cautions] for t in both.tests}
    assert cautions == {"mammogram": ["pregnancy"], "breast_mri": ["pregnancy", "kidney"]}


def test_factors_never_remove_a_test(rulebook):
    answers = {"situation": "screening", "site": "breast", "age": 50}
    plain = [t.id for t in evaluate(rulebook, answers).tests]
    for factors in ({"pregnant"}, {"kidney"}, {"pregnant", "kidney"}):
        result = evaluate(rulebook, {**answers, "factors": frozenset(factors)})
        assert [t.id for t in result.tests] == plain


def test_the_trace_names_each_rule_that_fired_and_why(rulebook):
    result = evaluate(rulebook, {"situation": "screening", "site": "breast", "age": 50})
    assert [f.rule for f in result.trace] == ["always", "breast-40-plus"]
    assert result.trace[1].because == (
        "situation is screening and site is breast and risk is_not higher and age at_least 40"
    )
    assert result.tests[0].rules == ("breast-40-plus",)


def test_a_test_from_two_rules_keeps_both_reasons(mini):
    edit(
        mini,
        "rules/main.toml",
        '[[rule]]\nid = "staging"',
        '[[rule]]\nid = "staging-lung"\nwhen = { all = [{ question = "site", op = "is", value = "lung" },'
        ' { question = "situation", op = "is", value = "staging" }] }\n'
        '[[rule.test]]\nid = "ct"\nlevel = "commonly_used"\nwhy = "Also used for the lung."\n\n'
        '[[rule]]\nid = "staging"',
    )
    result = evaluate(load(mini), {"situation": "staging", "site": "lung"})
    (ct,) = result.tests
    assert ct.rules == ("staging-lung", "staging")
    assert ct.why == "Also used for the lung. A usual way to look for spread."


def test_the_result_has_the_public_json_shape(rulebook):
    answers = {"situation": "screening", "site": "breast", "age": 50, "factors": frozenset({"pregnant"})}
    data = result_to_dict(rulebook, evaluate(rulebook, answers))
    assert data["rules_version"] == rulebook.version
    assert data["answers"] == {"situation": "screening", "site": "breast", "age": 50, "factors": ["pregnant"]}
    assert data["tests"][0] == {
        "id": "mammogram",
        "name": "Mammogram",
        "level": "commonly_used",
        "why": "A usual screening test at this age.",
        "usual_level": "commonly_used",
        "usual_why": "A usual screening test at this age.",
        "changed_by": [],
        "rules": ["breast-40-plus"],
        "cautions": [
            {"factor": "pregnant", "topic": "pregnancy", "text": "The care team will want to know."}
        ],
    }
    assert {"id", "topic", "text", "sources"} <= set(data["notes"][0])


def test_evaluate_is_deterministic(rulebook):
    answers = {
        "situation": "screening",
        "site": "breast",
        "age": 50,
        "factors": frozenset({"kidney", "pregnant"}),
    }
    first = result_to_dict(rulebook, evaluate(rulebook, answers))
    assert all(result_to_dict(rulebook, evaluate(rulebook, dict(answers))) == first for _ in range(5))
