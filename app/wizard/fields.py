"""Registry of WTForms fields, one kind per question type.

Each kind builds the field for a question and turns the submitted field back
into an answer value, raising ValidationError with a French message.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    Field,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.formatting import format_plain_number
from app.text import clean_text
from app.wizard.numbers import parse_french_number
from questionnaires import Question, QuestionType
from scoring.answers import AnswerValue, Special, max_length

SPECIAL_LABELS = {
    Special.NOT_APPLICABLE: _l("Non applicable"),
    Special.DONT_KNOW: _l("Je ne sais pas"),
}


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@dataclass(frozen=True)
class FieldKind:
    """Field builder and reader of one question type."""

    build: Callable[[Question], Field]
    read: Callable[[Question, Field], AnswerValue | None]
    # Whether "not applicable" and "don't know" are options of the field itself
    # rather than separate check boxes.
    has_inline_specials: bool = False


def allowed_specials(question: Question) -> list[Special]:
    specials = []
    if question.allow_not_applicable:
        specials.append(Special.NOT_APPLICABLE)
    if question.allow_dont_know:
        specials.append(Special.DONT_KNOW)
    return specials


def special_choices(question: Question) -> list[SelectChoice]:
    """Return the options for the special answers a question allows."""
    return [
        SelectChoice(special.value, SPECIAL_LABELS[special])
        for special in allowed_specials(question)
    ]


def _radio(question: Question, choices: list[SelectChoice]) -> Field:
    return RadioField(
        question.label,
        choices=choices + special_choices(question),
        validate_choice=False,
        description=question.help or "",
    )


def _read_radio(question: Question, field: Field, convert: dict[str, Any]) -> Any:
    raw = field.data
    if raw in (None, "", "None"):
        return None
    if raw in {special.value for special in allowed_specials(question)}:
        return Special(raw)
    if raw not in convert:
        raise ValidationError(_("Choisissez une des réponses proposées."))
    return convert[raw]


def _build_single(question: Question) -> Field:
    return _radio(
        question, [SelectChoice(c.id, c.label) for c in question.choices or ()]
    )


def _read_single(question: Question, field: Field) -> AnswerValue | None:
    return _read_radio(question, field, {c.id: c.id for c in question.choices or ()})


def _build_yes_no(question: Question) -> Field:
    return _radio(
        question, [SelectChoice("yes", _l("Oui")), SelectChoice("no", _l("Non"))]
    )


def _read_yes_no(question: Question, field: Field) -> AnswerValue | None:
    return _read_radio(question, field, {"yes": True, "no": False})


def _scale_values(question: Question) -> list[int]:
    return list(range(int(question.min), int(question.max) + 1))  # type: ignore[arg-type]


def _build_scale(question: Question) -> Field:
    return _radio(question, [SelectChoice(str(v)) for v in _scale_values(question)])


def _read_scale(question: Question, field: Field) -> AnswerValue | None:
    return _read_radio(question, field, {str(v): v for v in _scale_values(question)})


def _build_multiple(question: Question) -> Field:
    return CheckboxListField(
        question.label,
        choices=[SelectChoice(c.id, c.label) for c in question.choices or ()],
        validate_choice=False,
        description=question.help or "",
    )


def _read_multiple(question: Question, field: Field) -> AnswerValue | None:
    selected = [value for value in field.data or [] if value]
    if not selected:
        return None
    if any(question.choice(value) is None for value in selected):
        raise ValidationError(_("Choisissez parmi les réponses proposées."))

    exclusive = [value for value in selected if question.choice(value).exclusive]  # type: ignore[union-attr]
    if exclusive and len(selected) > 1:
        label = question.choice(exclusive[0]).label  # type: ignore[union-attr]
        raise ValidationError(
            _("« %(label)s » ne se combine pas avec d'autres réponses.", label=label)
        )
    order = [choice.id for choice in question.choices or ()]
    return sorted(set(selected), key=order.index)


def _build_number(question: Question) -> Field:
    return StringField(
        question.label,
        description=question.help or "",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


def _read_number(question: Question, field: Field) -> AnswerValue | None:
    text = (field.data or "").strip()
    if not text:
        return None
    try:
        number = parse_french_number(text)
    except ValueError:
        example = "1 200" if question.type is QuestionType.INTEGER else "1 200,5"
        raise ValidationError(
            _(
                "« %(text)s » n'est pas un nombre : écrivez par exemple %(example)s.",
                text=text,
                example=example,
            )
        ) from None

    if question.type is QuestionType.INTEGER and number != number.to_integral_value():
        raise ValidationError(_("Saisissez un nombre entier, sans décimales."))
    _check_bounds(question, number)
    return int(number) if question.type is QuestionType.INTEGER else number


def _check_bounds(question: Question, number: Decimal) -> None:
    low, high = question.min, question.max
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            message = _(
                "Saisissez un nombre entre %(low)s et %(high)s.",
                low=format_plain_number(low),
                high=format_plain_number(high),
            )
        elif low is not None:
            message = _(
                "Saisissez un nombre supérieur ou égal à %(low)s.",
                low=format_plain_number(low),
            )
        else:
            message = _(
                "Saisissez un nombre inférieur ou égal à %(high)s.",
                high=format_plain_number(high),
            )
        raise ValidationError(message)


def _build_text(question: Question) -> Field:
    field_class = (
        TextAreaField if question.type is QuestionType.LONG_TEXT else StringField
    )
    return field_class(
        question.label,
        description=question.help or "",
        render_kw={"maxlength": max_length(question)},
    )


def _read_text(question: Question, field: Field) -> AnswerValue | None:
    text = (clean_text(field.data) or "").strip()
    limit = max_length(question)
    if limit is not None and len(text) > limit:
        raise ValidationError(
            _(
                "Ce texte compte %(length)d caractères : %(limit)d au plus.",
                length=len(text),
                limit=limit,
            )
        )
    return text or None


FIELD_KINDS: dict[QuestionType, FieldKind] = {
    QuestionType.SINGLE_CHOICE: FieldKind(_build_single, _read_single, True),
    QuestionType.YES_NO: FieldKind(_build_yes_no, _read_yes_no, True),
    QuestionType.SCALE: FieldKind(_build_scale, _read_scale, True),
    QuestionType.MULTIPLE_CHOICE: FieldKind(_build_multiple, _read_multiple),
    QuestionType.INTEGER: FieldKind(_build_number, _read_number),
    QuestionType.DECIMAL: FieldKind(_build_number, _read_number),
    QuestionType.SHORT_TEXT: FieldKind(_build_text, _read_text),
    QuestionType.LONG_TEXT: FieldKind(_build_text, _read_text),
}


def field_kind(question: Question) -> FieldKind:
    return FIELD_KINDS[question.type]
