"""Spanish rule texts (rules/es/): complete, unable to change logic, refused when broken, and checked.

Pure engine, no Flask. Broken data is made on a throwaway copy of the real rules (`rules_copy`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webapp.readability import EASE
from webapp.rulebook import RulebookError, load
from webapp.rulebook.evaluate import evaluate
from webapp.rulebook.model import Untranslated
from webapp.rulebook.texts import patient_texts
from webapp.rulebook.verify import Problem, verify, walk
from webapp.rulebook.verify_languages import check_language

from .conftest import edit

# The real table has about 200,000 answer combinations: evaluating every one in both languages
# takes about 20 s, so every 13th is checked (about 15,000, which fire every rule; see below).
SAMPLE_EVERY = 13

DISCLAIMER_ASK = 'ask = ["¿Cuáles de estas pruebas van con mi situación y por qué?"]'
HARD_SPANISH = (
    "La caracterización histopatológica multidisciplinaria de las neoplasias mamarias infiltrantes "
    "requiere habitualmente la correlación radiológica complementaria mediante procedimientos "
    "diagnósticos intervencionistas guiados ecográficamente y la interpretación especializada de "
    "hallazgos inmunohistoquímicos característicamente heterogéneos."
)


def append(root: Path, file: str, text: str) -> None:
    """Add text at the end of a rule file (creating it if need be)."""
    path = root / file
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(old + "\n" + text + "\n", encoding="utf-8")


def cut_entry(root: Path, header: str, source: str) -> str:
    """Remove one `[kind.id]` table (with its sub-tables) from a file; return what was cut."""
    lines = (root / source).read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(header + "\n")
    name = header.strip("[]")
    end = start + 1
    while end < len(lines):
        match = re.match(r"\s*\[\[?([^\]]+)\]", lines[end])
        if match and not match.group(1).startswith(name + "."):
            break
        end += 1
    (root / source).write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    return "".join(lines[start:end])


def move_entry(root: Path, header: str, source: str, target: str) -> None:
    """Cut one table from one file and paste it at the end of another."""
    append(root, target, cut_entry(root, header, source))


def logic_of(book):
    """Everything in a rule table that decides which tests show: no texts."""
    return {
        "questions": [
            (q.id, q.kind, q.required, q.default, q.min, q.max, q.show_when, q.hint_by, q.values)
            for q in book.questions
        ],
        "options": [(q.id, o.value, o.topic) for q in book.questions for o in q.options],
        "tests": [
            (
                t.id,
                t.uses,
                t.radiation.band,
                t.contrast.use,
                tuple(t.cautions),
                tuple(c.topic for c in t.cautions.values()),
            )
            for t in book.tests.values()
        ],
        "notes": [(n.id, n.topic) for n in book.notes.values()],
        "rules": [
            (
                r.id,
                r.when,
                tuple((t.id, t.level) for t in r.tests),
                tuple((c.id, c.level, c.applies_to) for c in r.changes),
                r.notes,
                r.factors,
            )
            for r in book.rules
        ],
        "index": {key: tuple(r.id for r in hit) for key, hit in book.index.items()},
        "index_questions": book.index_questions,
        "test_rank": dict(book.test_rank),
        "glossary": list(book.glossary),
        "pages": [(p.id, len(p.sections)) for p in book.pages.values()],
        "scenarios": list(book.scenarios),
    }


# --- The real table


def test_the_real_table_has_a_complete_spanish_translation_with_the_same_ids_in_the_same_order(rulebook):
    spanish = rulebook.in_language("es")
    assert spanish is not rulebook
    assert (spanish.language, rulebook.language) == ("es", "en")
    assert spanish.untranslated == ()
    assert spanish.version == rulebook.version
    assert logic_of(spanish) == logic_of(rulebook)
    assert spanish.codes is rulebook.codes
    # Every text a person reads comes from rules/es/, none left in English.
    files = {text.file for text in patient_texts(spanish)}
    assert files and all(f.startswith("rules/es/") for f in files), sorted(files)[:5]
    # Names are translated (a spot check of what every page shows).
    assert spanish.tests["mammogram"].name == "Mamografía"
    assert spanish.question("situation").label == "¿Qué está pasando ahora?"
    assert all(spanish.tests[t].name != rulebook.tests[t].name for t in rulebook.tests)
    # A language with no folder is the English table itself.
    assert rulebook.in_language("en") is rulebook
    assert rulebook.in_language("fr") is rulebook


def test_a_translation_never_changes_which_tests_show_or_why_they_rank(rulebook):
    spanish = rulebook.in_language("es")
    fired: set[str] = set()
    checked = 0
    for n, answers in enumerate(walk(rulebook)):
        if n % SAMPLE_EVERY:
            continue
        answers = dict(answers)
        en, es = evaluate(rulebook, answers), evaluate(spanish, answers)
        checked += 1
        fired.update(f.rule for f in en.trace)
        where = str(answers)
        assert [
            (t.id, t.level, t.usual_level, t.changed_by, t.rules, tuple(c.factor for c in t.cautions))
            for t in es.tests
        ] == [
            (t.id, t.level, t.usual_level, t.changed_by, t.rules, tuple(c.factor for c in t.cautions))
            for t in en.tests
        ], where
        assert [(n.id, n.topic) for n in es.notes] == [(n.id, n.topic) for n in en.notes], where
        assert (es.trace, es.ignored, dict(es.answers), es.rules_version) == (
            en.trace,
            en.ignored,
            dict(en.answers),
            en.rules_version,
        ), where
        # ... and the words are Spanish.
        for s, e in zip(es.tests, en.tests, strict=True):
            assert s.test is spanish.tests[s.id], where
            assert s.test.name != e.test.name, where
            assert s.why != e.why, (where, s.id)
            if e.usual_why:
                assert s.usual_why != e.usual_why, (where, s.id)
            assert all(a.text != b.text for a, b in zip(s.cautions, e.cautions, strict=True)), where
        assert all(s.text != e.text for s, e in zip(es.notes, en.notes, strict=True)), where
    assert checked > 10_000
    # The sample is only worth something if it makes every rule fire.
    assert fired == {r.id for r in rulebook.rules}, "pick another SAMPLE_EVERY"


# --- Broken Spanish data is refused: file, id and reason

# (case, edit(root), what the one problem says)
BROKEN = [
    (
        "unknown note id",
        lambda root: append(root, "es/notes/core.toml", '[note.no-such-note]\ntext = "Un texto."'),
        "rules/es/notes/core.toml: note 'no-such-note': no note has this id in the English rules",
    ),
    (
        "a level in a rule translation: logic is refused",
        lambda root: edit(
            root,
            "es/rules/site_skin.toml",
            '[rule.screening-skin]\nreviewed = "2026-12-02"',
            '[rule.screening-skin]\nreviewed = "2026-12-02"\nlevel = "commonly_used"',
        ),
        "rules/es/rules/site_skin.toml: rule 'screening-skin': unknown field 'level'",
    ),
    (
        "what a test uses, in a test translation",
        lambda root: edit(
            root, "es/tests.toml", 'name = "Mamografía"', 'name = "Mamografía"\nuses = ["magnets"]'
        ),
        "rules/es/tests.toml: test 'mammogram': unknown field 'uses'",
    ),
    (
        "a reason for a test the rule does not add",
        lambda root: edit(
            root,
            "es/rules/site_skin.toml",
            '  pet_ct = "El estudio PET/CT no es una prueba de detección',
            '  mri = "Un texto."\n  pet_ct = "El estudio PET/CT no es una prueba de detección',
        ),
        "rules/es/rules/site_skin.toml: rule 'screening-skin': 'why' has 'mri', which the English rule's tests does not have",
    ),
    (
        "an option the question does not have",
        lambda root: edit(
            root,
            "es/questions.toml",
            "[question.situation.option.screening]",
            '[question.situation.option.moon]\nlabel = "Luna"\n\n[question.situation.option.screening]',
        ),
        "rules/es/questions.toml: question 'situation': option 'moon' is not an option of this question",
    ),
    (
        "a caution for a factor the test has none for",
        lambda root: edit(
            root,
            "es/tests.toml",
            '  pregnant = "Aun así se puede hacer una mamografía',
            '  smoker = "Un texto."\n  pregnant = "Aun así se puede hacer una mamografía',
        ),
        "rules/es/tests.toml: test 'mammogram': 'cautions' has 'smoker', which the English test's cautions does not have",
    ),
    (
        "ask list of another length",
        lambda root: edit(
            root, "es/notes/core.toml", DISCLAIMER_ASK, 'ask = ["¿Primera pregunta?", "¿Segunda pregunta?"]'
        ),
        "rules/es/notes/core.toml: note 'disclaimer': 'ask' has 2 texts; the English has 1",
    ),
    (
        "a number for a text",
        lambda root: edit(root, "es/tests.toml", 'name = "Mamografía"', "name = 42"),
        "rules/es/tests.toml: test 'mammogram': 'name' must be a text",
    ),
    (
        "a number in an ask list",
        lambda root: edit(root, "es/notes/core.toml", DISCLAIMER_ASK, "ask = [1]"),
        "rules/es/notes/core.toml: note 'disclaimer': 'ask' must be a list of texts",
    ),
    (
        "an entry in the wrong file",
        lambda root: move_entry(
            root, "[note.radiation-children]", "es/notes/children.toml", "es/notes/core.toml"
        ),
        "rules/es/notes/core.toml: note 'radiation-children': translates rules/notes/children.toml, "
        "so it belongs in rules/es/notes/children.toml",
    ),
    (
        "a Spanish file with no English file",
        lambda root: append(root, "es/notes/site_moon.toml", '[note.disclaimer]\ntext = "Un texto."'),
        "rules/es/notes/site_moon.toml: (file): translates rules/notes/site_moon.toml, which does not exist",
    ),
    (
        "not TOML",
        lambda root: edit(root, "es/tests.toml", 'name = "Mamografía"', 'name = "Mamografía'),
        "rules/es/tests.toml: (file): is not valid TOML",
    ),
    (
        "a review date in the future",
        lambda root: edit(
            root,
            "es/notes/core.toml",
            DISCLAIMER_ASK + '\nreviewed = "2026-12-02"',
            DISCLAIMER_ASK + '\nreviewed = "2999-01-01"',
        ),
        "rules/es/notes/core.toml: note 'disclaimer': 'reviewed' is 2999-01-01, a date in the future",
    ),
]


@pytest.mark.parametrize(("case", "change", "expected"), BROKEN, ids=[case for case, _, _ in BROKEN])
def test_broken_spanish_data_is_refused_naming_file_id_and_reason(rules_copy, case, change, expected):
    change(rules_copy)
    with pytest.raises(RulebookError) as caught:
        load(rules_copy)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    assert expected in str(caught.value)


def test_every_problem_in_the_spanish_files_is_listed_at_once(rules_copy):
    for _, change, _ in BROKEN[:3]:
        change(rules_copy)
    with pytest.raises(RulebookError) as caught:
        load(rules_copy)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 3, problems
    for _, _, expected in BROKEN[:3]:
        assert any(p.startswith(expected) for p in problems), (expected, problems)
    # The English alone still loads: only the translation is at fault.
    assert load(rules_copy, languages=()).translations == {}


# --- A missing Spanish text: shown in English, and reported


def test_a_missing_spanish_text_falls_back_to_english_and_is_reported(rules_copy, rulebook):
    edit(rules_copy, "es/tests.toml", 'summary = "Una radiografía (rayos X) de la mama."\n', "")
    assert "ask = [" in cut_entry(rules_copy, "[note.radiation-children]", "es/notes/children.toml")
    book = load(rules_copy)
    spanish = book.in_language("es")
    assert spanish.tests["mammogram"].summary == rulebook.tests["mammogram"].summary
    assert spanish.tests["mammogram"].name == "Mamografía"  # the rest of the entry is still Spanish
    assert spanish.notes["radiation-children"].text == rulebook.notes["radiation-children"].text
    assert spanish.notes["radiation-children"].provenance == rulebook.notes["radiation-children"].provenance
    assert spanish.untranslated == (
        Untranslated("rules/es/tests.toml", "test 'mammogram'", "summary"),
        Untranslated("rules/es/notes/children.toml", "note 'radiation-children'", "text"),
        Untranslated("rules/es/notes/children.toml", "note 'radiation-children'", "ask"),
    )
    report = verify(book)
    assert report.of_kind("translation") == (
        Problem("translation", "rules/es/tests.toml", "test 'mammogram'", "summary has no translation yet"),
        Problem(
            "translation",
            "rules/es/notes/children.toml",
            "note 'radiation-children'",
            "text has no translation yet",
        ),
        Problem(
            "translation",
            "rules/es/notes/children.toml",
            "note 'radiation-children'",
            "ask has no translation yet",
        ),
    )
    assert not report.ok


# --- verify: directives, review dates, reading ease


def test_verify_catches_spanish_directives_a_missing_review_date_and_hard_reading(rules_copy):
    # One copy, one walk: each break is in its own entry, so each problem must name exactly it.
    edit(
        rules_copy,
        "es/notes/core.toml",
        'text = "Esta guía es solo para aprender.',
        'text = "Esta guía es solo para aprender. Usted debe hablar con su médico.',
    )
    edit(
        rules_copy,
        "es/notes/core.toml",
        'text = "Los estudios por imágenes no pueden ver',
        'text = "Usted tiene que saber esto. Los estudios por imágenes no pueden ver',
    )
    edit(
        rules_copy,
        "es/tests.toml",
        'summary = "Una radiografía (rayos X) de la mama."',
        'summary = "Una radiografía (rayos X) de la mama. Le recomendamos una cada año."',
    )
    edit(
        rules_copy,
        "es/notes/core.toml",
        '"¿Qué estudios se usarán para comparar más adelante?",\n]\nreviewed = "2026-12-02"\n',
        '"¿Qué estudios se usarán para comparar más adelante?",\n]\n',
    )
    edit(
        rules_copy,
        "es/tests.toml",
        'limits = "No reemplaza a la mamografía.',
        f'limits = "{HARD_SPANISH} No reemplaza a la mamografía.',
    )
    book = load(rules_copy)
    spanish = book.in_language("es")
    assert spanish.notes["baseline-general"].provenance.reviewed is None
    assert book.notes["baseline-general"].provenance.reviewed is not None  # English dates do not stand in
    report = verify(book, eases=EASE)
    core, tests = "rules/es/notes/core.toml", "rules/es/tests.toml"
    assert {(p.kind, p.file, p.where, p.message) for p in report.problems if p.kind != "reading level"} == {
        ("directive", core, "note 'disclaimer'", "text says 'Usted debe': describe, do not direct"),
        ("directive", core, "note 'limits-general'", "text says 'tiene que': describe, do not direct"),
        ("directive", tests, "test 'mammogram'", "summary says 'Le recomendamos': describe, do not direct"),
        ("review date", core, "note 'baseline-general'", "has no review date ('reviewed')"),
    }
    (hard,) = report.of_kind("reading level")
    assert (hard.file, hard.where) == (tests, "test 'breast_mri'")
    assert hard.message.startswith("limits scores ") and "Fernández-Huerta (bar 60)" in hard.message
    (language,) = report.languages
    assert language.eases[0].text.where == "test 'breast_mri'" and language.eases[0].score < 60
    # Without a formula for Spanish, reading ease is not checked: the other problems stay.
    assert not check_language(spanish).eases
    assert {p[0] for p in check_language(spanish).problems} == {"directive", "review date"}


def test_the_real_spanish_texts_pass_every_check_including_reading_ease(rulebook):
    report = verify(rulebook, eases=EASE)
    assert [str(p) for p in report.problems] == []
    (spanish,) = report.languages
    assert spanish.language == "es"
    assert spanish.translated == spanish.texts > 1000
    assert spanish.eases[0].score >= 60
    assert spanish.median_ease >= 70


# --- The rules version


def test_the_rules_version_covers_the_spanish_files(rules_copy):
    before = load(rules_copy)
    english_only = load(rules_copy, languages=())
    assert english_only.version != before.version  # the Spanish files are part of the version
    edit(rules_copy, "es/tests.toml", 'name = "Mamografía"', 'name = "Mamografía (mamograma)"')
    after = load(rules_copy)
    assert after.version != before.version
    assert after.in_language("es").version == after.version
    assert after.in_language("es").tests["mammogram"].name == "Mamografía (mamograma)"
    assert load(rules_copy, languages=()).version == english_only.version  # English unchanged
