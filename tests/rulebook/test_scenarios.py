"""Teaching scenarios: the real ones cover the guide and still hold; broken ones are refused or reported."""

from __future__ import annotations

import re

import pytest

from webapp import create_app
from webapp.rulebook import RulebookError, evaluate, load, verify
from webapp.rulebook.scenarios import CHANGED, revealed
from webapp.startup import BrokenRules

from .conftest import edit

SCENARIOS = "scenarios.toml"
ANA = 'answers = { situation = "symptoms", site = "breast", age = 52, found_by = "screening_result", factors = [] }'
ANA_WHERE = "rules/scenarios.toml: scenario 'ana-call-back-mammogram'"
POINT_1 = 'same area."\n  expect = { test = "mammogram", level = "commonly_used" }'


def test_the_scenarios_cover_every_situation_ten_sites_and_safety_factors(rulebook):
    scenarios = list(rulebook.scenarios.values())
    assert len(scenarios) >= 16
    assert {s.situation for s in scenarios} == set(rulebook.question("situation").values)
    assert len({s.site for s in scenarios}) >= 10
    with_factors = [s for s in scenarios if s.factors]
    assert len(with_factors) >= 3
    assert {"pregnant", "implant", "kidney"} <= {f for s in with_factors for f in s.factors}
    assert all(2 <= len(s.points) <= 3 for s in scenarios)


def test_every_scenario_story_names_a_person_and_the_age_of_its_answers(rulebook):
    for s in rulebook.scenarios.values():
        match = re.match(r"^([A-Z][a-z]+), (\d+), ", s.story)
        assert match, s.story
        assert (match[1], int(match[2])) == (s.name, s.answers["age"])
        assert "\n" not in s.story


def test_every_teaching_point_and_guess_holds_for_the_real_rules(rulebook):
    report = verify(rulebook)
    assert report.scenarios == len(rulebook.scenarios)
    assert not report.of_kind("scenario"), "\n".join(map(str, report.of_kind("scenario")))
    for s in rulebook.scenarios.values():
        answer = revealed(s, evaluate(rulebook, s.answers))
        assert answer, s.id
        if s.reveal == CHANGED:
            assert all(t.changed for t in answer)
        else:
            assert {t.level for t in answer} == {s.reveal}


def test_the_scenario_texts_are_checked_like_other_patient_texts(rulebook):
    from webapp.rulebook.texts import patient_texts

    where = {(t.where, t.field) for t in patient_texts(rulebook)}
    assert ("scenario 'maya-pregnant-staging'", "story") in where
    assert ("scenario 'maya-pregnant-staging'", "guess.prompt") in where
    assert ("scenario 'maya-pregnant-staging'", "point 3") in where


# (case, old text, new text, what the message must say after the scenario's file and id)
BROKEN = [
    (
        "unknown question",
        "found_by = ",
        "found_byy = ",
        "answers: found_byy: There is no question called 'found_byy'",
    ),
    (
        "unknown option",
        'site = "breast", age = 52',
        'site = "spleen", age = 52',
        "answers: site: Body area has no option",
    ),
    (
        "question not asked",
        "age = 52, found_by",
        'age = 52, risk = "average", found_by',
        "'risk' is not asked",
    ),
    ("age out of range", "age = 52,", "age = 152,", "answers: age: Age must be 120 or less"),
    (
        "unknown factor",
        'found_by = "screening_result", factors = []',
        'found_by = "screening_result", factors = ["wings"]',
        "answers: factors: ",
    ),
    (
        "a number as text",
        "age = 52,",
        'age = "52",',
        "answers: age: Send age as a whole number without quotes",
    ),
    (
        "no situation",
        'situation = "symptoms", site = "breast", age = 52',
        'site = "breast", age = 52',
        "answers: situation: ",
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_scenario_with_a_bad_answer_is_refused_at_load_with_file_id_and_reason(
    rules_copy, case, old, new, message
):
    line = ANA.replace(old, new, 1)
    assert line != ANA, case
    edit(rules_copy, SCENARIOS, ANA, line)
    with pytest.raises(RulebookError) as caught:
        load(rules_copy)
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith(ANA_WHERE) and message in p for p in found), found


FORMAT = [
    ("unknown field", 'story = "Ana, 52,', 'colour = "red"\nstory = "Ana, 52,', "unknown field 'colour'"),
    (
        "no age in the story",
        "Ana, 52, was called back",
        "Ana was called back",
        "must start with a first name and an age",
    ),
    (
        "story and answers disagree",
        "Ana, 52, was",
        "Ana, 53, was",
        "the story says 53, but its answers give age 52",
    ),
    (
        "unknown test",
        POINT_1,
        POINT_1.replace('"mammogram"', '"xray-vision"'),
        "point 1: 'expect.test' is 'xray-vision'",
    ),
    (
        "unknown level",
        POINT_1,
        POINT_1.replace('"commonly_used"', '"always"'),
        "point 1: 'expect.level' is 'always'",
    ),
    (
        "unknown note",
        'note = "symptoms-breast-call-back"',
        'note = "no-such-note"',
        "point 3: 'expect.note' is 'no-such-note'",
    ),
    (
        "two kinds at once",
        'note = "symptoms-breast-call-back"',
        'note = "symptoms-breast-call-back", topic = "kidney"',
        "needs exactly one of 'test', 'note' or 'topic'",
    ),
    (
        "unknown reveal",
        'reveal = "commonly_used" }\n\n  [[scenario.point]]\n  text = "After a call-back',
        'reveal = "often" }\n\n  [[scenario.point]]\n  text = "After a call-back',
        "guess: 'reveal' is 'often'",
    ),
]


@pytest.mark.parametrize(("case", "old", "new", "message"), FORMAT, ids=[f[0] for f in FORMAT])
def test_badly_written_scenarios_are_refused_at_load(rules_copy, case, old, new, message):
    edit(rules_copy, SCENARIOS, old, new)
    with pytest.raises(RulebookError) as caught:
        load(rules_copy)
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith(ANA_WHERE) and message in p for p in found), found


def test_a_scenario_with_one_point_is_refused(rules_copy):
    path = rules_copy / SCENARIOS
    text = path.read_text()
    start = text.index('  [[scenario.point]]\n  text = "An ultrasound is often done too.')
    end = text.index("[[scenario]]", start)
    path.write_text(text[:start] + text[end:])
    with pytest.raises(RulebookError) as caught:
        load(rules_copy)
    assert f"{ANA_WHERE}: has 1 teaching point(s); give 2 or 3" in str(caught.value)


def test_the_app_refuses_to_start_with_a_broken_scenario(rules_copy):
    edit(rules_copy, SCENARIOS, ANA, ANA.replace('"breast"', '"spleen"'))
    with pytest.raises(BrokenRules) as caught:
        create_app({"TESTING": True, "RULES_DIR": str(rules_copy)})
    assert f"{ANA_WHERE}: answers: site: Body area has no option 'spleen'" in str(caught.value)


def test_a_rule_change_that_breaks_a_teaching_point_is_reported_by_verify(rules_copy):
    why = 'why = "After a call-back, a diagnostic mammogram is the usual next test.'
    path = rules_copy / "rules" / "symptoms.toml"
    text = path.read_text()
    at = text.index(why)
    before = text.rindex('level = "commonly_used"', 0, at)
    path.write_text(
        text[:before] + 'level = "sometimes_used"' + text[before + len('level = "commonly_used"') :]
    )
    report = verify(load(rules_copy))
    problems = [str(p) for p in report.of_kind("scenario")]
    assert problems == [
        "[scenario] rules/scenarios.toml: scenario 'ana-call-back-mammogram' point 1: teaching point no longer "
        "matches the result: it expects 'mammogram' commonly used, the result says 'mammogram' sometimes used"
    ]


def test_a_guess_left_without_an_answer_is_reported(rules_copy):
    edit(
        rules_copy,
        SCENARIOS,
        'guess = { prompt = "Which tests do you think are commonly used next?", reveal = "commonly_used" }',
        'guess = { prompt = "Which tests do you think are commonly used next?", reveal = "not_usually_used" }',
    )
    problems = [str(p) for p in verify(load(rules_copy)).of_kind("scenario")]
    assert problems == [
        "[scenario] rules/scenarios.toml: scenario 'ana-call-back-mammogram' guess: the guess has no answer: "
        "the result has no test not usually used"
    ]


def test_a_missing_scenarios_file_is_fine(rules_copy):
    (rules_copy / SCENARIOS).unlink()
    (rules_copy / "es" / SCENARIOS).unlink()  # its Spanish goes with it
    assert load(rules_copy).scenarios == {}
