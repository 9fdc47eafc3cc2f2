"""Answer values and their validation against a question's definition."""

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

from questionnaires.schema import Question
from questionnaires.types import QuestionType

DEFAULT_MAX_LENGTH = {QuestionType.SHORT_TEXT: 200, QuestionType.LONG_TEXT: 5000}


class Special(StrEnum):
    """Answers that are stored as such and never count as zero."""

    NOT_APPLICABLE = "not_applicable"
    DONT_KNOW = "dont_know"


AnswerValue = str | bool | int | Decimal | list[str] | Special
Answers = Mapping[str, AnswerValue]


class InvalidAnswer(ValueError):
    """An answer value that does not fit its question."""

    def __init__(self, question_id: str, message: str) -> None:
        super().__init__(f"{question_id}: {message}")
        self.question_id = question_id
        self.message = message


def max_length(question: Question) -> int | None:
    """Return the maximum length of a text answer, or None for other types."""
    return question.max_length or DEFAULT_MAX_LENGTH.get(question.type)


def validate_answer(question: Question, value: Any) -> AnswerValue:
    """Return the value in its stored form, or raise InvalidAnswer saying why."""
    special = _special(question, value)
    if special is not None:
        return special

    validator = VALIDATORS[question.type]
    try:
        return validator(question, value)
    except (TypeError, ValueError) as error:
        raise InvalidAnswer(question.id, str(error)) from None


def _special(question: Question, value: Any) -> Special | None:
    if not isinstance(value, str) or value not in Special.__members__.values():
        return None
    special = Special(value)
    allowed = (
        question.allow_not_applicable
        if special is Special.NOT_APPLICABLE
        else question.allow_dont_know
    )
    if not allowed or question.choice(value) is not None:
        raise InvalidAnswer(question.id, f"'{value}' is not allowed for this question")
    return special


def _single_choice(question: Question, value: Any) -> str:
    if not isinstance(value, str) or question.choice(value) is None:
        raise ValueError(f"{value!r} is not one of the choices {_choice_ids(question)}")
    return value


def _multiple_choice(question: Question, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("a list of choice ids is expected")
    for choice_id in value:
        _single_choice(question, choice_id)
    if len(set(value)) != len(value):
        raise ValueError("a choice is selected twice")

    exclusive = [c for c in value if question.choice(c).exclusive]  # type: ignore[union-attr]
    if exclusive and len(value) > 1:
        raise ValueError(f"'{exclusive[0]}' cannot be combined with other choices")
    order = _choice_ids(question)
    return sorted(value, key=order.index)


def _yes_no(question: Question, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false is expected")
    return value


def _integer(question: Question, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        raise ValueError("a whole number is expected")
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value} is not a finite number")
    if number != number.to_integral_value():
        raise ValueError(f"{value} is not a whole number")
    _check_bounds(question, number)
    return int(number)


def _decimal(question: Question, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        raise ValueError("a number is expected")
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value} is not a finite number")
    _check_bounds(question, number)
    return number


def _text(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("text is expected")
    text = value.strip()
    limit = max_length(question)
    if limit is not None and len(text) > limit:
        raise ValueError(f"text is {len(text)} characters long, the maximum is {limit}")
    return text


def _check_bounds(question: Question, number: Decimal) -> None:
    if question.min is not None and number < question.min:
        raise ValueError(f"{number} is below the minimum {question.min}")
    if question.max is not None and number > question.max:
        raise ValueError(f"{number} is above the maximum {question.max}")


def _choice_ids(question: Question) -> list[str]:
    return [choice.id for choice in question.choices or ()]


VALIDATORS = {
    QuestionType.SINGLE_CHOICE: _single_choice,
    QuestionType.MULTIPLE_CHOICE: _multiple_choice,
    QuestionType.SCALE: _integer,
    QuestionType.YES_NO: _yes_no,
    QuestionType.INTEGER: _integer,
    QuestionType.DECIMAL: _decimal,
    QuestionType.SHORT_TEXT: _text,
    QuestionType.LONG_TEXT: _text,
}


def is_answered(value: AnswerValue | None) -> bool:
    """Return True for a real answer, False for none or a special answer."""
    if value is None or isinstance(value, Special):
        return False
    return value != "" and value != []
