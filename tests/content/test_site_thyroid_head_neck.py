"""Thyroid and head and neck, across the six situations, against the real rule table.

Each case names the source a clinician can check (as cited in rules/rules/site_thyroid.toml and
rules/rules/site_head_neck.toml):
  USPSTF thyroid 2017   grade D: no screening of adults without symptoms (neck exam, ultrasound)
  ACS thyroid detection  higher risk (childhood radiation, close relative, RET/MEN2): screening may be offered
  ATA 2015               doi 10.1089/thy.2015.0020: TSH + ultrasound for every nodule; scan if TSH low;
                         FNA by pattern and size; follow-up with neck ultrasound and thyroglobulin
  ACR TI-RADS 2017       doi 10.1016/j.jacr.2017.01.046: TR1-TR5; FNA at 1 / 1.5 / 2.5 cm for TR5 / TR4 / TR3
  SNMMI DTC scintigraphy tech.snmjournals.org/content/48/3/202: iodine dye interferes; I-123 doses
  JNMT 2023              tech.snmjournals.org/content/51/3/239: I-123 breastfeeding advice differs
  USPSTF oral 2013       I statement; the screening test is a mouth exam
  Semin Nucl Med 2021    pubmed 33246537: CT first-line in adults; ultrasound for new neck masses in children
  PET-NECK (NEJM 2016)   doi 10.1056/NEJMoa1514493: PET/CT 12 weeks after chemoradiation
  Insights Imaging 2023  doi 10.1186/s13244-023-01578-4: groups differ on routine scans after treatment
"""

from __future__ import annotations

import pytest

from webapp.readability import reading_grade
from webapp.rulebook import asked_answers
from webapp.rulebook.texts import directive_phrase, patient_texts

from .outcome import C, N, S, outcome

REVIEWED = "2026-12-02"


def levels(rulebook, situation, **answers):
    _result, found, notes = outcome(rulebook, situation, **answers)
    return found, notes


# --------------------------------------------------------------------------------- thyroid


@pytest.mark.parametrize("risk", [None, "average", "unsure"])
def test_uspstf_d_no_thyroid_screening_scans_at_average_risk(rulebook, risk):
    found, notes = levels(rulebook, "screening", site="thyroid", age=45, risk=risk)
    assert found == {"ultrasound": N, "thyroid_scan": N}
    assert "screening-thyroid" in notes
    assert rulebook.notes["screening-thyroid"].topic == "no_imaging_screening"


@pytest.mark.parametrize("risk", ["higher", "very_high"])
def test_acs_higher_thyroid_risk_brings_ultrasound_to_sometimes(rulebook, risk):
    found, notes = levels(rulebook, "screening", site="thyroid", age=30, risk=risk)
    assert found["ultrasound"] == S and found["thyroid_scan"] == N
    assert "screening-thyroid-higher-risk" in notes


def test_risk_is_asked_for_thyroid_screening_and_names_thyroid_risks(rulebook):
    asked, _ignored = asked_answers(rulebook, {"situation": "screening", "site": "thyroid", "risk": "higher"})
    assert asked.get("risk") == "higher"
    risk = rulebook.question("risk")
    hints = {o.value: o.hints.get("thyroid", "") for o in risk.options}
    assert "thyroid cancer" in hints["higher"] and "RET" in hints["very_high"]


@pytest.mark.parametrize("found_by", [None, "symptom", "screening_result", "other_scan"])
def test_ata_thyroid_lump_ultrasound_first_scan_if_tsh_low(rulebook, found_by):
    found, notes = levels(rulebook, "symptoms", site="thyroid", age=50, found_by=found_by)
    assert found == {"ultrasound": C, "thyroid_scan": S, "guided_biopsy": S, "ct": N, "mri": N}
    assert {"symptoms-thyroid-tirads", "symptoms-thyroid-biopsy-sizes"} <= notes
    assert ("symptoms-thyroid-found-by-chance" in notes) == (found_by == "other_scan")


def test_tirads_note_explains_the_score_and_the_groups_differ_on_sizes(rulebook):
    tirads = rulebook.notes["symptoms-thyroid-tirads"]
    assert "TR1" in tirads.text and "TR5" in tirads.text and "five things" in tirads.text
    sizes = rulebook.notes["symptoms-thyroid-biopsy-sizes"]
    assert sizes.topic == "guideline_difference"
    assert "American Thyroid Association" in sizes.text and "American College of Radiology" in sizes.text
    assert "2.5 cm" in sizes.text


def test_thyroid_biopsy_is_an_ultrasound_guided_fine_needle_biopsy(rulebook):
    found, notes = levels(rulebook, "biopsy", site="thyroid")
    assert found == {"guided_biopsy": C, "ultrasound": C, "thyroid_scan": N}
    assert "biopsy-thyroid-fna" in notes


def test_thyroid_staging_neck_ultrasound_and_dye_note(rulebook):
    found, notes = levels(rulebook, "staging", site="thyroid", age=40)
    assert found["ultrasound"] == C and found["thyroid_scan"] == S and found["pet_ct"] == N
    assert "staging-thyroid-dye" in notes


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (None, {"ultrasound": C, "thyroid_scan": S, "ct": N, "pet_ct": N}),
        ("routine", {"ultrasound": C, "thyroid_scan": S, "ct": N, "pet_ct": N}),
        ("possible_return", {"ultrasound": C, "thyroid_scan": S, "ct": S, "pet_ct": S, "mri": S}),
    ],
)
def test_ata_thyroid_follow_up_ultrasound_and_thyroglobulin(rulebook, reason, expected):
    found, notes = levels(rulebook, "follow_up", site="thyroid", follow_up_reason=reason)
    assert found == expected
    assert "follow_up-thyroid-tg" in notes
    assert ("follow_up-possible-return" in notes) == (reason == "possible_return")


@pytest.mark.parametrize("factor", ["pregnant", "breastfeeding"])
def test_pregnancy_and_breastfeeding_move_the_iodine_scan_never_silently(rulebook, factor):
    result, found, _notes = outcome(rulebook, "symptoms", site="thyroid", age=30, factors=[factor])
    assert found["thyroid_scan"] == N and found["ultrasound"] == C
    entry = next(t for t in result.tests if t.id == "thyroid_scan")
    assert entry.usual_level == S and factor in entry.changed_by


def test_thyroid_scan_card_is_complete_and_plain(rulebook):
    card = rulebook.tests["thyroid_scan"]
    for field in ("name", "also_called", "summary", "time", "experience", "prepare", "shows_well", "limits"):
        assert getattr(card, field).strip(), field
    assert tuple(card.uses) == ("tracer",) and card.radiation.band and card.contrast.use == "none"
    assert {"pregnant", "breastfeeding"} <= set(card.cautions)
    assert "Groups differ" in card.cautions["breastfeeding"].text
    assert "dye" in card.prepare and len(card.ask) >= 2
    assert str(card.provenance.reviewed) == REVIEWED
    for text in (t for t in patient_texts(rulebook) if t.where == "test 'thyroid_scan'"):
        assert directive_phrase(text.text) is None, text.text
        if text.graded:
            assert reading_grade(text.text) <= 9, text.text


# --------------------------------------------------------------------------------- head and neck


def test_uspstf_i_no_head_and_neck_screening_scans(rulebook):
    found, notes = levels(rulebook, "screening", site="head_neck", age=60)
    assert set(found.values()) == {N}
    assert rulebook.notes["screening-head_neck"].topic == "no_imaging_screening"
    assert "screening-head_neck" in notes


@pytest.mark.parametrize("age", [None, 18, 65])
def test_adult_neck_lump_ct_first(rulebook, age):
    found, notes = levels(rulebook, "symptoms", site="head_neck", age=age)
    assert found == {"ct": C, "mri": S, "ultrasound": S, "pet_ct": N}
    assert "symptoms-head_neck-first-steps" in notes


@pytest.mark.parametrize("age", [4, 17])
def test_children_neck_lump_ultrasound_first(rulebook, age):
    found, _notes = levels(rulebook, "symptoms", site="head_neck", age=age)
    assert found["ultrasound"] == C and found["ct"] == S


def test_how_it_was_found_is_not_asked_for_head_and_neck(rulebook):
    asked, ignored = asked_answers(
        rulebook, {"situation": "symptoms", "site": "head_neck", "found_by": "other_scan"}
    )
    assert "found_by" not in asked and "found_by" in ignored
    asked, _ignored = asked_answers(
        rulebook, {"situation": "symptoms", "site": "thyroid", "found_by": "symptom"}
    )
    assert asked.get("found_by") == "symptom"


def test_head_and_neck_biopsy_and_staging(rulebook):
    found, notes = levels(rulebook, "biopsy", site="head_neck")
    assert found["guided_biopsy"] == C and "biopsy-head_neck" in notes
    found, _notes = levels(rulebook, "staging", site="head_neck", age=60)
    assert found["ct"] == C and found["pet_ct"] == S and found["mri"] == S


def test_pet_neck_scan_after_chemoradiation(rulebook):
    found, notes = levels(rulebook, "treatment", site="head_neck")
    assert found["pet_ct"] == S and "treatment-head_neck-pet" in notes
    assert "12 weeks" in rulebook.notes["treatment-head_neck-pet"].text


def test_head_and_neck_follow_up_shows_where_groups_differ(rulebook):
    found, notes = levels(rulebook, "follow_up", site="head_neck", follow_up_reason="routine")
    assert "follow_up-head_neck-differ" in notes and found["pet_ct"] == S
    assert rulebook.notes["follow_up-head_neck-differ"].topic == "guideline_difference"
    found, notes = levels(rulebook, "follow_up", site="head_neck", follow_up_reason="possible_return")
    assert found["ct"] == C and found["pet_ct"] == C and "follow_up-possible-return" in notes


@pytest.mark.parametrize("site", ["thyroid", "head_neck"])
def test_every_text_for_these_sites_is_sourced_dated_and_plain(rulebook, site):
    files = {f"rules/rules/site_{site}.toml", f"rules/notes/site_{site}.toml"}
    texts = [t for t in patient_texts(rulebook) if t.file in files]
    assert texts
    for text in texts:
        assert directive_phrase(text.text) is None, text.text
        if text.graded:
            assert reading_grade(text.text) <= 9, (text.where, text.text)
    for rule in rulebook.rules:
        if rule.provenance.file in files:
            assert rule.provenance.sources and str(rule.provenance.reviewed) == REVIEWED, rule.id
