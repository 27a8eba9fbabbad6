"""Comparing two results: tests added, removed or at another level, notes and cautions, with reasons."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from webapp.rulebook import Rulebook, evaluate
from webapp.rulebook.compare import ADDED, CHANGED, REMOVED, compare
from webapp.rulebook.model import Caution, Result, ResultTest

LUNG_STAGING = {"situation": "staging", "site": "lung", "age": 60, "factors": frozenset()}
PREGNANT = {**LUNG_STAGING, "factors": frozenset({"pregnant"})}


def result(book: Rulebook, *tests: ResultTest, notes: tuple[str, ...] = ()) -> Result:
    """A result made by hand, so each test controls exactly what differs."""
    return Result(
        answers=MappingProxyType({}),
        tests=tests,
        notes=tuple(book.notes[n] for n in notes),
        trace=(),
        ignored=(),
        rules_version=book.version,
    )


def card(book: Rulebook, test_id: str, level: str, why: str, cautions=(), changed_by=()) -> ResultTest:
    return ResultTest(book.tests[test_id], level, why, ("a-rule",), tuple(cautions), level, why, changed_by)


def test_one_result_against_itself_has_no_difference(rulebook):
    before = evaluate(rulebook, LUNG_STAGING)
    difference = compare(before, evaluate(rulebook, LUNG_STAGING))
    assert difference.nothing
    assert not (difference.tests_differ or difference.notes_differ or difference.cautions_differ)
    assert [t.id for t in difference.same] == [t.id for t in before.tests]


def test_added_removed_and_changed_tests_each_carry_their_levels_and_reason(rulebook):
    before = result(
        rulebook,
        card(rulebook, "ct", "commonly_used", "CT shows the chest."),
        card(rulebook, "xray", "sometimes_used", "An X-ray is quick."),
        card(rulebook, "mri", "sometimes_used", "MRI shows the brain."),
    )
    after = result(
        rulebook,
        card(rulebook, "ct", "sometimes_used", "Less often with this answer.", changed_by=("pregnant",)),
        card(rulebook, "mri", "sometimes_used", "MRI shows the brain."),
        card(rulebook, "ultrasound", "commonly_used", "No radiation."),
    )
    difference = compare(before, after)
    assert [(t.id, t.kind, t.before, t.after, t.why) for t in difference.changed] == [
        ("ct", CHANGED, "commonly_used", "sometimes_used", "Less often with this answer.")
    ]
    assert difference.changed[0].changed_by == ("pregnant",)
    assert [(t.id, t.kind, t.before, t.after, t.why) for t in difference.added] == [
        ("ultrasound", ADDED, None, "commonly_used", "No radiation.")
    ]
    # A test that is gone keeps the reason it had, so a reader sees why it was there.
    assert [(t.id, t.kind, t.before, t.after, t.why) for t in difference.removed] == [
        ("xray", REMOVED, "sometimes_used", None, "An X-ray is quick.")
    ]
    assert [t.id for t in difference.same] == ["mri"]
    assert difference.tests_differ and not difference.nothing


def test_notes_added_and_removed_keep_each_results_order(rulebook):
    before = result(rulebook, notes=("disclaimer", "radiation-general"))
    after = result(rulebook, notes=("disclaimer", "pregnancy-general", "limits-general"))
    difference = compare(before, after)
    assert [n.id for n in difference.notes_added] == ["pregnancy-general", "limits-general"]
    assert [n.id for n in difference.notes_removed] == ["radiation-general"]
    assert difference.notes_differ and not difference.tests_differ


def test_a_caution_gained_on_a_test_that_kept_its_level_is_a_difference(rulebook):
    caution = Caution("claustrophobia", "claustrophobia", "Tell the team before the scan.")
    before = result(rulebook, card(rulebook, "mri", "sometimes_used", "Why."))
    after = result(rulebook, card(rulebook, "mri", "sometimes_used", "Why.", cautions=[caution]))
    difference = compare(before, after)
    assert [(c.test.id, c.caution.text) for c in difference.cautions_added] == [
        ("mri", "Tell the team before the scan.")
    ]
    assert compare(after, before).cautions_removed[0].caution == caution
    assert not difference.tests_differ and not difference.nothing


def test_pregnancy_in_lung_staging_moves_pet_ct_and_says_why(rulebook):
    difference = compare(evaluate(rulebook, LUNG_STAGING), evaluate(rulebook, PREGNANT))
    changed = {t.id: t for t in difference.changed}
    assert (changed["pet_ct"].before, changed["pet_ct"].after) == ("commonly_used", "not_usually_used")
    assert "pregnan" in changed["pet_ct"].why.lower()
    assert changed["pet_ct"].changed_by == ("pregnant",)
    assert "pregnancy-general" in [n.id for n in difference.notes_added]
    assert any(c.caution.factor == "pregnant" for c in difference.cautions_added)


@pytest.mark.parametrize(("before", "after"), [(LUNG_STAGING, PREGNANT), (PREGNANT, LUNG_STAGING)])
def test_comparing_the_other_way_round_swaps_added_and_removed(rulebook, before, after):
    forward = compare(evaluate(rulebook, before), evaluate(rulebook, after))
    backward = compare(evaluate(rulebook, after), evaluate(rulebook, before))
    assert [t.id for t in forward.added] == [t.id for t in backward.removed]
    assert [t.id for t in forward.removed] == [t.id for t in backward.added]
    assert [(t.id, t.before, t.after) for t in forward.changed] == [
        (t.id, t.after, t.before) for t in backward.changed
    ]
    assert [n.id for n in forward.notes_added] == [n.id for n in backward.notes_removed]


def test_a_new_situation_changes_the_tests_themselves(rulebook):
    screening = {"situation": "screening", "site": "breast", "age": 50, "risk": "average"}
    staging = {"situation": "staging", "site": "breast", "age": 50}
    difference = compare(evaluate(rulebook, screening), evaluate(rulebook, staging))
    assert "mammogram" in {t.id for t in difference.removed} | {t.id for t in difference.changed}
    assert all(t.why for t in (*difference.added, *difference.removed, *difference.changed))
