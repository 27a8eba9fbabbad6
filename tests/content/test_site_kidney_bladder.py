"""Kidney and bladder, all six situations, against the real rule table.

Each case names the source a clinician can check (the rule's `sources` hold the links):
ACS kidney and bladder pages, USPSTF bladder screening (I statement), ACR Hematuria (RadiologyInfo
summary) and Hematuria-Child, the AUA renal mass and microhematuria guidelines, ACS Wilms tumor.
"""

from __future__ import annotations

import pytest

from webapp.rulebook import asked_answers

from .outcome import C, N, S, outcome


@pytest.mark.parametrize("risk", [None, "average", "higher", "unsure"])
def test_kidney_screening_is_not_imaging_below_very_high_risk(rulebook, risk):
    """ACS: no recommended kidney screening test at average risk."""
    _r, found, notes = outcome(rulebook, "screening", site="kidney", risk=risk, age=50)
    assert found == {"ultrasound": N, "ct": N}
    assert "screening-kidney" in notes


def test_kidney_screening_with_an_inherited_syndrome_differs_for_children(rulebook):
    """ACS: regular imaging for VHL and similar; ACS Wilms: ultrasound for children with syndromes."""
    _r, adult, _n = outcome(rulebook, "screening", site="kidney", risk="very_high", age=40)
    _r, child, _n = outcome(rulebook, "screening", site="kidney", risk="very_high", age=4)
    assert adult == {"mri": S, "ultrasound": S, "ct": S}
    assert child == {"ultrasound": C, "mri": S, "ct": N}


def test_risk_is_asked_for_kidney_screening_but_not_for_bladder(rulebook):
    kidney, _ = asked_answers(rulebook, {"situation": "screening", "site": "kidney", "risk": "very_high"})
    bladder, ignored = asked_answers(
        rulebook, {"situation": "screening", "site": "bladder", "risk": "very_high"}
    )
    assert kidney.get("risk") == "very_high"
    assert "risk" not in bladder and "risk" in ignored


def test_bladder_screening_is_the_uspstf_i_statement_with_no_scans(rulebook):
    _r, found, notes = outcome(rulebook, "screening", site="bladder", age=70)
    assert found == {"ct_urography": N, "ultrasound": N}
    assert "screening-bladder" in notes


def test_a_kidney_mass_found_by_chance_gets_ct_or_mri(rulebook):
    """AUA renal mass: multiphase CT or MRI to characterize a mass found on another scan."""
    _r, found, notes = outcome(rulebook, "symptoms", site="kidney", found_by="other_scan", age=55)
    assert found == {"ct": C, "mri": C, "ultrasound": S}
    assert "symptoms-kidney-found-by-chance" in notes
    _r, symptom, _n = outcome(rulebook, "symptoms", site="kidney", found_by="symptom", age=55)
    assert symptom["mri"] == S and symptom["ct_urography"] == S


@pytest.mark.parametrize("found_by", [None, "symptom", "other_scan"])
def test_a_child_with_a_kidney_lump_starts_with_ultrasound(rulebook, found_by):
    """ACS Wilms tumor: ultrasound is often the first test; it uses no radiation."""
    _r, found, notes = outcome(rulebook, "symptoms", site="kidney", found_by=found_by, age=3)
    assert found == {"ultrasound": C, "ct": S, "mri": S}
    assert "kidney-children-wilms" in notes


def test_visible_blood_in_the_urine_has_ct_urography_first(rulebook):
    """ACR Hematuria: CT urography usually appropriate for gross hematuria; cystoscopy checks the bladder."""
    _r, found, notes = outcome(rulebook, "symptoms", site="bladder", found_by="symptom", age=45)
    assert found == {"ct_urography": C, "mri": S, "ultrasound": S}
    assert "symptoms-bladder-cystoscopy" in notes


@pytest.mark.parametrize(("age", "ctu"), [(65, C), (60, C), (59, S), (35, S), (None, S)])
def test_blood_found_on_a_urine_test_depends_on_age_and_shows_both_guidelines(rulebook, age, ctu):
    """AUA/SUFU 2020 (age 60+ is high risk: CT urography) vs ACR (CTU with any risk factor)."""
    _r, found, notes = outcome(rulebook, "symptoms", site="bladder", found_by="screening_result", age=age)
    assert found["ct_urography"] == ctu and found["ultrasound"] == S
    assert "symptoms-bladder-urine-test-guidelines" in notes


def test_a_child_with_blood_in_the_urine_gets_ultrasound_not_ct_urography(rulebook):
    """ACR Hematuria-Child: ultrasound of kidneys and bladder; CT is not a usual first test."""
    _r, found, notes = outcome(rulebook, "symptoms", site="bladder", found_by="symptom", age=10)
    assert found == {"ultrasound": C, "ct_urography": N}
    assert "bladder-children" in notes


@pytest.mark.parametrize("site", ["kidney", "bladder"])
def test_pregnancy_moves_ct_urography_back_and_ultrasound_forward(rulebook, site):
    """ACR Hematuria, pregnancy variant: ultrasound usually appropriate; the change is shown, not silent."""
    result, found, _n = outcome(
        rulebook, "symptoms", site=site, found_by="symptom", age=30, factors=["pregnant"]
    )
    assert found["ct_urography"] == N and found["ultrasound"] == C
    ctu = next(t for t in result.tests if t.id == "ct_urography")
    assert ctu.usual_level in (C, S) and "pregnant" in ctu.changed_by


def test_kidney_biopsy_is_sometimes_and_bladder_biopsy_is_through_a_scope(rulebook):
    _r, kidney, kidney_notes = outcome(rulebook, "biopsy", site="kidney")
    _r, bladder, bladder_notes = outcome(rulebook, "biopsy", site="bladder")
    assert kidney["guided_biopsy"] == S and "biopsy-kidney" in kidney_notes
    assert bladder["guided_biopsy"] == N and "biopsy-bladder-turbt" in bladder_notes


def test_kidney_staging_uses_ct_and_keeps_bone_scans_for_some(rulebook):
    _r, adult, _n = outcome(rulebook, "staging", site="kidney", age=60)
    _r, child, _n = outcome(rulebook, "staging", site="kidney", age=5)
    assert adult == {"ct": C, "mri": S, "xray": S, "bone_scan": S}
    assert child == {"ct": C, "mri": S, "ultrasound": S, "xray": S}


@pytest.mark.parametrize(
    ("extent", "levels"),
    [
        ("early", {"ct_urography": C}),
        ("advanced", {"ct_urography": C, "ct": C, "mri": S, "bone_scan": S}),
        ("unsure", {"ct_urography": C, "ct": S, "mri": S}),
        (None, {"ct_urography": C, "ct": S, "mri": S}),
    ],
)
def test_bladder_staging_depends_on_whether_the_muscle_is_reached(rulebook, extent, levels):
    """Every new bladder cancer has upper-tract imaging; body scans once the muscle wall is reached."""
    _r, found, _n = outcome(rulebook, "staging", site="bladder", extent=extent, age=70)
    assert found == levels


def test_extent_is_asked_for_bladder_staging_but_not_for_kidney(rulebook):
    bladder, _ = asked_answers(rulebook, {"situation": "staging", "site": "bladder", "extent": "early"})
    kidney, ignored = asked_answers(rulebook, {"situation": "staging", "site": "kidney", "extent": "early"})
    assert bladder.get("extent") == "early"
    assert "extent" not in kidney and "extent" in ignored


@pytest.mark.parametrize("site", ["kidney", "bladder"])
def test_follow_up_reason_changes_the_result(rulebook, site):
    _r, routine, _n = outcome(rulebook, "follow_up", site=site, follow_up_reason="routine")
    _r, blank, _n = outcome(rulebook, "follow_up", site=site)
    _r, new, _n = outcome(rulebook, "follow_up", site=site, follow_up_reason="possible_return")
    assert routine == blank and new != routine
    assert new["ct"] == C and new["bone_scan"] == S


def test_kidney_follow_up_does_not_make_bone_scans_routine(rulebook):
    """AUA follow-up: bone scan only with bone pain or a raised alkaline phosphatase."""
    _r, found, notes = outcome(rulebook, "follow_up", site="kidney", follow_up_reason="routine")
    assert found["bone_scan"] == N and found["ct"] == C
    assert "follow_up-kidney" in notes


@pytest.mark.parametrize("site", ["kidney", "bladder"])
@pytest.mark.parametrize(
    "situation", ["screening", "symptoms", "biopsy", "staging", "treatment", "follow_up"]
)
def test_every_situation_has_tests_and_the_shared_notes(rulebook, site, situation):
    result, found, _notes = outcome(rulebook, situation, site=site, age=50)
    assert found, "at least one test is listed"
    assert {"disclaimer", "limits"} <= {n.topic for n in result.notes}
