"""Code maps (rules/codes/*.toml): health-record codes and the body area, situation or test each one means.

An electronic health record sends a diagnosis code (ICD-10-CM, SNOMED CT) or an imaging procedure
code (LOINC) to /infobutton. One TOML file per code system says which codes we know: a `[system]`
table (its name, kind, HL7 OID and FHIR URI) and `[[code]]` entries, each with the code system's
own title for it, what it means here, a source and a review date.

Loading checks every entry (well-formed for its system, check digits, known site, situation or
test, unique) and reports problems with file, code and reason like every other rules file; the
files count in the rules version. `CodeMaps.lookup` answers a system (OID or URI) and a code.
Displays are the code systems' titles, not our prose, so they are not graded for reading level.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # load.py and model.py build on this module: their names are for type checking only
    from .load import _Entry, _Loader
    from .model import ImagingTest, Provenance, Question, Rulebook

FOLDER = "codes"
KINDS = ("diagnosis", "procedure")
SITE_QUESTION = "site"
SITUATION_QUESTION = "situation"
OID_PATTERN = re.compile(r"^[0-2](\.(0|[1-9][0-9]*))+$")

ICD10CM = "icd10cm"
LOINC = "loinc"
SNOMED = "snomed"
# The code systems whose code format the loader knows, by HL7 OID: their style and FHIR URI.
KNOWN_SYSTEMS = {
    "2.16.840.1.113883.6.90": (ICD10CM, "http://hl7.org/fhir/sid/icd-10-cm"),
    "2.16.840.1.113883.6.1": (LOINC, "http://loinc.org"),
    "2.16.840.1.113883.6.96": (SNOMED, "http://snomed.info/sct"),
}
ICD10CM_CODE = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
LOINC_CODE = re.compile(r"^(\d{1,7})-(\d)$")
SNOMED_CODE = re.compile(r"^[1-9][0-9]{5,17}$")


@dataclass(frozen=True)
class CodeEntry:
    """One code of a code system and what it means here: a site and/or situation, or a test."""

    system: str  # the code system's name, as its file says ("ICD-10-CM")
    kind: str  # "diagnosis" or "procedure"
    code: str  # as the code system writes it (with its dot, for ICD-10-CM)
    display: str  # the code system's own title for it
    prefix: bool  # ICD-10-CM: also every more specific code under it
    site: str | None
    situation: str | None
    test: str | None
    provenance: Provenance


@dataclass(frozen=True)
class CodeSystem:
    """One code system's file: its names, and its codes indexed for lookup."""

    name: str
    kind: str
    oid: str
    uri: str
    style: str  # ICD10CM, LOINC or SNOMED: how codes are written and compared
    provenance: Provenance
    entries: tuple[CodeEntry, ...]
    exact: Mapping[str, CodeEntry] = field(default_factory=lambda: MappingProxyType({}))
    # Prefix entries as (compared key, entry), longest key first, so the first match is the longest.
    prefixes: tuple[tuple[str, CodeEntry], ...] = ()

    def lookup(self, code: str) -> CodeEntry | None:
        """The entry for a code: an exact match first, else the longest prefix entry it starts with."""
        key = comparable(self.style, code)
        found = self.exact.get(key)
        if found is not None:
            return found
        return next((entry for start, entry in self.prefixes if key.startswith(start)), None)


@dataclass(frozen=True)
class CodeMaps:
    """Every code system in rules/codes/, found by OID or FHIR URI."""

    systems: tuple[CodeSystem, ...] = ()
    by_name: Mapping[str, CodeSystem] = field(default_factory=lambda: MappingProxyType({}))

    def system(self, system: str) -> CodeSystem | None:
        """The code system an OID or URI names (case-insensitive, spaces trimmed), if we map it."""
        return self.by_name.get(system.strip().lower())

    def lookup(self, system: str, code: str) -> CodeEntry | None:
        """What a code of a system (OID or URI) means here, or None for an unknown system or code."""
        found = self.system(system)
        return found.lookup(code) if found is not None else None


def comparable(style: str, code: str) -> str:
    """A code as lookups compare it: ICD-10-CM without its dot and in capitals; others as written."""
    code = code.strip()
    return code.replace(".", "").upper() if style == ICD10CM else code


def build(systems: Iterable[CodeSystem]) -> CodeMaps:
    """Index code systems by OID and URI, and each system's codes by their compared form."""
    indexed = []
    names: dict[str, CodeSystem] = {}
    for system in systems:
        exact = {comparable(system.style, e.code): e for e in system.entries}
        prefixes = sorted(
            ((comparable(system.style, e.code), e) for e in system.entries if e.prefix),
            key=lambda pair: -len(pair[0]),
        )
        ready = CodeSystem(
            system.name,
            system.kind,
            system.oid,
            system.uri,
            system.style,
            system.provenance,
            system.entries,
            MappingProxyType(exact),
            tuple(prefixes),
        )
        indexed.append(ready)
        names.setdefault(ready.oid.lower(), ready)
        names.setdefault(ready.uri.lower(), ready)
    return CodeMaps(tuple(indexed), MappingProxyType(names))


# --- check digits --------------------------------------------------------------------------------


def loinc_check_digit(number: str) -> int:
    """The LOINC mod-10 check digit of a code's number part (the Luhn scheme LOINC uses)."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 0:  # the rightmost digit, and every second one from it, is doubled
            digit *= 2
        total += digit // 10 + digit % 10
    return (10 - total % 10) % 10


_VERHOEFF_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_ok(digits: str) -> bool:
    """Whether a string of digits ends in a valid Verhoeff check digit (as every SNOMED CT id does)."""
    check = 0
    for position, char in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(char)]]
    return check == 0


def code_problem(style: str, code: str) -> str | None:
    """Why a code is not well-formed for its system, or None when it is."""
    if style == ICD10CM:
        if not ICD10CM_CODE.match(code):
            return "is not an ICD-10-CM code (a letter, 2 digits or letters, then '.' and up to 4 more)"
    elif style == LOINC:
        match = LOINC_CODE.match(code)
        if not match:
            return "is not a LOINC code (up to 7 digits, '-', a check digit)"
        expected = loinc_check_digit(match.group(1))
        if int(match.group(2)) != expected:
            return f"has LOINC check digit {match.group(2)}, but the number gives {expected}"
    elif style == SNOMED:
        if not SNOMED_CODE.match(code):
            return "is not a SNOMED CT id (6 to 18 digits, not starting with 0)"
        if not verhoeff_ok(code):
            return "has a wrong SNOMED CT check digit (Verhoeff)"
    return None


# --- reading, at load ----------------------------------------------------------------------------


def read_codes(
    loader: _Loader, questions: Mapping[str, Question], tests: Mapping[str, ImagingTest]
) -> CodeMaps:
    """Read every rules/codes/*.toml (the folder is optional) and note each problem on the loader."""
    folder = loader.root / FOLDER
    if not folder.is_dir():
        return CodeMaps()
    sites = _values(questions.get(SITE_QUESTION))
    situations = _values(questions.get(SITUATION_QUESTION))
    systems: list[CodeSystem] = []
    seen_names: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        system = _read_file(loader, path, sites, situations, tests)
        if system is None:
            continue
        file = system.provenance.file
        for name, what in ((system.oid, "oid"), (system.uri, "uri")):
            other = seen_names.get(name.lower())
            if other is not None:
                loader.problem(file, "[system]", f"{what} {name!r} is also the {what} of {other}")
            else:
                seen_names[name.lower()] = file
        systems.append(system)
    return build(systems)


def _values(question: Question | None) -> frozenset[str]:
    return frozenset(question.values) if question is not None else frozenset()


def _parse(loader: _Loader, path: Path) -> tuple[str, Mapping[str, Any] | None]:
    """Parse one code file, counting it in the rules version; None when it cannot be read."""
    name = path.relative_to(loader.root.parent).as_posix()
    loader.files.append(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        loader.problem(name, "(file)", f"is not valid TOML: {exc}")
        return name, None
    for other in data:
        if other not in ("system", "code"):
            loader.problem(name, "(file)", f"unexpected top-level '{other}'; it holds [system] and [[code]]")
    return name, data


def _read_file(
    loader: _Loader,
    path: Path,
    sites: frozenset[str],
    situations: frozenset[str],
    tests: Mapping[str, ImagingTest],
) -> CodeSystem | None:
    from .load import _Entry  # load.py imports this module inside load(), so no import cycle

    file, data = _parse(loader, path)
    if data is None:
        return None
    raw_system = data.get("system")
    if not isinstance(raw_system, dict):
        loader.problem(file, "[system]", "is missing: say the code system's name, kind, oid and uri")
        return None
    head = _Entry(loader, file, "system", raw_system, 0)
    head.label = "[system]"
    name = head.text("name")
    kind = head.choice("kind", KINDS)
    oid = head.text("oid")
    uri = head.text("uri")
    style = ""
    if oid and not OID_PATTERN.match(oid):
        head.problem(f"'oid' is {oid!r}; an OID is dotted numbers like 2.16.840.1.113883.6.90")
    elif oid:
        known = KNOWN_SYSTEMS.get(oid)
        if known is None:
            formats = ", ".join(f"{o} ({s})" for o, (s, _) in KNOWN_SYSTEMS.items())
            head.problem(f"no code format is known for oid {oid!r}; known: {formats}")
        else:
            style = known[0]
            if uri and uri.rstrip("/").lower() != known[1]:
                head.problem(f"'uri' is {uri!r}, but the FHIR URI of oid {oid} is {known[1]!r}")
    provenance = _provenance(head)
    head.finish()

    codes = data.get("code", [])
    if not isinstance(codes, list) or not all(isinstance(c, dict) for c in codes):
        loader.problem(file, "(file)", "'code' must be an array of tables ([[code]])")
        codes = []
    if not codes:
        loader.problem(file, "(file)", "holds no [[code]] entries")
    entries: list[CodeEntry] = []
    seen: dict[str, str] = {}
    for i, table in enumerate(codes):
        entry = _read_code(loader, file, i, table, name, kind, style, sites, situations, tests)
        if entry is None:
            continue
        key = comparable(style, entry.code)
        if key in seen:
            loader.problem(file, f"code '{entry.code}'", f"is listed twice (also as '{seen[key]}')")
            continue
        seen[key] = entry.code
        entries.append(entry)
    return CodeSystem(name, kind, oid, uri, style, provenance, tuple(entries))


def _read_code(
    loader: _Loader,
    file: str,
    index: int,
    table: Mapping[str, Any],
    system: str,
    kind: str,
    style: str,
    sites: frozenset[str],
    situations: frozenset[str],
    tests: Mapping[str, ImagingTest],
) -> CodeEntry | None:
    from .load import _Entry

    entry = _Entry(loader, file, "code", table, index)
    raw = table.get("code")
    entry.used.add("code")
    ok = isinstance(raw, str) and bool(raw.strip())
    code = raw.strip() if ok else ""
    entry.label = f"code '{code}'" if ok else f"code #{index + 1}"
    if not ok:
        entry.problem("'code' is missing or not text")
    elif style and (why := code_problem(style, code)):
        entry.problem(why)
        ok = False
    prefix = entry.boolean("prefix")
    if prefix and style != ICD10CM:
        entry.problem("'prefix' is only for ICD-10-CM codes")
    display = entry.text("display")
    site = entry.text("site", required=False) or None
    situation = entry.text("situation", required=False) or None
    test = entry.text("test", required=False) or None
    if kind == "diagnosis":
        if site is None and situation is None:
            entry.problem("a diagnosis code needs a 'site' and/or a 'situation'")
        if site is not None and site not in sites:
            entry.problem(f"'site' is {site!r}, which is not an option of '{SITE_QUESTION}'")
        if situation is not None and situation not in situations:
            entry.problem(f"'situation' is {situation!r}, which is not an option of '{SITUATION_QUESTION}'")
        if test is not None:
            entry.problem("a diagnosis code leads to the questions, not to a test: remove 'test'")
    elif kind == "procedure":
        if test is None:
            entry.problem("a procedure code needs a 'test' (an id from tests.toml)")
        elif test not in tests:
            entry.problem(f"'test' is {test!r}, which is not in the test catalogue (tests.toml)")
        if site is not None or situation is not None:
            entry.problem("a procedure code leads to a test page: remove 'site' and 'situation'")
    provenance = _provenance(entry)
    entry.finish()
    if not ok:
        return None
    return CodeEntry(system, kind, code, display, prefix, site, situation, test, provenance)


def _provenance(entry: _Entry) -> Provenance:
    """Read `sources` and `reviewed`: both required here, every source an https link."""
    provenance = entry.provenance()
    if not provenance.sources:
        entry.problem("'sources' is missing: list at least one https link that shows this")
    for url in provenance.sources:
        if url.startswith("http://"):  # other non-links are reported by `provenance` already
            entry.problem(f"source {url!r} must be an https:// link")
    if provenance.reviewed is None and "reviewed" not in entry.table:
        entry.problem("'reviewed' is missing (a date like 2026-12-02)")
    return provenance


# --- after load: checks and coverage for `rules check` ------------------------------------------


def provenance_problems(codes: CodeMaps) -> list[tuple[str, str, str, str]]:
    """(kind, file, where, message) for each code system or code without a source or a review date.

    Loading refuses such files already; this keeps verify's promise (every entry is sourced and
    dated) for code maps built any other way too.
    """
    found = []
    for system in codes.systems:
        items = [
            ("[system]", system.provenance),
            *((f"code '{e.code}'", e.provenance) for e in system.entries),
        ]
        for where, provenance in items:
            if not provenance.sources:
                found.append(("source", provenance.file, where, "has no source link ('sources')"))
            if provenance.reviewed is None:
                found.append(("review date", provenance.file, where, "has no review date ('reviewed')"))
    return found


def coverage(rulebook: Rulebook) -> tuple[str, list[str]]:
    """A summary of the code maps, and warnings for what they leave out: gaps to fill, not errors.

    The gaps are sites without an ICD-10-CM code and tests without a LOINC code.
    """
    codes = rulebook.codes
    if not codes.systems:
        return "none", [f"no code maps (rules/{FOLDER}/ is missing or empty): /infobutton knows no codes"]
    summary = ", ".join(f"{s.name} {len(s.entries)}" for s in codes.systems)
    by_style = {s.style: s for s in codes.systems}
    warnings = []
    site = rulebook.question(SITE_QUESTION)
    mapped_sites = {e.site for e in by_style[ICD10CM].entries} if ICD10CM in by_style else set()
    # The default ("other": not listed, not sure) is what no diagnosis code names.
    missing_sites = [v for v in (site.values if site else ()) if v not in mapped_sites and v != site.default]
    if missing_sites:
        warnings.append(f"sites with no ICD-10-CM code: {', '.join(missing_sites)}")
    mapped_tests = {e.test for e in by_style[LOINC].entries} if LOINC in by_style else set()
    missing_tests = [t for t in rulebook.tests if t not in mapped_tests]
    if missing_tests:
        warnings.append(f"tests with no LOINC code: {', '.join(missing_tests)}")
    return summary, warnings
