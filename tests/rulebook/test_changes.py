"""Safety factors change levels through `[[rule.change]]`: never silently, never dropping a test."""

from __future__ import annotations

import pytest

from webapp.rulebook import RulebookError, evaluate, load, result_to_dict, verify

from .conftest import edit

PREGNANT = frozenset({"pregnant"})
RULE = "rules/main.toml"
CHANGE_CT = """  [[rule.change]]
  test = "ct"
  from = ["commonly_used"]
  level = "sometimes_used"
  why = "In pregnancy a CT scan is used when it is needed."
"""


def add_kidney_change(mini, level):
    """Add a second factor rule that changes CT for kidney problems at staging."""
    edit(
        mini,
        RULE,
        '  why = "In pregnancy an ultrasound is used when it can answer the same question."\n',
        '  why = "In pregnancy an ultrasound is used when it can answer the same question."\n\n'
        '[[rule]]\nid = "kidney-staging"\nwhen = { all = [\n'
        '  { question = "factors", op = "includes", value = "kidney" },\n'
        '  { question = "situation", op = "is", value = "staging" },\n] }\n'
        f'  [[rule.change]]\n  test = "ct"\n  level = "{level}"\n  why = "Dye may be hard on the kidneys."\n',
    )


def by_id(result):
    return {t.id: t for t in result.tests}


def test_a_factor_lowers_a_level_and_says_what_it_was(mini):
    result = evaluate(load(mini), {"situation": "staging", "site": "lung", "factors": PREGNANT})
    ct = by_id(result)["ct"]
    assert (ct.level, ct.usual_level, ct.changed_by) == ("sometimes_used", "commonly_used", ("pregnant",))
    assert ct.why == "In pregnancy a CT scan is used when it is needed."
    assert ct.usual_why == "A usual way to look for spread."
    assert ct.rules == ("staging", "pregnant-staging")
    assert ct.changed


def test_without_the_factor_nothing_changes(mini):
    result = evaluate(load(mini), {"situation": "staging", "site": "lung", "factors": frozenset({"kidney"})})
    (ct,) = result.tests
    assert (ct.level, ct.usual_level, ct.changed_by, ct.usual_why) == (
        "commonly_used",
        "commonly_used",
        (),
        ct.why,
    )
    assert not ct.changed


def test_a_factor_can_bring_a_test_in_and_says_it_was_not_listed(mini):
    result = evaluate(load(mini), {"situation": "staging", "site": "lung", "factors": PREGNANT})
    ultrasound = by_id(result)["ultrasound"]
    assert (ultrasound.level, ultrasound.usual_level, ultrasound.usual_why) == ("sometimes_used", None, "")
    assert ultrasound.changed_by == ("pregnant",)


def test_a_change_applies_only_to_the_levels_in_from(mini):
    # CT at "sometimes" is outside `from = ["commonly_used"]`: the change does not apply.
    edit(
        mini,
        RULE,
        'level = "commonly_used"\n  why = "A usual way',
        'level = "sometimes_used"\n  why = "A usual way',
    )
    result = evaluate(load(mini), {"situation": "staging", "site": "lung", "factors": PREGNANT})
    ct = by_id(result)["ct"]
    assert (ct.level, ct.changed_by) == ("sometimes_used", ())


def test_without_from_a_change_applies_to_listed_tests_only(mini):
    edit(mini, RULE, '  from = ["not_listed"]\n', "")
    result = evaluate(load(mini), {"situation": "staging", "site": "lung", "factors": PREGNANT})
    assert "ultrasound" not in by_id(result)


def test_a_factor_never_drops_a_test(mini):
    edit(mini, RULE, 'from = ["commonly_used"]\n  level = "sometimes_used"', 'level = "not_usually_used"')
    result = evaluate(load(mini), {"situation": "staging", "site": "lung", "factors": PREGNANT})
    assert by_id(result)["ct"].level == "not_usually_used"


def test_disagreeing_changes_keep_the_less_common_level_and_verify_reports_them(mini):
    add_kidney_change(mini, "not_usually_used")
    rulebook = load(mini)
    both = frozenset({"pregnant", "kidney"})
    ct = by_id(evaluate(rulebook, {"situation": "staging", "site": "lung", "factors": both}))["ct"]
    assert (ct.level, ct.changed_by, ct.why) == (
        "not_usually_used",
        ("kidney",),
        "Dye may be hard on the kidneys.",
    )
    (conflict,) = verify(rulebook).of_kind("change conflict")
    assert conflict.where == "test 'ct'"
    assert "not_usually_used from kidney-staging; sometimes_used from pregnant-staging" in conflict.message


def test_agreeing_changes_name_every_factor(mini):
    add_kidney_change(mini, "sometimes_used")
    rulebook = load(mini)
    both = frozenset({"pregnant", "kidney"})
    ct = by_id(evaluate(rulebook, {"situation": "staging", "site": "lung", "factors": both}))["ct"]
    assert ct.changed_by == ("pregnant", "kidney")
    assert ct.why == "In pregnancy a CT scan is used when it is needed. Dye may be hard on the kidneys."
    assert not verify(rulebook).of_kind("change conflict")


def test_a_change_that_never_changes_anything_is_dead(mini):
    # CT is only ever "commonly used"; a change to the same level never changes a thing.
    edit(mini, RULE, 'from = ["commonly_used"]\n  level = "sometimes_used"', 'level = "commonly_used"')
    (dead,) = verify(load(mini)).of_kind("dead change")
    assert dead.where == "rule 'pregnant-staging' change of 'ct'"


def test_a_change_that_only_two_factors_together_make_is_found_by_the_walk(mini):
    # The walk tries every set of factors, so a change needing two of them is not reported dead.
    edit(
        mini,
        RULE,
        '  { question = "factors", op = "includes", value = "pregnant" },\n] }\nsources = ["https://example.org/pregnancy"]',
        '  { question = "factors", op = "includes", value = "pregnant" },\n'
        '  { question = "factors", op = "includes", value = "kidney" },\n] }\n'
        'sources = ["https://example.org/pregnancy"]',
    )
    rulebook = load(mini)
    assert verify(rulebook).ok
    ct = by_id(evaluate(rulebook, {"situation": "staging", "factors": frozenset({"pregnant", "kidney"})}))[
        "ct"
    ]
    assert ct.changed_by == ("pregnant", "kidney")


def test_the_json_result_carries_the_usual_level_and_the_factors(mini):
    rulebook = load(mini)
    data = result_to_dict(rulebook, evaluate(rulebook, {"situation": "staging", "factors": PREGNANT}))
    ct = next(t for t in data["tests"] if t["id"] == "ct")
    assert ct | {"cautions": []} == {
        "id": "ct",
        "name": "CT scan",
        "level": "sometimes_used",
        "why": "In pregnancy a CT scan is used when it is needed.",
        "usual_level": "commonly_used",
        "usual_why": "A usual way to look for spread.",
        "changed_by": ["pregnant"],
        "rules": ["staging", "pregnant-staging"],
        "cautions": [],
    }
    ultrasound = next(t for t in data["tests"] if t["id"] == "ultrasound")
    assert ultrasound["usual_level"] is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '  { question = "factors", op = "includes", value = "pregnant" },\n] }\nsources = ["https://example.org/pregnancy"]',
            '] }\nsources = ["https://example.org/pregnancy"]',
            "rule 'pregnant-staging': has [[rule.change]] but no { question = 'factors', op = 'includes' } "
            "in 'when.all'",
        ),
        (
            'notes = ["pregnancy"]',
            'notes = ["pregnancy"]\n  [[rule.test]]\n  id = "ct"\n  level = "sometimes_used"\n  why = "Quietly."',
            "rule 'pregnant': adds tests but its 'when' looks at 'factors'; a safety factor may only change a level",
        ),
        (
            'test = "ct"',
            'test = "pet"',
            "rule 'pregnant-staging' change of 'pet': 'test' is not in the test catalogue",
        ),
        (
            'test = "ultrasound"',
            'test = "ct"',
            "rule 'pregnant-staging' change of 'ct': is changed twice by the same rule",
        ),
        (
            'from = ["commonly_used"]',
            'from = ["often"]',
            "'from' has 'often'; it must be from: commonly_used",
        ),
        (
            'from = ["commonly_used"]',
            'from = ["sometimes_used"]',
            "'from' only holds 'sometimes_used', the level it changes to, so it changes nothing",
        ),
        ('test = "ct"', 'id = "ct"', "rule 'pregnant-staging' change of None: unknown field 'id'"),
    ],
    ids=[
        "no factor",
        "silent test",
        "unknown test",
        "twice",
        "bad from",
        "from only the target",
        "id not test",
    ],
)
def test_broken_changes_are_refused_with_the_reason(mini, old, new, message):
    edit(mini, RULE, old, new)
    with pytest.raises(RulebookError) as error:
        load(mini)
    assert any(message in str(problem) for problem in error.value.problems), error.value


def test_a_rule_keeps_its_changes_and_the_factors_behind_them(mini):
    edit(mini, RULE, CHANGE_CT, "")
    rulebook = load(mini)
    rule = next(r for r in rulebook.rules if r.id == "pregnant-staging")
    assert [c.id for c in rule.changes] == ["ultrasound"]
    assert rule.factors == ("pregnant",)
