"""The public ids of ../shared/CONTRACT.md: links and programs depend on them.

They may grow, never shrink or change meaning; tests check the app against this copy.
"""

from __future__ import annotations

CONTRACT_QUESTIONS = {
    "situation": {"screening", "symptoms", "biopsy", "staging", "treatment", "follow_up"},
    "site": {
        "breast",
        "lung",
        "colorectal",
        "prostate",
        "cervical",
        "lymphoma",
        "kidney",
        "bladder",
        "skin",
        "uterus",
        "ovary",
        "liver",
        "pancreas",
        "thyroid",
        "head_neck",
        "brain",
        "other",
    },
    "age": None,
    "risk": {"average", "higher", "very_high", "unsure"},
    "found_by": {"symptom", "screening_result", "other_scan"},
    "extent": {"early", "advanced", "unsure"},
    "follow_up_reason": {"routine", "possible_return"},
    "smoking": {"never", "current", "former"},
    "pack_years": None,
    "years_since_quit": None,
    "factors": {"pregnant", "breastfeeding", "implant", "kidney", "contrast_allergy", "claustrophobia"},
}
CONTRACT_TESTS = {
    "xray",
    "ct",
    "low_dose_ct",
    "ct_colonography",
    "mri",
    "breast_mri",
    "mammogram",
    "ultrasound",
    "pet_ct",
    "bone_scan",
    "guided_biopsy",
    "psma_pet",
    "ct_urography",
    "endoscopic_ultrasound",
    "thyroid_scan",
    "heart_scan",
    "bone_density",
}
CONTRACT_TOPICS = {
    "disclaimer",
    "limits",
    "biopsy",
    "baseline",
    "response",
    "recurrence",
    "radiation",
    "pregnancy",
    "breastfeeding",
    "implant",
    "kidney",
    "contrast_allergy",
    "claustrophobia",
    "no_imaging_screening",
    "guideline_difference",
    "general",
}
LEVELS = ("commonly_used", "sometimes_used", "not_usually_used")
