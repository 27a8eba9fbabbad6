"""`verify`: planted gaps, conflicts and dead rules are caught; the real rules pass."""

from __future__ import annotations

import pytest

from webapp.readability import reading_grade
from webapp.rulebook import load, verify
from webapp.rulebook.verify import answer_domains

from .conftest import edit


def kinds(report):
    return sorted({p.kind for p in report.problems})


def test_the_small_rule_table_is_clean(mini):
    report = verify(load(mini), grade=reading_grade)
    assert report.problems == ()
    # Ages 0, 40 and blank (3); 5 factor sets. Screening: breast x 3 ages x 3 risks (2 + blank),
    # lung x 3 ages, other x 3 ages. Staging: 3 sites x 3 ages; risk is not asked.
    assert report.combinations == (3 * 3 + 3 + 3) * 5 + (3 * 3) * 5
    assert report.rules == 9


def test_the_walk_splits_numbers_at_the_thresholds_rules_use(mini):
    domains = answer_domains(load(mini))
    assert domains["age"] == (0, 40, None)
    assert domains["situation"] == ("screening", "staging")
    assert domains["site"] == ("breast", "lung", "other")  # blank means "other", no need to try it
    assert len(domains["factors"]) == 5  # 4 subsets of 2 factors, plus blank


def test_a_gap_is_caught(mini):
    # Without this rule, screening the lung gives no test and no "no imaging screening" note.
    edit(mini, "rules/main.toml", 'value = ["lung", "other"]', 'value = ["other"]')
    report = verify(load(mini))
    (gap,) = report.of_kind("gap")
    assert gap.where == "situation=screening site=lung"
    assert "no test and no 'no_imaging_screening' note" in gap.message
    assert "e.g. situation=screening site=lung age=0" in gap.message


def test_a_missing_disclaimer_is_caught(mini):
    edit(mini, "rules/main.toml", 'notes = ["disclaimer", "limits"]', 'notes = ["limits"]')
    report = verify(load(mini))
    assert report.of_kind("gap")
    assert all("no 'disclaimer' note" in p.message for p in report.of_kind("gap"))
    assert {p.where.split()[0] for p in report.of_kind("gap")} == {"situation=screening", "situation=staging"}
    assert [p.where for p in report.of_kind("unused")] == ["note 'disclaimer'"]


def test_a_conflict_is_caught(mini):
    # A second rule puts CT at another level for lung staging.
    edit(
        mini,
        "rules/main.toml",
        '[[rule]]\nid = "staging"',
        '[[rule]]\nid = "staging-lung"\nwhen = { all = [{ question = "situation", op = "is", value = "staging" },'
        ' { question = "site", op = "is", value = "lung" }, { question = "age", op = "at_least", value = 70 }] }\n'
        '[[rule.test]]\nid = "ct"\nlevel = "sometimes_used"\nwhy = "Sometimes."\n\n[[rule]]\nid = "staging"',
    )
    report = verify(load(mini))
    (conflict,) = report.of_kind("conflict")
    assert conflict.where == "test 'ct'"
    assert "commonly_used from staging; sometimes_used from staging-lung" in conflict.message
    assert "site=lung age=70" in conflict.message


def test_a_dead_rule_is_caught(mini):
    # Risk is only asked when screening, so a staging rule on risk can never fire.
    edit(
        mini,
        "rules/main.toml",
        '[[rule]]\nid = "staging"',
        '[[rule]]\nid = "staging-higher-risk"\nwhen = { all = [{ question = "situation", op = "is", value = "staging" },'
        ' { question = "risk", op = "is", value = "higher" }] }\nnotes = ["no-screen"]\n\n[[rule]]\nid = "staging"',
    )
    report = verify(load(mini))
    assert [str(p) for p in report.of_kind("dead rule")] == [
        "[dead rule] rules/rules/main.toml: rule 'staging-higher-risk': never fires for any answers"
    ]


def test_unused_tests_and_notes_are_caught(mini):
    edit(mini, "rules/main.toml", 'notes = ["pregnancy"]', 'notes = ["disclaimer"]')
    report = verify(load(mini))
    assert [p.where for p in report.of_kind("unused")] == ["note 'pregnancy'"]


def test_an_unreachable_option_is_caught(mini):
    # Risk is only asked for the breast; once breast is gone from the site options, it is never asked.
    edit(
        mini,
        "questions.toml",
        '{ question = "site", op = "is", value = "breast" }',
        '{ question = "site", op = "is", value = "lung" }',
    )
    report = verify(load(mini))
    assert "unreachable" not in kinds(report)
    edit(
        mini,
        "questions.toml",
        'show_when = { all = [\n  { question = "situation", op = "is", value = "screening" },',
        'show_when = { all = [\n  { question = "situation", op = "is", value = "screening" },\n  { question = "situation", op = "is", value = "staging" },',
    )
    report = verify(load(mini))
    assert [p.message for p in report.of_kind("unreachable")] == ["is never asked"]


def test_texts_without_source_or_date_are_caught(mini):
    edit(mini, "tests.toml", 'sources = ["https://example.org/ct"]\nreviewed = "2026-01-15"\n', "")
    report = verify(load(mini))
    assert [(p.kind, p.where) for p in report.problems] == [
        ("source", "test 'ct'"),
        ("review date", "test 'ct'"),
    ]


@pytest.mark.parametrize(
    "phrase",
    [
        "You should have a mammogram.",
        "You need a CT scan first.",
        "We recommend a yearly scan.",
        "Make sure you drink water.",
        "You'll have to lie still.",
    ],
)
def test_directive_phrasing_is_caught(mini, phrase):
    edit(mini, "tests.toml", 'limits = "Dense breasts can hide a tumor."', f'limits = "{phrase}"')
    (problem,) = verify(load(mini)).problems
    assert problem.kind == "directive"
    assert problem.where == "test 'mammogram'"


def test_hard_reading_is_caught(mini):
    hard = (
        "Mammographic sensitivity is substantially diminished in heterogeneously dense parenchymal "
        "configurations, necessitating supplementary modalities."
    )
    edit(mini, "tests.toml", 'limits = "Dense breasts can hide a tumor."', f'limits = "{hard}"')
    report = verify(load(mini), grade=reading_grade)
    (problem,) = report.of_kind("reading level")
    assert problem.where == "test 'mammogram'"
    assert "limits reads at grade" in problem.message
    assert report.grades[0].text.text == hard


def test_a_high_median_grade_is_caught(mini):
    report = verify(load(mini), grade=lambda text: 8.0)
    assert [p.message for p in report.of_kind("reading level")] == ["median grade 8.0 is above 7"]


def test_the_real_rules_pass_every_check(rulebook):
    report = verify(rulebook, grade=reading_grade)
    assert [str(p) for p in report.problems] == []
    assert report.grades[0].grade <= 9
    assert report.median_grade <= 7
    assert report.combinations > 10_000
