"""Link the first use of each hard word on a page to its plain explanation on the same page.

A plain link to an anchor works with a mouse, on a touch screen, with a keyboard and with a
screen reader, and needs no JavaScript; the page lists the words it used under "Words used on
this page".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from flask import current_app, g
from markupsafe import Markup, escape

from .rulebook.model import Term

# Where glossary words sit in one escaped text: (start, end, term) for each match, in order.
Found = tuple[tuple[int, int, Term], ...]

# The texts come from rules/ (a few hundred); the bound only guards against unexpected input.
SCAN_CACHE_SIZE = 4096


def _scanner() -> Callable[[str], Found]:
    """The app's word finder; each escaped text is searched once, as the big pattern is slow."""
    scan = current_app.extensions.get("glossary_scan")
    if scan is None:
        glossary = current_app.extensions["rulebook"].glossary
        by_form = {form.lower(): term for term in glossary.values() for form in term.forms}
        forms = sorted(by_form, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, forms)) + r")\b", re.I) if forms else None

        @lru_cache(maxsize=SCAN_CACHE_SIZE)
        def scan(escaped: str) -> Found:
            if pattern is None:
                return ()
            return tuple((m.start(), m.end(), by_form[m.group(0).lower()]) for m in pattern.finditer(escaped))

        current_app.extensions["glossary_scan"] = scan
    return scan


def link_terms(text: str) -> Markup:
    """Escape text and link the first use on this page of each glossary word."""
    # Escaping first keeps text that is already safe (Markup) apart from plain text that looks alike.
    escaped = str(escape(text))
    found = _scanner()(escaped)
    if not found:
        return Markup(escaped)
    seen: dict[str, Term] = g.setdefault("glossary_seen", {})
    parts, at = [], 0
    for start, end, term in found:
        if term.id in seen:
            continue
        seen[term.id] = term
        parts += (escaped[at:start], f'<a class="ig-term" href="#word-{term.id}">{escaped[start:end]}</a>')
        at = end
    parts.append(escaped[at:])
    return Markup("".join(parts))


def terms_used() -> list[Term]:
    """The glossary words linked so far on this page, in the order they first appeared."""
    return list(g.get("glossary_seen", {}).values())
