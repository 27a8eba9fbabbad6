"""One way for the content tests to run a situation and read its levels and notes."""

from __future__ import annotations

from webapp.rulebook import evaluate

C, S, N = "commonly_used", "sometimes_used", "not_usually_used"
# Every site in the contract: the checks that hold for all of them run over each.
SITES = [
    *("breast", "lung", "colorectal", "prostate", "cervical", "lymphoma"),
    *("kidney", "bladder", "skin", "uterus", "ovary", "liver", "pancreas", "thyroid", "head_neck", "brain"),
    "other",
]


def outcome(rulebook, situation, **answers):
    """Evaluate the answers (None meaning left blank); return the result, its levels and note ids."""
    answers = {k: v for k, v in answers.items() if v is not None}
    result = evaluate(rulebook, {"situation": situation, **answers})
    return result, {t.id: t.level for t in result.tests}, {n.id for n in result.notes}
