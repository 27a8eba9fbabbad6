"""The imaging test catalogue and the "treatment" situation, run against the real rules.

It covers the new cards, the clinical review's corrections, and treatment results. Each case names the source a clinician can check.
"""

from __future__ import annotations

import pytest

from webapp.readability import reading_grade
from webapp.rulebook.texts import directive_phrase, patient_texts

from .outcome import SITES, C, S, outcome

NEW_TESTS = ["psma_pet", "heart_scan", "bone_density"]
ACOG_723 = "https://pubmed.ncbi.nlm.nih.gov/28937575/"
ACR_CONTRAST_MANUAL = "https://www.acr.org/Clinical-Resources/Contrast-Manual"
AAPM_SHIELDING = "https://w3.aapm.org/cares/"
JNMT_BREASTFEEDING = "https://tech.snmjournals.org/content/51/3/239"
ASCO_CARDIO_2017 = "https://doi.org/10.1200/JCO.2016.70.5400"
ASCO_BONE_2019 = "https://pubmed.ncbi.nlm.nih.gov/31532726/"


def run(rulebook, **answers):
    return outcome(rulebook, "treatment", **answers)


# --- The new cards -------------------------------------------------------------------------------


@pytest.mark.parametrize("test_id", NEW_TESTS)
def test_a_new_card_has_every_field(rulebook, test_id):
    test = rulebook.tests[test_id]
    for field in ("name", "also_called", "summary", "time", "experience", "prepare", "shows_well", "limits"):
        assert getattr(test, field).strip(), field
    assert test.uses
    assert test.radiation.band and test.radiation.typical and test.radiation.background
    assert test.contrast.use and test.contrast.how
    assert len(test.ask) >= 2
    assert test.cautions  # at least one safety factor matters for each
    assert test.provenance.sources and all(s.startswith("https://") for s in test.provenance.sources)
    assert str(test.provenance.reviewed) == "2026-12-01"


@pytest.mark.parametrize("test_id", NEW_TESTS)
def test_a_new_card_reads_plainly_and_gives_no_advice(rulebook, test_id):
    texts = [t for t in patient_texts(rulebook) if t.where == f"test '{test_id}'"]
    assert texts
    for text in texts:
        assert directive_phrase(text.text) is None, text.text
        if text.graded:
            assert reading_grade(text.text) <= 9, (text.field, text.text)


def test_new_cards_come_after_the_existing_ones(rulebook):
    order = list(rulebook.tests)
    assert all(order.index(t) > order.index("guided_biopsy") for t in NEW_TESTS)
    assert [t for t in order if t in NEW_TESTS] == NEW_TESTS


def test_psma_pet_fda_labels_no_fasting_for_the_tracer_unlike_fdg(rulebook):
    test = rulebook.tests["psma_pet"]
    assert "PSMA" in test.name and "PET" in test.name
    for tracer in ("PSMA-11", "piflufolastat", "flotufolastat"):
        assert tracer in test.also_called
    assert "does not call for fasting" in test.prepare and "FDG" in test.prepare
    assert "drink water" in test.prepare
    assert "own instructions" in test.prepare  # some centres still ask for fasting
    assert test.uses == ("tracer", "xray")
    # Pylarify label: 4.3 mSv from 370 MBq; the CT part adds more.
    assert test.radiation.band == "10_to_30"
    assert "4 to 5 mSv" in test.radiation.typical and "CT part" in test.radiation.typical
    assert any("api.fda.gov" in s and "Piflufolastat" in s for s in test.provenance.sources)
    assert set(test.cautions) >= {"pregnant", "breastfeeding", "kidney", "contrast_allergy", "claustrophobia"}


def test_heart_scan_asco_2017_echo_first_muga_uses_a_tracer(rulebook):
    test = rulebook.tests["heart_scan"]
    assert "echo" in test.name.lower() and "MUGA" in test.name
    assert set(test.uses) == {"sound_waves", "tracer"}
    assert test.radiation.band == "varies"
    assert "echo uses no radiation" in test.radiation.typical
    assert "8 mSv" in test.radiation.typical  # Anticancer Res 2017: 7.8 mSv per MUGA study
    assert ASCO_CARDIO_2017 in test.provenance.sources
    # A MUGA tracer (Tc-99m red cells): sources differ on a breastfeeding pause.
    assert "differ" in test.cautions["breastfeeding"].text
    assert "echo" in test.cautions["pregnant"].text


def test_bone_density_asco_2019_and_a_tiny_dose(rulebook):
    test = rulebook.tests["bone_density"]
    assert "DXA" in test.name
    assert test.uses == ("xray",)
    assert test.radiation.band == "under_0.1"
    assert "0.001 mSv" in test.radiation.typical  # RadiologyInfo dose chart
    assert "3 hours" in test.radiation.background
    assert "calcium" in test.prepare
    assert ASCO_BONE_2019 in test.provenance.sources
    assert "pregnant" in test.cautions


# --- The clinical review's corrections -------------------------------------------------------------


def test_breast_mri_implant_caution_names_tissue_expanders_as_mr_unsafe(rulebook):
    test = rulebook.tests["breast_mri"]
    caution = test.cautions["implant"].text
    assert "tissue expander" in caution and "MR Unsafe" in caution
    assert "https://doi.org/10.5999/aps.2018.01431" in test.provenance.sources
    assert "tissue expanders" in rulebook.tests["mri"].cautions["implant"].text


@pytest.mark.parametrize("test_id", ["xray", "mammogram"])
def test_aapm_2019_no_routine_belly_shield_is_promised(rulebook, test_id):
    test = rulebook.tests[test_id]
    caution = test.cautions["pregnant"].text
    assert "shield may cover" not in caution
    assert "no longer a routine part" in caution
    assert AAPM_SHIELDING in test.provenance.sources


def test_acr_contrast_manual_ct_prepare_does_not_require_fasting(rulebook):
    test = rulebook.tests["ct"]
    assert "stop eating a few hours before" not in test.prepare
    assert "no longer thought to be needed" in test.prepare
    assert "own instructions" in test.prepare
    assert ACR_CONTRAST_MANUAL in test.provenance.sources


def test_pet_ct_card_says_it_is_for_the_sugar_tracer_fdg(rulebook):
    test = rulebook.tests["pet_ct"]
    assert "FDG" in test.name
    assert "FDG" in test.also_called and "sugar" in test.also_called
    assert "FDG" in test.summary and "sugar" in test.summary
    assert "FDG" in test.prepare and "PSMA" in test.prepare
    assert "PSMA" in test.shows_well


@pytest.mark.parametrize("test_id", ["ct", "mri", "breast_mri"])
def test_acr_and_acog_723_no_need_to_stop_breastfeeding_after_contrast(rulebook, test_id):
    test = rulebook.tests[test_id]
    assert "no need to stop breastfeeding" in test.cautions["breastfeeding"].text
    assert ACOG_723 in test.provenance.sources
    assert ACR_CONTRAST_MANUAL in test.provenance.sources


@pytest.mark.parametrize(("test_id", "tracer"), [("pet_ct", "FDG"), ("bone_scan", "Tc-99m")])
def test_jnmt_2023_tracer_breastfeeding_cautions_name_the_tracer_and_say_groups_differ(
    rulebook, test_id, tracer
):
    test = rulebook.tests[test_id]
    caution = test.cautions["breastfeeding"].text
    assert tracer in caution
    assert "Groups differ" in caution and "ask the care team" in caution
    assert JNMT_BREASTFEEDING in test.provenance.sources


# --- Situation "treatment" -------------------------------------------------------------------------

TREATMENT = [
    (
        "FDA trastuzumab and doxorubicin labels, ASCO 2017: heart checks for some during breast treatment;"
        " ASCO 2019: DXA for some on aromatase inhibitors",
        dict(site="breast"),
        {"heart_scan": S, "bone_density": S, "breast_mri": S, "pet_ct": S},
        {"treatment-heart-checks", "treatment-bone-health", "treatment-radiation-planning"},
    ),
    (
        "FDA doxorubicin label, ASCO 2017: heart checks for some on anthracyclines; Lugano: PET/CT common",
        dict(site="lymphoma"),
        {"heart_scan": S, "pet_ct": C, "ct": S},
        {"treatment-heart-checks"},
    ),
    (
        "FDA PSMA PET and Lu-177 PSMA labels: PSMA PET for some; ASCO 2019: DXA for some on ADT",
        dict(site="prostate"),
        {"psma_pet": S, "bone_density": S, "bone_scan": S, "mri": S},
        {"treatment-bone-health", "treatment-prostate-psa"},
    ),
]


@pytest.mark.parametrize(
    ("answers", "levels", "notes"), [t[1:] for t in TREATMENT], ids=[t[0] for t in TREATMENT]
)
def test_treatment(rulebook, answers, levels, notes):
    _result, found, found_notes = run(rulebook, **answers)
    for test_id, level in levels.items():
        assert found.get(test_id) == level, f"{test_id}: {found.get(test_id)}"
    assert notes <= found_notes


def test_prostate_treatment_uses_psma_pet_not_the_fdg_card(rulebook):
    _result, found, _notes = run(rulebook, site="prostate")
    assert "psma_pet" in found
    assert "pet_ct" not in found


@pytest.mark.parametrize("site", ["lung", "colorectal", "cervical", "other"])
def test_heart_and_bone_checks_are_not_claimed_where_no_source_was_used(rulebook, site):
    _result, found, _notes = run(rulebook, site=site)
    assert "heart_scan" not in found and "bone_density" not in found
    assert found  # every treatment result has tests


def test_heart_scan_is_never_commonly_used_for_a_whole_site(rulebook):
    # Only some people get HER2 drugs or anthracyclines, and only some get hormone pills or ADT.
    for site in SITES:
        _result, found, _notes = run(rulebook, site=site)
        assert found.get("heart_scan") in (None, S)
        assert found.get("bone_density") in (None, S)


def test_blank_site_in_treatment_is_other(rulebook):
    _r, blank, blank_notes = run(rulebook)
    _r, other, other_notes = run(rulebook, site="other")
    assert blank == other and blank_notes == other_notes


@pytest.mark.parametrize("site", SITES)
def test_age_does_not_change_treatment_results(rulebook, site):
    _r, without, _n = run(rulebook, site=site)
    for age in (9, 40, 80):
        _r, found, _n = run(rulebook, site=site, age=age)
        assert found == without


def test_treatment_notes_are_sourced_and_dated(rulebook):
    for note_id in ("treatment-heart-checks", "treatment-bone-health"):
        note = rulebook.notes[note_id]
        assert note.provenance.sources and str(note.provenance.reviewed) == "2026-12-01"
        assert directive_phrase(note.text) is None
        assert reading_grade(note.text) <= 9
