"""Situation "screening" and the `risk` question, run against the real rule table.

Each case names the source a clinician can check. The boundaries are the ages the sources give:
breast 25 / 30 / 40 / 45 / 55 / 75 (76 for very high risk), colorectal 40 / 45 / 76 / 86.
A blank or "unsure" risk keeps the average-risk plan (the result before `very_high` existed),
and the old answer risk=higher stays valid.

Sources, as cited in rules/rules/screening.toml and rules/notes/screening.toml:
  ACS breast   cancer.org ... american-cancer-society-recommendations-for-the-early-detection-of-breast-cancer
  USPSTF 2024  uspreventiveservicestaskforce.org/uspstf/recommendation/breast-cancer-screening
  ACR 2023     doi.org/10.1016/j.jacr.2023.04.002 (higher-than-average risk; risk check by 25)
  ACR AC       pubmed 38823941 (breast screening 2023), 40409891 (dense breasts 2024),
               29724427 (colorectal screening 2018)
  NCCN         nccn.org genetics_bop (BRCA: MRI from 25, MRI and mammogram 30-75, then person by person)
  ACS CRC      cancer.org ... colon-rectal-cancer ... acs-recommendations
  USMSTF 2017  doi.org/10.1038/ajg.2017.174 (family history: from 40 or 10 years before)
  CDC Lynch    cdc.gov/colorectal-cancer-hereditary/prevention (colonoscopy every 1-2 years from 20-25)
  USPSTF PSA   2018: 55-69 individual decision (C), 70+ against (D)
"""

from __future__ import annotations

import pytest

from webapp.rulebook import parse_answers

from .outcome import C, N, S, outcome

BLANK = None


def run(rulebook, **answers):
    return outcome(rulebook, "screening", **answers)


# ------------------------------------------------------------------------------------ breast

# (source, risk, age, levels that must hold exactly for these tests)
BREAST = [
    # average risk (ACS 40-44 choice, 45-54 yearly, 55+ every 1-2 years; USPSTF 40-74 every 2 years)
    ("ACS: no average-risk screening at 24", "average", 24, {"mammogram": N, "breast_mri": N}),
    ("ACS/USPSTF: average risk starts at 40-45, not 39", "average", 39, {"mammogram": N, "breast_mri": N}),
    (
        "USPSTF: every 2 years from 40; ACS: choice at 40",
        "average",
        40,
        {"mammogram": C, "breast_mri": N, "ultrasound": S},
    ),
    ("ACS: choice to start at 44", "average", 44, {"mammogram": C, "breast_mri": N}),
    ("ACS: yearly from 45", "average", 45, {"mammogram": C, "breast_mri": N}),
    ("ACS: yearly to 54", "average", 54, {"mammogram": C, "breast_mri": N}),
    ("ACS: every 1-2 years from 55", "average", 55, {"mammogram": C, "breast_mri": N}),
    ("USPSTF: every 2 years through 74", "average", 74, {"mammogram": C, "breast_mri": N}),
    (
        "USPSTF: not enough evidence at 75+; ACS: while in good health",
        "average",
        75,
        {"mammogram": S, "breast_mri": N},
    ),
    ("USPSTF: not enough evidence at 76", "average", 76, {"mammogram": S, "breast_mri": N}),
    (
        "Average risk, age blank: the usual adult plan",
        "average",
        BLANK,
        {"mammogram": C, "breast_mri": N, "ultrasound": S},
    ),
    # unsure and blank risk: the average-risk plan
    ("Unsure risk keeps the average plan at 39", "unsure", 39, {"mammogram": N, "breast_mri": N}),
    ("Unsure risk keeps the average plan at 50", "unsure", 50, {"mammogram": C, "breast_mri": N}),
    ("Blank risk keeps the average plan at 50", BLANK, 50, {"mammogram": C, "breast_mri": N}),
    ("Blank risk keeps the average plan at 75", BLANK, 75, {"mammogram": S, "breast_mri": N}),
    ("Blank risk and age: the usual adult plan", BLANK, BLANK, {"mammogram": C, "breast_mri": N}),
    # higher risk: family history, no known gene change (ACS: MRI not for or against at 15-20%,
    # against below 15%; ACR AC: MRI may be appropriate at intermediate risk)
    ("Family history, 29: no screening tests yet", "higher", 29, {"mammogram": N, "breast_mri": N}),
    ("Family history, 30: mammograms most often from 40", "higher", 30, {"mammogram": N, "breast_mri": N}),
    ("Family history, 39: mammograms most often from 40", "higher", 39, {"mammogram": N, "breast_mri": N}),
    (
        "Family history, 40: mammograms as for average risk; MRI only sometimes",
        "higher",
        40,
        {"mammogram": C, "breast_mri": S, "ultrasound": S},
    ),
    ("Family history, 45", "higher", 45, {"mammogram": C, "breast_mri": S}),
    ("Family history, 55", "higher", 55, {"mammogram": C, "breast_mri": S}),
    ("Family history, 74", "higher", 74, {"mammogram": C, "breast_mri": S}),
    (
        "Family history, 75: mammograms person by person (ACS, USPSTF)",
        "higher",
        75,
        {"mammogram": S, "breast_mri": N},
    ),
    ("Family history, 76", "higher", 76, {"mammogram": S, "breast_mri": N}),
    ("Family history, age blank", "higher", BLANK, {"mammogram": C, "breast_mri": S}),
    # very high risk: BRCA, chest radiation 10-30, lifetime risk 20%+ (ACS from 30; ACR/NCCN MRI from 25)
    (
        "Very high risk, 24: yearly MRI most often starts at 25-30",
        "very_high",
        24,
        {"breast_mri": N, "mammogram": N},
    ),
    ("NCCN/ACR: BRCA carriers start yearly MRI at 25", "very_high", 25, {"breast_mri": C, "mammogram": S}),
    ("NCCN: MRI alone from 25 to 29; mammograms from 30", "very_high", 29, {"breast_mri": C, "mammogram": S}),
    (
        "ACS: yearly MRI and mammogram from 30",
        "very_high",
        30,
        {"breast_mri": C, "mammogram": C, "ultrasound": S},
    ),
    ("ACS: yearly MRI and mammogram at 45", "very_high", 45, {"breast_mri": C, "mammogram": C}),
    ("NCCN: yearly MRI and mammogram to 75", "very_high", 74, {"breast_mri": C, "mammogram": C}),
    ("NCCN: yearly MRI and mammogram at 75", "very_high", 75, {"breast_mri": C, "mammogram": C}),
    ("NCCN: after 75, person by person", "very_high", 76, {"breast_mri": S, "mammogram": S}),
    ("Very high risk, age blank", "very_high", BLANK, {"breast_mri": C, "mammogram": C}),
]


@pytest.mark.parametrize(("risk", "age", "levels"), [c[1:] for c in BREAST], ids=[c[0] for c in BREAST])
def test_breast_screening(rulebook, risk, age, levels):
    result, found, _notes = run(rulebook, site="breast", risk=risk, age=age)
    for test_id, level in levels.items():
        assert found.get(test_id) == level, f"{test_id}: {found.get(test_id)}"
    assert {"disclaimer", "limits"} <= {n.topic for n in result.notes}


@pytest.mark.parametrize("age", [BLANK, 20, 35, 50, 80])
def test_breast_mri_is_commonly_used_only_at_very_high_risk(rulebook, age):
    for risk in (BLANK, "average", "higher", "unsure"):
        _result, found, _notes = run(rulebook, site="breast", risk=risk, age=age)
        assert found.get("breast_mri") != C, (risk, age)


@pytest.mark.parametrize("risk", [BLANK, "unsure"])
@pytest.mark.parametrize("age", [BLANK, 30, 42, 50, 60, 80])
def test_unsure_or_blank_risk_is_the_average_plan_with_the_risk_note(rulebook, risk, age):
    result, found, notes = run(rulebook, site="breast", risk=risk, age=age)
    _avg, found_average, notes_average = run(rulebook, site="breast", risk="average", age=age)
    assert found == found_average
    assert notes - notes_average == {"screening-risk-unsure"}
    text = next(n.text for n in result.notes if n.id == "screening-risk-unsure")
    assert "Higher" in text and "Very high" in text and "BRCA" in text and "20%" in text


def test_old_answer_risk_higher_is_still_valid(rulebook):
    answers, errors = parse_answers(
        rulebook, {"situation": "screening", "site": "breast", "age": "50", "risk": "higher"}
    )
    assert not errors
    assert answers["risk"] == "higher"
    _answers, errors = parse_answers(
        rulebook, {"situation": "screening", "site": "breast", "risk": "very_high"}
    )
    assert not errors


@pytest.mark.parametrize("age", [BLANK, 35, 50, 80])
def test_higher_breast_risk_has_the_risk_assessment_note(rulebook, age):
    """ACR 2023: a risk assessment for every woman by 25; ACS: MRI not for or against at 15-20%."""
    result, _found, notes = run(rulebook, site="breast", risk="higher", age=age)
    assert "screening-breast-higher-risk" in notes
    text = next(n.text for n in result.notes if n.id == "screening-breast-higher-risk")
    assert "25" in text and "20%" in text and "15%" in text


@pytest.mark.parametrize(
    ("risk", "age", "shown"),
    [
        ("average", 40, True),
        ("average", 55, True),
        (BLANK, BLANK, True),
        ("higher", 50, True),
        ("higher", BLANK, True),
        ("average", 35, False),
        ("very_high", 45, False),
    ],
)
def test_groups_differ_on_dense_breasts(rulebook, risk, age, shown):
    """ACS: not enough evidence; ACR: MRI for many with dense breasts; USPSTF 2024: I statement."""
    result, _found, notes = run(rulebook, site="breast", risk=risk, age=age)
    assert ("screening-breast-dense" in notes) is shown
    if shown:
        note = next(n for n in result.notes if n.id == "screening-breast-dense")
        assert note.topic == "guideline_difference"
        for group in ("American Cancer Society", "American College of Radiology", "Task Force"):
            assert group in note.text


def test_breast_mri_is_mostly_for_very_high_risk_not_only(rulebook):
    result, _found, _notes = run(rulebook, site="breast", risk="average", age=50)
    why = next(t.why for t in result.tests if t.id == "breast_mri")
    assert "mostly" in why and "only" not in why


@pytest.mark.parametrize("risk", ["average", BLANK])
def test_from_55_the_ten_more_years_condition_is_stated(rulebook, risk):
    """ACS: from 55, every 1-2 years while in good health and expected to live 10+ more years."""
    result, _found, _notes = run(rulebook, site="breast", risk=risk, age=55)
    why = next(t.why for t in result.tests if t.id == "mammogram")
    assert "55" in why and "10 more years" in why
    ages = next(n.text for n in result.notes if n.id == "screening-breast-ages")
    assert "10 more years" in ages


def test_very_high_breast_risk_names_the_stop_age(rulebook):
    result, _found, _notes = run(rulebook, site="breast", risk="very_high", age=40)
    text = next(n.text for n in result.notes if n.id == "screening-breast-very-high-risk")
    assert "75" in text and "BRCA" in text


# ------------------------------------------------------------------------------------ colorectal

COLORECTAL = [
    # average risk (ACS: from 45; through 75; 76-85 person by person; not after 85)
    ("ACS: average-risk screening starts at 45, not 44", "average", 44, N),
    ("ACS: from 45; ACR: CT colonography usually appropriate", "average", 45, S),
    ("ACS: through 75", "average", 75, S),
    ("ACS: 76-85 person by person", "average", 76, S),
    ("ACS: 85 person by person", "average", 85, S),
    ("ACS: not after 85", "average", 86, N),
    ("Average risk, age blank", "average", BLANK, S),
    ("Unsure risk keeps the average plan", "unsure", 50, S),
    ("Blank risk keeps the average plan", BLANK, 44, N),
    ("Blank risk keeps the average plan at 50", BLANK, 50, S),
    # higher risk: family history (USMSTF: from 40 or 10 years before; ACR: CTC usually
    # appropriate at moderate risk; colonoscopy the main test)
    ("USMSTF: family history screening most often starts at 40", "higher", 39, N),
    ("USMSTF: from 40; ACR: CTC appropriate at moderate risk", "higher", 40, S),
    ("Family history, 44 (before the average-risk start)", "higher", 44, S),
    ("Family history, 50", "higher", 50, S),
    ("Family history, 75", "higher", 75, S),
    ("Family history, 76: person by person", "higher", 76, S),
    ("Family history, 86: not usually screened", "higher", 86, N),
    ("Family history, age blank", "higher", BLANK, S),
    # very high risk: Lynch, FAP, UC, Crohn's (ACR: colonoscopy preferred, imaging not indicated)
    ("CDC: Lynch colonoscopy from 20-25", "very_high", 22, N),
    ("ACR: colonoscopy for Lynch, UC, Crohn's at 40", "very_high", 40, N),
    ("ACR: colonoscopy, not CT colonography, at 50", "very_high", 50, N),
    ("Very high risk at 80", "very_high", 80, N),
    ("Very high risk, age blank", "very_high", BLANK, N),
]


@pytest.mark.parametrize(
    ("risk", "age", "level"), [c[1:] for c in COLORECTAL], ids=[c[0] for c in COLORECTAL]
)
def test_colorectal_screening(rulebook, risk, age, level):
    result, found, _notes = run(rulebook, site="colorectal", risk=risk, age=age)
    assert found == {"ct_colonography": level}
    assert {"disclaimer", "limits"} <= {n.topic for n in result.notes}


@pytest.mark.parametrize("age", [BLANK, 30, 45, 60, 80])
def test_higher_colorectal_risk_explains_colonoscopy_and_the_start_age(rulebook, age):
    result, _found, notes = run(rulebook, site="colorectal", risk="higher", age=age)
    assert "screening-colorectal-higher-risk" in notes
    note = next(n for n in result.notes if n.id == "screening-colorectal-higher-risk")
    assert note.topic == "no_imaging_screening"
    assert "colonoscopy" in note.text and "40" in note.text and "10 years" in note.text
    assert "screening-colorectal-very-high-risk" not in notes


@pytest.mark.parametrize("age", [BLANK, 22, 50])
def test_very_high_colorectal_risk_explains_colonoscopy(rulebook, age):
    result, _found, notes = run(rulebook, site="colorectal", risk="very_high", age=age)
    note = next(n for n in result.notes if n.id == "screening-colorectal-very-high-risk")
    assert note.topic == "no_imaging_screening"
    assert "Lynch" in note.text and "20 to 25" in note.text
    assert "screening-colorectal-higher-risk" not in notes


@pytest.mark.parametrize("risk", [BLANK, "unsure"])
def test_unsure_colorectal_risk_explains_higher_and_very_high(rulebook, risk):
    result, _found, _notes = run(rulebook, site="colorectal", risk=risk, age=50)
    text = next(n.text for n in result.notes if n.id == "screening-colorectal-risk-unsure")
    assert "Higher" in text and "Very high" in text and "Lynch" in text and "Crohn" in text


# ------------------------------------------------------------------------------------ other sites


@pytest.mark.parametrize("age", [BLANK, 45, 60, 72])
def test_prostate_shows_the_uspstf_view_beside_the_acs_one(rulebook, age):
    result, found, _notes = run(rulebook, site="prostate", age=age)
    assert found == {"mri": N}
    (diff,) = [n for n in result.notes if n.topic == "guideline_difference"]
    assert "American Cancer Society" in diff.text and "Task Force" in diff.text
    assert "55 to 69" in diff.text and "70" in diff.text
    assert any(n.topic == "no_imaging_screening" and "PSA" in n.text for n in result.notes)


LUNG = [
    (
        "ACS/USPSTF: yearly LDCT at 50-80, 20+ pack-years, smokes now",
        dict(smoking="current", age=50, pack_years=20),
        C,
    ),
    ("ACS/USPSTF: 80 is the last year", dict(smoking="current", age=80, pack_years=40), C),
    ("ACS/USPSTF: not at 81", dict(smoking="current", age=81, pack_years=40), N),
    ("ACS/USPSTF: not under 50", dict(smoking="current", age=49, pack_years=40), N),
    (
        "ACS/USPSTF: not under 20 pack-years",
        dict(smoking="former", age=60, pack_years=19, years_since_quit=2),
        N,
    ),
    (
        "All agree: quit within 15 years",
        dict(smoking="former", age=60, pack_years=30, years_since_quit=15),
        C,
    ),
    (
        "ACS 2023 vs USPSTF: quit 16+ years ago",
        dict(smoking="former", age=60, pack_years=30, years_since_quit=16),
        S,
    ),
    ("Never smoked: no lung screening", dict(smoking="never", age=60), N),
]


@pytest.mark.parametrize(("answers", "level"), [c[1:] for c in LUNG], ids=[c[0] for c in LUNG])
def test_lung_screening_still_works(rulebook, answers, level):
    _result, found, _notes = run(rulebook, site="lung", **answers)
    assert found["low_dose_ct"] == level
    assert found["xray"] == N


@pytest.mark.parametrize(
    ("site", "words"), [("cervical", "HPV"), ("lymphoma", "lymph"), ("other", "Whole-body")]
)
@pytest.mark.parametrize("age", [BLANK, 30, 70])
def test_sites_without_imaging_screening_say_what_is_used(rulebook, site, words, age):
    result, found, _notes = run(rulebook, site=site, age=age)
    assert found and C not in found.values()
    (note,) = [n for n in result.notes if n.topic == "no_imaging_screening"]
    assert words in note.text


def test_site_left_blank_is_the_other_site_plan(rulebook):
    _result, found, notes = run(rulebook, age=50)
    assert found == {"ct": N, "pet_ct": N, "mri": N}
    assert "screening-other" in notes


def test_cervical_note_follows_the_2025_acs_update(rulebook):
    """ACS 2025: HPV test every 5 years 25-65; self-collected samples repeat every 3 years."""
    result, found, _notes = run(rulebook, site="cervical", age=40)
    assert found == {"ultrasound": N}
    text = next(n.text for n in result.notes if n.id == "screening-cervical")
    assert "25 to 65" in text and "every 3 years" in text and "swab" in text
