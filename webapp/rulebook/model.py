"""The frozen shapes of a loaded rulebook and of a result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

from .codes import CodeMaps

if TYPE_CHECKING:  # scenarios.py builds on this module, so it is imported for type checking only
    from .scenarios import Scenario

# An answer is a choice value, a whole number, or a set of choices.
AnswerValue = str | int | frozenset[str]
Answers = Mapping[str, AnswerValue]
Predicate = Callable[[Answers], bool]

LEVELS = ("commonly_used", "sometimes_used", "not_usually_used")
# What a factor change may apply to: a test at one of the levels, or a test not in the result yet.
NOT_LISTED = "not_listed"
TOPICS = (
    "disclaimer",
    "limits",
    "biopsy",
    "baseline",
    "response",
    "recurrence",
    "radiation",
    "pregnancy",
    "breastfeeding",
    "implant",
    "kidney",
    "contrast_allergy",
    "claustrophobia",
    "no_imaging_screening",
    "guideline_difference",
    "general",
)
RADIATION_BANDS = ("none", "under_0.1", "0.1_to_1", "1_to_10", "10_to_30", "varies")
CONTRAST_USES = ("none", "sometimes", "usually")
USES = ("xray", "sound_waves", "magnets", "tracer")
QUESTION_KINDS = ("choice", "multi", "number")


@dataclass(frozen=True)
class Provenance:
    """Where a piece of content came from and when a person last checked it."""

    file: str
    sources: tuple[str, ...]
    reviewed: dt.date | None


@dataclass(frozen=True)
class Condition:
    """One `{question, op, value}` test on the answers, compiled to a predicate."""

    question: str
    op: str
    value: object
    holds: Predicate = field(compare=False, repr=False)

    def describe(self) -> str:
        """Say the condition in words, for traces and reports."""
        if self.value is None:
            return f"{self.question} {self.op}"
        value = ", ".join(map(str, self.value)) if isinstance(self.value, tuple) else self.value
        return f"{self.question} {self.op} {value}"


@dataclass(frozen=True)
class When:
    """`all` of these conditions and, if any are given, at least one of `any`."""

    all: tuple[Condition, ...] = ()
    any: tuple[Condition, ...] = ()

    def holds(self, answers: Answers) -> bool:
        """Tell whether the answers meet this condition group."""
        for condition in self.all:
            if not condition.holds(answers):
                return False
        if not self.any:
            return True
        return any(condition.holds(answers) for condition in self.any)

    def conditions(self) -> tuple[Condition, ...]:
        """Every condition in the group."""
        return self.all + self.any

    def looks_at(self, question_id: str) -> bool:
        """Whether any condition in the group is about this question."""
        return any(c.question == question_id for c in self.conditions())

    @cached_property
    def description(self) -> str:
        """Say the whole group in words (worked out once, used by every trace)."""
        parts = [c.describe() for c in self.all]
        if self.any:
            parts.append("any of (" + " or ".join(c.describe() for c in self.any) + ")")
        return " and ".join(parts) if parts else "always"


ALWAYS = When()


@dataclass(frozen=True)
class Option:
    """One answer a person can pick."""

    value: str
    label: str
    hint: str = ""
    short: str = ""  # a shorter name where space is tight, such as the journey picture
    # For a safety factor: the note topic its cautions carry ("pregnant" -> "pregnancy").
    topic: str | None = None
    # Hints that fit one answer to the question's `hint_by` question better ("breast": "...").
    hints: Mapping[str, str] = field(default_factory=dict, compare=False)  # unhashable, so not compared


@dataclass(frozen=True)
class Question:
    """A question, its options or bounds, and when it is asked."""

    id: str
    kind: str
    label: str
    short: str
    hint: str
    error: str  # what a form says when a required question is left blank
    required: bool
    options: tuple[Option, ...]
    show_when: When
    default: str | None
    min: int | None
    max: int | None
    unit: str
    provenance: Provenance
    hint_by: str | None = None  # an earlier question whose answer picks each option's hint

    def option(self, value: str) -> Option | None:
        """Find an option by its value."""
        for option in self.options:
            if option.value == value:
                return option
        return None

    @property
    def values(self) -> tuple[str, ...]:
        """The option values, in order."""
        return tuple(option.value for option in self.options)

    def options_for(self, answers: Answers) -> tuple[Option, ...]:
        """The options with the hints that fit the answers so far (the site's own hint, say)."""
        key = answers.get(self.hint_by) if self.hint_by else None
        if not isinstance(key, str):
            return self.options
        return tuple(
            replace(option, hint=option.hints[key]) if key in option.hints else option
            for option in self.options
        )


@dataclass(frozen=True)
class Radiation:
    """How much radiation a test uses, as a band, a typical figure and a yardstick."""

    band: str
    typical: str
    background: str


@dataclass(frozen=True)
class Contrast:
    """Whether dye (contrast) is used and how it is given."""

    use: str
    how: str


@dataclass(frozen=True)
class Caution:
    """What a test means for one safety factor the person chose."""

    factor: str  # the factor option it belongs to, so every page names it the same way
    topic: str
    text: str


@dataclass(frozen=True)
class ImagingTest:
    """One entry of the imaging test catalogue."""

    id: str
    name: str
    also_called: str
    summary: str
    uses: tuple[str, ...]
    radiation: Radiation
    contrast: Contrast
    time: str
    experience: str
    prepare: str
    shows_well: str
    limits: str
    cautions: Mapping[str, Caution]  # by factor value, in the order of the factor options
    ask: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True)
class Note:
    """A short text shown under the tests, with its topic."""

    id: str
    topic: str
    text: str
    ask: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True)
class RuleTest:
    """A test a rule adds, at a level, with the reason it shows up."""

    id: str
    level: str
    why: str


@dataclass(frozen=True)
class RuleChange:
    """A safety factor's change to a test's level, with the reason said to the person."""

    id: str  # the test
    level: str
    why: str
    # The usual levels it applies to; NOT_LISTED brings in a test the result does not have.
    applies_to: frozenset[str] = frozenset(LEVELS)

    def applies(self, usual_level: str | None) -> bool:
        """Whether this change applies to a test whose usual level is this (None: not listed)."""
        return (usual_level or NOT_LISTED) in self.applies_to


@dataclass(frozen=True)
class Rule:
    """When its conditions hold, a rule adds tests and notes, or changes levels for a factor.

    A rule that looks at the safety factors never adds tests; it may only change the level of a
    test (`changes`), so that every result can say what a factor changed and why.
    """

    id: str
    about: str
    when: When
    tests: tuple[RuleTest, ...]
    notes: tuple[str, ...]
    provenance: Provenance
    changes: tuple[RuleChange, ...] = ()
    # The factor values this rule's conditions require (`includes`): what a change is "changed by".
    factors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A hard word, explained in plain words wherever it appears."""

    id: str
    term: str
    forms: tuple[str, ...]  # the word as it may appear in text: "biopsy", "biopsies"
    definition: str
    provenance: Provenance


@dataclass(frozen=True)
class Section:
    """Part of a page: a heading, paragraphs and an optional list."""

    heading: str
    paragraphs: tuple[str, ...]
    items: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """The words of a fixed page (start, about), kept with the rest of the content."""

    id: str
    title: str
    lede: str
    sections: tuple[Section, ...]
    provenance: Provenance


@dataclass(frozen=True)
class Untranslated:
    """An English text with no translation yet: where it is and which field."""

    file: str
    where: str
    field: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.field} has no translation"


@dataclass(frozen=True)
class Rulebook:
    """Everything in `rules/`, checked and ready to evaluate."""

    questions: tuple[Question, ...]
    tests: Mapping[str, ImagingTest]
    notes: Mapping[str, Note]
    rules: tuple[Rule, ...]
    glossary: Mapping[str, Term]
    pages: Mapping[str, Page]
    version: str
    # Rules grouped by the values of questions every answer set has (situation, site), so that
    # evaluate only looks at the few rules that can fire.
    index_questions: tuple[str, ...]
    index: Mapping[tuple[AnswerValue, ...], tuple[Rule, ...]]
    # Position of each test in the catalogue: results list tests in this order within a level.
    test_rank: Mapping[str, int]
    # Made-up people for teaching (rules/scenarios.toml), by id, in file order.
    scenarios: Mapping[str, Scenario] = field(default_factory=lambda: MappingProxyType({}))
    # Health-record codes (rules/codes/) and what each means here, for /infobutton.
    codes: CodeMaps = field(default_factory=CodeMaps)
    # The language of the texts; the English table carries the others in `translations`, each
    # with the same rules and ids and only its texts changed (translations.py).
    language: str = "en"
    translations: Mapping[str, Rulebook] = field(default_factory=lambda: MappingProxyType({}))
    # In a translation: the texts that are still in English, for `rules check` to report.
    untranslated: tuple[Untranslated, ...] = ()

    def in_language(self, language: str) -> Rulebook:
        """The same table with its texts in `language`; itself when there is no such translation."""
        return self.translations.get(language, self)

    def question(self, question_id: str) -> Question | None:
        """Find a question by id."""
        for question in self.questions:
            if question.id == question_id:
                return question
        return None

    def candidate_rules(self, answers: Answers) -> tuple[Rule, ...]:
        """The rules that may fire for these (normalised) answers."""
        if not self.index_questions:
            return self.rules
        key = tuple(answers.get(q) for q in self.index_questions)
        return self.index.get(key, self.rules)


@dataclass(frozen=True)
class ResultTest:
    """A test in a result.

    `usual_level` and `usual_why` are the level and reason without the safety factors: the same
    as `level` and `why` unless a factor changed them, and then `changed_by` names the factor
    values. `usual_level` is None for a test that only a factor brought into the result.
    """

    test: ImagingTest
    level: str
    why: str
    rules: tuple[str, ...]
    cautions: tuple[Caution, ...]
    usual_level: str | None = None
    usual_why: str = ""
    changed_by: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The test id."""
        return self.test.id

    @property
    def changed(self) -> bool:
        """Whether a safety factor changed this test's level."""
        return bool(self.changed_by)


@dataclass(frozen=True)
class Fired:
    """A rule that fired, and the conditions that made it fire."""

    rule: str
    because: str


@dataclass(frozen=True)
class Result:
    """What `evaluate` returns: tests, notes, and the trace of how they got there."""

    answers: Answers
    tests: tuple[ResultTest, ...]
    notes: tuple[Note, ...]
    trace: tuple[Fired, ...]
    ignored: tuple[str, ...]
    rules_version: str

    def by_level(self, level: str) -> tuple[ResultTest, ...]:
        """The tests at one level, in order."""
        return tuple(t for t in self.tests if t.level == level)
