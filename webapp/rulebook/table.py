"""The rule table in the open: for each site, situations by tests, each cell with the rules behind it.

A test's level for one site and situation also depends on the other answers (age, risk, how it was
found, ...). So a cell holds every level the test can take there, each rule that sets one (with its
conditions), and each safety-factor change that can move it. The cells come from walking the
answers other than the safety factors (a few thousand sets, since rules that add tests never look
at the factors), so a cell shows exactly what a person could see, no more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .load import FACTORS_QUESTION
from .messages import N_, Message
from .model import LEVELS, NOT_LISTED, AnswerValue, Condition, ImagingTest, Option, Rule, Rulebook, RuleChange
from .verify import answer_domains, walk

SITE_QUESTION = "site"
SITUATION_QUESTION = "situation"
_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
_LEVEL_RANK[NOT_LISTED] = len(LEVELS)

# Says one condition in words; the web layer passes the plain-words version used on results.
Say = Callable[[Condition], str]
# Says the table's own joining words (a range, "one of:"), each a Message written in English; the
# web layer passes its translator, so they come out in the request's language.
Phrase = Callable[[Message], str]


def _as_is(message: Message) -> str:
    return message


@dataclass(frozen=True)
class RuleCell:
    """One rule that puts one test at a level for one site and situation."""

    rule: Rule
    level: str
    why: str
    when: tuple[str, ...]  # its other conditions in words; empty when it holds for every answer


@dataclass(frozen=True)
class FactorChange:
    """A safety-factor change that moves a test's level in this cell, for some answers."""

    rule: Rule
    change: RuleChange
    # The usual levels it moves here (NOT_LISTED: it brings in a test the result did not have).
    from_levels: tuple[str, ...]
    when: tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    """What the rules say about one test for one site and situation."""

    site: str
    situation: str
    test: str
    levels: tuple[str, ...]  # the usual levels it takes, most common first
    unlisted: bool  # some answers leave it out of the result (unless a factor brings it in)
    rules: tuple[RuleCell, ...]
    changes: tuple[FactorChange, ...]

    @property
    def level(self) -> str:
        """The most common level it can take, or NOT_LISTED when only a factor brings it in."""
        return self.levels[0] if self.levels else NOT_LISTED

    @property
    def factors(self) -> tuple[str, ...]:
        """The factor values whose changes can move this cell, in first-seen order."""
        return tuple(dict.fromkeys(f for c in self.changes for f in c.rule.factors))


@dataclass(frozen=True)
class SiteTable:
    """One site: its situations, the tests any rule lists for it, and the cells."""

    site: Option
    situations: tuple[Option, ...]
    tests: tuple[ImagingTest, ...]
    cells: Mapping[tuple[str, str], Cell]  # by (situation, test)

    def cell(self, situation: str, test: str) -> Cell | None:
        """The cell for one situation and test, or None when no rule lists that test there."""
        return self.cells.get((situation, test))


@dataclass(frozen=True)
class RuleTable:
    """Every site's table, for one rules version."""

    version: str
    sites: tuple[SiteTable, ...]
    by_site: Mapping[str, SiteTable] = field(repr=False)

    def site(self, site: str) -> SiteTable | None:
        """One site's table, or None for an unknown site."""
        return self.by_site.get(site)

    def cells(self) -> Iterator[Cell]:
        """Every cell, site by site, situation by situation, test by test."""
        for table in self.sites:
            for situation in table.situations:
                for test in table.tests:
                    cell = table.cell(situation.value, test.id)
                    if cell is not None:
                        yield cell


def _non_factor_answers(rulebook: Rulebook) -> Iterator[dict[str, AnswerValue]]:
    """Every reachable set of answers with no safety factors (the same dict, changed in place).

    The rules that add tests never look at the factors, so these sets give every usual level.
    """
    domains = answer_domains(rulebook)
    if FACTORS_QUESTION in domains:
        domains[FACTORS_QUESTION] = (frozenset(),)
    return walk(rulebook, domains)


def _may_fire(rule: Rule, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether a factor rule fires for these answers with some set of factors."""
    for condition in rule.when.all:
        if condition.question != FACTORS_QUESTION and not condition.holds(answers):
            return False
    if rule.when.any and not any(c.question == FACTORS_QUESTION for c in rule.when.any):
        return any(c.holds(answers) for c in rule.when.any)
    return True


def condition_words(rulebook: Rulebook, rule: Rule, say: Say, phrase: Phrase = _as_is) -> tuple[str, ...]:
    """A rule's conditions in words, leaving out the site and situation the table is already about.

    "Age: 45 or over" and "Age: under 75" on the same question read as "Age: 45 to 74".
    """
    skip = {SITE_QUESTION, SITUATION_QUESTION}
    conditions = [c for c in rule.when.all if c.question not in skip]
    lows = {c.question: c.value for c in conditions if c.op == "at_least"}
    highs = {c.question: c.value for c in conditions if c.op == "below"}
    words = []
    for c in conditions:
        if c.op in ("at_least", "below") and c.question in lows and c.question in highs:
            if c.op == "at_least":
                question = rulebook.question(c.question)
                name = question.short if question else c.question
                low, high = lows[c.question], highs[c.question] - 1  # type: ignore[operator]
                words.append(
                    phrase(Message(N_("%(name)s: %(low)s to %(high)s"), name=name, low=low, high=high))
                )
            continue
        words.append(say(c))
    if rule.when.any:
        listed = "; ".join(say(c) for c in rule.when.any)
        words.append(phrase(Message(N_("one of: %(conditions)s"), conditions=listed)))
    return tuple(words)


@dataclass
class _Gather:
    """What the walk saw for one cell."""

    levels: set[str] = field(default_factory=set)
    listed: int = 0  # answer sets that list it
    rules: dict[str, str] = field(default_factory=dict)  # rule id -> level
    changes: dict[tuple[str, int], set[str]] = field(default_factory=dict)  # (rule id, change #) -> from


def build(rulebook: Rulebook, say: Say | None = None, phrase: Phrase = _as_is) -> RuleTable:
    """Work out every site's table from the rules (pure; takes well under a second)."""
    say = say or Condition.describe
    rules_by_id = {rule.id: rule for rule in rulebook.rules}
    gathered: dict[tuple[str, str, str], _Gather] = {}
    sets: dict[tuple[str, str], int] = {}  # (situation, site) -> answer sets walked
    for answers in _non_factor_answers(rulebook):
        situation, site = answers.get(SITUATION_QUESTION), answers.get(SITE_QUESTION)
        if not isinstance(situation, str) or not isinstance(site, str):
            continue
        candidates = rulebook.candidate_rules(answers)
        usual: dict[str, str] = {}
        setting: dict[str, list[tuple[str, str]]] = {}
        for rule in candidates:
            if rule.tests and rule.when.holds(answers):
                for added in rule.tests:
                    setting.setdefault(added.id, []).append((rule.id, added.level))
                    if added.id not in usual or _LEVEL_RANK[added.level] < _LEVEL_RANK[usual[added.id]]:
                        usual[added.id] = added.level
        sets[(situation, site)] = sets.get((situation, site), 0) + 1
        for test_id, level in usual.items():
            cell = gathered.setdefault((site, situation, test_id), _Gather())
            cell.levels.add(level)
            cell.listed += 1
            for rule_id, rule_level in setting[test_id]:
                # A less common level from a conflicting rule never shows (verify reports those).
                if rule_level == level:
                    cell.rules.setdefault(rule_id, rule_level)
        for rule in candidates:
            if not rule.changes or not _may_fire(rule, answers):
                continue
            for number, change in enumerate(rule.changes):
                before = usual.get(change.id)
                if change.applies(before) and change.level != before:
                    cell = gathered.setdefault((site, situation, change.id), _Gather())
                    cell.changes.setdefault((rule.id, number), set()).add(before or NOT_LISTED)
    return _assemble(rulebook, gathered, sets, rules_by_id, say, phrase)


def _assemble(
    rulebook: Rulebook,
    gathered: dict[tuple[str, str, str], _Gather],
    sets: dict[tuple[str, str], int],
    rules_by_id: dict[str, Rule],
    say: Say,
    phrase: Phrase,
) -> RuleTable:
    site_question = rulebook.question(SITE_QUESTION)
    situation_question = rulebook.question(SITUATION_QUESTION)
    sites = site_question.options if site_question else ()
    situations = situation_question.options if situation_question else ()
    words: dict[str, tuple[str, ...]] = {}
    position = {rule.id: i for i, rule in enumerate(rulebook.rules)}  # file order within a level

    def words_for(rule: Rule) -> tuple[str, ...]:
        if rule.id not in words:
            words[rule.id] = condition_words(rulebook, rule, say, phrase)
        return words[rule.id]

    tables = []
    for site in sites:
        cells: dict[tuple[str, str], Cell] = {}
        best: dict[str, int] = {}
        for situation in situations:
            for test_id in rulebook.tests:
                seen = gathered.get((site.value, situation.value, test_id))
                if seen is None:
                    continue
                rule_cells = []
                for rule_id, level in seen.rules.items():
                    rule = rules_by_id[rule_id]
                    why = next(t.why for t in rule.tests if t.id == test_id and t.level == level)
                    rule_cells.append(RuleCell(rule, level, why, words_for(rule)))
                rule_cells.sort(key=lambda rc: (_LEVEL_RANK[rc.level], position[rc.rule.id]))
                changes = tuple(
                    FactorChange(
                        rules_by_id[rule_id],
                        rules_by_id[rule_id].changes[number],
                        tuple(sorted(froms, key=_LEVEL_RANK.__getitem__)),
                        words_for(rules_by_id[rule_id]),
                    )
                    for (rule_id, number), froms in seen.changes.items()
                )
                levels = tuple(sorted(seen.levels, key=_LEVEL_RANK.__getitem__))
                unlisted = seen.listed < sets.get((situation.value, site.value), 0)
                cell = Cell(
                    site.value, situation.value, test_id, levels, unlisted, tuple(rule_cells), changes
                )
                cells[(situation.value, test_id)] = cell
                best[test_id] = min(best.get(test_id, len(LEVELS)), _LEVEL_RANK[cell.level])
        # The tests the site relies on most come first; the catalogue order breaks ties.
        order = sorted(best, key=lambda t: (best[t], rulebook.test_rank[t]))
        tables.append(
            SiteTable(
                site, tuple(situations), tuple(rulebook.tests[t] for t in order), MappingProxyType(cells)
            )
        )
    return RuleTable(rulebook.version, tuple(tables), MappingProxyType({t.site.value: t for t in tables}))


EXPORT_FIELDS = (
    "site",
    "situation",
    "test",
    "test_name",
    "kind",
    "level",
    "from_levels",
    "factors",
    "when",
    "rule",
    "why",
    "about",
    "sources",
    "reviewed",
    "file",
)


def export_rows(table: RuleTable) -> list[dict[str, Any]]:
    """One row per rule cell: each rule that sets a level, then each factor change that moves it.

    `kind` is "usual" for a rule that sets the level and "factor" for a safety-factor change;
    `from_levels` and `factors` are filled only for a change.
    """
    rows = []
    names = {test.id: test.name for site in table.sites for test in site.tests}
    for cell in table.cells():
        base = {
            "site": cell.site,
            "situation": cell.situation,
            "test": cell.test,
            "test_name": names[cell.test],
        }
        for rc in cell.rules:
            rows.append(
                base
                | {"kind": "usual", "level": rc.level, "from_levels": [], "factors": []}
                | _rule_fields(rc.rule, rc.when, rc.why)
            )
        for fc in cell.changes:
            rows.append(
                base
                | {
                    "kind": "factor",
                    "level": fc.change.level,
                    "from_levels": list(fc.from_levels),
                    "factors": list(fc.rule.factors),
                }
                | _rule_fields(fc.rule, fc.when, fc.change.why)
            )
    return rows


def _rule_fields(rule: Rule, when: tuple[str, ...], why: str) -> dict[str, Any]:
    reviewed = rule.provenance.reviewed
    return {
        "when": list(when),
        "rule": rule.id,
        "why": why,
        "about": rule.about,
        "sources": list(rule.provenance.sources),
        "reviewed": reviewed.isoformat() if reviewed else None,
        "file": rule.provenance.file,
    }
