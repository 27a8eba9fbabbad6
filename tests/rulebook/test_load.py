"""`load`: good rule data becomes a Rulebook; bad rule data is refused with file, id and reason."""

from __future__ import annotations

import pytest

from webapp import create_app
from webapp.rulebook import RulebookError, load
from webapp.startup import BrokenRules

from .conftest import edit

# (case, file, old text, new text, what the message must say)
BROKEN = [
    (
        "not TOML",
        "questions.toml",
        'label = "How old are you?"',
        'label = "How old are you?',
        "rules/questions.toml: (file): is not valid TOML",
    ),
    (
        "duplicate id",
        "tests.toml",
        'id = "ct"',
        'id = "mammogram"',
        "rules/tests.toml: test 'mammogram': the id is used twice",
    ),
    (
        "unknown question in a rule",
        "rules/main.toml",
        '{ question = "age", op = "below", value = 40 }',
        '{ question = "agee", op = "below", value = 40 }',
        "rules/rules/main.toml: rule 'breast-under-40': a condition in 'when' names 'agee'",
    ),
    (
        "unknown option value",
        "rules/main.toml",
        'value = ["lung", "other"]',
        'value = ["lung", "liver"]',
        "rules/rules/main.toml: rule 'screening-not-breast': 'site' has no option 'liver'",
    ),
    (
        "unknown op",
        "rules/main.toml",
        'op = "at_least", value = 40',
        'op = "over", value = 40',
        "rule 'breast-40-plus': a condition on 'age' has op 'over'",
    ),
    (
        "op that does not fit the question",
        "rules/main.toml",
        '{ question = "risk", op = "is", value = "higher" }',
        '{ question = "risk", op = "at_least", value = 3 }',
        "rule 'breast-higher': op 'at_least' does not work on 'risk' (a choice question)",
    ),
    (
        "number out of range",
        "rules/main.toml",
        'op = "at_least", value = 40',
        'op = "at_least", value = 400',
        "rule 'breast-40-plus': 400 is outside the range of 'age' (0-120)",
    ),
    (
        "unknown test in a rule",
        "rules/main.toml",
        'id = "ct"',
        'id = "pet"',
        "rule 'staging' test 'pet': is not in the test catalogue",
    ),
    (
        "unknown note in a rule",
        "rules/main.toml",
        'notes = ["no-screen"]',
        'notes = ["no-scren"]',
        "rule 'screening-not-breast': note 'no-scren' is not in the notes",
    ),
    (
        "unknown level",
        "rules/main.toml",
        'level = "sometimes_used"\n  why = "It depends on age."',
        'level = "rare"\n  why = "It depends on age."',
        "rule 'breast-no-age' test 'mammogram': 'level' is 'rare'; it must be one of",
    ),
    (
        "unknown topic",
        "notes/core.toml",
        'topic = "no_imaging_screening"',
        'topic = "screening"',
        "rules/notes/core.toml: note 'no-screen': 'topic' is 'screening'",
    ),
    (
        "missing field",
        "tests.toml",
        'summary = "An X-ray of the breast."\n',
        "",
        "rules/tests.toml: test 'mammogram': 'summary' is missing",
    ),
    (
        "misspelt field",
        "tests.toml",
        'shows_well = "It shows soft tissue well."',
        'show_well = "It shows soft tissue well."',
        "test 'breast_mri': unknown field 'show_well'",
    ),
    (
        "bad review date",
        "tests.toml",
        'sources = ["https://example.org/ct"]\nreviewed = "2026-01-15"',
        'sources = ["https://example.org/ct"]\nreviewed = "2026-13-45"',
        "test 'ct': 'reviewed' is '2026-13-45'; it must be a date",
    ),
    (
        "source that is not a link",
        "tests.toml",
        'sources = ["https://example.org/ct"]',
        'sources = ["example.org/ct"]',
        "test 'ct': source 'example.org/ct' is not a web link",
    ),
    (
        "caution for a factor that does not exist",
        "tests.toml",
        'kidney = "The dye leaves the body through the kidneys."\n  pregnant = "The care',
        'liver = "The dye leaves the body through the kidneys."\n  pregnant = "The care',
        "test 'ct': caution for 'liver', which is not a 'factors' option",
    ),
    (
        "unknown radiation band",
        "tests.toml",
        'band = "1_to_10"',
        'band = "high"',
        "test 'ct' radiation: 'band' is 'high'",
    ),
    (
        "show_when on a later question",
        "questions.toml",
        'default = "other"',
        'default = "other"\nshow_when = { all = [{ question = "risk", op = "is", value = "higher" }] }',
        "question 'site': a condition in 'show_when' names 'risk', which is not an earlier question",
    ),
    (
        "default that is not an option",
        "questions.toml",
        'default = "other"',
        'default = "elsewhere"',
        "question 'site': 'default' is 'elsewhere', which is not one of its options",
    ),
    (
        "number question with min above max",
        "questions.toml",
        "min = 0\nmax = 120",
        "min = 130\nmax = 120",
        "question 'age': 'min' (130) is more than 'max' (120)",
    ),
]


def test_the_small_rule_table_loads(mini):
    rulebook = load(mini)
    assert [q.id for q in rulebook.questions] == ["situation", "site", "age", "risk", "factors"]
    assert list(rulebook.tests) == ["mammogram", "breast_mri", "ct", "ultrasound"]
    assert len(rulebook.version) == 64


@pytest.mark.parametrize(
    ("file", "old", "new", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_rule_data_is_refused_with_file_id_and_reason(mini, file, old, new, message):
    edit(mini, file, old, new)
    with pytest.raises(RulebookError) as caught:
        load(mini)
    messages = [str(p) for p in caught.value.problems]
    assert any(message in m for m in messages), messages
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once(mini):
    for _, file, old, new, _ in (BROKEN[2], BROKEN[7], BROKEN[10], BROKEN[15]):
        edit(mini, file, old, new)
    with pytest.raises(RulebookError) as caught:
        load(mini)
    text = str(caught.value)
    for case in (BROKEN[2], BROKEN[7], BROKEN[10], BROKEN[15]):
        assert case[4] in text
    assert len(caught.value.problems) == 4


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(RulebookError, match="is not a folder of rule files"):
        load(tmp_path / "nowhere")


def test_the_app_refuses_to_start_on_broken_rules(mini):
    edit(mini, "rules/main.toml", 'id = "ct"', 'id = "pet"')
    with pytest.raises(BrokenRules) as caught:
        create_app({"TESTING": True, "RULES_DIR": str(mini)})
    assert "rules/rules/main.toml: rule 'staging' test 'pet': is not in the test catalogue" in str(
        caught.value
    )


def test_the_version_changes_when_a_rule_file_changes(mini):
    before = load(mini).version
    edit(mini, "notes/core.toml", "This is not advice.", "This is not medical advice.")
    assert load(mini).version != before


HINTS = (
    '  value = "higher"\n  label = "Higher"\n  hints = { breast = "A parent had it.", liver = "Cirrhosis." }'
)


@pytest.mark.parametrize(
    ("hint_by", "message"),
    [
        ("", "question 'risk': option 'higher' has 'hints' but the question has no 'hint_by'"),
        (
            'hint_by = "site"\n',
            "question 'risk': option 'higher' has a hint for 'liver', not an option of 'site'",
        ),
        (
            'hint_by = "smoking"\n',
            "question 'risk': 'hint_by' is 'smoking', which is not an earlier one-choice question",
        ),
    ],
    ids=["hints without hint_by", "a hint for no such answer", "hint_by names no earlier question"],
)
def test_per_answer_hints_are_checked(mini, hint_by, message):
    edit(mini, "questions.toml", '  value = "higher"\n  label = "Higher"', HINTS)
    edit(mini, "questions.toml", 'short = "Risk"\n', 'short = "Risk"\n' + hint_by)
    with pytest.raises(RulebookError) as caught:
        load(mini)
    assert message in [str(p).split(": ", 1)[1] for p in caught.value.problems]


def test_a_hint_follows_the_answer_it_is_keyed_by(mini):
    edit(
        mini,
        "questions.toml",
        '  value = "higher"\n  label = "Higher"',
        HINTS.replace(', liver = "Cirrhosis."', ""),
    )
    edit(mini, "questions.toml", 'short = "Risk"\n', 'short = "Risk"\nhint_by = "site"\n')
    risk = load(mini).question("risk")
    assert [o.hint for o in risk.options_for({"site": "breast"})] == ["", "A parent had it."]
    assert [o.hint for o in risk.options_for({"site": "lung"})] == ["", ""]
    assert [o.hint for o in risk.options_for({})] == ["", ""]
