"""Real situations drawn from ../shared/content-facts.md, run against the real rule table."""

from __future__ import annotations

import pytest

from webapp.rulebook import evaluate

C, S, N = "commonly_used", "sometimes_used", "not_usually_used"


def run(rulebook, **answers):
    if "factors" in answers:
        answers["factors"] = frozenset(answers["factors"])
    result = evaluate(rulebook, answers)
    levels = {t.id: t.level for t in result.tests}
    topics = {n.topic for n in result.notes}
    return result, levels, topics


# (what the source says, answers, tests that must be at a level, tests that must NOT be commonly used)
SITUATIONS = [
    (
        "ACS: average-risk people aged 45-54 have yearly mammograms; MRI is for higher risk",
        dict(situation="screening", site="breast", age=50, risk="average"),
        {"mammogram": C},
        ["breast_mri"],
    ),
    (
        "ACS: people aged 40-44 at average risk may choose to start yearly mammograms",
        dict(situation="screening", site="breast", age=42, risk="average"),
        {"mammogram": C},
        ["breast_mri"],
    ),
    (
        "ACS: average-risk screening does not start before 40",
        dict(situation="screening", site="breast", age=32, risk="average"),
        {},
        ["mammogram", "breast_mri"],
    ),
    (
        "ACS: very high risk (BRCA, chest radiation, 20%+ lifetime risk) means a yearly breast MRI and mammogram, typically from 30",
        dict(situation="screening", site="breast", age=35, risk="very_high"),
        {"breast_mri": C, "mammogram": C},
        [],
    ),
    (
        "ACS: family history alone keeps the average-risk mammogram plan; MRI not commonly used",
        dict(situation="screening", site="breast", age=50, risk="higher"),
        {"mammogram": C, "breast_mri": S},
        ["breast_mri"],
    ),
    (
        "ACS 2023: yearly low-dose CT at 50-80 with 20+ pack-years for people who smoke",
        dict(situation="screening", site="lung", age=55, smoking="current", pack_years=25),
        {"low_dose_ct": C, "xray": N},
        ["xray"],
    ),
    (
        "ACS and USPSTF agree on people who quit within the past 15 years",
        dict(situation="screening", site="lung", age=65, smoking="former", pack_years=30, years_since_quit=8),
        {"low_dose_ct": C},
        [],
    ),
    (
        "Lung screening starts at 50",
        dict(situation="screening", site="lung", age=45, smoking="current", pack_years=30),
        {"low_dose_ct": N},
        ["low_dose_ct"],
    ),
    (
        "Lung screening needs 20 or more pack-years",
        dict(situation="screening", site="lung", age=60, smoking="current", pack_years=10),
        {"low_dose_ct": N},
        ["low_dose_ct"],
    ),
    (
        "Lung screening is for people with a smoking history",
        dict(situation="screening", site="lung", age=60, smoking="never"),
        {"low_dose_ct": N},
        ["low_dose_ct"],
    ),
    (
        "ACS: average-risk colorectal screening from 45; CT colonography every 5 years is one option",
        dict(situation="screening", site="colorectal", age=50, risk="average"),
        {"ct_colonography": S},
        ["ct_colonography"],
    ),
    (
        "Colorectal screening at average risk starts at 45",
        dict(situation="screening", site="colorectal", age=40, risk="average"),
        {"ct_colonography": N},
        ["ct_colonography"],
    ),
    (
        "ACR: imaging is not the usual screening test for high-risk colorectal groups (Lynch, UC, Crohn's)",
        dict(situation="screening", site="colorectal", age=50, risk="very_high"),
        {"ct_colonography": N},
        ["ct_colonography"],
    ),
    (
        "ACR: CT colonography fits moderate (family history) risk; USMSTF: colonoscopy is the main test",
        dict(situation="screening", site="colorectal", age=50, risk="higher"),
        {"ct_colonography": S},
        ["ct_colonography"],
    ),
    (
        "ACR/NCCN: PET/CT is the main staging scan for lymphoma",
        dict(situation="staging", site="lymphoma", age=40),
        {"pet_ct": C},
        [],
    ),
    (
        "Lung cancer staging uses CT and PET/CT",
        dict(situation="staging", site="lung", age=66),
        {"ct": C, "pet_ct": C},
        [],
    ),
    (
        "ACS: after early breast cancer, mammograms go on; body scans are not routine",
        dict(situation="follow_up", site="breast", age=58),
        {"mammogram": C, "pet_ct": N, "bone_scan": N, "ct": N},
        ["pet_ct", "bone_scan", "ct"],
    ),
    (
        "ACR: ultrasound is the first test for a breast lump under 30",
        dict(situation="symptoms", site="breast", age=25),
        {"ultrasound": C},
        ["breast_mri"],
    ),
    (
        "MRI before a prostate biopsy helps aim the needle; ultrasound guides it",
        dict(situation="biopsy", site="prostate", age=64),
        {"mri": C, "ultrasound": C, "guided_biopsy": C},
        [],
    ),
]


@pytest.mark.parametrize(
    ("answers", "levels", "not_common"), [s[1:] for s in SITUATIONS], ids=[s[0] for s in SITUATIONS]
)
def test_situation(rulebook, answers, levels, not_common):
    _result, found, topics = run(rulebook, **answers)
    for test_id, level in levels.items():
        assert found.get(test_id) == level, f"{test_id}: {found.get(test_id)}"
    for test_id in not_common:
        assert found.get(test_id) != C
    assert {"disclaimer", "limits"} <= topics


@pytest.mark.parametrize(
    ("site", "words"),
    [("cervical", "HPV"), ("prostate", "PSA"), ("lymphoma", "lymph")],
)
def test_where_imaging_is_not_the_screening_test_the_result_says_what_is(rulebook, site, words):
    result, found, _topics = run(rulebook, situation="screening", site=site, age=50)
    assert C not in found.values()
    (note,) = [n for n in result.notes if n.topic == "no_imaging_screening"]
    assert words in note.text


def test_lung_quit_years_shows_both_guidelines(rulebook):
    result, found, _topics = run(
        rulebook,
        situation="screening",
        site="lung",
        age=60,
        smoking="former",
        pack_years=30,
        years_since_quit=20,
    )
    assert found["low_dose_ct"] == S
    (note,) = [n for n in result.notes if n.topic == "guideline_difference"]
    assert "15" in note.text


def test_pregnancy_adds_cautions_and_keeps_the_mammogram(rulebook):
    _plain, found_plain, _ = run(rulebook, situation="screening", site="breast", age=50, risk="average")
    result, found, topics = run(
        rulebook, situation="screening", site="breast", age=50, risk="average", factors={"pregnant"}
    )
    assert found == found_plain
    mammogram = next(t for t in result.tests if t.id == "mammogram")
    assert [c.topic for c in mammogram.cautions] == ["pregnancy"]
    assert "pregnancy" in topics


def test_implant_and_kidney_cautions_land_on_the_tests_they_concern(rulebook):
    result, _found, topics = run(
        rulebook, situation="staging", site="lung", age=70, factors={"implant", "kidney"}
    )
    cautions = {t.id: {c.topic for c in t.cautions} for t in result.tests}
    assert "implant" in cautions["mri"]
    assert "kidney" in cautions["ct"]
    assert {"implant", "kidney"} <= topics


def test_a_child_sees_the_radiation_note_for_children(rulebook):
    result, _, _ = run(rulebook, situation="symptoms", site="lymphoma", age=9)
    assert "radiation-children" in [n.id for n in result.notes]
