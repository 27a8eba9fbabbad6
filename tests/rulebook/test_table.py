"""The rule table in the open: each cell holds exactly the levels, rules and factor changes a person can meet."""

from __future__ import annotations

import datetime as dt

from webapp.rulebook import evaluate, load, verify
from webapp.rulebook.changelog import entries, has_entry, missing_entry
from webapp.rulebook.table import build, export_rows

from .conftest import edit


def test_a_cell_holds_every_level_the_other_answers_can_give_with_the_rules_behind_each(mini):
    breast = build(load(mini)).site("breast")
    mammogram = breast.cell("screening", "mammogram")
    assert mammogram.levels == ("commonly_used", "sometimes_used", "not_usually_used")
    assert mammogram.level == "commonly_used"
    assert not mammogram.unlisted  # every answer set lists it
    assert [(rc.rule.id, rc.level) for rc in mammogram.rules] == [
        ("breast-40-plus", "commonly_used"),
        ("breast-higher", "commonly_used"),
        ("breast-no-age", "sometimes_used"),
        ("breast-under-40", "not_usually_used"),
    ]
    by_rule = {rc.rule.id: rc for rc in mammogram.rules}
    assert by_rule["breast-under-40"].why == "Screening usually starts at 40."
    # The table is already about the site and situation; only the other conditions are named.
    assert by_rule["breast-40-plus"].when == ("risk is_not higher", "age at_least 40")


def test_a_test_left_out_for_some_answers_says_so(mini):
    mri = build(load(mini)).site("breast").cell("screening", "breast_mri")
    assert mri.levels == ("commonly_used", "not_usually_used")
    assert mri.unlisted  # under 40, or age not given: no rule names it


def test_no_rule_no_cell(mini):
    table = build(load(mini))
    assert table.site("lung").cell("screening", "mammogram") is None
    assert table.site("lung").tests == table.site("other").tests
    assert table.site("nowhere") is None


def test_factor_changes_show_where_they_move_a_level_and_from_what(mini):
    staging = build(load(mini)).site("lung")
    ct = staging.cell("staging", "ct")
    assert ct.levels == ("commonly_used",)
    ((change),) = ct.changes
    assert (change.rule.id, change.change.level, change.from_levels) == (
        "pregnant-staging",
        "sometimes_used",
        ("commonly_used",),
    )
    assert ct.factors == ("pregnant",)
    # A test only a factor brings in has a cell of its own, with no usual level.
    ultrasound = staging.cell("staging", "ultrasound")
    assert (ultrasound.levels, ultrasound.level, ultrasound.unlisted) == ((), "not_listed", True)
    assert [c.from_levels for c in ultrasound.changes] == [("not_listed",)]


def test_a_change_that_cannot_move_a_level_in_a_cell_is_not_shown_there(mini):
    # CT at staging becomes "sometimes used" by a rule of its own; pregnancy's change (from
    # "commonly used" only) then never applies, so the cell must not claim it does.
    edit(
        mini,
        "rules/main.toml",
        'id = "ct"\n  level = "commonly_used"',
        'id = "ct"\n  level = "sometimes_used"',
    )
    ct = build(load(mini)).site("lung").cell("staging", "ct")
    assert ct.levels == ("sometimes_used",)
    assert ct.changes == ()


def test_every_level_in_the_table_is_one_evaluate_gives(rulebook):
    table = build(rulebook)
    breast = table.site("breast")
    assert breast.cell("screening", "mammogram").level == "commonly_used"
    assert breast.tests[0].id == "mammogram"  # the tests a site relies on most come first
    result = evaluate(rulebook, {"situation": "screening", "site": "breast", "age": 50, "risk": "average"})
    for test in result.tests:
        assert test.level in table.site("breast").cell("screening", test.id).levels


def test_the_real_table_has_a_cell_for_every_test_any_result_can_show(rulebook):
    table = build(rulebook)
    for answers in (
        {"situation": "staging", "site": "lung", "extent": "advanced", "factors": frozenset({"pregnant"})},
        {"situation": "symptoms", "site": "kidney", "factors": frozenset({"pregnant", "implant"})},
        {"situation": "follow_up", "site": "breast", "follow_up_reason": "possible_return"},
    ):
        result = evaluate(rulebook, answers)
        for test in result.tests:
            cell = table.site(answers["site"]).cell(answers["situation"], test.id)
            assert cell is not None, test.id
            if test.changed:
                assert any(c.change.level == test.level for c in cell.changes), test.id
            else:
                assert test.level in cell.levels, test.id


def test_export_rows_are_one_per_rule_and_one_per_factor_change_in_each_cell(mini):
    table = build(load(mini))
    rows = export_rows(table)
    expected = sum(len(cell.rules) + len(cell.changes) for cell in table.cells())
    assert len(rows) == expected
    first = next(r for r in rows if r["rule"] == "breast-under-40")
    assert first | {"when": None} == {
        "site": "breast",
        "situation": "screening",
        "test": "mammogram",
        "test_name": first["test_name"],
        "kind": "usual",
        "level": "not_usually_used",
        "from_levels": [],
        "factors": [],
        "when": None,
        "rule": "breast-under-40",
        "why": "Screening usually starts at 40.",
        "about": first["about"],
        "sources": ["https://example.org/breast"],
        "reviewed": "2026-01-15",
        "file": "rules/rules/main.toml",
    }
    change = next(r for r in rows if r["kind"] == "factor" and r["test"] == "ultrasound")
    assert (change["from_levels"], change["factors"], change["level"]) == (
        ["not_listed"],
        ["pregnant"],
        "sometimes_used",
    )


def test_building_the_real_table_is_quick(rulebook):
    import time

    started = time.perf_counter()
    build(rulebook)
    assert time.perf_counter() - started < 1.0


# --- rules/CHANGELOG.md


CHANGELOG = """# What changed in the rules

<!--
    ## 2026-01-01 · rules version ffffffffffff
-->

## 2026-12-02 · rules version 0123456789ab
- Added kidney.

## 2026-11-28 · rules version abcdefabcdef
- First rules.
"""


def test_entries_name_their_versions_newest_first_and_comments_are_not_entries():
    found = entries(CHANGELOG)
    assert [e.version for e in found] == ["0123456789ab", "abcdefabcdef"]  # the title is no entry
    assert found[0].lines[0] == "- Added kidney."
    assert has_entry(CHANGELOG, "0123456789ab" + "0" * 52)
    assert not has_entry(CHANGELOG, "ffffffffffff" + "0" * 52)


def test_a_folder_without_a_changelog_is_not_checked(mini):
    assert missing_entry(mini, load(mini).version) is None
    assert not verify(load(mini), rules_dir=mini).of_kind("changelog")


def test_verify_fails_until_the_changelog_names_the_version_and_says_what_to_add(mini):
    (mini / "CHANGELOG.md").write_text(CHANGELOG)
    version = load(mini).version
    (problem,) = verify(load(mini), rules_dir=mini).of_kind("changelog")
    assert problem.file == "rules/CHANGELOG.md"
    today = dt.date.today().isoformat()
    assert f"has no entry for rules version {version[:12]}" in problem.message
    assert f"'## {today} · rules version {version[:12]}'" in problem.message
    assert f"change '0123456789ab' in its heading to '{version[:12]}'" in problem.message
    (mini / "CHANGELOG.md").write_text(CHANGELOG.replace("0123456789ab", version[:12]))
    assert not verify(load(mini), rules_dir=mini).of_kind("changelog")


def test_the_changelog_is_not_part_of_the_rules_version(mini):
    before = load(mini).version
    (mini / "CHANGELOG.md").write_text(CHANGELOG)
    assert load(mini).version == before
