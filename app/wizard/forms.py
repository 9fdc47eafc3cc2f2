"""Wizard step forms, generated from the questions of a theme."""

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import ValidationError

from app.formatting import format_plain_number
from app.text import clean_text
from app.wizard.fields import (
    SPECIAL_LABELS,
    CheckboxListField,
    allowed_specials,
    field_kind,
    special_choices,
)
from questionnaires import Question, QuestionType
from scoring.answers import AnswerValue, Special

MAX_COMMENT_LENGTH = 2000


class StepForm(FlaskForm):
    # Ids of the questions shown when the page was built, so that the server
    # can tell which questions a person has not seen yet.
    shown = HiddenField()
    # When the step's stored answers last changed as the page was built, so a
    # save based on older answers (another tab, another member) is caught.
    version = HiddenField()


def comment_name(question: Question) -> str:
    return f"comment-{question.id}"


def special_name(question: Question) -> str:
    return f"special-{question.id}"


def has_special_boxes(question: Question) -> bool:
    return (
        bool(allowed_specials(question))
        and not field_kind(question).has_inline_specials
    )


def build_step_form(questions: list[Question]) -> type[StepForm]:
    """Return a form class with a field, a comment and special boxes per question."""

    class Form(StepForm):
        pass

    for question in questions:
        setattr(Form, question.id, field_kind(question).build(question))
        setattr(
            Form,
            comment_name(question),
            TextAreaField(
                _l("Commentaire ou justificatif (facultatif)"),
                filters=[clean_text],
                render_kw={"maxlength": MAX_COMMENT_LENGTH, "rows": 2},
            ),
        )
        if has_special_boxes(question):
            setattr(
                Form,
                special_name(question),
                CheckboxListField(
                    choices=special_choices(question), validate_choice=False
                ),
            )
    return Form


def read_answers(
    form: StepForm, questions: list[Question]
) -> tuple[dict[str, AnswerValue | None], dict[str, list[str]]]:
    """Read typed answers from a submitted form; invalid ones go to the errors."""
    values: dict[str, AnswerValue | None] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        field = form[question.id]
        try:
            values[question.id] = _read_special(form, question) or field_kind(
                question
            ).read(question, field)
        except ValidationError as error:
            errors[question.id] = [str(error)]
            field.errors = list(field.errors) + [str(error)]
    return values, errors


def _read_special(form: StepForm, question: Question) -> Special | None:
    if not has_special_boxes(question):
        return None
    allowed = {special.value for special in allowed_specials(question)}
    ticked = [
        value for value in form[special_name(question)].data or [] if value in allowed
    ]
    if len(ticked) > 1:
        raise ValidationError(
            _("Cochez « Non applicable » ou « Je ne sais pas », pas les deux.")
        )
    if ticked and field_kind(question).read(question, form[question.id]) is not None:
        label = SPECIAL_LABELS[Special(ticked[0])]
        raise ValidationError(
            _("Videz la réponse ou décochez « %(label)s » : pas les deux.", label=label)
        )
    return Special(ticked[0]) if ticked else None


def read_comments(
    form: StepForm, questions: list[Question]
) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """Read comments; one over the maximum length goes to the errors instead."""
    comments: dict[str, str | None] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        field = form[comment_name(question)]
        text = (field.data or "").strip()
        if len(text) > MAX_COMMENT_LENGTH:
            message = _(
                "Ce commentaire compte %(length)d caractères : %(limit)d au plus.",
                length=len(text),
                limit=MAX_COMMENT_LENGTH,
            )
            field.errors = list(field.errors) + [message]
            errors[question.id] = [message]
        else:
            comments[question.id] = text or None
    return comments, errors


def initial_data(
    questions: list[Question],
    answers: dict[str, AnswerValue],
    comments: dict[str, str],
) -> dict[str, Any]:
    """Return the form data that shows stored answers and comments."""
    data: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.id)
        if isinstance(value, Special) and has_special_boxes(question):
            data[special_name(question)] = [value.value]
        elif value is not None:
            data[question.id] = _field_value(question, value)
        data[comment_name(question)] = comments.get(question.id, "")
    return data


def _field_value(question: Question, value: AnswerValue) -> Any:
    if isinstance(value, Special):
        return value.value
    if question.type is QuestionType.YES_NO:
        return "yes" if value else "no"
    if question.type is QuestionType.SCALE:
        return str(value)
    if question.type in (QuestionType.INTEGER, QuestionType.DECIMAL):
        # The same French layout people type, which parse_french_number reads back.
        return format_plain_number(value)  # type: ignore[arg-type]
    return value
