"""Let the first use of each hard word on a page explain itself where it stands.

The word becomes a button that opens its explanation as a popover (the HTML `popover` attribute):
it works with a mouse, on a touch screen, with a keyboard and with a screen reader, needs no
JavaScript, and keeps the reader in place instead of sending them to the foot of the page. A
browser without popovers shows the explanation inline. Every word is also on `/glossary`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from flask import current_app, g
from flask_babel import gettext as _
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from . import current
from .rulebook.model import Term

# Where glossary words sit in one escaped text: (start, end, term) for each match, in order.
Found = tuple[tuple[int, int, Term], ...]

# The texts come from rules/ (a few hundred); the bound only guards against unexpected input.
SCAN_CACHE_SIZE = 4096


def _scanner() -> Callable[[str], Found]:
    """The word finder for this request's language; each escaped text is searched once (the pattern is slow).

    Each language has its own glossary (its own words and forms), so its own finder and cache.
    """
    book = current.rulebook()
    scanners = current_app.extensions.setdefault("glossary_scan", {})
    key = (book.language, book.version)
    scan = scanners.get(key)
    if scan is None:
        glossary = book.glossary
        by_form = {form.lower(): term for term in glossary.values() for form in term.forms}
        forms = sorted(by_form, key=len, reverse=True)
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, forms)) + r")\b", re.I) if forms else None

        @lru_cache(maxsize=SCAN_CACHE_SIZE)
        def scan(escaped: str) -> Found:
            if pattern is None:
                return ()
            return tuple((m.start(), m.end(), by_form[m.group(0).lower()]) for m in pattern.finditer(escaped))

        scanners[key] = scan
    return scan


def link_terms(text: str) -> Markup:
    """Escape text and link the first use on this page of each glossary word."""
    # Escaping first keeps text that is already safe (Markup) apart from plain text that looks alike.
    escaped = str(escape(text))
    found = _scanner()(escaped)
    if not found:
        return Markup(escaped)  # noqa: S704 - escaped just above
    seen: set[str] = g.setdefault("glossary_seen", set())
    parts, at = [], 0
    for start, end, term in found:
        if term.id in seen:
            continue
        seen.add(term.id)
        parts += (escaped[at:start], _explained(escaped[start:end], term))
        at = end
    parts.append(escaped[at:])
    return Markup("".join(parts))  # noqa: S704 - escaped text and our own <a>/popover markup


@pass_context
def template_filter(_context: Context, text: str) -> Markup:
    """The `glossary` filter: link_terms, never run ahead of time.

    Jinja works out a filter on a literal (`{{ "biopsy" | glossary }}`) once, when it compiles the
    template, unless the filter asks for the context. Run then, the word would be marked as
    explained only for the request that compiled the template, and explained twice on later pages.
    """
    return link_terms(text)


def _explained(word: str, term: Term) -> str:
    """The word as a button, and its explanation as a popover that the button opens and closes."""
    box = f"def-{term.id}"
    close = escape(_("Close"))
    which = escape(_("the explanation of %(term)s", term=term.term))
    return (
        f'<button type="button" class="ig-term" popovertarget="{box}">{word}</button>'
        f'<span class="ig-term__box" id="{box}" popover><strong>{escape(first_upper(term.term))}:</strong> '
        f"{escape(term.definition)} "
        f'<button type="button" class="ig-term__close" popovertarget="{box}" popovertargetaction="hide">'
        f'{close}<span class="ig-vh"> {which}</span></button></span>'
    )


def first_upper(text: str) -> str:
    """Capitalise the first letter only ("CT scan" keeps its capitals); "mSv", capitals its own, stays."""
    first_word = text.split(" ", 1)[0]
    if any(letter.isupper() for letter in first_word[1:]):
        return text
    return text[:1].upper() + text[1:]
