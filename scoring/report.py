"""Conversion of scoring results to JSON-ready data, and of JSON answers back."""

from decimal import Decimal
from typing import Any

from questionnaires.schema import Level, Questionnaire
from scoring.answers import AnswerValue, InvalidAnswer, validate_answer
from scoring.results import DiagnosticResult, Reason, ThemeResult


def parse_answers(
    questionnaire: Questionnaire, raw: dict[str, Any]
) -> tuple[dict[str, AnswerValue], list[InvalidAnswer]]:
    """Validate ``{question_id: value}`` data, returning the answers and the errors.

    Decimal answers should be parsed with ``json.loads(..., parse_float=Decimal)``
    so that 0.1 stays exactly 0.1.
    """
    answers: dict[str, AnswerValue] = {}
    errors: list[InvalidAnswer] = []
    for question_id, value in raw.items():
        if question_id not in {q.id for q in questionnaire.questions()}:
            errors.append(InvalidAnswer(question_id, "unknown question id"))
            continue
        if value is None:
            continue
        try:
            answers[question_id] = validate_answer(
                questionnaire.question(question_id), value
            )
        except InvalidAnswer as error:
            errors.append(error)
    return answers, errors


def result_to_dict(result: DiagnosticResult) -> dict[str, Any]:
    """Return the result as data that ``json.dumps`` accepts."""
    data: dict[str, Any] = {
        "questionnaire": {
            "id": result.questionnaire_id,
            "version": result.questionnaire_version,
        },
        "score": _number(result.score),
        "level": _level(result.level),
        "no_level_reason": _reason(result.no_level_reason),
        "themes": [_theme(theme) for theme in result.themes],
        "indicators": [
            {
                "id": indicator.indicator_id,
                "theme": indicator.theme_id,
                "label": indicator.label,
                "value": _number(indicator.value),
                "unit": indicator.unit,
                "not_computable_reason": _reason(indicator.reason),
            }
            for indicator in result.indicators
        ],
        "eligibility": None,
    }
    if result.eligibility is not None:
        data["eligibility"] = {
            "is_eligible": result.eligibility.is_eligible,
            "reasons": [_reason(r) for r in result.eligibility.reasons],
        }
    return data


def _theme(theme: ThemeResult) -> dict[str, Any]:
    return {
        "id": theme.theme_id,
        "title": theme.title,
        "weight": _number(theme.weight),
        "score": _number(theme.score),
        "level": _level(theme.level),
        "no_level_reason": _reason(theme.no_level_reason),
        "counts": vars(theme.counts),
        "recommendations": [
            r.model_dump(exclude_none=True) for r in theme.recommendations
        ],
        "answer_recommendations": [
            {
                "question": item.question_id,
                "choice": item.choice_id,
                **item.recommendation.model_dump(exclude_none=True),
            }
            for item in theme.answer_recommendations
        ],
    }


def _number(value: Decimal | None) -> float | None:
    # Values are already rounded, and a float keeps their shortest digits.
    return None if value is None else float(value)


def _level(level: Level | None) -> dict[str, str] | None:
    return None if level is None else {"id": level.id, "name": level.name}


def _reason(reason: Reason | None) -> dict[str, Any] | None:
    if reason is None:
        return None
    return {"code": reason.code, "message": reason.message, **reason.params}
