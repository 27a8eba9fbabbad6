"""The closed set of condition operators, compiled once at load into fast predicates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import Answers, Condition, Predicate


@dataclass(frozen=True)
class Operator:
    """How one op reads its value and which question kinds it applies to."""

    kinds: frozenset[str]
    value: str  # "one" (a single value), "many" (a list), "none" (no value)
    build: Callable[[str, object], Predicate]


def _is(q: str, v: object) -> Predicate:
    return lambda a: a.get(q) == v


def _is_not(q: str, v: object) -> Predicate:
    return lambda a: a.get(q) != v


def _in(q: str, v: object) -> Predicate:
    values = frozenset(v)  # type: ignore[arg-type]
    return lambda a: a.get(q) in values


def _not_in(q: str, v: object) -> Predicate:
    values = frozenset(v)  # type: ignore[arg-type]
    return lambda a: a.get(q) not in values


def _at_least(q: str, v: object) -> Predicate:
    def holds(a: Answers) -> bool:
        x = a.get(q)
        return x is not None and x >= v  # type: ignore[operator]

    return holds


def _below(q: str, v: object) -> Predicate:
    def holds(a: Answers) -> bool:
        x = a.get(q)
        return x is not None and x < v  # type: ignore[operator]

    return holds


def _includes(q: str, v: object) -> Predicate:
    return lambda a: v in a.get(q, ())  # type: ignore[operator]


def _excludes(q: str, v: object) -> Predicate:
    return lambda a: v not in a.get(q, ())  # type: ignore[operator]


def _answered(q: str, v: object) -> Predicate:
    return lambda a: q in a


def _unanswered(q: str, v: object) -> Predicate:
    return lambda a: q not in a


_SCALAR = frozenset({"choice", "number"})
_ANY = frozenset({"choice", "number", "multi"})

OPERATORS: dict[str, Operator] = {
    "is": Operator(_SCALAR, "one", _is),
    "is_not": Operator(_SCALAR, "one", _is_not),
    "in": Operator(_SCALAR, "many", _in),
    "not_in": Operator(_SCALAR, "many", _not_in),
    "at_least": Operator(frozenset({"number"}), "one", _at_least),
    "below": Operator(frozenset({"number"}), "one", _below),
    "includes": Operator(frozenset({"multi"}), "one", _includes),
    "excludes": Operator(frozenset({"multi"}), "one", _excludes),
    "answered": Operator(_ANY, "none", _answered),
    "unanswered": Operator(_ANY, "none", _unanswered),
}


def compile_condition(question: str, op: str, value: object) -> Condition:
    """Build a condition whose predicate is ready to run (op and value already checked)."""
    if isinstance(value, list):
        value = tuple(value)
    return Condition(question, op, value, OPERATORS[op].build(question, value))
