"""Check each translation of the rule table: complete, dated, plain and never directive.

A translation cannot change which tests show (translations.py reads texts only), so what is left
to check is the words: every English text has its translation, each translated entry has its own
review date, no text directs care in that language, and each reads easily by a formula made for
that language (the caller passes it in, as `verify` does for English).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .model import Rulebook
from .texts import Text, directive_phrase, patient_texts

# Fernández-Huerta reading ease for Spanish (0-100, higher is easier). On its scale 70-80 reads as
# "fairly easy" (about grade 6) and 60-70 as "normal" (grade 7-8), the same 6th-8th grade the
# English texts are held to (grade 9 at most, 7 for the median): so every text at least 60, and
# the median at least 70.
MIN_EASE = {"es": 60.0}
MIN_MEDIAN_EASE = {"es": 70.0}
FORMULA = {"es": "Fernández-Huerta"}


@dataclass(frozen=True)
class Ease:
    """The reading ease of one translated text."""

    score: float
    text: Text


@dataclass(frozen=True)
class LanguageReport:
    """What the check found in one translation."""

    language: str
    texts: int
    translated: int
    eases: tuple[Ease, ...]  # hardest first; empty when reading ease was not checked
    problems: tuple[tuple[str, str, str, str], ...]  # (kind, file, where, message)

    @property
    def median_ease(self) -> float | None:
        """The median reading ease of the graded texts."""
        return statistics.median(e.score for e in self.eases) if self.eases else None


def check_language(
    translation: Rulebook,
    ease: Callable[[str], float] | None = None,
    *,
    min_ease: float | None = None,
    min_median: float | None = None,
) -> LanguageReport:
    """Check one translated rule table; `ease` scores a text's reading ease in its language."""
    code = translation.language
    min_ease = MIN_EASE.get(code, 60.0) if min_ease is None else min_ease
    min_median = MIN_MEDIAN_EASE.get(code, 70.0) if min_median is None else min_median
    problems: list[tuple[str, str, str, str]] = [
        ("translation", gap.file, gap.where, f"{gap.field} has no translation yet")
        for gap in translation.untranslated
    ]
    texts = list(patient_texts(translation))
    mine = [t for t in texts if f"/{code}/" in t.file]  # the rest are English, still untranslated
    dated = set()
    scores: dict[str, float] = {}
    eases = []
    for text in mine:
        if text.where not in dated:
            dated.add(text.where)
            if text.provenance.reviewed is None:
                problems.append(("review date", text.file, text.where, "has no review date ('reviewed')"))
        phrase = directive_phrase(text.text, code)
        if phrase:
            problems.append(
                ("directive", text.file, text.where, f"{text.field} says '{phrase}': describe, do not direct")
            )
        if ease and text.graded:
            if text.text not in scores:
                scores[text.text] = ease(text.text)
            eases.append(Ease(scores[text.text], text))
    eases.sort(key=lambda e: e.score)
    for e in eases:
        if e.score < min_ease:
            problems.append(
                (
                    "reading level",
                    e.text.file,
                    e.text.where,
                    f"{e.text.field} scores {e.score:.1f} {FORMULA.get(code, '')} (bar {min_ease:g}): "
                    f"{e.text.text[:80]!r}",
                )
            )
    if eases:
        median = statistics.median(e.score for e in eases)
        if median < min_median:
            problems.append(
                (
                    "reading level",
                    f"rules/{code}",
                    "all texts",
                    f"median ease {median:.1f} is below {min_median:g}",
                )
            )
    return LanguageReport(code, len(texts), len(mine), tuple(eases), tuple(problems))


def check_languages(
    rulebook: Rulebook, eases: Mapping[str, Callable[[str], float]] | None = None
) -> tuple[LanguageReport, ...]:
    """Check every translation the rule table carries."""
    eases = eases or {}
    return tuple(check_language(t, eases.get(code)) for code, t in rulebook.translations.items())
