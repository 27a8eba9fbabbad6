"""Prove the rule table is complete and consistent over every answer a person can give.

This is decision-table verification (gaps, overlaps, dead rules), plus content checks: every
patient-facing text has a source and a review date, reads at the target grade, and gives no
directions about care.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import changelog
from .codes import provenance_problems
from .export import answers_to_dict
from .load import FACTORS_QUESTION
from .model import LEVELS, AnswerValue, Condition, Rule, Rulebook
from .scenarios import scenario_problems
from .texts import Text, directive_phrase, patient_texts
from .verify_languages import LanguageReport, check_languages

MAX_GRADE = 9.0
MAX_MEDIAN_GRADE = 7.0
REQUIRED_TOPICS = ("disclaimer", "limits")
GAP_TOPIC = "no_imaging_screening"
_UNANSWERED = None


@dataclass(frozen=True)
class Problem:
    """One thing verify found wrong, with where to look."""

    kind: str
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.file}: {self.where}: {self.message}"


@dataclass(frozen=True)
class Grade:
    """The reading grade of one text."""

    grade: float
    text: Text


@dataclass(frozen=True)
class Report:
    """What verify found, and what it walked."""

    problems: tuple[Problem, ...]
    combinations: int
    rules: int
    tests: int
    notes: int
    texts: int
    grades: tuple[Grade, ...] = field(default=())  # worst first; empty if grades were not checked
    seconds: float = 0.0
    scenarios: int = 0
    languages: tuple[LanguageReport, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    @property
    def median_grade(self) -> float | None:
        """The median reading grade of the graded texts."""
        return statistics.median(g.grade for g in self.grades) if self.grades else None

    def of_kind(self, kind: str) -> tuple[Problem, ...]:
        """The problems of one kind."""
        return tuple(p for p in self.problems if p.kind == kind)


def answer_domains(rulebook: Rulebook) -> dict[str, tuple[AnswerValue | None, ...]]:
    """For each question, list the answers worth trying.

    That is each option, or one number per interval between the thresholds the rules use, plus
    'unanswered' where a person may skip the question.
    """
    conditions = [c for r in rulebook.rules for c in r.when.conditions()]
    conditions += [c for q in rulebook.questions for c in q.show_when.conditions()]
    domains: dict[str, tuple[AnswerValue | None, ...]] = {}
    for q in rulebook.questions:
        skip: tuple[None, ...] = () if q.required or q.default else (_UNANSWERED,)
        if q.kind == "choice":
            domains[q.id] = (*q.values, *skip)
        elif q.kind == "multi":
            # Every combination of options when that is small; singles otherwise.
            if len(q.values) <= 8:
                subsets = itertools.chain.from_iterable(
                    itertools.combinations(q.values, n) for n in range(len(q.values) + 1)
                )
            else:
                subsets = itertools.chain([()], ((v,) for v in q.values), [q.values])
            domains[q.id] = (*(frozenset(s) for s in subsets), *skip)
        else:
            low, high = q.min or 0, q.max if q.max is not None else 10**6
            cuts = {low}
            for c in conditions:
                if c.question != q.id or c.value is None:
                    continue
                values = c.value if isinstance(c.value, tuple) else (c.value,)
                for v in values:
                    if c.op in ("at_least", "below"):
                        cuts.add(v)  # type: ignore[arg-type]
                    else:
                        cuts.update((v, v + 1))  # type: ignore[operator]
            domains[q.id] = (*sorted(v for v in cuts if low <= v <= high), *skip)
    return domains


def walk(
    rulebook: Rulebook, domains: dict[str, tuple[AnswerValue | None, ...]] | None = None
) -> Iterator[dict[str, AnswerValue]]:
    """Yield every reachable combination of answers (the same dict, changed in place).

    `domains` narrows the answers tried per question (default: answer_domains).
    """
    domains = answer_domains(rulebook) if domains is None else domains
    questions = rulebook.questions
    answers: dict[str, AnswerValue] = {}

    def step(i: int) -> Iterator[dict[str, AnswerValue]]:
        if i == len(questions):
            yield answers
            return
        question = questions[i]
        if not question.show_when.holds(answers):
            yield from step(i + 1)
            return
        for value in domains[question.id]:
            if value is _UNANSWERED:
                yield from step(i + 1)
                continue
            answers[question.id] = value
            yield from step(i + 1)
            del answers[question.id]

    return step(0)


def describe_answers(rulebook: Rulebook, answers: dict[str, AnswerValue]) -> str:
    """Write answers as `rules explain` takes them, so an editor can paste the line."""
    plain = answers_to_dict(rulebook, answers)
    return " ".join(
        f"{qid}={','.join(value) or 'none' if isinstance(value, list) else value}"
        for qid, value in plain.items()
    )


@dataclass
class _Base:
    """What the rules that ignore the safety factors give for one set of the other answers."""

    key: tuple
    levels: dict[str, dict[str, list[str]]]
    usual: dict[str, str]
    topics: set[str]
    # The rules that look at the factors and could still fire here, each with the conditions left
    # to check once the factors are known (the rest already hold for these answers).
    factor_rules: list[tuple[Rule, tuple[Condition, ...]]]
    group: tuple  # the index answers (situation, site) that findings are reported by
    # What a visit finds, by the factor rules that fired: every set of factors that fires the same
    # rules gives the same result, so it is worked out once per base.
    outcomes: dict[tuple[str, ...], list[tuple]] = field(default_factory=dict)


class _Walker:
    """Collects what the walk sees, grouping repeated findings so reports stay short.

    The walk tries every set of safety factors for each set of the other answers, one after
    another. Rules that ignore the factors are worked out once for all of those sets; a rule that
    looks at them has its other conditions checked once too, and the findings are worked out once
    per set of rules the factors fire.
    """

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.fired: set[str] = set()
        self.reached: set[tuple[str, AnswerValue]] = set()
        self.asked: set[str] = set()
        self.findings: dict[tuple, list] = {}
        self.count = 0
        # (rule id, test id) of the factor changes that changed a level for some answers.
        self.effective: set[tuple[str, str]] = set()
        self.note_topic = {n.id: n.topic for n in rulebook.notes.values()}
        self.looks_at_factors = {r.id for r in rulebook.rules if r.when.looks_at(FACTORS_QUESTION)}
        self.rules = {r.id: r for r in rulebook.rules}
        # Factor rules that can change what the walk finds: they change levels, or add a note of a
        # topic the checks require. The others (a caution note for a factor) cannot.
        checked_topics = {*REQUIRED_TOPICS, GAP_TOPIC}
        self.shapes_findings = {
            r.id
            for r in rulebook.rules
            if r.id in self.looks_at_factors
            and (r.changes or any(self.note_topic[n] in checked_topics for n in r.notes))
        }
        self.base: _Base | None = None

    def find(self, key: tuple, example: dict[str, AnswerValue]) -> None:
        if key in self.findings:
            self.findings[key][0] += 1
        else:
            self.findings[key] = [1, describe_answers(self.rulebook, example)]

    def reach(self, qid: str, value: AnswerValue) -> None:
        self.asked.add(qid)
        if isinstance(value, frozenset):
            self.reached.update((qid, v) for v in value)
        else:
            self.reached.add((qid, value))

    def base_for(self, answers: dict[str, AnswerValue]) -> _Base:
        """The part of the result that does not depend on the factors (kept from the last visit)."""
        key = tuple(item for item in answers.items() if item[0] != FACTORS_QUESTION)
        if self.base is not None and self.base.key == key:
            return self.base
        for qid, value in key:
            self.reach(qid, value)
        levels: dict[str, dict[str, list[str]]] = {}
        topics: set[str] = set()
        factor_rules = []
        for rule in self.rulebook.candidate_rules(answers):
            if rule.id in self.looks_at_factors:
                # A rule whose only effect is a note no check looks at matters here only for
                # whether it ever fires; once it has, it is left out of the visits.
                if rule.id in self.fired and rule.id not in self.shapes_findings:
                    continue
                left = _factor_part(rule, answers)
                if left is not None:
                    factor_rules.append((rule, left))
                continue
            if not rule.when.holds(answers):
                continue
            self.fired.add(rule.id)
            for added in rule.tests:
                levels.setdefault(added.id, {}).setdefault(added.level, []).append(rule.id)
            topics.update(self.note_topic[n] for n in rule.notes)
        # The usual level of each test: the more common one, as evaluate resolves a conflict.
        usual = {test_id: min(by_level, key=LEVELS.index) for test_id, by_level in levels.items()}
        group = tuple(answers.get(q) for q in self.rulebook.index_questions)
        self.base = _Base(key, levels, usual, topics, factor_rules, group)
        return self.base

    def visit(self, answers: dict[str, AnswerValue]) -> None:
        self.count += 1
        base = self.base_for(answers)
        if FACTORS_QUESTION in answers:
            self.reach(FACTORS_QUESTION, answers[FACTORS_QUESTION])
        fired = tuple(rule.id for rule, left in base.factor_rules if all(c.holds(answers) for c in left))
        found = base.outcomes.get(fired)
        if found is None:
            found = base.outcomes[fired] = self.outcome(base, fired)
        for key in found:
            self.find(key, answers)

    def outcome(self, base: _Base, fired: tuple[str, ...]) -> list[tuple]:
        """What the walk finds for these answers when exactly these factor rules fire."""
        self.fired.update(fired)
        topics = base.topics
        changes: dict[str, dict[str, list[str]]] = {}
        for rule in (self.rules[rule_id] for rule_id in fired):
            if rule.notes:
                topics = topics | {self.note_topic[n] for n in rule.notes}
            for change in rule.changes:
                level = base.usual.get(change.id)
                if change.applies(level):
                    changes.setdefault(change.id, {}).setdefault(change.level, []).append(rule.id)
                    if change.level != level:
                        self.effective.add((rule.id, change.id))
        found: list[tuple] = []
        if not base.levels and not changes and GAP_TOPIC not in topics:
            found.append(("gap", base.group))
        found += [("missing", topic, base.group) for topic in REQUIRED_TOPICS if topic not in topics]
        for kind, levels in (("conflict", base.levels), ("change conflict", changes)):
            for test_id, by_level in levels.items():
                if len(by_level) > 1:
                    pairs = tuple(sorted((lvl, tuple(ids)) for lvl, ids in by_level.items()))
                    found.append((kind, test_id, pairs))
        return found


def _factor_part(rule: Rule, answers: dict[str, AnswerValue]) -> tuple[Condition, ...] | None:
    """The conditions of a rule still to check once the factors are known, or None if it cannot fire.

    Every other condition is about answers that are fixed for this base, so it is checked now.
    """
    left: list[Condition] = []
    for condition in rule.when.all:
        if condition.question == FACTORS_QUESTION:
            left.append(condition)
        elif not condition.holds(answers):
            return None
    if rule.when.any:
        if any(c.question == FACTORS_QUESTION for c in rule.when.any):
            # Rare: keep the whole `any` group, as one condition checked per set of factors.
            left.append(_AnyOf(rule.when.any))
        elif not any(c.holds(answers) for c in rule.when.any):
            return None
    return tuple(left)


class _AnyOf:
    """An `any` group that mentions the factors, checked as one condition."""

    question = FACTORS_QUESTION

    def __init__(self, conditions: tuple[Condition, ...]) -> None:
        self.conditions = conditions

    def holds(self, answers: dict[str, AnswerValue]) -> bool:
        return any(c.holds(answers) for c in self.conditions)


def _walk_problems(rulebook: Rulebook) -> tuple[list[Problem], int]:
    walker = _Walker(rulebook)
    for answers in walk(rulebook):
        walker.visit(answers)
    problems = []
    rules_file = "rules/rules"
    for key, (count, example) in walker.findings.items():
        times = f"{count} combination(s), e.g. {example}"
        if key[0] in ("gap", "missing"):
            group = " ".join(f"{q}={v}" for q, v in zip(rulebook.index_questions, key[-1], strict=True))
            missing = f"no '{key[1]}' note" if key[0] == "missing" else f"no test and no '{GAP_TOPIC}' note"
            problems.append(Problem("gap", rules_file, group or "answers", f"{missing} in {times}"))
        else:
            test_id, pairs = key[1], key[2]
            sides = "; ".join(f"{lvl} from {', '.join(ids)}" for lvl, ids in pairs)
            problems.append(Problem(key[0], rules_file, f"test '{test_id}'", f"{sides} in {times}"))
    for rule in rulebook.rules:
        where = f"rule '{rule.id}'"
        if rule.id not in walker.fired:
            problems.append(Problem("dead rule", rule.provenance.file, where, "never fires for any answers"))
            continue
        for change in rule.changes:
            if (rule.id, change.id) not in walker.effective:
                problems.append(
                    Problem(
                        "dead change",
                        rule.provenance.file,
                        f"{where} change of '{change.id}'",
                        f"never changes a level: wherever it fires, '{change.id}' is already "
                        f"{change.level} or not one of the levels in 'from'",
                    )
                )
    problems += _reach_problems(rulebook, walker)
    return problems, walker.count


def _reach_problems(rulebook: Rulebook, walker: _Walker) -> list[Problem]:
    problems = []
    for q in rulebook.questions:
        file, where = q.provenance.file, f"question '{q.id}'"
        if q.id not in walker.asked and not q.default:
            problems.append(Problem("unreachable", file, where, "is never asked"))
            continue
        for value in q.values:
            if (q.id, value) not in walker.reached:
                problems.append(Problem("unreachable", file, where, f"option '{value}' can never be chosen"))
    used_tests = {t.id for r in rulebook.rules for t in (*r.tests, *r.changes)}
    used_notes = {n for r in rulebook.rules for n in r.notes}
    for t in rulebook.tests.values():
        if t.id not in used_tests:
            problems.append(Problem("unused", t.provenance.file, f"test '{t.id}'", "no rule adds it"))
    for n in rulebook.notes.values():
        if n.id not in used_notes:
            problems.append(Problem("unused", n.provenance.file, f"note '{n.id}'", "no rule adds it"))
    return problems


def _text_problems(
    rulebook: Rulebook, grade: Callable[[str], float] | None, max_grade: float, max_median: float
) -> tuple[list[Problem], list[Grade], int]:
    problems = []
    grades = []
    texts = list(patient_texts(rulebook))
    checked_provenance = set()
    graded: dict[str, float] = {}
    for text in texts:
        if text.where not in checked_provenance:
            checked_provenance.add(text.where)
            if not text.provenance.sources:
                problems.append(Problem("source", text.file, text.where, "has no source link ('sources')"))
            if text.provenance.reviewed is None:
                problems.append(
                    Problem("review date", text.file, text.where, "has no review date ('reviewed')")
                )
        phrase = directive_phrase(text.text)
        if phrase:
            problems.append(
                Problem(
                    "directive",
                    text.file,
                    text.where,
                    f"{text.field} says '{phrase}': describe, do not direct",
                )
            )
        if grade and text.graded:
            if text.text not in graded:
                graded[text.text] = grade(text.text)
            grades.append(Grade(graded[text.text], text))
    grades.sort(key=lambda g: -g.grade)
    for g in grades:
        if g.grade > max_grade:
            problems.append(
                Problem(
                    "reading level",
                    g.text.file,
                    g.text.where,
                    f"{g.text.field} reads at grade {g.grade:.1f} (bar {max_grade:g}): {g.text.text[:80]!r}",
                )
            )
    if grades:
        median = statistics.median(g.grade for g in grades)
        if median > max_median:
            problems.append(
                Problem(
                    "reading level",
                    "rules",
                    "all texts",
                    f"median grade {median:.1f} is above {max_median:g}",
                )
            )
    return problems, grades, len(texts)


def verify(
    rulebook: Rulebook,
    grade: Callable[[str], float] | None = None,
    *,
    max_grade: float = MAX_GRADE,
    max_median: float = MAX_MEDIAN_GRADE,
    rules_dir: str | Path | None = None,
    eases: Mapping[str, Callable[[str], float]] | None = None,
) -> Report:
    """Walk every reachable answer set and check the content; return what is wrong.

    `grade` scores a text's reading grade (Flesch-Kincaid); the rulebook stays free of outside
    packages, so the caller passes it in. Without it, reading levels are not checked. With
    `rules_dir`, a CHANGELOG.md there must have an entry for this rules version. Each translation
    is checked too (verify_languages.py), its reading ease scored by `eases[language]` if given.
    """
    started = time.perf_counter()
    problems, combinations = _walk_problems(rulebook)
    # A rule change can make a scenario's teaching point untrue: said here, never taught.
    problems += [Problem("scenario", *found) for found in scenario_problems(rulebook)]
    # Code map displays are the code systems' own titles, not our prose: never graded, but sourced.
    problems += [Problem(*found) for found in provenance_problems(rulebook.codes)]
    text_problems, grades, text_count = _text_problems(rulebook, grade, max_grade, max_median)
    languages = check_languages(rulebook, eases)
    text_problems += [Problem(*found) for report in languages for found in report.problems]
    missing = changelog.missing_entry(rules_dir, rulebook.version) if rules_dir else None
    if missing:
        text_problems.append(Problem("changelog", f"rules/{changelog.FILE_NAME}", "(file)", missing))
    return Report(
        problems=tuple(problems + text_problems),
        combinations=combinations,
        rules=len(rulebook.rules),
        tests=len(rulebook.tests),
        notes=len(rulebook.notes),
        texts=text_count,
        grades=tuple(grades),
        seconds=time.perf_counter() - started,
        scenarios=len(rulebook.scenarios),
        languages=languages,
    )
