"""The sites "skin" and "brain" across the six situations, run against the real rule table.

Each case names the source a clinician can check (as cited in rules/rules/site_skin.toml and
rules/rules/site_brain.toml):
  USPSTF skin 2023   uspreventiveservicestaskforce.org ... skin-cancer-screening2 (I statement)
  NCCN melanoma      nccn.org/patients/guidelines/melanoma (2018): p.54 no routine imaging for stage
                     0-II, sentinel node for stage II and some IB; p.60 and p.71 CT, PET/CT, brain MRI
                     for stage III-IV; p.57 and p.71 follow-up imaging by stage, node ultrasound
  ACS brain          cancer.org ... brain-spinal-cord-tumors-adults ... how-diagnosed (MRI is the best
                     test; no screening test); NICE NG99 1.1.1 (MRI with contrast first)
  NICE vs EANO       PMC11341661 (MRI timing after surgery for high-grade glioma)
  Children MRI       cancer.org ... brain-spinal-cord-tumors-children; pubmed 21678113 (sedation)
"""

from __future__ import annotations

import pytest

from webapp.rulebook import asked_answers

from .outcome import C, N, S, outcome

SITUATIONS = ["screening", "symptoms", "biopsy", "staging", "treatment", "follow_up"]


@pytest.mark.parametrize("site", ["skin", "brain"])
@pytest.mark.parametrize("situation", SITUATIONS)
def test_every_situation_gives_a_test_or_says_imaging_is_not_the_screening(rulebook, site, situation):
    result, found, _notes = outcome(rulebook, situation, site=site, age=50)
    topics = {n.topic for n in result.notes}
    assert found or "no_imaging_screening" in topics
    assert {"disclaimer", "limits"} <= topics


# ------------------------------------------------------------------------------------------ skin


def test_uspstf_skin_screening_is_a_skin_check_not_a_scan(rulebook):
    _result, found, notes = outcome(rulebook, "screening", site="skin", age=40)
    assert "screening-skin" in notes
    assert set(found.values()) == {N}


def test_a_changing_skin_spot_is_checked_by_biopsy_not_a_scan(rulebook):
    _result, found, notes = outcome(rulebook, "symptoms", site="skin", age=35)
    assert "symptoms-skin-biopsy" in notes
    assert found["ct"] == N and found["pet_ct"] == N


def test_nccn_early_melanoma_no_routine_scans_but_the_sentinel_node_is_explained(rulebook):
    _result, found, notes = outcome(rulebook, "staging", site="skin", age=55, extent="early")
    assert found == {"ct": N, "pet_ct": N, "mri": N}
    assert "skin-sentinel-node" in notes


def test_nccn_advanced_melanoma_ct_with_pet_ct_and_brain_mri_for_some(rulebook):
    _result, found, _notes = outcome(rulebook, "staging", site="skin", age=55, extent="advanced")
    assert found["ct"] == C
    assert found["pet_ct"] == S and found["mri"] == S


def test_melanoma_extent_not_known_shows_scans_for_some(rulebook):
    _result, found, _notes = outcome(rulebook, "staging", site="skin", age=55)
    assert found == {"ct": S, "pet_ct": S, "mri": S}


def test_melanoma_follow_up_skin_exams_for_life_and_node_ultrasound_for_some(rulebook):
    _result, routine, notes = outcome(rulebook, "follow_up", site="skin", age=60, follow_up_reason="routine")
    assert "follow_up-skin" in notes
    assert routine["ultrasound"] == S and routine["ct"] == S
    _result, back, notes = outcome(
        rulebook, "follow_up", site="skin", age=60, follow_up_reason="possible_return"
    )
    assert back["ct"] == C and "follow_up-possible-return" in notes


# ----------------------------------------------------------------------------------------- brain


def test_acs_no_screening_test_for_brain_tumors(rulebook):
    _result, found, notes = outcome(rulebook, "screening", site="brain", age=45)
    assert "screening-brain" in notes
    assert set(found.values()) == {N}


def test_acs_nice_mri_with_contrast_is_the_usual_test_ct_for_some(rulebook):
    for situation in ("symptoms", "staging"):
        _result, found, _notes = outcome(rulebook, situation, site="brain", age=45)
        assert found["mri"] == C and found["ct"] == S


def test_a_brain_tumor_rarely_spreads_so_body_pet_ct_is_not_usual_at_staging(rulebook):
    _result, found, _notes = outcome(rulebook, "staging", site="brain", age=45)
    assert found["pet_ct"] == N


def test_stereotactic_biopsy_for_some_planned_on_mri(rulebook):
    _result, found, notes = outcome(rulebook, "biopsy", site="brain", age=45)
    assert found["guided_biopsy"] == S and found["mri"] == C
    assert "biopsy-brain" in notes


def test_brain_follow_up_mri_with_nice_and_eano_timing_shown_side_by_side(rulebook):
    result, routine, notes = outcome(rulebook, "follow_up", site="brain", age=45, follow_up_reason="routine")
    assert routine == {"mri": C}
    assert "follow_up-brain-timing" in notes
    assert "guideline_difference" in {n.topic for n in result.notes}
    _result, back, notes = outcome(
        rulebook, "follow_up", site="brain", age=45, follow_up_reason="possible_return"
    )
    assert back == {"mri": C, "ct": S} and "follow_up-possible-return" in notes


@pytest.mark.parametrize("situation", ["symptoms", "biopsy", "staging", "treatment", "follow_up"])
def test_children_with_a_brain_tumor_get_the_mri_and_sedation_note(rulebook, situation):
    _result, _found, child = outcome(rulebook, situation, site="brain", age=6)
    _result, _found, adult = outcome(rulebook, situation, site="brain", age=40)
    assert "brain-children-mri" in child and "brain-children-mri" not in adult


# ------------------------------------------------------------------------------- questionnaire


@pytest.mark.parametrize("site", ["skin", "brain"])
def test_how_it_was_found_is_not_asked_where_it_changes_nothing(rulebook, site):
    asked, ignored = asked_answers(
        rulebook, {"situation": "symptoms", "site": site, "found_by": "other_scan"}
    )
    assert "found_by" not in asked and "found_by" in ignored


def test_extent_is_asked_for_melanoma_staging_but_not_for_brain(rulebook):
    asked, _ = asked_answers(rulebook, {"situation": "staging", "site": "skin", "extent": "early"})
    assert asked.get("extent") == "early"
    asked, ignored = asked_answers(rulebook, {"situation": "staging", "site": "brain", "extent": "early"})
    assert "extent" not in asked and "extent" in ignored
