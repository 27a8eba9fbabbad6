"""Translations of the rule table's texts: `rules/<language>/` mirrors `rules/`, keyed by the English ids.

A translation file holds texts only (plus `reviewed` and `sources`), so a rule's conditions, levels
and references are written once, in English, and no translation can change which tests show. Each
text is checked against the English entry it translates: an unknown id or field, a list of another
length or a value that is not text is a load problem (file, id, reason); a text with no translation
yet is `untranslated`, shown in English and reported by `rules check`.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .load import read_provenance
from .model import (
    Caution,
    ImagingTest,
    Note,
    Page,
    Provenance,
    Question,
    Rule,
    Rulebook,
    Section,
    Term,
    Untranslated,
)

# Languages a rule table may carry besides English, each in `rules/<code>/`.
LANGUAGES = ("es",)
LANGUAGE_NAMES = {"en": "English", "es": "Español"}

# What each translation file may hold at its top level: the English kind it translates.
KINDS = ("question", "test", "note", "rule", "term", "page", "scenario")


@dataclass(frozen=True)
class Translation:
    """A rule table in one more language, what is still missing, and what was wrong."""

    rulebook: Rulebook
    untranslated: tuple[Untranslated, ...]
    problems: tuple[tuple[str, str, str], ...]  # (file, id, reason)
    files: tuple[Path, ...]


class _Fields:
    """Reads one translated entry against its English original, noting problems and gaps."""

    def __init__(self, reader: _Reader, file: str, where: str, english_file: str, table: Any) -> None:
        self.reader = reader
        self.file = file
        self.where = where
        self.english_file = english_file
        self.table: Mapping[str, Any] = table if isinstance(table, dict) else {}
        self.used: set[str] = set()
        if not isinstance(table, dict):
            self.problem("must be a table of texts")

    def problem(self, message: str) -> None:
        self.reader.problems.append((self.file, self.where, message))

    def missing(self, field: str) -> None:
        self.reader.untranslated.append(Untranslated(self.file, self.where, field))

    def text(self, key: str, english: str, label: str | None = None) -> str:
        """The translation of one English text; the English when there is none."""
        self.used.add(key)
        value = self.table.get(key)
        if value is None:
            if english:
                self.missing(label or key)
            return english
        if not english:
            self.problem(f"has '{label or key}', but the English entry has none")
            return english
        if not isinstance(value, str) or not value.strip():
            self.problem(f"'{label or key}' must be a text")
            return english
        return value.strip()

    def texts(self, key: str, english: tuple[str, ...]) -> tuple[str, ...]:
        """The translation of a list of texts, the same length and order as the English."""
        self.used.add(key)
        value = self.table.get(key)
        if value is None:
            if english:
                self.missing(key)
            return english
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(f"'{key}' must be a list of texts")
            return english
        if len(value) != len(english):
            self.problem(f"'{key}' has {len(value)} texts; the English has {len(english)}")
            return english
        return tuple(v.strip() for v in value)

    def own_texts(self, key: str) -> tuple[str, ...] | None:
        """A list of texts of the translation's own (glossary forms), not matched to the English."""
        self.used.add(key)
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(f"'{key}' must be a list of texts")
            return None
        return tuple(v.strip() for v in value)

    def mapping(self, key: str, english: Mapping[str, str], label: str) -> dict[str, str]:
        """The translation of texts keyed by an id (cautions by factor, reasons by test)."""
        self.used.add(key)
        value = self.table.get(key, {})
        if not isinstance(value, dict):
            self.problem(f"'{key}' must be a table of texts")
            value = {}
        for extra in value.keys() - english.keys():
            self.problem(f"'{key}' has '{extra}', which the English {label} does not have")
        out = {}
        for name, text in english.items():
            sub = value.get(name)
            if sub is None:
                if text:
                    self.missing(f"{key}.{name}")
                out[name] = text
            elif not isinstance(sub, str) or not sub.strip():
                self.problem(f"'{key}.{name}' must be a text")
                out[name] = text
            else:
                out[name] = sub.strip()
        return out

    def provenance(self, english: Provenance) -> Provenance:
        """The translation's own review date, its sources first and then the English ones."""
        self.used.update(("sources", "reviewed"))
        sources = self.table.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            self.problem("'sources' must be a list of web links")
            sources = []
        date = read_provenance(sources, self.table.get("reviewed"), self.problem)
        merged = tuple(dict.fromkeys((*sources, *english.sources)))
        return Provenance(self.file, merged, date)

    def finish(self) -> None:
        """Report keys nobody read: a typo, or a field that is logic rather than text."""
        for key in self.table:
            if key not in self.used:
                self.problem(f"unknown field '{key}' (a translation holds texts, 'reviewed' and 'sources')")


class _Reader:
    """Reads every file of one language folder and matches its entries to the English ones."""

    def __init__(self, book: Rulebook, root: Path, language: str) -> None:
        self.book = book
        self.root = root
        self.language = language
        self.problems: list[tuple[str, str, str]] = []
        self.untranslated: list[Untranslated] = []
        self.files: list[Path] = []
        # entries[kind][id] = (display file, table) of the translation
        self.entries: dict[str, dict[str, tuple[str, Any]]] = {kind: {} for kind in KINDS}
        self.read_all()

    def display(self, path: Path) -> str:
        return path.relative_to(self.root.parent).as_posix()

    def mirror(self, english_file: str) -> str:
        """Where the translation of an English file lives: `rules/notes/x.toml` -> `rules/es/notes/x.toml`."""
        top, _, rest = english_file.partition("/")
        return f"{top}/{self.language}/{rest}"

    def read_all(self) -> None:
        folder = self.root / self.language
        for path in sorted(folder.rglob("*.toml")):
            name = self.display(path)
            self.files.append(path)
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                self.problems.append((name, "(file)", f"is not valid TOML: {exc}"))
                continue
            english = self.root / path.relative_to(folder)
            if not english.is_file():
                missing = self.display(english)
                self.problems.append((name, "(file)", f"translates {missing}, which does not exist"))
                continue
            for kind, tables in data.items():
                if kind not in KINDS or not isinstance(tables, dict):
                    self.problems.append((name, "(file)", f"unexpected top-level '{kind}'"))
                    continue
                for entry_id, table in tables.items():
                    self.entries[kind][entry_id] = (name, table)

    def take(self, kind: str, entry_id: str, english: Provenance) -> _Fields:
        """The translated fields of one English entry (empty when not translated yet)."""
        file, table = self.entries[kind].pop(entry_id, (self.mirror(english.file), None))
        where = f"{kind} '{entry_id}'"
        if table is None:
            fields = _Fields(self, file, where, english.file, {})
            fields.untranslated_entry = True  # type: ignore[attr-defined]
            return fields
        if file != self.mirror(english.file):
            home = self.mirror(english.file)
            self.problems.append((file, where, f"translates {english.file}, so it belongs in {home}"))
        return _Fields(self, file, where, english.file, table)

    def leftovers(self) -> None:
        """Report translated ids that match nothing in English."""
        for kind, entries in self.entries.items():
            for entry_id, (file, _) in entries.items():
                where = f"{kind} '{entry_id}'"
                self.problems.append((file, where, f"no {kind} has this id in the English rules"))


def _provenance(fields: _Fields, english: Provenance) -> Provenance:
    if getattr(fields, "untranslated_entry", False):
        return english
    return fields.provenance(english)


def _question(reader: _Reader, q: Question) -> Question:
    f = reader.take("question", q.id, q.provenance)
    options_table = f.table.get("option", {})
    f.used.add("option")
    if not isinstance(options_table, dict):
        f.problem("'option' must be a table of options keyed by value")
        options_table = {}
    for extra in options_table.keys() - set(q.values):
        f.problem(f"option '{extra}' is not an option of this question")
    options = []
    for o in q.options:
        where = f"{f.where} option '{o.value}'"
        sub = _Fields(reader, f.file, where, f.english_file, options_table.get(o.value, {}))
        label = sub.text("label", o.label)
        if o.short != o.label:
            short = sub.text("short", o.short)
        else:  # the English short is its label, so a translation may give one or not
            sub.used.add("short")
            own = sub.table.get("short")
            short = own.strip() if isinstance(own, str) and own.strip() else label
        hint = sub.text("hint", o.hint)
        hints = sub.mapping("hints", o.hints, "option") if o.hints else o.hints
        sub.finish()
        options.append(replace(o, label=label, short=short, hint=hint, hints=MappingProxyType(dict(hints))))
    out = replace(
        q,
        label=f.text("label", q.label),
        short=f.text("short", q.short),
        hint=f.text("hint", q.hint),
        error=f.text("error", q.error),
        unit=f.text("unit", q.unit),
        options=tuple(options),
        provenance=_provenance(f, q.provenance),
    )
    f.finish()
    return out


def _test(reader: _Reader, t: ImagingTest) -> ImagingTest:
    f = reader.take("test", t.id, t.provenance)
    radiation = f.mapping(
        "radiation",
        {k: v for k, v in (("typical", t.radiation.typical), ("background", t.radiation.background)) if v},
        "radiation",
    )
    contrast = f.mapping("contrast", {"how": t.contrast.how} if t.contrast.how else {}, "contrast")
    cautions = f.mapping("cautions", {k: c.text for k, c in t.cautions.items()}, "test's cautions")
    out = replace(
        t,
        name=f.text("name", t.name),
        also_called=f.text("also_called", t.also_called),
        time=f.text("time", t.time),
        summary=f.text("summary", t.summary),
        experience=f.text("experience", t.experience),
        prepare=f.text("prepare", t.prepare),
        shows_well=f.text("shows_well", t.shows_well),
        limits=f.text("limits", t.limits),
        ask=f.texts("ask", t.ask),
        radiation=replace(
            t.radiation,
            typical=radiation.get("typical", t.radiation.typical),
            background=radiation.get("background", t.radiation.background),
        ),
        contrast=replace(t.contrast, how=contrast.get("how", t.contrast.how)),
        cautions=MappingProxyType(
            {k: Caution(c.factor, c.topic, cautions[k]) for k, c in t.cautions.items()}
        ),
        provenance=_provenance(f, t.provenance),
    )
    f.finish()
    return out


def _note(reader: _Reader, n: Note) -> Note:
    f = reader.take("note", n.id, n.provenance)
    text, ask = f.text("text", n.text), f.texts("ask", n.ask)
    out = replace(n, text=text, ask=ask, provenance=_provenance(f, n.provenance))
    f.finish()
    return out


def _rule(reader: _Reader, r: Rule) -> Rule:
    f = reader.take("rule", r.id, r.provenance)
    whys = f.mapping("why", {t.id: t.why for t in r.tests}, "rule's tests")
    changes = f.mapping("change", {c.id: c.why for c in r.changes}, "rule's changes")
    out = replace(
        r,
        tests=tuple(replace(t, why=whys[t.id]) for t in r.tests),
        changes=tuple(replace(c, why=changes[c.id]) for c in r.changes),
        provenance=_provenance(f, r.provenance),
    )
    f.finish()
    return out


def _term(reader: _Reader, t: Term) -> Term:
    f = reader.take("term", t.id, t.provenance)
    word = f.text("term", t.term)
    # A translated term links its own words (even when the term itself is the same, as "PSA" is);
    # one with no translation yet keeps the English ones.
    forms = None if getattr(f, "untranslated_entry", False) else f.own_texts("forms")
    out = replace(
        t,
        term=word,
        forms=tuple(dict.fromkeys((word, *forms))) if forms is not None else t.forms,
        definition=f.text("definition", t.definition),
        provenance=_provenance(f, t.provenance),
    )
    f.finish()
    return out


def _page(reader: _Reader, p: Page) -> Page:
    f = reader.take("page", p.id, p.provenance)
    f.used.add("section")
    raw = f.table.get("section")
    sections = p.sections
    if raw is None:
        if p.sections:
            f.missing("section")
    elif not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        f.problem("'section' must be an array of tables ([[page.<id>.section]])")
    elif len(raw) != len(p.sections):
        f.problem(f"has {len(raw)} sections; the English has {len(p.sections)}")
    else:
        translated = []
        for n, (table, english) in enumerate(zip(raw, p.sections, strict=True), 1):
            sub = _Fields(reader, f.file, f"{f.where} section {n}", f.english_file, table)
            translated.append(
                Section(
                    sub.text("heading", english.heading),
                    sub.texts("paragraphs", english.paragraphs),
                    sub.texts("items", english.items),
                )
            )
            sub.finish()
        sections = tuple(translated)
    out = replace(
        p,
        title=f.text("title", p.title),
        lede=f.text("lede", p.lede),
        sections=sections,
        provenance=_provenance(f, p.provenance),
    )
    f.finish()
    return out


def _scenario(reader: _Reader, s: Any) -> Any:
    f = reader.take("scenario", s.id, s.provenance)
    points = f.texts("points", tuple(p.text for p in s.points))
    out = replace(
        s,
        story=f.text("story", s.story),
        guess=f.text("guess", s.guess),
        points=tuple(replace(p, text=text) for p, text in zip(s.points, points, strict=True)),
        provenance=_provenance(f, s.provenance),
    )
    f.finish()
    return out


def _by_id(items: Iterable[Any]) -> MappingProxyType:
    return MappingProxyType({item.id: item for item in items})


def translate(book: Rulebook, root: str | Path, language: str) -> Translation:
    """Read `root/<language>/` and return the rule table with its texts in that language."""
    reader = _Reader(book, Path(root).resolve(), language)
    rules = tuple(_rule(reader, r) for r in book.rules)
    by_rule = {r.id: r for r in rules}
    translated = replace(
        book,
        questions=tuple(_question(reader, q) for q in book.questions),
        tests=_by_id(_test(reader, t) for t in book.tests.values()),
        notes=_by_id(_note(reader, n) for n in book.notes.values()),
        rules=rules,
        glossary=_by_id(_term(reader, t) for t in book.glossary.values()),
        pages=_by_id(_page(reader, p) for p in book.pages.values()),
        scenarios=_by_id(_scenario(reader, s) for s in book.scenarios.values()),
        index=MappingProxyType({key: tuple(by_rule[r.id] for r in hit) for key, hit in book.index.items()}),
        language=language,
        translations=MappingProxyType({}),
        untranslated=tuple(reader.untranslated),
    )
    reader.leftovers()
    return Translation(translated, tuple(reader.untranslated), tuple(reader.problems), tuple(reader.files))


def main(argv: list[str]) -> int:
    """Print what a language folder lacks or gets wrong: `python -m webapp.rulebook.translations rules es`."""
    from .load import load
    from .texts import directive_phrase, patient_texts

    root, language = (*argv, "rules", "es")[:2] if len(argv) < 2 else argv[:2]
    result = translate(load(root, languages=()), root, language)
    for file, where, message in result.problems:
        print(f"PROBLEM {file}: {where}: {message}")
    for gap in result.untranslated:
        print(f"MISSING {gap}")
    for text in patient_texts(result.rulebook):
        phrase = directive_phrase(text.text, language)
        if phrase and text.file.startswith(f"{Path(root).name}/{language}/"):
            print(f"DIRECTIVE {text.file}: {text.where}: {text.field}: {phrase!r}")
    print(f"{len(result.problems)} problems, {len(result.untranslated)} texts without a translation")
    return 1 if result.problems or result.untranslated else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
