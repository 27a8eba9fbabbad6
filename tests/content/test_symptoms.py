"""Situation "symptoms" and the `found_by` question, run against the real rule table.

Each case names the source a clinician can check. A blank `found_by` keeps the results the
rules gave before the question existed, so old links keep working.
"""

from __future__ import annotations

import pytest

from .outcome import SITES, C, N, S, outcome

FOUND_BY = [None, "symptom", "screening_result", "other_scan"]


def run(rulebook, **answers):
    return outcome(rulebook, "symptoms", **answers)


# Levels before `found_by` existed (the rule table of issue 6); a blank answer must keep them.
BEFORE = [
    (dict(site="breast", age=45), {"mammogram": C, "ultrasound": C, "breast_mri": S}),
    (dict(site="breast", age=25), {"ultrasound": C, "mammogram": S, "breast_mri": N}),
    (dict(site="breast"), {"mammogram": C, "ultrasound": C, "breast_mri": S}),
    (dict(site="lung", age=60), {"xray": C, "ct": C, "pet_ct": S}),
    (dict(site="colorectal", age=60), {"ct": S, "ct_colonography": S}),
    (dict(site="prostate", age=60), {"mri": C, "ultrasound": S, "bone_scan": N}),
    (dict(site="cervical", age=40), {"ultrasound": S, "mri": N, "ct": N}),
    (dict(site="lymphoma", age=40), {"ct": C, "ultrasound": S, "xray": S, "pet_ct": N}),
    (dict(site="lymphoma"), {"ct": C, "ultrasound": S, "xray": S, "pet_ct": N}),
    (dict(site="lymphoma", age=9), {"ultrasound": C, "xray": S, "ct": S, "pet_ct": N}),
    (dict(site="other", age=50), {"xray": S, "ultrasound": S, "ct": S, "mri": S}),
    (dict(), {"xray": S, "ultrasound": S, "ct": S, "mri": S}),
]


@pytest.mark.parametrize(("answers", "levels"), BEFORE, ids=[str(a) for a, _ in BEFORE])
def test_blank_found_by_keeps_the_results_from_before_the_question(rulebook, answers, levels):
    _result, found, _notes = run(rulebook, **answers)
    assert found == levels


@pytest.mark.parametrize(("answers", "levels"), BEFORE, ids=[str(a) for a, _ in BEFORE])
def test_something_the_person_noticed_gives_the_same_result_as_blank(rulebook, answers, levels):
    blank, found_blank, notes_blank = run(rulebook, **answers)
    noticed, found_noticed, notes_noticed = run(rulebook, found_by="symptom", **answers)
    assert found_noticed == found_blank == levels
    assert notes_noticed == notes_blank
    assert [t.why for t in noticed.tests] == [t.why for t in blank.tests]


@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize("found_by", FOUND_BY)
@pytest.mark.parametrize("age", [None, 9, 25, 45, 70])
def test_every_site_and_found_by_gives_a_complete_result(rulebook, site, found_by, age):
    result, found, _notes = run(rulebook, site=site, found_by=found_by, age=age)
    assert found, "every symptoms result lists at least one test"
    topics = {n.topic for n in result.notes}
    assert {"disclaimer", "limits"} <= topics


# -- breast ------------------------------------------------------------------------------------


def test_acs_call_back_after_screening_mammogram_diagnostic_mammogram_and_ultrasound(rulebook):
    # ACS "If you're called back after a mammogram": a diagnostic mammogram, often an ultrasound,
    # and an MRI for some.
    result, found, notes = run(rulebook, site="breast", age=52, found_by="screening_result")
    assert found == {"mammogram": C, "ultrasound": C, "breast_mri": S}
    assert "symptoms-breast-call-back" in notes
    mammogram = next(t for t in result.tests if t.id == "mammogram")
    assert "call-back" in mammogram.why


def test_acs_call_back_age_not_given_is_the_same_call_back(rulebook):
    _result, found, notes = run(rulebook, site="breast", found_by="screening_result")
    assert found == {"mammogram": C, "ultrasound": C, "breast_mri": S}
    assert "symptoms-breast-call-back" in notes


def test_acr_under_30_ultrasound_first_whatever_found_the_change(rulebook):
    # ACR palpable breast mass, under 30: ultrasound first; MRI usually not appropriate.
    for found_by in FOUND_BY:
        _result, found, _notes = run(rulebook, site="breast", age=25, found_by=found_by)
        assert found == {"ultrasound": C, "mammogram": S, "breast_mri": N}


def test_breast_finding_on_another_scan_follows_the_usual_breast_pattern(rulebook):
    _result, found, notes = run(rulebook, site="breast", age=60, found_by="other_scan")
    assert found == {"mammogram": C, "ultrasound": C, "breast_mri": S}
    assert "symptoms-breast-call-back" not in notes


# -- lung --------------------------------------------------------------------------------------


def test_acr_incidental_nodule_on_ct_followed_with_ct_not_chest_xray(rulebook):
    # ACR "Incidentally detected indeterminate pulmonary nodule" (RadiologyInfo 2024) and
    # Fleischner 2017: CT chest follow-up by size; PET/CT and biopsy for some larger spots.
    # Clinical review: a nodule already seen on CT is followed with CT, not a chest X-ray.
    _result, found, notes = run(rulebook, site="lung", age=58, found_by="other_scan")
    assert found["ct"] == C
    assert found["xray"] == N
    assert found["pet_ct"] == S
    assert found["guided_biopsy"] == S
    assert "symptoms-lung-nodule-by-chance" in notes


def test_lung_rads_spot_on_screening_scan_repeat_low_dose_ct(rulebook):
    # ACR Lung-RADS / NCCN patients: repeat low-dose CT after 3-6 months or at the yearly scan;
    # PET/CT or biopsy for larger or worrying spots; a chest X-ray is not used.
    _result, found, notes = run(rulebook, site="lung", age=66, found_by="screening_result")
    assert found["low_dose_ct"] == C
    assert found["xray"] == N
    assert found["pet_ct"] == S
    assert found["ct"] == S
    assert "symptoms-lung-screening-result" in notes


def test_acs_lung_symptom_chest_xray_often_first_then_ct(rulebook):
    # ACS "Tests for lung cancer": a chest X-ray is often the first test; CT shows more detail.
    result, found, _notes = run(rulebook, site="lung", age=66, found_by="symptom")
    assert found["xray"] == C
    assert found["ct"] == C
    xray = next(t for t in result.tests if t.id == "xray")
    assert "CT" in xray.why  # says a spot already seen on CT is checked with CT


def test_no_lung_found_by_answer_makes_the_xray_usual_for_a_spot_seen_on_scan(rulebook):
    for found_by in ("screening_result", "other_scan"):
        _result, found, _notes = run(rulebook, site="lung", found_by=found_by)
        assert found["xray"] == N


# -- colorectal --------------------------------------------------------------------------------


def test_acs_positive_stool_test_colonoscopy_not_imaging(rulebook):
    # ACS guideline: an abnormal result of a test other than colonoscopy is followed up with a
    # colonoscopy; CT colonography only when colonoscopy cannot be done or is incomplete.
    _result, found, notes = run(rulebook, site="colorectal", age=55, found_by="screening_result")
    assert found["ct_colonography"] == S
    assert found["ct"] == N
    assert C not in found.values()
    assert "symptoms-colorectal-positive-screen" in notes
    assert "symptoms-colorectal-colonoscopy" not in notes


@pytest.mark.parametrize("found_by", [None, "symptom", "other_scan"])
def test_bowel_symptoms_keep_colonoscopy_note_and_ct_for_some(rulebook, found_by):
    _result, found, notes = run(rulebook, site="colorectal", age=55, found_by=found_by)
    assert found == {"ct": S, "ct_colonography": S}
    assert "symptoms-colorectal-colonoscopy" in notes


# -- prostate ----------------------------------------------------------------------------------


def test_raised_psa_mri_before_biopsy_and_psa_repeated_first(rulebook):
    # NCCN / AUA-SUO 2023: prostate MRI before biopsy; a newly raised PSA is repeated first.
    result, found, notes = run(rulebook, site="prostate", age=62, found_by="screening_result")
    assert found == {"mri": C, "ultrasound": S, "bone_scan": N}
    assert "symptoms-prostate-psa-repeat" in notes
    note = next(n for n in result.notes if n.id == "symptoms-prostate-psa-repeat")
    assert "PSA" in note.text


@pytest.mark.parametrize("found_by", [None, "symptom", "other_scan"])
def test_prostate_without_screening_result_has_no_repeat_psa_note(rulebook, found_by):
    _result, found, notes = run(rulebook, site="prostate", age=62, found_by=found_by)
    assert found == {"mri": C, "ultrasound": S, "bone_scan": N}
    assert "symptoms-prostate-psa-repeat" not in notes
    assert "symptoms-prostate-psa" in notes


# -- cervical ----------------------------------------------------------------------------------


def test_acs_nci_abnormal_pap_or_hpv_colposcopy_no_imaging(rulebook):
    # ACS "When cervical screening test results are abnormal", NCI "Understanding cervical
    # changes": a repeat test or colposcopy; scans are used once cancer is found.
    _result, found, notes = run(rulebook, site="cervical", age=35, found_by="screening_result")
    assert found == {"ultrasound": N, "mri": N, "ct": N}
    assert "symptoms-cervical-abnormal-screen" in notes


def test_cervical_bleeding_pelvic_ultrasound_for_some(rulebook):
    _result, found, notes = run(rulebook, site="cervical", age=35, found_by="symptom")
    assert found == {"ultrasound": S, "mri": N, "ct": N}
    assert "symptoms-cervical-first-steps" in notes


# -- lymphoma ----------------------------------------------------------------------------------


@pytest.mark.parametrize("found_by", FOUND_BY)
def test_lymphoma_keeps_the_children_split_for_every_found_by(rulebook, found_by):
    # ACR neck mass / adenopathy: CT for adults; ultrasound first for a child's neck lump;
    # PET/CT is a staging test once lymphoma is found.
    _r, adult, _n = run(rulebook, site="lymphoma", age=45, found_by=found_by)
    _r, child, child_notes = run(rulebook, site="lymphoma", age=9, found_by=found_by)
    assert adult == {"ct": C, "ultrasound": S, "xray": S, "pet_ct": N}
    assert child == {"ultrasound": C, "xray": S, "ct": S, "pet_ct": N}
    assert "radiation-children" in child_notes


def test_lymphoma_age_17_is_a_child_and_18_an_adult(rulebook):
    _r, at_17, _n = run(rulebook, site="lymphoma", age=17)
    _r, at_18, _n = run(rulebook, site="lymphoma", age=18)
    assert at_17["ultrasound"] == C
    assert at_18["ct"] == C


# -- other or not sure -------------------------------------------------------------------------


def test_acr_incidental_findings_note_for_another_part_found_on_a_scan(rulebook):
    # ACR Incidental Findings Committee: most findings made by chance are harmless; some need a
    # scan aimed at that organ. The tests stay "sometimes" because they depend on the organ.
    _result, found, notes = run(rulebook, site="other", age=50, found_by="other_scan")
    assert found == {"xray": S, "ultrasound": S, "ct": S, "mri": S}
    assert {"symptoms-other-found-by-chance", "symptoms-other-depends"} <= notes


@pytest.mark.parametrize("found_by", [None, "symptom", "screening_result"])
def test_other_without_a_scan_finding_has_no_incidental_note(rulebook, found_by):
    _result, _found, notes = run(rulebook, site="other", age=50, found_by=found_by)
    assert "symptoms-other-found-by-chance" not in notes
