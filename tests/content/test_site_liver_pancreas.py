"""The liver and pancreas sites and the endoscopic ultrasound card, run against the real rule table.

Each case names the source a clinician can check: AASLD and the ACS for liver surveillance,
ACR LI-RADS, USPSTF 2019 (pancreas, grade D), the CAPS Consortium 2019, ASCO and the ACR
Appropriateness Criteria for pancreatic cysts.
"""

from __future__ import annotations

import pytest

from webapp.readability import reading_grade
from webapp.rulebook import asked_answers

from .outcome import C, N, S, outcome

SITUATIONS = ["screening", "symptoms", "biopsy", "staging", "treatment", "follow_up"]


def topics(result):
    return {n.topic for n in result.notes}


# --------------------------------------------------------------------------------- liver


def test_liver_surveillance_for_cirrhosis_or_hepatitis_b_is_ultrasound_every_6_months(rulebook):
    result, found, notes = outcome(rulebook, "screening", site="liver", risk="very_high", age=60)
    assert found == {"ultrasound": C, "ct": S, "mri": S}
    why = next(t.why for t in result.tests if t.id == "ultrasound")
    assert "every 6 months" in why and "AFP" in why
    # AASLD (with or without AFP), EASL (alone) and APASL (with AFP) are shown side by side.
    difference = rulebook.notes["screening-liver-guidelines"]
    assert "screening-liver-guidelines" in notes and difference.topic == "guideline_difference"
    assert all(body in difference.text for body in ("AASLD", "EASL", "APASL"))


@pytest.mark.parametrize("risk", [None, "average", "higher", "unsure"])
def test_liver_screening_without_cirrhosis_or_hepatitis_b_is_not_imaging(rulebook, risk):
    result, found, _notes = outcome(rulebook, "screening", site="liver", risk=risk, age=60)
    assert found == {"ultrasound": N, "ct": N}
    assert "no_imaging_screening" in topics(result)


def test_the_liver_risk_question_is_asked_and_names_cirrhosis_and_hepatitis_b(rulebook):
    asked, _ignored = asked_answers(
        rulebook, {"situation": "screening", "site": "liver", "risk": "very_high"}
    )
    assert asked.get("risk") == "very_high"
    very_high = next(o for o in rulebook.question("risk").options if o.value == "very_high")
    assert "cirrhosis" in very_high.hints["liver"] and "hepatitis B" in very_high.hints["liver"]


def test_a_liver_spot_from_a_surveillance_check_goes_to_multiphase_ct_or_mri_with_li_rads(rulebook):
    _r, noticed, _n = outcome(rulebook, "symptoms", site="liver", age=60)
    assert noticed == {"ultrasound": C, "ct": C, "mri": C}  # ultrasound is often the first look (ACS)
    _r, flagged, notes = outcome(rulebook, "symptoms", site="liver", found_by="screening_result", age=60)
    assert flagged == {"ct": C, "mri": C}
    assert "symptoms-liver-li-rads" in notes
    assert "LR-5" in rulebook.notes["symptoms-liver-li-rads"].text


def test_liver_cancer_can_be_diagnosed_by_imaging_so_biopsy_is_only_sometimes(rulebook):
    result, found, _notes = outcome(rulebook, "biopsy", site="liver", age=60)
    assert found["guided_biopsy"] == S
    assert "biopsy" in topics(result)


def test_a_child_with_a_liver_tumor_sees_the_hepatoblastoma_note(rulebook):
    _r, _found, child = outcome(rulebook, "symptoms", site="liver", age=2)
    _r, _found, adult = outcome(rulebook, "symptoms", site="liver", age=50)
    assert "liver-children" in child and "liver-children" not in adult
    assert "hepatoblastoma" in rulebook.notes["liver-children"].text


# --------------------------------------------------------------------------------- pancreas


@pytest.mark.parametrize("risk", [None, "average", "higher", "unsure"])
def test_uspstf_grade_d_no_pancreas_screening_unless_very_high_risk(rulebook, risk):
    result, found, _notes = outcome(rulebook, "screening", site="pancreas", risk=risk, age=60)
    assert found == {"ct": N, "mri": N, "endoscopic_ultrasound": N}
    assert "no_imaging_screening" in topics(result)
    assert "US Preventive Services Task Force" in rulebook.notes["screening-pancreas-not-advised"].text


@pytest.mark.parametrize("age", [None, 45, 70])
def test_caps_surveillance_for_very_high_risk_adults_is_mri_and_eus(rulebook, age):
    _result, found, notes = outcome(rulebook, "screening", site="pancreas", risk="very_high", age=age)
    assert found == {"mri": C, "endoscopic_ultrasound": C, "ct": N}
    assert {"screening-pancreas-surveillance", "screening-pancreas-start-age"} <= notes


def test_children_at_very_high_pancreas_risk_are_not_checked_yet(rulebook):
    _result, found, _notes = outcome(rulebook, "screening", site="pancreas", risk="very_high", age=12)
    assert found == {"mri": N, "endoscopic_ultrasound": N}


def test_pancreas_symptoms_start_with_a_pancreas_protocol_ct(rulebook):
    result, found, _notes = outcome(rulebook, "symptoms", site="pancreas", age=65)
    assert found == {"ct": C, "mri": S, "endoscopic_ultrasound": S}
    assert "pancreas-protocol CT" in next(t.why for t in result.tests if t.id == "ct")


@pytest.mark.parametrize(
    ("found_by", "levels"),
    [
        ("screening_result", {"endoscopic_ultrasound": C, "mri": S, "ct": S}),  # CAPS: EUS-FNA
        ("other_scan", {"mri": C, "endoscopic_ultrasound": S, "ct": S}),  # ACR AC pancreatic cyst
    ],
)
def test_how_a_pancreas_finding_was_found_changes_the_next_test(rulebook, found_by, levels):
    _result, found, _notes = outcome(rulebook, "symptoms", site="pancreas", found_by=found_by, age=65)
    assert found == levels


def test_pancreas_biopsy_is_mostly_done_with_endoscopic_ultrasound(rulebook):
    _result, found, notes = outcome(rulebook, "biopsy", site="pancreas", age=65)
    assert found["endoscopic_ultrasound"] == C and found["guided_biopsy"] == S
    assert "biopsy-pancreas-eus" in notes


def test_pancreas_staging_and_treatment_use_ct_not_routine_pet(rulebook):
    for situation in ("staging", "treatment"):
        _result, found, _notes = outcome(rulebook, situation, site="pancreas", age=65)
        assert found["ct"] == C and found["pet_ct"] == N


def test_routine_scans_after_pancreas_surgery_show_that_groups_differ(rulebook):
    result, found, _notes = outcome(rulebook, "follow_up", site="pancreas", follow_up_reason="routine")
    assert found == {"ct": S}
    assert "guideline_difference" in topics(result)
    _r, back, back_notes = outcome(rulebook, "follow_up", site="pancreas", follow_up_reason="possible_return")
    assert back["ct"] == C and "follow_up-possible-return" in back_notes


# --------------------------------------------------------------------------------- both sites


@pytest.mark.parametrize("site", ["liver", "pancreas"])
@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("age", [None, 8, 60])
def test_every_situation_gives_a_complete_result(rulebook, site, situation, age):
    result, found, _notes = outcome(rulebook, situation, site=site, age=age)
    assert found or "no_imaging_screening" in topics(result)
    assert {"disclaimer", "limits"} <= topics(result)
    assert all(t.why for t in result.tests)


# --------------------------------------------------------------------------------- the EUS card


def test_the_endoscopic_ultrasound_card_is_complete(rulebook):
    test = rulebook.tests["endoscopic_ultrasound"]
    assert list(test.uses) == ["sound_waves"]
    assert test.radiation.band == "none" and test.contrast.use == "none"
    assert {"pregnant", "implant", "claustrophobia"} <= set(test.cautions)
    assert len(test.ask) >= 3 and str(test.provenance.reviewed) == "2026-12-02"
    for words in (test.summary, test.experience, test.prepare, test.shows_well, test.limits):
        assert reading_grade(words) <= 9
    assert "sedation" in test.experience and "drive you home" in test.prepare


def test_the_endoscopic_ultrasound_page_and_compare_view(app, rulebook):
    client = app.test_client()
    page = client.get("/tests/endoscopic_ultrasound")
    assert page.status_code == 200
    assert "Endoscopic ultrasound (EUS)" in page.get_data(as_text=True)
    compare = client.get("/tests/compare?tests=endoscopic_ultrasound,ct,mri")
    assert compare.status_code == 200
    assert rulebook.tests["endoscopic_ultrasound"].time in compare.get_data(as_text=True)
