"""Uterus and ovary against the real rule table; each case names the source a clinician can check.

Sources, as cited in rules/rules/site_uterus.toml and site_ovary.toml:
  ACOG CO 734      acog.org ... transvaginal ultrasonography ... postmenopausal bleeding (TVUS first for
                   bleeding; not a screening tool; a thick lining found by chance need not be worked up)
  ACS endometrial  cancer.org ... endometrial-cancer ... detection (no screening test at average risk;
                   Lynch syndrome: yearly endometrial biopsy from 35)
  ACR endometrial  radiologyinfo.org acs-pretreatment-endometrial-cancer (pelvic MRI for staging; CT/PET for
                   high grade; MRI, CT and PET/CT for suspected recurrence)
  USPSTF ovarian   grade D against screening without a known hereditary syndrome
  ACR ovarian      gravitas.acr.org topicId=42 (CT chest/abdomen/pelvis for staging; ultrasound not)
  ACR adnexal mass acsearch.acr.org TopicId=124 (ultrasound first; MRI when unclear)
"""

from __future__ import annotations

import pytest

from webapp.rulebook import asked_answers

from .outcome import C, N, S, outcome


def test_bleeding_after_menopause_starts_with_a_vaginal_ultrasound(rulebook):
    # ACOG CO 734; ACS endometrial: TVUS is a usual first test, CT and MRI come at staging.
    _r, found, notes = outcome(rulebook, "symptoms", site="uterus", age=62, found_by="symptom")
    assert found == {"ultrasound": C, "mri": N, "ct": N}
    assert "symptoms-uterus-bleeding" in notes


def test_a_thick_lining_found_by_chance_is_not_worked_up_as_bleeding(rulebook):
    # ACOG CO 734: an incidental lining over 4 mm without bleeding need not routinely trigger evaluation.
    _r, found, _n = outcome(rulebook, "symptoms", site="uterus", age=62, found_by="other_scan")
    assert found["ultrasound"] == S


def test_uterus_screening_is_not_imaging_and_lynch_gets_the_biopsy_note(rulebook):
    # ACOG CO 734: TVUS is not a screening tool; ACS: yearly biopsy for Lynch syndrome.
    result, found, _notes = outcome(rulebook, "screening", site="uterus", age=50, risk="average")
    assert found == {"ultrasound": N}
    assert "no_imaging_screening" in {n.topic for n in result.notes}
    _r, lynch, lynch_notes = outcome(rulebook, "screening", site="uterus", age=40, risk="very_high")
    assert lynch == {} and "screening-uterus-lynch" in lynch_notes


@pytest.mark.parametrize(
    ("extent", "levels"),
    [
        ("early", {"mri": C, "ct": S, "pet_ct": S}),
        ("advanced", {"mri": C, "ct": C, "pet_ct": S}),
        (None, {"mri": C, "ct": S, "pet_ct": S}),
    ],
)
def test_uterus_staging_uses_pelvic_mri_and_more_body_scans_when_advanced(rulebook, extent, levels):
    # ACR endometrial: pelvic MRI usually appropriate; CT chest/abdomen/pelvis for high grade.
    _r, found, _n = outcome(rulebook, "staging", site="uterus", extent=extent)
    assert found == levels


def test_extent_is_asked_for_uterus_but_not_ovary_staging(rulebook):
    asked, _ignored = asked_answers(rulebook, {"situation": "staging", "site": "uterus", "extent": "early"})
    assert asked.get("extent") == "early"
    asked, ignored = asked_answers(rulebook, {"situation": "staging", "site": "ovary", "extent": "early"})
    assert "extent" not in asked and "extent" in ignored


def test_uterus_follow_up_scans_only_when_something_new(rulebook):
    # ACR endometrial: no routine imaging for low risk; MRI, CT and PET/CT for suspected recurrence.
    _r, routine, _n = outcome(rulebook, "follow_up", site="uterus", follow_up_reason="routine")
    _r, new, notes = outcome(rulebook, "follow_up", site="uterus", follow_up_reason="possible_return")
    assert routine["pet_ct"] == N and routine["ct"] == S
    assert new["ct"] == new["mri"] == new["pet_ct"] == C
    assert "follow_up-possible-return" in notes


@pytest.mark.parametrize("risk", ["average", "higher", "unsure", None])
def test_ovarian_screening_is_advised_against_without_a_known_gene_change(rulebook, risk):
    # USPSTF grade D.
    _r, found, notes = outcome(rulebook, "screening", site="ovary", age=55, risk=risk)
    assert found == {"ultrasound": N, "ct": N, "mri": N}
    assert "screening-ovary" in notes


def test_ovarian_screening_with_a_gene_change_shows_both_views(rulebook):
    # USPSTF D does not cover BRCA; ACR says high-risk people may choose ultrasound; no proven benefit.
    result, found, _n = outcome(rulebook, "screening", site="ovary", age=40, risk="very_high")
    assert found == {"ultrasound": S, "ct": N, "mri": N}
    assert "guideline_difference" in {n.topic for n in result.notes}


def test_a_possible_ovarian_growth_starts_with_ultrasound_and_children_get_their_note(rulebook):
    # ACR adnexal mass: ultrasound first, MRI when unclear; NCI: germ cell tumors in teens.
    _r, found, notes = outcome(rulebook, "symptoms", site="ovary", age=15, found_by="symptom")
    assert found["ultrasound"] == C and found["mri"] == S and found["ct"] == N
    assert "symptoms-ovary-children" in notes
    _r, _f, adult_notes = outcome(rulebook, "symptoms", site="ovary", age=45, found_by="symptom")
    assert "symptoms-ovary-children" not in adult_notes


def test_ovarian_staging_is_ct_not_ultrasound(rulebook):
    # ACR ovarian variant 1: CT usually appropriate, pelvic ultrasound usually not appropriate.
    _r, found, _n = outcome(rulebook, "staging", site="ovary", age=60)
    assert found == {"ct": C, "mri": S, "pet_ct": S, "ultrasound": N}


def test_ovarian_follow_up_turns_to_ct_when_ca125_rises(rulebook):
    _r, routine, notes = outcome(rulebook, "follow_up", site="ovary", follow_up_reason="routine")
    assert routine["ct"] == N and "follow_up-ovary" in notes
    _r, new, _n = outcome(rulebook, "follow_up", site="ovary", follow_up_reason="possible_return")
    assert new["ct"] == C and new["pet_ct"] == S
