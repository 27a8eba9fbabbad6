"""The rule engine: load the rule table, evaluate answers, verify the whole table.

Pure by design: standard library only, no Flask and no I/O beyond reading the rule files.
"""

from .answers import asked_answers, parse_answers, questions_asked
from .evaluate import evaluate
from .export import answers_to_dict, question_to_dict, result_to_dict, test_to_dict
from .load import FACTORS_QUESTION, LoadProblem, RulebookError, load
from .model import LEVELS, TOPICS, Result, Rulebook
from .verify import Problem, Report, describe_answers, verify

__all__ = [
    "FACTORS_QUESTION",
    "LEVELS",
    "TOPICS",
    "LoadProblem",
    "Problem",
    "Report",
    "Result",
    "Rulebook",
    "RulebookError",
    "answers_to_dict",
    "asked_answers",
    "describe_answers",
    "evaluate",
    "load",
    "parse_answers",
    "question_to_dict",
    "questions_asked",
    "result_to_dict",
    "test_to_dict",
    "verify",
]
