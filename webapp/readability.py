"""Reading grade of a text, for the content checks (kept out of the pure rulebook)."""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any


def reading_grade(text: str) -> float:
    """Return the Flesch-Kincaid grade level of a text."""
    with warnings.catch_warnings():
        # textstat 0.7.4 imports pkg_resources, which warns on every `rules check`; setuptools is
        # held below 82 so it is still there (pyproject.toml).
        warnings.simplefilter("ignore", UserWarning)
        import textstat  # imported late: only the checks need it, not the running app

    return float(textstat.flesch_kincaid_grade(text))


@cache
def _spanish_scorer() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from textstat.textstat import textstatistics

    scorer = textstatistics()  # its own instance: set_lang on the shared one would change English grades
    scorer.set_lang("es")
    return scorer


def spanish_ease(text: str) -> float:
    """Return the Fernández-Huerta reading ease of a Spanish text (higher is easier)."""
    return float(_spanish_scorer().fernandez_huerta(text))


# Reading ease by language, for `rules check` (webapp/rulebook/verify_languages.py sets the bars).
EASE = {"es": spanish_ease}
