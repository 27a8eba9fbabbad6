"""FHIR R4 shapes of the questionnaire and of answers: pure functions over a loaded rulebook.

No Flask here: each function takes the rulebook (and the canonical base URL the caller chose) and
returns plain dicts ready to send as `application/fhir+json`.
"""

from .outcome import Problem, operation_outcome
from .questionnaire import (
    QUESTIONNAIRE_ID,
    build_questionnaire,
    code_system,
    code_system_url,
    questionnaire_url,
)
from .response import answers_from_response, response_from_answers

__all__ = [
    "QUESTIONNAIRE_ID",
    "Problem",
    "answers_from_response",
    "build_questionnaire",
    "code_system",
    "code_system_url",
    "operation_outcome",
    "questionnaire_url",
    "response_from_answers",
]
