"""Turn answers from a form, a link or a program into typed values, and keep the ones asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import Answers, AnswerValue, Question, Rulebook

Errors = dict[str, list[str]]

SHOWN_CHARS = 40
# A number question with no bounds still never needs more digits than this; more is a typo or an
# attack, and Python refuses to turn over 4,300 digits into an int at all.
UNBOUNDED_DIGITS = 18


def _shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """The start of a value for a message; safe for ints too long for str() (over 4,300 digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        # Dividing by a power of ten keeps the leading digits and leaves few enough to print.
        spare = max(int(value.bit_length() * 0.30103) - limit - 5, 0)
        lead = abs(value) // 10**spare
        return ("-" if value < 0 else "") + str(lead)[:limit]
    try:
        return str(value)[:limit]
    except (ValueError, RecursionError):  # a huge int inside a list, or nesting too deep to print
        return f"a {type(value).__name__} too long to show"


def _as_list(raw: object) -> list[object]:
    """Accept a list, or one comma-separated string ('pregnant,kidney')."""
    if isinstance(raw, str):
        return [part for part in (p.strip() for p in raw.split(",")) if part]
    if isinstance(raw, (list, tuple, set, frozenset)):
        return list(raw)
    return [raw]


def _choice(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    if not isinstance(raw, str):
        return None, f"{question.short} must be one of: {', '.join(question.values)}"
    value = raw.strip()
    if value not in question.values:
        return (
            None,
            f"{question.short} has no option '{_shown(value)}'; choose one of: {', '.join(question.values)}",
        )
    return value, None


def _multi(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    values = _as_list(raw)
    wrong = [v for v in values if not isinstance(v, str) or v.strip() not in question.values]
    if wrong:
        shown = ", ".join(f"'{_shown(v)}'" for v in wrong[:3])
        return None, f"{question.short} has no option {shown}; choose from: {', '.join(question.values)}"
    return frozenset(v.strip() for v in values if isinstance(v, str)), None


def _digits(question: Question, raw: str) -> tuple[int | None, str | None]:
    """Read '52', ' +7 ' or '-1' without ever handing int() a string too long for the bounds."""
    text = raw.strip()
    sign = -1 if text[:1] == "-" else 1
    digits = text[1:] if text[:1] in ("+", "-") else text
    # isdigit() alone would let through '٣' and '²', which int() reads or rejects differently.
    if not (digits.isascii() and digits.isdigit()):
        return None, None
    significant = digits.lstrip("0") or "0"
    bounds = [abs(b) for b in (question.min, question.max) if b is not None]
    widest = max((len(str(b)) for b in bounds), default=UNBOUNDED_DIGITS)
    if len(significant) <= widest:
        return sign * int(significant), None
    # Longer than every bound: out of range on the side its sign points to.
    if sign < 0 and question.min is not None:
        return None, f"{question.short} must be {question.min} or more"
    if sign > 0 and question.max is not None:
        return None, f"{question.short} must be {question.max} or less"
    return None, f"{question.short} has too many digits"


def _example(question: Question) -> str:
    return "like 52" if question.max and question.max > 60 else "like 5"


def _in_range(question: Question, value: int) -> tuple[AnswerValue | None, str | None]:
    """Check a whole number against the question's bounds; compared as an int, never printed."""
    low = question.min if question.min is not None else value
    high = question.max if question.max is not None else value
    if value < low:
        return None, f"{question.short} must be {low} or more"
    if value > high:
        return None, f"{question.short} must be {high} or less"
    return value, None


def _number(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    value: int | None = None
    if isinstance(raw, bool):
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str):
        value, message = _digits(question, raw)
        if message:
            return None, message
    if value is None:
        return None, f"Enter {question.short.lower()} as a whole number, {_example(question)}"
    return _in_range(question, value)


# --- Strict readers for JSON, where the OpenAPI document is the promise: only the types it names.


def _strict_choice(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    options = ", ".join(question.values)
    if not isinstance(raw, str):
        return None, f"{question.short} must be one of: {options}"
    if raw in question.values:
        return raw, None
    if not raw.strip():
        if question.required:
            return None, f"{question.short} is required; choose one of: {options}"
        return None, f"{question.short} is empty; leave it out, or choose one of: {options}"
    # Not trimmed: " staging " is not an option, and the document lists the options exactly.
    return None, f"{question.short} has no option '{_shown(raw)}'; choose one of: {options}"


def _strict_multi(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    if not isinstance(raw, list):
        example = ", ".join(f'"{v}"' for v in question.values[:2])
        return None, f"Send {question.short.lower()} as a list, like [{example}], or [] for none"
    wrong = [v for v in raw if not isinstance(v, str) or v not in question.values]
    if wrong:
        shown = ", ".join(f"'{_shown(v)}'" for v in wrong[:3])
        return None, f"{question.short} has no option {shown}; choose from: {', '.join(question.values)}"
    seen: set[str] = set()
    repeated: dict[str, None] = {}  # in the order met, each named once
    for value in raw:
        if value in seen:
            repeated[value] = None
        seen.add(value)
    if repeated:
        shown = ", ".join(f"'{v}'" for v in repeated)
        return None, f"{question.short} names {shown} more than once; list each option once"
    return frozenset(seen), None


def _strict_number(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    example = _example(question)
    if isinstance(raw, str):
        return None, f"Send {question.short.lower()} as a whole number without quotes, {example}"
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _in_range(question, raw)
    # JSON Schema counts 50.0 as an integer (a number with no fraction), so the API does too.
    if isinstance(raw, float) and raw.is_integer():
        return _in_range(question, int(raw))
    return None, f"Enter {question.short.lower()} as a whole number, {example}"


_PARSERS = {"choice": _choice, "multi": _multi, "number": _number}
_STRICT_PARSERS = {"choice": _strict_choice, "multi": _strict_multi, "number": _strict_number}


def is_blank(raw: object) -> bool:
    """Tell whether a raw answer means 'not answered'."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_answers(
    rulebook: Rulebook, raw: Mapping[str, object], *, complete: bool = False, strict_types: bool = False
) -> tuple[dict[str, AnswerValue], Errors]:
    """Check raw answers; return the good ones typed, and a list of messages per bad question.

    With `complete`, a required question that is asked but not answered is an error too.
    Forms and links send text, so by default "52", " staging " and "pregnant,kidney" are read
    kindly. With `strict_types` (the JSON API) only what its OpenAPI document allows is accepted:
    a JSON integer, an option exactly as written, a list of options each named once; null
    still means not answered.
    """
    parsers = _STRICT_PARSERS if strict_types else _PARSERS
    answers: dict[str, AnswerValue] = {}
    errors: Errors = {}
    known = {q.id: q for q in rulebook.questions}
    for key in raw:
        if key not in known:
            errors.setdefault(_shown(key, 60), []).append(f"There is no question called '{_shown(key)}'")
    for question in rulebook.questions:
        value = raw.get(question.id)
        if value is None or (not strict_types and is_blank(value)):
            continue
        parsed, message = parsers[question.kind](question, value)
        if message:
            errors.setdefault(question.id, []).append(message)
        elif parsed is not None:
            answers[question.id] = parsed
    if complete:
        asked, _ = asked_answers(rulebook, answers)
        for question in rulebook.questions:
            missing = question.required and question.id not in asked and question.id not in errors
            if missing and question.show_when.holds(asked):
                errors.setdefault(question.id, []).append(f"{question.short} is required")
    return answers, errors


def asked_answers(rulebook: Rulebook, answers: Answers) -> tuple[dict[str, AnswerValue], tuple[str, ...]]:
    """Keep the answers to questions that are asked (defaults filled in); name the ones dropped."""
    asked: dict[str, AnswerValue] = {}
    ignored: list[str] = []
    for question in rulebook.questions:
        value = answers.get(question.id)
        if question.show_when.holds(asked):
            if value is None:
                value = question.default
            if value is not None:
                asked[question.id] = value
        elif value is not None:
            ignored.append(question.id)
    return asked, tuple(ignored)


def questions_asked(rulebook: Rulebook, answers: Answers) -> Iterable[Question]:
    """The questions that apply to these answers, in order."""
    asked, _ = asked_answers(rulebook, answers)
    return [q for q in rulebook.questions if q.show_when.holds(asked)]
