"""Reading grade of a text, for the content checks (kept out of the pure rulebook)."""

from __future__ import annotations


def reading_grade(text: str) -> float:
    """Return the Flesch-Kincaid grade level of a text."""
    import textstat  # imported late: only the checks need it, not the running app

    return float(textstat.flesch_kincaid_grade(text))
