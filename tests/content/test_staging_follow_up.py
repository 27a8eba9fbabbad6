"""Staging (with `extent`) and follow-up (with `follow_up_reason`) against the real rule table.

Each case names the source a clinician can check. A blank `extent` or `follow_up_reason` keeps
the result the rules gave before the question existed (old links keep working); the only change
there is that prostate rules name `psma_pet` where the old `pet_ct` entry meant a PSMA PET scan.

Sources, as cited in rules/rules/staging.toml, rules/rules/follow_up.toml and the notes:
  ASCO CW breast   cancer.net ... choosing-wisely ... topic-3-imaging-tests-early-stage-breast-cancer
  ACR breast 2023  acsearch.acr.org TopicId=310 (Imaging of Invasive Breast Cancer); doi 10.1016/j.jacr.2024.02.021
  NCCN stage III   nccn.org/patients/guidelines/stage_iii_breast (CT, bone scan; "FDG PET/CT sometimes")
  ASCO CW prostate cancer.net ... topic-2-imaging-tests-early-stage-prostate-cancer
  AUA/ASTRO        auanet.org x22683 (statement 6: no PSMA PET, CT or bone scan for low / favorable
                   intermediate risk) and x22681 (statement 8: PSMA PET after negative conventional imaging)
  SNMMI AUC        snmmi.org PSMA PET appropriate use criteria; NCCN/ASCO wording in PMC10027805 table 2
  Rectal staging   cancer.gov rectal-treatment-pdq (hp); PMC4991968 (MRI is the preferred local staging test)
  ASCO breast f/u  doi 10.1200/JCO.2012.45.9859 (no routine CT, bone scan or PET after treatment)
  ASCO lung f/u    doi 10.1200/JCO.19.02748 (chest CT every 6 months for 2 years; PET/CT not for surveillance)
  Colorectal f/u   cancer.net ASCO follow-up page (stage II-III); PMC3423699 table 3 (NCCN: CT for stage II-III)
  Lymphoma         ASH Choosing Wisely 2013; Lugano 2014 doi 10.1200/JCO.2013.54.8800 (routine scans discouraged)
  Cervical         SGO 2017 pubmed 28372871; PMC9143345 (MRI and PET/CT for recurrence)
"""

from __future__ import annotations

import pytest

from webapp.rulebook import asked_answers

from .outcome import SITES, C, N, S, outcome

run = outcome


# ----------------------------------------------------------------------------------- staging

# Levels before `extent` existed; a blank (or "not sure") answer keeps them.
STAGING_BEFORE = {
    "breast": {"breast_mri": S, "ultrasound": S, "ct": S, "bone_scan": S, "pet_ct": S},
    "prostate": {"mri": C, "bone_scan": S, "psma_pet": S, "ct": S},
}

STAGING = [
    # breast
    (
        "ASCO Choosing Wisely / ACR variant 2: no CT, bone scan or PET/CT for early breast cancer",
        "breast",
        "early",
        {"ct": N, "bone_scan": N, "pet_ct": N, "breast_mri": S, "ultrasound": S},
    ),
    (
        "NCCN stage III / ACR variants 4-5: CT and bone scan for larger or node-positive breast cancer",
        "breast",
        "advanced",
        {"ct": C, "bone_scan": C, "pet_ct": S, "breast_mri": S, "ultrasound": S},
    ),
    ("Breast, extent not sure: the result before the question", "breast", "unsure", STAGING_BEFORE["breast"]),
    ("Breast, extent blank: the result before the question", "breast", None, STAGING_BEFORE["breast"]),
    # prostate
    (
        "AUA statement 6 / ASCO Choosing Wisely: no PSMA PET, CT or bone scan for low risk",
        "prostate",
        "early",
        {"mri": C, "psma_pet": N, "bone_scan": N, "ct": N},
    ),
    (
        "NCCN / SNMMI AUC: PSMA PET, or CT plus bone scan, for unfavorable intermediate and high risk",
        "prostate",
        "advanced",
        {"mri": C, "psma_pet": C, "bone_scan": C, "ct": C},
    ),
    (
        "Prostate, risk not sure: the result before the question",
        "prostate",
        "unsure",
        STAGING_BEFORE["prostate"],
    ),
    ("Prostate, risk blank: the result before the question", "prostate", None, STAGING_BEFORE["prostate"]),
]


@pytest.mark.parametrize(("site", "extent", "levels"), [s[1:] for s in STAGING], ids=[s[0] for s in STAGING])
def test_staging_by_extent(rulebook, site, extent, levels):
    _result, found, _notes = run(rulebook, "staging", site=site, extent=extent, age=60)
    assert found == levels


@pytest.mark.parametrize("site", ["breast", "prostate"])
def test_unsure_extent_reads_exactly_like_blank(rulebook, site):
    blank, _, blank_notes = run(rulebook, "staging", site=site)
    unsure, _, unsure_notes = run(rulebook, "staging", site=site, extent="unsure")
    assert [(t.id, t.level, t.why) for t in unsure.tests] == [(t.id, t.level, t.why) for t in blank.tests]
    assert unsure_notes == blank_notes


@pytest.mark.parametrize("extent", [None, "early", "advanced", "unsure"])
def test_fdg_pet_ct_is_not_listed_for_prostate_staging(rulebook, extent):
    """FDG PET/CT is not the usual prostate test; the PSMA PET scan is its own entry."""
    _result, found, _notes = run(rulebook, "staging", site="prostate", extent=extent)
    assert "pet_ct" not in found
    assert "psma_pet" in found


def test_higher_risk_prostate_shows_that_aua_and_nccn_differ(rulebook):
    result, _found, notes = run(rulebook, "staging", site="prostate", extent="advanced")
    assert "staging-prostate-psma-difference" in notes
    assert "guideline_difference" in {n.topic for n in result.notes}
    _r, _f, early_notes = run(rulebook, "staging", site="prostate", extent="early")
    assert "staging-prostate-psma-difference" not in early_notes


def test_rectal_cancer_has_pelvic_mri_and_colon_cancer_does_not(rulebook):
    """ACR colorectal staging / NCI rectal PDQ: pelvic MRI is for rectal cancer; CT stays common."""
    result, found, notes = run(rulebook, "staging", site="colorectal", age=60)
    assert found == {"ct": C, "mri": S, "ultrasound": S, "pet_ct": N}
    mri_why = next(t.why for t in result.tests if t.id == "mri")
    assert "rectal cancer" in mri_why and "colon cancer" in mri_why
    assert "staging-colorectal-rectal" in notes


@pytest.mark.parametrize(
    ("site", "levels"),
    [
        ("lung", {"ct": C, "pet_ct": C, "mri": S, "bone_scan": N}),
        ("cervical", {"mri": C, "pet_ct": C, "ct": S}),
        ("lymphoma", {"pet_ct": C, "ct": S, "bone_scan": N}),
        ("other", {"ct": C, "pet_ct": S, "mri": S, "bone_scan": S}),
    ],
)
def test_staging_for_sites_without_extent_is_unchanged(rulebook, site, levels):
    _result, found, _notes = run(rulebook, "staging", site=site, age=55)
    assert found == levels


@pytest.mark.parametrize("site", ["lung", "colorectal", "cervical", "lymphoma", "other"])
def test_extent_is_only_asked_where_it_changes_the_result(rulebook, site):
    asked, ignored = asked_answers(rulebook, {"situation": "staging", "site": site, "extent": "early"})
    assert "extent" not in asked and "extent" in ignored
    _r, with_extent, _n = run(rulebook, "staging", site=site, extent="advanced")
    _r, without, _n = run(rulebook, "staging", site=site)
    assert with_extent == without


@pytest.mark.parametrize("site", ["breast", "prostate"])
def test_extent_is_asked_for_breast_and_prostate_staging(rulebook, site):
    asked, ignored = asked_answers(rulebook, {"situation": "staging", "site": site, "extent": "early"})
    assert asked.get("extent") == "early" and "extent" not in ignored


# --------------------------------------------------------------------------------- follow-up

# Levels before `follow_up_reason` existed; a blank answer keeps them.
FOLLOW_UP_BEFORE = {
    "breast": {"mammogram": C, "breast_mri": S, "ct": N, "bone_scan": N, "pet_ct": N},
    "lung": {"ct": C, "pet_ct": N, "xray": N},
    "colorectal": {"ct": C, "pet_ct": N},
    "prostate": {"mri": S, "psma_pet": S, "bone_scan": S},
    "cervical": {"mri": S, "pet_ct": S, "ct": S},
    "lymphoma": {"pet_ct": N, "ct": S},
    "other": {"ct": S, "mri": S, "pet_ct": N},
}

FOLLOW_UP = [
    # breast
    (
        "ASCO breast follow-up: yearly mammogram; no routine CT, bone scan or PET/CT",
        "breast",
        "routine",
        {"mammogram": C, "breast_mri": S, "ct": N, "bone_scan": N, "pet_ct": N},
    ),
    (
        "ACR variants 8-11 / NCCN recurrence work-up: CT and bone scan when breast cancer may be back",
        "breast",
        "possible_return",
        {"mammogram": C, "breast_mri": S, "ultrasound": S, "ct": C, "bone_scan": C, "pet_ct": S},
    ),
    # lung
    (
        "ASCO lung surveillance: chest CT at set times; PET/CT not a surveillance tool",
        "lung",
        "routine",
        {"ct": C, "pet_ct": N, "xray": N},
    ),
    (
        "Lung, possible return: chest CT, and PET/CT to check a change or look for spread",
        "lung",
        "possible_return",
        {"ct": C, "pet_ct": C, "mri": S, "xray": N},
    ),
    # colorectal
    (
        "ASCO/NCCN: CT at set times fits stage II-III, not every stage; PET/CT not routine",
        "colorectal",
        "routine",
        {"ct": S, "pet_ct": N},
    ),
    (
        "Colorectal, rising CEA or new symptom: CT commonly, PET/CT for some",
        "colorectal",
        "possible_return",
        {"ct": C, "pet_ct": S},
    ),
    # prostate
    (
        "ACS prostate follow-up: PSA tests; no scans while the PSA stays low",
        "prostate",
        "routine",
        {"psma_pet": N, "mri": N, "bone_scan": N},
    ),
    (
        "SNMMI AUC / NCCN / ASCO: PSMA PET for a rising PSA after treatment",
        "prostate",
        "possible_return",
        {"psma_pet": C, "mri": S, "bone_scan": S},
    ),
    # cervical
    (
        "SGO 2017: visits and exams; imaging for some",
        "cervical",
        "routine",
        {"mri": S, "pet_ct": S, "ct": S},
    ),
    (
        "Cervical, possible return: pelvic MRI and PET/CT (ACR 2023; J Pers Med 2022)",
        "cervical",
        "possible_return",
        {"mri": C, "pet_ct": C, "ct": S},
    ),
    # lymphoma
    (
        "ASH Choosing Wisely / Lugano: no routine PET/CT in remission",
        "lymphoma",
        "routine",
        {"pet_ct": N, "ct": S},
    ),
    (
        "Lugano: PET/CT when lymphoma may be back",
        "lymphoma",
        "possible_return",
        {"pet_ct": C, "ct": S},
    ),
    # other
    (
        "Other cancer, routine: scans depend on type and stage; no routine PET/CT",
        "other",
        "routine",
        {"ct": S, "mri": S, "pet_ct": N},
    ),
    (
        "Other cancer, possible return: CT is a common first scan",
        "other",
        "possible_return",
        {"ct": C, "mri": S, "pet_ct": S},
    ),
] + [
    (f"{site}, reason blank: the result before the question", site, None, levels)
    for site, levels in FOLLOW_UP_BEFORE.items()
]


@pytest.mark.parametrize(
    ("site", "reason", "levels"), [f[1:] for f in FOLLOW_UP], ids=[f[0] for f in FOLLOW_UP]
)
def test_follow_up_by_reason(rulebook, site, reason, levels):
    _result, found, _notes = run(rulebook, "follow_up", site=site, follow_up_reason=reason, age=60)
    assert found == levels


def test_blank_site_follows_other(rulebook):
    _r, blank_site, _n = run(rulebook, "follow_up", follow_up_reason="possible_return")
    _r, other, _n = run(rulebook, "follow_up", site="other", follow_up_reason="possible_return")
    assert blank_site == other


@pytest.mark.parametrize("site", SITES)
def test_possible_return_carries_the_recurrence_note(rulebook, site):
    result, _found, notes = run(rulebook, "follow_up", site=site, follow_up_reason="possible_return")
    assert "follow_up-possible-return" in notes
    assert "recurrence" in {n.topic for n in result.notes}
    _r, _f, routine_notes = run(rulebook, "follow_up", site=site, follow_up_reason="routine")
    assert "follow_up-possible-return" not in routine_notes


@pytest.mark.parametrize("site", SITES)
def test_follow_up_reason_is_asked_for_every_site(rulebook, site):
    asked, _ignored = asked_answers(
        rulebook, {"situation": "follow_up", "site": site, "follow_up_reason": "routine"}
    )
    assert asked.get("follow_up_reason") == "routine"


@pytest.mark.parametrize("reason", [None, "routine", "possible_return"])
def test_fdg_pet_ct_is_not_listed_for_prostate_follow_up(rulebook, reason):
    _result, found, _notes = run(rulebook, "follow_up", site="prostate", follow_up_reason=reason)
    assert "pet_ct" not in found


def test_colorectal_routine_ct_names_the_stages_it_fits(rulebook):
    result, _found, _notes = run(rulebook, "follow_up", site="colorectal", follow_up_reason="routine")
    why = next(t.why for t in result.tests if t.id == "ct")
    assert "stage 2 or 3" in why and "stage 1" in why


def test_extent_and_reason_hints_fit_the_site(rulebook):
    extent = rulebook.question("extent")
    prostate = {o.value: o.hint for o in extent.options_for({"site": "prostate"})}
    assert "favorable intermediate" in prostate["early"]
    reason = rulebook.question("follow_up_reason")
    by_site = {o.value: o.hint for o in reason.options_for({"site": "prostate"})}
    assert "PSA" in by_site["possible_return"]
    by_site = {o.value: o.hint for o in reason.options_for({"site": "colorectal"})}
    assert "CEA" in by_site["possible_return"]
