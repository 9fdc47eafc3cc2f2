from decimal import Decimal

import pytest

from questionnaires.schema import Question
from scoring import InvalidAnswer, Special, validate_answer
from scoring.answers import is_answered


def question(question_type: str, **fields) -> Question:
    data = {"id": "q", "type": question_type, "label": "Question", **fields}
    return Question.model_validate(data)


SINGLE = question(
    "single_choice",
    choices=[
        {"id": "a", "label": "A", "points": 0},
        {"id": "b", "label": "B", "points": 1},
    ],
)
MULTIPLE = question(
    "multiple_choice",
    choices=[
        {"id": "a", "label": "A", "points": 1},
        {"id": "b", "label": "B", "points": 1},
        {"id": "c", "label": "C", "points": 1},
        {"id": "aucun", "label": "Aucun", "exclusive": True},
    ],
)
SCALE = question("scale", min=1, max=5)
YES_NO = question("yes_no")
INTEGER = question("integer", min=0, max=100)
OPEN_INTEGER = question("integer", min=0)
DECIMAL = question("decimal", min=0, max=10)
SHORT_TEXT = question("short_text")
LIMITED_TEXT = question("short_text", max_length=10)
LONG_TEXT = question("long_text")
ALLOWING_SPECIALS = question("yes_no", allow_not_applicable=True, allow_dont_know=True)

VALID_CASES = [
    pytest.param(SINGLE, "b", "b", id="single"),
    pytest.param(MULTIPLE, ["c", "a"], ["a", "c"], id="multiple-in-choice-order"),
    pytest.param(MULTIPLE, ["b"], ["b"], id="multiple-one"),
    pytest.param(MULTIPLE, ["aucun"], ["aucun"], id="exclusive-alone"),
    pytest.param(MULTIPLE, [], [], id="multiple-none-selected"),
    pytest.param(SCALE, 1, 1, id="scale-min"),
    pytest.param(SCALE, 5, 5, id="scale-max"),
    pytest.param(SCALE, Decimal("3.0"), 3, id="scale-whole-decimal"),
    pytest.param(YES_NO, True, True, id="yes"),
    pytest.param(YES_NO, False, False, id="no"),
    pytest.param(INTEGER, 0, 0, id="integer-min"),
    pytest.param(INTEGER, 100, 100, id="integer-max"),
    pytest.param(INTEGER, 42.0, 42, id="integer-whole-float"),
    pytest.param(INTEGER, Decimal("1E+1"), 10, id="integer-exponent"),
    pytest.param(DECIMAL, Decimal("2.5"), Decimal("2.5"), id="decimal"),
    pytest.param(DECIMAL, 0.1, Decimal("0.1"), id="decimal-float"),
    pytest.param(DECIMAL, 10, Decimal(10), id="decimal-max-int"),
    pytest.param(DECIMAL, 0, Decimal(0), id="decimal-min"),
    pytest.param(SHORT_TEXT, "  Bonjour  ", "Bonjour", id="text-stripped"),
    pytest.param(SHORT_TEXT, "é" * 200, "é" * 200, id="text-default-limit"),
    pytest.param(LIMITED_TEXT, " " + "x" * 10 + " ", "x" * 10, id="limit-after-strip"),
    pytest.param(LONG_TEXT, "x" * 5000, "x" * 5000, id="long-text-limit"),
]


@pytest.mark.parametrize(("definition", "value", "expected"), VALID_CASES)
def test_valid_answer(definition, value, expected):
    stored = validate_answer(definition, value)

    assert stored == expected
    assert type(stored) is type(expected)


# Each case: the question, the value and a fragment of the error message.
INVALID_CASES = [
    pytest.param(SINGLE, "z", "'z' is not one of the choices ['a', 'b']", id="single"),
    pytest.param(SINGLE, 1, "is not one of the choices", id="single-number"),
    pytest.param(SINGLE, ["b"], "is not one of the choices", id="single-list"),
    pytest.param(MULTIPLE, "a", "a list of choice ids is expected", id="multi-text"),
    pytest.param(MULTIPLE, [1], "a list of choice ids is expected", id="multi-int"),
    pytest.param(MULTIPLE, ["a", "z"], "'z' is not one of the choices", id="unknown"),
    pytest.param(MULTIPLE, ["a", "a"], "a choice is selected twice", id="twice"),
    pytest.param(
        MULTIPLE,
        ["a", "aucun"],
        "'aucun' cannot be combined with other choices",
        id="exclusive-combined",
    ),
    pytest.param(
        MULTIPLE,
        ["aucun", "b"],
        "'aucun' cannot be combined with other choices",
        id="exclusive-first",
    ),
    pytest.param(SCALE, 0, "0 is below the minimum 1", id="scale-below"),
    pytest.param(SCALE, 6, "6 is above the maximum 5", id="scale-above"),
    pytest.param(SCALE, 2.5, "2.5 is not a whole number", id="scale-fraction"),
    pytest.param(SCALE, True, "a whole number is expected", id="scale-bool"),
    pytest.param(SCALE, "3", "a whole number is expected", id="scale-text"),
    pytest.param(YES_NO, 1, "true or false is expected", id="yes-no-one"),
    pytest.param(YES_NO, "oui", "true or false is expected", id="yes-no-text"),
    pytest.param(INTEGER, -1, "-1 is below the minimum 0", id="integer-below"),
    pytest.param(INTEGER, 101, "101 is above the maximum 100", id="integer-above"),
    pytest.param(INTEGER, 1.5, "1.5 is not a whole number", id="integer-fraction"),
    pytest.param(INTEGER, False, "a whole number is expected", id="integer-bool"),
    pytest.param(INTEGER, "12", "a whole number is expected", id="integer-text"),
    pytest.param(INTEGER, float("inf"), "inf is not a finite number", id="integer-inf"),
    pytest.param(INTEGER, float("nan"), "nan is not a finite number", id="integer-nan"),
    pytest.param(OPEN_INTEGER, float("inf"), "inf", id="unbounded-integer-inf"),
    pytest.param(DECIMAL, Decimal("10.01"), "above the maximum 10", id="decimal-above"),
    pytest.param(DECIMAL, -0.5, "-0.5 is below the minimum 0", id="decimal-below"),
    pytest.param(DECIMAL, True, "a number is expected", id="decimal-bool"),
    pytest.param(DECIMAL, "2,5", "a number is expected", id="decimal-text"),
    pytest.param(DECIMAL, Decimal("NaN"), "is not a finite number", id="decimal-nan"),
    pytest.param(DECIMAL, float("inf"), "inf is not a finite number", id="decimal-inf"),
    pytest.param(SHORT_TEXT, 5, "text is expected", id="text-number"),
    pytest.param(
        SHORT_TEXT,
        "x" * 201,
        "text is 201 characters long, the maximum is 200",
        id="text-default-limit",
    ),
    pytest.param(LIMITED_TEXT, "x" * 11, "the maximum is 10", id="text-own-limit"),
    pytest.param(LONG_TEXT, "x" * 5001, "the maximum is 5000", id="long-text"),
]


@pytest.mark.parametrize(("definition", "value", "message"), INVALID_CASES)
def test_invalid_answer(definition, value, message):
    with pytest.raises(InvalidAnswer) as caught:
        validate_answer(definition, value)

    assert message in caught.value.message
    assert caught.value.question_id == "q"
    assert str(caught.value) == f"q: {caught.value.message}"


@pytest.mark.parametrize("special", list(Special))
def test_special_when_allowed(special):
    stored = validate_answer(ALLOWING_SPECIALS, special.value)

    assert stored is special


@pytest.mark.parametrize(
    ("allowed", "value"),
    [
        ({}, "not_applicable"),
        ({}, "dont_know"),
        ({"allow_dont_know": True}, "not_applicable"),
        ({"allow_not_applicable": True}, "dont_know"),
    ],
)
@pytest.mark.parametrize("question_type", ["yes_no", "integer", "short_text"])
def test_special_when_not_allowed(allowed, value, question_type):
    definition = question(question_type, **allowed)

    with pytest.raises(InvalidAnswer) as caught:
        validate_answer(definition, value)

    assert caught.value.message == f"'{value}' is not allowed for this question"


def test_special_as_choice_id_rejected():
    definition = question(
        "multiple_choice",
        allow_not_applicable=True,
        choices=[
            {"id": "a", "label": "A", "points": 1},
            {"id": "b", "label": "B", "points": 1},
        ],
    )

    with pytest.raises(InvalidAnswer):
        validate_answer(definition, ["not_applicable"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        (Special.NOT_APPLICABLE, False),
        (Special.DONT_KNOW, False),
        ("", False),
        ([], False),
        (False, True),
        (0, True),
        (Decimal(0), True),
        ("a", True),
        (["a"], True),
    ],
)
def test_is_answered(value, expected):
    assert is_answered(value) is expected
