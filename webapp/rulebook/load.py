"""Read `rules/` into a Rulebook, checking every id, reference and value on the way."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .codes import read_codes
from .conditions import OPERATORS, compile_condition
from .model import (
    ALWAYS,
    CONTRAST_USES,
    LEVELS,
    NOT_LISTED,
    QUESTION_KINDS,
    RADIATION_BANDS,
    TOPICS,
    USES,
    AnswerValue,
    Caution,
    Condition,
    Contrast,
    ImagingTest,
    Note,
    Option,
    Page,
    Provenance,
    Question,
    Radiation,
    Rule,
    Rulebook,
    RuleChange,
    RuleTest,
    Section,
    Term,
    When,
)

FACTORS_QUESTION = "factors"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


@dataclass(frozen=True)
class LoadProblem:
    """One thing wrong with the rule data: where it is and why it is wrong."""

    file: str
    id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.id}: {self.message}"


class RulebookError(Exception):
    """The rule data has problems; every one of them is listed."""

    def __init__(self, problems: Iterable[LoadProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"The rules have {len(self.problems)} problem(s):\n{lines}")


def read_provenance(
    sources: Iterable[str], reviewed: object, problem: Callable[[str], None]
) -> dt.date | None:
    """Check an entry's source links and return its review date, saying what is wrong with either."""
    for url in sources:
        if not URL_PATTERN.match(url):
            problem(f"source {url!r} is not a web link (http:// or https://)")
    date: dt.date | None = None
    if isinstance(reviewed, dt.datetime):
        date = reviewed.date()
    elif isinstance(reviewed, dt.date):
        date = reviewed
    elif isinstance(reviewed, str):
        try:
            date = dt.date.fromisoformat(reviewed)
        except ValueError:
            problem(f"'reviewed' is {reviewed!r}; it must be a date like 2026-11-28")
    elif reviewed is not None:
        problem("'reviewed' must be a date like 2026-11-28")
    if date and date > dt.date.today():
        problem(f"'reviewed' is {date}, a date in the future")
    return date


class _Entry:
    """Reads the fields of one TOML table, noting problems instead of raising."""

    def __init__(self, loader: _Loader, file: str, kind: str, table: Mapping[str, Any], index: int):
        self.loader = loader
        self.file = file
        self.table = table
        raw_id = table.get("id")
        self.id = raw_id if isinstance(raw_id, str) and raw_id else f"{kind} #{index + 1}"
        self.label = f"{kind} '{self.id}'" if isinstance(raw_id, str) and raw_id else self.id
        self.used: set[str] = {"id"}

    def problem(self, message: str) -> None:
        """Note a problem with this entry."""
        self.loader.problem(self.file, self.label, message)

    def text(self, key: str, required: bool = True) -> str:
        """Read a non-empty string field."""
        self.used.add(key)
        value = self.table.get(key)
        if value is None:
            if required:
                self.problem(f"'{key}' is missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(f"'{key}' must be non-empty text")
            return ""
        return value.strip()

    def texts(self, key: str) -> tuple[str, ...]:
        """Read an optional list of non-empty strings."""
        self.used.add(key)
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(f"'{key}' must be a list of non-empty texts")
            return ()
        return tuple(v.strip() for v in value)

    def choice(self, key: str, allowed: Iterable[str], default: str | None = None) -> str:
        """Read a string that must be one of `allowed`."""
        allowed = tuple(allowed)
        self.used.add(key)
        value = self.table.get(key, default)
        if value is None:
            self.problem(f"'{key}' is missing (one of: {', '.join(allowed)})")
            return allowed[0]
        if value not in allowed:
            self.problem(f"'{key}' is {value!r}; it must be one of: {', '.join(allowed)}")
            return allowed[0]
        return value

    def integer(self, key: str) -> int | None:
        """Read an optional whole number."""
        self.used.add(key)
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"'{key}' must be a whole number, not {value!r}")
            return None
        return value

    def boolean(self, key: str) -> bool:
        """Read an optional true/false flag."""
        self.used.add(key)
        value = self.table.get(key, False)
        if not isinstance(value, bool):
            self.problem(f"'{key}' must be true or false")
            return False
        return value

    def table_of(self, key: str, required: bool = True) -> Mapping[str, Any]:
        """Read a sub-table."""
        self.used.add(key)
        value = self.table.get(key)
        if value is None:
            if required:
                self.problem(f"'[{key}]' is missing")
            return {}
        if not isinstance(value, dict):
            self.problem(f"'{key}' must be a table")
            return {}
        return value

    def tables(self, key: str) -> list[Mapping[str, Any]]:
        """Read an optional array of tables."""
        self.used.add(key)
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(f"'{key}' must be an array of tables ([[...{key}]])")
            return []
        return value

    def provenance(self) -> Provenance:
        """Read `sources` and `reviewed`; their absence is reported by verify, not here."""
        sources = self.texts("sources")
        self.used.add("reviewed")
        date = read_provenance(sources, self.table.get("reviewed"), self.problem)
        return Provenance(self.file, sources, date)

    def finish(self) -> None:
        """Report keys nobody read: almost always a typo."""
        for key in self.table:
            if key not in self.used:
                self.problem(f"unknown field '{key}'")


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[LoadProblem] = []
        self.files: list[Path] = []

    def problem(self, file: str, where: str, message: str) -> None:
        self.problems.append(LoadProblem(file, where, message))

    def read(self, path: Path, key: str) -> list[tuple[str, Mapping[str, Any]]]:
        """Parse one TOML file and return its `[[key]]` tables with the file's name."""
        name = path.relative_to(self.root.parent).as_posix()
        self.files.append(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            self.problem(name, "(file)", f"is not valid TOML: {exc}")
            return []
        for other in data:
            if other != key:
                self.problem(name, "(file)", f"unexpected top-level '{other}'; this file holds [[{key}]]")
        tables = data.get(key, [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            self.problem(name, "(file)", f"'{key}' must be an array of tables ([[{key}]])")
            return []
        if not tables:
            self.problem(name, "(file)", f"holds no [[{key}]] entries")
        return [(name, t) for t in tables]

    def read_kind(self, single: str, folder: str, key: str) -> list[tuple[str, Mapping[str, Any]]]:
        """Read `single` (a file) or every `*.toml` in `folder`, whichever exists."""
        paths = []
        if (self.root / single).is_file():
            paths.append(self.root / single)
        if (self.root / folder).is_dir():
            paths.extend(sorted((self.root / folder).glob("*.toml")))
        if not paths:
            self.problem(f"{self.root.name}/{single}", "(file)", f"is missing (or put files in {folder}/)")
        return [entry for path in paths for entry in self.read(path, key)]

    def unique(self, entry: _Entry, seen: dict[str, str]) -> bool:
        if not isinstance(entry.table.get("id"), str) or not ID_PATTERN.match(entry.table["id"]):
            entry.problem("'id' must be lower-case letters, digits, '_', '-' or '.'")
            return False
        if entry.id in seen:
            entry.problem(f"the id is used twice (also in {seen[entry.id]})")
            return False
        seen[entry.id] = entry.file
        return True

    # -- conditions ----------------------------------------------------------------------------

    def when(self, entry: _Entry, key: str, questions: Mapping[str, Question]) -> When:
        """Read a `{all = [...], any = [...]}` condition group against the known questions."""
        group = entry.table_of(key, required=False)
        if not group:
            return ALWAYS
        parts: dict[str, tuple[Condition, ...]] = {}
        for name in group:
            if name not in ("all", "any"):
                entry.problem(f"'{key}' has '{name}'; only 'all' and 'any' are allowed")
        for name in ("all", "any"):
            raw = group.get(name, [])
            if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
                entry.problem(f"'{key}.{name}' must be a list of {{question, op, value}}")
                raw = []
            parts[name] = tuple(c for c in (self.condition(entry, key, item, questions) for item in raw) if c)
        return When(parts["all"], parts["any"])

    def condition(
        self, entry: _Entry, key: str, item: Mapping[str, Any], questions: Mapping[str, Question]
    ) -> Condition | None:
        extra = set(item) - {"question", "op", "value"}
        if extra:
            entry.problem(f"a condition in '{key}' has unknown field(s): {', '.join(sorted(extra))}")
        qid, op, value = item.get("question"), item.get("op"), item.get("value")
        question = questions.get(qid) if isinstance(qid, str) else None
        if question is None:
            where = "an earlier question" if key == "show_when" else "a question in questions.toml"
            entry.problem(f"a condition in '{key}' names {qid!r}, which is not {where}")
            return None
        operator = OPERATORS.get(op) if isinstance(op, str) else None
        if operator is None:
            entry.problem(f"a condition on '{qid}' has op {op!r}; ops are: {', '.join(OPERATORS)}")
            return None
        if question.kind not in operator.kinds:
            entry.problem(f"op '{op}' does not work on '{qid}' (a {question.kind} question)")
            return None
        if operator.value == "none":
            if value is not None:
                entry.problem(f"op '{op}' on '{qid}' takes no value")
                return None
        elif operator.value == "many":
            if not isinstance(value, list) or not value:
                entry.problem(f"op '{op}' on '{qid}' needs a list of values")
                return None
            if not all(self.value_ok(entry, question, v) for v in value):
                return None
        elif not self.value_ok(entry, question, value):
            return None
        return compile_condition(question.id, op, value)

    def value_ok(self, entry: _Entry, question: Question, value: object) -> bool:
        if question.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int):
                entry.problem(f"'{question.id}' takes whole numbers, not {value!r}")
                return False
            low = question.min if question.min is not None else value
            high = question.max + 1 if question.max is not None else value
            if not low <= value <= high:
                entry.problem(
                    f"{value} is outside the range of '{question.id}' ({question.min}-{question.max})"
                )
                return False
            return True
        if value not in question.values:
            entry.problem(f"'{question.id}' has no option {value!r}")
            return False
        return True

    # -- each kind of entry --------------------------------------------------------------------

    def questions(self) -> tuple[Question, ...]:
        seen: dict[str, str] = {}
        known: dict[str, Question] = {}
        out = []
        for i, (file, table) in enumerate(self.read_kind("questions.toml", "questions", "question")):
            entry = _Entry(self, file, "question", table, i)
            ok = self.unique(entry, seen)
            kind = entry.choice("kind", QUESTION_KINDS)
            options = self.options(entry) if kind != "number" else ()
            if kind == "number" and "option" in table:
                entry.problem("a number question has no options")
            low, high = entry.integer("min"), entry.integer("max")
            if kind == "number" and (low is None or high is None):
                entry.problem("a number question needs 'min' and 'max'")
            elif kind == "number" and low is not None and high is not None and low > high:
                entry.problem(f"'min' ({low}) is more than 'max' ({high})")
            elif kind != "number" and (low is not None or high is not None):
                entry.problem("only number questions have 'min' and 'max'")
            default = entry.text("default", required=False) or None
            if default is not None and default not in {o.value for o in options}:
                entry.problem(f"'default' is {default!r}, which is not one of its options")
            hint_by = self.hint_by(entry, options, known)
            question = Question(
                id=entry.id,
                kind=kind,
                label=entry.text("label"),
                short=entry.text("short", required=False) or entry.text("label"),
                hint=entry.text("hint", required=False),
                error=entry.text("error", required=False),
                required=entry.boolean("required"),
                options=options,
                show_when=self.when(entry, "show_when", known),
                default=default,
                min=low,
                max=high,
                unit=entry.text("unit", required=False),
                provenance=entry.provenance(),
                hint_by=hint_by,
            )
            entry.finish()
            if ok:
                known[question.id] = question
                out.append(question)
        if FACTORS_QUESTION not in known:
            self.problem("rules/questions.toml", f"question '{FACTORS_QUESTION}'", "is missing")
        elif known[FACTORS_QUESTION].kind != "multi":
            self.problem("rules/questions.toml", f"question '{FACTORS_QUESTION}'", "must be a multi question")
        return tuple(out)

    def hint_by(
        self, entry: _Entry, options: tuple[Option, ...], known: Mapping[str, Question]
    ) -> str | None:
        """Read `hint_by` and check each option's `hints` are keyed by that question's options."""
        hint_by = entry.text("hint_by", required=False) or None
        by = known.get(hint_by) if hint_by else None
        if hint_by and (by is None or by.kind != "choice"):
            entry.problem(f"'hint_by' is {hint_by!r}, which is not an earlier one-choice question")
        for option in options:
            if option.hints and not hint_by:
                entry.problem(f"option {option.value!r} has 'hints' but the question has no 'hint_by'")
            for key in option.hints:
                if by is not None and key not in by.values:
                    entry.problem(
                        f"option {option.value!r} has a hint for {key!r}, not an option of {hint_by!r}"
                    )
        return hint_by if by is not None and by.kind == "choice" else None

    def options(self, entry: _Entry) -> tuple[Option, ...]:
        out: list[Option] = []
        tables = entry.tables("option")
        if not tables:
            entry.problem("a choice question needs at least one [[question.option]]")
        for table in tables:
            value = table.get("value")
            sub = _Entry(self, entry.file, "option", table, len(out))
            sub.label = f"{entry.label} option {value!r}"
            sub.used.add("value")
            if not isinstance(value, str) or not ID_PATTERN.match(value):
                sub.problem("'value' must be lower-case letters, digits, '_', '-' or '.'")
                continue
            if value in {o.value for o in out}:
                sub.problem("the value is used twice")
                continue
            topic = sub.choice("topic", TOPICS) if "topic" in table else None
            label = sub.text("label")
            short = sub.text("short", required=False) or label
            hints = sub.table_of("hints", required=False)
            for key, text in hints.items():
                if not isinstance(text, str) or not text.strip():
                    sub.problem(f"the hint for {key!r} must be non-empty text")
            clean = {k: t.strip() for k, t in hints.items() if isinstance(t, str) and t.strip()}
            out.append(
                Option(value, label, sub.text("hint", required=False), short, topic, MappingProxyType(clean))
            )
            sub.finish()
        return tuple(out)

    def tests(self, factors: Mapping[str, str]) -> dict[str, ImagingTest]:
        seen: dict[str, str] = {}
        out = {}
        for i, (file, table) in enumerate(self.read_kind("tests.toml", "tests", "test")):
            entry = _Entry(self, file, "test", table, i)
            ok = self.unique(entry, seen)
            uses = entry.texts("uses")
            if not uses:
                entry.problem(f"'uses' must list at least one of: {', '.join(USES)}")
            for use in uses:
                if use not in USES:
                    entry.problem(f"'uses' has {use!r}; it must be from: {', '.join(USES)}")
            rad = _Entry(self, file, "radiation", entry.table_of("radiation"), i)
            rad.label = f"{entry.label} radiation"
            radiation = Radiation(
                rad.choice("band", RADIATION_BANDS),
                rad.text("typical"),
                rad.text("background", required=False),
            )
            rad.finish()
            con = _Entry(self, file, "contrast", entry.table_of("contrast"), i)
            con.label = f"{entry.label} contrast"
            contrast = Contrast(con.choice("use", CONTRAST_USES), con.text("how", required=False))
            if contrast.use != "none" and not contrast.how:
                con.problem("'how' is missing: say how the dye is given")
            con.finish()
            cautions = entry.table_of("cautions", required=False)
            for factor, text in cautions.items():
                if factor not in factors:
                    entry.problem(f"caution for {factor!r}, which is not a '{FACTORS_QUESTION}' option")
                if not isinstance(text, str) or not text.strip():
                    entry.problem(f"caution for {factor!r} must be non-empty text")
            test = ImagingTest(
                id=entry.id,
                name=entry.text("name"),
                also_called=entry.text("also_called", required=False),
                summary=entry.text("summary"),
                uses=uses,
                radiation=radiation,
                contrast=contrast,
                time=entry.text("time"),
                experience=entry.text("experience"),
                prepare=entry.text("prepare"),
                shows_well=entry.text("shows_well"),
                limits=entry.text("limits"),
                cautions=MappingProxyType(
                    {
                        factor: Caution(factor, topic, text.strip())
                        for factor, topic in factors.items()
                        if isinstance(text := cautions.get(factor), str) and text.strip()
                    }
                ),
                ask=entry.texts("ask"),
                provenance=entry.provenance(),
            )
            entry.finish()
            if ok:
                out[test.id] = test
        return out

    def notes(self) -> dict[str, Note]:
        seen: dict[str, str] = {}
        out = {}
        for i, (file, table) in enumerate(self.read_kind("notes.toml", "notes", "note")):
            entry = _Entry(self, file, "note", table, i)
            ok = self.unique(entry, seen)
            note = Note(
                id=entry.id,
                topic=entry.choice("topic", TOPICS),
                text=entry.text("text"),
                ask=entry.texts("ask"),
                provenance=entry.provenance(),
            )
            entry.finish()
            if ok:
                out[note.id] = note
        return out

    def rules(
        self, questions: Mapping[str, Question], tests: Mapping[str, ImagingTest], notes: Mapping[str, Note]
    ) -> tuple[Rule, ...]:
        seen: dict[str, str] = {}
        out = []
        for i, (file, table) in enumerate(self.read_kind("rules.toml", "rules", "rule")):
            entry = _Entry(self, file, "rule", table, i)
            ok = self.unique(entry, seen)
            added = self.rule_tests(entry, tests)
            changes = self.rule_changes(entry, tests)
            note_ids = entry.texts("notes")
            for note_id in note_ids:
                if note_id not in notes:
                    entry.problem(f"note {note_id!r} is not in the notes")
            if len(set(note_ids)) != len(note_ids):
                entry.problem("lists a note twice")
            if not added and not changes and not note_ids:
                entry.problem("adds no test, no change and no note")
            when = self.when(entry, "when", questions)
            factors = tuple(
                str(c.value) for c in when.all if c.question == FACTORS_QUESTION and c.op == "includes"
            )
            if added and when.looks_at(FACTORS_QUESTION):
                entry.problem(
                    f"adds tests but its 'when' looks at '{FACTORS_QUESTION}'; a safety factor may only "
                    "change a level, with [[rule.change]], so that the change is never silent"
                )
            if changes and not factors:
                entry.problem(
                    f"has [[rule.change]] but no {{ question = '{FACTORS_QUESTION}', op = 'includes' }} "
                    "in 'when.all'; only a safety factor may change a level"
                )
            rule = Rule(
                id=entry.id,
                about=entry.text("about", required=False),
                when=when,
                tests=added,
                notes=note_ids,
                provenance=entry.provenance(),
                changes=changes,
                factors=factors,
            )
            entry.finish()
            if ok:
                out.append(rule)
        return tuple(out)

    def rule_tests(self, entry: _Entry, tests: Mapping[str, ImagingTest]) -> tuple[RuleTest, ...]:
        """Read a rule's `[[rule.test]]` entries: the tests it adds, each at a level."""
        added: list[RuleTest] = []
        for item in entry.tables("test"):
            sub = _Entry(self, entry.file, "test", item, len(added))
            sub.label = f"{entry.label} test {item.get('id')!r}"
            test_id = item.get("id")
            if test_id not in tests:
                sub.problem("is not in the test catalogue (tests.toml)")
            elif test_id in {t.id for t in added}:
                sub.problem("is added twice by the same rule")
            added.append(RuleTest(str(test_id), sub.choice("level", LEVELS), sub.text("why")))
            sub.finish()
        return tuple(added)

    def rule_changes(self, entry: _Entry, tests: Mapping[str, ImagingTest]) -> tuple[RuleChange, ...]:
        """Read a rule's `[[rule.change]]` entries: levels a safety factor changes, with the reason."""
        changes: list[RuleChange] = []
        for item in entry.tables("change"):
            sub = _Entry(self, entry.file, "change", item, len(changes))
            sub.label = f"{entry.label} change of {item.get('test')!r}"
            sub.used = {"test"}  # a change names its test with 'test', never 'id'
            test_id = item.get("test")
            if test_id not in tests:
                sub.problem("'test' is not in the test catalogue (tests.toml)")
            elif test_id in {c.id for c in changes}:
                sub.problem("is changed twice by the same rule")
            level = sub.choice("level", LEVELS)
            applies_to = frozenset(sub.texts("from")) or frozenset(LEVELS)
            for value in applies_to - {*LEVELS, NOT_LISTED}:
                sub.problem(f"'from' has {value!r}; it must be from: {', '.join((*LEVELS, NOT_LISTED))}")
            if applies_to == {level}:
                sub.problem(f"'from' only holds {level!r}, the level it changes to, so it changes nothing")
            changes.append(RuleChange(str(test_id), level, sub.text("why"), applies_to))
            sub.finish()
        return tuple(changes)

    def glossary(self) -> dict[str, Term]:
        if not (self.root / "glossary.toml").is_file():
            return {}
        seen: dict[str, str] = {}
        out = {}
        for i, (file, table) in enumerate(self.read(self.root / "glossary.toml", "term")):
            entry = _Entry(self, file, "term", table, i)
            ok = self.unique(entry, seen)
            word = entry.text("term")
            term = Term(
                id=entry.id,
                term=word,
                forms=tuple(dict.fromkeys((word, *entry.texts("forms")))),
                definition=entry.text("definition"),
                provenance=entry.provenance(),
            )
            entry.finish()
            if ok:
                out[term.id] = term
        return out

    def pages(self) -> dict[str, Page]:
        if not (self.root / "pages.toml").is_file():
            return {}
        seen: dict[str, str] = {}
        out = {}
        for i, (file, table) in enumerate(self.read(self.root / "pages.toml", "page")):
            entry = _Entry(self, file, "page", table, i)
            ok = self.unique(entry, seen)
            sections = []
            for n, raw in enumerate(entry.tables("section")):
                sub = _Entry(self, file, "section", raw, n)
                sub.label = f"{entry.label} section {n + 1}"
                sections.append(Section(sub.text("heading"), sub.texts("paragraphs"), sub.texts("items")))
                if not sections[-1].paragraphs and not sections[-1].items:
                    sub.problem("has no 'paragraphs' and no 'items'")
                sub.finish()
            page = Page(
                id=entry.id,
                title=entry.text("title"),
                lede=entry.text("lede", required=False),
                sections=tuple(sections),
                provenance=entry.provenance(),
            )
            entry.finish()
            if ok:
                out[page.id] = page
        return out

    def factor_topics(self, question: Question | None) -> dict[str, str]:
        """Map each safety factor to the note topic of its cautions (its `topic`, else its value)."""
        topics = {}
        for option in question.options if question else ():
            topic = option.topic or option.value
            if topic not in TOPICS:
                self.problem(
                    question.provenance.file,  # type: ignore[union-attr]
                    f"question '{FACTORS_QUESTION}' option '{option.value}'",
                    f"'{topic}' is not a note topic; give the option a 'topic'",
                )
            topics[option.value] = topic
        return topics

    def version(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(self.files):
            digest.update(path.relative_to(self.root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()


def _index(
    questions: tuple[Question, ...], rules: tuple[Rule, ...]
) -> tuple[tuple[str, ...], dict[tuple[AnswerValue, ...], tuple[Rule, ...]]]:
    """Group rules by the answers to questions that every answer set has."""
    keyed = [
        q for q in questions if q.kind == "choice" and q.show_when is ALWAYS and (q.required or q.default)
    ]
    if not keyed:
        return (), {}

    def allowed(rule: Rule, question: Question) -> frozenset[str]:
        values = frozenset(question.values)
        for c in rule.when.all:
            if c.question != question.id:
                continue
            if c.op == "is":
                values &= {c.value}
            elif c.op == "in":
                values &= set(c.value)  # type: ignore[arg-type]
            elif c.op == "is_not":
                values -= {c.value}
            elif c.op == "not_in":
                values -= set(c.value)  # type: ignore[arg-type]
        return values

    allowed_by_rule = [(rule, [allowed(rule, q) for q in keyed]) for rule in rules]
    index = {}
    for key in itertools.product(*(q.values for q in keyed)):
        index[key] = tuple(
            rule for rule, sets in allowed_by_rule if all(v in s for v, s in zip(key, sets, strict=True))
        )
    return tuple(q.id for q in keyed), index


def load(root: str | Path, languages: Iterable[str] | None = None) -> Rulebook:
    """Read and check the rule files in `root`; raise RulebookError listing every problem.

    Each language folder (`rules/es/`, see translations.py) becomes a translated copy in
    `translations`; `languages=()` reads English only.
    """
    loader = _Loader(Path(root).resolve())
    if not loader.root.is_dir():
        raise RulebookError([LoadProblem(str(root), "(folder)", "is not a folder of rule files")])
    questions = loader.questions()
    by_id = {q.id: q for q in questions}
    factors = loader.factor_topics(by_id.get(FACTORS_QUESTION))
    tests = loader.tests(factors)
    notes = loader.notes()
    rules = loader.rules(by_id, tests, notes)
    glossary = loader.glossary()
    pages = loader.pages()
    codes = read_codes(loader, by_id, tests)
    if loader.problems:
        raise RulebookError(loader.problems)
    index_questions, index = _index(questions, rules)
    book = Rulebook(
        questions=questions,
        tests=MappingProxyType(tests),
        notes=MappingProxyType(notes),
        rules=rules,
        glossary=MappingProxyType(glossary),
        pages=MappingProxyType(pages),
        version="",
        index_questions=index_questions,
        index=MappingProxyType(index),
        test_rank=MappingProxyType({test_id: rank for rank, test_id in enumerate(tests)}),
        codes=codes,
    )
    # Scenarios are checked against the loaded questions, so they are read once the rest is sound.
    from .scenarios import read_scenarios  # it builds on this module: imported here, not at the top

    scenarios = read_scenarios(loader, book)
    if loader.problems:
        raise RulebookError(loader.problems)
    book = replace(book, scenarios=MappingProxyType(scenarios))
    from .translations import LANGUAGES, translate  # it builds on the loaded table, like scenarios

    translated = {}
    for language in LANGUAGES if languages is None else languages:
        if (loader.root / language).is_dir():
            translation = translate(book, loader.root, language)
            loader.problems.extend(LoadProblem(*problem) for problem in translation.problems)
            loader.files.extend(translation.files)
            translated[language] = translation.rulebook
    if loader.problems:
        raise RulebookError(loader.problems)
    version = loader.version()  # one version for every language: a translation is content too
    return replace(
        book,
        version=version,
        translations=MappingProxyType({code: replace(t, version=version) for code, t in translated.items()}),
    )
