"""Our questions as a FHIR R4 Questionnaire, and each question's options as a CodeSystem."""

from __future__ import annotations

from typing import Any

from ..rulebook.model import Condition, Question, Rulebook, When

QUESTIONNAIRE_ID = "imaging-guide"
NAME = "ImagingGuide"  # FHIR `name`: a computer-friendly name, letters only
PUBLISHER = "Imaging Guide"
START_PAGE = "start"  # the page whose title and lede describe the questionnaire

EXT = "http://hl7.org/fhir/StructureDefinition/"
ITEM_CONTROL = EXT + "questionnaire-itemControl"
# Codes "help", "radio-button", "check-box": https://hl7.org/fhir/R4/codesystem-questionnaire-item-control.html
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
UNIT = EXT + "questionnaire-unit"
MIN_VALUE = EXT + "minValue"
MAX_VALUE = EXT + "maxValue"
ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
# The units our number questions use, as UCUM codes where UCUM has one ("a" is the year, as in
# FHIR's age units, https://hl7.org/fhir/R4B/valueset-age-units.html); others by their display alone.
UCUM = "http://unitsofmeasure.org"
UCUM_CODES = {"years": "a"}

# Ops whose meaning R4's enableWhen says directly: (operator, answer is a value or `exists`).
PLAIN_OPS = {
    "is": "=",
    "is_not": "!=",
    "at_least": ">=",
    "below": "<",
    "includes": "=",
    "excludes": "!=",
}


def questionnaire_url(canonical_base: str) -> str:
    """The canonical URL of our Questionnaire under this base."""
    return f"{canonical_base.rstrip('/')}/Questionnaire/{QUESTIONNAIRE_ID}"


def code_system_url(canonical_base: str, question_id: str) -> str:
    """The URL of the code system holding one question's option values."""
    return f"{canonical_base.rstrip('/')}/CodeSystem/{question_id}"


def help_link_id(question_id: str) -> str:
    """The linkId of the display item that holds a question's help text."""
    return f"{question_id}-help"


def _control(code: str) -> dict[str, Any]:
    coding = {"system": ITEM_CONTROL_SYSTEM, "code": code}
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [coding]}}


def _coding(book_question: Question, value: str, canonical_base: str) -> dict[str, Any]:
    option = book_question.option(value)
    return {
        "system": code_system_url(canonical_base, book_question.id),
        "code": value,
        "display": option.label if option else value,
    }


# --- enableWhen: R4's own list where it can say the condition exactly, else a FHIRPath expression.


def _plain(condition: Condition, book: Rulebook, base: str) -> list[dict[str, Any]] | None:
    """The enableWhen entries that together (all of them) say one condition, or None."""
    asked = book.question(condition.question)
    if asked is None:
        return None
    if condition.op in ("answered", "unanswered"):
        return [{"question": asked.id, "operator": "exists", "answerBoolean": condition.op == "answered"}]
    values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
    if condition.op in ("in", "not_in"):
        # `in` of one value is `is`; `not_in` is "not this, and not that".
        if condition.op == "in" and len(values) != 1:
            return None
        op = "=" if condition.op == "in" else "!="
    elif condition.op in PLAIN_OPS:
        op = PLAIN_OPS[condition.op]
    else:
        return None
    return [{"question": asked.id, "operator": op, **_answer(asked, value, base)} for value in values]


def _answer(asked: Question, value: object, base: str) -> dict[str, Any]:
    if asked.kind == "number":
        return {"answerInteger": value}
    return {"answerCoding": _coding(asked, str(value), base)}


def _any_of(condition: Condition, book: Rulebook, base: str) -> list[dict[str, Any]] | None:
    """The enableWhen entries of which any one says the condition holds, or None."""
    if condition.op == "in":
        asked = book.question(condition.question)
        if asked is None or not isinstance(condition.value, tuple):
            return None
        return [{"question": asked.id, "operator": "=", **_answer(asked, v, base)} for v in condition.value]
    entries = _plain(condition, book, base)
    return entries if entries is not None and len(entries) == 1 else None


def enable_when(when: When, book: Rulebook, base: str) -> tuple[list[dict[str, Any]], str | None]:
    """R4 `enableWhen` entries and `enableBehavior` for a condition group; ([], None) if they cannot."""
    if when.all and not when.any and len(when.all) == 1:
        either = _any_of(when.all[0], book, base)
        if either is not None:
            return either, "any" if len(either) > 1 else None
    if when.all and not when.any:
        entries: list[dict[str, Any]] = []
        for condition in when.all:
            plain = _plain(condition, book, base)
            if plain is None:
                return [], None
            entries.extend(plain)
        return entries, "all" if len(entries) > 1 else None
    if when.any and not when.all:
        entries = []
        for condition in when.any:
            either = _any_of(condition, book, base)
            if either is None:
                return [], None
            entries.extend(either)
        return entries, "any" if len(entries) > 1 else None
    return [], None


def _fhirpath_text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _values_of(question_id: str, kind: str) -> str:
    """FHIRPath for the answers a question has in the response being filled in."""
    path = f"%resource.repeat(item).where(linkId={_fhirpath_text(question_id)}).answer.value"
    return path if kind == "number" else path + ".code"


def condition_fhirpath(condition: Condition, book: Rulebook) -> str:
    """One condition in FHIRPath, true or false (never empty), unanswered read as our engine reads it."""
    asked = book.question(condition.question)
    kind = asked.kind if asked else "choice"
    values = _values_of(condition.question, kind)
    op, value = condition.op, condition.value
    if op == "answered":
        return f"{values}.exists()"
    if op == "unanswered":
        return f"{values}.empty()"
    if op in ("at_least", "below"):
        sign = ">=" if op == "at_least" else "<"
        return f"{values}.where($this {sign} {int(value)}).exists()"  # type: ignore[call-overload]
    if op in ("in", "not_in"):
        listed = " | ".join(_fhirpath_text(str(v)) for v in value)  # type: ignore[union-attr]
        found = f"{values}.where($this in ({listed})).exists()"
        return found if op == "in" else f"{found}.not()"
    literal = str(value) if kind == "number" else _fhirpath_text(str(value))
    found = f"{values} contains {literal}"
    # is / includes: an answer equals it (false when unanswered); is_not / excludes: none does (true).
    return found if op in ("is", "includes") else f"({found}).not()"


def when_fhirpath(when: When, book: Rulebook) -> str:
    """A whole condition group (`all` and `any`) as one FHIRPath expression."""
    parts = [f"({condition_fhirpath(c, book)})" for c in when.all]
    if when.any:
        either = " or ".join(f"({condition_fhirpath(c, book)})" for c in when.any)
        parts.append(f"({either})" if parts else either)
    return " and ".join(parts)


def _enable(item: dict[str, Any], question: Question, book: Rulebook, base: str) -> None:
    when = question.show_when
    if not when.conditions():
        return
    entries, behavior = enable_when(when, book, base)
    if entries:
        item["enableWhen"] = entries
        if behavior:
            item["enableBehavior"] = behavior
        return
    expression = {"language": "text/fhirpath", "expression": when_fhirpath(when, book)}
    item.setdefault("extension", []).append({"url": ENABLE_WHEN_EXPRESSION, "valueExpression": expression})


# --- Items.


def _number_extensions(question: Question) -> list[dict[str, Any]]:
    extensions: list[dict[str, Any]] = []
    if question.min is not None:
        extensions.append({"url": MIN_VALUE, "valueInteger": question.min})
    if question.max is not None:
        extensions.append({"url": MAX_VALUE, "valueInteger": question.max})
    if question.unit:
        unit: dict[str, Any] = {"display": question.unit}
        if question.unit in UCUM_CODES:
            unit = {"system": UCUM, "code": UCUM_CODES[question.unit], "display": question.unit}
        extensions.append({"url": UNIT, "valueCoding": unit})
    return extensions


def question_item(question: Question, book: Rulebook, canonical_base: str) -> dict[str, Any]:
    """One question as a Questionnaire item."""
    item: dict[str, Any] = {"linkId": question.id, "text": question.label}
    extensions: list[dict[str, Any]] = []
    if question.kind == "number":
        item["type"] = "integer"
        extensions += _number_extensions(question)
    else:
        item["type"] = "choice"
        extensions.append(_control("check-box" if question.kind == "multi" else "radio-button"))
        options = []
        for option in question.options:
            entry: dict[str, Any] = {"valueCoding": _coding(question, option.value, canonical_base)}
            # R4 forbids `initial` beside answerOption (que-11), so the default is marked on its option.
            if option.value == question.default:
                entry["initialSelected"] = True
            options.append(entry)
        item["answerOption"] = options
    if extensions:
        item["extension"] = extensions
    item["required"] = question.required
    if question.kind == "multi":
        item["repeats"] = True
    _enable(item, question, book, canonical_base)
    if question.hint:
        item["item"] = [
            {
                "linkId": help_link_id(question.id),
                "text": question.hint,
                "type": "display",
                "extension": [_control("help")],
            }
        ]
    return item


def _newest_review(book: Rulebook) -> str | None:
    dates = [q.provenance.reviewed for q in book.questions if q.provenance.reviewed]
    page = book.pages.get(START_PAGE)
    if page is not None and page.provenance.reviewed:
        dates.append(page.provenance.reviewed)
    return max(dates).isoformat() if dates else None


def build_questionnaire(book: Rulebook, canonical_base: str) -> dict[str, Any]:
    """The whole FHIR R4 Questionnaire, one item per question, versioned with the rules."""
    page = book.pages.get(START_PAGE)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "language": book.language,  # the texts' language; ?lang=es or Accept-Language picks it
        "url": questionnaire_url(canonical_base),
        "version": book.version,
        "name": NAME,
        "title": page.title if page else PUBLISHER,
        "status": "active",
    }
    date = _newest_review(book)
    if date:
        resource["date"] = date
    resource["publisher"] = PUBLISHER
    if page is not None:
        resource["description"] = page.lede
    resource["subjectType"] = ["Patient"]
    resource["item"] = [question_item(q, book, canonical_base) for q in book.questions]
    return resource


def code_system(book: Rulebook, question: Question, canonical_base: str) -> dict[str, Any]:
    """One question's options as a complete CodeSystem: code = option value, display = its label."""
    concepts = []
    for option in question.options:
        concept = {"code": option.value, "display": option.label}
        if option.hint:
            concept["definition"] = option.hint
        concepts.append(concept)
    resource: dict[str, Any] = {
        "resourceType": "CodeSystem",
        "id": question.id.replace("_", "-"),
        "language": book.language,
        "url": code_system_url(canonical_base, question.id),
        "version": book.version,
        "name": NAME + "".join(part.capitalize() for part in question.id.split("_")),
        "title": question.short,
        "status": "active",
    }
    if question.provenance.reviewed:
        resource["date"] = question.provenance.reviewed.isoformat()
    resource |= {
        "publisher": PUBLISHER,
        "description": question.label,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }
    return resource
