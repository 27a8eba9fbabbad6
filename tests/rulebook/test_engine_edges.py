"""Edges of the engine a person or an editor would notice: conflicts, bounds, operators, messages."""

from __future__ import annotations

import pytest

from webapp.rulebook import RulebookError, evaluate, load, parse_answers, questions_asked

from .conftest import edit

RULES = "rules/main.toml"
BEFORE_STAGING = '[[rule]]\nid = "staging"'
BEFORE_PREGNANT_STAGING = '[[rule]]\nid = "pregnant-staging"'
STAGING_OLDER_LUNG = (
    '[[rule]]\nid = "staging-older-lung"\nwhen = { all = [\n'
    '  { question = "situation", op = "is", value = "staging" },\n'
    '  { question = "site", op = "is", value = "lung" },\n'
    '  { question = "age", op = "at_least", value = 70 },\n] }\n'
    '  [[rule.test]]\n  id = "ct"\n  level = "sometimes_used"\n  why = "Sometimes, at an older age."\n\n'
)
EXTRA_NOTE = """[[note]]
id = "{id}"
topic = "general"
text = "{text}"
sources = ["https://example.org/{id}"]
reviewed = "2026-01-15"
"""


def add_rule(mini, rule_text, before=BEFORE_STAGING):
    edit(mini, RULES, before, rule_text + before)


def add_note(mini, note_id, text):
    path = mini / "notes" / f"{note_id}.toml"
    path.write_text(EXTRA_NOTE.format(id=note_id, text=text))


def levels(result):
    return {t.id: t.level for t in result.tests}


def note_ids(result):
    return [n.id for n in result.notes]


# -- two rules put the same test at different levels -----------------------------------------------


@pytest.mark.parametrize(
    "before", [BEFORE_STAGING, BEFORE_PREGNANT_STAGING], ids=["less common rule first", "more common first"]
)
def test_in_a_level_conflict_the_more_common_level_wins(mini, before):
    add_rule(mini, STAGING_OLDER_LUNG, before)
    rulebook = load(mini)
    result = evaluate(rulebook, {"situation": "staging", "site": "lung", "age": 75})
    (ct,) = result.tests
    assert ct.level == "commonly_used"
    assert sorted(ct.rules) == ["staging", "staging-older-lung"]
    # A "sometimes" reason never shows under a "commonly used" level.
    assert ct.why == ct.usual_why == "A usual way to look for spread."
    assert not ct.changed
    # Below the age the second rule needs, only the usual rule speaks.
    (ct,) = evaluate(rulebook, {"situation": "staging", "site": "lung", "age": 69}).tests
    assert (ct.level, ct.rules) == ("commonly_used", ("staging",))


# -- numbers at the edge of their range ------------------------------------------------------------


@pytest.mark.parametrize("raw", ["120", 120, 120.0])
def test_an_answer_of_exactly_the_max_is_accepted_and_used(mini, raw):
    rulebook = load(mini)
    answers, errors = parse_answers(rulebook, {"situation": "screening", "site": "breast", "age": raw})
    assert errors == {}
    assert answers["age"] == 120
    assert levels(evaluate(rulebook, answers)) == {
        "mammogram": "commonly_used",
        "breast_mri": "not_usually_used",
    }


def test_one_above_the_max_is_refused(mini):
    _, errors = parse_answers(load(mini), {"age": "121"})
    assert errors == {"age": ["Age must be 120 or less"]}


YEARS_QUESTION = (
    '\n[[question]]\nid = "years"\nkind = "number"\nmin = 0\nmax = {max}\n'
    'label = "How many years since your last scan?"\nshort = "Years"\n'
)


@pytest.mark.parametrize(
    ("top", "example"), [(10, "like 5"), (60, "like 5"), (61, "like 52"), (120, "like 52")]
)
def test_the_example_in_a_number_message_fits_the_range(mini, top, example):
    # "like 52" would be out of range, or odd, for a question that stops at 60 or below.
    edit(
        mini,
        "questions.toml",
        '  label = "Kidney problems"\n',
        '  label = "Kidney problems"\n' + YEARS_QUESTION.format(max=top),
    )
    _, errors = parse_answers(load(mini), {"years": "a few"})
    assert errors == {"years": [f"Enter years as a whole number, {example}"]}


# -- a required question that is only sometimes asked ----------------------------------------------


@pytest.mark.parametrize(
    ("raw", "errors"),
    [
        ({"situation": "screening", "site": "breast"}, {"risk": ["Risk is required"]}),
        ({"situation": "screening", "site": "breast", "risk": "average"}, {}),
        ({"situation": "screening", "site": "lung"}, {}),
        ({"situation": "screening"}, {}),  # site blank means "other": risk is not asked
        ({"situation": "staging", "site": "breast"}, {}),
        ({"site": "breast"}, {"situation": ["Situation is required"]}),
    ],
    ids=["asked, blank", "asked, answered", "lung", "site blank", "staging", "no situation"],
)
def test_a_required_question_is_required_only_when_it_is_asked(mini, raw, errors):
    edit(mini, "questions.toml", 'short = "Risk"\n', 'short = "Risk"\nrequired = true\n')
    rulebook = load(mini)
    assert parse_answers(rulebook, raw, complete=True)[1] == errors
    # Without `complete` (a form still being filled in) nothing is required.
    assert parse_answers(rulebook, raw)[1] == {}


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({}, ["situation", "site", "age", "factors"]),
        ({"situation": "screening", "site": "breast"}, ["situation", "site", "age", "risk", "factors"]),
        ({"situation": "screening"}, ["situation", "site", "age", "factors"]),
        ({"situation": "staging", "site": "breast"}, ["situation", "site", "age", "factors"]),
    ],
)
def test_risk_is_asked_only_when_screening_the_breast(mini, answers, asked):
    assert [q.id for q in questions_asked(load(mini), answers)] == asked


# -- the `excludes` and `answered` operators --------------------------------------------------------

STAGING_DYE = (
    '[[rule]]\nid = "staging-dye"\nwhen = { all = [\n'
    '  { question = "situation", op = "is", value = "staging" },\n'
    '  { question = "factors", op = "excludes", value = "pregnant" },\n] }\n'
    'notes = ["staging-dye"]\n\n'
)


@pytest.mark.parametrize(
    ("factors", "shown"),
    [
        (None, True),
        (frozenset(), True),
        (frozenset({"kidney"}), True),
        (frozenset({"pregnant"}), False),
        (frozenset({"pregnant", "kidney"}), False),
    ],
    ids=["left blank", "none ticked", "kidney", "pregnant", "both"],
)
def test_excludes_holds_unless_the_option_is_ticked_even_when_left_blank(mini, factors, shown):
    add_note(mini, "staging-dye", "A CT scan for staging often uses dye.")
    add_rule(mini, STAGING_DYE)
    answers = {"situation": "staging", "site": "lung"}
    if factors is not None:
        answers["factors"] = factors
    result = evaluate(load(mini), answers)
    assert ("staging-dye" in note_ids(result)) is shown
    assert ("staging-dye" in [f.rule for f in result.trace]) is shown


AGE_GIVEN = (
    '[[rule]]\nid = "age-given"\nwhen = { all = [{ question = "age", op = "answered" }] }\n'
    'notes = ["age-given"]\n\n'
    '[[rule]]\nid = "risk-given"\nwhen = { all = [{ question = "risk", op = "answered" }] }\n'
    'notes = ["risk-given"]\n\n'
    '[[rule]]\nid = "factors-given"\nwhen = { all = [{ question = "factors", op = "answered" }] }\n'
    'notes = ["factors-given"]\n\n'
    '[[rule]]\nid = "factors-blank"\nwhen = { all = [{ question = "factors", op = "unanswered" }] }\n'
    'notes = ["factors-blank"]\n\n'
)


@pytest.mark.parametrize(
    ("answers", "notes"),
    [
        ({"situation": "staging"}, ["factors-blank"]),
        ({"situation": "staging", "age": 0}, ["age-given", "factors-blank"]),  # 0 is an answer
        ({"situation": "staging", "age": 64}, ["age-given", "factors-blank"]),
        ({"situation": "screening", "site": "breast"}, ["factors-blank"]),
        ({"situation": "screening", "site": "breast", "risk": "average"}, ["risk-given", "factors-blank"]),
        # Risk is not asked at staging, so an answer to it does not count.
        ({"situation": "staging", "site": "breast", "risk": "average"}, ["factors-blank"]),
        ({"situation": "staging", "factors": frozenset({"kidney"})}, ["factors-given"]),
    ],
    ids=["age blank", "age 0", "age 64", "risk blank", "risk given", "risk not asked", "a factor"],
)
def test_answered_holds_only_for_an_answer_to_a_question_that_is_asked(mini, answers, notes):
    add_note(mini, "age-given", "Age changes which tests are usual.")
    add_note(mini, "risk-given", "Risk changes which tests are usual.")
    add_note(mini, "factors-given", "Some things about you change how a test is done.")
    add_note(mini, "factors-blank", "Tell the care team if you are pregnant.")
    add_rule(mini, AGE_GIVEN)
    shown = [
        n for n in note_ids(evaluate(load(mini), answers)) if n.startswith(("age-", "risk-", "factors-"))
    ]
    assert shown == notes


AGE_RULE = (
    '[[rule]]\nid = "age-note"\nwhen = {{ all = [{{ question = "age", op = "{op}", value = {value} }}] }}\n'
    'notes = ["age-note"]\n\n'
)


@pytest.mark.parametrize(
    ("op", "value", "ages"),
    [
        ("is", "50", {50}),
        ("is_not", "50", {0, 40, 120}),
        ("in", "[40, 50]", {40, 50}),
        ("not_in", "[40, 50]", {0, 120}),
    ],
)
def test_a_number_question_takes_the_choice_operators_too(mini, op, value, ages):
    add_note(mini, "age-note", "Age changes which tests are usual.")
    add_rule(mini, AGE_RULE.format(op=op, value=value))
    rulebook = load(mini)
    for age in (0, 40, 50, 120):
        result = evaluate(rulebook, {"situation": "staging", "age": age})
        assert ("age-note" in note_ids(result)) is (age in ages), age


@pytest.mark.parametrize(
    ("question", "op", "value", "kind"),
    [
        ("factors", "is", '"pregnant"', "multi"),
        ("factors", "is_not", '"pregnant"', "multi"),
        ("factors", "in", '["pregnant"]', "multi"),
        ("factors", "not_in", '["pregnant"]', "multi"),
        ("factors", "at_least", "1", "multi"),
        ("site", "includes", '"lung"', "choice"),
        ("site", "excludes", '"lung"', "choice"),
        ("age", "includes", "40", "number"),
    ],
)
def test_an_operator_that_does_not_fit_the_question_is_refused(mini, question, op, value, kind):
    rule = (
        f'[[rule]]\nid = "misfit"\nwhen = {{ all = [{{ question = "{question}", op = "{op}", value = {value} }}] }}\n'
        'notes = ["limits"]\n\n'
    )
    add_rule(mini, rule)
    with pytest.raises(RulebookError) as caught:
        load(mini)
    assert f"rule 'misfit': op '{op}' does not work on '{question}' (a {kind} question)" in str(caught.value)


def test_notes_come_in_topic_order_whatever_order_the_rules_give_them(mini):
    edit(mini, RULES, 'notes = ["disclaimer", "limits"]', 'notes = ["limits", "disclaimer"]')
    add_rule(
        mini, '[[rule]]\nid = "no-screen-first"\nnotes = ["no-screen"]\n\n', before='[[rule]]\nid = "always"'
    )
    result = evaluate(load(mini), {"situation": "staging", "factors": frozenset({"pregnant"})})
    assert note_ids(result) == ["disclaimer", "limits", "pregnancy", "no-screen"]
    assert [f.rule for f in result.trace][:2] == ["no-screen-first", "always"]


# -- a table with no question that every answer set has (so no index) ------------------------------


def test_without_an_index_evaluate_scans_every_rule_and_gives_the_same_results(mini):
    indexed = load(mini)
    edit(mini, "questions.toml", "required = true\n", "")
    edit(mini, "questions.toml", 'default = "other"\n', "")
    plain = load(mini)
    for answers in (
        {"situation": "screening", "site": "breast", "age": 50},
        {"situation": "screening", "site": "lung"},
        {"situation": "staging", "site": "lung", "factors": frozenset({"pregnant"})},
    ):
        expected = evaluate(indexed, answers)
        result = evaluate(plain, answers)
        assert [(t.id, t.level) for t in result.tests] == [(t.id, t.level) for t in expected.tests]
        assert note_ids(result) == note_ids(expected)
        assert result.trace == expected.trace


# -- answers without a situation (as `rules explain site=breast` gives them) ------------------------


def test_answers_without_a_situation_still_get_the_notes_every_result_carries(mini):
    result = evaluate(load(mini), {"site": "breast", "age": 50})
    assert result.tests == ()
    assert note_ids(result) == ["disclaimer", "limits"]
    assert [f.rule for f in result.trace] == ["always"]


def test_the_trace_says_a_list_of_values_in_words(mini):
    result = evaluate(load(mini), {"situation": "screening", "site": "lung"})
    assert [(f.rule, f.because) for f in result.trace] == [
        ("always", "always"),
        ("screening-not-breast", "situation is screening and site in lung, other"),
    ]


# -- two safety factors agree on a change -----------------------------------------------------------


def test_agreeing_changes_name_every_rule_behind_them(mini):
    add_rule(
        mini,
        '[[rule]]\nid = "kidney-staging"\nwhen = { all = [\n'
        '  { question = "factors", op = "includes", value = "kidney" },\n'
        '  { question = "situation", op = "is", value = "staging" },\n] }\n'
        '  [[rule.change]]\n  test = "ct"\n  level = "sometimes_used"\n  why = "Dye may be hard on the kidneys."\n\n',
        before=BEFORE_PREGNANT_STAGING,
    )
    both = frozenset({"pregnant", "kidney"})
    result = evaluate(load(mini), {"situation": "staging", "site": "lung", "factors": both})
    ct = next(t for t in result.tests if t.id == "ct")
    assert ct.level == "sometimes_used"
    assert ct.rules == ("staging", "kidney-staging", "pregnant-staging")
    assert ct.changed_by == ("kidney", "pregnant")


# -- messages about wrong values --------------------------------------------------------------------


def test_a_long_wrong_choice_is_quoted_by_its_first_40_characters(mini):
    _, errors = parse_answers(load(mini), {"situation": "a" * 39 + "bcdef"})
    assert errors == {
        "situation": ["Situation has no option '" + "a" * 39 + "b'; choose one of: screening, staging"]
    }


def test_a_long_unknown_question_is_quoted_by_its_first_40_characters(mini):
    name = "q" * 39 + "rstu"
    _, errors = parse_answers(load(mini), {name: "1"})
    assert errors == {name: ["There is no question called '" + "q" * 39 + "r'"]}


def test_a_very_long_unknown_question_is_named_by_its_first_60_characters(mini):
    name = "q" * 59 + "rstu"
    _, errors = parse_answers(load(mini), {name: "1"})
    assert errors == {"q" * 59 + "r": ["There is no question called '" + "q" * 40 + "'"]}


@pytest.mark.parametrize(("raw", "shown"), [(1, "1"), (True, "True"), (2.5, "2.5")])
def test_a_single_value_that_is_not_an_option_is_named_for_factors(mini, raw, shown):
    _, errors = parse_answers(load(mini), {"factors": raw})
    assert errors == {"factors": [f"Factors has no option '{shown}'; choose from: pregnant, kidney"]}


def test_wrong_factors_are_listed_up_to_three_each_cut_to_40_characters(mini):
    long = "w" * 39 + "xyz"
    _, errors = parse_answers(load(mini), {"factors": [long, "tired", "pregnant", "dizzy", "cold"]})
    assert errors == {
        "factors": [
            "Factors has no option '" + "w" * 39 + "x', 'tired', 'dizzy'; choose from: pregnant, kidney"
        ]
    }
