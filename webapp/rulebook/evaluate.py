"""Apply the rules to one set of answers."""

from __future__ import annotations

from types import MappingProxyType

from .answers import asked_answers
from .load import FACTORS_QUESTION
from .model import LEVELS, TOPICS, Answers, Fired, Result, ResultTest, Rulebook

_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
_TOPIC_RANK = {topic: rank for rank, topic in enumerate(TOPICS)}


def evaluate(rulebook: Rulebook, answers: Answers) -> Result:
    """Return the tests and notes for these answers, with the trace of the rules that fired.

    Answers must already be typed (see `parse_answers`); answers to questions that are not asked
    are ignored. If two rules give one test different levels (a conflict `verify` reports), the
    more common level wins so that the result stays deterministic.
    """
    asked, ignored = asked_answers(rulebook, answers)
    found: dict[str, tuple[str, list[str], list[str]]] = {}
    note_ids: dict[str, None] = {}
    trace = []
    for rule in rulebook.candidate_rules(asked):
        if not rule.when.holds(asked):
            continue
        trace.append(Fired(rule.id, rule.when.description))
        for added in rule.tests:
            if added.id not in found:
                found[added.id] = (added.level, [added.why], [rule.id])
                continue
            level, whys, rule_ids = found[added.id]
            if _LEVEL_RANK[added.level] < _LEVEL_RANK[level]:
                found[added.id] = (added.level, whys, rule_ids)
            if added.why not in whys:
                whys.append(added.why)
            rule_ids.append(rule.id)
        for note_id in rule.notes:
            note_ids[note_id] = None

    factors = asked.get(FACTORS_QUESTION) or frozenset()
    order = rulebook.test_rank
    tests = tuple(
        ResultTest(
            test=rulebook.tests[test_id],
            level=level,
            why=" ".join(whys),
            rules=tuple(rule_ids),
            cautions=tuple(
                caution
                for factor, caution in rulebook.tests[test_id].cautions.items()
                if factor in factors  # type: ignore[operator]
            ),
        )
        for test_id, (level, whys, rule_ids) in sorted(
            found.items(), key=lambda item: (_LEVEL_RANK[item[1][0]], order[item[0]])
        )
    )
    notes = tuple(sorted((rulebook.notes[n] for n in note_ids), key=lambda note: _TOPIC_RANK[note.topic]))
    return Result(
        answers=MappingProxyType(asked),
        tests=tests,
        notes=notes,
        trace=tuple(trace),
        ignored=ignored,
        rules_version=rulebook.version,
    )
