"""FHIR OperationOutcome: what was wrong with a resource, one issue per problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The R4 issue types this API uses (http://hl7.org/fhir/issue-type).
ISSUE_CODES = (
    "invalid",
    "structure",
    "required",
    "value",
    "code-invalid",
    "not-supported",
    "not-found",
    "too-long",
    "throttled",
    "duplicate",
    "processing",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong: an R4 issue type, a plain message, where (FHIRPath) if known, and its HTTP status.

    400 when the resource cannot be read as a QuestionnaireResponse at all; 422 when it can, but its
    answers do not fit our questionnaire (FHIR's own use of the two codes).
    """

    code: str
    message: str
    expression: str | None = None
    status: int = 422


def operation_outcome(problems: Iterable[Problem]) -> dict[str, Any]:
    """An OperationOutcome with one error issue per problem."""
    issues = []
    for problem in problems:
        issue: dict[str, Any] = {"severity": "error", "code": problem.code, "diagnostics": problem.message}
        if problem.expression:
            issue["expression"] = [problem.expression]
        issues.append(issue)
    return {"resourceType": "OperationOutcome", "issue": issues}


def status_of(problems: Iterable[Problem]) -> int:
    """The HTTP status for a list of problems: the first one's kind decides (400 before 422)."""
    statuses = [problem.status for problem in problems]
    return min(statuses) if statuses else 400
