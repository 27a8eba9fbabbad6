"""Plain dict shapes of results, questions and tests, as CONTRACT.md publishes them."""

from __future__ import annotations

from typing import Any

from .model import Answers, Caution, ImagingTest, Note, Question, Result, Rulebook, When


def answers_to_dict(rulebook: Rulebook, answers: Answers) -> dict[str, Any]:
    """Answers as JSON values, in question order; sets become lists in option order."""
    out: dict[str, Any] = {}
    for q in rulebook.questions:
        if q.id in answers:
            value = answers[q.id]
            out[q.id] = [v for v in q.values if v in value] if isinstance(value, frozenset) else value
    return out


def caution_to_dict(caution: Caution) -> dict[str, Any]:
    """A caution with the safety factor it belongs to."""
    return {"factor": caution.factor, "topic": caution.topic, "text": caution.text}


def note_to_dict(note: Note) -> dict[str, Any]:
    """A note as the API shows it."""
    return {
        "id": note.id,
        "topic": note.topic,
        "text": note.text,
        "ask": list(note.ask),
        "sources": list(note.provenance.sources),
        "reviewed": note.provenance.reviewed.isoformat() if note.provenance.reviewed else None,
    }


def result_to_dict(rulebook: Rulebook, result: Result) -> dict[str, Any]:
    """A result in the shape of `POST /api/v1/evaluate`."""
    return {
        "rules_version": result.rules_version,
        "answers": answers_to_dict(rulebook, result.answers),
        # Answers given to questions that were not asked, so a dropped answer is never a surprise.
        "ignored": list(result.ignored),
        "tests": [
            {
                "id": t.id,
                "name": t.test.name,
                "level": t.level,
                "why": t.why,
                # Without the safety factors; null when only a factor brought the test in.
                "usual_level": t.usual_level,
                "usual_why": t.usual_why,
                "changed_by": list(t.changed_by),
                "rules": list(t.rules),
                "cautions": [caution_to_dict(c) for c in t.cautions],
            }
            for t in result.tests
        ],
        "notes": [note_to_dict(n) for n in result.notes],
    }


def when_to_dict(when: When) -> dict[str, Any]:
    """A condition group as data."""
    out: dict[str, Any] = {}
    for name, conditions in (("all", when.all), ("any", when.any)):
        if conditions:
            out[name] = [
                {"question": c.question, "op": c.op}
                | (
                    {"value": list(c.value) if isinstance(c.value, tuple) else c.value}
                    if c.value is not None
                    else {}
                )
                for c in conditions
            ]
    return out


def question_to_dict(question: Question) -> dict[str, Any]:
    """A question with its options or bounds and the condition for asking it."""
    out: dict[str, Any] = {
        "id": question.id,
        "kind": question.kind,
        "label": question.label,
        "hint": question.hint,
        "required": question.required,
        "show_when": when_to_dict(question.show_when),
    }
    if question.kind == "number":
        out |= {"min": question.min, "max": question.max, "unit": question.unit}
    else:
        out["options"] = [
            {"value": o.value, "label": o.label, "hint": o.hint}
            | ({"hints": dict(o.hints)} if o.hints else {})
            for o in question.options
        ]
    if question.default:
        out["default"] = question.default
    if question.hint_by:
        out["hint_by"] = question.hint_by
    return out


def test_to_dict(test: ImagingTest) -> dict[str, Any]:
    """A catalogue entry with every structured field."""
    return {
        "id": test.id,
        "name": test.name,
        "also_called": test.also_called,
        "summary": test.summary,
        "uses": list(test.uses),
        "radiation": {
            "band": test.radiation.band,
            "typical": test.radiation.typical,
            "background": test.radiation.background,
        },
        "contrast": {"use": test.contrast.use, "how": test.contrast.how},
        "time": test.time,
        "experience": test.experience,
        "prepare": test.prepare,
        "shows_well": test.shows_well,
        "limits": test.limits,
        "cautions": [caution_to_dict(c) for c in test.cautions.values()],
        "ask": list(test.ask),
        "sources": list(test.provenance.sources),
        "reviewed": test.provenance.reviewed.isoformat() if test.provenance.reviewed else None,
    }
