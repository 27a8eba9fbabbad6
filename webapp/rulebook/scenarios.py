"""Made-up people for teaching (rules/scenarios.toml): read and checked at load, and their points re-checked.

A scenario is a story, the answers that person would give, a guess-first prompt and two or three
teaching points. Each point carries an expectation the check can test against the real result, so
a rule change that makes a point untrue is reported by `rules check` instead of being taught.
Loading refuses a scenario whose data is malformed (unknown fields, answers that do not fit the
questions); whether its points still match the result is a `verify` finding, not a start-up error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .answers import asked_answers, parse_answers
from .evaluate import evaluate
from .model import LEVELS, NOT_LISTED, TOPICS, Answers, Provenance, Result, ResultTest, Rulebook

if TYPE_CHECKING:  # load.py calls into this module, so its reader is imported for type checking only
    from .load import _Loader

FILE = "scenarios.toml"
STORY_START = re.compile(r"^(?P<name>[A-Z][A-Za-z'-]*), (?P<age>\d{1,3}), \S")
KEY = "scenario"
# What the guess step asks about: the tests at one level, or the tests a safety factor changed.
CHANGED = "changed"
REVEALS = (*LEVELS, CHANGED)
EXPECT_FIELDS = ("test", "level", "changed_by", "note", "topic")
MIN_POINTS, MAX_POINTS = 2, 3
LEVEL_WORDS = {
    "commonly_used": "commonly used",
    "sometimes_used": "sometimes used",
    "not_usually_used": "not usually used",
    NOT_LISTED: "not listed",
}


@dataclass(frozen=True)
class Expectation:
    """What a teaching point says the result shows: a test at a level, a changed level, or a note."""

    test: str | None = None
    level: str | None = None  # one of LEVELS, or NOT_LISTED for a test the result must not have
    changed_by: str | None = None  # a safety factor that must have changed the test's level
    note: str | None = None
    topic: str | None = None

    def describe(self) -> str:
        """Say the expectation in words, for problem reports."""
        if self.note:
            return f"note '{self.note}' in the result"
        if self.topic:
            return f"a note about '{self.topic}' in the result"
        parts = [f"'{self.test}'"]
        if self.level:
            parts.append(LEVEL_WORDS[self.level])
        if self.changed_by:
            parts.append(f"changed by '{self.changed_by}'")
        return " ".join(parts)


@dataclass(frozen=True)
class TeachingPoint:
    """One thing a class should take away, in plain words, and what makes it true."""

    text: str
    expect: Expectation


@dataclass(frozen=True)
class Scenario:
    """A made-up person: a one-line story, their answers, a guess to ask and the teaching points."""

    id: str
    story: str
    answers: Answers  # typed and asked, as `evaluate` takes them
    guess: str
    reveal: str  # one of REVEALS: what the guess step's answer is made of
    points: tuple[TeachingPoint, ...]
    provenance: Provenance

    @property
    def name(self) -> str:
        """The made-up first name the story starts with."""
        return self.story.split(",", 1)[0]

    @property
    def situation(self) -> str:
        """The situation this person is in."""
        return str(self.answers.get("situation", ""))

    @property
    def site(self) -> str:
        """The body area the story is about."""
        return str(self.answers.get("site", ""))

    @property
    def factors(self) -> frozenset[str]:
        """The safety factors this person has."""
        value = self.answers.get("factors")
        return value if isinstance(value, frozenset) else frozenset()


# --- reading, at load ----------------------------------------------------------------------------


def read_scenarios(loader: _Loader, book: Rulebook) -> dict[str, Scenario]:
    """Read rules/scenarios.toml (optional) against a loaded rulebook; note every problem on the loader."""
    from .load import _Entry  # load.py imports this module inside load(), so no import cycle

    path = loader.root / FILE
    if not path.is_file():
        return {}
    seen: dict[str, str] = {}
    out: dict[str, Scenario] = {}
    for i, (file, table) in enumerate(loader.read(path, KEY)):
        entry = _Entry(loader, file, KEY, table, i)
        ok = loader.unique(entry, seen)
        answers = _answers(entry, book)
        story = entry.text("story")
        start = STORY_START.match(story)
        if story and start is None:
            entry.problem("the story must start with a first name and an age, like 'Ana, 52, was ...'")
        elif start and int(start["age"]) != answers.get("age"):
            given = f"age {answers['age']}" if "age" in answers else "no age"
            entry.problem(f"the story says {start['age']}, but its answers give {given}")
        if "\n" in story:
            entry.problem("the story must be one line")
        guess = entry.table_of("guess")
        sub = _Entry(loader, file, "guess", guess, i)
        sub.label = f"{entry.label} guess"
        prompt = sub.text("prompt") if guess else ""
        reveal = sub.choice("reveal", REVEALS) if guess else CHANGED
        if guess:
            sub.finish()
        if reveal == CHANGED and guess and not answers.get("factors"):
            entry.problem("the guess reveals what a safety factor changed, but its answers have no factors")
        points = tuple(_point(entry, n, raw, book) for n, raw in enumerate(entry.tables("point")))
        if not MIN_POINTS <= len(points) <= MAX_POINTS:
            entry.problem(f"has {len(points)} teaching point(s); give {MIN_POINTS} or {MAX_POINTS}")
        scenario = Scenario(
            id=entry.id,
            story=story,
            answers=MappingProxyType(answers),
            guess=prompt,
            reveal=reveal,
            points=points,
            provenance=entry.provenance(),
        )
        entry.finish()
        if ok:
            out[scenario.id] = scenario
    return out


def _answers(entry: Any, book: Rulebook) -> dict[str, Any]:
    """Read a scenario's `[scenario.answers]` as a pre-fill link gives them; note what does not fit."""
    raw = entry.table_of("answers")
    if not raw:
        return {}
    # TOML has real types, so they are read as strictly as the JSON API reads them.
    typed, errors = parse_answers(book, raw, complete=True, strict_types=True)
    for key, messages in errors.items():
        for message in messages:
            entry.problem(f"answers: {key}: {message}")
    asked, ignored = asked_answers(book, typed)
    for question_id in ignored:
        entry.problem(f"answers: '{question_id}' is not asked for these answers; leave it out")
    return asked if not errors else typed


def _point(entry: Any, n: int, raw: Mapping[str, Any], book: Rulebook) -> TeachingPoint:
    """Read one `[[scenario.point]]`: its text and an expectation that names things the rules know."""
    from .load import FACTORS_QUESTION, _Entry

    sub = _Entry(entry.loader, entry.file, "point", raw, n)
    sub.label = f"{entry.label} point {n + 1}"
    text = sub.text("text")
    expect_raw = sub.table_of("expect")
    sub.finish()
    unknown = set(expect_raw) - set(EXPECT_FIELDS)
    if unknown:
        sub.problem(f"'expect' has unknown field(s): {', '.join(sorted(unknown))}")
    values = {k: v for k, v in expect_raw.items() if k in EXPECT_FIELDS}
    for key, value in values.items():
        if not isinstance(value, str) or not value:
            sub.problem(f"'expect.{key}' must be non-empty text")
            return TeachingPoint(text, Expectation())
    expect = Expectation(**values)
    kinds = [k for k in ("test", "note", "topic") if k in values]
    if len(kinds) != 1:
        sub.problem("'expect' needs exactly one of 'test', 'note' or 'topic'")
        return TeachingPoint(text, Expectation())
    factors = book.question(FACTORS_QUESTION)
    factor_values = factors.values if factors else ()
    if expect.test is not None:
        if expect.test not in book.tests:
            sub.problem(f"'expect.test' is {expect.test!r}, which is not in the test catalogue")
        if expect.level is None and expect.changed_by is None:
            sub.problem("'expect' with a 'test' needs a 'level' or 'changed_by'")
        if expect.level is not None and expect.level not in LEVEL_WORDS:
            sub.problem(f"'expect.level' is {expect.level!r}; it must be one of: {', '.join(LEVEL_WORDS)}")
        if expect.changed_by is not None:
            if expect.changed_by not in factor_values:
                sub.problem(f"'expect.changed_by' is {expect.changed_by!r}: not a {FACTORS_QUESTION} option")
            if expect.level == NOT_LISTED:
                sub.problem("'expect' says the test is not listed and also changed; it cannot be both")
    elif expect.level is not None or expect.changed_by is not None:
        sub.problem("'expect.level' and 'expect.changed_by' go with a 'test'")
    if expect.note is not None and expect.note not in book.notes:
        sub.problem(f"'expect.note' is {expect.note!r}, which is not in the notes")
    if expect.topic is not None and expect.topic not in TOPICS:
        sub.problem(f"'expect.topic' is {expect.topic!r}; it must be one of: {', '.join(TOPICS)}")
    return TeachingPoint(text, expect)


# --- checking against the result, in verify -----------------------------------------------------


def said(expect: Expectation, result: Result) -> str:
    """What the result says about the thing an expectation looks at, in words."""
    if expect.note:
        there = any(n.id == expect.note for n in result.notes)
        return "the note is there" if there else "the note is not there"
    if expect.topic:
        topics = {n.topic for n in result.notes}
        return f"a note about '{expect.topic}' is there" if expect.topic in topics else "no note about it"
    found = _test(result, expect.test)
    if found is None:
        return f"'{expect.test}' not listed"
    words = f"'{found.id}' {LEVEL_WORDS[found.level]}"
    if found.changed:
        words += f", changed by {', '.join(repr(f) for f in found.changed_by)}"
    return words


def holds(expect: Expectation, result: Result) -> bool:
    """Whether the result shows what the expectation says."""
    if expect.note:
        return any(n.id == expect.note for n in result.notes)
    if expect.topic:
        return any(n.topic == expect.topic for n in result.notes)
    found = _test(result, expect.test)
    if expect.level == NOT_LISTED:
        return found is None
    if found is None:
        return False
    if expect.level is not None and found.level != expect.level:
        return False
    return expect.changed_by is None or expect.changed_by in found.changed_by


def revealed(scenario: Scenario, result: Result) -> tuple[ResultTest, ...]:
    """The tests that answer the scenario's guess: those at its level, or those a factor changed."""
    if scenario.reveal == CHANGED:
        return tuple(t for t in result.tests if t.changed)
    return result.by_level(scenario.reveal)


def _test(result: Result, test_id: str | None) -> ResultTest | None:
    return next((t for t in result.tests if t.id == test_id), None)


def scenario_problems(book: Rulebook) -> Iterator[tuple[str, str, str]]:
    """Evaluate every scenario; yield (file, where, message) for each point or guess the result breaks."""
    for scenario in book.scenarios.values():
        result = evaluate(book, scenario.answers)
        file, where = scenario.provenance.file, f"scenario '{scenario.id}'"
        for n, point in enumerate(scenario.points, 1):
            if not holds(point.expect, result):
                yield (
                    file,
                    f"{where} point {n}",
                    f"teaching point no longer matches the result: it expects {point.expect.describe()}, "
                    f"the result says {said(point.expect, result)}",
                )
        if not revealed(scenario, result):
            if scenario.reveal == CHANGED:
                missing = "no test whose level a safety factor changed"
            else:
                missing = f"no test {LEVEL_WORDS[scenario.reveal]}"
            yield file, f"{where} guess", f"the guess has no answer: the result has {missing}"
