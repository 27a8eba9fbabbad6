"""Read an infobutton request: the guide's parameter names, read leniently, limits enforced."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from flask import request

from .. import i18n
from ..rulebook import Rulebook

CODE = "mainSearchCriteria.v.c"
SYSTEM = "mainSearchCriteria.v.cs"
DISPLAY = "mainSearchCriteria.v.dn"
RESPONSE_TYPE = "knowledgeResponseType"
RECIPIENT = "informationRecipient"
LANGUAGE = "informationRecipient.languageCode.c"
AGE = "age.v.v"
AGE_UNIT = "age.v.u"
TASK = "taskContext.c.c"

HTML, JSON, XML = "text/html", "application/json", "text/xml"
RESPONSE_TYPES = (HTML, JSON, XML)
DEFAULT_RESPONSE_TYPE = HTML
PATIENT, PROVIDER = "PAT", "PROV"
# A code, then `.v.c0` ... `.v.c9`: ten more is more than any record sends for one click.
SUFFIXES = ("", *(str(n) for n in range(10)))
# The longest value each parameter may have; a longer one is refused (400), never cut silently.
MAX_CHARS = {CODE: 40, SYSTEM: 100, DISPLAY: 200}
MAX_OTHER_CHARS = 40
# Languages a person may ask for (`sp` is MedlinePlus Connect's Spanish); we answer in each.
LANGUAGES = {"en": "en", "eng": "en", "es": "es", "sp": "es", "spa": "es"}
# UCUM units of age the guide names, in years per unit.
YEARS_PER = {
    "a": Fraction(1),
    "mo": Fraction(1, 12),
    "wk": Fraction(7 * 4, 1461),  # a week in years of 365.25 days
    "d": Fraction(4, 1461),
    "h": Fraction(4, 1461 * 24),
    "min": Fraction(4, 1461 * 24 * 60),
}
NUMBER = re.compile(r"^ *[0-9]{1,9}(\.[0-9]{1,6})? *$")


@dataclass(frozen=True)
class Criterion:
    """One code the record sent, with its code system and display name."""

    suffix: str
    code: str
    system: str
    display: str


@dataclass(frozen=True)
class KnowledgeRequest:
    """What a request asks, read leniently: unknown parameters ignored, nonsense ages dropped."""

    criteria: tuple[Criterion, ...]
    response_type: str
    recipient: str
    language: str
    age: int | None
    task: str
    problems: dict[str, str] = field(default_factory=dict)  # parameter -> why it cannot be used


def _value(name: str, problems: dict[str, str]) -> str:
    """A parameter's first value as sent; '' when absent; noted as a problem when too long.

    Values are not trimmed here: a code of only spaces is a code we do not know (404), not a
    missing one, so that "present" means what the OpenAPI document says (at least one character).
    """
    value = request.args.get(name, "")
    limit = MAX_CHARS.get(name.rstrip("0123456789"), MAX_OTHER_CHARS)
    if len(value) > limit:
        problems[name] = f"'{name}' is longer than {limit} characters"
        return ""
    return value


def whole_years(value: str, unit: str, oldest: int) -> int | None:
    """An age in UCUM units as whole years, or None when it is not a sensible age."""
    years_per = YEARS_PER.get(unit.strip())
    if years_per is None or not NUMBER.match(value):
        return None
    years = int(Fraction(value.strip(" ")) * years_per)  # int() rounds down: 11 months is 0 years
    return years if 0 <= years <= oldest else None


def requested_language(value: str) -> str:
    """The language asked for, as a two-letter code; English for one we do not know.

    Without the parameter, the request's own language (`?lang`, then the browser's Accept-Language).
    """
    value = value.strip().lower()
    return LANGUAGES.get(value, i18n.DEFAULT) if value else i18n.language()


def read_request(book: Rulebook) -> KnowledgeRequest:
    """Read the infobutton parameters from the query string."""
    problems: dict[str, str] = {}
    # Exactly as the guide writes them: anything else is a mistake worth saying, not a guess.
    response_type = request.args.get(RESPONSE_TYPE, DEFAULT_RESPONSE_TYPE)
    if response_type not in RESPONSE_TYPES:
        problems[RESPONSE_TYPE] = f"'{RESPONSE_TYPE}' must be one of: {', '.join(RESPONSE_TYPES)}"
        response_type = HTML
    criteria = []
    for suffix in SUFFIXES:
        code, system = _value(CODE + suffix, problems), _value(SYSTEM + suffix, problems)
        display = _value(DISPLAY + suffix, problems)
        if code and not system:
            problems.setdefault(SYSTEM + suffix, f"'{SYSTEM + suffix}' is missing: say the code system")
        elif code:
            criteria.append(Criterion(suffix, code, system, display))
    if not criteria and not problems:
        problems[CODE] = f"'{CODE}' is missing: send a diagnosis or procedure code"
    age_question = book.question("age")
    oldest = age_question.max if age_question and age_question.max is not None else 120
    recipient = _value(RECIPIENT, problems).strip().upper()
    return KnowledgeRequest(
        criteria=tuple(criteria),
        response_type=response_type,
        recipient=PROVIDER if recipient == PROVIDER else PATIENT,
        language=requested_language(_value(LANGUAGE, problems)),
        age=whole_years(_value(AGE, problems), _value(AGE_UNIT, problems), oldest),
        task=_value(TASK, problems),
        problems=problems,
    )
