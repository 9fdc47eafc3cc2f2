"""How far a diagnostic has gone: answered share and where to resume."""

from dataclasses import dataclass

from questionnaires import Question, Questionnaire, Theme
from scoring.answers import Answers, AnswerValue
from scoring.visibility import visible_question_ids


@dataclass(frozen=True)
class Progress:
    asked: int
    answered: int

    @property
    def percent(self) -> int:
        """Return the answered share as a whole percentage, rounded down."""
        return 100 * self.answered // self.asked if self.asked else 0


def has_answer(value: AnswerValue | None) -> bool:
    """Return True for any answer, special ones included."""
    return value not in (None, "", [])


def measure_progress(questionnaire: Questionnaire, answers: Answers) -> Progress:
    """Count asked questions and those with an answer, special ones included."""
    visible = visible_question_ids(questionnaire, answers)
    asked = [q for q in questionnaire.questions() if q.id in visible]
    answered = sum(has_answer(answers.get(question.id)) for question in asked)
    return Progress(asked=len(asked), answered=answered)


def first_open_theme(questionnaire: Questionnaire, answers: Answers) -> Theme | None:
    """Return the first theme with an asked question left unanswered."""
    visible = visible_question_ids(questionnaire, answers)
    for theme in questionnaire.themes:
        for question in theme.questions:
            if question.id in visible and not has_answer(answers.get(question.id)):
                return theme
    return None


def missing_required(
    questionnaire: Questionnaire, answers: Answers
) -> list[tuple[Theme, Question]]:
    """Return the asked required questions that have no answer at all."""
    visible = visible_question_ids(questionnaire, answers)
    return [
        (theme, question)
        for theme in questionnaire.themes
        for question in theme.questions
        if question.required
        and question.id in visible
        and not has_answer(answers.get(question.id))
    ]
