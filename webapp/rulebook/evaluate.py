"""Apply the rules to one set of answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from .answers import asked_answers
from .load import FACTORS_QUESTION
from .model import LEVELS, TOPICS, Answers, Fired, ImagingTest, Result, ResultTest, Rule, Rulebook

_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
_TOPIC_RANK = {topic: rank for rank, topic in enumerate(TOPICS)}


@dataclass
class _Found:
    """What the rules said of one test so far: a level, the reasons, the rules."""

    level: str
    whys: list[str]
    rules: list[str]
    factors: dict[str, None] = field(default_factory=dict)  # for a change: the factors behind it

    def join(self, level: str, why: str, rule_id: str) -> None:
        """Add one more rule at the same level."""
        if why not in self.whys:
            self.whys.append(why)
        self.rules.append(rule_id)


def _add_test(found: dict[str, _Found], rule: Rule, test_id: str, level: str, why: str) -> None:
    """COLLECT: when rules disagree (a conflict `verify` reports), the more common level wins."""
    current = found.get(test_id)
    if current is None:
        found[test_id] = _Found(level, [why], [rule.id])
        return
    rank, current_rank = _LEVEL_RANK[level], _LEVEL_RANK[current.level]
    if rank < current_rank:
        # The reasons shown must fit the level shown: the less common level's reasons go.
        current.level, current.whys = level, [why]
        current.rules.append(rule.id)
    elif rank == current_rank:
        current.join(level, why, rule.id)
    else:
        current.rules.append(rule.id)


def _add_change(changes: dict[str, _Found], rule: Rule, test_id: str, level: str, why: str) -> None:
    """PRIORITY: when factor changes disagree (`verify` reports it), the less common level wins."""
    current = changes.get(test_id)
    if current is None or _LEVEL_RANK[level] > _LEVEL_RANK[current.level]:
        changes[test_id] = _Found(level, [why], [rule.id], dict.fromkeys(rule.factors))
    elif level == current.level:
        current.join(level, why, rule.id)
        current.factors.update(dict.fromkeys(rule.factors))


def fired_rules(rulebook: Rulebook, asked: Answers) -> list[Rule]:
    """The rules whose conditions hold for these (asked) answers, in file order."""
    return [rule for rule in rulebook.candidate_rules(asked) if rule.when.holds(asked)]


def _result_test(
    test: ImagingTest, usual: _Found | None, change: _Found | None, factors: frozenset
) -> ResultTest:
    """One test of the result: at its usual level, or at the level a factor changed it to."""
    cautions = tuple(caution for factor, caution in test.cautions.items() if factor in factors)
    usual_level = usual.level if usual else None
    usual_why = " ".join(usual.whys) if usual else ""
    if change is None or change.level == usual_level:
        if usual is None:  # cannot happen: a test is in the result because a rule added or changed it
            raise ValueError(f"{test.id} is in the result with neither a rule nor a change")
        return ResultTest(test, usual.level, usual_why, tuple(usual.rules), cautions, usual_level, usual_why)
    rules = (*usual.rules, *change.rules) if usual else tuple(change.rules)
    why = " ".join(change.whys)
    return ResultTest(test, change.level, why, rules, cautions, usual_level, usual_why, tuple(change.factors))


def evaluate(rulebook: Rulebook, answers: Answers) -> Result:
    """Return the tests and notes for these answers, with the trace of the rules that fired.

    Answers must already be typed (see `parse_answers`); answers to questions that are not asked
    are ignored. Rules add tests first; then rules about safety factors may change a test's level,
    and the result keeps the usual level and the factors that changed it.
    """
    asked, ignored = asked_answers(rulebook, answers)
    found: dict[str, _Found] = {}
    changes: dict[str, _Found] = {}
    note_ids: dict[str, None] = {}
    trace = []
    factors = asked.get(FACTORS_QUESTION) or frozenset()
    changers = []
    for rule in fired_rules(rulebook, asked):
        trace.append(Fired(rule.id, rule.when.description))
        for added in rule.tests:
            _add_test(found, rule, added.id, added.level, added.why)
        for note_id in rule.notes:
            note_ids[note_id] = None
        if rule.changes:
            changers.append(rule)
    # Factor changes come second: whether one applies depends on the test's usual level.
    for rule in changers:
        for change in rule.changes:
            usual = found.get(change.id)
            if change.applies(usual.level if usual else None):
                _add_change(changes, rule, change.id, change.level, change.why)

    tests = [
        _result_test(rulebook.tests[test_id], found.get(test_id), changes.get(test_id), factors)  # type: ignore[arg-type]
        for test_id in found.keys() | changes.keys()
    ]
    order = rulebook.test_rank
    tests.sort(key=lambda t: (_LEVEL_RANK[t.level], order[t.id]))
    notes = tuple(sorted((rulebook.notes[n] for n in note_ids), key=lambda note: _TOPIC_RANK[note.topic]))
    return Result(
        answers=MappingProxyType(asked),
        tests=tuple(tests),
        notes=notes,
        trace=tuple(trace),
        ignored=ignored,
        rules_version=rulebook.version,
    )
