"""`parse_answers`: values from forms, links and programs become typed answers or clear messages."""

from __future__ import annotations

import pytest

from webapp.rulebook import load, parse_answers


@pytest.fixture
def rulebook(mini):
    return load(mini)


GOOD = [
    ({"situation": "screening"}, {"situation": "screening"}),
    ({"situation": " staging ", "site": "lung"}, {"situation": "staging", "site": "lung"}),
    ({"age": "52"}, {"age": 52}),
    ({"age": " 7 "}, {"age": 7}),
    ({"age": 50.0}, {"age": 50}),
    ({"age": 0}, {"age": 0}),
    ({"age": ""}, {}),
    ({"age": None}, {}),
    ({"factors": ["pregnant", "kidney"]}, {"factors": frozenset({"pregnant", "kidney"})}),
    ({"factors": "pregnant,kidney"}, {"factors": frozenset({"pregnant", "kidney"})}),
    ({"factors": []}, {"factors": frozenset()}),
    ({"age": "+7"}, {"age": 7}),
    ({"age": "-0"}, {"age": 0}),
    # Leading zeros do not count towards the digit limit.
    ({"age": "0" * 5000 + "52"}, {"age": 52}),
    ({"age": 1e2}, {"age": 100}),
]

BAD = [
    (
        {"situation": "panic"},
        "situation",
        "Situation has no option 'panic'; choose one of: screening, staging",
    ),
    ({"situation": 3}, "situation", "Situation must be one of: screening, staging"),
    ({"age": "fifty"}, "age", "Enter age as a whole number, like 52"),
    ({"age": "5.5"}, "age", "Enter age as a whole number, like 52"),
    ({"age": 50.5}, "age", "Enter age as a whole number, like 52"),
    ({"age": True}, "age", "Enter age as a whole number, like 52"),
    ({"age": "-1"}, "age", "Age must be 0 or more"),
    ({"age": " -12 "}, "age", "Age must be 0 or more"),
    # Longer than Python turns into an int (4,300 digits): out of range, never a crash.
    ({"age": "9" * 4301}, "age", "Age must be 120 or less"),
    ({"age": "1" * 100_000}, "age", "Age must be 120 or less"),
    ({"age": "-" + "9" * 5000}, "age", "Age must be 0 or more"),
    ({"age": "1234"}, "age", "Age must be 120 or less"),
    ({"age": 10**5000}, "age", "Age must be 120 or less"),
    ({"age": -(10**5000)}, "age", "Age must be 0 or more"),
    ({"age": 1e300}, "age", "Age must be 120 or less"),
    ({"age": "9" * 5000 + "x"}, "age", "Enter age as a whole number, like 52"),
    ({"age": "1_000"}, "age", "Enter age as a whole number, like 52"),
    ({"age": "+"}, "age", "Enter age as a whole number, like 52"),
    ({"age": "--5"}, "age", "Enter age as a whole number, like 52"),
    ({"age": "²"}, "age", "Enter age as a whole number, like 52"),
    ({"age": 121}, "age", "Age must be 120 or less"),
    ({"age": -3}, "age", "Age must be 0 or more"),
    ({"age": "٣"}, "age", "Enter age as a whole number, like 52"),
    (
        {"factors": ["pregnant", "tired"]},
        "factors",
        "Factors has no option 'tired'; choose from: pregnant, kidney",
    ),
    ({"factors": [1]}, "factors", "Factors has no option '1'"),
    ({"factors": [10**5000]}, "factors", "Factors has no option '" + "1" + "0" * 39 + "'"),
    ({"factors": [[10**5000]]}, "factors", "Factors has no option 'a list too long to show'"),
    ({"situation": "x" * 5000}, "situation", "Situation has no option '" + "x" * 40 + "'"),
    ({"height": "180"}, "height", "There is no question called 'height'"),
]


@pytest.mark.parametrize(("raw", "typed"), GOOD)
def test_good_values_become_typed_answers(rulebook, raw, typed):
    answers, errors = parse_answers(rulebook, raw)
    assert errors == {}
    assert answers == typed


@pytest.mark.parametrize(("raw", "key", "message"), BAD)
def test_bad_values_get_a_message_naming_the_question(rulebook, raw, key, message):
    answers, errors = parse_answers(rulebook, raw)
    assert list(errors) == [key]
    assert errors[key][0].startswith(message)
    assert key not in answers


def test_good_answers_are_kept_beside_bad_ones(rulebook):
    answers, errors = parse_answers(rulebook, {"situation": "screening", "site": "breast", "age": "old"})
    assert answers == {"situation": "screening", "site": "breast"}
    assert list(errors) == ["age"]


def test_a_complete_set_needs_the_required_questions(rulebook):
    _, errors = parse_answers(rulebook, {"site": "breast"}, complete=True)
    assert errors == {"situation": ["Situation is required"]}
    _, errors = parse_answers(rulebook, {"situation": "staging"}, complete=True)
    assert errors == {}


def test_huge_values_are_cut_short_in_messages(rulebook):
    _, errors = parse_answers(rulebook, {"situation": "x" * 10_000, "y" * 10_000: 1})
    assert all(len(key) <= 60 for key in errors)
    assert all(len(m) < 200 for messages in errors.values() for m in messages)
