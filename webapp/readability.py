"""Reading grade of a text, for the content checks (kept out of the pure rulebook)."""

from __future__ import annotations

import warnings


def reading_grade(text: str) -> float:
    """Return the Flesch-Kincaid grade level of a text."""
    with warnings.catch_warnings():
        # textstat 0.7.4 imports pkg_resources, which warns on every `rules check`; setuptools is
        # held below 82 so it is still there (pyproject.toml).
        warnings.simplefilter("ignore", UserWarning)
        import textstat  # imported late: only the checks need it, not the running app

    return float(textstat.flesch_kincaid_grade(text))
