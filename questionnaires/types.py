"""Registry of question types: what each type stores and whether it is scored."""

from dataclasses import dataclass
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    YES_NO = "yes_no"
    INTEGER = "integer"
    DECIMAL = "decimal"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"


@dataclass(frozen=True)
class TypeTraits:
    """What a question type stores and how scoring and formulas may use it."""

    is_scored: bool
    is_numeric: bool
    has_choices: bool


TYPE_TRAITS: dict[QuestionType, TypeTraits] = {
    QuestionType.SINGLE_CHOICE: TypeTraits(True, False, True),
    QuestionType.MULTIPLE_CHOICE: TypeTraits(True, False, True),
    QuestionType.SCALE: TypeTraits(True, True, False),
    QuestionType.YES_NO: TypeTraits(True, False, False),
    QuestionType.INTEGER: TypeTraits(False, True, False),
    QuestionType.DECIMAL: TypeTraits(False, True, False),
    QuestionType.SHORT_TEXT: TypeTraits(False, False, False),
    QuestionType.LONG_TEXT: TypeTraits(False, False, False),
}


def traits(question_type: QuestionType) -> TypeTraits:
    """Return the traits of a question type."""
    return TYPE_TRAITS[question_type]
