"""Handling of a submitted wizard step: read, decide what is asked, save."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.diagnostics.progress import has_answer
from app.diagnostics.services import save_step
from app.models import Diagnostic, User
from app.wizard.forms import (
    StepForm,
    comment_name,
    read_answers,
    read_comments,
    special_name,
)
from questionnaires import Questionnaire, Theme
from questionnaires.schema import AllOf, AnyOf, Comparison, Condition, NotOf
from scoring.answers import AnswerValue, Special
from scoring.visibility import visible_question_ids


@dataclass
class StepOutcome:
    answers: dict[str, AnswerValue]
    visible: set[str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    newly_shown: list[str] = field(default_factory=list)


def process_step(
    diagnostic: Diagnostic,
    questionnaire: Questionnaire,
    theme: Theme,
    form: StepForm,
    stored: dict[str, AnswerValue],
    user: User,
    sent_names: set[str],
) -> StepOutcome:
    """Save every valid answer of an asked question and report the rest.

    ``sent_names`` are the names of the fields the request contains.
    The server decides which questions are asked from the stored answers and
    the submitted ones, so the wizard works the same without JavaScript.
    """
    # A hidden question's fields are disabled, so the browser sends nothing for
    # it and its stored answer must stay as it is. Unticked boxes send nothing
    # either, so the page's list of shown questions tells them apart.
    shown = set((form.shown.data or "").split())
    on_page = [
        question
        for question in theme.questions
        if question.id in shown or _field_names(question) & sent_names
    ]
    values, errors = read_answers(form, on_page)
    answers = dict(stored)
    for question_id, value in values.items():
        if value is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = value
    visible = visible_question_ids(questionnaire, answers)

    asked = [q.id for q in theme.questions if q.id in visible]
    comments, comment_errors = read_comments(form, on_page)
    save_step(
        diagnostic,
        questionnaire,
        values={qid: values[qid] for qid in asked if qid in values},
        comments={qid: comments[qid] for qid in asked if qid in comments},
        user=user,
    )

    newly_shown = [
        qid for qid in asked if qid not in shown and not has_answer(answers.get(qid))
    ]
    for question_id in errors:
        answers.pop(question_id, None)
    for question_id, messages in comment_errors.items():
        errors.setdefault(question_id, []).extend(messages)
    return StepOutcome(answers, visible, errors, newly_shown)


def _field_names(question) -> set[str]:
    return {question.id, special_name(question), comment_name(question)}


def referenced_ids(condition: Condition) -> set[str]:
    """Return the ids of the questions a condition reads."""
    if isinstance(condition, AllOf | AnyOf):
        parts = condition.all if isinstance(condition, AllOf) else condition.any
        return set().union(*(referenced_ids(part) for part in parts))
    if isinstance(condition, NotOf):
        return referenced_ids(condition.not_)
    assert isinstance(condition, Comparison)
    return {condition.question}


def outside_values(
    theme: Theme, answers: dict[str, AnswerValue], visible: set[str]
) -> dict[str, Any]:
    """Return, as JSON data, the answers from other steps that conditions read.

    The page script needs them to show or hide questions as a person answers.
    """
    own = {question.id for question in theme.questions}
    needed = set()
    for question in theme.questions:
        if question.condition is not None:
            needed |= referenced_ids(question.condition) - own
    return {
        qid: _json_value(answers.get(qid) if qid in visible else None) for qid in needed
    }


def _json_value(value: AnswerValue | None) -> Any:
    if value is None or isinstance(value, Special):
        return None
    if isinstance(value, Decimal):
        return str(value)
    return value
