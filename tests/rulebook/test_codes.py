"""Code maps (rules/codes/): bad entries are refused with file, code and reason; lookups find the right entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from webapp.rulebook import RulebookError, load, verify
from webapp.rulebook.codes import (
    CodeEntry,
    CodeSystem,
    build,
    code_problem,
    coverage,
    loinc_check_digit,
    verhoeff_ok,
)
from webapp.rulebook.model import Provenance

from ..conftest import RULES
from .conftest import edit

ICD = """[system]
name = "ICD-10-CM"
kind = "diagnosis"
oid = "2.16.840.1.113883.6.90"
uri = "http://hl7.org/fhir/sid/icd-10-cm"
sources = ["https://example.org/icd"]
reviewed = "2026-12-01"

[[code]]
code = "C50"
prefix = true
display = "Malignant neoplasm of breast"
site = "breast"
sources = ["https://example.org/c50"]
reviewed = "2026-12-01"

[[code]]
code = "C34"
prefix = true
display = "Malignant neoplasm of bronchus and lung"
site = "lung"
sources = ["https://example.org/c34"]
reviewed = "2026-12-01"

[[code]]
code = "Z12.31"
display = "Encounter for screening mammogram for malignant neoplasm of breast"
site = "breast"
situation = "screening"
sources = ["https://example.org/z1231"]
reviewed = "2026-12-01"
"""
LOINC = """[system]
name = "LOINC"
kind = "procedure"
oid = "2.16.840.1.113883.6.1"
uri = "http://loinc.org"
sources = ["https://example.org/loinc"]
reviewed = "2026-12-01"

[[code]]
code = "24606-6"
display = "MG Breast Screening"
test = "mammogram"
sources = ["https://example.org/24606-6"]
reviewed = "2026-12-01"
"""
SNOMED = """[system]
name = "SNOMED CT"
kind = "diagnosis"
oid = "2.16.840.1.113883.6.96"
uri = "http://snomed.info/sct"
sources = ["https://example.org/snomed"]
reviewed = "2026-12-01"

[[code]]
code = "254837009"
display = "Malignant neoplasm of breast (disorder)"
site = "breast"
sources = ["https://example.org/254837009"]
reviewed = "2026-12-01"
"""
FILES = {"codes/icd10cm.toml": ICD, "codes/loinc.toml": LOINC, "codes/snomed.toml": SNOMED}


@pytest.fixture
def coded(mini: Path) -> Path:
    """The small rule table with a good code map for each of the three systems."""
    (mini / "codes").mkdir()
    for name, text in FILES.items():
        (mini / name).write_text(text)
    return mini


def test_good_code_maps_load_and_count_in_the_rules_version(mini, coded):
    book = load(coded)
    assert [s.name for s in book.codes.systems] == ["ICD-10-CM", "LOINC", "SNOMED CT"]
    assert [e.code for e in book.codes.systems[0].entries] == ["C50", "C34", "Z12.31"]
    (coded / "codes" / "loinc.toml").write_text(LOINC.replace("2026-12-01", "2026-11-30"))
    assert load(coded).version != book.version


def test_the_folder_is_optional(mini):
    assert load(mini).codes.systems == ()
    assert load(mini).codes.lookup("2.16.840.1.113883.6.90", "C50.9") is None


# A second ICD-10-CM file: its own code, but the same system's OID and URI.
DUPLICATE_OID = (
    ICD.split("[[code]]")[0]
    + """[[code]]
code = "C18"
prefix = true
display = "Malignant neoplasm of colon"
site = "other"
sources = ["https://example.org/c18"]
reviewed = "2026-12-01"
"""
)

# (case, file, old text, new text, what the message must say: file: where: reason)
BROKEN = [
    ("bad ICD format", "icd10cm.toml", 'code = "C34"', 'code = "C3"', "code 'C3': is not an ICD-10-CM code"),
    ("ICD code with U", "icd10cm.toml", 'code = "C34"', 'code = "U07.1"', "code 'U07.1': is not an ICD-10"),
    (
        "bad LOINC check digit",
        "loinc.toml",
        'code = "24606-6"',
        'code = "24606-5"',
        "rules/codes/loinc.toml: code '24606-5': has LOINC check digit 5, but the number gives 6",
    ),
    ("LOINC without check digit", "loinc.toml", 'code = "24606-6"', 'code = "24606"', "is not a LOINC code"),
    (
        "bad SNOMED check digit",
        "snomed.toml",
        'code = "254837009"',
        'code = "254837008"',
        "rules/codes/snomed.toml: code '254837008': has a wrong SNOMED CT check digit (Verhoeff)",
    ),
    ("SNOMED too short", "snomed.toml", 'code = "254837009"', 'code = "12345"', "is not a SNOMED CT id"),
    (
        "unknown site",
        "icd10cm.toml",
        'site = "lung"',
        'site = "spleen"',
        "code 'C34': 'site' is 'spleen', which is not an option of 'site'",
    ),
    (
        "unknown situation",
        "icd10cm.toml",
        'situation = "screening"',
        'situation = "follow_up"',
        "code 'Z12.31': 'situation' is 'follow_up', which is not an option of 'situation'",
    ),
    (
        "unknown test",
        "loinc.toml",
        'test = "mammogram"',
        'test = "pet"',
        "code '24606-6': 'test' is 'pet', which is not in the test catalogue",
    ),
    (
        "procedure with a site",
        "loinc.toml",
        'test = "mammogram"',
        'test = "mammogram"\nsite = "breast"',
        "code '24606-6': a procedure code leads to a test page: remove 'site' and 'situation'",
    ),
    (
        "procedure without a test",
        "loinc.toml",
        'test = "mammogram"',
        "",
        "code '24606-6': a procedure code needs a 'test'",
    ),
    (
        "diagnosis with a test",
        "icd10cm.toml",
        'site = "lung"',
        'site = "lung"\ntest = "ct"',
        "code 'C34': a diagnosis code leads to the questions, not to a test",
    ),
    (
        "diagnosis with neither site nor situation",
        "snomed.toml",
        'site = "breast"',
        "",
        "code '254837009': a diagnosis code needs a 'site' and/or a 'situation'",
    ),
    (
        "prefix on LOINC",
        "loinc.toml",
        'test = "mammogram"',
        'test = "mammogram"\nprefix = true',
        "code '24606-6': 'prefix' is only for ICD-10-CM codes",
    ),
    (
        "duplicate, written without the dot",
        "icd10cm.toml",
        'code = "C34"',
        'code = "C50"',
        "rules/codes/icd10cm.toml: code 'C50': is listed twice (also as 'C50')",
    ),
    (
        "missing sources",
        "loinc.toml",
        'sources = ["https://example.org/24606-6"]',
        "",
        "code '24606-6': 'sources' is missing",
    ),
    (
        "missing review date",
        "snomed.toml",
        'sources = ["https://example.org/254837009"]\nreviewed = "2026-12-01"',
        'sources = ["https://example.org/254837009"]',
        "code '254837009': 'reviewed' is missing",
    ),
    (
        "plain http source",
        "loinc.toml",
        "https://example.org/24606-6",
        "http://example.org/24606-6",
        "code '24606-6': source 'http://example.org/24606-6' must be an https:// link",
    ),
    (
        "empty display",
        "loinc.toml",
        'display = "MG Breast Screening"',
        'display = ""',
        "'display' must be non-empty",
    ),
    ("unknown field", "loinc.toml", "display =", "dispaly =", "code '24606-6': unknown field 'dispaly'"),
    (
        "system without sources",
        "loinc.toml",
        'sources = ["https://example.org/loinc"]',
        "",
        "rules/codes/loinc.toml: [system]: 'sources' is missing",
    ),
    ("unknown kind", "loinc.toml", 'kind = "procedure"', 'kind = "lab"', "[system]: 'kind' is 'lab'"),
    (
        "OID of a system whose codes we cannot check",
        "loinc.toml",
        'oid = "2.16.840.1.113883.6.1"',
        'oid = "2.16.840.1.113883.6.103"',
        "[system]: no code format is known for oid '2.16.840.1.113883.6.103'",
    ),
    (
        "not an OID",
        "loinc.toml",
        'oid = "2.16.840.1.113883.6.1"',
        'oid = "loinc"',
        "[system]: 'oid' is 'loinc'",
    ),
    (
        "URI of another system",
        "loinc.toml",
        'uri = "http://loinc.org"',
        'uri = "http://snomed.info/sct"',
        "[system]: 'uri' is 'http://snomed.info/sct', but the FHIR URI of oid 2.16.840.1.113883.6.1",
    ),
    (
        "no [system]",
        "loinc.toml",
        "[system]",
        "[sistem]",
        "rules/codes/loinc.toml: (file): unexpected top-level",
    ),
    (
        "not TOML",
        "loinc.toml",
        'name = "LOINC"',
        'name = "LOINC',
        "rules/codes/loinc.toml: (file): is not valid TOML",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_bad_code_data_is_refused_with_file_code_and_reason(coded, file, old, new, message):
    edit(coded, f"codes/{file}", old, new)
    with pytest.raises(RulebookError) as caught:
        load(coded)
    said = [str(p) for p in caught.value.problems]
    assert any(message in line for line in said), said


def test_an_oid_in_two_files_is_refused(coded):
    (coded / "codes" / "icd10cm_more.toml").write_text(DUPLICATE_OID)
    with pytest.raises(RulebookError) as caught:
        load(coded)
    said = [str(p) for p in caught.value.problems]
    assert (
        "rules/codes/icd10cm_more.toml: [system]: oid '2.16.840.1.113883.6.90' is also the oid of "
        "rules/codes/icd10cm.toml"
    ) in said


# --- check digits, on published codes ------------------------------------------------------------


@pytest.mark.parametrize(("number", "digit"), [("24606", 6), ("24604", 1), ("36643", 5), ("1", 8)])
def test_loinc_check_digit(number, digit):
    # 24606-6 MG Breast Screening (loinc.org/24606-6); 1-8 is the mod-10 of a lone 1.
    assert loinc_check_digit(number) == digit


@pytest.mark.parametrize(
    ("code", "ok"),
    [("254837009", True), ("22298006", True), ("363346000", True), ("254837008", False), ("22298007", False)],
)
def test_snomed_verhoeff_check_digit(code, ok):
    assert verhoeff_ok(code) is ok


@pytest.mark.parametrize(
    ("style", "code", "ok"),
    [
        ("icd10cm", "C50.911", True),
        ("icd10cm", "Z12.31", True),
        ("icd10cm", "Z08", True),
        ("icd10cm", "C50911", False),  # files write the dot; lookups accept it without
        ("icd10cm", "c50.911", False),
        ("icd10cm", "U07.1", False),
        ("icd10cm", "C50.91111", False),
        ("loinc", "24606-6", True),
        ("loinc", "24606-0", False),
        ("loinc", "12345678-9", False),
        ("snomed", "254837009", True),
        ("snomed", "0254837009", False),
    ],
)
def test_code_formats(style, code, ok):
    assert (code_problem(style, code) is None) is ok


# --- lookups -----------------------------------------------------------------------------------

SOURCED = Provenance("rules/codes/x.toml", ("https://example.org",), dt.date(2026, 12, 1))


def entry(
    code: str, site: str | None = None, situation: str | None = None, prefix: bool = False
) -> CodeEntry:
    return CodeEntry("ICD-10-CM", "diagnosis", code, code, prefix, site, situation, None, SOURCED)


ICD_ENTRIES = (
    entry("C50", "breast", prefix=True),
    entry("Z85", situation="follow_up", prefix=True),
    entry("Z85.1", "lung", "follow_up", prefix=True),
    entry("Z85.3", "breast", "follow_up"),
)
MAPS = build(
    [
        CodeSystem(
            "ICD-10-CM",
            "diagnosis",
            "2.16.840.1.113883.6.90",
            "http://hl7.org/fhir/sid/icd-10-cm",
            "icd10cm",
            SOURCED,
            ICD_ENTRIES,
        ),
        CodeSystem(
            "LOINC",
            "procedure",
            "2.16.840.1.113883.6.1",
            "http://loinc.org",
            "loinc",
            SOURCED,
            (CodeEntry("LOINC", "procedure", "24606-6", "MG", False, None, None, "mammogram", SOURCED),),
        ),
    ]
)
ICD_OID = "2.16.840.1.113883.6.90"

LOOKUPS = [
    # (system, code, the code of the entry found, or None)
    (ICD_OID, "C50.911", "C50"),
    (ICD_OID, "C50911", "C50"),
    (ICD_OID, "c50.911", "C50"),
    (ICD_OID, " C50.911 ", "C50"),
    (ICD_OID, "C50", "C50"),
    (ICD_OID, "C5", None),
    (ICD_OID, "Z85.3", "Z85.3"),  # exact beats the prefix Z85
    (ICD_OID, "Z853", "Z85.3"),
    (ICD_OID, "Z85.30", "Z85"),  # Z85.3 is not a prefix entry, so only Z85 covers codes under it
    (ICD_OID, "Z85.118", "Z85.1"),  # the longest prefix wins over Z85
    (ICD_OID, "Z85.9", "Z85"),
    (ICD_OID, "Z86", None),
    (" http://HL7.org/fhir/sid/icd-10-cm ", "C50.1", "C50"),
    ("http://loinc.org", "24606-6", "24606-6"),
    ("2.16.840.1.113883.6.1", "24606", None),  # LOINC codes match exactly
    ("2.16.840.1.113883.6.103", "174.9", None),  # ICD-9-CM: a system we do not map
    ("", "C50", None),
]


@pytest.mark.parametrize(("system", "code", "found"), LOOKUPS)
def test_lookup(system, code, found):
    got = MAPS.lookup(system, code)
    assert (got.code if got else None) == found


# --- verify and `rules check` ---------------------------------------------------------------------


def test_verify_does_not_grade_code_displays(coded):
    # A code system's own title may be long and formal; it is not our prose, so it is not graded.
    long_title = "Malignant neoplasm of overlapping sites of unspecified female breast, you should"
    edit(coded, "codes/loinc.toml", 'display = "MG Breast Screening"', f'display = "{long_title}"')
    book = load(coded)
    report = verify(book, grade=lambda text: 20.0 if text == long_title else 5.0)
    assert [p for p in report.problems if "code" in p.where] == []
    assert not any(long_title in g.text.text for g in report.grades)


def test_verify_flags_a_code_without_source_or_review_date(coded):
    book = load(coded)
    system = book.codes.systems[1]
    bare = replace(system.entries[0], provenance=Provenance(system.provenance.file, (), None))
    broken = replace(book, codes=build([*book.codes.systems[:1], replace(system, entries=(bare,))]))
    found = {(p.kind, p.file, p.where) for p in verify(broken).problems}
    assert ("source", "rules/codes/loinc.toml", "code '24606-6'") in found
    assert ("review date", "rules/codes/loinc.toml", "code '24606-6'") in found
    assert not [p for p in verify(book).problems if p.file.startswith("rules/codes/")]


def test_coverage_names_sites_without_icd10cm_and_tests_without_loinc(coded):
    edit(coded, "codes/icd10cm.toml", 'site = "lung"', 'site = "breast"')
    summary, gaps = coverage(load(coded))
    assert summary == "ICD-10-CM 3, LOINC 1, SNOMED CT 1"
    # "other" (the site's default: not listed, not sure) is a gap no diagnosis code can fill.
    assert gaps == [
        "sites with no ICD-10-CM code: lung",
        "tests with no LOINC code: breast_mri, ct, ultrasound",
    ]


def test_coverage_without_code_maps_says_so(mini):
    summary, gaps = coverage(load(mini))
    assert (summary, gaps) == (
        "none",
        ["no code maps (rules/codes/ is missing or empty): /infobutton knows no codes"],
    )


def test_every_real_code_finds_its_own_entry():
    book = load(RULES)
    for system in book.codes.systems:
        for found in system.entries:
            assert book.codes.lookup(system.oid, found.code) is found
            assert book.codes.lookup(system.uri, found.code) is found
