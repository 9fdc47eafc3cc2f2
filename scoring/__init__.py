"""Scoring of self-diagnosis answers: plain Python with no Flask import.

    from questionnaires import load_questionnaire
    from scoring import score_diagnostic, parse_answers

    questionnaire = load_questionnaire("questionnaires/guide-bonnes-pratiques.yaml")
    answers, errors = parse_answers(questionnaire, {"gouv_regles_ecrites": "ecrites"})
    result = score_diagnostic(questionnaire, answers)
    result.score, result.level, result.themes[0].score

Every score is exact until one final rounding (see ``scoring.rounding``).
"""

from scoring.answers import AnswerValue, InvalidAnswer, Special, validate_answer
from scoring.engine import score_diagnostic
from scoring.report import parse_answers, result_to_dict
from scoring.results import DiagnosticResult, IndicatorResult, Reason, ThemeResult
from scoring.visibility import visible_question_ids

__all__ = [
    "AnswerValue",
    "DiagnosticResult",
    "IndicatorResult",
    "InvalidAnswer",
    "Reason",
    "Special",
    "ThemeResult",
    "parse_answers",
    "result_to_dict",
    "score_diagnostic",
    "validate_answer",
    "visible_question_ids",
]
