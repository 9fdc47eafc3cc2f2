"""Conversion between answer values and their database rows."""

from decimal import Decimal
from typing import Any

from app.models import Answer
from questionnaires import Question, Questionnaire, QuestionType
from scoring.answers import AnswerValue, Special


def encode(question: Question, value: AnswerValue) -> tuple[Any, str | None]:
    """Return the (value, special) pair stored for an answer."""
    if isinstance(value, Special):
        return None, value.value
    if question.type is QuestionType.DECIMAL:
        return str(value), None
    return value, None


def decode(question: Question, row: Answer) -> AnswerValue | None:
    """Return the answer value of a row, or None when it holds no answer."""
    if row.special:
        return Special(row.special)
    if row.value is None:
        return None
    if question.type is QuestionType.DECIMAL:
        return Decimal(row.value)
    return row.value


def answers_by_question(
    questionnaire: Questionnaire, rows: list[Answer]
) -> dict[str, AnswerValue]:
    """Return the stored answers of the questions this questionnaire still has."""
    known = {question.id for question in questionnaire.questions()}
    answers = {}
    for row in rows:
        if row.question_id in known:
            value = decode(questionnaire.question(row.question_id), row)
            if value is not None:
                answers[row.question_id] = value
    return answers


def comments_by_question(rows: list[Answer]) -> dict[str, str]:
    return {row.question_id: row.comment for row in rows if row.comment}
