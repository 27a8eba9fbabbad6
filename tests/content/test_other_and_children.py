"""Site "other" (or left blank) and the note for children, run against the real rule table.

"Other" covers every part of the body the guide does not list, so its texts say plainly that the
guide is general there, and point to the Imaging tests page. Notes are plain text (no links), so
they name the page rather than link to it; every page links to it in the site menu.

Sources, as cited in the rules and notes:
  ACS early detection   cancer.org ... american-cancer-society-guidelines-for-the-early-detection-of-cancer
  ACS 2018 colorectal   doi.org/10.3322/caac.21457 (CT colonography every 5 years is one option)
  ACS liver             cancer.org ... liver-cancer/detection-diagnosis-staging/detection
  AASLD 2023            doi.org/10.1097/HEP.0000000000000466 (ultrasound and AFP every 6 months for
                        cirrhosis and some people with chronic hepatitis B)
  Image Gently          imagegently.org/Procedures/Computed-Tomography and /Procedures/MRI
  FDA                   fda.gov ... medical-imaging/pediatric-x-ray-imaging
"""

from __future__ import annotations

import pytest

from webapp.rulebook import questions_asked

from .outcome import C, outcome

SITUATIONS = ["screening", "symptoms", "biopsy", "staging", "treatment", "follow_up"]
GENERAL = "general for this part of the body"
LIBRARY = "Imaging tests page"
CHILD_NOTE = "radiation-children"


def sites(rulebook) -> list[str]:
    """Every site the questionnaire offers today, so new sites are covered as they arrive."""
    (site,) = [q for q in rulebook.questions if q.id == "site"]
    return [option.value for option in site.options]


def notes_with(result, words: str) -> list:
    return [n for n in result.notes if words in n.text]


# -- other or not sure --------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["other", None])
@pytest.mark.parametrize("situation", SITUATIONS)
def test_other_says_the_guide_is_general_and_names_the_test_library(rulebook, situation, site):
    result, found, _notes = outcome(rulebook, situation, site=site, age=50)
    assert found, "a result for another part of the body still lists tests"
    (note,) = notes_with(result, GENERAL)
    assert LIBRARY in note.text
    assert note.provenance.sources and note.provenance.reviewed


@pytest.mark.parametrize("situation", SITUATIONS)
def test_a_blank_site_gets_the_same_result_as_other(rulebook, situation):
    blank, blank_levels, blank_notes = outcome(rulebook, situation, age=50)
    _other, other_levels, other_notes = outcome(rulebook, situation, site="other", age=50)
    assert (blank_levels, blank_notes) == (other_levels, other_notes)
    assert blank.answers["site"] == "other"


@pytest.mark.parametrize("situation", SITUATIONS)
def test_a_named_site_does_not_get_the_general_other_text(rulebook, situation):
    result, _found, _notes = outcome(rulebook, situation, site="breast", age=50)
    assert not notes_with(result, GENERAL)


def test_other_screening_names_where_imaging_is_the_screening_test(rulebook):
    # The old text said most cancers had no screening test; liver ultrasound every 6 months in
    # cirrhosis or chronic hepatitis B (AASLD 2023) showed that was too broad.
    result, found, _notes = outcome(rulebook, "screening", site="other", age=50)
    (note,) = [n for n in result.notes if n.topic == "no_imaging_screening"]
    for words in ("mammogram", "low-dose CT", "CT colonography", "cirrhosis", "hepatitis B", "6 months"):
        assert words in note.text, words
    assert "no routine screening test" not in note.text
    assert "Whole-body" in note.text
    assert C not in found.values(), "no test is a usual screening test for an unnamed part of the body"


@pytest.mark.parametrize("reason", [None, "routine", "possible_return"])
def test_other_follow_up_keeps_pet_ct_out_of_routine_checks(rulebook, reason):
    # ASCO Choosing Wisely: no PET or PET/CT to watch for a return in people with no symptoms.
    result, found, _notes = outcome(rulebook, "follow_up", site="other", age=50, follow_up_reason=reason)
    (note,) = notes_with(result, GENERAL)
    assert "PET/CT scans are not a usual part of check-ups" in note.text
    assert found["pet_ct"] == ("sometimes_used" if reason == "possible_return" else "not_usually_used")


# -- children and teenagers ---------------------------------------------------------------------


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("age", [0, 9, 17])
def test_every_result_for_a_child_carries_the_child_dose_note(rulebook, situation, age):
    for site in sites(rulebook):
        result, _found, notes = outcome(rulebook, situation, site=site, age=age)
        assert CHILD_NOTE in notes, site
        (note,) = [n for n in result.notes if n.id == CHILD_NOTE]
        assert note.topic == "radiation"


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("age", [18, 50, None])
def test_adults_and_people_who_leave_age_blank_get_no_child_note(rulebook, situation, age):
    for site in sites(rulebook):
        _result, _found, notes = outcome(rulebook, situation, site=site, age=age)
        assert CHILD_NOTE not in notes, (site, age)


def test_the_child_note_says_what_changes_and_what_to_ask(rulebook):
    result, _found, _notes = outcome(rulebook, "symptoms", site="other", age=9)
    (note,) = [n for n in result.notes if n.id == CHILD_NOTE]
    assert "child's body size" in note.text
    assert "ultrasound or MRI" in note.text
    assert "no radiation" in note.text
    assert "Is the dose adjusted for my child's size?" in note.ask
    assert any("imagegently.org" in source for source in note.provenance.sources)


def test_the_child_note_shows_once_even_where_a_site_has_its_own_child_rule(rulebook):
    # Lymphoma symptoms have their own rule for children (ultrasound first for a neck lump).
    result, found, _notes = outcome(rulebook, "symptoms", site="lymphoma", age=9)
    assert [n.id for n in result.notes].count(CHILD_NOTE) == 1
    assert found["ultrasound"] == C


@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_questionnaire_asks_age_for_every_site(rulebook, situation):
    for site in [*sites(rulebook), None]:
        answers = {"situation": situation} | ({"site": site} if site else {})
        assert "age" in [q.id for q in questions_asked(rulebook, answers)], site


def test_the_api_shows_the_child_note_to_a_child_only(app):
    client = app.test_client()

    def note_ids(age):
        answers = {"situation": "staging", "site": "other", "factors": []}
        if age is not None:
            answers["age"] = age
        response = client.post("/api/v1/evaluate", json={"answers": answers})
        assert response.status_code == 200
        return {note["id"] for note in response.get_json()["notes"]}

    assert CHILD_NOTE in note_ids(12)
    assert CHILD_NOTE not in note_ids(40)
    assert CHILD_NOTE not in note_ids(None)
