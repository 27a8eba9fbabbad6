"""Turn answers from a form, a link or a program into typed values, and keep the ones asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .messages import N_, Message
from .model import Answers, AnswerValue, Question, Rulebook

# Each message is a Message: English as a str, sayable in another language by the web layer.
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
        return Message(N_("a %(kind)s too long to show"), kind=type(value).__name__)


def _as_list(raw: object) -> list[object]:
    """Accept a list, or one comma-separated string ('pregnant,kidney')."""
    if isinstance(raw, str):
        return [part for part in (p.strip() for p in raw.split(",")) if part]
    if isinstance(raw, (list, tuple, set, frozenset)):
        return list(raw)
    return [raw]


def _choice(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    options = ", ".join(question.values)
    if not isinstance(raw, str):
        return None, Message(N_("%(name)s must be one of: %(options)s"), name=question.short, options=options)
    value = raw.strip()
    if value not in question.values:
        return None, _no_option(question, value, options)
    return value, None


def _no_option(question: Question, value: str, options: str) -> Message:
    return Message(
        N_("%(name)s has no option '%(value)s'; choose one of: %(options)s"),
        name=question.short,
        value=_shown(value),
        options=options,
    )


def _no_options(question: Question, wrong: list[object]) -> Message:
    return Message(
        N_("%(name)s has no option %(values)s; choose from: %(options)s"),
        name=question.short,
        values=", ".join(f"'{_shown(v)}'" for v in wrong[:3]),
        options=", ".join(question.values),
    )


def _at_least(question: Question, low: int) -> Message:
    return Message(N_("%(name)s must be %(low)d or more"), name=question.short, low=low)


def _at_most(question: Question, high: int) -> Message:
    return Message(N_("%(name)s must be %(high)d or less"), name=question.short, high=high)


def _multi(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    values = _as_list(raw)
    wrong = [v for v in values if not isinstance(v, str) or v.strip() not in question.values]
    if wrong:
        return None, _no_options(question, wrong)
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
        return None, _at_least(question, question.min)
    if sign > 0 and question.max is not None:
        return None, _at_most(question, question.max)
    return None, Message(N_("%(name)s has too many digits"), name=question.short)


def _example(question: Question) -> int:
    """A number to show as an example ("like 52")."""
    return 52 if question.max and question.max > 60 else 5


def _whole_number(question: Question) -> Message:
    return Message(
        N_("Enter %(name)s as a whole number, like %(example)d"),
        name=question.short.lower(),
        example=_example(question),
    )


def _in_range(question: Question, value: int) -> tuple[AnswerValue | None, str | None]:
    """Check a whole number against the question's bounds; compared as an int, never printed."""
    low = question.min if question.min is not None else value
    high = question.max if question.max is not None else value
    if value < low:
        return None, _at_least(question, low)
    if value > high:
        return None, _at_most(question, high)
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
        return None, _whole_number(question)
    return _in_range(question, value)


# --- Strict readers for JSON, where the OpenAPI document is the promise: only the types it names.


def _strict_choice(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    options = ", ".join(question.values)
    name = question.short
    if not isinstance(raw, str):
        return None, Message(N_("%(name)s must be one of: %(options)s"), name=name, options=options)
    if raw in question.values:
        return raw, None
    if not raw.strip():
        if question.required:
            return None, Message(
                N_("%(name)s is required; choose one of: %(options)s"), name=name, options=options
            )
        return None, Message(
            N_("%(name)s is empty; leave it out, or choose one of: %(options)s"), name=name, options=options
        )
    # Not trimmed: " staging " is not an option, and the document lists the options exactly.
    return None, _no_option(question, raw, options)


def _strict_multi(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    if not isinstance(raw, list):
        example = ", ".join(f'"{v}"' for v in question.values[:2])
        return None, Message(
            N_("Send %(name)s as a list, like [%(example)s], or [] for none"),
            name=question.short.lower(),
            example=example,
        )
    wrong = [v for v in raw if not isinstance(v, str) or v not in question.values]
    if wrong:
        return None, _no_options(question, wrong)
    seen: set[str] = set()
    repeated: dict[str, None] = {}  # in the order met, each named once
    for value in raw:
        if value in seen:
            repeated[value] = None
        seen.add(value)
    if repeated:
        shown = ", ".join(f"'{v}'" for v in repeated)
        return None, Message(
            N_("%(name)s names %(values)s more than once; list each option once"),
            name=question.short,
            values=shown,
        )
    return frozenset(seen), None


def _strict_number(question: Question, raw: object) -> tuple[AnswerValue | None, str | None]:
    if isinstance(raw, str):
        return None, Message(
            N_("Send %(name)s as a whole number without quotes, like %(example)d"),
            name=question.short.lower(),
            example=_example(question),
        )
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _in_range(question, raw)
    # JSON Schema counts 50.0 as an integer (a number with no fraction), so the API does too.
    if isinstance(raw, float) and raw.is_integer():
        return _in_range(question, int(raw))
    return None, _whole_number(question)


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
            errors.setdefault(_shown(key, 60), []).append(
                Message(N_("There is no question called '%(key)s'"), key=_shown(key))
            )
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
                errors.setdefault(question.id, []).append(
                    Message(N_("%(name)s is required"), name=question.short)
                )
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
