"""Every patient-facing text in a rulebook, and the phrasing it must never use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Provenance, Rulebook

# Directives about care: we describe what is commonly done and what to ask, never what to do.
DIRECTIVE = re.compile(
    r"\byou(?:'ll| will| would)?\s+(?:really\s+)?(?:should|need|must|have to|ought to)\b"
    r"|\byou'd better\b|\bwe (?:recommend|advise|suggest)\b|\b(?:make|be) sure\b"
    r"|\bit is (?:important|essential|vital) (?:that|for) you\b",
    re.IGNORECASE,
)


# The same in Spanish: "usted debe", "tiene que", "le recomendamos", "asegúrese" and their kin.
DIRECTIVE_ES = re.compile(
    r"\b(?:usted\s+)?(?:debe|deber[áí]a|deber[áí]|debe usted)\b|\btiene(?:n)? que\b|\btendr[áa]n? que\b"
    r"|\bhay que\b|\b(?:le|les)\s+(?:recomendamos|aconsejamos|sugerimos)\b"
    r"|\b(?:recomendamos|aconsejamos|sugerimos)\s+que\b|\baseg[úu]rese\b"
    r"|\bes (?:importante|esencial|necesario|vital) que (?:usted|se haga)\b"
    r"|\busted necesita\b|\bnecesita (?:hacerse|un[ao]?s?)\b",
    re.IGNORECASE,
)
DIRECTIVES = {"en": DIRECTIVE, "es": DIRECTIVE_ES}


@dataclass(frozen=True)
class Text:
    """One text a person reads, where it lives, and whether its reading grade is checked.

    Names and short labels ("Breast MRI", "Average risk") are not sentences, so a reading
    formula says nothing useful about them; everything else is graded.
    """

    file: str
    where: str
    field: str
    text: str
    graded: bool
    provenance: Provenance


def directive_phrase(text: str, language: str = "en") -> str | None:
    """Return the first directive phrase in a text (in English or Spanish), if any."""
    match = DIRECTIVES.get(language, DIRECTIVE).search(text)
    return match.group(0) if match else None


def patient_texts(rulebook: Rulebook) -> Iterator[Text]:
    """Yield every patient-facing text in the rulebook."""
    for q in rulebook.questions:
        where, p = f"question '{q.id}'", q.provenance
        yield Text(p.file, where, "label", q.label, True, p)
        yield Text(p.file, where, "short", q.short, False, p)
        if q.hint:
            yield Text(p.file, where, "hint", q.hint, True, p)
        if q.error:
            yield Text(p.file, where, "error", q.error, False, p)
        for o in q.options:
            yield Text(p.file, where, f"option '{o.value}' label", o.label, False, p)
            if o.short != o.label:
                yield Text(p.file, where, f"option '{o.value}' short", o.short, False, p)
            if o.hint:
                yield Text(p.file, where, f"option '{o.value}' hint", o.hint, True, p)
            for key, hint in o.hints.items():
                yield Text(p.file, where, f"option '{o.value}' hint for {key}", hint, True, p)
    for t in rulebook.tests.values():
        where, p = f"test '{t.id}'", t.provenance
        yield Text(p.file, where, "name", t.name, False, p)
        if t.also_called:
            yield Text(p.file, where, "also_called", t.also_called, False, p)
        yield Text(p.file, where, "time", t.time, False, p)
        for name in ("summary", "experience", "prepare", "shows_well", "limits"):
            yield Text(p.file, where, name, getattr(t, name), True, p)
        yield Text(p.file, where, "radiation.typical", t.radiation.typical, True, p)
        if t.radiation.background:
            yield Text(p.file, where, "radiation.background", t.radiation.background, True, p)
        if t.contrast.how:
            yield Text(p.file, where, "contrast.how", t.contrast.how, True, p)
        for factor, caution in t.cautions.items():
            yield Text(p.file, where, f"cautions.{factor}", caution.text, True, p)
        for i, text in enumerate(t.ask):
            yield Text(p.file, where, f"ask[{i}]", text, True, p)
    for n in rulebook.notes.values():
        where, p = f"note '{n.id}'", n.provenance
        yield Text(p.file, where, "text", n.text, True, p)
        for i, text in enumerate(n.ask):
            yield Text(p.file, where, f"ask[{i}]", text, True, p)
    for page in rulebook.pages.values():
        where, p = f"page '{page.id}'", page.provenance
        yield Text(p.file, where, "title", page.title, False, p)
        if page.lede:
            yield Text(p.file, where, "lede", page.lede, True, p)
        for n, section in enumerate(page.sections, 1):
            yield Text(p.file, where, f"section {n} heading", section.heading, False, p)
            for text in (*section.paragraphs, *section.items):
                yield Text(p.file, where, f"section {n}", text, True, p)
    for term in rulebook.glossary.values():
        p = term.provenance
        yield Text(p.file, f"term '{term.id}'", "definition", term.definition, True, p)
    for s in rulebook.scenarios.values():
        where, p = f"scenario '{s.id}'", s.provenance
        yield Text(p.file, where, "story", s.story, True, p)
        yield Text(p.file, where, "guess.prompt", s.guess, True, p)
        for n, point in enumerate(s.points, 1):
            yield Text(p.file, where, f"point {n}", point.text, True, p)
    for r in rulebook.rules:
        p = r.provenance
        for added in r.tests:
            yield Text(p.file, f"rule '{r.id}'", f"test '{added.id}' why", added.why, True, p)
        for change in r.changes:
            yield Text(p.file, f"rule '{r.id}'", f"change of '{change.id}' why", change.why, True, p)
