"""Turn a Result into what the results page shows: groups, plain reasons, questions, sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .rulebook import FACTORS_QUESTION, Result, Rulebook
from .rulebook.model import LEVELS, Condition, Note, Option, Provenance, Question, ResultTest

MAX_QUESTIONS = 8
REVIEW_EVERY = dt.timedelta(days=365)


@dataclass(frozen=True)
class CautionView:
    """A caution with the words the person chose, for its heading."""

    factor_label: str
    text: str


@dataclass(frozen=True)
class Card:
    """One test as the results page shows it."""

    result: ResultTest
    cautions: tuple[CautionView, ...]
    because: tuple[tuple[str, ...], ...]  # one list of plain reasons per rule that added the test
    changed_by: tuple[str, ...] = ()  # the words of the safety factors that changed its level


@dataclass
class ResultsView:
    """Everything the results template needs, worked out in one place."""

    groups: list[tuple[str, list[Card]]]
    disclaimer: tuple[Note, ...]
    notes: tuple[Note, ...]
    questions: list[str]
    journey: list[tuple[str, str, bool]]
    sources: list[str]
    last_reviewed: dt.date | None
    next_review: dt.date | None
    names_by_level: dict[str, list[str]]
    changed_names: list[str]  # tests whose level a safety factor changed


def _option_label(question: Question, value: object) -> str:
    option = question.option(str(value))
    return option.label if option else str(value)


def condition_in_words(rulebook: Rulebook, condition: Condition) -> str:
    """Say one rule condition as the answer that met it: "Age: 45 or over"."""
    question = rulebook.question(condition.question)
    if question is None:  # pragma: no cover - load checks every reference
        return condition.describe()
    name, op, value = question.short, condition.op, condition.value
    values = value if isinstance(value, tuple) else (value,)
    if op in ("is", "includes"):
        return (
            f"{name}: {_option_label(question, value)}" if question.kind != "number" else f"{name}: {value}"
        )
    if op == "in":
        return f"{name}: " + " or ".join(_option_label(question, v) for v in values)
    if op in ("is_not", "not_in", "excludes"):
        others = [o.label for o in question.options if o.value not in values]
        if op == "excludes":
            return f"{name}: not " + " or ".join(_option_label(question, v) for v in values)
        return f"{name}: " + " or ".join([*others, "not answered"]) if others else f"{name}: not answered"
    if op == "at_least":
        return f"{name}: {value} or over"
    if op == "below":
        return f"{name}: under {value}"
    if op == "answered":
        return f"{name}: answered"
    return f"{name}: not answered"


def _merge_ranges(rulebook: Rulebook, conditions: Iterable[Condition]) -> tuple[str, ...]:
    """Put "at least A" and "below B" on one question together as "A to B-1"."""
    conditions = list(conditions)
    lows = {c.question: c.value for c in conditions if c.op == "at_least"}
    highs = {c.question: c.value for c in conditions if c.op == "below"}
    words = []
    for c in conditions:
        if c.op in ("at_least", "below") and c.question in lows and c.question in highs:
            if c.op == "at_least":
                name = rulebook.question(c.question).short  # type: ignore[union-attr]
                words.append(f"{name}: {lows[c.question]} to {highs[c.question] - 1}")  # type: ignore[operator]
            continue
        words.append(condition_in_words(rulebook, c))
    return tuple(words)


def reasons(rulebook: Rulebook, rule_id: str) -> tuple[str, ...]:
    """The answers that made one rule fire, in plain words."""
    rule = next(r for r in rulebook.rules if r.id == rule_id)
    words = _merge_ranges(rulebook, rule.when.all)
    if rule.when.any:
        words += ("one of: " + "; ".join(condition_in_words(rulebook, c) for c in rule.when.any),)
    return words


def _factor_options(rulebook: Rulebook) -> tuple[Option, ...]:
    """The safety factors a person can tick, with their words."""
    question = rulebook.question(FACTORS_QUESTION)
    return question.options if question else ()


def _questions(result: Result) -> list[str]:
    asks: dict[str, None] = {}
    for test in result.tests:
        if test.level != "not_usually_used":
            asks.update(dict.fromkeys(test.test.ask[:1]))
    for note in result.notes:
        asks.update(dict.fromkeys(note.ask[:1]))
    for test in result.tests:
        if test.level != "not_usually_used":
            asks.update(dict.fromkeys(test.test.ask[1:]))
    return list(asks)[:MAX_QUESTIONS]


def _provenances(rulebook: Rulebook, result: Result) -> list[Provenance]:
    found = [t.test.provenance for t in result.tests] + [n.provenance for n in result.notes]
    fired = {f.rule for f in result.trace}
    found += [r.provenance for r in rulebook.rules if r.id in fired and r.tests]
    return found


def build(rulebook: Rulebook, result: Result) -> ResultsView:
    """Work out the results page from a result."""
    factors = _factor_options(rulebook)
    factor_words = {o.value: o.label for o in factors}
    groups = []
    for level in LEVELS:
        cards = [
            Card(
                result=t,
                cautions=tuple(CautionView(factor_words.get(c.factor, c.factor), c.text) for c in t.cautions),
                because=tuple(reasons(rulebook, rule_id) for rule_id in dict.fromkeys(t.rules)),
                changed_by=tuple(factor_words.get(f, f) for f in t.changed_by),
            )
            for t in result.by_level(level)
        ]
        if cards:
            groups.append((level, cards))
    situation = rulebook.question("situation")
    current = result.answers.get("situation")
    journey = [(o.value, o.short, o.value == current) for o in situation.options] if situation else []
    provenances = _provenances(rulebook, result)
    dates = [p.reviewed for p in provenances if p.reviewed]
    sources = list(dict.fromkeys(url for p in provenances for url in p.sources))
    return ResultsView(
        groups=groups,
        disclaimer=tuple(n for n in result.notes if n.topic == "disclaimer"),
        notes=tuple(n for n in result.notes if n.topic != "disclaimer"),
        questions=_questions(result),
        journey=journey,
        sources=sources,
        last_reviewed=max(dates) if dates else None,
        next_review=min(dates) + REVIEW_EVERY if dates else None,
        names_by_level={level: [c.result.test.name for c in cards] for level, cards in groups},
        changed_names=[t.test.name for t in result.tests if t.changed],
    )
