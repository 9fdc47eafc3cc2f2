"""Answers written out for people, as the wizard and its messages show them."""

from flask_babel import gettext as _

from app.formatting import format_plain_number
from app.wizard.fields import SPECIAL_LABELS
from questionnaires import Question, QuestionType
from scoring.answers import AnswerValue, Special


def answer_text(question: Question, value: AnswerValue | None) -> str:
    """Return an answer as the person chose it: labels, Oui/Non, French numbers."""
    if value is None or value == "" or value == []:
        return _("sans réponse")
    if isinstance(value, Special):
        return str(SPECIAL_LABELS[value])
    if question.type is QuestionType.YES_NO:
        return _("Oui") if value else _("Non")
    if question.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        selected = value if isinstance(value, list) else [value]
        labels = [question.choice(c).label for c in selected if question.choice(c)]
        return " ; ".join(labels)
    if question.type in (QuestionType.INTEGER, QuestionType.DECIMAL):
        text = format_plain_number(value)  # type: ignore[arg-type]
        return f"{text} {question.unit}" if question.unit else text
    return str(value)
