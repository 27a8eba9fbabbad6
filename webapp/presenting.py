"""Turn a Result into what the results page shows: groups, plain reasons, questions, sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from . import labels
from .quoting import or_list
from .rulebook import FACTORS_QUESTION, Result, Rulebook
from .rulebook.model import LEVELS, Condition, Note, Provenance, Question, ResultTest
from .sources import source_name

MAX_QUESTIONS = 8
NOT_USUALLY_USED = "not_usually_used"
# Notes shown open under "Things to know": what is done instead of imaging, and where experts
# differ. The rest (the full disclaimer among them, already said in a line under the heading and
# in the footer) sit behind one "more things to know" disclosure, so the page stays short on a phone.
FIRST_TOPICS = frozenset({"no_imaging_screening", "guideline_difference"})
REVIEW_EVERY = dt.timedelta(days=365)


@dataclass(frozen=True)
class Factor:
    """A safety factor the person gave, with its words and its place on the page."""

    value: str
    label: str  # the words the person ticked: "I have kidney problems"
    short: str  # a few words for lists: "Kidney problems"

    @property
    def anchor(self) -> str:
        """The id of its part of "Tell your care team"."""
        return f"tell-{self.value}"


@dataclass(frozen=True)
class Card:
    """One test as the results page shows it."""

    result: ResultTest
    because: tuple[tuple[str, ...], ...]  # one list of plain reasons per rule that added the test
    changed_by: tuple[Factor, ...] = ()  # the safety factors that changed its level
    told: tuple[Factor, ...] = ()  # the factors with a caution for this test, under "Tell your care team"

    @property
    def anchor(self) -> str:
        """The id of the card, for links from the summary."""
        return f"test-{self.result.test.id}"

    @property
    def name(self) -> str:
        """The test's name."""
        return self.result.test.name

    @property
    def level(self) -> str:
        """How often the test is used here."""
        return self.result.level

    @property
    def in_use(self) -> bool:
        """True for tests commonly or sometimes used: they get a full card, the others one line."""
        return self.result.level != NOT_USUALLY_USED


@dataclass(frozen=True)
class Telling:
    """One part of "Tell your care team": a factor, what it means in general, and per test."""

    factor: Factor
    notes: tuple[Note, ...]
    cautions: tuple[tuple[Card, str], ...]  # (the test, what the factor means for it)

    @property
    def test_names(self) -> list[str]:
        """The tests this factor matters for."""
        return [card.name for card, _ in self.cautions]


@dataclass(frozen=True)
class NoteView:
    """A note and how it is set out: `care` (talk to your care team), `inset` (experts differ) or `plain`."""

    note: Note
    style: str


@dataclass(frozen=True)
class Source:
    """A source link named by its organisation."""

    url: str
    name: str


@dataclass
class ResultsView:
    """Everything the results page and the handout show, worked out in one place."""

    rules_version: str
    rows: list[dict[str, Any]]  # the answers, as the summary list shows them (journey.answer_rows)
    cards: dict[str, list[Card]]  # tests commonly or sometimes used, by level; a level with none is left out
    lines: list[Card]  # tests not usually used here: one line each, with their reason
    telling: list[Telling]
    notes: list[NoteView]  # every note but the safety factors' (those are under "Tell your care team")
    questions: list[str]
    journey: list[tuple[str, str, bool]]
    sources: list[Source]
    last_reviewed: dt.date | None
    next_review: dt.date | None
    changed: list[Card]  # tests whose level a safety factor changed

    @property
    def contents(self) -> list[tuple[str, str]]:
        """(anchor, words) for each part of the page, for "On this page"."""
        parts = [(level, str(labels.LEVELS[level])) for level in self.cards]
        if self.lines:
            parts.append((NOT_USUALLY_USED, _("Not usually used")))
        if self.telling:
            parts.append(("tell", _("Tell your care team")))
        return [
            *parts,
            ("ask", _("Questions to ask")),
            ("know", _("Things to know")),
            ("answers", _("Your answers")),
            ("sources", _("Sources")),
        ]

    @property
    def first_notes(self) -> list[NoteView]:
        """The notes shown open: what is done instead of imaging, and where experts differ."""
        return [item for item in self.notes if item.note.topic in FIRST_TOPICS]

    @property
    def more_notes(self) -> list[NoteView]:
        """The other notes, shown on request."""
        return [item for item in self.notes if item.note.topic not in FIRST_TOPICS]

    @property
    def all_cards(self) -> list[Card]:
        """Every test in the result, in order."""
        return [card for cards in self.cards.values() for card in cards] + self.lines


def _option_label(question: Question, value: object) -> str:
    option = question.option(str(value))
    return option.label if option else str(value)


def condition_in_words(rulebook: Rulebook, condition: Condition) -> str:
    """Say one rule condition as the answer that met it: "Age: 45 or over" (in the request's language)."""
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
        return f"{name}: " + or_list([_option_label(question, v) for v in values])
    if op in ("is_not", "not_in", "excludes"):
        others = [o.label for o in question.options if o.value not in values]
        if op == "excludes":
            named = or_list([_option_label(question, v) for v in values])
            return _("%(question)s: not %(answers)s", question=name, answers=named)
        if others:
            return f"{name}: " + or_list([*others, _("not answered")])
        return _("%(question)s: not answered", question=name)
    if op == "at_least":
        return _("%(question)s: %(value)s or over", question=name, value=value)
    if op == "below":
        return _("%(question)s: under %(value)s", question=name, value=value)
    if op == "answered":
        return _("%(question)s: answered", question=name)
    return _("%(question)s: not answered", question=name)


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
                low, high = lows[c.question], highs[c.question] - 1  # type: ignore[operator]
                words.append(_("%(name)s: %(low)s to %(high)s", name=name, low=low, high=high))
            continue
        words.append(condition_in_words(rulebook, c))
    return tuple(words)


def reasons(rulebook: Rulebook, rule_id: str) -> tuple[str, ...]:
    """The answers that made one rule fire, in plain words."""
    rule = next(r for r in rulebook.rules if r.id == rule_id)
    words = _merge_ranges(rulebook, rule.when.all)
    if rule.when.any:
        listed = "; ".join(condition_in_words(rulebook, c) for c in rule.when.any)
        words += (_("one of: %(conditions)s", conditions=listed),)
    return words


def all_factors(rulebook: Rulebook) -> dict[str, Factor]:
    """Every safety factor by value, so each page names a factor the same way."""
    question = rulebook.question(FACTORS_QUESTION)
    return {o.value: Factor(o.value, o.label, o.short) for o in question.options} if question else {}


def _factors(rulebook: Rulebook, result: Result) -> list[tuple[Factor, str]]:
    """The safety factors the person gave, in question order, each with the note topic it carries."""
    question = rulebook.question(FACTORS_QUESTION)
    given = result.answers.get(FACTORS_QUESTION) or frozenset()
    if question is None or not isinstance(given, frozenset):
        return []
    factors = all_factors(rulebook)
    return [(factors[o.value], o.topic or o.value) for o in question.options if o.value in given]


def _questions(result: Result) -> list[str]:
    asks: dict[str, None] = {}
    for test in result.tests:
        if test.level != NOT_USUALLY_USED:
            asks.update(dict.fromkeys(test.test.ask[:1]))
    for note in result.notes:
        asks.update(dict.fromkeys(note.ask[:1]))
    for test in result.tests:
        if test.level != NOT_USUALLY_USED:
            asks.update(dict.fromkeys(test.test.ask[1:]))
    # "Will I get dye (contrast)?" adds nothing next to "Will I get dye (contrast), and how is it given?".
    stems = [ask.rstrip("?") for ask in asks]
    kept = [
        ask
        for ask, stem in zip(asks, stems, strict=True)
        if not any(o != stem and o.startswith(stem) for o in stems)
    ]
    return kept[:MAX_QUESTIONS]


def _provenances(rulebook: Rulebook, result: Result) -> list[Provenance]:
    found = [t.test.provenance for t in result.tests] + [n.provenance for n in result.notes]
    fired = {f.rule for f in result.trace}
    found += [r.provenance for r in rulebook.rules if r.id in fired and r.tests]
    return found


def _telling(factors: list[tuple[Factor, str]], cards: list[Card], notes: tuple[Note, ...]) -> list[Telling]:
    """Gather each factor's notes and its cautions for the tests in use, so nothing repeats per card."""
    telling = []
    for factor, topic in factors:
        cautions = tuple(
            (card, caution.text)
            for card in cards
            if card.in_use
            for caution in card.result.cautions
            if caution.factor == factor.value
        )
        telling.append(Telling(factor, tuple(n for n in notes if n.topic == topic), cautions))
    return telling


def _note_style(note: Note) -> str:
    if note.topic == "disclaimer":
        return "care"
    return "inset" if note.topic == "guideline_difference" else "plain"


def build(rulebook: Rulebook, result: Result, rows: list[dict[str, Any]]) -> ResultsView:
    """Work out the results page and the handout from a result and the answers in words."""
    factors = _factors(rulebook, result)
    by_value = {factor.value: factor for factor, _ in factors}
    cards: dict[str, list[Card]] = {}
    for test in result.tests:
        cards.setdefault(test.level, []).append(
            Card(
                result=test,
                because=tuple(reasons(rulebook, rule_id) for rule_id in dict.fromkeys(test.rules)),
                changed_by=tuple(by_value[f] for f in test.changed_by if f in by_value),
                told=tuple(by_value[c.factor] for c in test.cautions if c.factor in by_value),
            )
        )
    everything = [card for level in LEVELS for card in cards.get(level, [])]
    factor_topics = {topic for _, topic in factors}
    situation = rulebook.question("situation")
    current = result.answers.get("situation")
    journey = [(o.value, o.short, o.value == current) for o in situation.options] if situation else []
    provenances = _provenances(rulebook, result)
    dates = [p.reviewed for p in provenances if p.reviewed]
    urls = dict.fromkeys(url for p in provenances for url in p.sources)
    return ResultsView(
        rules_version=result.rules_version,
        rows=rows,
        cards={level: cards[level] for level in LEVELS if level in cards and level != NOT_USUALLY_USED},
        lines=cards.get(NOT_USUALLY_USED, []),
        telling=_telling(factors, everything, result.notes),
        notes=[NoteView(n, _note_style(n)) for n in result.notes if n.topic not in factor_topics],
        questions=_questions(result),
        journey=journey,
        sources=[Source(url, source_name(url)) for url in urls],
        last_reviewed=max(dates) if dates else None,
        next_review=min(dates) + REVIEW_EVERY if dates else None,
        changed=[card for card in everything if card.result.changed],
    )
