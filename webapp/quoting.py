"""Echo what a person or a program sent, safely (short, printable, only the first few); join words."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_babel import gettext as _

from .i18n import language

SHOWN_VALUES, SHOWN_CHARS = 3, 40
# Spanish writes "e" for "y" (and) before a word that starts with the sound "i": "ecografía e imágenes".
SPANISH_E = re.compile(r"[\"“«]?h?[ií](?![aeiouáéíóú])", re.IGNORECASE)
# And "u" for "o" (or) before a word that starts with the sound "o": "siete u ocho".
SPANISH_U = re.compile(r"[\"“«]?h?[oó]", re.IGNORECASE)


def quote(value: str) -> str:
    """A value in quotes, cut to 40 characters, with control and direction characters replaced."""
    shown = "".join(
        char if char.isprintable() else "\N{REPLACEMENT CHARACTER}" for char in value[:SHOWN_CHARS]
    )
    return f"“{shown}…”" if len(value) > SHOWN_CHARS else f"“{shown}”"


def and_list(items: Sequence[str]) -> str:
    """Join words as a sentence does: "a", "a and b", "a, b and c" (in Spanish "a, b y c")."""
    if len(items) == 1:
        return items[0]
    head, last = ", ".join(items[:-1]), items[-1]
    if language() == "es" and SPANISH_E.match(last):
        return f"{head} e {last}"
    return _("%(items)s and %(last)s", items=head, last=last)


def or_list(items: Sequence[str]) -> str:
    """Join words with "or", as a condition reads: "a or b or c" (in Spanish "a o b o c")."""
    joined = items[0]
    for item in items[1:]:
        if language() == "es" and SPANISH_U.match(item):
            joined = f"{joined} u {item}"
        else:
            joined = _("%(first)s or %(second)s", first=joined, second=item)
    return joined


def quote_some(values: Sequence[str]) -> str:
    """The first few values quoted, and how many more there were: “a”, “b”, “c” and 92 more."""
    names = [quote(value) for value in values[:SHOWN_VALUES]]
    if len(values) > SHOWN_VALUES:
        more = len(values) - SHOWN_VALUES
        names.append(_("%(count)d more", count=more))
    return and_list(names)
