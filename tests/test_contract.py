"""Every public id of CONTRACT.md is in the rules, so links and programs keep working."""

from __future__ import annotations

from webapp.rulebook import LEVELS, TOPICS

from .contract import CONTRACT_QUESTIONS, CONTRACT_TESTS, CONTRACT_TOPICS
from .contract import LEVELS as CONTRACT_LEVELS


def test_every_contract_question_and_option_exists(rulebook):
    for question_id, values in CONTRACT_QUESTIONS.items():
        question = rulebook.question(question_id)
        assert question is not None, question_id
        if values is None:
            assert question.kind == "number"
        else:
            assert set(question.values) >= values, question_id


def test_every_contract_test_note_topic_and_level_exists(rulebook):
    assert set(rulebook.tests) >= set(CONTRACT_TESTS)
    assert set(TOPICS) >= set(CONTRACT_TOPICS)
    assert tuple(LEVELS) == CONTRACT_LEVELS


def test_every_contract_topic_has_at_least_one_note(rulebook):
    assert {n.topic for n in rulebook.notes.values()} >= set(CONTRACT_TOPICS)


def test_the_number_questions_keep_their_ranges(rulebook):
    ranges = {q.id: (q.min, q.max) for q in rulebook.questions if q.kind == "number"}
    assert ranges == {"age": (0, 120), "pack_years": (0, 200), "years_since_quit": (0, 100)}
